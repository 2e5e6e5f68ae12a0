//! Invariants of the plan and the safety rules, over generated records.

use proptest::prelude::*;
use vascalc_program::date::DateExt;
use vascalc_program::*;

fn day(d: i32) -> Date {
    vascalc_program::date::from_ymd(2025, 6, 30)
        .map(|t| t.add_days(-d))
        .unwrap_or(vascalc_program::date::from_ymd(2025, 1, 1).unwrap())
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0f64..2000.0,
        Just(f64::NAN),
        Just(-1.0),
        Just(f64::INFINITY),
        Just(0.0)
    ]
}

fn kind() -> impl Strategy<Value = MedKind> {
    proptest::sample::select(MedKind::ALL.to_vec())
}

prop_compose! {
    fn record()(
        age in proptest::option::of(0.0f64..100.0),
        female in any::<bool>(),
        diabetes in proptest::option::of(any::<bool>()),
        dialysis in any::<bool>(),
        specialist in any::<bool>(),
        meds in proptest::collection::vec((kind(), any_f64(), 0i32..400, proptest::option::of(0i32..400)), 0..6),
        logs in proptest::collection::vec((kind(), 0i32..60), 0..10),
        egfr in proptest::option::of(any_f64()),
        intakes in proptest::collection::vec((0i32..60, any_f64(), 0u32..5), 0..20),
        scans in proptest::collection::vec((0i32..3000, any_f64()), 0..3),
        activity in proptest::collection::vec((0i32..60, any_f64(), any::<bool>()), 0..10),
    ) -> PlanInput {
        let mut i = PlanInput::new(day(0));
        i.person.age = age;
        i.person.sex = Some(if female { Sex::Female } else { Sex::Male });
        i.clinical.diabetes = diabetes;
        i.clinical.dialysis = dialysis;
        i.clinical.specialist_care_calciphylaxis = specialist;
        for (k, amount, start, end) in meds {
            i.medications.push(Medication { kind: k, name: String::new(), dose: Some(Dose { amount, unit: DoseUnit::Mg }), start: Some(day(start)), end: end.map(day) });
        }
        for (k, d) in logs {
            i.med_log.push(MedDose { date: day(d), kind: k, name: String::new(), dose: None });
        }
        if let Some(e) = egfr {
            i.labs.push(LabResult { loinc: "98979-8".into(), value: e, unit: "mL/min/1.73m2".into(), date: day(10), entered_unit: None });
        }
        for (d, v, m) in intakes {
            let nutrients = ["menaquinone7_ug", "magnesium_mg", "calcium_mg", "phosphorus_mg", "epa_g"]
                .iter()
                .map(|k| (k.to_string(), NutrientTotal { at_least: v, missing: m }))
                .collect();
            i.intakes.push(DailyIntake { date: day(d), foods: 4, phosphate_additive_foods: 1, nutrients });
        }
        for (d, a) in scans {
            i.scans.push(Scan { date: day(d), agatston: a, volume_mm3: None, per_artery: Default::default() });
        }
        for (d, m, e) in activity {
            i.activity.push(Activity { date: day(d), kind: if e { ActivityKind::Endurance } else { ActivityKind::Strength }, minutes: m });
        }
        i
    }
}

fn rules(p: &Plan) -> std::collections::BTreeSet<String> {
    p.alerts.iter().map(|a| a.rule.clone()).collect()
}

fn vka() -> Medication {
    Medication {
        kind: MedKind::VitaminKAntagonist,
        name: "warfarin".into(),
        dose: None,
        start: None,
        end: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Adding a vitamin K antagonist never removes an alert, and with a vitamin K supplement
    /// course active today the interaction alert is always there.
    #[test]
    fn adding_a_vka_never_removes_alerts(mut i in record(), k1 in any::<bool>()) {
        let before = rules(&plan(&i));
        i.medications.push(vka());
        let after = rules(&plan(&i));
        prop_assert!(before.is_subset(&after), "{before:?} ⊄ {after:?}");
        i.medications.push(Medication { kind: if k1 { MedKind::VitaminKOther } else { MedKind::Mk7 }, name: String::new(), dose: None, start: None, end: None });
        prop_assert!(rules(&plan(&i)).contains("vka_vitamin_k"));
    }

    /// Without any record beyond the person, nothing is "met".
    #[test]
    fn missing_data_never_yields_met(i in record()) {
        let mut bare = PlanInput::new(i.today);
        bare.person = i.person.clone();
        bare.clinical = i.clinical.clone();
        for it in plan(&bare).items {
            prop_assert_ne!(it.status, Status::Met, "{} met without data", it.topic);
        }
    }

    /// A nutrient item whose figure is missing is never met, whatever else the record holds; and
    /// no generated record (NaN, negative, infinite numbers) makes plan() or adherence() panic.
    #[test]
    fn no_value_no_met_and_no_panic(i in record()) {
        let p = plan(&i);
        for it in &p.items {
            if it.current.value.is_none() && it.current.unit.is_some() {
                prop_assert_ne!(it.status, Status::Met, "{}", it.topic);
            }
            if let Some(v) = it.current.value {
                prop_assert!(v.is_finite(), "{} has a non-finite value", it.topic);
            }
        }
        let a = adherence(&i, day(59), day(0));
        prop_assert_eq!(a.days, 60);
        // Dose adherence is a share of days: within 0–100 %, never more days than the interval.
        for it in a.items.iter().filter(|x| x.metric.starts_with("dose_days")) {
            if let Some(v) = it.value {
                prop_assert!(v.is_finite() && v >= 0.0, "{}: {v}", it.text);
                if it.metric == "dose_days_pct" {
                    prop_assert!(v <= 100.0, "{}: {v}", it.text);
                }
            }
            prop_assert!(it.days_with_data <= a.days, "{}", it.text);
        }
    }

    /// A vitamin K antagonist and a vitamin K supplement, each only as a dose logged in the
    /// last 30 days, always raise the interaction alert, whatever else the record holds.
    #[test]
    fn doses_alone_raise_the_vka_alert(mut i in record(), vka_day in 0i32..30, k_day in 0i32..30, k1 in any::<bool>()) {
        i.med_log.push(MedDose { date: day(vka_day), kind: MedKind::VitaminKAntagonist, name: "warfarin".into(), dose: None });
        i.med_log.push(MedDose { date: day(k_day), kind: if k1 { MedKind::VitaminKOther } else { MedKind::Mk7 }, name: String::new(), dose: None });
        prop_assert!(rules(&plan(&i)).contains("vka_vitamin_k"));
    }
}

fn unit() -> impl Strategy<Value = DoseUnit> {
    proptest::sample::select(vec![
        DoseUnit::Ug,
        DoseUnit::Mg,
        DoseUnit::G,
        DoseUnit::Iu,
        DoseUnit::Mmol,
        DoseUnit::Unit,
    ])
}

fn vocabulary_name() -> impl Strategy<Value = (String, MedKind)> {
    let names: Vec<(String, MedKind)> = medicines::vocabulary()
        .map(|v| {
            v.medicines
                .iter()
                .flat_map(|m| m.names.iter().map(|n| (n.clone(), m.class)))
                .collect()
        })
        .unwrap_or_default();
    proptest::sample::select(names)
}

proptest! {
    /// Any text is a name vascalc can look up without panicking, and any amount in any unit
    /// can be checked; a non-finite or non-positive amount is never plausible.
    #[test]
    fn lookup_and_dose_checks_never_panic(name in ".{0,60}", k in kind(), u in unit(), amount in any_f64()) {
        let _ = medicines::lookup(&name);
        let r = medicines::check_dose(k, &name, &Dose { amount, unit: u });
        if !(amount.is_finite() && amount > 0.0) && medicines::lookup(&name).is_some() {
            prop_assert!(r.is_err(), "{name:?} {amount} {u:?}");
        }
    }

    /// A vocabulary name followed by a strength, in any case, keeps its class.
    #[test]
    fn a_name_with_a_strength_keeps_its_class(
        (name, class) in vocabulary_name(),
        strength in 1u32..5000,
        unit in proptest::sample::select(vec!["mg", "mcg", "µg", "g", "IU", "mmol", ""]),
        spaced in any::<bool>(),
        upper in any::<bool>(),
    ) {
        let sep = if spaced { " " } else { "" };
        let typed = format!("{name} {strength}{sep}{unit}");
        let typed = if upper { typed.to_uppercase() } else { typed };
        prop_assert_eq!(MedKind::from_name(&typed), Some(class), "{}", typed);
    }
}
