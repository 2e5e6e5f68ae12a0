//! `plan()`: the personal plan, item by item.

use crate::date::DateExt;
use crate::evidence::{self, Direction, Pillar};
use crate::facts::{self, Facts, NutrientSpec, WindowMean, nutrient_window};
use crate::labs::Analyte;
use crate::targets::{self, Reference};
use crate::types::*;
use crate::{Date, MedKind, PlanInput, SmokingStatus};

/// Compute the plan for `input` as of `input.today`.
pub fn plan(input: &PlanInput) -> Plan {
    // A known medicine name decides its class (medicines.rs), whatever kind was recorded.
    let resolved = input.resolved();
    let input = resolved.as_ref();
    let f = Facts::new(input);
    let mut items = Vec::with_capacity(24);
    // Diet
    items.push(vitamin_k2(&f));
    items.push(magnesium(&f));
    items.push(omega3(&f));
    items.push(phosphate(&f));
    items.push(calcium(&f));
    // Lifestyle
    items.push(exercise(&f));
    items.push(strength(&f));
    items.push(smoking(&f));
    items.push(alcohol(&f));
    items.push(blood_pressure(&f));
    items.push(glucose(&f));
    items.push(weight(&f));
    // Medical
    items.push(statin(&f));
    items.push(k2_supplement(&f));
    items.push(vitamin_d(&f));
    items.push(phosphate_binder(&f));
    items.push(sodium_thiosulfate(&f));
    items.push(bisphosphonate(&f));
    items.push(calcification_inhibitor(&f));
    // Monitoring
    items.push(next_scan(&f));
    items.extend(labs_due(&f));
    let mut alerts = crate::rules::alerts(&f);
    for p in &f.lab_problems {
        alerts.push(Alert {
            rule: "lab_not_understood".into(),
            severity: Severity::Info,
            message: format!("{p}; this result was left out of the plan."),
            citations: Vec::new(),
        });
    }
    Plan {
        today: input.today,
        items,
        alerts,
    }
}

/// The evidence summary for an intervention, with its studies and the guidelines named.
pub(crate) fn evidence_for(intervention: Option<&str>, guidelines: &[&str]) -> EvidenceSummary {
    let base = match evidence::evidence() {
        Ok(b) => b,
        Err(e) => {
            return EvidenceSummary {
                intervention: intervention.map(str::to_string),
                summary: format!("the evidence base could not be read ({e})"),
                overall: None,
                certainty: None,
                citations: Vec::new(),
            };
        }
    };
    let iv = intervention.and_then(|id| base.intervention(id));
    let mut citations: Vec<Citation> = guidelines
        .iter()
        .filter_map(|g| base.guideline(g))
        .map(Citation::of_guideline)
        .collect();
    if let Some(iv) = iv {
        citations.extend(iv.studies.iter().map(Citation::of_study));
    }
    EvidenceSummary {
        intervention: iv.map(|i| i.id.clone()),
        summary: iv.map(|i| i.summary.clone()).unwrap_or_else(|| {
            guidelines
                .first()
                .and_then(|g| base.guideline(g))
                .map(|g| g.statement.clone())
                .unwrap_or_default()
        }),
        overall: iv.map(|i| i.overall),
        certainty: iv.map(|i| i.certainty),
        citations,
    }
}

pub(crate) fn fmt_num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The 7- and 30-day windows ending today.
fn windows(today: Date) -> [(Date, Date, &'static str); 2] {
    [
        (today.add_days(-6), today, "7-day"),
        (today.add_days(-29), today, "30-day"),
    ]
}

fn nutrient_measure(w: &WindowMean, unit: &str, label: &str) -> Measure {
    match w.mean {
        None => Measure::no_data(format!("no data ({label}: nothing logged)")),
        Some(m) => {
            let mut text = format!(
                "{}{} {unit} ({label} mean over {} logged day{}",
                if w.missing > 0 { "at least " } else { "" },
                fmt_num(m),
                w.days_with_data,
                if w.days_with_data == 1 { "" } else { "s" }
            );
            if w.missing > 0 {
                text.push_str(&format!(
                    "; {} food{} without a value",
                    w.missing,
                    if w.missing == 1 { "" } else { "s" }
                ));
            }
            if w.assumed {
                text.push_str("; supplement assumed taken as listed");
            }
            text.push(')');
            Measure {
                text,
                value: Some(m),
                unit: Some(unit.to_string()),
                at_least: w.missing > 0,
                days_with_data: Some(w.days_with_data),
                foods_without_value: Some(w.missing),
                as_of: None,
            }
        }
    }
}

/// 7-day and 30-day measures of a nutrient and the one the status is judged on.
fn nutrient_measures(
    f: &Facts,
    spec: &NutrientSpec,
    unit: &str,
) -> (Measure, Option<Measure>, Option<Measure>) {
    let [w7, w30] = windows(f.today).map(|(from, to, label)| {
        let w = nutrient_window(f, spec, from, to, |_| false);
        nutrient_measure(&w, unit, label)
    });
    let current = if w7.value.is_some() {
        w7.clone()
    } else {
        w30.clone()
    };
    (current, Some(w7), Some(w30))
}

/// Status against a lower bound. An "at least" figure that reaches the bound is met; one below
/// it is not met (the note on missing values says the true intake may be higher).
fn status_min(m: &Measure, min: f64) -> Status {
    match m.value {
        None => Status::NoData,
        Some(v) if v >= min => Status::Met,
        Some(_) => Status::NotMet,
    }
}

/// Status against an upper bound. An "at least" figure above the bound is not met; at or below
/// it is met only when no value was missing (otherwise the truth may be above: no data).
fn status_max(m: &Measure, max: f64) -> Status {
    match m.value {
        None => Status::NoData,
        Some(v) if v > max => Status::NotMet,
        Some(_) if m.at_least => Status::NoData,
        Some(_) => Status::Met,
    }
}

fn missing_note(m: &Measure, what: &str) -> Option<String> {
    (m.at_least).then(|| {
        format!(
            "Some logged foods have no {what} value in the food table, so the true intake may be higher than shown."
        )
    })
}

fn target_from(reference: &Reference, prefix: &str) -> Target {
    Target {
        text: format!("{prefix}{} {}", fmt_num(reference.value), reference.unit),
        min: Some(reference.value),
        max: None,
        unit: Some(reference.unit.to_string()),
        source: reference.source.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn item(
    pillar: Pillar,
    topic: &str,
    title: &str,
    relevance: Relevance,
    target: Target,
    current: Measure,
    status: Status,
    evidence: EvidenceSummary,
) -> PlanItem {
    PlanItem {
        pillar,
        topic: topic.into(),
        title: title.into(),
        relevance,
        target,
        current,
        current_7d: None,
        current_30d: None,
        status,
        evidence,
        notes: Vec::new(),
    }
}

// ---------------------------------------------------------------- diet

fn vitamin_k2(f: &Facts) -> PlanItem {
    let vka = f.using(MedKind::VitaminKAntagonist);
    let (current, w7, w30) = nutrient_measures(f, &facts::MK7, "µg/day");
    let ev = evidence_for(Some("vitamin_k2"), &["efsa-vitamin-k-2017"]);
    if vka {
        let mut it = item(
            Pillar::Diet,
            "vitamin_k2",
            "Vitamin K2 (MK-7)",
            Relevance::Avoid,
            Target {
                text: "keep vitamin K intake steady; no vitamin K supplements unless the anticoagulation clinic agrees".into(),
                min: None,
                max: None,
                unit: None,
                source: "Theuwissen 2013 (J Thromb Haemost): 10–20 µg/day MK-7 moved the INR on acenocoumarol".into(),
            },
            current,
            Status::NotApplicable,
            ev,
        );
        it.current_7d = w7;
        it.current_30d = w30;
        it.notes.push(
            "You take a vitamin K antagonist: K2 is not a target for you; see the safety alerts."
                .into(),
        );
        return it;
    }
    let mut it = item(
        Pillar::Diet,
        "vitamin_k2",
        "Vitamin K2 (MK-7)",
        Relevance::Discuss,
        mk7_no_target(),
        current,
        Status::NoTarget,
        ev,
    );
    if let Some(n) = missing_note(&it.current, "MK-7") {
        it.notes.push(n);
    }
    it.notes.push(mk7_trial_doses_note());
    it.current_7d = w7;
    it.current_30d = w30;
    it
}

/// The MK-7 items' target: none. The evidence base rates vitamin K2 null for calcification and
/// there is no reference intake for K2, so no dose is "met" or "not met".
fn mk7_no_target() -> Target {
    Target {
        text: "no target: vitamin K2 is rated null for calcification, so vascalc sets no dose to reach; the doses trials used are in the notes".into(),
        min: None,
        max: None,
        unit: Some("µg/day".into()),
        source: "evidence base (vitamin_k2: overall null); no reference intake for K2 exists (EFSA 2017; the IOM AI covers K1 only)".into(),
    }
}

/// The doses the MK-7 trials used, each with its trial, duration, endpoint and result, read from
/// the study entries named in `targets::MK7_TRIALS`.
pub(crate) fn mk7_trial_doses() -> Vec<String> {
    let Ok(base) = evidence::evidence() else {
        return Vec::new();
    };
    targets::MK7_TRIALS
        .iter()
        .filter_map(|id| base.study(id))
        .map(|(_, s)| {
            let name = match &s.acronym {
                Some(a) => format!("{a} ({} {})", s.first_author, s.year),
                None => format!("{} {}", s.first_author, s.year),
            };
            let result = match s.direction {
                Direction::Benefit => "favoured MK-7",
                Direction::Null => "null",
                Direction::Harm => "unfavourable",
                Direction::Mixed => "mixed",
                Direction::Unknown => "no result",
            };
            format!(
                "{name}: {}, {}; {}: {result}",
                s.dose, s.duration, s.endpoint
            )
        })
        .collect()
}

fn mk7_trial_doses_note() -> String {
    format!(
        "Doses MK-7 trials used (none is a dose shown to slow calcification): {}.",
        mk7_trial_doses().join(" | ")
    )
}

fn magnesium(f: &Facts) -> PlanItem {
    let (current, w7, w30) = nutrient_measures(f, &facts::MAGNESIUM, "mg/day");
    let ev = evidence_for(Some("magnesium"), &["iom-dri-1997"]);
    let mut it = match targets::magnesium_rda(f.age, f.sex) {
        Some(r) => {
            let status = status_min(&current, r.value);
            item(
                Pillar::Diet,
                "magnesium",
                "Magnesium",
                Relevance::Relevant,
                target_from(&r, "≥ "),
                current,
                status,
                ev,
            )
        }
        None => {
            let mut it = item(
                Pillar::Diet,
                "magnesium",
                "Magnesium",
                Relevance::Relevant,
                Target {
                    text: "adult RDA 310–420 mg/day by age and sex".into(),
                    min: None,
                    max: None,
                    unit: Some("mg/day".into()),
                    source: "IOM 1997".into(),
                },
                current,
                Status::NoData,
                ev,
            );
            it.notes
                .push("Age (18 or over) and sex are needed to pick the RDA.".into());
            it
        }
    };
    if let Some(n) = missing_note(&it.current, "magnesium") {
        it.notes.push(n);
    }
    if f.ckd() {
        it.notes.push("With reduced kidney function, get magnesium from food; supplements only with your clinician and serum magnesium checks (MAGiCAL-CKD: more serious adverse events).".into());
    }
    it.current_7d = w7;
    it.current_30d = w30;
    it
}

fn omega3(f: &Facts) -> PlanItem {
    let (current, w7, w30) = nutrient_measures(f, &facts::OMEGA3, "mg/day");
    let r = targets::epa_dha();
    let status = status_min(&current, r.value);
    let mut it = item(
        Pillar::Diet,
        "omega3",
        "Omega-3 (EPA+DHA)",
        Relevance::Relevant,
        target_from(&r, "≥ "),
        current,
        status,
        evidence_for(Some("omega3"), &["efsa-epa-dha"]),
    );
    if let Some(n) = missing_note(&it.current, "EPA/DHA") {
        it.notes.push(n);
    }
    it.current_7d = w7;
    it.current_30d = w30;
    it
}

fn phosphate(f: &Facts) -> PlanItem {
    let (current, w7, w30) = nutrient_measures(f, &facts::PHOSPHORUS, "mg/day");
    let ev = evidence_for(
        Some("low_phosphate_diet"),
        &["kdoqi-bone-2003", "kdigo-ckd-mbd-2017"],
    );
    let egfr = f.egfr().map(|e| e.1);
    let dialysis = f.input.clinical.dialysis;
    let threshold = targets::phosphate_threshold_mg_dl(egfr, dialysis);
    let serum = f.latest(Analyte::Phosphate);
    let mut it = if !f.ckd() {
        let mut it = item(
            Pillar::Diet,
            "phosphate",
            "Phosphate (less additive phosphate)",
            Relevance::NotRelevant,
            Target {
                text: "no phosphorus limit without kidney disease; prefer foods without phosphate additives".into(),
                min: None,
                max: None,
                unit: None,
                source: "KDOQI 2003 and KDIGO 2017 set phosphate targets only in CKD".into(),
            },
            current,
            Status::NotApplicable,
            ev,
        );
        if egfr.is_none() {
            it.notes.push(
                "No eGFR on record: if your kidney function is reduced, this item changes.".into(),
            );
        }
        it
    } else if serum.is_some_and(|(_, p)| p > threshold) {
        let target = Target {
            text: format!("≤ {} mg/day dietary phosphorus (serum phosphate above {threshold} mg/dL)", fmt_num(targets::CKD_PHOSPHORUS_MAX_MG)),
            min: None,
            max: Some(targets::CKD_PHOSPHORUS_MAX_MG),
            unit: Some("mg/day".into()),
            source: "KDOQI 2003 guideline 4 (800–1,000 mg/day); KDOQI 2020 says keep serum phosphate normal without a fixed number — your clinician may set another target".into(),
        };
        let status = status_max(&current, targets::CKD_PHOSPHORUS_MAX_MG);
        item(
            Pillar::Diet,
            "phosphate",
            "Phosphate (dietary restriction)",
            Relevance::Relevant,
            target,
            current,
            status,
            ev,
        )
    } else {
        let target = Target {
            text: format!(
                "serum phosphate ≤ {threshold} mg/dL; prefer foods without phosphate additives"
            ),
            min: None,
            max: Some(threshold),
            unit: Some("mg/dL".into()),
            source: "KDOQI 2003 guideline 4 thresholds; KDIGO 2017: keep phosphate toward normal"
                .into(),
        };
        let lab = match serum {
            Some((d, p)) => Measure::value(
                p,
                "mg/dL",
                format!("serum phosphate {} mg/dL on {d}", fmt_num(p)),
            )
            .with_date(d),
            None => Measure::no_data("no serum phosphate on record"),
        };
        let status = if serum.is_some() {
            Status::Met
        } else {
            Status::NoData
        };
        let mut it = item(
            Pillar::Diet,
            "phosphate",
            "Phosphate",
            Relevance::Relevant,
            target,
            lab,
            status,
            ev,
        );
        it.notes
            .push(format!("Dietary phosphorus: {}", current.text));
        it
    };
    // Additive-phosphate exposure over the 7-day window, when the food log flags it.
    let (from, to) = (f.today.add_days(-6), f.today);
    let (mut add, mut foods) = (0u32, 0u32);
    for d in f.food_days_in(from, to) {
        if let Some((a, n)) = f.additive_foods(d) {
            add += a;
            foods += n;
        }
    }
    if foods > 0 {
        it.notes.push(format!("{add} of {foods} foods logged in the last 7 days contain phosphate additives (absorbed ~90–100% vs ~40–60% for natural phosphorus)."));
    }
    it.current_7d = w7;
    it.current_30d = w30;
    it
}

fn calcium(f: &Facts) -> PlanItem {
    let (food, w7, w30) = nutrient_measures(f, &facts::FOOD_CALCIUM, "mg/day");
    let supplement = f.using(MedKind::Calcium);
    let ev = evidence_for(
        Some("calcium_food_vs_supplements"),
        &["iom-calcium-vitd-2011"],
    );
    let rda = targets::calcium_rda(f.age, f.sex);
    let target = Target {
        text: match &rda {
            Some(r) => format!("≥ {} mg/day from food, no calcium supplements unless a clinician advises them", fmt_num(r.value)),
            None => "the RDA (1,000–1,200 mg/day by age and sex) from food, no calcium supplements unless a clinician advises them".into(),
        },
        min: rda.as_ref().map(|r| r.value),
        max: None,
        unit: Some("mg/day".into()),
        source: format!(
            "{}; supplements: MESA (Anderson 2016) incident CAC RR 1.22",
            rda.as_ref().map(|r| r.source.as_str()).unwrap_or("IOM 2011 RDA")
        ),
    };
    let status = if supplement {
        Status::NotMet
    } else {
        match &rda {
            Some(r) => status_min(&food, r.value),
            None => Status::NoData,
        }
    };
    let mut it = item(
        Pillar::Diet,
        "calcium",
        "Calcium from food rather than supplements",
        Relevance::Relevant,
        target,
        food,
        status,
        ev,
    );
    if supplement {
        it.notes
            .push("A calcium supplement is on your medication list.".into());
    }
    if rda.is_none() {
        it.notes
            .push("Age (and sex between 51 and 70) is needed to pick the RDA.".into());
    }
    if let Some(n) = missing_note(&it.current, "calcium") {
        it.notes.push(n);
    }
    it.current_7d = w7;
    it.current_30d = w30;
    it
}

// ---------------------------------------------------------------- lifestyle

/// Minutes per week from a per-day map over `[from, to]`; `None` when no entry falls inside.
pub(crate) fn minutes_per_week(
    map: &std::collections::BTreeMap<Date, f64>,
    from: Date,
    to: Date,
) -> Option<(f64, u32)> {
    let mut sum = 0.0;
    let mut days = 0;
    for (_, m) in map.range(from..=to) {
        sum += m;
        days += 1;
    }
    let span = f64::from(to.days_since(from) + 1);
    (days > 0).then(|| (sum * 7.0 / span, days))
}

fn exercise(f: &Facts) -> PlanItem {
    let measures =
        windows(f.today).map(
            |(from, to, label)| match minutes_per_week(&f.endurance, from, to) {
                Some((mpw, days)) => {
                    let mut m = Measure::value(
                        mpw,
                        "min/week",
                        format!(
                            "{} min/week ({label} window, {days} active day{})",
                            fmt_num(mpw),
                            if days == 1 { "" } else { "s" }
                        ),
                    );
                    m.days_with_data = Some(days);
                    m
                }
                None => {
                    Measure::no_data(format!("no data ({label}: no endurance activity logged)"))
                }
            },
        );
    let [w7, w30] = measures;
    let current = if w7.value.is_some() {
        w7.clone()
    } else {
        w30.clone()
    };
    let status = status_min(&current, targets::ENDURANCE_MIN_PER_WEEK);
    let mut it = item(
        Pillar::Lifestyle,
        "exercise",
        "Endurance exercise",
        Relevance::Relevant,
        Target {
            text: "≥ 150 min/week of moderate-intensity aerobic activity (or 75 min vigorous)"
                .into(),
            min: Some(targets::ENDURANCE_MIN_PER_WEEK),
            max: None,
            unit: Some("min/week".into()),
            source: "WHO 2020 guidelines on physical activity (Bull 2020)".into(),
        },
        current,
        status,
        evidence_for(Some("exercise"), &["who-physical-activity-2020"]),
    );
    it.notes.push("Exercise can raise the calcium score (denser, more stable plaque) while lowering risk: judge it by fitness and events, not by CAC.".into());
    it.current_7d = Some(w7);
    it.current_30d = Some(w30);
    it
}

fn strength(f: &Facts) -> PlanItem {
    let [w7, w30] = windows(f.today).map(|(from, to, label)| {
        let days = f.strength.range(from..=to).count() as u32;
        if days == 0 {
            Measure::no_data(format!("no data ({label}: no strength training logged)"))
        } else {
            let span = f64::from(to.days_since(from) + 1);
            let per_week = f64::from(days) * 7.0 / span;
            let mut m = Measure::value(
                per_week,
                "days/week",
                format!("{} days/week ({label} window)", fmt_num(per_week)),
            );
            m.days_with_data = Some(days);
            m
        }
    });
    let current = if w7.value.is_some() {
        w7.clone()
    } else {
        w30.clone()
    };
    let status = status_min(&current, targets::STRENGTH_DAYS_PER_WEEK);
    let mut it = item(
        Pillar::Lifestyle,
        "strength",
        "Strength training",
        Relevance::Relevant,
        Target {
            text: "muscle-strengthening activity on ≥ 2 days/week".into(),
            min: Some(targets::STRENGTH_DAYS_PER_WEEK),
            max: None,
            unit: Some("days/week".into()),
            source: "WHO 2020 guidelines on physical activity (Bull 2020)".into(),
        },
        current,
        status,
        evidence_for(Some("exercise"), &["who-physical-activity-2020"]),
    );
    it.current_7d = Some(w7);
    it.current_30d = Some(w30);
    it
}

fn smoking(f: &Facts) -> PlanItem {
    let (current, status) = match f.smoking() {
        None => (
            Measure::no_data("no smoking status on record"),
            Status::NoData,
        ),
        Some(s) => {
            let mut text = match s.status {
                SmokingStatus::Never => "never smoked".to_string(),
                SmokingStatus::Former => match s.quit_date {
                    Some(q) => format!("former smoker, quit {q}"),
                    None => "former smoker".to_string(),
                },
                SmokingStatus::Current => "current smoker".to_string(),
            };
            if let Some(p) = s.pack_years {
                text.push_str(&format!(" ({} pack-years)", fmt_num(p)));
            }
            let status = if s.status == SmokingStatus::Current {
                Status::NotMet
            } else {
                Status::Met
            };
            (Measure::state(text).with_date(s.date), status)
        }
    };
    item(
        Pillar::Lifestyle,
        "smoking",
        "Not smoking",
        Relevance::Relevant,
        Target {
            text: "no smoking".into(),
            min: None,
            max: None,
            unit: None,
            source: "MESA (McEvoy 2015): current smoking CVD HR 1.7; Heinz Nixdorf Recall: quitting slows CAC accrual".into(),
        },
        current,
        status,
        evidence_for(Some("smoking"), &[]),
    )
}

fn alcohol(f: &Facts) -> PlanItem {
    let (current, status) = match f.alcohol() {
        None => (
            Measure::no_data("no alcohol intake on record"),
            Status::NoData,
        ),
        Some(a) => {
            let m = Measure::value(
                a.drinks_per_week,
                "drinks/week",
                format!(
                    "{} drinks/week (reported {})",
                    fmt_num(a.drinks_per_week),
                    a.date
                ),
            )
            .with_date(a.date);
            let s = status_max(&m, targets::ALCOHOL_MAX_DRINKS_WEEK);
            (m, s)
        }
    };
    item(
        Pillar::Lifestyle,
        "alcohol",
        "Little or no alcohol",
        Relevance::Relevant,
        Target {
            text: "fewer than 7 drinks/week; less is better".into(),
            min: None,
            max: Some(targets::ALCOHOL_MAX_DRINKS_WEEK),
            unit: Some("drinks/week".into()),
            source: "CARDIA (Pletcher 2005): CAC prevalence 8%, 9%, 13%, 19% for 0, 1–6, 7–13, ≥14 drinks/week; MESA: no protective effect".into(),
        },
        current,
        status,
        evidence_for(Some("alcohol"), &[]),
    )
}

fn blood_pressure(f: &Facts) -> PlanItem {
    let readings: Vec<(Date, f64, f64)> = f
        .input
        .vitals
        .iter()
        .filter_map(|v| match (v.systolic_mm_hg, v.diastolic_mm_hg) {
            (Some(s), Some(d))
                if s.is_finite() && d.is_finite() && s > 0.0 && d > 0.0 && v.date <= f.today =>
            {
                Some((v.date, s, d))
            }
            _ => None,
        })
        .collect();
    // Mean systolic/diastolic over a window, with its measure.
    let window = |from: Date, to: Date, label: &str| -> (Measure, Option<(f64, f64)>) {
        let sel: Vec<_> = readings
            .iter()
            .filter(|r| r.0 >= from && r.0 <= to)
            .collect();
        if sel.is_empty() {
            return (
                Measure::no_data(format!("no data ({label}: no blood pressure logged)")),
                None,
            );
        }
        let n = sel.len() as f64;
        let s = sel.iter().map(|r| r.1).sum::<f64>() / n;
        let d = sel.iter().map(|r| r.2).sum::<f64>() / n;
        let mut m = Measure::value(
            s,
            "mm Hg",
            format!(
                "{s:.0}/{d:.0} mm Hg ({label} mean of {} reading{})",
                sel.len(),
                if sel.len() == 1 { "" } else { "s" }
            ),
        );
        m.days_with_data = Some(sel.len() as u32);
        (m, Some((s, d)))
    };
    let [(w7, bp7), (w30, bp30)] =
        windows(f.today).map(|(from, to, label)| window(from, to, label));
    let latest = readings.iter().max_by_key(|r| r.0).map(|&(date, s, d)| {
        (
            Measure::value(
                s,
                "mm Hg",
                format!("{s:.0}/{d:.0} mm Hg (latest reading, {date})"),
            )
            .with_date(date),
            Some((s, d)),
        )
    });
    let (current, bp) = if bp7.is_some() {
        (w7.clone(), bp7)
    } else if bp30.is_some() {
        (w30.clone(), bp30)
    } else {
        latest.unwrap_or((Measure::no_data("no blood pressure on record"), None))
    };
    let status = match bp {
        None => Status::NoData,
        Some((s, d)) if s < targets::BP_SYSTOLIC_GOAL && d < targets::BP_DIASTOLIC_GOAL => {
            Status::Met
        }
        Some(_) => Status::NotMet,
    };
    let mut it = item(
        Pillar::Lifestyle,
        "blood_pressure",
        "Blood pressure",
        Relevance::Relevant,
        Target {
            text: "< 130/80 mm Hg".into(),
            min: None,
            max: Some(targets::BP_SYSTOLIC_GOAL),
            unit: Some("mm Hg".into()),
            source: "2017 ACC/AHA blood pressure guideline (Whelton 2018)".into(),
        },
        current,
        status,
        evidence_for(Some("blood_pressure"), &["acc-aha-bp-2017"]),
    );
    it.current_7d = Some(w7);
    it.current_30d = Some(w30);
    it
}

fn glucose(f: &Facts) -> PlanItem {
    let diabetes = f.input.clinical.diabetes.unwrap_or(false);
    let goal = targets::hba1c_goal(diabetes);
    let ev = evidence_for(Some("glucose"), &["ada-glycemic-targets-2022"]);
    let target = Target {
        text: format!(
            "HbA1c < {goal} %{}",
            if diabetes {
                " (with diabetes)"
            } else {
                " (below the prediabetes range)"
            }
        ),
        min: None,
        max: Some(goal),
        unit: Some("%".into()),
        source: "American Diabetes Association Standards of Care (2022, sections 2 and 6)".into(),
    };
    let (current, status) = match f.latest(Analyte::Hba1c) {
        Some((d, v)) => (
            Measure::value(v, "%", format!("HbA1c {} % on {d}", fmt_num(v))).with_date(d),
            if v < goal {
                Status::Met
            } else {
                Status::NotMet
            },
        ),
        None => (Measure::no_data("no HbA1c on record"), Status::NoData),
    };
    let mut it = item(
        Pillar::Lifestyle,
        "glucose",
        "Glucose (HbA1c)",
        Relevance::Relevant,
        target,
        current,
        status,
        ev,
    );
    if f.input.clinical.diabetes.is_none() {
        it.notes
            .push("Diabetes status not recorded; the target assumes no diabetes.".into());
    }
    it
}

fn weight(f: &Facts) -> PlanItem {
    let height = f
        .input
        .person
        .height_cm
        .filter(|h| h.is_finite() && *h > 50.0 && *h < 272.0);
    let weights: Vec<(Date, f64)> = f
        .input
        .vitals
        .iter()
        .filter_map(|v| {
            v.weight_kg
                .filter(|w| w.is_finite() && *w > 0.0 && v.date <= f.today)
                .map(|w| (v.date, w))
        })
        .collect();
    let latest = weights.iter().max_by_key(|w| w.0).copied();
    let target = Target {
        text: "BMI 18.5–24.9 kg/m²".into(),
        min: Some(targets::BMI_MIN),
        max: Some(targets::BMI_MAX),
        unit: Some("kg/m²".into()),
        source: "WHO BMI classification (Technical Report Series 894, 2000)".into(),
    };
    let bmi_of = |w: f64| height.map(|h| w / (h / 100.0).powi(2));
    let window = |from: Date, label: &str| {
        let sel: Vec<f64> = weights
            .iter()
            .filter(|w| w.0 >= from)
            .map(|w| w.1)
            .collect();
        match (sel.is_empty(), height) {
            (true, _) => Measure::no_data(format!("no data ({label}: no weight logged)")),
            (false, h) => {
                let mean = sel.iter().sum::<f64>() / sel.len() as f64;
                match h {
                    Some(_) => {
                        let b = bmi_of(mean).unwrap_or(f64::NAN);
                        let mut m = Measure::value(
                            b,
                            "kg/m²",
                            format!("BMI {b:.1} ({label} mean weight {mean:.1} kg)"),
                        );
                        m.days_with_data = Some(sel.len() as u32);
                        m
                    }
                    None => Measure::no_data(format!(
                        "{label} mean weight {mean:.1} kg; height needed for BMI"
                    )),
                }
            }
        }
    };
    let w7 = window(f.today.add_days(-6), "7-day");
    let w30 = window(f.today.add_days(-29), "30-day");
    let (current, status) = if w7.value.is_some() {
        (w7.clone(), Status::Met)
    } else if w30.value.is_some() {
        (w30.clone(), Status::Met)
    } else {
        match (latest, height) {
            (Some((d, w)), Some(_)) => {
                let b = bmi_of(w).unwrap_or(f64::NAN);
                (
                    Measure::value(b, "kg/m²", format!("BMI {b:.1} ({w:.1} kg on {d})"))
                        .with_date(d),
                    Status::Met,
                )
            }
            (Some(_), None) => (Measure::no_data("height needed for BMI"), Status::NoData),
            (None, _) => (Measure::no_data("no weight on record"), Status::NoData),
        }
    };
    let status = match (status, current.value) {
        (Status::Met, Some(b)) if (targets::BMI_MIN..=targets::BMI_MAX).contains(&b) => Status::Met,
        (Status::Met, Some(_)) => Status::NotMet,
        _ => Status::NoData,
    };
    let mut it = item(
        Pillar::Lifestyle,
        "weight",
        "Healthy weight",
        Relevance::Relevant,
        target,
        current,
        status,
        evidence_for(Some("weight"), &["who-bmi-2000"]),
    );
    if let Some((d, w)) = f
        .input
        .vitals
        .iter()
        .filter_map(|v| {
            v.waist_cm
                .filter(|w| w.is_finite() && *w > 0.0)
                .map(|w| (v.date, w))
        })
        .max_by_key(|x| x.0)
    {
        it.notes.push(format!("Waist {w:.0} cm on {d}."));
    }
    it.current_7d = Some(w7);
    it.current_30d = Some(w30);
    it
}

// ---------------------------------------------------------------- medical

fn taking_text(f: &Facts, kind: MedKind) -> Measure {
    let mut parts: Vec<String> = f
        .courses(kind)
        .map(|m| {
            let name = if m.name.is_empty() {
                kind.as_str()
            } else {
                &m.name
            };
            match &m.dose {
                Some(d) => format!("{name} {} {}", fmt_num(d.amount), dose_unit(d.unit)),
                None => name.to_string(),
            }
        })
        .collect();
    let (n, _) = f.logged_in(kind, f.today.add_days(-29), f.today);
    if n > 0 {
        if parts.is_empty() {
            parts.push("no course on the list".into());
        }
        parts.push(format!("a dose logged on {n} of the last 30 days"));
    }
    if parts.is_empty() {
        Measure::state("not taking")
    } else {
        Measure::state(format!("taking {}", parts.join("; ")))
    }
}

pub(crate) fn dose_unit(u: crate::DoseUnit) -> &'static str {
    match u {
        crate::DoseUnit::Ug => "µg",
        crate::DoseUnit::Mg => "mg",
        crate::DoseUnit::G => "g",
        crate::DoseUnit::Iu => "IU",
        crate::DoseUnit::Mmol => "mmol",
        crate::DoseUnit::Unit => "unit(s)",
    }
}

/// Statin relevance from the 2018 AHA/ACC cholesterol guideline (Grundy 2019): secondary
/// prevention, LDL-C ≥ 190, diabetes at 40–75, 10-year risk ≥ 20 %, then CAC 0 / 1–99 / ≥ 100 or
/// ≥ 75th percentile, then the risk category without a scan. The 10-year risk (2013 PCE) and the
/// percentile come from the caller (vascalc-clinical) through `ClinicalFacts`; the guideline
/// statement for the scan from vascalc-clinical's `cac::statin_context`.
fn statin(f: &Facts) -> PlanItem {
    let taking = f.using(MedKind::Statin);
    let c = &f.input.clinical;
    let ldl = f.latest(Analyte::Ldl).map(|l| l.1);
    let scan = f.latest_scan();
    let smoker = f.smoking().map(|s| s.status == SmokingStatus::Current);
    let age = f.age;
    let in_range = age.is_some_and(|a| (40.0..=75.0).contains(&a));
    let enhancers = smoker == Some(true) || c.family_history_mi == Some(true);
    let risk = c
        .ascvd_risk_10y
        .as_ref()
        .filter(|r| r.percent.is_finite() && r.percent >= 0.0);
    let pct = risk.map(|r| r.percent);
    // The percentile only counts for the score it was computed for.
    let percentile = c
        .cac_percentile
        .as_ref()
        .filter(|p| scan.is_some_and(|s| s.agatston == p.agatston));
    let above75 = percentile.map(|p| p.at_or_above_75th);
    let risk_text = |r: &crate::RiskEstimate| format!("10-year ASCVD risk {:.1} %", r.percent);
    let (relevance, why) = if c.ascvd == Some(true) {
        (
            Relevance::Relevant,
            "established ASCVD: statin recommended (secondary prevention)".to_string(),
        )
    } else if ldl.is_some_and(|l| l >= 190.0) {
        (
            Relevance::Relevant,
            "LDL-C ≥ 190 mg/dL: statin recommended".to_string(),
        )
    } else if c.diabetes == Some(true) && in_range {
        (
            Relevance::Relevant,
            "diabetes at age 40–75: statin recommended regardless of CAC".to_string(),
        )
    } else if let Some(r) = risk.filter(|r| in_range && r.percent >= 20.0) {
        (
            Relevance::Relevant,
            format!("{} (≥ 20 %, high): statin recommended", risk_text(r)),
        )
    } else if let Some(s) = scan {
        let (relevance, why) = if !in_range {
            (
                Relevance::Discuss,
                "outside the guideline's 40–75 age range for CAC-guided decisions: discuss"
                    .to_string(),
            )
        } else if s.agatston >= 100.0 {
            (
                Relevance::Relevant,
                format!("CAC {} ≥ 100: statin indicated", fmt_num(s.agatston)),
            )
        } else if s.agatston > 0.0 && above75 == Some(true) {
            (
                Relevance::Relevant,
                format!(
                    "CAC {} (1–99) at or above the 75th percentile for age, sex and race: statin indicated",
                    fmt_num(s.agatston)
                ),
            )
        } else if s.agatston > 0.0 {
            if age.is_some_and(|a| a >= 55.0) {
                (
                    Relevance::Relevant,
                    format!(
                        "CAC {} (1–99) at age ≥ 55: favours a statin",
                        fmt_num(s.agatston)
                    ),
                )
            } else {
                (
                    Relevance::Discuss,
                    format!(
                        "CAC {} (1–99): favours a statin, especially from age 55",
                        fmt_num(s.agatston)
                    ),
                )
            }
        } else if enhancers {
            (Relevance::Discuss, "CAC 0 with current smoking or a family history of premature ASCVD: the guideline does not endorse withholding a statin".to_string())
        } else {
            (
                Relevance::NotRelevant,
                "CAC 0: reasonable to withhold a statin and rescan later".to_string(),
            )
        };
        // The CAC rules are for borderline and intermediate risk: at low risk, discuss.
        match (relevance, risk) {
            (Relevance::Relevant, Some(r)) if r.percent < 5.0 => (
                Relevance::Discuss,
                format!(
                    "{why}; but {} is low (< 5 %), where the guideline uses CAC less: discuss",
                    risk_text(r)
                ),
            ),
            _ => (relevance, why),
        }
    } else {
        match risk.filter(|_| in_range) {
            Some(r) if r.percent >= 7.5 => (
                Relevance::Discuss,
                format!(
                    "{} (7.5–20 %, intermediate): a statin is favoured after a risk discussion; a CAC scan can refine the decision",
                    risk_text(r)
                ),
            ),
            Some(r) if r.percent >= 5.0 => (
                Relevance::Discuss,
                format!(
                    "{} (5–7.5 %, borderline): risk enhancers or a CAC scan can guide the decision",
                    risk_text(r)
                ),
            ),
            Some(r) => (
                Relevance::NotRelevant,
                format!(
                    "{} (< 5 %, low): lifestyle first; a statin is not routinely recommended",
                    risk_text(r)
                ),
            ),
            None => (
                Relevance::Discuss,
                "no CAC scan on record and no 10-year risk: statin decision by 10-year risk"
                    .to_string(),
            ),
        }
    };
    let status = match relevance {
        Relevance::Relevant if taking => Status::Met,
        Relevance::Relevant => Status::NotMet,
        _ => Status::NotApplicable,
    };
    let mut source = "2018 AHA/ACC cholesterol guideline (Grundy 2019)".to_string();
    if let Some(r) = risk {
        source.push_str(&format!("; 10-year risk: {} ({})", r.model, r.source));
    }
    if let Some(p) = percentile {
        source.push_str(&format!("; percentile: {}", p.source));
    }
    let mut it = item(
        Pillar::Medical,
        "statin",
        "Statin",
        relevance,
        Target {
            text: why,
            min: None,
            max: None,
            unit: None,
            source,
        },
        taking_text(f, MedKind::Statin),
        status,
        evidence_for(Some("statins"), &["acc-aha-cholesterol-2018"]),
    );
    match risk {
        Some(r) => it.notes.push(format!(
            "{} by {} ({}){}.",
            risk_text(r),
            r.model,
            r.source,
            if taking {
                "; on a statin it is computed from on-treatment cholesterol, so it understates the untreated risk the guideline's thresholds refer to"
            } else {
                ""
            }
        )),
        None => it.notes.push("10-year risk unknown: the Pooled Cohort Equations need age 40–79, sex, race, total and HDL cholesterol, systolic pressure and its treatment, smoking and diabetes.".into()),
    }
    if let Some(p) = percentile {
        it.notes.push(format!(
            "CAC {}: {}{}.",
            fmt_num(p.agatston),
            p.text,
            if p.at_or_above_75th {
                ", at or above the 75th percentile"
            } else {
                ", below the 75th percentile"
            }
        ));
    }
    if let (Some(s), Some(a)) = (scan, age) {
        let ctx = vascalc_clinical::cac::statin_context(
            s.agatston,
            above75,
            &vascalc_clinical::cac::StatinInputs {
                age: a,
                ldl_mg_dl: ldl,
                diabetes: c.diabetes,
                smoker,
                family_history: c.family_history_mi,
                pce_percent: pct,
                on_statin: Some(taking),
            },
        );
        it.notes.push(format!(
            "Guideline statement (vascalc-clinical): {}",
            ctx.statement
        ));
        it.notes.extend(ctx.caveats.iter().map(|c| c.to_string()));
    }
    it.notes.push("A statin can make the calcium score rise (plaque calcifies and stabilises) while risk falls; a rising CAC on a statin is not treatment failure.".into());
    it
}

/// Mean daily supplement amount of `kind` over `[from, to]`: while doses are logged, the logged
/// doses (a day without one counts as none taken); otherwise the course's dose (assumed). No data
/// when neither covers a day of the window.
fn supplement_window(f: &Facts, kind: MedKind, from: Date, to: Date, label: &str) -> Measure {
    let (mut sum, mut days, mut taken, mut assumed) = (0.0, 0u32, 0u32, false);
    let mut day = from;
    while day <= to {
        match f.supplement_on(kind, day) {
            Some((a, was_assumed)) => {
                sum += a;
                days += 1;
                taken += 1;
                assumed |= was_assumed;
            }
            // A logged kind with no dose that day: none taken.
            None if f.logging_active(kind, day) => days += 1,
            None => {}
        }
        day = day.add_days(1);
    }
    if days == 0 {
        if f.implausible_in_use(kind) {
            return Measure::no_data(format!(
                "not counted ({label}: the recorded dose is implausible, see the implausible_dose alert)"
            ));
        }
        return Measure::no_data(format!("no data ({label}: no course or dose)"));
    }
    let mean = sum / f64::from(days);
    let how = if assumed {
        format!("{label} mean; course dose assumed taken on days before doses were logged")
    } else {
        format!("{label} mean of logged doses; taken on {taken} of {days} days")
    };
    let mut m = Measure::value(mean, "µg/day", format!("{} µg/day ({how})", fmt_num(mean)));
    m.days_with_data = Some(days);
    m
}

fn k2_supplement(f: &Facts) -> PlanItem {
    let mk7 = f.using(MedKind::Mk7);
    let taking = mk7 || f.using(MedKind::VitaminKOther);
    let vka = f.using(MedKind::VitaminKAntagonist);
    let source = "trial doses: Kurnatowska 2015, Knapen 2015, Trevasc-HDK, K4Kidneys, AVADEC (evidence base); iPACK-HD (K1) null; Theuwissen 2013 (INR interaction)";
    let mut m = taking_text(f, MedKind::Mk7);
    let other = taking_text(f, MedKind::VitaminKOther);
    if other.text != "not taking" {
        m = Measure::state(if m.text == "not taking" {
            other.text
        } else {
            format!("{}; {}", m.text, other.text)
        });
    }
    if vka {
        return item(
            Pillar::Medical,
            "k2_supplement",
            "Vitamin K2 supplement",
            Relevance::Avoid,
            Target {
                text: "no vitamin K supplement while on a vitamin K antagonist, unless the anticoagulation clinic supervises".into(),
                min: None,
                max: None,
                unit: None,
                source: source.into(),
            },
            m,
            if taking { Status::NotMet } else { Status::Met },
            evidence_for(Some("vitamin_k2"), &[]),
        );
    }
    if !mk7 {
        let mut it = item(
            Pillar::Medical,
            "k2_supplement",
            "Vitamin K2 supplement",
            Relevance::Discuss,
            Target {
                text: "optional: trials of MK-7 were null on calcification; discuss with your clinician".into(),
                min: None,
                max: None,
                unit: None,
                source: source.into(),
            },
            m,
            Status::NotApplicable,
            evidence_for(Some("vitamin_k2"), &[]),
        );
        if taking {
            it.notes.push("The vitamin K you take is not MK-7 (K1 or MK-4): the MK-7 trial doses do not apply to it.".into());
        }
        return it;
    }
    // Taking MK-7: the dose taken, shown beside the doses trials used and their null results;
    // no target, so no "met".
    let [w7, w30] = windows(f.today)
        .map(|(from, to, label)| supplement_window(f, MedKind::Mk7, from, to, label));
    let current = if w7.value.is_some() {
        w7.clone()
    } else {
        w30.clone()
    };
    let mut target = mk7_no_target();
    target.source = format!("{}; {source}", target.source);
    let mut it = item(
        Pillar::Medical,
        "k2_supplement",
        "Vitamin K2 supplement (MK-7)",
        Relevance::Discuss,
        target,
        current,
        Status::NoTarget,
        evidence_for(Some("vitamin_k2"), &[]),
    );
    it.notes.push(format!("Supplement: {}.", m.text));
    it.notes.push(mk7_trial_doses_note());
    it.notes.push("Randomised trials of MK-7 on calcification were null on their primary endpoints (AVADEC on aortic valve calcium, its coronary analysis, Trevasc-HDK on CAC in dialysis, K4Kidneys, Kurnatowska); only arterial stiffness improved in one trial (Knapen 2015). Taking it, at any dose, is not evidence of benefit: vascalc does not suggest starting, raising or stopping it.".into());
    it.current_7d = Some(w7);
    it.current_30d = Some(w30);
    it
}

fn vitamin_d(f: &Facts) -> PlanItem {
    let target = Target {
        text: "25-OH vitamin D 20–50 ng/mL (50–125 nmol/L)".into(),
        min: Some(targets::VITAMIN_D_MIN_NG_ML),
        max: Some(targets::VITAMIN_D_MAX_NG_ML),
        unit: Some("ng/mL".into()),
        source: "Mayo Clinic Laboratories reference values, based on the 2011 IOM report".into(),
    };
    let (current, status) = match f.latest(Analyte::Vitamin25OhD) {
        Some((d, v)) => (
            Measure::value(v, "ng/mL", format!("25-OH D {} ng/mL on {d}", fmt_num(v))).with_date(d),
            if (targets::VITAMIN_D_MIN_NG_ML..=targets::VITAMIN_D_MAX_NG_ML).contains(&v) {
                Status::Met
            } else {
                Status::NotMet
            },
        ),
        None => (
            Measure::no_data("no 25-OH vitamin D on record"),
            Status::NoData,
        ),
    };
    let mut it = item(
        Pillar::Medical,
        "vitamin_d",
        "Vitamin D status",
        Relevance::Relevant,
        target,
        current,
        status,
        evidence_for(Some("vitamin_d"), &["mayo-25ohd-reference"]),
    );
    let t = taking_text(f, MedKind::VitaminD);
    if t.text != "not taking" {
        it.notes.push(format!("Supplement: {}.", t.text));
    }
    it
}

fn phosphate_binder(f: &Facts) -> PlanItem {
    let egfr = f.egfr().map(|e| e.1);
    let dialysis = f.input.clinical.dialysis;
    let threshold = targets::phosphate_threshold_mg_dl(egfr, dialysis);
    let serum = f.latest(Analyte::Phosphate);
    let taking = f.using(MedKind::PhosphateBinder);
    // KDIGO 2017 CKD-MBD covers CKD G3a–G5D: from eGFR < 60 (or dialysis), not only < 30.
    let ckd = f.ckd();
    let (relevance, status, text) = if ckd && serum.is_some_and(|(_, p)| p > threshold) {
        (
            Relevance::Discuss,
            if taking { Status::Met } else { Status::NotMet },
            format!(
                "CKD (G3a–G5D) with serum phosphate above {threshold} mg/dL: lowering it, possibly with a binder (preferably non-calcium), is for your nephrologist to consider"
            ),
        )
    } else if ckd && serum.is_none() {
        (
            Relevance::Discuss,
            Status::NoData,
            "CKD (G3a–G5D): serum phosphate needed to judge".to_string(),
        )
    } else if egfr.is_none() && !dialysis {
        (
            Relevance::NotRelevant,
            Status::NoData,
            "only in CKD (G3a–G5D) with high phosphate; no eGFR on record".to_string(),
        )
    } else {
        (
            Relevance::NotRelevant,
            Status::NotApplicable,
            "only in CKD G3a–G5D (eGFR < 60 or dialysis) with high phosphate".to_string(),
        )
    };
    let mut it = item(
        Pillar::Medical,
        "phosphate_binder",
        "Phosphate binder (e.g. sevelamer)",
        relevance,
        Target { text, min: None, max: None, unit: None, source: "KDIGO 2017 CKD-MBD (no preventive binders; restrict calcium-based binders); KDOQI 2003 thresholds".into() },
        taking_text(f, MedKind::PhosphateBinder),
        status,
        evidence_for(Some("phosphate_binders"), &["kdigo-ckd-mbd-2017", "kdoqi-bone-2003"]),
    );
    if let Some((d, e)) = f.egfr() {
        it.notes.push(format!(
            "eGFR {} on {d}{}.",
            fmt_num(e),
            if f.egfr_computed() {
                ", computed from creatinine by CKD-EPI 2021 (Inker 2021, via vascalc-clinical)"
            } else {
                ""
            }
        ));
    }
    it
}

fn sodium_thiosulfate(f: &Facts) -> PlanItem {
    let c = &f.input.clinical;
    let taking = f.using(MedKind::SodiumThiosulfate);
    let (relevance, status, text) = if c.calciphylaxis && c.specialist_care_calciphylaxis {
        (Relevance::Discuss, Status::NotApplicable, "calciphylaxis under specialist care: one of the options your specialists weigh (off-label, observational evidence)".to_string())
    } else if c.calciphylaxis {
        (
            Relevance::Discuss,
            Status::NotMet,
            "calciphylaxis needs specialist (nephrology/wound) care; sodium thiosulfate only there"
                .to_string(),
        )
    } else {
        (
            if taking {
                Relevance::Avoid
            } else {
                Relevance::NotRelevant
            },
            if taking {
                Status::NotMet
            } else {
                Status::NotApplicable
            },
            "only for calciphylaxis, under a specialist".to_string(),
        )
    };
    item(
        Pillar::Medical,
        "sodium_thiosulfate",
        "Sodium thiosulfate",
        relevance,
        Target {
            text,
            min: None,
            max: None,
            unit: None,
            source:
                "Djuric 2020 (double blind, null primary); Wen 2022 meta-analysis (low certainty)"
                    .into(),
        },
        taking_text(f, MedKind::SodiumThiosulfate),
        status,
        evidence_for(Some("sodium_thiosulfate"), &[]),
    )
}

fn bisphosphonate(f: &Facts) -> PlanItem {
    let taking = f.using(MedKind::Bisphosphonate);
    let mut it = item(
        Pillar::Medical,
        "bisphosphonate",
        "Bisphosphonate",
        Relevance::NotRelevant,
        Target {
            text: "not a therapy for vascular calcification; prescribed for bone, with kidney-function limits".into(),
            min: None,
            max: None,
            unit: None,
            source: "MESA (Elmariah 2010): opposite associations by age; FDA 2011 zoledronic acid contraindication at CrCl < 35 mL/min".into(),
        },
        taking_text(f, MedKind::Bisphosphonate),
        Status::NotApplicable,
        evidence_for(Some("bisphosphonates"), &["fda-zoledronic-2011"]),
    );
    if taking && f.egfr().is_none() {
        it.notes.push("No eGFR on record: kidney function should be checked before each dose (FDA 2011 for zoledronic acid).".into());
    }
    it
}

fn calcification_inhibitor(f: &Facts) -> PlanItem {
    let dialysis = f.input.clinical.dialysis;
    item(
        Pillar::Medical,
        "calcification_inhibitor",
        "Calcification inhibitors in trials (SNF472)",
        if dialysis {
            Relevance::Discuss
        } else {
            Relevance::NotRelevant
        },
        Target {
            text: if dialysis {
                "available only in clinical trials for people on dialysis: ask your nephrologist about trials".into()
            } else {
                "studied only in people on dialysis; not available outside trials".into()
            },
            min: None,
            max: None,
            unit: None,
            source: "CaLIPSO (Raggi 2020), CALCIPHYX (Sinha 2024)".into(),
        },
        Measure::state("not applicable"),
        Status::NotApplicable,
        evidence_for(Some("calcification_inhibitors"), &[]),
    )
}

// ---------------------------------------------------------------- monitoring

fn next_scan(f: &Facts) -> PlanItem {
    let Some(last) = f.latest_scan() else {
        return item(
            Pillar::Monitoring,
            "next_scan",
            "Next CAC scan",
            Relevance::Relevant,
            Target {
                text: "a baseline CAC scan when it would change a decision (e.g. statin)".into(),
                min: None,
                max: None,
                unit: None,
                source: "2018 AHA/ACC cholesterol guideline".into(),
            },
            Measure::no_data("no scan on record"),
            Status::NoData,
            evidence_for(None, &["acc-aha-cholesterol-2018"]),
        );
    };
    let current = Measure::value(
        last.agatston,
        "Agatston",
        format!(
            "last scan {} (Agatston {})",
            last.date,
            fmt_num(last.agatston)
        ),
    )
    .with_date(last.date);
    let zero_ev = || evidence_for(None, &["acc-aha-cholesterol-2018", "dzaye-2021-warranty"]);
    // The window comes from vascalc-clinical's progression analysis, as `vascalc progress`
    // shows it; advice for an earlier scan does not count.
    let Some(advice) = f
        .input
        .clinical
        .next_scan
        .as_ref()
        .filter(|a| a.after == last.date)
    else {
        return item(
            Pillar::Monitoring,
            "next_scan",
            "Next CAC scan",
            Relevance::Relevant,
            Target {
                text: "when to rescan follows from the scans, age and sex (vascalc progress); birth date and sex are needed".into(),
                min: None,
                max: None,
                unit: None,
                source: "vascalc-clinical progression analysis".into(),
            },
            current,
            Status::NoData,
            zero_ev(),
        );
    };
    let source = advice.sources.join("; ");
    let mut it = match advice.earliest {
        Some(earliest) => {
            let text = match advice.latest {
                Some(latest) => format!("rescan between {earliest} and {latest}"),
                None => format!("rescan not before {earliest}"),
            };
            let (status, when) = if f.today < earliest {
                (Status::Met, format!("not due before {earliest}"))
            } else if advice.latest.is_some_and(|l| f.today > l) {
                (Status::NotMet, "overdue: the window has closed".to_string())
            } else {
                (
                    Status::NotMet,
                    format!("due: the window opened on {earliest}"),
                )
            };
            let mut current = current;
            current.text = format!("{}; {when}", current.text);
            item(
                Pillar::Monitoring,
                "next_scan",
                "Next CAC scan",
                Relevance::Relevant,
                Target {
                    text,
                    min: None,
                    max: None,
                    unit: None,
                    source,
                },
                current,
                status,
                zero_ev(),
            )
        }
        None => {
            let mut it = item(
                Pillar::Monitoring,
                "next_scan",
                "Next CAC scan",
                Relevance::Discuss,
                Target {
                    text: "no evidence-based rescan date with CAC > 0: rescan when the result would change treatment".into(),
                    min: None,
                    max: None,
                    unit: None,
                    source,
                },
                current,
                Status::NotApplicable,
                evidence_for(Some("statins"), &["acc-aha-cholesterol-2018"]),
            );
            it.notes.push("With CAC > 0, a rising score can reflect stabilising calcification (statins, exercise); `vascalc progress` compares it with the expected trajectory.".into());
            it
        }
    };
    it.notes.extend(advice.basis.iter().cloned());
    it.notes
        .push("Your clinician may choose another interval.".into());
    it
}

/// When a monitoring lab is due.
enum Due {
    /// Every `months` after the latest result.
    Every(i32),
    /// A baseline result; later intervals are for the clinician (no fixed interval cited).
    Baseline,
    /// After starting a therapy on `start`: a first result `first_weeks.0`–`first_weeks.1`
    /// weeks later, then every `then_months`.
    AfterStart {
        start: Date,
        first_weeks: (i32, i32),
        then_months: i32,
    },
}

struct LabRule {
    topic: &'static str,
    title: &'static str,
    analytes: &'static [Analyte],
    due: Due,
    why: String,
    source: &'static str,
    guideline: &'static str,
}

/// `months` calendar-ish months after `d` (30.4 days each).
fn months_after(d: Date, months: i32) -> Date {
    d.add_days(months * 365 / 12)
}

/// Monitoring labs with the interval's source: lipids on a statin (2018 AHA/ACC), HbA1c with
/// diabetes (ADA 6.1), eGFR and albuminuria with CKD (KDIGO 2012), calcium/phosphate and PTH by
/// CKD stage (KDIGO 2017 CKD-MBD).
fn labs_due(f: &Facts) -> Vec<PlanItem> {
    let mut rules = Vec::new();
    if f.using(MedKind::Statin) {
        // The current course's start: the latest start among the courses covering today.
        let start = f.courses(MedKind::Statin).filter_map(|m| m.start).max();
        rules.push(LabRule {
            topic: "labs_lipids",
            title: "Lipids",
            analytes: &[Analyte::Ldl, Analyte::TotalCholesterol],
            due: match start {
                Some(start) => Due::AfterStart {
                    start,
                    first_weeks: (4, 12),
                    then_months: 12,
                },
                None => Due::Every(12),
            },
            why: match start {
                Some(start) => format!(
                    "statin started {start}: lipids 4–12 weeks after starting, then every 3–12 months"
                ),
                None => "on a statin: lipids every 3–12 months".into(),
            },
            source: "2018 AHA/ACC cholesterol guideline (Grundy 2019)",
            guideline: "acc-aha-cholesterol-2018",
        });
    }
    if f.input.clinical.diabetes == Some(true) {
        let at_goal = f
            .latest(Analyte::Hba1c)
            .map(|(_, v)| v < targets::hba1c_goal(true));
        let (months, why) = match at_goal {
            Some(true) => (6, "with diabetes, at goal: HbA1c at least twice a year"),
            _ => (
                3,
                "with diabetes, not at goal (or not known): HbA1c at least every 3 months",
            ),
        };
        rules.push(LabRule {
            topic: "labs_hba1c",
            title: "HbA1c",
            analytes: &[Analyte::Hba1c],
            due: Due::Every(months),
            why: why.into(),
            source: "ADA Standards of Care 2022, recommendation 6.1",
            guideline: "ada-glycemic-targets-2022",
        });
    }
    let egfr = f.egfr().map(|e| e.1);
    // CKD by KDIGO 2012's criteria vascalc can see: eGFR < 60 or albuminuria (UACR ≥ 30 mg/g).
    let albuminuria = f.latest(Analyte::Uacr).is_some_and(|(_, u)| u >= 30.0);
    if !f.input.clinical.dialysis && (egfr.is_some_and(|e| e < 60.0) || albuminuria) {
        for (topic, title, analytes, what) in [
            (
                "labs_kidney_function",
                "Kidney function (eGFR)",
                &[Analyte::Egfr, Analyte::Creatinine][..],
                "eGFR (creatinine)",
            ),
            (
                "labs_uacr",
                "Urine albumin/creatinine",
                &[Analyte::Uacr][..],
                "urine albumin/creatinine",
            ),
        ] {
            rules.push(LabRule {
                topic,
                title,
                analytes,
                due: Due::Every(12),
                why: format!(
                    "with CKD: {what} at least once a year, more often at higher risk of progression"
                ),
                source: "KDIGO 2012 CKD guideline, recommendation 2.1.1",
                guideline: "kdigo-ckd-2012",
            });
        }
    }
    if f.input.clinical.dialysis || egfr.is_some_and(|e| e < 60.0) {
        // KDIGO 2017 CKD-MBD (intervals of 2009, retained): calcium and phosphate every 6–12
        // months in G3a–G3b, 3–6 in G4, 1–3 in G5/G5D; PTH by baseline level and progression in
        // G3, every 6–12 months in G4, 3–6 in G5/G5D. vascalc uses the longer end.
        let (stage, ca_p, pth, ca_p_text, pth_text) = match egfr {
            _ if f.input.clinical.dialysis => ("G5D", 3, Some(6), "1–3", "3–6"),
            Some(e) if e < 15.0 => ("G5", 3, Some(6), "1–3", "3–6"),
            Some(e) if e < 30.0 => ("G4", 6, Some(12), "3–6", "6–12"),
            _ => ("G3", 12, None, "6–12", ""),
        };
        rules.push(LabRule {
            topic: "labs_ckd_mbd",
            title: "Calcium and phosphate",
            analytes: &[Analyte::Phosphate, Analyte::Calcium],
            due: Due::Every(ca_p),
            why: format!("CKD {stage}: serum calcium and phosphate every {ca_p_text} months"),
            source: "KDIGO 2017 CKD-MBD update (2009 intervals retained)",
            guideline: "kdigo-ckd-mbd-2017",
        });
        rules.push(LabRule {
            topic: "labs_pth",
            title: "PTH",
            analytes: &[Analyte::Pth],
            due: pth.map_or(Due::Baseline, Due::Every),
            why: match pth {
                Some(_) => format!("CKD {stage}: PTH every {pth_text} months"),
                None => format!(
                    "CKD {stage}: a baseline PTH; how often after that depends on its level and on progression"
                ),
            },
            source: "KDIGO 2017 CKD-MBD update (2009 intervals retained)",
            guideline: "kdigo-ckd-mbd-2017",
        });
    }
    rules.into_iter().map(|r| lab_item(f, r)).collect()
}

fn lab_item(f: &Facts, r: LabRule) -> PlanItem {
    // The latest result; on the same day, the analyte listed first (LDL before total cholesterol).
    let last = r
        .analytes
        .iter()
        .rev()
        .filter_map(|a| f.latest(*a).map(|(d, v)| (d, v, *a)))
        .max_by_key(|x| x.0);
    let described = |d: Date, v: f64, a: Analyte| {
        format!("{} {} {} on {d}", a.name(), fmt_num(v), a.canonical_unit())
    };
    let measure = |d: Date, v: f64, a: Analyte, text: String| {
        Measure::value(v, a.canonical_unit(), text).with_date(d)
    };
    let (current, status) = match (&r.due, last) {
        (
            Due::AfterStart {
                start,
                first_weeks,
                then_months,
            },
            last,
        ) => {
            let first_due = start.add_days(first_weeks.1 * 7);
            match last.filter(|(d, _, _)| d >= start) {
                // A result since the start: then every `then_months`.
                Some((d, v, a)) => {
                    let due = months_after(d, *then_months);
                    (
                        measure(d, v, a, format!("{}; next due {due}", described(d, v, a))),
                        if f.today <= due {
                            Status::Met
                        } else {
                            Status::NotMet
                        },
                    )
                }
                None => {
                    let from = start.add_days(first_weeks.0 * 7);
                    let before = last
                        .map(|(d, v, a)| format!("; last before the start: {}", described(d, v, a)))
                        .unwrap_or_default();
                    (
                        Measure::no_data(format!(
                            "none since the start on {start}: the first is due {from} to {first_due}{before}"
                        )),
                        if f.today <= first_due {
                            Status::Met
                        } else {
                            Status::NotMet
                        },
                    )
                }
            }
        }
        (_, None) => (
            Measure::no_data(format!("no {} on record: due now", r.title.to_lowercase())),
            Status::NotMet,
        ),
        (Due::Baseline, Some((d, v, a))) => (
            measure(d, v, a, format!("{} (baseline done)", described(d, v, a))),
            Status::Met,
        ),
        (Due::Every(months), Some((d, v, a))) => {
            let due = months_after(d, *months);
            (
                measure(d, v, a, format!("{}; next due {due}", described(d, v, a))),
                if f.today <= due {
                    Status::Met
                } else {
                    Status::NotMet
                },
            )
        }
    };
    item(
        Pillar::Monitoring,
        r.topic,
        r.title,
        Relevance::Relevant,
        Target {
            text: r.why,
            min: None,
            max: None,
            unit: None,
            source: r.source.into(),
        },
        current,
        status,
        evidence_for(None, &[r.guideline]),
    )
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::*;

    fn item<'a>(p: &'a Plan, topic: &str) -> &'a PlanItem {
        match p.items.iter().find(|i| i.topic == topic) {
            Some(i) => i,
            None => panic!("no item {topic}"),
        }
    }

    #[test]
    fn json_shape_has_the_shared_vocabulary() {
        let p = plan(&input());
        let v = serde_json::to_value(&p).unwrap();
        let items = v["items"].as_array().unwrap();
        assert!(items.len() >= 20);
        for it in items {
            for key in ["pillar", "topic", "target", "current", "status", "evidence"] {
                assert!(it.get(key).is_some(), "{key} missing in {it}");
            }
            assert!(it["evidence"]["summary"].is_string());
            for c in it["evidence"]["citations"].as_array().unwrap() {
                assert!(c.get("doi").is_some(), "citation without a doi key: {c}");
            }
        }
        let pillars: std::collections::BTreeSet<_> = items
            .iter()
            .map(|i| i["pillar"].as_str().unwrap())
            .collect();
        assert_eq!(
            pillars.into_iter().collect::<Vec<_>>(),
            ["diet", "lifestyle", "medical", "monitoring"]
        );
        // Round trip.
        let back: Plan = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn an_empty_record_has_no_met_item() {
        let p = plan(&PlanInput::new(day("2025-01-01")));
        for it in &p.items {
            assert_ne!(it.status, Status::Met, "{} is met without data", it.topic);
        }
        assert_eq!(item(&p, "magnesium").status, Status::NoData);
        assert!(item(&p, "magnesium").current.value.is_none());
    }

    #[test]
    fn nutrient_windows_are_means_over_logged_days_and_say_at_least() {
        let mut i = input();
        // Two logged days in the last week, one of them with foods lacking a value.
        i.intakes
            .push(intake(day("2025-06-29"), &[("magnesium_mg", 300.0, 0)]));
        i.intakes
            .push(intake(day("2025-06-30"), &[("magnesium_mg", 500.0, 2)]));
        i.intakes
            .push(intake(day("2025-06-10"), &[("magnesium_mg", 100.0, 0)]));
        let p = plan(&i);
        let mg = item(&p, "magnesium");
        let w7 = mg.current_7d.as_ref().unwrap();
        assert_eq!(w7.value, Some(400.0));
        assert_eq!(w7.days_with_data, Some(2));
        assert!(w7.at_least && w7.text.starts_with("at least"));
        let w30 = mg.current_30d.as_ref().unwrap();
        assert_eq!(w30.value, Some(300.0));
        // Man, 65: RDA 420 mg (IOM 1997); 400 < 420.
        assert_eq!(mg.target.min, Some(420.0));
        assert_eq!(mg.status, Status::NotMet);
    }

    #[test]
    fn supplements_count_toward_k2_and_omega3() {
        let mut i = input();
        i.intakes.push(intake(
            day("2025-06-30"),
            &[
                ("menaquinone7_ug", 10.0, 3),
                ("epa_g", 0.1, 0),
                ("dha_g", 0.2, 0),
            ],
        ));
        i.medications.push(med(MedKind::Mk7, 180.0, DoseUnit::Ug));
        let p = plan(&i);
        let k2 = item(&p, "vitamin_k2");
        // The course counts on each of the 7 days (assumed taken, said so); food on one day.
        assert_eq!(k2.current.value, Some((6.0 * 180.0 + 190.0) / 7.0));
        assert!(k2.current.text.contains("assumed"));
        // Vitamin K2 is rated null: the intake is shown, never rated against a target.
        assert_eq!(k2.status, Status::NoTarget);
        assert_eq!(k2.target.min, None);
        let o3 = item(&p, "omega3");
        assert!((o3.current.value.unwrap() - 300.0).abs() < 1e-9);
        assert_eq!(o3.status, Status::Met);
    }

    #[test]
    fn statin_relevance_follows_cac() {
        let mut i = input();
        scan(&mut i, "2024-01-01", 0.0);
        assert_eq!(item(&plan(&i), "statin").relevance, Relevance::NotRelevant);
        i.clinical.family_history_mi = Some(true);
        assert_eq!(item(&plan(&i), "statin").relevance, Relevance::Discuss);
        i.clinical.family_history_mi = None;
        i.clinical.diabetes = Some(true);
        let p = plan(&i);
        assert_eq!(item(&p, "statin").relevance, Relevance::Relevant);
        assert!(
            item(&p, "statin")
                .notes
                .iter()
                .any(|n| n.contains("vascalc-clinical"))
        );
        i.clinical.diabetes = None;
        scan(&mut i, "2025-01-01", 150.0);
        let p = plan(&i);
        assert_eq!(item(&p, "statin").relevance, Relevance::Relevant);
        assert_eq!(item(&p, "statin").status, Status::NotMet);
        i.medications.push(med(MedKind::Statin, 20.0, DoseUnit::Mg));
        assert_eq!(item(&plan(&i), "statin").status, Status::Met);
    }

    /// The 2018 AHA/ACC rules (Grundy 2019, Circulation 139:e1082): CAC 0 → withhold unless
    /// diabetes, smoking or family history; 1–99 → favours a statin from 55, indicated at ≥ 75th
    /// percentile; ≥ 100 → indicated; 10-year risk ≥ 20 % → recommended without CAC; the CAC
    /// rules are for borderline/intermediate risk.
    #[test]
    fn statin_follows_risk_and_the_percentile() {
        let risk = |percent: f64| RiskEstimate {
            model: "pce_2013".into(),
            percent,
            source: "Goff 2014".into(),
        };
        let pctl = |agatston: f64, above: bool| CacPercentile {
            agatston,
            at_or_above_75th: above,
            text: "80th percentile (MESA)".into(),
            source: "McClelland 2006".into(),
        };
        // Age 45 (in 40–75, under 55), intermediate risk.
        let mut i = input();
        i.person.birth_date = Some(day("1980-01-01"));
        i.clinical.ascvd_risk_10y = Some(risk(9.0));
        let st = |i: &PlanInput| item(&plan(i), "statin").clone();
        // No scan: intermediate risk → discuss, with the model and source named.
        let s = st(&i);
        assert_eq!(s.relevance, Relevance::Discuss);
        assert!(s.target.text.contains("intermediate"), "{}", s.target.text);
        assert!(
            s.target.source.contains("pce_2013 (Goff 2014)"),
            "{}",
            s.target.source
        );
        // CAC 50 below the 75th percentile at 45: favours, discuss.
        scan(&mut i, "2025-01-01", 50.0);
        i.clinical.cac_percentile = Some(pctl(50.0, false));
        assert_eq!(st(&i).relevance, Relevance::Discuss);
        // At or above the 75th percentile: indicated.
        i.clinical.cac_percentile = Some(pctl(50.0, true));
        let s = st(&i);
        assert_eq!(
            (s.relevance, s.status),
            (Relevance::Relevant, Status::NotMet)
        );
        assert!(
            s.target.text.contains("75th percentile"),
            "{}",
            s.target.text
        );
        assert!(s.notes.iter().any(|n| n.contains("80th percentile (MESA)")));
        // A percentile computed for another score is not used.
        i.clinical.cac_percentile = Some(pctl(40.0, true));
        assert_eq!(st(&i).relevance, Relevance::Discuss);
        // At low risk the CAC rules only open a discussion.
        i.clinical.cac_percentile = Some(pctl(50.0, true));
        i.clinical.ascvd_risk_10y = Some(risk(3.0));
        assert_eq!(st(&i).relevance, Relevance::Discuss);
        // High risk: recommended whatever the CAC.
        i.clinical.ascvd_risk_10y = Some(risk(22.0));
        scan(&mut i, "2025-02-01", 0.0);
        assert_eq!(st(&i).relevance, Relevance::Relevant);
        // CAC 0 at intermediate risk: withhold.
        i.clinical.ascvd_risk_10y = Some(risk(9.0));
        assert_eq!(st(&i).relevance, Relevance::NotRelevant);
        // No scan and low risk: not routinely.
        i.scans.clear();
        i.clinical.ascvd_risk_10y = Some(risk(3.0));
        assert_eq!(st(&i).relevance, Relevance::NotRelevant);
    }

    #[test]
    fn labs_due_by_therapy_diabetes_and_ckd_stage() {
        let lab = |i: &mut PlanInput, code: &str, value: f64, unit: &str, date: &str| {
            i.labs.push(LabResult {
                loinc: code.into(),
                value,
                unit: unit.into(),
                date: day(date),
            })
        };
        // A statin started 2025-05-01: the first lipid panel is due 4–12 weeks later
        // (2025-05-29 to 2025-07-24); a panel from before the start does not count.
        let mut i = input();
        let mut c = med(MedKind::Statin, 20.0, DoseUnit::Mg);
        c.start = Some(day("2025-05-01"));
        i.medications.push(c);
        lab(&mut i, "13457-7", 160.0, "mg/dL", "2025-04-01");
        let p = plan(&i);
        let l = item(&p, "labs_lipids");
        assert!(
            l.current.text.contains("2025-05-29 to 2025-07-24"),
            "{}",
            l.current.text
        );
        assert_eq!(l.status, Status::Met, "not yet overdue on 2025-06-30");
        i.today = day("2025-08-01");
        assert_eq!(item(&plan(&i), "labs_lipids").status, Status::NotMet);
        lab(&mut i, "13457-7", 95.0, "mg/dL", "2025-07-10");
        let p = plan(&i);
        let l = item(&p, "labs_lipids");
        assert_eq!(l.status, Status::Met);
        assert!(
            l.current.text.contains("next due 2026-07-10"),
            "{}",
            l.current.text
        );
        // Same day: LDL is shown rather than total cholesterol.
        lab(&mut i, "2093-3", 170.0, "mg/dL", "2025-07-10");
        let p = plan(&i);
        let l = item(&p, "labs_lipids");
        assert!(
            l.current.text.starts_with("LDL cholesterol 95"),
            "{}",
            l.current.text
        );
        // Diabetes: HbA1c every 6 months at goal (< 7 %), every 3 months above it.
        let mut i = input();
        i.clinical.diabetes = Some(true);
        lab(&mut i, "4548-4", 6.5, "%", "2025-02-01");
        assert_eq!(item(&plan(&i), "labs_hba1c").status, Status::Met);
        i.labs.clear();
        lab(&mut i, "4548-4", 8.1, "%", "2025-02-01");
        let p = plan(&i);
        let h = item(&p, "labs_hba1c");
        assert_eq!(h.status, Status::NotMet, "{}", h.current.text);
        assert!(h.target.source.contains("6.1"));
        // CKD G3: calcium/phosphate yearly, PTH a baseline only; G4: 6 and 12 months.
        let mut i = input();
        egfr(&mut i, 50.0);
        let p = plan(&i);
        assert!(item(&p, "labs_ckd_mbd").target.text.contains("G3"));
        assert!(item(&p, "labs_pth").target.text.contains("baseline"));
        assert_eq!(item(&p, "labs_pth").status, Status::NotMet);
        lab(&mut i, "2731-8", 80.0, "pg/mL", "2020-01-01");
        assert_eq!(item(&plan(&i), "labs_pth").status, Status::Met);
        i.labs.retain(|l| l.loinc != "98979-8");
        egfr(&mut i, 25.0);
        let p = plan(&i);
        assert!(
            item(&p, "labs_ckd_mbd")
                .target
                .text
                .contains("every 3–6 months")
        );
        assert!(
            item(&p, "labs_pth")
                .target
                .text
                .contains("every 6–12 months")
        );
        assert_eq!(
            item(&p, "labs_pth").status,
            Status::NotMet,
            "2020 is too long ago"
        );
        // With CKD: eGFR and albuminuria yearly (KDIGO 2012 2.1.1); albuminuria alone is CKD.
        assert_eq!(item(&p, "labs_kidney_function").status, Status::Met);
        assert_eq!(item(&p, "labs_uacr").status, Status::NotMet);
        let mut j = input();
        lab(&mut j, "9318-7", 45.0, "mg/g", "2025-01-10");
        let p = plan(&j);
        assert_eq!(item(&p, "labs_uacr").status, Status::Met);
        assert_eq!(item(&p, "labs_kidney_function").status, Status::NotMet);
        assert!(!p.items.iter().any(|i| i.topic == "labs_ckd_mbd"));
        // No CKD, no statin, no diabetes: no lab items.
        assert!(
            !plan(&input())
                .items
                .iter()
                .any(|i| i.topic.starts_with("labs_"))
        );
    }

    #[test]
    fn binders_and_thiosulfate_are_not_for_everyone() {
        let mut i = input();
        egfr(&mut i, 80.0);
        let p = plan(&i);
        assert_eq!(
            item(&p, "phosphate_binder").relevance,
            Relevance::NotRelevant
        );
        assert_eq!(
            item(&p, "sodium_thiosulfate").relevance,
            Relevance::NotRelevant
        );
        i.labs.clear();
        egfr(&mut i, 20.0);
        i.labs.push(LabResult {
            loinc: "2777-1".into(),
            value: 6.1,
            unit: "mg/dL".into(),
            date: day("2025-05-01"),
        });
        let p = plan(&i);
        assert_eq!(item(&p, "phosphate_binder").relevance, Relevance::Discuss);
        assert_eq!(item(&p, "phosphate").target.max, Some(1000.0));
        // Issue 10: KDIGO 2017 covers CKD G3a–G5D, so eGFR 45 with phosphate 5.0 mg/dL (above
        // the 4.6 of CKD 3–4) is for the nephrologist too, not "not relevant"; 4.0 is not.
        let mut j = input();
        egfr(&mut j, 45.0);
        j.labs.push(LabResult {
            loinc: "2777-1".into(),
            value: 5.0,
            unit: "mg/dL".into(),
            date: day("2025-05-01"),
        });
        let b = item(&plan(&j), "phosphate_binder").clone();
        assert_eq!(b.relevance, Relevance::Discuss, "{}", b.target.text);
        assert!(b.target.text.contains("G3a–G5D"), "{}", b.target.text);
        j.labs.last_mut().unwrap().value = 4.0;
        assert_eq!(
            item(&plan(&j), "phosphate_binder").relevance,
            Relevance::NotRelevant
        );
    }

    #[test]
    fn k2_is_avoided_on_a_vka() {
        let mut i = input();
        i.medications
            .push(med(MedKind::VitaminKAntagonist, 5.0, DoseUnit::Mg));
        let p = plan(&i);
        assert_eq!(item(&p, "vitamin_k2").relevance, Relevance::Avoid);
        assert_eq!(item(&p, "k2_supplement").relevance, Relevance::Avoid);
        assert_eq!(item(&p, "k2_supplement").status, Status::Met);
    }

    #[test]
    fn k2_supplement_shows_the_dose_taken_and_the_null_trials() {
        let mut i = input();
        // Not taking it: optional, not applicable.
        assert_eq!(
            item(&plan(&i), "k2_supplement").status,
            Status::NotApplicable
        );
        // A 90 µg course: assumed taken; shown, not rated.
        let mut c = med(MedKind::Mk7, 90.0, DoseUnit::Ug);
        c.name = "MK-7".into();
        i.medications.push(c);
        let p = plan(&i);
        let k2 = item(&p, "k2_supplement");
        assert_eq!(k2.relevance, Relevance::Discuss);
        assert_eq!(k2.current.value, Some(90.0));
        assert!(k2.current.text.contains("assumed"), "{}", k2.current.text);
        assert_eq!(k2.status, Status::NoTarget);
        assert!(k2.notes.iter().any(|n| n.contains("null")));
        assert!(k2.notes.iter().any(|n| n.contains("does not suggest")));
        // Logged doses of 180 µg on 6 of the last 7 days (one missed): mean 180 × 6 / 7.
        for d in [
            "2025-06-24",
            "2025-06-25",
            "2025-06-26",
            "2025-06-28",
            "2025-06-29",
            "2025-06-30",
        ] {
            dose(&mut i, MedKind::Mk7, d, 180.0, DoseUnit::Ug);
        }
        let p = plan(&i);
        let k2 = item(&p, "k2_supplement");
        let w7 = k2.current_7d.as_ref().unwrap();
        assert!((w7.value.unwrap() - 180.0 * 6.0 / 7.0).abs() < 1e-9);
        assert!(w7.text.contains("taken on 6 of 7 days"), "{}", w7.text);
        // The 30-day window: course assumed before the first logged dose (2025-06-24).
        let w30 = k2.current_30d.as_ref().unwrap();
        let expected = (23.0 * 90.0 + 6.0 * 180.0) / 30.0;
        assert!((w30.value.unwrap() - expected).abs() < 1e-9, "{}", w30.text);
        assert_eq!(k2.status, Status::NoTarget);
        // Still under the VKA rule.
        i.medications
            .push(med(MedKind::VitaminKAntagonist, 5.0, DoseUnit::Mg));
        let k2 = item(&plan(&i), "k2_supplement").clone();
        assert_eq!(
            (k2.relevance, k2.status),
            (Relevance::Avoid, Status::NotMet)
        );
    }

    #[test]
    fn mk7_items_have_no_target_and_show_the_doses_trials_used() {
        // Issue 10, error 1: vitamin K2 is rated null, so neither MK-7 item has a target or a
        // met/not-met status, whatever the dose (180 mg logged as a unit slip included), and the
        // notes name each trial with the dose it used (as read in its study entry).
        let mut i = input();
        i.medications
            .push(med(MedKind::Mk7, 180_000.0, DoseUnit::Ug));
        i.intakes
            .push(intake(day("2025-06-30"), &[("menaquinone7_ug", 400.0, 0)]));
        let p = plan(&i);
        for topic in ["vitamin_k2", "k2_supplement"] {
            let it = item(&p, topic);
            assert_eq!(it.status, Status::NoTarget, "{topic}");
            assert_eq!((it.target.min, it.target.max), (None, None), "{topic}");
            assert!(!it.target.text.contains('≥'), "{}", it.target.text);
            let doses = it
                .notes
                .iter()
                .find(|n| n.starts_with("Doses MK-7 trials used"))
                .unwrap_or_else(|| panic!("{topic}: {:?}", it.notes));
            for (trial, dose) in [
                ("Kurnatowska 2015", "MK-7 90 µg"),
                ("Knapen 2015", "MK-7 180 µg/day"),
                ("Trevasc-HDK", "MK-7 360 µg three times weekly"),
                ("K4Kidneys", "400 µg/day"),
                ("AVADEC", "MK-7 720 µg"),
            ] {
                let at = doses
                    .find(trial)
                    .unwrap_or_else(|| panic!("{trial} missing: {doses}"));
                let next = doses[at..].find(" | ").map_or(doses.len(), |k| at + k);
                assert!(doses[at..next].contains(dose), "{trial}: {doses}");
            }
            assert!(!doses.contains("180–720"), "{doses}");
        }
        assert_eq!(
            super::mk7_trial_doses().len(),
            crate::targets::MK7_TRIALS.len()
        );
    }

    #[test]
    fn next_scan_follows_the_advice_for_the_latest_scan() {
        let mut i = input();
        scan(&mut i, "2022-06-01", 0.0);
        // Without advice (no progression analysis): no data, never a made-up interval.
        assert_eq!(item(&plan(&i), "next_scan").status, Status::NoData);
        let advice = |after: &str, earliest: Option<&str>, latest: Option<&str>| NextScanAdvice {
            after: day(after),
            earliest: earliest.map(day),
            latest: latest.map(day),
            basis: vec!["after CAC = 0, reassess in 5-10 years".into()],
            sources: vec!["Grundy 2018".into(), "Dzaye 2021".into()],
        };
        i.clinical.next_scan = Some(advice("2022-06-01", Some("2025-06-01"), Some("2032-06-01")));
        let p = plan(&i);
        let s = item(&p, "next_scan");
        assert_eq!(s.target.text, "rescan between 2025-06-01 and 2032-06-01");
        assert_eq!(s.target.source, "Grundy 2018; Dzaye 2021");
        assert_eq!(
            s.status,
            Status::NotMet,
            "today 2025-06-30 is inside the window"
        );
        assert!(s.notes.iter().any(|n| n.contains("5-10 years")));
        i.clinical.next_scan = Some(advice("2022-06-01", Some("2025-07-01"), Some("2032-06-01")));
        assert_eq!(item(&plan(&i), "next_scan").status, Status::Met);
        // Advice for an earlier scan is not used for a newer one.
        scan(&mut i, "2024-06-01", 12.0);
        assert_eq!(item(&plan(&i), "next_scan").status, Status::NoData);
        i.clinical.next_scan = Some(advice("2024-06-01", None, None));
        let p = plan(&i);
        let s = item(&p, "next_scan");
        assert_eq!(
            (s.relevance, s.status),
            (Relevance::Discuss, Status::NotApplicable)
        );
    }
}
