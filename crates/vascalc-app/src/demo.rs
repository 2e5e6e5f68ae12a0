//! The demo person's record: three scans over six years, labs, medications and supplements, 90
//! days of logs, all made up (a deterministic generator gives the day-to-day variation), and the
//! use case that fills a store with it.

use jiff::ToSpan;
use jiff::civil::Date;
use vascalc_domain::{ActivityKind, SmokingStatus};
use vascalc_record::{
    Activity, Alcohol, ArteryScores, FoodEntry, Lab, MedDose, Medication, Person, PersonRecord,
    RecordStore, Scan, ScanSource, Smoking, Vitals,
};

use crate::error::{AppError, AppResult};
use crate::{App, foods, labs, validate};

/// The demo person's name; the only person a demo database may hold.
pub const DEMO_NAME: &str = "Demo Person";

impl<S: RecordStore> App<S> {
    /// Adds the demo person's record (as of today), checked like an import; returns it.
    pub fn fill_demo(&mut self) -> AppResult<PersonRecord> {
        let record = checked_demo_record(self.today())?;
        self.store_mut()
            .import(std::slice::from_ref(&record), false)?;
        Ok(record)
    }
}

/// The demo person's record as of `today`, checked as an import checks a record: a front end
/// calls it before it touches any file, and [`App::fill_demo`] adds nothing else. A refusal is
/// an internal error (the demo data are vascalc's own).
pub fn checked_demo_record(today: Date) -> AppResult<PersonRecord> {
    let record = demo_record(today);
    let foods = foods::Foods::new(&record.own_foods)?;
    validate::record(&record, today, &|id| foods.known(id))
        .map_err(|e| AppError::Internal(format!("demo data: {e}")))?;
    Ok(record)
}

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants) for day-to-day variation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

fn days_before(today: Date, days: i64) -> Date {
    today.checked_sub(days.days()).unwrap_or(today)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The demo person's whole record, dated relative to `today`.
pub fn demo_record(today: Date) -> PersonRecord {
    let mut rng = Rng(0x5eed_cac0);
    let mut person = Person::named(DEMO_NAME);
    person.birth_date = Some(days_before(today, 58 * 365 + 120));
    person.sex = Some(vascalc_domain::Sex::Male);
    person.race = Some(vascalc_domain::Race::White);
    person.height_cm = Some(178.0);
    person.diabetes = Some(false);
    person.family_history_mi = Some(true);
    let mut r = PersonRecord::new(person);

    // Three scans over six years: found at 52, a statin started, K2 and magnesium later.
    let scan_days = [6 * 365 + 30, 3 * 365 + 10, 21];
    let scan_values = [
        (48.0, 41.5, [0.0, 31.0, 5.0, 12.0]),
        (96.0, 74.0, [0.0, 58.0, 12.0, 26.0]),
        (131.0, 96.5, [4.0, 77.0, 16.0, 34.0]),
    ];
    for (days, (agatston, volume, [lm, lad, lcx, rca])) in scan_days.iter().zip(scan_values) {
        r.scans.push(Scan {
            date: days_before(today, *days),
            agatston,
            per_artery: ArteryScores {
                lm: Some(lm),
                lad: Some(lad),
                lcx: Some(lcx),
                rca: Some(rca),
            },
            volume_mm3: Some(volume),
            mass_mg: None,
            source: ScanSource::Report,
            score: None,
        });
    }

    // Labs around each scan and a recent panel (values in the stored units).
    let panels: [(i64, &[(&str, f64)]); 4] = [
        (
            6 * 365 + 40,
            &[
                ("total_cholesterol", 236.0),
                ("hdl", 44.0),
                ("ldl", 158.0),
                ("triglycerides", 170.0),
                ("creatinine", 0.98),
                ("hba1c", 5.7),
                ("glucose", 101.0),
            ],
        ),
        (
            3 * 365 + 20,
            &[
                ("total_cholesterol", 172.0),
                ("hdl", 47.0),
                ("ldl", 96.0),
                ("triglycerides", 145.0),
                ("creatinine", 1.01),
                ("hba1c", 5.8),
                ("vitamin_d_25oh", 22.0),
            ],
        ),
        (400, &[("dp_ucmgp", 612.0)]),
        (
            30,
            &[
                ("total_cholesterol", 158.0),
                ("hdl", 49.0),
                ("ldl", 84.0),
                ("triglycerides", 128.0),
                ("creatinine", 1.04),
                ("hba1c", 5.8),
                ("glucose", 99.0),
                ("calcium", 9.6),
                ("phosphate", 3.4),
                ("magnesium", 2.1),
                ("vitamin_d_25oh", 34.0),
                ("uacr", 12.0),
                ("dp_ucmgp", 455.0),
                ("pth", 41.0),
            ],
        ),
    ];
    for (days, values) in panels {
        for (analyte, value) in values {
            if let Some(a) = labs::find(analyte) {
                r.labs.push(Lab {
                    date: days_before(today, days),
                    analyte: a.id.to_owned(),
                    loinc: Some(a.loinc().to_owned()),
                    value: *value,
                    unit: a.unit().to_owned(),
                    entered_unit: None,
                });
            }
        }
    }

    let course =
        |name: &str, kind: &str, dose: f64, unit: &str, start: i64, end: Option<i64>| Medication {
            name: name.to_owned(),
            kind: kind.to_owned(),
            dose: Some(dose),
            unit: Some(unit.to_owned()),
            start: days_before(today, start),
            end: end.map(|e| days_before(today, e)),
        };
    r.medications = vec![
        course("atorvastatin", "statin", 20.0, "mg", 6 * 365 - 20, None),
        course("vitamin D3", "vitamin_d", 25.0, "ug", 3 * 365, None),
        course("MK-7", "mk7", 180.0, "ug", 2 * 365, None),
        course("magnesium citrate", "magnesium", 300.0, "mg", 365, None),
        course("fish oil", "omega3", 1000.0, "mg", 3 * 365, Some(2 * 365)),
    ];

    r.smoking.push(Smoking {
        date: days_before(today, 6 * 365 + 40),
        status: SmokingStatus::Former,
        pack_years: Some(15.0),
        quit_date: Some(days_before(today, 18 * 365)),
    });
    r.alcohol.push(Alcohol {
        date: days_before(today, 90),
        drinks_per_week: 4.0,
    });

    // 90 days of food logs: a rotating menu from the shipped food table (USDA SR28 / FDC ids).
    let daily: &[(&str, f64, f64)] = &[
        // (food id, grams, probability of eating it on a given day)
        ("ndb:01123", 50.0, 0.6),        // egg, whole
        ("ndb:18075", 70.0, 0.8),        // whole-wheat bread
        ("fdc:2647437", 150.0, 0.5),     // plain nonfat yogurt
        ("ndb:09040", 120.0, 0.6),       // banana
        ("ndb:11457", 60.0, 0.5),        // spinach, raw
        ("ndb:11233", 50.0, 0.3),        // kale, raw
        ("ndb:16015", 130.0, 0.4),       // black beans, boiled
        ("ndb:20037", 150.0, 0.5),       // brown rice
        ("ndb:01009", 30.0, 0.4),        // cheddar
        ("ndb:01022", 30.0, 0.3),        // gouda
        ("fdc:2262074", 20.0, 0.4),      // almond butter
        ("ndb:15237", 140.0, 2.0 / 7.0), // salmon, farmed, cooked
        ("ndb:15088", 90.0, 1.0 / 7.0),  // sardines in oil
        ("ndb:16113", 40.0, 2.0 / 7.0),  // natto
    ];
    for back in (0..90).rev() {
        let date = days_before(today, back);
        for (id, grams, p) in daily {
            if rng.next() < *p {
                r.foods.push(FoodEntry {
                    date,
                    food_id: (*id).to_owned(),
                    grams: (grams * rng.range(0.8, 1.2)).round(),
                    portion: None,
                });
            }
        }
    }

    // 90 days of logs: endurance most days, strength twice a week, weekly home BP and weight.
    for back in (0..90).rev() {
        let date = days_before(today, back);
        if rng.next() < 0.75 {
            r.activity.push(Activity {
                date,
                kind: ActivityKind::Endurance,
                minutes: (rng.range(20.0, 60.0) / 5.0).round() * 5.0,
            });
        }
        if back % 7 == 1 || back % 7 == 4 {
            r.activity.push(Activity {
                date,
                kind: ActivityKind::Strength,
                minutes: 25.0,
            });
        }
        if back % 7 == 0 {
            let trend = back as f64 / 90.0; // slowly improving over the 90 days
            r.vitals.push(Vitals {
                date,
                systolic_mm_hg: Some(round1(126.0 + 8.0 * trend + rng.range(-4.0, 4.0)).round()),
                diastolic_mm_hg: Some((80.0 + 3.0 * trend + rng.range(-3.0, 3.0)).round()),
                weight_kg: Some(round1(84.0 + 2.5 * trend + rng.range(-0.4, 0.4))),
                waist_cm: (back % 28 == 0).then(|| round1(97.0 + 2.0 * trend)),
            });
        }
    }
    // 90 days of doses taken from the current courses, with missed days: the statin is rarely
    // forgotten, the magnesium (taken in the evening) most often.
    let miss = [
        ("atorvastatin", 0.05),
        ("vitamin D3", 0.10),
        ("MK-7", 0.15),
        ("magnesium citrate", 0.25),
    ];
    for back in (0..90).rev() {
        let date = days_before(today, back);
        for (name, p_miss) in miss {
            let Some(c) = r
                .medications
                .iter()
                .find(|m| m.name == name && m.active_on(date))
            else {
                continue;
            };
            if let (Some(dose), Some(unit)) = (c.dose, &c.unit)
                && rng.next() >= p_miss
            {
                r.doses.push(MedDose {
                    date,
                    name: c.name.clone(),
                    kind: c.kind.clone(),
                    dose,
                    unit: unit.clone(),
                });
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context;
    use jiff::civil::date;

    #[test]
    fn the_demo_record_passes_every_check_and_spans_six_years() {
        let today = date(2026, 3, 1);
        let r = demo_record(today);
        let foods = crate::foods::Foods::new(&r.own_foods).unwrap();
        validate::record(&r, today, &|id| foods.known(id)).unwrap();
        assert!(r.foods.len() > 90 * 4, "{}", r.foods.len());
        assert_eq!(r.scans.len(), 3);
        let span = r.scans[0].date.until(r.scans[2].date).unwrap().get_days();
        assert!(span > 6 * 365 - 30, "{span}");
        assert!(r.activity.iter().all(|a| a.date > days_before(today, 90)));
        // Doses on most, not all, of the 90 days for each of the four current courses.
        for name in ["atorvastatin", "vitamin D3", "MK-7", "magnesium citrate"] {
            let n = r.doses.iter().filter(|d| d.name == name).count();
            assert!((55..90).contains(&n), "{name}: {n} doses");
        }
        let p = context::clinical_profile(&r, today).unwrap();
        // The latest stored HbA1c and UACR reach the profile, so the optional PREVENT models run.
        assert_eq!(
            p.hba1c_pct,
            context::latest_lab(&r, "hba1c", today),
            "latest HbA1c"
        );
        assert!(p.hba1c_pct.is_some() && p.uacr_mg_g.is_some());
        let a = vascalc_clinical::assess(&p, &vascalc_clinical::Options::default());
        for set in ["uacr", "hba1c"] {
            assert!(
                a.risks
                    .iter()
                    .any(|x| x.model == "prevent_2023" && x.coefficients == set),
                "{set}: {:?}",
                a.risks
            );
        }
    }
}
