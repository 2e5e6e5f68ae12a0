//! A deterministic synthetic record for benchmarks and property tests (not shown to users).

use crate::date::DateExt;
use crate::*;

/// Ten years (or `days`) of daily logs ending on `today`: food totals, activity, vitals, three
/// supplement/medication dose logs, quarterly labs and three scans. Values vary with a simple
/// deterministic sequence; they are not meant to be realistic, only plentiful.
pub fn record(today: Date, days: i32) -> PlanInput {
    let mut i = PlanInput::new(today);
    i.person.birth_date = crate::date::from_ymd(1962, 4, 12);
    i.person.sex = Some(Sex::Female);
    i.person.height_cm = Some(165.0);
    i.clinical.diabetes = Some(false);
    let start = today.add_days(-(days - 1));
    for (k, kind) in [MedKind::Mk7, MedKind::Magnesium, MedKind::Statin]
        .into_iter()
        .enumerate()
    {
        i.medications.push(Medication {
            kind,
            name: kind.as_str().into(),
            dose: Some(Dose {
                amount: [180.0, 200.0, 20.0][k],
                unit: [DoseUnit::Ug, DoseUnit::Mg, DoseUnit::Mg][k],
            }),
            start: Some(start),
            end: None,
        });
    }
    for d in 0..days {
        let date = start.add_days(d);
        let w = f64::from(d % 17) / 17.0;
        let mut nutrients = std::collections::BTreeMap::new();
        for (key, base) in [
            ("menaquinone7_ug", 20.0),
            ("phylloquinone_ug", 90.0),
            ("magnesium_mg", 300.0),
            ("phosphorus_mg", 1100.0),
            ("calcium_mg", 900.0),
            ("epa_g", 0.1),
            ("dha_g", 0.15),
            ("sodium_mg", 2500.0),
        ] {
            nutrients.insert(
                key.to_string(),
                NutrientTotal {
                    at_least: base * (0.5 + w),
                    missing: (d % 3) as u32,
                },
            );
        }
        i.intakes.push(DailyIntake {
            date,
            foods: 9,
            phosphate_additive_foods: (d % 4) as u32,
            nutrients,
        });
        i.activity.push(Activity {
            date,
            kind: ActivityKind::Endurance,
            minutes: 20.0 + 30.0 * w,
        });
        if d % 3 == 0 {
            i.activity.push(Activity {
                date,
                kind: ActivityKind::Strength,
                minutes: 30.0,
            });
        }
        i.vitals.push(Vitals {
            date,
            systolic_mm_hg: Some(120.0 + 15.0 * w),
            diastolic_mm_hg: Some(75.0 + 8.0 * w),
            weight_kg: Some(70.0 + 3.0 * w),
            waist_cm: None,
        });
        for kind in [MedKind::Mk7, MedKind::Magnesium, MedKind::Statin] {
            if d % 7 != 3 {
                i.med_log.push(MedDose {
                    date,
                    kind,
                    name: String::new(),
                    dose: None,
                });
            }
        }
        if d % 91 == 0 {
            for (loinc, v, unit) in [
                ("98979-8", 70.0 - 10.0 * w, "mL/min/1.73m2"),
                ("13457-7", 110.0, "mg/dL"),
                ("4548-4", 5.6, "%"),
                ("2777-1", 3.8, "mg/dL"),
            ] {
                i.labs.push(LabResult {
                    loinc: loinc.into(),
                    value: v,
                    unit: unit.into(),
                    date,
                    entered_unit: None,
                });
            }
        }
    }
    i.smoking.push(Smoking {
        date: start,
        status: SmokingStatus::Former,
        pack_years: Some(5.0),
        quit_date: crate::date::from_ymd(2000, 1, 1),
    });
    i.alcohol.push(Alcohol {
        date: start,
        drinks_per_week: 3.0,
    });
    for back in [days - 1, days / 2, 30] {
        let date = today.add_days(-back);
        i.scans.push(Scan {
            date,
            agatston: 50.0 + f64::from(days - back) / 10.0,
            volume_mm3: None,
            per_artery: Default::default(),
        });
    }
    i
}
