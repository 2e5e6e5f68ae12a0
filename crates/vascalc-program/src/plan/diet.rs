//! Diet: vitamin K2 from food (and the MK-7 trial doses both K2 items show), magnesium,
//! omega-3, phosphate, calcium.

use super::*;

pub(super) fn vitamin_k2(f: &Facts) -> PlanItem {
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
pub(super) fn mk7_no_target() -> Target {
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

pub(super) fn mk7_trial_doses_note() -> String {
    format!(
        "Doses MK-7 trials used (none is a dose shown to slow calcification): {}.",
        mk7_trial_doses().join(" | ")
    )
}

pub(super) fn magnesium(f: &Facts) -> PlanItem {
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

pub(super) fn omega3(f: &Facts) -> PlanItem {
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

pub(super) fn phosphate(f: &Facts) -> PlanItem {
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
            text: format!("≤ {} mg/day dietary phosphorus (serum phosphate above {})", fmt_num(targets::CKD_PHOSPHORUS_MAX_MG), f.lab_limit(Analyte::Phosphate, threshold)),
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
                "serum phosphate ≤ {}; prefer foods without phosphate additives",
                f.lab_limit(Analyte::Phosphate, threshold)
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
                format!(
                    "serum phosphate {} on {d}",
                    f.lab_text(Analyte::Phosphate, p)
                ),
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

pub(super) fn calcium(f: &Facts) -> PlanItem {
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

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::*;

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
}
