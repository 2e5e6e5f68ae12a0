//! The HTML of the report, section by section.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use vascalc_clinical::arterial_age::{ArterialAge, arterial_age};
use vascalc_clinical::percentile::{Percentile, percentile};
use vascalc_clinical::progression::expected_band;
use vascalc_clinical::{Race, Sex};
use vascalc_domain::date::DateExt;
use vascalc_domain::{Analyte, ArteryScores, CacDrs, Date, cac_drs};
use vascalc_program::evidence::Pillar;
use vascalc_program::{Citation, Plan, Severity};
use vascalc_record::{Scan, ScanSource};

use crate::chart::{self, CacChart, CacPoint, LineChart, Span};
use crate::html::{esc, num, num1, whole};
use crate::{INFORMS, ReportInput};

const STYLE: &str = include_str!("report.css");

/// Agatston's paper: the convention of a score typed in from a radiology report.
const AGATSTON_SOURCE: &str = "Agatston AS et al. Quantification of coronary artery calcium \
using ultrafast computed tomography, J Am Coll Cardiol 1990;15(4):827-832, \
doi:10.1016/0735-1097(90)90282-T";

/// The report for `input` as one HTML document.
pub fn render(input: &ReportInput) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let name = esc(&input.person.name);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <meta name=\"generator\" content=\"vascalc {}\"/>\
         <title>vascalc report — {name} — {}</title><style>{STYLE}</style></head><body>\n",
        esc(input.version),
        input.as_of
    );
    header(&mut s, input);
    let scans = scan_views(input);
    alerts(&mut s, input);
    calcium(&mut s, input, &scans);
    risks(&mut s, input);
    kidney(&mut s, input);
    labs(&mut s, input);
    medications(&mut s, input);
    plan(&mut s, input);
    conventions(&mut s, &scans);
    let _ = write!(
        s,
        "<footer><p><strong>{INFORMS}</strong> Talk to a clinician before changing a medication or \
         a supplement. Every number above names its source; values the person entered are shown \
         as entered, with their dates.</p><p>Generated on {} by vascalc {} from the person's own \
         record, figures as of {}.</p></footer>\n</body></html>\n",
        input.generated,
        esc(input.version),
        input.as_of
    );
    s
}

fn header(s: &mut String, input: &ReportInput) {
    let p = input.person;
    let _ = write!(
        s,
        "<header><p class=\"kicker\">vascalc clinician report</p><h1>{}</h1>\
         <p class=\"informs\"><strong>{INFORMS}</strong> This report gathers what the person \
         recorded and what vascalc computed from it, with the source of every figure, for a \
         conversation with a clinician.</p><table class=\"facts\"><tbody>",
        esc(&p.name)
    );
    let mut row = |k: &str, v: String| {
        let _ = write!(s, "<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>");
    };
    match p.birth_date {
        Some(b) => row(
            "Born",
            format!(
                "{b} (age {} on {})",
                input.as_of.years_since(b),
                input.as_of
            ),
        ),
        None => row("Born", "not recorded".into()),
    }
    row("Sex", p.sex.map_or("not recorded", Sex::as_str).to_owned());
    row(
        "Race/ethnicity (as the equations use it)",
        p.race.map_or("not recorded", Race::as_str).to_owned(),
    );
    if let Some(h) = p.height_cm {
        let (v, unit) = vascalc_domain::BodyMeasure::Height.shown(h, p.units);
        row("Height", format!("{} {unit}", num(v)));
    }
    let yes_no = |v: Option<bool>| match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    };
    row("Diabetes", yes_no(p.diabetes).into());
    row(
        "Family history of myocardial infarction",
        yes_no(p.family_history_mi).into(),
    );
    if p.ascvd.is_some() {
        row("Established ASCVD", yes_no(p.ascvd).into());
    }
    if p.dialysis == Some(true) {
        row("On dialysis", "yes".into());
    }
    if p.calciphylaxis == Some(true) {
        row("Calciphylaxis", "yes".into());
    }
    row("Figures as of", input.as_of.to_string());
    row(
        "Generated",
        format!("{} by vascalc {}", input.generated, esc(input.version)),
    );
    s.push_str("</tbody></table></header>\n");
}

/// One scan as the report shows it.
struct ScanView<'a> {
    scan: &'a Scan,
    /// The stored `scan score` series, when the scan came from one and it reads back.
    series: Option<vascalc_ct::SeriesScore>,
    /// Why this score is not a final score (flags that withhold interpretation); empty when it
    /// is one.
    not_final: Vec<String>,
    arteries: Option<ArteryScores>,
    drs: Option<CacDrs>,
    age: Option<i32>,
    percentile: Result<Percentile, Withheld>,
    arterial_age: Result<ArterialAge, Withheld>,
}

/// Why a scan's percentile or arterial age is not shown.
#[derive(Debug, Clone, PartialEq)]
enum Withheld {
    /// Flags withhold the score's interpretation.
    NotFinal,
    /// The profile lacks what the figure needs (`the birth date and sex`).
    Needs(&'static str),
    /// vascalc-clinical's reason (outside its reference data, a diabetes answer, …).
    Refused(String),
}

impl std::fmt::Display for Withheld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFinal => f.write_str("not a final score"),
            Self::Needs(what) => write!(f, "needs {what}"),
            Self::Refused(why) => f.write_str(why),
        }
    }
}

/// Why `scan` is not a final score, in words: the flags of its stored `scan score` series that
/// withhold interpretation (unreviewed candidates, not a chest, …), a stored series that does not
/// read back, a total that is not a number ≥ 0. Empty for a final score (reviewed, or typed from
/// a report). What the report leaves out of its chart and its figures, and what vascalc-app
/// leaves out of every clinical figure (assessment, progression, the CAC page).
pub fn not_final(scan: &Scan) -> Vec<String> {
    read_score(scan).1
}

/// The stored series of `scan`, when it reads back, and why the scan is not final.
fn read_score(scan: &Scan) -> (Option<vascalc_ct::SeriesScore>, Vec<String>) {
    let (series, mut not_final) = match &scan.score {
        Some(v) => match serde_json::from_value::<vascalc_ct::SeriesScore>(v.clone()) {
            Ok(series) => {
                let blocked = series
                    .flags
                    .iter()
                    .filter(|f| f.code.blocks_interpretation())
                    .map(|f| f.message.clone())
                    .collect();
                (Some(series), blocked)
            }
            Err(e) => (
                None,
                vec![format!(
                    "the stored scan score cannot be read back ({e}); check the scan with \
                     `vascalc entry` and add it again"
                )],
            ),
        },
        None => (None, Vec::new()),
    };
    if !scan.agatston.is_finite() || scan.agatston < 0.0 {
        not_final.push(format!("the score {} is not a number ≥ 0", scan.agatston));
    }
    (series, not_final)
}

fn scan_views<'a>(input: &ReportInput<'a>) -> Vec<ScanView<'a>> {
    let mut scans: Vec<&Scan> = input
        .scans
        .iter()
        .filter(|s| s.date <= input.as_of)
        .collect();
    scans.sort_by_key(|s| s.date);
    scans
        .into_iter()
        .map(|scan| {
            let (series, not_final) = read_score(scan);
            let arteries = (!scan.per_artery.is_empty()).then_some(scan.per_artery);
            let age = input.person.birth_date.map(|b| scan.date.years_since(b));
            let final_score = not_final.is_empty();
            let percentile = match (final_score, age, input.person.sex) {
                (false, _, _) => Err(Withheld::NotFinal),
                (true, Some(age), Some(sex)) => {
                    percentile(scan.agatston, f64::from(age), sex, input.person.race)
                        .map_err(Withheld::Refused)
                }
                _ => Err(Withheld::Needs("the birth date and sex")),
            };
            let arterial = match (final_score, age) {
                (false, _) => Err(Withheld::NotFinal),
                (true, Some(age)) => {
                    arterial_age(scan.agatston, f64::from(age), input.person.diabetes)
                        .map_err(|why| Withheld::Refused(why.to_owned()))
                }
                _ => Err(Withheld::Needs("the birth date")),
            };
            ScanView {
                scan,
                series,
                drs: final_score.then(|| cac_drs(scan.agatston, arteries.as_ref())),
                not_final,
                arteries,
                age,
                percentile,
                arterial_age: arterial,
            }
        })
        .collect()
}

fn alerts(s: &mut String, input: &ReportInput) {
    let Ok(plan) = input.plan else { return };
    if plan.alerts.is_empty() {
        return;
    }
    let mut alerts: Vec<_> = plan.alerts.iter().collect();
    alerts.sort_by_key(|a| (a.rule != "unknown_medicine", std::cmp::Reverse(a.severity)));
    s.push_str(
        "<section class=\"alerts\" aria-labelledby=\"alerts-h\"><h2 id=\"alerts-h\">Safety \
         alerts and notes</h2><ul>",
    );
    for a in alerts {
        let level = match a.severity {
            Severity::Danger => "DANGER",
            Severity::Warning => "WARNING",
            Severity::Info => "Note",
        };
        let _ = write!(
            s,
            "<li class=\"{}\"><strong>{level}</strong> {} <span class=\"rule\">(rule {})</span>{}</li>",
            level.to_ascii_lowercase(),
            esc(&a.message),
            esc(&a.rule),
            citations(&a.citations)
        );
    }
    s.push_str("</ul></section>\n");
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`, …; a score of 0 is percentile 0 in MESA.
fn ordinal(n: u8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    if n == 0 {
        "0 (score 0)".into()
    } else {
        format!("{n}{suffix}")
    }
}

/// The percentile reference by the name its source goes by.
fn reference(id: &str) -> &str {
    match id {
        "mesa_2006_calculator" => "MESA",
        "javaid_2022" => "Javaid 2022",
        other => other,
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(num).unwrap_or_else(|| "—".into())
}

fn calcium(s: &mut String, input: &ReportInput, scans: &[ScanView]) {
    s.push_str("<section aria-labelledby=\"cac-h\"><h2 id=\"cac-h\">Coronary artery calcium</h2>");
    if scans.is_empty() {
        let _ = writeln!(
            s,
            "<p>No scan recorded on or before {}.</p></section>",
            input.as_of
        );
        return;
    }
    s.push_str(
        "<table class=\"scans\"><caption>Scans, Agatston score per artery; CAC-DRS, percentile \
         and arterial age at the person's age on the scan's day</caption><thead><tr>\
         <th scope=\"col\">Date</th><th scope=\"col\">Total</th><th scope=\"col\">LM</th>\
         <th scope=\"col\">LAD</th><th scope=\"col\">LCX</th><th scope=\"col\">RCA</th>\
         <th scope=\"col\">Volume mm³</th><th scope=\"col\">Mass mg</th>\
         <th scope=\"col\">CAC-DRS</th><th scope=\"col\">Percentile</th>\
         <th scope=\"col\">Arterial age</th><th scope=\"col\">From</th></tr></thead><tbody>",
    );
    let mut sources: Vec<&str> = Vec::new();
    for v in scans {
        let sc = v.scan;
        let from = match sc.source {
            ScanSource::Report => "radiology report",
            ScanSource::Score => "vascalc scan score",
        };
        if !v.not_final.is_empty() {
            let _ = write!(
                s,
                "<tr class=\"not-final\"><td>{}</td><td colspan=\"10\"><strong>Not a final \
                 score</strong> (not shown): {}</td><td>{from}</td></tr>",
                sc.date,
                esc(&v.not_final.join("; "))
            );
            continue;
        }
        let artery = |f: fn(&ArteryScores) -> Option<f64>| opt_num(v.arteries.as_ref().and_then(f));
        let pct = match &v.percentile {
            Ok(p) => {
                sources.push(p.source);
                match (p.percentile, p.band) {
                    (Some(n), _) => {
                        format!(
                            "{} (age {}; {})",
                            ordinal(n),
                            p.age_used,
                            reference(p.reference)
                        )
                    }
                    (None, Some(b)) => {
                        format!(
                            "{} (age {}; {})",
                            esc(b),
                            p.age_used,
                            reference(p.reference)
                        )
                    }
                    _ => "—".into(),
                }
            }
            Err(why) => format!("— <span class=\"why\">{}</span>", esc(&why.to_string())),
        };
        let age = match &v.arterial_age {
            Ok(a) => {
                sources.push(a.source);
                format!(
                    "{} y (95 % CI {}–{}; age {})",
                    a.years.round(),
                    a.ci95_years[0].round(),
                    a.ci95_years[1].round(),
                    v.age.map(|a| a.to_string()).unwrap_or_default()
                )
            }
            Err(why) => format!("— <span class=\"why\">{}</span>", esc(&why.to_string())),
        };
        if let Some(d) = &v.drs {
            sources.push(d.source);
        }
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\"><strong>{}</strong></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{pct}</td>\
             <td>{age}</td><td>{from}</td></tr>",
            sc.date,
            num(sc.agatston),
            artery(|a| a.lm),
            artery(|a| a.lad),
            artery(|a| a.lcx),
            artery(|a| a.rca),
            opt_num(sc.volume_mm3),
            opt_num(sc.mass_mg),
            v.drs.as_ref().map(|d| d.code).unwrap_or("—"),
        );
    }
    s.push_str("</tbody></table>");
    if let Some(c) = input.assessment.ok().and_then(|a| a.cac.as_ref()) {
        let _ = write!(
            s,
            "<p>Latest score, {} ({}): {}. Guideline context: {} <span class=\"src\">[{}]</span></p>",
            num(c.agatston),
            esc(c.category.label),
            esc(c.category.description),
            esc(c.statin_context.statement),
            link_dois(c.statin_context.source)
        );
    }
    sources_list(s, &mut sources);

    trajectory_chart(s, input, scans);
    progression(s, input);
    s.push_str("</section>\n");
}

fn trajectory_chart(s: &mut String, input: &ReportInput, scans: &[ScanView]) {
    let points: Vec<CacPoint> = scans
        .iter()
        .filter(|v| v.not_final.is_empty())
        .map(|v| CacPoint {
            date: v.scan.date,
            agatston: v.scan.agatston,
        })
        .collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let mut meds: Vec<_> = input
        .medications
        .iter()
        .filter(|m| m.start <= input.as_of)
        .collect();
    meds.sort_by_key(|m| m.start);
    let end = input.as_of.max(last.date);
    // The axis starts at the first scan, or up to two years earlier for a course started before.
    let earliest_med = meds.first().map(|m| m.start).unwrap_or(first.date);
    let start = first.date.min(earliest_med.max(first.date.add_days(-730)));
    let spans: Vec<Span> = meds
        .iter()
        .filter(|m| m.end.is_none_or(|e| e >= start))
        .map(|m| Span {
            label: match (m.dose, &m.unit) {
                (Some(d), Some(u)) => format!("{} {} {}", m.name, num(d), u),
                _ => m.name.clone(),
            },
            start: m.start,
            end: m.end.filter(|e| *e <= input.as_of),
        })
        .collect();
    let baseline = scans
        .iter()
        .find(|v| v.not_final.is_empty() && v.scan.agatston > 0.0);
    let band = match (baseline, input.person.sex) {
        (Some(b), Some(sex)) => {
            let clinical = vascalc_clinical::Scan {
                date: b.scan.date,
                agatston: b.scan.agatston,
                volume_mm3: b.scan.volume_mm3,
            };
            expected_band(&[clinical], sex, end).map_or_else(Vec::new, |b| b.points)
        }
        _ => Vec::new(),
    };
    let svg = chart::cac_chart(&CacChart {
        id: "cac-chart",
        scans: &points,
        band: &band,
        band_baseline: baseline.map(|b| b.scan.date),
        interventions: &spans,
        from: start,
        to: end,
    });
    let band_note = match (baseline, band.last()) {
        (Some(b), Some((d, e))) => format!(
            "The grey band is the expected trajectory from the {} scan: {} AU plus the MESA median \
             change of {} AU a year ({} expected on {d}), widened by 2.5 on the square-root scale \
             either way (Hokanson's inter-scan variability; {}–{} AU), the range `vascalc \
             progress` calls within expectation. <span class=\"src\">[{}; {}]</span>",
            b.scan.date,
            num(b.scan.agatston),
            num(e.median_annual_change),
            whole(e.expected),
            whole(e.low),
            whole(e.high),
            link_dois(e.source),
            link_dois(vascalc_clinical::progression::HOKANSON_SOURCE)
        ),
        (None, _) => "No band: every score is 0, and from 0 MESA gives the chance of calcium \
                      appearing (6.6 % a year on average), not an expected score."
            .into(),
        _ => "No band: the expected change depends on sex, which is not recorded.".into(),
    };
    let _ = write!(
        s,
        "<figure class=\"chart\">{svg}<figcaption>Coronary calcium over time (observed scans; \
         scores that are not final are left out). {band_note} Bars below: medications and \
         supplements as recorded, on the same time axis.</figcaption></figure>"
    );
}

fn progression(s: &mut String, input: &ReportInput) {
    let Some(p) = input.progression else { return };
    if !p.consecutive.is_empty() {
        s.push_str(
            "<table class=\"changes\"><caption>Change between scans</caption><thead><tr>\
             <th scope=\"col\">Interval</th><th scope=\"col\">Years</th>\
             <th scope=\"col\">Scores</th><th scope=\"col\">AU/year</th>\
             <th scope=\"col\">%/year</th><th scope=\"col\">√ difference</th>\
             <th scope=\"col\">Expected follow-up</th><th scope=\"col\">Observed vs \
             expected</th></tr></thead><tbody>",
        );
        for c in p
            .consecutive
            .iter()
            .chain(p.first_to_last.iter().filter(|_| p.consecutive.len() > 1))
        {
            let _ = write!(
                s,
                "<tr><td>{} → {}</td><td class=\"n\">{:.1}</td><td>{} → {}</td>\
                 <td class=\"n\">{:+.1}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}{}</td>\
                 <td class=\"n\">{}</td><td>{}</td></tr>",
                c.from,
                c.to,
                c.years,
                num(c.baseline),
                num(c.follow_up),
                c.annualised_change,
                c.annualised_percent
                    .map(|v| format!("{v:+.1}"))
                    .unwrap_or_else(|| "—".into()),
                c.sqrt_difference,
                if c.incident {
                    " (incident)".to_owned()
                } else if c.sqrt_rule_progression {
                    format!(
                        " (≥ {}: progression)",
                        vascalc_clinical::progression::SQRT_THRESHOLD
                    )
                } else {
                    String::new()
                },
                c.expected
                    .expected_follow_up
                    .map(whole)
                    .or_else(|| c
                        .expected
                        .probability_incident
                        .map(|p| format!("{:.0} % chance of CAC > 0", p * 100.0)))
                    .unwrap_or_else(|| "—".into()),
                esc(c.expected.comparison)
            );
        }
        s.push_str("</tbody></table>");
        let mut sources: Vec<&str> = Vec::new();
        for c in &p.consecutive {
            sources.extend(c.sources.iter().copied());
            for w in &c.cautions {
                let _ = write!(
                    s,
                    "<p class=\"caution\"><strong>Caution ({} → {}):</strong> {}</p>",
                    c.from,
                    c.to,
                    esc(&w.message)
                );
                sources.extend(w.sources.iter().copied());
            }
        }
        sources_list(s, &mut sources);
    }
    let ns = &p.next_scan;
    let when = match (ns.earliest, ns.latest) {
        (Some(e), Some(l)) => format!("between {e} and {l}"),
        (Some(e), None) => format!("not before {e}"),
        _ => "no evidence-based date for this profile".into(),
    };
    let _ = write!(s, "<p><strong>Next scan:</strong> {when}.</p><ul>");
    for b in &ns.basis {
        let _ = write!(s, "<li>{}</li>", esc(b));
    }
    s.push_str("</ul>");
    let mut sources: Vec<&str> = ns.sources.to_vec();
    sources_list(s, &mut sources);
}

fn model_name(model: &str) -> &str {
    match model {
        "pce_2013" => "Pooled Cohort Equations (Goff 2013)",
        "pce_2018" => "Pooled Cohort Equations, revised (Yadlowsky 2018)",
        "prevent_2023" => "AHA PREVENT equations (Khan 2024)",
        "mesa_chd_2015" => "MESA CHD risk score (McClelland 2015)",
        other => other,
    }
}

fn risks(s: &mut String, input: &ReportInput) {
    s.push_str("<section aria-labelledby=\"risk-h\"><h2 id=\"risk-h\">Risk estimates</h2>");
    let a = match input.assessment {
        Ok(a) => a,
        Err(why) => {
            let _ = writeln!(s, "<p>No assessment: {}</p></section>", esc(why));
            return;
        }
    };
    if a.risks.is_empty() {
        s.push_str("<p>No risk equation applies to this profile (see below).</p>");
    } else {
        s.push_str(
            "<table class=\"risks\"><caption>Estimated risk by equation, as of the date above\
             </caption><thead><tr><th scope=\"col\">Equation</th><th scope=\"col\">Outcome</th>\
             <th scope=\"col\">Risk</th><th scope=\"col\">Coefficients</th>\
             <th scope=\"col\">Source</th></tr></thead><tbody>",
        );
        for r in &a.risks {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"n\"><strong>{} %</strong></td><td>{}</td>\
                 <td class=\"src\">{}</td></tr>",
                esc(model_name(r.model)),
                esc(&r.outcome.replace('_', " ")),
                if r.percent < 1.0 {
                    format!("{:.2}", r.percent)
                } else {
                    num1(r.percent)
                },
                esc(r.coefficients),
                link_dois(r.source)
            );
        }
        s.push_str("</tbody></table>");
    }
    if !a.not_applicable.is_empty() {
        s.push_str("<p>Not applied:</p><ul class=\"not-applied\">");
        for n in &a.not_applicable {
            let _ = write!(
                s,
                "<li>{}: {}</li>",
                esc(model_name(n.model)),
                esc(&n.reason.to_string())
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>\n");
}

fn egfr_method(m: &str) -> &str {
    match m {
        "given" => "as reported by the laboratory",
        "ckd_epi_2021_creatinine" => "CKD-EPI 2021, creatinine",
        "ckd_epi_2021_creatinine_cystatin" => "CKD-EPI 2021, creatinine and cystatin C",
        "ckd_epi_2012_cystatin" => "CKD-EPI 2012, cystatin C",
        other => other,
    }
}

fn kidney(s: &mut String, input: &ReportInput) {
    let Ok(a) = input.assessment else { return };
    s.push_str("<section aria-labelledby=\"kidney-h\"><h2 id=\"kidney-h\">Kidney function</h2>");
    match &a.kidney {
        None => s.push_str(
            "<p>No eGFR: no creatinine, cystatin C, eGFR or urine albumin/creatinine is \
             recorded.</p>",
        ),
        Some(k) => {
            let _ = write!(
                s,
                "<p>eGFR <strong>{} mL/min/1.73 m²</strong> ({}), stage <strong>{}</strong> \
                 ({}){}.</p>",
                num1(k.egfr_ml_min_1_73m2),
                esc(egfr_method(k.egfr_method)),
                esc(k.g_stage),
                esc(k.g_description),
                match (k.a_stage, k.a_description) {
                    (Some(st), Some(d)) =>
                        format!("; albuminuria <strong>{}</strong> ({})", esc(st), esc(d)),
                    _ => String::new(),
                }
            );
            if let Some(v) = k.egfr_creatinine_only {
                let _ = write!(s, "<p>Creatinine-only eGFR: {}.</p>", num1(v));
            }
            if let Some(v) = k.egfr_cystatin_only {
                let _ = write!(s, "<p>Cystatin C-only eGFR: {}.</p>", num1(v));
            }
            let _ = write!(s, "<p>{}</p>", esc(&k.medial_calcification_note));
            let mut sources = k.sources.to_vec();
            sources_list(s, &mut sources);
        }
    }
    s.push_str("</section>\n");
}

fn labs(s: &mut String, input: &ReportInput) {
    s.push_str(
        "<section aria-labelledby=\"labs-h\"><h2 id=\"labs-h\">Laboratory results</h2>\
         <p>As entered in the record from the person's laboratory reports, with the date of each \
         sample.</p>",
    );
    type Pair<'b> = (&'b vascalc_record::Lab, Option<&'b vascalc_record::Lab>);
    let mut by: BTreeMap<(usize, &str), Vec<Pair>> = BTreeMap::new();
    let stored = |i: usize| input.stored_labs.and_then(|s| s.get(i));
    for (i, l) in input.labs.iter().enumerate() {
        if l.date > input.as_of {
            continue;
        }
        // The analyte table's order (lipids, kidney, minerals, …), unknown ids last.
        let order = Analyte::ALL
            .iter()
            .position(|a| a.id() == l.analyte)
            .unwrap_or(usize::MAX);
        by.entry((order, &l.analyte))
            .or_default()
            .push((l, stored(i)));
    }
    if by.is_empty() {
        s.push_str("<p>No laboratory result recorded.</p></section>\n");
        return;
    }
    s.push_str(
        "<table class=\"labs\"><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Date\
         </th><th scope=\"col\">Value</th><th scope=\"col\">Unit</th><th scope=\"col\">LOINC</th>\
         </tr></thead><tbody>",
    );
    for ((_, id), rows) in by.iter_mut() {
        rows.sort_by_key(|(l, _)| l.date);
        let name = Analyte::find(id).map(|a| a.name()).unwrap_or(id);
        for (l, stored) in rows.iter() {
            // The stored value where the person's units differ from the record's.
            let as_stored = match stored {
                Some(st) if st.unit != l.unit => format!(
                    " <span class=\"src\">(stored as {} {})</span>",
                    num(st.value),
                    esc(&st.unit)
                ),
                _ => String::new(),
            };
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}{as_stored}</td><td>{}</td></tr>",
                esc(name),
                l.date,
                num(l.value),
                esc(&l.unit),
                esc(l.loinc.as_deref().unwrap_or("—"))
            );
        }
    }
    s.push_str("</tbody></table><div class=\"lab-charts\">");
    for ((_, id), rows) in &by {
        // A chart needs two dates, all in one unit.
        let unit = rows[0].0.unit.as_str();
        if rows.len() < 2 || rows.iter().any(|(l, _)| l.unit != unit) {
            continue;
        }
        let name = Analyte::find(id).map(|a| a.name()).unwrap_or(id);
        let points: Vec<(Date, f64)> = rows.iter().map(|(l, _)| (l.date, l.value)).collect();
        let chart_id = format!("lab-{id}");
        let svg = chart::line_chart(&LineChart {
            id: &chart_id,
            title: name,
            unit,
            points: &points,
        });
        let _ = write!(
            s,
            "<figure class=\"chart small\">{svg}<figcaption>{} ({}), {} results</figcaption></figure>",
            esc(name),
            esc(unit),
            rows.len()
        );
    }
    s.push_str("</div></section>\n");
}

fn medications(s: &mut String, input: &ReportInput) {
    s.push_str(
        "<section aria-labelledby=\"med-h\"><h2 id=\"med-h\">Medications and supplements</h2>",
    );
    let mut meds: Vec<_> = input
        .medications
        .iter()
        .filter(|m| m.start <= input.as_of)
        .collect();
    if meds.is_empty() {
        s.push_str("<p>None recorded.</p></section>\n");
        return;
    }
    meds.sort_by_key(|m| (m.end.is_some_and(|e| e < input.as_of), m.start));
    s.push_str(
        "<table class=\"meds\"><caption>Courses as the person recorded them</caption><thead><tr>\
         <th scope=\"col\">Name</th><th scope=\"col\">Class</th><th scope=\"col\">Dose</th>\
         <th scope=\"col\">Started</th><th scope=\"col\">Stopped</th></tr></thead><tbody>",
    );
    for m in meds {
        let dose = match (m.dose, &m.unit) {
            (Some(d), Some(u)) => format!("{} {}", num(d), esc(u)),
            (Some(d), None) => num(d),
            _ => "—".into(),
        };
        let stopped = match m.end {
            Some(e) if e <= input.as_of => e.to_string(),
            _ => "ongoing".into(),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{dose}</td><td>{}</td><td>{stopped}</td></tr>",
            esc(&m.name),
            esc(&m.kind.replace('_', " ")),
            m.start
        );
    }
    s.push_str("</tbody></table></section>\n");
}

fn citation(c: &Citation) -> String {
    let (href, id) = match (&c.doi, &c.pmid, &c.url) {
        (Some(doi), _, _) => (
            Some(format!("https://doi.org/{doi}")),
            format!("doi:{}", esc(doi)),
        ),
        (None, Some(pmid), _) => (
            Some(format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/")),
            format!("PMID {}", esc(pmid)),
        ),
        (None, None, Some(url)) => (Some(url.clone()), esc(url).into_owned()),
        _ => (None, "no identifier".into()),
    };
    let id = match href {
        Some(h) => format!("<a href=\"{}\">{id}</a>", esc(&h)),
        None => id,
    };
    format!(
        "{}{} ({id}){}",
        esc(&c.label),
        c.result
            .as_deref()
            .map(|r| format!(": {}", esc(r)))
            .unwrap_or_default(),
        if c.unconfirmed { " [unconfirmed]" } else { "" }
    )
}

fn citations(cs: &[Citation]) -> String {
    if cs.is_empty() {
        return String::new();
    }
    let mut s = String::from("<ul class=\"cites\">");
    for c in cs {
        let _ = write!(s, "<li>{}</li>", citation(c));
    }
    s.push_str("</ul>");
    s
}

fn plan(s: &mut String, input: &ReportInput) {
    s.push_str(
        "<section aria-labelledby=\"plan-h\"><h2 id=\"plan-h\">The plan and its sources</h2>",
    );
    let plan: &Plan = match input.plan {
        Ok(p) => p,
        Err(why) => {
            let _ = writeln!(s, "<p>No plan: {}</p></section>", esc(why));
            return;
        }
    };
    let _ = write!(
        s,
        "<p>What the evidence base says for this person as of {}: each item's target with its \
         source, the current figure from the record, and the studies behind it. Items marked \
         \"discuss\" are for a conversation with a clinician.</p>",
        plan.today
    );
    for pillar in [
        Pillar::Diet,
        Pillar::Lifestyle,
        Pillar::Medical,
        Pillar::Monitoring,
    ] {
        let items: Vec<_> = plan
            .items
            .iter()
            .filter(|i| {
                i.pillar == pillar && i.relevance != vascalc_program::Relevance::NotRelevant
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let mut title = pillar.as_str().to_owned();
        if let Some(first) = title.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let _ = write!(
            s,
            "<h3>{title}</h3><table class=\"plan\"><thead><tr><th scope=\"col\">Item</th>\
             <th scope=\"col\">Target (source)</th><th scope=\"col\">Current</th>\
             <th scope=\"col\">Status</th></tr></thead>"
        );
        for i in items {
            let relevance = match i.relevance {
                vascalc_program::Relevance::Relevant => "",
                vascalc_program::Relevance::Discuss => " <em>(discuss)</em>",
                vascalc_program::Relevance::NotRelevant => "",
                vascalc_program::Relevance::Avoid => " <em>(avoid)</em>",
            };
            let _ = write!(
                s,
                "<tbody class=\"item\"><tr><td><strong>{}</strong>{relevance}</td><td>{} <span class=\"src\">[{}]</span>\
                 </td><td>{}</td><td>{}</td></tr><tr class=\"evidence\"><td colspan=\"4\">{}{}{}\
                 </td></tr></tbody>",
                esc(&i.title),
                esc(&i.target.text),
                link_dois(&i.target.source),
                esc(&i.current.text),
                esc(i.status.as_str()),
                esc(&i.evidence.summary),
                citations(&i.evidence.citations),
                i.notes
                    .iter()
                    .map(|n| format!("<p class=\"note\">{}</p>", esc(n)))
                    .collect::<String>()
            );
        }
        s.push_str("</table>");
    }
    let other: Vec<_> = plan
        .items
        .iter()
        .filter(|i| i.relevance == vascalc_program::Relevance::NotRelevant)
        .collect();
    if !other.is_empty() {
        s.push_str(
            "<h3>Not relevant to this person's situation</h3><table class=\"plan other\"><thead>\
             <tr><th scope=\"col\">Item</th><th scope=\"col\">Target (source)</th>\
             <th scope=\"col\">Current</th></tr></thead><tbody>",
        );
        for i in other {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{} <span class=\"src\">[{}]</span></td><td>{}</td></tr>",
                esc(&i.title),
                esc(&i.target.text),
                link_dois(&i.target.source),
                esc(&i.current.text)
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>\n");
}

fn conventions(s: &mut String, scans: &[ScanView]) {
    s.push_str(
        "<section aria-labelledby=\"conv-h\"><h2 id=\"conv-h\">Scoring convention and quality \
         flags</h2><ul>",
    );
    for v in scans {
        let sc = v.scan;
        match (&v.series, sc.source) {
            (Some(series), _) => {
                let c = &series.conventions;
                let _ = write!(
                    s,
                    "<li>{}: scored by vascalc, convention {} (threshold {} HU, weight bins from \
                     {} / {} / {} HU, depth {} mm), artery assignment: {}. \
                     <span class=\"src\">[{}]</span>",
                    sc.date,
                    c.convention.name.as_str(),
                    num(c.convention.threshold_hu),
                    num(c.convention.weight_bounds_hu[0]),
                    num(c.convention.weight_bounds_hu[1]),
                    num(c.convention.weight_bounds_hu[2]),
                    num(c.depth_mm),
                    esc(&c.artery_assignment),
                    link_dois(&c.convention.source)
                );
                if series.flags.is_empty() {
                    s.push_str(" No quality flag.");
                } else {
                    s.push_str("<ul>");
                    for f in &series.flags {
                        let code = serde_json::to_value(f.code)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        let _ = write!(
                            s,
                            "<li><strong>{}{}</strong>: {}</li>",
                            esc(&code),
                            if f.code.blocks_interpretation() {
                                " (withholds interpretation)"
                            } else {
                                ""
                            },
                            esc(&f.message)
                        );
                    }
                    s.push_str("</ul>");
                }
                s.push_str("</li>");
            }
            (None, ScanSource::Report) => {
                let _ = write!(
                    s,
                    "<li>{}: typed in from a radiology report; scored by the reporting site with \
                     its own software, normally the Agatston convention (130 HU threshold, \
                     density weights 1–4 from the lesion's peak HU, 3 mm slices at 120 kVp). \
                     The report's own quality remarks are not in the record. \
                     <span class=\"src\">[{}]</span></li>",
                    sc.date,
                    link_dois(AGATSTON_SOURCE)
                );
            }
            (None, ScanSource::Score) => {
                let _ = write!(s, "<li>{}: {}</li>", sc.date, esc(&v.not_final.join("; ")));
            }
        }
    }
    if scans.is_empty() {
        s.push_str("<li>No scan.</li>");
    }
    let _ = writeln!(
        s,
        "</ul><p>CAC-DRS: Agatston category A0–A3, with N1–N4 vessels with calcium when per-artery \
         scores are known. <span class=\"src\">[{}]</span></p></section>",
        link_dois(vascalc_domain::CAC_DRS_SOURCE)
    );
}

/// Appends "Sources: …" for the distinct `sources`.
fn sources_list(s: &mut String, sources: &mut Vec<&str>) {
    sources.sort_unstable();
    sources.dedup();
    if sources.is_empty() {
        return;
    }
    s.push_str("<ul class=\"sources\" aria-label=\"Sources\">");
    for src in sources.iter() {
        let _ = write!(s, "<li>{}</li>", link_dois(src));
    }
    s.push_str("</ul>");
}

/// `text` escaped, with each `doi:10.…` turned into a link to doi.org.
fn link_dois(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("doi:10.") {
        out.push_str(&esc(&rest[..i]));
        let tail = &rest[i + 4..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .unwrap_or(tail.len());
        // A DOI does not end with the sentence's full stop or a closing parenthesis it sits in.
        let doi = tail[..end].trim_end_matches(['.', ')']);
        let _ = write!(
            out,
            "<a href=\"https://doi.org/{}\">doi:{}</a>",
            esc(doi),
            esc(doi)
        );
        rest = &tail[doi.len()..];
    }
    out.push_str(&esc(rest));
    out
}

#[cfg(test)]
mod tests;
