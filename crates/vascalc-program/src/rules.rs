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
//! | `bisphosphonate_low_egfr` | a bisphosphonate with creatinine clearance < 35 mL/min (Cockcroft–Gault when weight and creatinine are known, else eGFR as a stand-in) or dialysis | danger |
//! | `calcium_supplement` | a calcium supplement | warning |
//! | `sodium_thiosulfate_outside_specialist` | sodium thiosulfate without specialist calciphylaxis care | danger |
//! | `implausible_dose` | a course or logged dose outside the range the medicine is sold in (not counted towards any target) | warning |
//! | `duplicate_therapy` | two anticoagulants (danger), two drugs of one class, one drug as several courses, or several courses of one supplement, at once | danger / warning |
//! | `omega3_antithrombotic` | omega-3 with a VKA, DOAC or antiplatelet (bleeding; AF in REDUCE-IT, STRENGTH) | warning |
//! | `vka_dietary_k1` | a VKA and food-log days whose vitamin K1 differs by ≥ 150 µg in 30 days | warning |
//! | `binder_spacing` | a phosphate binder with a quinolone, immunosuppressant or levothyroxine | warning |
//! | `bisphosphonate_spacing` | an oral bisphosphonate with calcium, magnesium, iron, an antacid or a binder | warning |
//! | `antibiotic_chelation` | a quinolone or tetracycline with magnesium, calcium, iron, an antacid or a binder | warning |
//! | `vitamin_d_above_ul` | vitamin D supplements > 100 µg/day (IOM UL) | warning |
//! | `active_vitamin_d_high_calcium` | active vitamin D with serum calcium > 10.2 mg/dL | danger |
//! | `calcium_above_ul` | food + supplement calcium, 7-day mean, above 2,000 mg (> 50 y) or 2,500 mg (19–50 y) | warning |
//! | `calcium_thiazide` | a calcium supplement with a thiazide | warning |
//! | `aluminium_in_ckd` | an aluminium binder or antacid with eGFR < 60 or dialysis (KDIGO 2009) | danger |
//! | `magnesium_antacid_in_ckd` | a magnesium antacid or laxative with eGFR < 30 / dialysis (danger) or < 45 (warning) | danger / warning |
//! | `ppi_low_magnesium` | a PPI with serum magnesium < 1.7 mg/dL | warning |
//! | `statin_raises_cac` | a statin and at least one scan | info |
//! | `exercise_raises_cac` | endurance activity logged in the last 90 days and at least one scan | info |

use crate::date::DateExt;
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
    let citations = cite_studies(cites);
    // Every id a rule cites is in the evidence base (checked whenever a test fires the rule).
    debug_assert_eq!(
        citations.len(),
        cites.len(),
        "{rule} cites an id not in the evidence base: {cites:?}"
    );
    Alert {
        rule: rule.into(),
        severity,
        message,
        citations,
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
    implausible_dose(f, &mut out);
    duplicate_therapy(f, &mut out);
    omega3_antithrombotic(f, &mut out);
    vka_dietary_k1(f, &mut out);
    binder_spacing(f, &mut out);
    bisphosphonate_spacing(f, &mut out);
    antibiotic_chelation(f, &mut out);
    vitamin_d_above_ul(f, &mut out);
    active_vitamin_d_high_calcium(f, &mut out);
    calcium_above_ul(f, &mut out);
    calcium_thiazide(f, &mut out);
    aluminium_magnesium_in_ckd(f, &mut out);
    ppi_low_magnesium(f, &mut out);
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
        if !out.iter().any(|o| crate::medicines::same_name(o, n)) {
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
            if let Some(a) = f.day_amount(&spec, d)
                && a.amount >= VKA_DIETARY_MK7_UG
            {
                high_food_day = Some((d, a.amount));
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
            format!("Magnesium supplement with {what} (below {MAGNESIUM_EGFR_DANGER}, a cut-off that is vascalc's own choice): failing kidneys cannot clear magnesium and severe hypermagnesaemia occurs almost only in this situation. Take it only if your nephrologist prescribed it, with serum magnesium checks; avoid magnesium laxatives and antacids."),
            &["van-laecke-2023", "magical-ckd-2023"],
        ));
    } else if let Some((d, e)) = egfr.filter(|(_, e)| *e < MAGNESIUM_EGFR_CAUTION) {
        out.push(alert(
            "magnesium_egfr_30_45",
            Severity::Warning,
            format!("Magnesium supplement with eGFR {} on {d} (30–45: cut-offs that are vascalc's own choice): in MAGiCAL-CKD (eGFR 15–45) magnesium did not slow calcification and caused more serious adverse events. Use only with your clinician and serum magnesium checks.", fmt_num(e)),
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
                    .and_then(|d| facts::plausible_amount(MedKind::Magnesium, &m.name, d))
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
    // The labels' cut-off is creatinine clearance: Cockcroft–Gault when weight, age, sex and
    // creatinine are known; else eGFR as a stand-in, said as such.
    let what = match (dialysis, f.creatinine_clearance(), f.egfr()) {
        (true, _, _) => Some("dialysis".to_string()),
        (false, Some((d, c, w)), _) => (c < BISPHOSPHONATE_EGFR).then(|| {
            format!(
                "a creatinine clearance of {} mL/min (Cockcroft–Gault from the creatinine of {d} and a weight of {})",
                fmt_num(c),
                f.body_text(vascalc_domain::BodyMeasure::Weight, w, 1)
            )
        }),
        (false, None, Some((d, e))) => (e < BISPHOSPHONATE_EGFR).then(|| {
            format!(
                "eGFR {} on {d} (used in place of creatinine clearance: record weight and creatinine for Cockcroft–Gault)",
                fmt_num(e)
            )
        }),
        (false, None, None) => None,
    };
    if let Some(what) = what {
        out.push(alert(
            "bisphosphonate_low_egfr",
            Severity::Danger,
            format!("Bisphosphonate with {what}: zoledronic acid is contraindicated below a creatinine clearance of 35 mL/min (FDA 2011) and alendronate is not recommended below 35 (risedronate/ibandronate commonly below 30, unconfirmed). Ask your prescriber to check kidney function against the label."),
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

/// The medicines in use today for the rules below: courses active today, and doses logged today
/// or yesterday under names without such a course. (name, dose) pairs.
fn in_use_now(f: &Facts, kinds: &[MedKind]) -> Vec<(MedKind, String, Option<crate::Dose>)> {
    let mut out: Vec<(MedKind, String, Option<crate::Dose>)> = Vec::new();
    for k in kinds {
        for m in f.courses(*k) {
            out.push((*k, m.name.trim().to_string(), m.dose));
        }
    }
    let since = f.today.add_days(-1);
    for d in &f.input.med_log {
        if kinds.contains(&d.kind)
            && since <= d.date
            && d.date <= f.today
            && !out
                .iter()
                .any(|(k, n, _)| *k == d.kind && crate::medicines::same_name(n, &d.name))
        {
            out.push((d.kind, d.name.trim().to_string(), d.dose));
        }
    }
    out
}

/// The ingredient a name stands for, else the name itself (lower case).
fn ingredient(name: &str) -> String {
    crate::medicines::lookup(name)
        .map(|m| m.ingredient.clone())
        .unwrap_or_else(|| name.trim().to_lowercase())
}

fn shown(name: &str, kind: MedKind) -> String {
    if name.trim().is_empty() {
        kind.as_str().replace('_', " ")
    } else {
        name.trim().to_string()
    }
}

fn implausible_dose(f: &Facts, out: &mut Vec<Alert>) {
    let since = f.today.add_days(-29);
    let courses = f
        .input
        .medications
        .iter()
        .filter(|m| m.active_on(f.today))
        .filter_map(|m| Some((m.kind, m.name.as_str(), m.dose?)));
    let doses = f
        .input
        .med_log
        .iter()
        .filter(|d| since <= d.date && d.date <= f.today)
        .filter_map(|d| Some((d.kind, d.name.as_str(), d.dose?)));
    let mut seen: Vec<String> = Vec::new();
    for (kind, name, dose) in courses.chain(doses) {
        if let Err(e) = crate::medicines::check_dose(kind, name, &dose) {
            let msg = e.to_string();
            if seen.contains(&msg) {
                continue;
            }
            seen.push(msg.clone());
            out.push(alert(
                "implausible_dose",
                Severity::Warning,
                format!("Implausible dose recorded: {msg}. vascalc does not count it towards any target; correct the record if it is a slip."),
                &[],
            ));
        }
    }
}

/// Classes where two different ingredients at once are a duplicate (a second statin, a second
/// PPI…); supplements where two courses of the class at once are.
const DUPLICATE_DRUG_CLASSES: &[MedKind] = &[
    MedKind::Statin,
    MedKind::Ezetimibe,
    MedKind::Pcsk9Inhibitor,
    MedKind::Bisphosphonate,
    MedKind::Denosumab,
    MedKind::Calcimimetic,
    MedKind::ActiveVitaminD,
    MedKind::Thiazide,
    MedKind::LoopDiuretic,
    MedKind::Ppi,
    MedKind::Quinolone,
    MedKind::Tetracycline,
    MedKind::Levothyroxine,
];
const DUPLICATE_SUPPLEMENTS: &[MedKind] = &[
    MedKind::Mk7,
    MedKind::VitaminKOther,
    MedKind::Magnesium,
    MedKind::Calcium,
    MedKind::VitaminD,
    MedKind::Omega3,
    MedKind::Iron,
];

fn duplicate_therapy(f: &Facts, out: &mut Vec<Alert>) {
    // Anticoagulants: any two (VKA + DOAC, two DOACs, a VKA recorded twice).
    let anticoag = in_use_now(f, &[MedKind::VitaminKAntagonist, MedKind::Doac]);
    if anticoag.len() >= 2 {
        let mut ingredients: Vec<String> = anticoag.iter().map(|(_, n, _)| ingredient(n)).collect();
        ingredients.sort();
        ingredients.dedup();
        let names: Vec<String> = anticoag.iter().map(|(k, n, _)| shown(n, *k)).collect();
        let (severity, what) = if ingredients.len() >= 2 {
            (
                Severity::Danger,
                "two anticoagulants at once (bleeding risk: they are not combined outside a switch the prescriber plans)",
            )
        } else {
            (
                Severity::Warning,
                "one anticoagulant recorded as more than one course (if these are tablet strengths making up one dose, record them as one course)",
            )
        };
        out.push(alert(
            "duplicate_therapy",
            severity,
            format!("Duplicate therapy: {} — {what}. Check the record, and your medicines with your prescriber or pharmacist.", names.join(" + ")),
            &[],
        ));
    }
    for class in DUPLICATE_DRUG_CLASSES {
        let items = in_use_now(f, &[*class]);
        if items.len() < 2 {
            continue;
        }
        let mut ingredients: Vec<String> = items.iter().map(|(_, n, _)| ingredient(n)).collect();
        ingredients.sort();
        ingredients.dedup();
        let names: Vec<String> = items.iter().map(|(k, n, _)| shown(n, *k)).collect();
        let what = if ingredients.len() >= 2 {
            format!("two {} medicines at once", class.as_str().replace('_', " "))
        } else {
            "one medicine recorded as more than one course (tablet strengths making up one dose are one course)".to_string()
        };
        out.push(alert(
            "duplicate_therapy",
            Severity::Warning,
            format!("Duplicate therapy: {} — {what}. Check the record, and your medicines with your prescriber or pharmacist.", names.join(" + ")),
            &[],
        ));
    }
    for class in DUPLICATE_SUPPLEMENTS {
        let items = in_use_now(f, &[*class]);
        if items.len() < 2 {
            continue;
        }
        let names: Vec<String> = items.iter().map(|(k, n, _)| shown(n, *k)).collect();
        let total: f64 = items
            .iter()
            .filter_map(|(k, n, d)| d.as_ref().and_then(|d| facts::plausible_amount(*k, n, d)))
            .sum();
        let total = if total > 0.0 {
            format!(
                ", {} {}/day together",
                fmt_num(total),
                facts::kind_unit(*class)
            )
        } else {
            String::new()
        };
        out.push(alert(
            "duplicate_therapy",
            Severity::Warning,
            format!("Duplicate therapy: {} courses of {} at once ({}){total}. Check whether they are meant to be taken together.", items.len(), class.as_str().replace('_', " "), names.join(" + ")),
            &[],
        ));
    }
}

fn omega3_antithrombotic(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::Omega3) {
        return;
    }
    let with: Vec<&str> = [
        (MedKind::VitaminKAntagonist, "a vitamin K antagonist"),
        (MedKind::Doac, "a DOAC"),
        (MedKind::Antiplatelet, "an antiplatelet"),
    ]
    .iter()
    .filter(|(k, _)| f.using(*k))
    .map(|(_, w)| *w)
    .collect();
    if with.is_empty() {
        return;
    }
    out.push(alert(
        "omega3_antithrombotic",
        Severity::Warning,
        format!("Omega-3 / fish oil with {}: omega-3 products can prolong bleeding, and their labels ask for monitoring with anticoagulants and antiplatelets. The high-dose trials also found more atrial fibrillation (REDUCE-IT 3.1% vs 2.1% hospitalised; STRENGTH HR 1.69). Tell your prescriber you take it.", with.join(" and ")),
        &["label-omega3-antithrombotic", "reduce-it-2019", "strength-2020"],
    ));
}

/// A day-to-day swing in dietary vitamin K1 on a VKA that vascalc points out: 150 µg/day, the
/// smallest daily K1 supplement that lowered the INR significantly in Schurgers 2004 (100 µg
/// did not). Using it for a swing between food days is vascalc's own choice.
pub const VKA_DIETARY_K1_SWING_UG: f64 = 150.0;

fn vka_dietary_k1(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::VitaminKAntagonist) {
        return;
    }
    let spec = facts::NutrientSpec {
        keys: &[crate::input::nutrient::PHYLLOQUINONE_UG],
        scale: 1.0,
        supplement: None,
    };
    let days: Vec<(crate::Date, f64)> = f
        .food_days_in(f.today.add_days(-29), f.today)
        .filter_map(|d| f.day_amount(&spec, d).map(|a| (d, a.amount)))
        .collect();
    let (Some(lo), Some(hi)) = (
        days.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
        days.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
    ) else {
        return;
    };
    if hi.1 - lo.1 >= VKA_DIETARY_K1_SWING_UG {
        out.push(alert(
            "vka_dietary_k1",
            Severity::Warning,
            format!("On a vitamin K antagonist, your food log's vitamin K1 swings from {} µg ({}) to at least {} µg ({}). Leafy greens (kale, spinach, broccoli, salad) carry most K1: eat them steadily rather than avoiding them, and tell your anticoagulation clinic about big changes. (The {} µg swing vascalc points out is its own choice, from the smallest K1 dose that moved the INR, Schurgers 2004.)", fmt_num(lo.1), lo.0, fmt_num(hi.1), hi.0, fmt_num(VKA_DIETARY_K1_SWING_UG)),
            &["schurgers-2004"],
        ));
    }
}

fn binder_spacing(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::PhosphateBinder) {
        return;
    }
    let with: Vec<String> = [
        MedKind::Quinolone,
        MedKind::Immunosuppressant,
        MedKind::Levothyroxine,
    ]
    .iter()
    .filter(|k| f.using(**k))
    .flat_map(|k| names_in_use(f, *k).into_iter().map(|n| shown(&n, *k)))
    .collect();
    if with.is_empty() {
        return;
    }
    out.push(alert(
        "binder_spacing",
        Severity::Warning,
        format!("A phosphate binder with {}: binders lower their absorption (sevelamer halved ciprofloxacin's; lower mycophenolate, ciclosporin and tacrolimus levels and higher TSH on levothyroxine were reported). Take them apart from the binder as the labels say, and ask whether drug levels or TSH need checking.", with.join(", ")),
        &["label-binder-spacing"],
    ));
}

fn oral_bisphosphonate_in_use(f: &Facts) -> bool {
    let oral = |name: &str| {
        crate::medicines::lookup(name).is_none_or(|m| m.route == crate::medicines::Route::Oral)
    };
    names_in_use(f, MedKind::Bisphosphonate)
        .iter()
        .any(|n| oral(n))
}

/// The calcium, magnesium, iron, antacids and phosphate binders in use: the multivalent cations
/// that bind oral bisphosphonates, quinolones and tetracyclines in the gut (as the person reads
/// them in an alert).
fn multivalent_cations_in_use(f: &Facts) -> Vec<&'static str> {
    [
        (MedKind::Calcium, "calcium"),
        (MedKind::Magnesium, "magnesium"),
        (MedKind::Iron, "iron"),
        (MedKind::Antacid, "an antacid"),
        (MedKind::PhosphateBinder, "a phosphate binder"),
    ]
    .into_iter()
    .filter(|(k, _)| f.using(*k))
    .map(|(_, w)| w)
    .collect()
}

fn bisphosphonate_spacing(f: &Facts, out: &mut Vec<Alert>) {
    if !oral_bisphosphonate_in_use(f) {
        return;
    }
    let with = multivalent_cations_in_use(f);
    if with.is_empty() {
        return;
    }
    out.push(alert(
        "bisphosphonate_spacing",
        Severity::Warning,
        format!("An oral bisphosphonate with {}: these block its absorption. Take the bisphosphonate first thing, on an empty stomach with plain water, at least 30 minutes (ibandronate 60) before food, drink or other medicines, and the others at another time of day.", with.join(", ")),
        &["label-oral-bisphosphonates"],
    ));
}

fn antibiotic_chelation(f: &Facts, out: &mut Vec<Alert>) {
    let antibiotics: Vec<String> = [MedKind::Quinolone, MedKind::Tetracycline]
        .iter()
        .flat_map(|k| names_in_use(f, *k).into_iter().map(|n| shown(&n, *k)))
        .collect();
    if antibiotics.is_empty() {
        return;
    }
    let with = multivalent_cations_in_use(f);
    if with.is_empty() {
        return;
    }
    out.push(alert(
        "antibiotic_chelation",
        Severity::Warning,
        format!("{} with {}: these bind the antibiotic in the gut so that too little is absorbed. Take ciprofloxacin at least 2 hours before or 6 hours after them; for other quinolones and tetracyclines, as the label says.", antibiotics.join(", "), with.join(", ")),
        &["label-quinolone-tetracycline-chelation"],
    ));
}

/// Per day: the mean of the doses logged on the days taken in the last 30 days, else the active
/// courses' daily doses; implausible doses left out.
fn daily_supplement(f: &Facts, kind: MedKind) -> f64 {
    let (days, total) = f.logged_in(kind, f.today.add_days(-29), f.today);
    if days > 0 {
        total / f64::from(days)
    } else {
        f.courses(kind)
            .filter_map(|m| {
                m.dose
                    .as_ref()
                    .and_then(|d| facts::plausible_amount(kind, &m.name, d))
            })
            .sum()
    }
}

/// Vitamin D tolerable upper intake level for adults, µg/day (IOM 2011: 4,000 IU).
pub const VITAMIN_D_UL_UG: f64 = 100.0;

fn vitamin_d_above_ul(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::VitaminD) {
        return;
    }
    let dose = daily_supplement(f, MedKind::VitaminD);
    if dose > VITAMIN_D_UL_UG {
        out.push(alert(
            "vitamin_d_above_ul",
            Severity::Warning,
            format!("Vitamin D supplements total {} µg/day ({} IU), above the 100 µg (4,000 IU) a day tolerable upper intake level for adults (IOM 2011). Higher doses are sometimes prescribed for a deficiency for a limited time: check that yours is, and that 25(OH)D and calcium are monitored.", fmt_num(dose), fmt_num(dose * 40.0)),
            &["iom-calcium-vitd-2011"],
        ));
    }
}

/// The upper end of the usual adult serum calcium range, mg/dL (MedlinePlus: 8.5–10.2).
pub const SERUM_CALCIUM_HIGH_MG_DL: f64 = 10.2;
/// The lower end of the usual adult serum magnesium range, mg/dL (MedlinePlus: 1.7–2.2).
pub const SERUM_MAGNESIUM_LOW_MG_DL: f64 = 1.7;

fn active_vitamin_d_high_calcium(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::ActiveVitaminD) {
        return;
    }
    if let Some((d, ca)) = f
        .latest(crate::Analyte::Calcium)
        .filter(|(_, ca)| *ca > SERUM_CALCIUM_HIGH_MG_DL)
    {
        out.push(alert(
            "active_vitamin_d_high_calcium",
            Severity::Danger,
            format!("Calcitriol or another active vitamin D with a serum calcium of {} on {d}, above the usual upper limit of {}: active vitamin D raises calcium and KDIGO advises avoiding hypercalcaemia in kidney disease. Contact the prescriber about the dose before the next one.", f.lab_text(crate::Analyte::Calcium, ca), f.lab_limit(crate::Analyte::Calcium, SERUM_CALCIUM_HIGH_MG_DL)),
            &["kdigo-ckd-mbd-2017", "medlineplus-calcium-magnesium"],
        ));
    }
}

/// Calcium tolerable upper intake level (food and supplements), mg/day: 2,500 at 19–50 years,
/// 2,000 above 50 (IOM 2011).
pub fn calcium_ul_mg(age: f64) -> f64 {
    if age > 50.0 { 2000.0 } else { 2500.0 }
}

fn calcium_above_ul(f: &Facts, out: &mut Vec<Alert>) {
    let Some(age) = f.age.filter(|a| *a >= 19.0) else {
        return;
    };
    let ul = calcium_ul_mg(age);
    let spec = facts::NutrientSpec {
        keys: &[crate::input::nutrient::CALCIUM_MG],
        scale: 1.0,
        supplement: Some((MedKind::Calcium, facts::SupplementUnit::Mg)),
    };
    // Over the food-logged days of the last 7 (food + that day's supplement); without a food
    // log, the supplement alone.
    let days: Vec<f64> = f
        .food_days_in(f.today.add_days(-6), f.today)
        .filter_map(|d| f.day_amount(&spec, d).map(|a| a.amount))
        .collect();
    let (mean, basis) = if days.is_empty() {
        (
            daily_supplement(f, MedKind::Calcium),
            "from supplements alone (no food logged in the last 7 days)".to_string(),
        )
    } else {
        (
            days.iter().sum::<f64>() / days.len() as f64,
            format!(
                "from food and supplements over the {} food-logged day(s) of the last 7",
                days.len()
            ),
        )
    };
    if mean > ul {
        out.push(alert(
            "calcium_above_ul",
            Severity::Warning,
            format!("Calcium averages at least {} mg/day {basis}, above the {} mg/day tolerable upper intake level for your age (IOM 2011). Ask whether the supplement dose should come down.", fmt_num(mean), fmt_num(ul)),
            &["iom-calcium-vitd-2011"],
        ));
    }
}

fn calcium_thiazide(f: &Facts, out: &mut Vec<Alert>) {
    if f.using(MedKind::Calcium) && f.using(MedKind::Thiazide) {
        out.push(alert(
            "calcium_thiazide",
            Severity::Warning,
            "A calcium supplement with a thiazide diuretic: thiazides keep calcium in the body (less in the urine), so calcium supplements can raise blood calcium (milk-alkali syndrome at high doses). Ask whether serum calcium should be checked.".into(),
            &["label-thiazide-calcium"],
        ));
    }
}

fn aluminium_magnesium_in_ckd(f: &Facts, out: &mut Vec<Alert>) {
    use crate::medicines::Element;
    let egfr = f.egfr();
    let dialysis = f.input.clinical.dialysis;
    let has = |k: MedKind, e: Element| -> Vec<String> {
        names_in_use(f, k)
            .into_iter()
            .filter(|n| crate::medicines::lookup(n).is_some_and(|m| m.contains(e)))
            .collect()
    };
    let aluminium: Vec<String> = [MedKind::PhosphateBinder, MedKind::Antacid]
        .iter()
        .flat_map(|k| has(*k, Element::Aluminium))
        .collect();
    if !aluminium.is_empty() && f.ckd() {
        let what = match egfr {
            Some((d, e)) if !dialysis => format!("eGFR {} on {d}", fmt_num(e)),
            _ => "dialysis".to_string(),
        };
        out.push(alert(
            "aluminium_in_ckd",
            Severity::Danger,
            format!("{} contains aluminium, with {what}: KDIGO advises against long-term aluminium-containing binders and antacids in kidney disease (stages 3–5D), because aluminium builds up (bone disease, anaemia, encephalopathy). Ask your nephrologist for an alternative.", aluminium.join(", ")),
            &["kdigo-ckd-mbd-2009", "kdigo-ckd-mbd-2017"],
        ));
    }
    // Magnesium antacids and laxatives: the magnesium supplement cut-offs (vascalc's own).
    let magnesium: Vec<String> = names_in_use(f, MedKind::Antacid)
        .into_iter()
        .filter(|n| crate::medicines::lookup(n).is_none_or(|m| m.contains(Element::Magnesium)))
        .collect();
    if magnesium.is_empty() {
        return;
    }
    let below = |cut: f64| dialysis || egfr.is_some_and(|(_, e)| e < cut);
    let level = if below(MAGNESIUM_EGFR_DANGER) {
        Severity::Danger
    } else if below(MAGNESIUM_EGFR_CAUTION) {
        Severity::Warning
    } else {
        return;
    };
    let what = match egfr {
        Some((d, e)) if !dialysis => format!("eGFR {} on {d}", fmt_num(e)),
        _ => "dialysis".to_string(),
    };
    out.push(alert(
        "magnesium_antacid_in_ckd",
        level,
        format!("{} is an antacid or laxative that may contain magnesium, with {what} (the cut-offs 30 and 45 are vascalc's own choice): weak kidneys cannot clear magnesium, and magnesium antacids and laxatives are the usual cause of dangerous hypermagnesaemia. Ask for a magnesium-free alternative.", magnesium.join(", ")),
        &["van-laecke-2023"],
    ));
}

fn ppi_low_magnesium(f: &Facts, out: &mut Vec<Alert>) {
    if !f.using(MedKind::Ppi) {
        return;
    }
    if let Some((d, mg)) = f
        .latest(crate::Analyte::Magnesium)
        .filter(|(_, mg)| *mg < SERUM_MAGNESIUM_LOW_MG_DL)
    {
        out.push(alert(
            "ppi_low_magnesium",
            Severity::Warning,
            format!("A proton-pump inhibitor with a serum magnesium of {} on {d}, below the usual lower limit of {}: long-term PPIs can lower magnesium (FDA 2011), sometimes enough that supplements do not correct it. Ask your prescriber whether the PPI is still needed.", f.lab_text(crate::Analyte::Magnesium, mg), f.lab_limit(crate::Analyte::Magnesium, SERUM_MAGNESIUM_LOW_MG_DL)),
            &["fda-ppi-magnesium-2011", "medlineplus-calcium-magnesium"],
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
    fn every_vka_name_with_every_vitamin_k_name_is_a_danger_whatever_the_recorded_kind() {
        let v = crate::medicines::vocabulary().unwrap();
        let names =
            |k: MedKind| -> Vec<String> { v.of_class(k).flat_map(|m| m.names.clone()).collect() };
        let vkas = names(MedKind::VitaminKAntagonist);
        let mut ks = names(MedKind::Mk7);
        ks.extend(names(MedKind::VitaminKOther));
        assert!(vkas.len() >= 20 && ks.len() >= 20, "{vkas:?} {ks:?}");
        for (i, a) in vkas.iter().enumerate() {
            for (j, b) in ks.iter().enumerate() {
                let mut inp = input();
                let wrong = MedKind::ALL[(i + j) % MedKind::ALL.len()];
                inp.medications.push(named(wrong, a, 1.0, DoseUnit::Unit));
                inp.medications
                    .push(named(MedKind::Other, b, 1.0, DoseUnit::Unit));
                assert!(fires(&inp, "vka_vitamin_k"), "{a} as {wrong:?} + {b}");
            }
        }
    }

    #[test]
    fn omega3_capsules_count_by_the_label_content() {
        // Omacor/Lovaza: 460 mg EPA + 380 mg DHA a capsule (vocabulary, from the labels).
        let mut i = input();
        i.medications
            .push(named(MedKind::Omega3, "Omacor", 4.0, DoseUnit::Unit));
        let p = plan(&i);
        let o3 = p.items.iter().find(|x| x.topic == "omega3").unwrap();
        assert_eq!(o3.current.value, Some(4.0 * 840.0), "{:?}", o3.current);
        // Capsules of a fish oil without a standard label: not counted as a mass.
        i.medications[0] = named(MedKind::Omega3, "fish oil", 4.0, DoseUnit::Unit);
        let p = plan(&i);
        let o3 = p.items.iter().find(|x| x.topic == "omega3").unwrap();
        assert_eq!(o3.current.value, None, "{:?}", o3.current);
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

    fn named(kind: MedKind, name: &str, amount: f64, unit: DoseUnit) -> Medication {
        let mut m = med(kind, amount, unit);
        m.name = name.into();
        m
    }

    fn lab(i: &mut PlanInput, loinc: &str, value: f64, unit: &str) {
        i.labs.push(LabResult {
            loinc: loinc.into(),
            value,
            unit: unit.into(),
            date: day("2025-06-01"),
            entered_unit: None,
        });
    }

    fn alert_of(i: &PlanInput, rule: &str) -> Option<Alert> {
        plan(i).alerts.into_iter().find(|a| a.rule == rule)
    }

    #[test]
    fn an_implausible_dose_is_named_and_never_met() {
        let mut i = input();
        i.medications
            .push(named(MedKind::Mk7, "MK-7", 180.0, DoseUnit::Mg));
        let p = plan(&i);
        let a = p.alerts.iter().find(|a| a.rule == "implausible_dose");
        assert!(
            a.is_some_and(|a| a.message.contains("10–2000 µg")),
            "{:?}",
            p.alerts
        );
        for item in &p.items {
            if item.topic.contains("k2") || item.topic.contains("vitamin_k") {
                assert_ne!(
                    item.status,
                    Status::Met,
                    "{}: {:?}",
                    item.topic,
                    item.current
                );
                assert!(
                    !item.current.text.contains("180000"),
                    "{}",
                    item.current.text
                );
            }
        }
        let k2 = p.items.iter().find(|i| i.topic == "k2_supplement").unwrap();
        assert!(
            k2.current.text.contains("implausible"),
            "{}",
            k2.current.text
        );
        // The trial dose in µg is plausible.
        i.medications[0] = named(MedKind::Mk7, "MK-7", 180.0, DoseUnit::Ug);
        assert!(!fires(&i, "implausible_dose"));
    }

    #[test]
    fn duplicate_therapy_two_of_a_class_at_once() {
        let mut i = input();
        i.medications
            .push(named(MedKind::Statin, "Lipitor", 20.0, DoseUnit::Mg));
        assert!(!fires(&i, "duplicate_therapy"));
        i.medications
            .push(named(MedKind::Statin, "Crestor", 10.0, DoseUnit::Mg));
        let a = alert_of(&i, "duplicate_therapy").unwrap();
        assert!(a.message.contains("Lipitor + Crestor"), "{}", a.message);
        // VKA + DOAC, even with the VKA recorded as "other": danger.
        let mut j = input();
        j.medications
            .push(named(MedKind::Other, "Coumadin", 5.0, DoseUnit::Mg));
        j.medications
            .push(named(MedKind::Doac, "Eliquis", 5.0, DoseUnit::Mg));
        let a = alert_of(&j, "duplicate_therapy").unwrap();
        assert_eq!(a.severity, Severity::Danger);
        // Three MK-7 courses.
        let mut k = input();
        for _ in 0..3 {
            k.medications
                .push(named(MedKind::Mk7, "MK-7", 180.0, DoseUnit::Ug));
        }
        let a = alert_of(&k, "duplicate_therapy").unwrap();
        assert!(
            a.message.contains("3 courses of mk7") && a.message.contains("540 µg/day"),
            "{}",
            a.message
        );
        // Tacrolimus with mycophenolate is the usual combination, not a duplicate; an ended
        // second statin is not "at once".
        let mut l = input();
        l.medications.push(named(
            MedKind::Immunosuppressant,
            "Prograf",
            5.0,
            DoseUnit::Mg,
        ));
        l.medications.push(named(
            MedKind::Immunosuppressant,
            "CellCept",
            1000.0,
            DoseUnit::Mg,
        ));
        let mut old = named(MedKind::Statin, "Zocor", 20.0, DoseUnit::Mg);
        old.end = Some(day("2025-01-01"));
        l.medications.push(old);
        l.medications
            .push(named(MedKind::Statin, "Lipitor", 20.0, DoseUnit::Mg));
        assert!(!fires(&l, "duplicate_therapy"));
    }

    #[test]
    fn omega3_with_antithrombotics() {
        let mut i = input();
        i.medications
            .push(named(MedKind::Omega3, "Omacor", 4000.0, DoseUnit::Mg));
        assert!(!fires(&i, "omega3_antithrombotic"));
        i.medications
            .push(named(MedKind::Antiplatelet, "aspirin", 81.0, DoseUnit::Mg));
        let a = alert_of(&i, "omega3_antithrombotic").unwrap();
        assert!(a.message.contains("3.1% vs 2.1%") && a.message.contains("HR 1.69"));
        assert!(a.citations.iter().any(|c| c.id == "reduce-it-2019"));
        i.medications.remove(0);
        assert!(!fires(&i, "omega3_antithrombotic"));
    }

    #[test]
    fn vka_dietary_k1_swings() {
        let mut i = input();
        i.medications.push(named(
            MedKind::VitaminKAntagonist,
            "warfarin",
            5.0,
            DoseUnit::Mg,
        ));
        i.intakes
            .push(intake(day("2025-06-20"), &[("phylloquinone_ug", 60.0, 0)]));
        i.intakes
            .push(intake(day("2025-06-21"), &[("phylloquinone_ug", 200.0, 0)]));
        assert!(!fires(&i, "vka_dietary_k1"), "a swing of 140 µg");
        i.intakes
            .push(intake(day("2025-06-22"), &[("phylloquinone_ug", 480.0, 0)]));
        assert!(fires(&i, "vka_dietary_k1"));
        i.medications.clear();
        assert!(!fires(&i, "vka_dietary_k1"));
    }

    #[test]
    fn binder_spacing_rule() {
        let mut i = input();
        i.medications.push(named(
            MedKind::PhosphateBinder,
            "Renvela",
            2400.0,
            DoseUnit::Mg,
        ));
        i.medications
            .push(named(MedKind::Statin, "Lipitor", 20.0, DoseUnit::Mg));
        assert!(!fires(&i, "binder_spacing"));
        for other in ["Cipro", "CellCept", "Neoral", "Prograf", "Synthroid"] {
            let mut j = i.clone();
            let kind = MedKind::from_name(other).unwrap();
            j.medications.push(named(kind, other, 1.0, DoseUnit::Unit));
            let a = alert_of(&j, "binder_spacing").unwrap_or_else(|| panic!("{other}"));
            assert!(a.message.contains(other));
        }
    }

    #[test]
    fn bisphosphonate_spacing_rule() {
        let mut i = input();
        egfr(&mut i, 80.0);
        i.medications.push(named(
            MedKind::Bisphosphonate,
            "Fosamax",
            70.0,
            DoseUnit::Mg,
        ));
        assert!(!fires(&i, "bisphosphonate_spacing"));
        i.medications.push(named(
            MedKind::Calcium,
            "calcium carbonate",
            500.0,
            DoseUnit::Mg,
        ));
        assert!(fires(&i, "bisphosphonate_spacing"));
        // Intravenous zoledronic acid is not absorbed from the gut.
        i.medications[0] = named(MedKind::Bisphosphonate, "Aclasta", 5.0, DoseUnit::Mg);
        assert!(!fires(&i, "bisphosphonate_spacing"));
        for (kind, name) in [
            (MedKind::Magnesium, "magnesium citrate"),
            (MedKind::Iron, "ferrous sulfate"),
            (MedKind::Antacid, "Maalox"),
        ] {
            let mut j = input();
            j.medications.push(named(
                MedKind::Bisphosphonate,
                "Actonel",
                35.0,
                DoseUnit::Mg,
            ));
            j.medications.push(named(kind, name, 1.0, DoseUnit::Unit));
            assert!(fires(&j, "bisphosphonate_spacing"), "{name}");
        }
    }

    #[test]
    fn antibiotic_chelation_rule() {
        let mut i = input();
        i.medications.push(named(
            MedKind::Tetracycline,
            "doxycycline",
            100.0,
            DoseUnit::Mg,
        ));
        assert!(!fires(&i, "antibiotic_chelation"));
        i.medications
            .push(named(MedKind::Magnesium, "magnesium", 300.0, DoseUnit::Mg));
        assert!(fires(&i, "antibiotic_chelation"));
        let mut j = input();
        j.medications
            .push(named(MedKind::Quinolone, "Cipro", 500.0, DoseUnit::Mg));
        j.medications
            .push(named(MedKind::Calcium, "Caltrate", 600.0, DoseUnit::Mg));
        let a = alert_of(&j, "antibiotic_chelation").unwrap();
        assert!(a.message.contains("2 hours before or 6 hours after"));
    }

    #[test]
    fn vitamin_d_above_the_upper_level() {
        let mut i = input();
        i.medications
            .push(named(MedKind::VitaminD, "vitamin D3", 4000.0, DoseUnit::Iu));
        assert!(
            !fires(&i, "vitamin_d_above_ul"),
            "4,000 IU is the UL itself"
        );
        i.medications[0] = named(MedKind::VitaminD, "vitamin D3", 5000.0, DoseUnit::Iu);
        let a = alert_of(&i, "vitamin_d_above_ul").unwrap();
        assert!(a.message.contains("125 µg/day"), "{}", a.message);
    }

    #[test]
    fn active_vitamin_d_with_high_calcium() {
        let mut i = input();
        i.medications.push(named(
            MedKind::ActiveVitaminD,
            "Rocaltrol",
            0.25,
            DoseUnit::Ug,
        ));
        lab(&mut i, "17861-6", 9.6, "mg/dL");
        assert!(!fires(&i, "active_vitamin_d_high_calcium"));
        lab(&mut i, "17861-6", 2.8, "mmol/L"); // 11.2 mg/dL, same date: the later row
        i.labs[0].date = day("2025-05-01");
        assert!(fires(&i, "active_vitamin_d_high_calcium"));
        i.medications.clear();
        assert!(!fires(&i, "active_vitamin_d_high_calcium"));
    }

    #[test]
    fn calcium_above_the_upper_level_by_age() {
        // 65 years old: UL 2,000 mg/day.
        let mut i = input();
        for d in ["2025-06-28", "2025-06-29", "2025-06-30"] {
            i.intakes.push(intake(day(d), &[("calcium_mg", 1000.0, 0)]));
        }
        i.medications
            .push(named(MedKind::Calcium, "calcium", 600.0, DoseUnit::Mg));
        assert!(!fires(&i, "calcium_above_ul"), "1,600 mg");
        i.medications[0] = named(MedKind::Calcium, "calcium", 1200.0, DoseUnit::Mg);
        assert!(fires(&i, "calcium_above_ul"), "2,200 mg at 65");
        // 40 years old: UL 2,500 mg/day.
        i.person.birth_date = Some(day("1985-01-01"));
        assert!(!fires(&i, "calcium_above_ul"), "2,200 mg at 40");
    }

    #[test]
    fn calcium_with_a_thiazide() {
        let mut i = input();
        i.medications.push(named(
            MedKind::Thiazide,
            "hydrochlorothiazide",
            25.0,
            DoseUnit::Mg,
        ));
        assert!(!fires(&i, "calcium_thiazide"));
        i.medications
            .push(named(MedKind::Calcium, "Caltrate", 600.0, DoseUnit::Mg));
        assert!(fires(&i, "calcium_thiazide"));
    }

    #[test]
    fn aluminium_and_magnesium_antacids_in_ckd() {
        let mut i = input();
        i.medications.push(named(
            MedKind::PhosphateBinder,
            "Alu-Cap",
            475.0,
            DoseUnit::Mg,
        ));
        egfr(&mut i, 75.0);
        assert!(!fires(&i, "aluminium_in_ckd"));
        i.labs.clear();
        egfr(&mut i, 40.0);
        assert!(fires(&i, "aluminium_in_ckd"));
        i.medications[0] = named(MedKind::PhosphateBinder, "Renvela", 2400.0, DoseUnit::Mg);
        assert!(!fires(&i, "aluminium_in_ckd"), "sevelamer has no aluminium");
        // Milk of magnesia: warning below 45, danger below 30, nothing at 60.
        let mut j = input();
        j.medications.push(named(
            MedKind::Antacid,
            "milk of magnesia",
            2400.0,
            DoseUnit::Mg,
        ));
        egfr(&mut j, 60.0);
        assert!(!fires(&j, "magnesium_antacid_in_ckd"));
        j.labs.clear();
        egfr(&mut j, 40.0);
        let a = alert_of(&j, "magnesium_antacid_in_ckd").unwrap();
        assert_eq!(a.severity, Severity::Warning);
        assert!(a.message.contains("vascalc's own choice"));
        j.labs.clear();
        egfr(&mut j, 25.0);
        assert_eq!(
            alert_of(&j, "magnesium_antacid_in_ckd").map(|a| a.severity),
            Some(Severity::Danger)
        );
    }

    #[test]
    fn ppi_with_low_magnesium() {
        let mut i = input();
        i.medications
            .push(named(MedKind::Ppi, "Nexium", 40.0, DoseUnit::Mg));
        lab(&mut i, "19123-9", 2.0, "mg/dL");
        assert!(!fires(&i, "ppi_low_magnesium"));
        i.labs[0].value = 1.4;
        assert!(fires(&i, "ppi_low_magnesium"));
        i.medications.clear();
        assert!(!fires(&i, "ppi_low_magnesium"));
    }

    #[test]
    fn bisphosphonate_uses_cockcroft_gault_when_weight_is_known() {
        // Man of 65, creatinine 1.5 mg/dL: CKD-EPI 2021 eGFR ≈ 51 (not below 35).
        let mut i = input();
        i.medications.push(named(
            MedKind::Bisphosphonate,
            "Fosamax",
            70.0,
            DoseUnit::Mg,
        ));
        lab(&mut i, "2160-0", 1.5, "mg/dL");
        assert!(!fires(&i, "bisphosphonate_low_egfr"));
        // 45 kg: (140 − 65) × 45 / (72 × 1.5) = 31.25 mL/min.
        i.vitals.push(Vitals {
            date: day("2025-06-10"),
            systolic_mm_hg: None,
            diastolic_mm_hg: None,
            weight_kg: Some(45.0),
            waist_cm: None,
        });
        let a = alert_of(&i, "bisphosphonate_low_egfr").unwrap();
        assert!(
            a.message.contains("31.2 mL/min (Cockcroft–Gault"),
            "{}",
            a.message
        );
        assert!(a.message.contains("a weight of 45.0 kg)"), "{}", a.message);
        // The weight in the person's units (45 kg = 99.2 lb).
        i.person.units = Some(Units::Us);
        let a = alert_of(&i, "bisphosphonate_low_egfr").unwrap();
        assert!(a.message.contains("a weight of 99.2 lb)"), "{}", a.message);
        // 80 kg: 55.6 mL/min.
        i.vitals[0].weight_kg = Some(80.0);
        assert!(!fires(&i, "bisphosphonate_low_egfr"));
        // Without weight, eGFR stands in and says so.
        let mut j = input();
        j.medications.push(named(
            MedKind::Bisphosphonate,
            "Fosamax",
            70.0,
            DoseUnit::Mg,
        ));
        egfr(&mut j, 30.0);
        let a = alert_of(&j, "bisphosphonate_low_egfr").unwrap();
        assert!(a.message.contains("used in place of creatinine clearance"));
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
            entered_unit: None,
        });
        assert!(fires(&i, "magnesium_egfr_below_30"));
        i.labs.clear();
        i.labs.push(LabResult {
            loinc: "14682-9".into(),
            value: 80.0,
            unit: "µmol/L".into(),
            date: day("2025-06-01"),
            entered_unit: None,
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
