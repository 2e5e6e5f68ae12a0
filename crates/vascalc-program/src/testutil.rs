//! Builders for tests.

use crate::*;

pub(crate) fn day(s: &str) -> Date {
    match s.parse() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

pub(crate) fn input() -> PlanInput {
    let mut i = PlanInput::new(day("2025-06-30"));
    i.person.birth_date = Some(day("1960-03-01"));
    i.person.sex = Some(Sex::Male);
    i.person.height_cm = Some(178.0);
    i
}

pub(crate) fn med(kind: MedKind, amount: f64, unit: DoseUnit) -> Medication {
    Medication {
        kind,
        name: String::new(),
        dose: Some(Dose { amount, unit }),
        start: Some(day("2024-01-01")),
        end: None,
    }
}

pub(crate) fn egfr(i: &mut PlanInput, value: f64) {
    i.labs.push(LabResult {
        loinc: "98979-8".into(),
        value,
        unit: "mL/min/1.73m2".into(),
        date: day("2025-05-01"),
        entered_unit: None,
    });
}

pub(crate) fn scan(i: &mut PlanInput, date: &str, agatston: f64) {
    i.scans.push(Scan {
        date: day(date),
        agatston,
        volume_mm3: None,
        per_artery: Default::default(),
    });
}

pub(crate) fn rules_fired(i: &PlanInput) -> Vec<String> {
    plan(i).alerts.into_iter().map(|a| a.rule).collect()
}

pub(crate) fn intake(date: Date, nutrients: &[(&str, f64, u32)]) -> DailyIntake {
    DailyIntake {
        date,
        foods: 5,
        phosphate_additive_foods: 0,
        nutrients: nutrients
            .iter()
            .map(|(k, v, m)| {
                (
                    k.to_string(),
                    NutrientTotal {
                        at_least: *v,
                        missing: *m,
                    },
                )
            })
            .collect(),
    }
}

/// A dose of `kind` taken on `date`, without a course.
pub(crate) fn dose(i: &mut PlanInput, kind: MedKind, date: &str, amount: f64, unit: DoseUnit) {
    i.med_log.push(MedDose {
        date: day(date),
        kind,
        name: String::new(),
        dose: Some(Dose { amount, unit }),
    });
}

/// The plan item with `topic` (a test fails when there is none).
pub(crate) fn item<'a>(p: &'a Plan, topic: &str) -> &'a PlanItem {
    match p.items.iter().find(|i| i.topic == topic) {
        Some(i) => i,
        None => panic!("no item {topic}"),
    }
}
