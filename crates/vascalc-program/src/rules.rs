//! Safety alerts and honest notes: each a named rule with a test that it fires and one that it
//! does not.
//!
//! | rule | fires when | severity |
//! |---|---|---|
//! | `unknown_medicine` | a medicine in use whose name vascalc does not know and whose kind was not given (one alert per name, first in the list) | warning |
//! | `vka_vitamin_k` | a vitamin K antagonist and a vitamin K supplement (course today or dose logged in 30 days) | danger |
//! | `vka_dietary_k2` | a vitamin K antagonist and a logged food day with ≥ 10 µg MK-7 in 30 days | warning |
//! | `vka_calcification` | a vitamin K antagonist | info |
//! | `magnesium_egfr_below_30` | a magnesium supplement with eGFR < 30 or dialysis | danger |
//! | `magnesium_egfr_30_45` | a magnesium supplement with 30 ≤ eGFR < 45 | warning |
//! | `magnesium_egfr_unknown` | a magnesium supplement and no eGFR on record | info |
//! | `magnesium_above_ul` | magnesium supplement dose > 350 mg/day (IOM UL) | warning |
//! | `bisphosphonate_low_egfr` | a bisphosphonate with eGFR < 35 or dialysis | danger |
//! | `calcium_supplement` | a calcium supplement | warning |
//! | `sodium_thiosulfate_outside_specialist` | sodium thiosulfate without specialist calciphylaxis care | danger |
//! | `statin_raises_cac` | a statin and at least one scan | info |
//! | `exercise_raises_cac` | endurance activity logged in the last 90 days and at least one scan | info |

use crate::evidence;
use crate::facts::{self, Facts};
use crate::types::{Alert, Citation, Severity};
use crate::{MedKind, plan::fmt_num};

/// The eGFR below which magnesium supplements are flagged as dangerous (mL/min/1.73 m²).
pub const MAGNESIUM_EGFR_DANGER: f64 = 30.0;
/// The eGFR below which magnesium supplements need clinician oversight (MAGiCAL-CKD enrolled
/// eGFR 15–45 and saw more serious adverse events; research/evidence.md §3).
pub const MAGNESIUM_EGFR_CAUTION: f64 = 45.0;
/// Bisphosphonate threshold: creatinine clearance 35 mL/min (FDA 2011 zoledronic acid
/// contraindication; alendronate label "not recommended" below 35, secondary source). vascalc
/// compares it with eGFR, which is not the same measure, and says so.
pub const BISPHOSPHONATE_EGFR: f64 = 35.0;
/// MK-7 from food on one day that can move the INR (Theuwissen 2013: 10 µg/day relevant in ≥ 40%).
pub const VKA_DIETARY_MK7_UG: f64 = 10.0;

fn cite_studies(ids: &[&str]) -> Vec<Citation> {
    let Ok(base) = evidence::evidence() else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| {
            base.study(id)
                .map(|(_, s)| Citation::of_study(s))
                .or_else(|| base.guideline(id).map(Citation::of_guideline))
        })
        .collect()
}

fn alert(rule: &str, severity: Severity, message: String, cites: &[&str]) -> Alert {
    Alert {
        rule: rule.into(),
        severity,
        message,
        citations: cite_studies(cites),
    }
}

/// Every rule, in a fixed order.
pub(crate) fn alerts(f: &Facts) -> Vec<Alert> {
    let mut out = Vec::new();
    unknown_medicine(f, &mut out);
    vka(f, &mut out);
    magnesium(f, &mut out);
    bisphosphonate(f, &mut out);
    calcium(f, &mut out);
    sodium_thiosulfate(f, &mut out);
    folklore(f, &mut out);
    out
}

/// The names of the medicines in use (courses today, doses in the last 30 days) whose kind is
/// `kind`, each once (case-insensitively), in the order first met.
fn names_in_use(f: &Facts, kind: MedKind) -> Vec<String> {
    let since = f.today.add_days(-29);
    let courses = f.courses(kind).map(|m| m.name.as_str());
    let doses = f
        .input
        .med_log
        .iter()
        .filter(|d| d.kind == kind && since <= d.date && d.date <= f.today)
        .map(|d| d.name.as_str());
    let mut out: Vec<String> = Vec::new();
    for n in courses.chain(doses) {
        let n = n.trim();
        if !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
            out.push(n.to_string());
        }
    }
    out
}

/// The kinds a person can choose from, vitamin K antagonists first.
pub fn kind_choices() -> String {
    MedKind::ALL
        .iter()
        .filter(|k| **k != MedKind::Unknown)
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_medicine(f: &Facts, out: &mut Vec<Alert>) {
    for name in names_in_use(f, MedKind::Unknown) {
        let shown = if name.is_empty() {
            "a medicine without a name".to_string()
        } else {
            name.clone()
        };
        let arg = if name.contains(char::is_whitespace) || name.is_empty() {
            format!("{name:?}")
        } else {
            name.clone()
        };
        out.push(alert(
            "unknown_medicine",
            Severity::Warning,
            format!(
                "Safety rules could not be checked for {shown}: vascalc does not know what it is, so no interaction, kidney or dose rule covers it. Say what it is with `vascalc log med {arg} --kind …` ({}).",
                kind_choices()
            ),
            &[],
        ));
    }
}

fn vka(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::VitaminKAntagonist) {
        return;
    }
    let since = f.today.add_days(-29);
    if [MedKind::Mk7, MedKind::VitaminKOther]
        .iter()
        .any(|k| f.using(*k))
    {
        out.push(alert(
            "vka_vitamin_k",
            Severity::Danger,
            "You take a vitamin K antagonist (warfarin-type) and a vitamin K supplement. Vitamin K counteracts these anticoagulants: 10–20 µg/day of MK-7 moved the INR in volunteers, 45 µg/day lowered it by about 40%. Do not start, stop or change vitamin K without your anticoagulation clinic.".into(),
            &["theuwissen-2013", "schurgers-2004"],
        ));
    }
    let mut high_food_day = None;
    let mut d = since;
    while d <= f.today {
        if f.food_logged(d) {
            let spec = facts::NutrientSpec {
                supplement: None,
                ..facts::MK7
            };
            if let Some(a) = f.day_amount(&spec, d) {
                if a.amount >= VKA_DIETARY_MK7_UG {
                    high_food_day = Some((d, a.amount));
                }
            }
        }
        d = d.add_days(1);
    }
    if let Some((d, a)) = high_food_day {
        out.push(alert(
            "vka_dietary_k2",
            Severity::Warning,
            format!("Your food log has at least {} µg MK-7 on {d} (e.g. natto or aged cheese). On a vitamin K antagonist, keep vitamin K intake steady from day to day and tell your anticoagulation clinic about large changes.", fmt_num(a)),
            &["theuwissen-2013"],
        ));
    }
    out.push(alert(
        "vka_calcification",
        Severity::Info,
        "Long-term vitamin K antagonists are associated with more arterial and valve calcification (meta-analysis CAC OR 1.21). For DOACs there is one cross-sectional study, which found no association but whose DOAC users had a median of 16 weeks of use against 122 weeks for VKAs. This is observational: discuss with your prescriber, never stop an anticoagulant on your own.".into(),
        &["kosciuszek-2022", "peeters-2018-vka"],
    ));
}

fn magnesium(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::Magnesium) {
        return;
    }
    let dialysis = f.input.clinical.dialysis;
    let egfr = f.egfr();
    if dialysis || egfr.is_some_and(|(_, e)| e < MAGNESIUM_EGFR_DANGER) {
        let what = match egfr {
            Some((d, e)) if !dialysis => format!("eGFR {} on {d}", fmt_num(e)),
            _ => "dialysis".to_string(),
        };
        out.push(alert(
            "magnesium_egfr_below_30",
            Severity::Danger,
            format!("Magnesium supplement with {what} (below {MAGNESIUM_EGFR_DANGER}): failing kidneys cannot clear magnesium and severe hypermagnesaemia occurs almost only in this situation. Take it only if your nephrologist prescribed it, with serum magnesium checks; avoid magnesium laxatives and antacids."),
            &["van-laecke-2023", "magical-ckd-2023"],
        ));
    } else if let Some((d, e)) = egfr.filter(|(_, e)| *e < MAGNESIUM_EGFR_CAUTION) {
        out.push(alert(
            "magnesium_egfr_30_45",
            Severity::Warning,
            format!("Magnesium supplement with eGFR {} on {d}: in MAGiCAL-CKD (eGFR 15–45) magnesium did not slow calcification and caused more serious adverse events. Use only with your clinician and serum magnesium checks.", fmt_num(e)),
            &["magical-ckd-2023"],
        ));
    } else if egfr.is_none() {
        out.push(alert(
            "magnesium_egfr_unknown",
            Severity::Info,
            "Magnesium supplement and no eGFR on record: magnesium supplements are unsafe in advanced kidney disease; record a creatinine/eGFR result.".into(),
            &["van-laecke-2023"],
        ));
    }
    // Per day: the mean of the logged doses on the days taken in the last 30 days, else the
    // courses' daily doses.
    let (days, total) = f.logged_in(MedKind::Magnesium, f.today.add_days(-29), f.today);
    let dose: f64 = if days > 0 {
        total / f64::from(days)
    } else {
        f.courses(MedKind::Magnesium)
            .filter_map(|m| {
                m.dose
                    .as_ref()
                    .and_then(|d| facts::supplement_amount(MedKind::Magnesium, d))
            })
            .sum()
    };
    if dose > crate::targets::MAGNESIUM_SUPPLEMENT_UL_MG {
        out.push(alert(
            "magnesium_above_ul",
            Severity::Warning,
            format!("Magnesium supplements total {} mg/day, above the 350 mg/day tolerable upper intake for supplements (IOM 1997); the usual first effect is diarrhoea.", fmt_num(dose)),
            &["iom-dri-1997"],
        ));
    }
}

fn bisphosphonate(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::Bisphosphonate) {
        return;
    }
    let dialysis = f.input.clinical.dialysis;
    let low = f.egfr().filter(|(_, e)| *e < BISPHOSPHONATE_EGFR);
    if dialysis || low.is_some() {
        let what = match low {
            Some((d, e)) if !dialysis => format!("eGFR {} on {d}", fmt_num(e)),
            _ => "dialysis".to_string(),
        };
        out.push(alert(
            "bisphosphonate_low_egfr",
            Severity::Danger,
            format!("Bisphosphonate with {what}: zoledronic acid is contraindicated below a creatinine clearance of 35 mL/min (FDA 2011) and alendronate is not recommended below 35 (risedronate/ibandronate commonly below 30, unconfirmed). eGFR is not creatinine clearance: ask your prescriber to check kidney function against the label."),
            &["fda-zoledronic-2011"],
        ));
    }
}

fn calcium(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::Calcium) {
        return;
    }
    // Issue 10: Chertow 2002 tested calcium-based phosphate binders in haemodialysis, not
    // supplements at any eGFR: it is named only on dialysis, and as a binder result.
    let (ckd, cites): (&str, &[&str]) = if f.input.clinical.dialysis {
        (
            " On haemodialysis, calcium-based phosphate binders sped up coronary calcification compared with sevelamer (Chertow 2002: a trial of binders, not of supplements); ask your nephrologist about all the calcium you take.",
            &["anderson-2016", "manson-2010-whi", "chertow-2002"],
        )
    } else if f.ckd() {
        (
            " With reduced kidney function, KDIGO 2017 advises restricting calcium-based phosphate binders; ask your clinician about all the calcium you take.",
            &["anderson-2016", "manson-2010-whi", "kdigo-ckd-mbd-2017"],
        )
    } else {
        ("", &["anderson-2016", "manson-2010-whi"])
    };
    out.push(alert(
        "calcium_supplement",
        Severity::Warning,
        format!("Calcium supplement: in MESA, supplement users had more new coronary calcium (RR 1.22) while calcium from food went with less (RR 0.73); the WHI calcium + D trial found no CAC difference. Prefer food calcium and ask whether the supplement is needed.{ckd}"),
        cites,
    ));
}

fn sodium_thiosulfate(f: &Facts, out: &mut Vec<Alert>) {
    if f.using(MedKind::SodiumThiosulfate) && !f.input.clinical.specialist_care_calciphylaxis {
        out.push(alert(
            "sodium_thiosulfate_outside_specialist",
            Severity::Danger,
            "Sodium thiosulfate is an intravenous, off-label therapy (nausea, hypotension, metabolic acidosis) used for calciphylaxis under nephrology/specialist care; its calcification trials are small and the double-blind one was null. It should not be taken outside that care.".into(),
            &["djuric-2020", "wen-2022-meta"],
        ));
    }
}

fn folklore(f: &Facts, out: &mut Vec<Alert>) {
    if f.scans.is_empty() {
        return;
    }
    if f.using(MedKind::Statin) {
        out.push(alert(
            "statin_raises_cac",
            Severity::Info,
            "On a statin, the calcium score often keeps rising (atheroma shrinks while plaque calcifies: in pooled IVUS trials the calcium index rose on high- and low-intensity statins alike; St Francis, BELLES, SALTIRE null on CAC). A rising CAC on a statin is expected and is not treatment failure.".into(),
            &["puri-2015", "saltire-cac-2006", "belles-2005", "paradigm-2021"],
        ));
    }
    let since = f.today.add_days(-89);
    if f.endurance.range(since..=f.today).next().is_some() {
        out.push(alert(
            "exercise_raises_cac",
            Severity::Info,
            "Regular exercise can raise the calcium score (Kangbuk Samsung: +8.2 units over 5 years in the most active vs inactive). The plaque behind it is not always the calcified kind: masters athletes' plaques were mostly calcified, but lifelong athletes in Master@Heart had more non-calcified plaque too (OR 1.95). Do not judge your exercise by the CAC.".into(),
            &["sung-2021", "merghani-2017", "master-at-heart-2023"],
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::*;

    fn fires(i: &PlanInput, rule: &str) -> bool {
        rules_fired(i).iter().any(|r| r == rule)
    }

    #[test]
    fn vka_vitamin_k_fires_with_both_and_not_with_one() {
        let mut i = input();
        i.medications.push(med(MedKind::Mk7, 180.0, DoseUnit::Ug));
        assert!(!fires(&i, "vka_vitamin_k"), "K2 alone");
        i.medications
            .push(med(MedKind::VitaminKAntagonist, 5.0, DoseUnit::Mg));
        assert!(fires(&i, "vka_vitamin_k"));
        let a = plan(&i)
            .alerts
            .into_iter()
            .find(|a| a.rule == "vka_vitamin_k")
            .unwrap();
        assert_eq!(a.severity, Severity::Danger);
        assert!(
            a.citations
                .iter()
                .any(|c| c.doi.as_deref() == Some("10.1111/jth.12203"))
        );
        // Warfarin alone: no supplement alert, but the calcification note.
        let mut j = input();
        j.medications
            .push(med(MedKind::VitaminKAntagonist, 5.0, DoseUnit::Mg));
        assert!(!fires(&j, "vka_vitamin_k"));
        assert!(fires(&j, "vka_calcification"));
        // A DOAC is not a vitamin K antagonist.
        let mut k = input();
        k.medications.push(med(MedKind::Doac, 5.0, DoseUnit::Mg));
        k.medications.push(med(MedKind::Mk7, 180.0, DoseUnit::Ug));
        assert!(!fires(&k, "vka_vitamin_k"));
    }

    #[test]
    fn no_recorded_kind_or_unit_silences_the_vka_vitamin_k_danger() {
        // Every kind a VKA could be recorded under, every unit, as a course or as a logged dose,
        // with MK-7 or K1 by name under any kind: a known name decides the class.
        let units = [
            DoseUnit::Ug,
            DoseUnit::Mg,
            DoseUnit::G,
            DoseUnit::Iu,
            DoseUnit::Mmol,
            DoseUnit::Unit,
        ];
        let mut checked = 0;
        for vka_name in [
            "Coumadin",
            "warfarin 5 mg",
            "Marevan",
            "Sintrom",
            "Marcumar",
        ] {
            for (i, kind) in MedKind::ALL.into_iter().enumerate() {
                for unit in units {
                    let k_name = ["MK-7", "Konakion", "vitamin K2", "K1"][i % 4];
                    let k_kind = MedKind::ALL[(i + 7) % MedKind::ALL.len()];
                    let k_unit = units[(i + 3) % units.len()];
                    for as_dose in [false, true] {
                        let mut inp = input();
                        let mut m = med(kind, 5.0, unit);
                        m.name = vka_name.into();
                        let mut k = med(k_kind, 180.0, k_unit);
                        k.name = k_name.into();
                        if as_dose {
                            inp.med_log.push(MedDose {
                                date: day("2025-06-29"),
                                kind: m.kind,
                                name: m.name.clone(),
                                dose: m.dose,
                            });
                            inp.med_log.push(MedDose {
                                date: day("2025-06-28"),
                                kind: k.kind,
                                name: k.name.clone(),
                                dose: k.dose,
                            });
                        } else {
                            inp.medications.push(m);
                            inp.medications.push(k);
                        }
                        let p = plan(&inp);
                        assert!(
                            p.alerts.iter().any(
                                |a| a.rule == "vka_vitamin_k" && a.severity == Severity::Danger
                            ),
                            "{vka_name} as {kind:?} in {unit:?}, {k_name} as {k_kind:?} in \
                             {k_unit:?}, dose log: {as_dose}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 5 * MedKind::ALL.len() * 6 * 2);
    }

    #[test]
    fn an_unknown_medicine_says_the_rules_could_not_be_checked() {
        let mut i = input();
        let mut m = med(MedKind::Unknown, 1.0, DoseUnit::Unit);
        m.name = "Fancypill".into();
        i.medications.push(m.clone());
        let p = plan(&i);
        let first = &p.alerts[0];
        assert_eq!(first.rule, "unknown_medicine");
        assert!(first.message.contains("could not be checked for Fancypill"));
        assert!(
            first
                .message
                .contains("--kind …` (vitamin_k_antagonist, doac,"),
            "{}",
            first.message
        );
        // Classified as `other`, or a known name recorded as unknown: no alert.
        i.medications[0].kind = MedKind::Other;
        assert!(!fires(&i, "unknown_medicine"));
        i.medications[0].kind = MedKind::Unknown;
        i.medications[0].name = "Lipitor".into();
        assert!(!fires(&i, "unknown_medicine"));
        // A logged dose of an unknown name within 30 days counts; an ended course does not.
        let mut j = input();
        j.med_log.push(MedDose {
            date: day("2025-06-20"),
            kind: MedKind::Unknown,
            name: "Pill X".into(),
            dose: None,
        });
        assert!(fires(&j, "unknown_medicine"));
        let mut k = input();
        m.end = Some(day("2025-01-01"));
        k.medications.push(m);
        assert!(!fires(&k, "unknown_medicine"));
    }

    #[test]
    fn vka_vitamin_k_fires_on_a_logged_dose_and_an_ended_course_does_not() {
        let mut i = input();
        i.medications
            .push(med(MedKind::VitaminKAntagonist, 5.0, DoseUnit::Mg));
        let mut old = med(MedKind::Mk7, 180.0, DoseUnit::Ug);
        old.end = Some(day("2024-06-01"));
        i.medications.push(old);
        assert!(!fires(&i, "vka_vitamin_k"), "course ended a year ago");
        i.med_log.push(MedDose {
            date: day("2025-06-20"),
            kind: MedKind::VitaminKOther,
            name: "K1".into(),
            dose: None,
        });
        assert!(fires(&i, "vka_vitamin_k"));
    }

    #[test]
    fn supplement_rules_fire_from_doses_logged_without_a_course() {
        // Warfarin and MK-7 only as logged doses, no course of either.
        let mut i = input();
        dose(
            &mut i,
            MedKind::VitaminKAntagonist,
            "2025-06-29",
            5.0,
            DoseUnit::Mg,
        );
        dose(&mut i, MedKind::Mk7, "2025-06-28", 180.0, DoseUnit::Ug);
        assert!(fires(&i, "vka_vitamin_k"));
        assert!(fires(&i, "vka_calcification"));
        // Magnesium, calcium and a bisphosphonate as doses, eGFR 20.
        let mut j = input();
        egfr(&mut j, 20.0);
        dose(
            &mut j,
            MedKind::Magnesium,
            "2025-06-30",
            500.0,
            DoseUnit::Mg,
        );
        dose(&mut j, MedKind::Calcium, "2025-06-30", 500.0, DoseUnit::Mg);
        dose(
            &mut j,
            MedKind::Bisphosphonate,
            "2025-06-01",
            70.0,
            DoseUnit::Mg,
        );
        dose(
            &mut j,
            MedKind::SodiumThiosulfate,
            "2025-06-15",
            25.0,
            DoseUnit::G,
        );
        let fired = rules_fired(&j);
        for rule in [
            "magnesium_egfr_below_30",
            "magnesium_above_ul",
            "calcium_supplement",
            "bisphosphonate_low_egfr",
            "sodium_thiosulfate_outside_specialist",
        ] {
            assert!(fired.iter().any(|r| r == rule), "{rule} in {fired:?}");
        }
        // A dose more than 30 days ago is not "taking now".
        let mut k = input();
        egfr(&mut k, 20.0);
        dose(
            &mut k,
            MedKind::Magnesium,
            "2025-05-31",
            300.0,
            DoseUnit::Mg,
        );
        assert!(!fires(&k, "magnesium_egfr_below_30"));
        dose(
            &mut k,
            MedKind::Magnesium,
            "2025-06-01",
            300.0,
            DoseUnit::Mg,
        );
        assert!(fires(&k, "magnesium_egfr_below_30"));
        // 300 mg per dose is below the 350 mg UL even when taken on few days.
        assert!(!fires(&k, "magnesium_above_ul"));
    }

    #[test]
    fn vka_dietary_k2_threshold() {
        let mut i = input();
        i.medications
            .push(med(MedKind::VitaminKAntagonist, 5.0, DoseUnit::Mg));
        i.intakes
            .push(intake(day("2025-06-25"), &[("menaquinone7_ug", 9.0, 0)]));
        assert!(!fires(&i, "vka_dietary_k2"));
        i.intakes
            .push(intake(day("2025-06-26"), &[("menaquinone7_ug", 850.0, 0)]));
        assert!(fires(&i, "vka_dietary_k2"));
        i.medications.clear();
        assert!(!fires(&i, "vka_dietary_k2"));
    }

    #[test]
    fn magnesium_by_egfr() {
        let mut i = input();
        i.medications
            .push(med(MedKind::Magnesium, 300.0, DoseUnit::Mg));
        assert!(fires(&i, "magnesium_egfr_unknown"));
        egfr(&mut i, 25.0);
        assert!(fires(&i, "magnesium_egfr_below_30"));
        assert!(!fires(&i, "magnesium_egfr_30_45"));
        i.labs.clear();
        egfr(&mut i, 30.0);
        assert!(!fires(&i, "magnesium_egfr_below_30"), "30 is not below 30");
        assert!(fires(&i, "magnesium_egfr_30_45"));
        i.labs.clear();
        egfr(&mut i, 75.0);
        let fired = rules_fired(&i);
        assert!(
            !fired.iter().any(|r| r.starts_with("magnesium_egfr")),
            "{fired:?}"
        );
        // Dialysis counts as below 30 whatever the lab says.
        i.clinical.dialysis = true;
        assert!(fires(&i, "magnesium_egfr_below_30"));
        // No supplement, no alert.
        i.medications.clear();
        assert!(!rules_fired(&i).iter().any(|r| r.starts_with("magnesium")));
    }

    #[test]
    fn egfr_from_creatinine_when_not_reported() {
        // Man born 1960-03-01, 65 on 2025-06-30; creatinine 2.5 mg/dL → CKD-EPI 2021 ≈ 28
        // (vascalc-clinical's implementation of Inker 2021).
        let mut i = input();
        i.medications
            .push(med(MedKind::Magnesium, 300.0, DoseUnit::Mg));
        i.labs.push(LabResult {
            loinc: "2160-0".into(),
            value: 2.5,
            unit: "mg/dL".into(),
            date: day("2025-06-01"),
        });
        assert!(fires(&i, "magnesium_egfr_below_30"));
        i.labs.clear();
        i.labs.push(LabResult {
            loinc: "14682-9".into(),
            value: 80.0,
            unit: "µmol/L".into(),
            date: day("2025-06-01"),
        });
        assert!(
            !rules_fired(&i)
                .iter()
                .any(|r| r.starts_with("magnesium_egfr"))
        );
    }

    #[test]
    fn magnesium_above_ul() {
        let mut i = input();
        egfr(&mut i, 90.0);
        i.medications
            .push(med(MedKind::Magnesium, 350.0, DoseUnit::Mg));
        assert!(!fires(&i, "magnesium_above_ul"), "350 is the UL itself");
        i.medications
            .push(med(MedKind::Magnesium, 15.0, DoseUnit::Mmol));
        assert!(fires(&i, "magnesium_above_ul"));
    }

    #[test]
    fn bisphosphonate_threshold_35() {
        let mut i = input();
        i.medications
            .push(med(MedKind::Bisphosphonate, 70.0, DoseUnit::Mg));
        egfr(&mut i, 34.0);
        assert!(fires(&i, "bisphosphonate_low_egfr"));
        i.labs.clear();
        egfr(&mut i, 35.0);
        assert!(!fires(&i, "bisphosphonate_low_egfr"));
        i.medications.clear();
        i.labs.clear();
        egfr(&mut i, 20.0);
        assert!(!fires(&i, "bisphosphonate_low_egfr"));
    }

    #[test]
    fn calcium_supplement_rule() {
        let mut i = input();
        assert!(!fires(&i, "calcium_supplement"));
        i.medications
            .push(med(MedKind::Calcium, 500.0, DoseUnit::Mg));
        assert!(fires(&i, "calcium_supplement"));
        // Issue 10: Chertow 2002 (calcium-based binders in haemodialysis) is cited only on
        // dialysis, never for a supplement at eGFR 45.
        let chertow = |i: &PlanInput| {
            plan(i)
                .alerts
                .into_iter()
                .find(|a| a.rule == "calcium_supplement")
                .map(|a| {
                    a.message.contains("Chertow")
                        || a.citations.iter().any(|c| c.id == "chertow-2002")
                })
        };
        assert_eq!(chertow(&i), Some(false));
        egfr(&mut i, 45.0);
        assert_eq!(chertow(&i), Some(false));
        i.clinical.dialysis = true;
        assert_eq!(chertow(&i), Some(true));
    }

    #[test]
    fn sodium_thiosulfate_only_under_specialist() {
        let mut i = input();
        i.medications
            .push(med(MedKind::SodiumThiosulfate, 25.0, DoseUnit::G));
        assert!(fires(&i, "sodium_thiosulfate_outside_specialist"));
        i.clinical.calciphylaxis = true;
        i.clinical.specialist_care_calciphylaxis = true;
        assert!(!fires(&i, "sodium_thiosulfate_outside_specialist"));
        let j = input();
        assert!(!fires(&j, "sodium_thiosulfate_outside_specialist"));
    }

    #[test]
    fn folklore_notes_need_a_scan() {
        let mut i = input();
        i.medications.push(med(MedKind::Statin, 20.0, DoseUnit::Mg));
        i.activity.push(Activity {
            date: day("2025-06-29"),
            kind: ActivityKind::Endurance,
            minutes: 40.0,
        });
        assert!(!fires(&i, "statin_raises_cac"));
        assert!(!fires(&i, "exercise_raises_cac"));
        scan(&mut i, "2023-01-10", 120.0);
        assert!(fires(&i, "statin_raises_cac"));
        assert!(fires(&i, "exercise_raises_cac"));
        i.medications.clear();
        i.activity.clear();
        assert!(!fires(&i, "statin_raises_cac"));
        assert!(!fires(&i, "exercise_raises_cac"));
    }
}
