//! Medical: therapies to discuss with a clinician (statin, vitamin K2 and D supplements,
//! phosphate binder, sodium thiosulfate, bisphosphonate, calcification inhibitor).

use super::diet::{mk7_no_target, mk7_trial_doses_note};
use super::*;
use vascalc_clinical::cac::{StatinCacRule, StatinInputs, statin_context};

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
                Some(d) => format!("{name} {} {}", fmt_num(d.amount), d.unit.symbol()),
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

/// Statin relevance from the 2018 AHA/ACC cholesterol guideline (Grundy 2019): established ASCVD
/// (secondary prevention) and LDL-C ≥ 190 first; with a scan, the guideline's CAC rules as
/// vascalc-clinical implements them (`cac::statin_cac_rule`, the one implementation, which also
/// gives `assess` its statement: age 40–75, diabetes, 10-year risk ≥ 20 %, then CAC 0 / 1–99 /
/// ≥ 100 or ≥ 75th percentile); without a scan, diabetes at 40–75 and the 10-year risk category.
/// The 10-year risk (2013 PCE) and the percentile come from the caller (vascalc-clinical) through
/// `ClinicalFacts`.
pub(super) fn statin(f: &Facts) -> PlanItem {
    let taking = f.using(MedKind::Statin);
    let c = &f.input.clinical;
    let ldl = f.latest(Analyte::Ldl).map(|l| l.1);
    let scan = f.latest_scan();
    let smoker = f.smoking().map(|s| s.status == SmokingStatus::Current);
    let age = f.age;
    let in_range = age.is_some_and(|a| (40.0..=75.0).contains(&a));
    let risk = c
        .ascvd_risk_10y
        .as_ref()
        .filter(|r| r.percent.is_finite() && r.percent >= 0.0);
    // The percentile only counts for the score it was computed for.
    let percentile = c
        .cac_percentile
        .as_ref()
        .filter(|p| scan.is_some_and(|s| s.agatston == p.agatston));
    let above75 = percentile.map(|p| p.at_or_above_75th);
    // vascalc-clinical's guideline context for the latest scan: the rule and its statement.
    let cac = scan.zip(age).map(|(s, a)| {
        let ctx = statin_context(
            s.agatston,
            above75,
            &StatinInputs {
                age: a,
                ldl_mg_dl: ldl,
                diabetes: c.diabetes,
                smoker,
                family_history: c.family_history_mi,
                pce_percent: risk.map(|r| r.percent),
                on_statin: Some(taking),
            },
        );
        (s.agatston, ctx)
    });
    let risk_text = |r: &crate::RiskEstimate| format!("10-year ASCVD risk {:.1} %", r.percent);
    let (relevance, why) = if c.ascvd == Some(true) {
        (
            Relevance::Relevant,
            "established ASCVD: statin recommended (secondary prevention)".to_string(),
        )
    } else if ldl.is_some_and(|l| l >= 190.0) {
        (Relevance::Relevant, ldl_190(f))
    } else if let Some((agatston, ctx)) = &cac {
        cac_decision(ctx.rule, *agatston, risk, || ldl_190(f))
    } else if scan.is_some() {
        (
            Relevance::Discuss,
            "a CAC scan is on record but the age is not: the guideline's CAC rules are for ages 40–75; discuss"
                .to_string(),
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
        Relevance::Discuss => Status::Discuss,
        Relevance::NotRelevant | Relevance::Avoid => Status::NotApplicable,
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
    if let Some((_, ctx)) = &cac {
        it.notes.push(format!(
            "Guideline statement (vascalc-clinical): {}",
            ctx.statement
        ));
        it.notes.extend(ctx.caveats.iter().map(|c| c.to_string()));
    }
    it.notes.push("A statin can make the calcium score rise (plaque calcifies and stabilises) while risk falls; a rising CAC on a statin is not treatment failure.".into());
    it
}

/// The statin item's relevance and reason for vascalc-clinical's CAC rule (`rule`, for a score
/// of `agatston`). The CAC rules are for borderline and intermediate risk, so where they favour a
/// statin at a 10-year risk below 5 % the item only opens a discussion.
/// "LDL-C ≥ 190 mg/dL: statin recommended", in the unit the plan shows LDL in.
fn ldl_190(f: &Facts) -> String {
    format!(
        "LDL-C ≥ {}: statin recommended",
        f.lab_limit(Analyte::Ldl, 190.0)
    )
}

fn cac_decision(
    rule: StatinCacRule,
    agatston: f64,
    risk: Option<&crate::RiskEstimate>,
    ldl_190: impl FnOnce() -> String,
) -> (Relevance, String) {
    let a = fmt_num(agatston);
    let high_risk = risk.map_or_else(
        || "10-year ASCVD risk ≥ 20 %".to_string(),
        |r| format!("10-year ASCVD risk {:.1} % (≥ 20 %, high)", r.percent),
    );
    let (relevance, why) = match rule {
        StatinCacRule::OutsideAges => (
            Relevance::Discuss,
            "outside the guideline's 40–75 age range for CAC-guided decisions: discuss".to_string(),
        ),
        StatinCacRule::Ldl190 => (Relevance::Relevant, ldl_190()),
        StatinCacRule::Diabetes => (
            Relevance::Relevant,
            "diabetes at age 40–75: statin recommended regardless of CAC".to_string(),
        ),
        StatinCacRule::HighRisk => (
            Relevance::Relevant,
            format!("{high_risk}: statin recommended"),
        ),
        StatinCacRule::Zero {
            smoker: false,
            family_history: false,
        } => (
            Relevance::NotRelevant,
            "CAC 0: reasonable to withhold a statin and rescan later".to_string(),
        ),
        StatinCacRule::Zero { .. } => (
            Relevance::Discuss,
            "CAC 0 with current smoking or a family history of premature ASCVD: the guideline does not endorse withholding a statin".to_string(),
        ),
        StatinCacRule::AtLeast100 => (
            Relevance::Relevant,
            format!("CAC {a} ≥ 100: statin indicated"),
        ),
        StatinCacRule::Above75th => (
            Relevance::Relevant,
            format!(
                "CAC {a} (1–99) at or above the 75th percentile for age, sex and race: statin indicated"
            ),
        ),
        StatinCacRule::Mild { age_55: true } => (
            Relevance::Relevant,
            format!("CAC {a} (1–99) at age ≥ 55: favours a statin"),
        ),
        StatinCacRule::Mild { age_55: false } => (
            Relevance::Discuss,
            format!("CAC {a} (1–99): favours a statin, especially from age 55"),
        ),
    };
    let cac_rule = matches!(
        rule,
        StatinCacRule::AtLeast100 | StatinCacRule::Above75th | StatinCacRule::Mild { .. }
    );
    match risk {
        Some(r) if cac_rule && relevance == Relevance::Relevant && r.percent < 5.0 => (
            Relevance::Discuss,
            format!(
                "{why}; but 10-year ASCVD risk {:.1} % is low (< 5 %), where the guideline uses CAC less: discuss",
                r.percent
            ),
        ),
        _ => (relevance, why),
    }
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

pub(super) fn k2_supplement(f: &Facts) -> PlanItem {
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
            Status::Discuss,
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

pub(super) fn vitamin_d(f: &Facts) -> PlanItem {
    let target = Target {
        text: format!(
            "25-OH vitamin D {}",
            f.lab_range(
                Analyte::Vitamin25OhD,
                targets::VITAMIN_D_MIN_NG_ML,
                targets::VITAMIN_D_MAX_NG_ML
            )
        ),
        min: Some(targets::VITAMIN_D_MIN_NG_ML),
        max: Some(targets::VITAMIN_D_MAX_NG_ML),
        unit: Some("ng/mL".into()),
        source: "Mayo Clinic Laboratories reference values, based on the 2011 IOM report".into(),
    };
    let (current, status) = match f.latest(Analyte::Vitamin25OhD) {
        Some((d, v)) => (
            Measure::value(
                v,
                "ng/mL",
                format!("25-OH D {} on {d}", f.lab_text(Analyte::Vitamin25OhD, v)),
            )
            .with_date(d),
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

pub(super) fn phosphate_binder(f: &Facts) -> PlanItem {
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
                "CKD (G3a–G5D) with serum phosphate above {}: lowering it, possibly with a binder (preferably non-calcium), is for your nephrologist to consider",
                f.lab_limit(Analyte::Phosphate, threshold)
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

pub(super) fn sodium_thiosulfate(f: &Facts) -> PlanItem {
    let c = &f.input.clinical;
    let taking = f.using(MedKind::SodiumThiosulfate);
    let (relevance, status, text) = if c.calciphylaxis && c.specialist_care_calciphylaxis {
        (Relevance::Discuss, Status::Discuss, "calciphylaxis under specialist care: one of the options your specialists weigh (off-label, observational evidence)".to_string())
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

pub(super) fn bisphosphonate(f: &Facts) -> PlanItem {
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

pub(super) fn calcification_inhibitor(f: &Facts) -> PlanItem {
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

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::*;

    /// Issue 15: the plan's lab targets and values are written in the person's units, built
    /// from the value and the analyte's unit (vascalc-domain's factors: 25-OH D 2.496 nmol/L per
    /// ng/mL, phosphate 3.097 mg/dL per mmol/L, cholesterol 38.67 mg/dL per mmol/L); without a
    /// preference, in the unit the latest result was given in.
    #[test]
    fn lab_texts_follow_the_persons_units() {
        let mut i = input();
        i.labs.push(LabResult {
            loinc: "62292-8".into(),
            value: 30.0,
            unit: "ng/mL".into(),
            date: day("2025-05-01"),
            entered_unit: None,
        });
        i.labs.push(LabResult {
            loinc: "13457-7".into(),
            value: 200.0,
            unit: "mg/dL".into(),
            date: day("2025-05-01"),
            entered_unit: Some("mmol/L".into()),
        });
        let p = plan(&i);
        let d = item(&p, "vitamin_d");
        assert_eq!(
            d.target.text,
            "25-OH vitamin D 20–50 ng/mL (49.9–125 nmol/L)"
        );
        assert_eq!(d.current.text, "25-OH D 30.0 ng/mL on 2025-05-01");
        // LDL given in mmol/L: the statin item says its threshold in mmol/L (190 / 38.67).
        assert!(
            item(&p, "statin")
                .target
                .text
                .contains("LDL-C ≥ 4.91 mmol/L"),
            "{:?}",
            item(&p, "statin")
        );
        i.person.units = Some(Units::Si);
        let p = plan(&i);
        let d = item(&p, "vitamin_d");
        assert_eq!(
            d.target.text,
            "25-OH vitamin D 49.9–125 nmol/L (20–50 ng/mL)"
        );
        assert_eq!(d.current.text, "25-OH D 74.9 nmol/L on 2025-05-01");
        // The machine-readable fields stay in the canonical unit.
        assert_eq!(d.current.unit.as_deref(), Some("ng/mL"));
        i.person.units = Some(Units::Us);
        let p = plan(&i);
        assert!(
            item(&p, "statin").target.text.contains("LDL-C ≥ 190 mg/dL"),
            "{:?}",
            item(&p, "statin")
        );
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
        // A new user's case: CAC 545 on a statin at a (treated) 10-year risk of 4.3 % is a
        // decision to discuss, never "not applicable".
        scan(&mut i, "2025-01-15", 545.0);
        i.clinical.cac_percentile = Some(pctl(545.0, true));
        i.clinical.ascvd_risk_10y = Some(risk(4.3));
        i.medications.push(med(MedKind::Statin, 20.0, DoseUnit::Mg));
        let s = st(&i);
        assert_eq!(
            (s.relevance, s.status),
            (Relevance::Discuss, Status::Discuss)
        );
        assert_eq!(s.status.as_str(), "to discuss with a clinician");
        assert!(s.target.text.contains("CAC 545"), "{}", s.target.text);
        i.medications.clear();
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

    /// The plan's statin item and `assess`'s CAC statement come from one rule, vascalc-clinical's
    /// `cac::statin_cac_rule` (Grundy 2019, Circulation 139:e1082): at the boundaries CAC 0, 1,
    /// 99 and 100, and a score one below and at the MESA calculator's 75th-percentile threshold
    /// for age, sex and race, the item quotes `assess`'s statement and its relevance follows it
    /// (CAC 0 → not relevant; 1–99 below the 75th percentile → discuss under 55, relevant from 55;
    /// ≥ 100 or at/above the 75th percentile → relevant).
    #[test]
    fn statin_item_and_assess_agree_at_the_cac_boundaries() {
        use vascalc_clinical::percentile::mesa_grid;
        use vascalc_clinical::{Options, Profile, Race, Sex, assess};
        for (age, birth) in [(50u8, "1975-01-01"), (55, "1970-01-01")] {
            let row = mesa_grid()
                .iter()
                .find(|r| r.race == Race::White && r.sex == Sex::Male && r.age == age)
                .unwrap_or_else(|| panic!("no MESA grid row for white men of {age}"));
            // `thresholds[n - 1]` is the smallest score the calculator reports as percentile n.
            let p75 = f64::from(row.thresholds[74]);
            assert!(
                (2.0..=99.0).contains(&p75),
                "the 75th-percentile score {p75} at {age} must lie in 1–99 for this test"
            );
            for agatston in [0.0, 1.0, 99.0, 100.0, p75 - 1.0, p75] {
                let profile: Profile = serde_json::from_value(serde_json::json!({
                    "age": age, "sex": "male", "race": "white", "ldl_mg_dl": 130,
                    "cac_agatston": agatston,
                }))
                .unwrap();
                let assessed = assess(&profile, &Options::default());
                let cac = assessed.cac.as_ref().expect("a CAC interpretation");
                let pct = cac.percentile.as_ref().expect("a MESA percentile");
                let mut i = input();
                i.person.birth_date = Some(day(birth));
                i.labs.push(LabResult {
                    loinc: "13457-7".into(),
                    value: 130.0,
                    unit: "mg/dL".into(),
                    date: day("2025-06-01"),
                    entered_unit: None,
                });
                scan(&mut i, "2025-06-01", agatston);
                // As the binary passes it: the verdict of assess's percentile for this score.
                i.clinical.cac_percentile = Some(CacPercentile {
                    agatston,
                    at_or_above_75th: pct.at_or_above_75th,
                    text: format!("percentile {:?}", pct.percentile),
                    source: pct.source.into(),
                });
                let p = plan(&i);
                let st = item(&p, "statin");
                let statement = cac.statin_context.statement;
                let quoted = format!("Guideline statement (vascalc-clinical): {statement}");
                assert!(
                    st.notes.contains(&quoted),
                    "age {age}, CAC {agatston}: {statement:?} not in {:?}",
                    st.notes
                );
                let expected = if agatston == 0.0 {
                    assert!(statement.contains("withhold"), "{statement}");
                    Relevance::NotRelevant
                } else if agatston >= 100.0 || pct.at_or_above_75th {
                    assert!(statement.contains("indicated"), "{statement}");
                    Relevance::Relevant
                } else {
                    assert!(statement.contains("favours"), "{statement}");
                    if age >= 55 {
                        Relevance::Relevant
                    } else {
                        Relevance::Discuss
                    }
                };
                assert_eq!(
                    st.relevance, expected,
                    "age {age}, CAC {agatston}: {}",
                    st.target.text
                );
                // The percentile boundary itself: one below is under the 75th, the threshold is at it.
                if agatston == p75 - 1.0 {
                    assert!(!pct.at_or_above_75th, "CAC {agatston} at {age}");
                } else if agatston == p75 {
                    assert!(pct.at_or_above_75th, "CAC {agatston} at {age}");
                }
            }
        }
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
            entered_unit: None,
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
            entered_unit: None,
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
        // Not taking it: optional, a decision to discuss (trials null), not "not applicable".
        assert_eq!(item(&plan(&i), "k2_supplement").status, Status::Discuss);
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
}
