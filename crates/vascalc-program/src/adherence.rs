//! Adherence between two dates (usually two scans), for `vascalc progress`: how closely each
//! plan item was followed, so a person sees their numbers next to the change in their score.

use crate::date::DateExt;
use crate::evidence::Pillar;
use crate::facts::{self, Facts, NutrientSpec, nutrient_window};
use crate::plan::{count, fmt_num, minutes_per_week};
use crate::{Date, MedKind, PlanInput, SmokingStatus, targets};
use serde::{Deserialize, Serialize};
use vascalc_domain::BodyMeasure;

/// Adherence over `[from, to]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adherence {
    pub from: Date,
    pub to: Date,
    /// Days in the interval (inclusive).
    pub days: u32,
    pub items: Vec<AdherenceItem>,
}

/// One line of the adherence summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdherenceItem {
    pub pillar: Pillar,
    /// The plan item's topic (`"vitamin_k2"`, `"exercise"`, `"statin"`…).
    pub topic: String,
    /// What is measured, e.g. `"days_meeting_target_pct"`, `"mean_min_per_week"`.
    pub metric: String,
    /// `None` = no data in the interval.
    pub value: Option<f64>,
    pub unit: String,
    /// Days in the interval with data for this item.
    pub days_with_data: u32,
    /// Human summary, e.g. "62% of 180 logged days reached ≥ 420 mg magnesium (mean at least 405 mg)".
    pub text: String,
}

fn no_data(pillar: Pillar, topic: &str, metric: &str, unit: &str, text: String) -> AdherenceItem {
    AdherenceItem {
        pillar,
        topic: topic.into(),
        metric: metric.into(),
        value: None,
        unit: unit.into(),
        days_with_data: 0,
        text,
    }
}

fn nutrient_item(
    f: &Facts,
    (from, to): (Date, Date),
    topic: &str,
    spec: &NutrientSpec,
    min: f64,
    what: &str,
    unit: &str,
) -> AdherenceItem {
    let w = nutrient_window(f, spec, from, to, |a| a >= min);
    match w.mean {
        None => no_data(
            Pillar::Diet,
            topic,
            "days_meeting_target_pct",
            "%",
            format!("no {what} logged between {from} and {to}"),
        ),
        Some(mean) => {
            let pct = 100.0 * f64::from(w.days_meeting) / f64::from(w.days_with_data);
            AdherenceItem {
                pillar: Pillar::Diet,
                topic: topic.into(),
                metric: "days_meeting_target_pct".into(),
                value: Some(pct),
                unit: "%".into(),
                days_with_data: w.days_with_data,
                text: format!(
                    "{pct:.0}% of {} reached ≥ {} {unit} {what} (mean {}{} {unit}{})",
                    count(w.days_with_data, "logged day"),
                    fmt_num(min),
                    if w.missing > 0 { "at least " } else { "" },
                    fmt_num(mean),
                    if w.assumed {
                        "; supplement assumed taken as listed"
                    } else {
                        ""
                    }
                ),
            }
        }
    }
}

/// The mean intake of a nutrient that has no target (metric `mean_per_day`).
fn nutrient_mean_item(
    f: &Facts,
    (from, to): (Date, Date),
    topic: &str,
    spec: &NutrientSpec,
    what: &str,
    unit: &str,
) -> AdherenceItem {
    let w = nutrient_window(f, spec, from, to, |_| false);
    match w.mean {
        None => no_data(
            Pillar::Diet,
            topic,
            "mean_per_day",
            &format!("{unit}/day"),
            format!("no {what} logged between {from} and {to}"),
        ),
        Some(mean) => AdherenceItem {
            pillar: Pillar::Diet,
            topic: topic.into(),
            metric: "mean_per_day".into(),
            value: Some(mean),
            unit: format!("{unit}/day"),
            days_with_data: w.days_with_data,
            text: format!(
                "mean {}{} {unit}/day {what} over {} (no target: shown for information{})",
                if w.missing > 0 { "at least " } else { "" },
                fmt_num(mean),
                count(w.days_with_data, "logged day"),
                if w.assumed {
                    "; supplement assumed taken as listed"
                } else {
                    ""
                }
            ),
        },
    }
}

/// Summarise adherence to each plan item between `from` and `to` (inclusive; swapped if given
/// in the wrong order).
pub fn adherence(input: &PlanInput, from: Date, to: Date) -> Adherence {
    let resolved = input.resolved();
    adherence_in(&Facts::new(resolved.as_ref()), from, to)
}

/// [`adherence`] over several intervals (the intervals between scans, for `vascalc progress`),
/// one per `(from, to)` in order: the medicine names are resolved and the daily facts derived
/// once for all of them, so each interval costs only the days it covers.
pub fn adherence_windows(input: &PlanInput, windows: &[(Date, Date)]) -> Vec<Adherence> {
    let resolved = input.resolved();
    let f = Facts::new(resolved.as_ref());
    windows
        .iter()
        .map(|&(from, to)| adherence_in(&f, from, to))
        .collect()
}

fn adherence_in(f: &Facts, from: Date, to: Date) -> Adherence {
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let input = f.input;
    let days = (to.days_since(from) + 1).max(0) as u32;
    let mut items = Vec::new();

    // Diet
    if !input.medications.iter().any(|m| {
        m.kind == MedKind::VitaminKAntagonist
            && m.start.is_none_or(|s| s <= to)
            && m.end.is_none_or(|e| e >= from)
    }) {
        // Vitamin K2 is rated null: the mean intake, with no target to count days against.
        items.push(nutrient_mean_item(
            f,
            (from, to),
            "vitamin_k2",
            &facts::MK7,
            "MK-7",
            "µg",
        ));
    }
    match targets::magnesium_rda(f.age, f.sex) {
        Some(r) => items.push(nutrient_item(
            f,
            (from, to),
            "magnesium",
            &facts::MAGNESIUM,
            r.value,
            "magnesium",
            "mg",
        )),
        None => items.push(no_data(
            Pillar::Diet,
            "magnesium",
            "days_meeting_target_pct",
            "%",
            "age and sex needed for the magnesium RDA".into(),
        )),
    }
    items.push(nutrient_item(
        f,
        (from, to),
        "omega3",
        &facts::OMEGA3,
        targets::epa_dha().value,
        "EPA+DHA",
        "mg",
    ));
    match targets::calcium_rda(f.age, f.sex) {
        Some(r) => items.push(nutrient_item(
            f,
            (from, to),
            "calcium",
            &facts::FOOD_CALCIUM,
            r.value,
            "calcium from food",
            "mg",
        )),
        None => items.push(no_data(
            Pillar::Diet,
            "calcium",
            "days_meeting_target_pct",
            "%",
            "age and sex needed for the calcium RDA".into(),
        )),
    }

    // Lifestyle
    items.push(match minutes_per_week(&f.endurance, from, to) {
        Some((mpw, d)) => AdherenceItem {
            pillar: Pillar::Lifestyle,
            topic: "exercise".into(),
            metric: "mean_min_per_week".into(),
            value: Some(mpw),
            unit: "min/week".into(),
            days_with_data: d,
            text: format!(
                "{} min/week of endurance activity on average ({}; target ≥ 150)",
                fmt_num(mpw),
                count(d, "active day")
            ),
        },
        None => no_data(
            Pillar::Lifestyle,
            "exercise",
            "mean_min_per_week",
            "min/week",
            "no endurance activity logged".into(),
        ),
    });
    let strength_days = f.strength.range(from..=to).count() as u32;
    items.push(if strength_days == 0 {
        no_data(
            Pillar::Lifestyle,
            "strength",
            "days_per_week",
            "days/week",
            "no strength training logged".into(),
        )
    } else {
        let per_week = f64::from(strength_days) * 7.0 / f64::from(days.max(1));
        AdherenceItem {
            pillar: Pillar::Lifestyle,
            topic: "strength".into(),
            metric: "days_per_week".into(),
            value: Some(per_week),
            unit: "days/week".into(),
            days_with_data: strength_days,
            text: format!(
                "strength training on {} days/week on average (target ≥ 2)",
                fmt_num(per_week)
            ),
        }
    });
    let bp: Vec<(f64, f64)> = input
        .vitals
        .iter()
        .filter(|v| v.date >= from && v.date <= to)
        .filter_map(|v| match (v.systolic_mm_hg, v.diastolic_mm_hg) {
            (Some(s), Some(d)) if s.is_finite() && d.is_finite() && s > 0.0 && d > 0.0 => {
                Some((s, d))
            }
            _ => None,
        })
        .collect();
    items.push(if bp.is_empty() {
        no_data(
            Pillar::Lifestyle,
            "blood_pressure",
            "mean_systolic_mm_hg",
            "mm Hg",
            "no blood pressure logged".into(),
        )
    } else {
        let n = bp.len() as f64;
        let (s, d) = (
            bp.iter().map(|x| x.0).sum::<f64>() / n,
            bp.iter().map(|x| x.1).sum::<f64>() / n,
        );
        let below = bp
            .iter()
            .filter(|x| x.0 < targets::BP_SYSTOLIC_GOAL && x.1 < targets::BP_DIASTOLIC_GOAL)
            .count();
        AdherenceItem {
            pillar: Pillar::Lifestyle,
            topic: "blood_pressure".into(),
            metric: "mean_systolic_mm_hg".into(),
            value: Some(s),
            unit: "mm Hg".into(),
            days_with_data: bp.len() as u32,
            text: format!(
                "mean {s:.0}/{d:.0} mm Hg over {}; {below} below 130/80",
                count(bp.len() as u64, "reading")
            ),
        }
    });
    let mut weights: Vec<(Date, f64)> = input
        .vitals
        .iter()
        .filter(|v| v.date >= from && v.date <= to)
        .filter_map(|v| {
            v.weight_kg
                .filter(|w| w.is_finite() && *w > 0.0)
                .map(|w| (v.date, w))
        })
        .collect();
    weights.sort_by_key(|w| w.0);
    items.push(match (weights.first(), weights.last()) {
        (Some(a), Some(b)) if weights.len() >= 2 => AdherenceItem {
            pillar: Pillar::Lifestyle,
            topic: "weight".into(),
            metric: "weight_change_kg".into(),
            value: Some(b.1 - a.1),
            unit: "kg".into(),
            days_with_data: weights.len() as u32,
            // In the person's units; `value` and `unit` stay in kg.
            text: format!(
                "weight {} ({}) → {} ({})",
                f.body_text(BodyMeasure::Weight, a.1, 1),
                a.0,
                f.body_text(BodyMeasure::Weight, b.1, 1),
                b.0
            ),
        },
        _ => no_data(
            Pillar::Lifestyle,
            "weight",
            "weight_change_kg",
            "kg",
            "fewer than two weights logged".into(),
        ),
    });
    let status_at = |d: Date| {
        input
            .smoking
            .iter()
            .filter(|s| s.date <= d)
            .max_by_key(|s| s.date)
            .map(|s| s.status)
    };
    let word = |s: Option<SmokingStatus>| match s {
        Some(SmokingStatus::Never) => "never smoked",
        Some(SmokingStatus::Former) => "former smoker",
        Some(SmokingStatus::Current) => "current smoker",
        None => "unknown",
    };
    let (s0, s1) = (status_at(from), status_at(to));
    items.push(if s1.is_none() {
        no_data(
            Pillar::Lifestyle,
            "smoking",
            "smoking_at_end",
            "",
            "no smoking status on record".into(),
        )
    } else {
        AdherenceItem {
            pillar: Pillar::Lifestyle,
            topic: "smoking".into(),
            metric: "smoking_at_end".into(),
            value: Some(if s1 == Some(SmokingStatus::Current) {
                1.0
            } else {
                0.0
            }),
            unit: "1 = smoking".into(),
            days_with_data: 0,
            text: format!("{} at {from}, {} at {to}", word(s0), word(s1)),
        }
    });
    let drinks: Vec<f64> = input
        .alcohol
        .iter()
        .filter(|a| {
            a.date >= from
                && a.date <= to
                && a.drinks_per_week.is_finite()
                && a.drinks_per_week >= 0.0
        })
        .map(|a| a.drinks_per_week)
        .collect();
    items.push(if drinks.is_empty() {
        no_data(
            Pillar::Lifestyle,
            "alcohol",
            "mean_drinks_per_week",
            "drinks/week",
            "no alcohol intake reported".into(),
        )
    } else {
        let m = drinks.iter().sum::<f64>() / drinks.len() as f64;
        AdherenceItem {
            pillar: Pillar::Lifestyle,
            topic: "alcohol".into(),
            metric: "mean_drinks_per_week".into(),
            value: Some(m),
            unit: "drinks/week".into(),
            days_with_data: drinks.len() as u32,
            text: format!(
                "{} drinks/week on average over {} reports (target < 7)",
                fmt_num(m),
                drinks.len()
            ),
        }
    });

    // Medications and supplements: for each course overlapping the interval, the share of the
    // days the person was logging doses of that kind (facts::Facts::logging_active) on which a
    // dose was logged; days without dose logging are unknown, not missed.
    let pillar_of = |k: MedKind| {
        if matches!(
            k,
            MedKind::Mk7 | MedKind::Magnesium | MedKind::Omega3 | MedKind::Calcium
        ) {
            Pillar::Diet
        } else {
            Pillar::Medical
        }
    };
    for m in &input.medications {
        let start = m.start.map_or(from, |s| s.max(from));
        let end = m.end.map_or(to, |e| e.min(to));
        if start > end {
            continue;
        }
        let course_days = (end.days_since(start) + 1) as u32;
        let topic = m.kind.as_str();
        let name = if m.name.is_empty() {
            topic.to_string()
        } else {
            m.name.clone()
        };
        let dose = m
            .dose
            .as_ref()
            .map(|d| format!(" {} {}", fmt_num(d.amount), d.unit.symbol()))
            .unwrap_or_default();
        let (mut counted, mut taken) = (0u32, 0u32);
        let mut d = start;
        while d <= end {
            if f.logging_active(m.kind, d) {
                counted += 1;
                if f.dose_logged_on(m.kind, d) {
                    taken += 1;
                }
            }
            d = d.add_days(1);
        }
        if counted == 0 {
            items.push(AdherenceItem {
                pillar: pillar_of(m.kind),
                topic: topic.into(),
                metric: "dose_days_pct".into(),
                value: None,
                unit: "%".into(),
                days_with_data: 0,
                text: format!(
                    "{name}{dose}: on the list for {}; no doses logged, adherence unknown",
                    count(course_days, "day")
                ),
            });
            continue;
        }
        let pct = 100.0 * f64::from(taken) / f64::from(counted);
        let mut text = format!(
            "{name}{dose}: a dose logged on {taken} of {} ({pct:.0}%)",
            count(counted, "day")
        );
        // The amount taken per dose, against the course's dose, when both are masses.
        if let (Some(course), true) = (
            m.dose
                .as_ref()
                .and_then(|d| facts::plausible_amount(m.kind, &m.name, d)),
            taken > 0,
        ) {
            let (_, total) = f.logged_in(m.kind, start, end);
            let per_dose = total / f64::from(taken);
            let unit = facts::kind_unit(m.kind);
            text.push_str(&format!(
                "; {} {unit} per dose taken (course {} {unit})",
                fmt_num(per_dose),
                fmt_num(course)
            ));
        }
        if counted < course_days {
            text.push_str(&format!(
                "; {} more {} on the course without dose logging (unknown)",
                course_days - counted,
                if course_days - counted == 1 {
                    "day"
                } else {
                    "days"
                }
            ));
        }
        items.push(AdherenceItem {
            pillar: pillar_of(m.kind),
            topic: topic.into(),
            metric: "dose_days_pct".into(),
            value: Some(pct),
            unit: "%".into(),
            days_with_data: taken,
            text,
        });
    }
    // Doses of a kind that has no course in the interval.
    for kind in &f.kinds_logged {
        let has_course = input.medications.iter().any(|m| {
            m.kind == *kind && m.start.is_none_or(|s| s <= to) && m.end.is_none_or(|e| e >= from)
        });
        let (n, _) = f.logged_in(*kind, from, to);
        if has_course || n == 0 {
            continue;
        }
        let name = input
            .med_log
            .iter()
            .find(|d| d.kind == *kind && !d.name.is_empty())
            .map_or(kind.as_str(), |d| d.name.as_str());
        items.push(AdherenceItem {
            pillar: pillar_of(*kind),
            topic: kind.as_str().into(),
            metric: "dose_days".into(),
            value: Some(f64::from(n)),
            unit: "days".into(),
            days_with_data: n,
            text: format!(
                "{name}: a dose logged on {n} of {}, without a course on the list",
                count(days, "day")
            ),
        });
    }
    Adherence {
        from,
        to,
        days,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::*;

    #[test]
    fn days_meeting_and_dose_days() {
        let mut i = input();
        let (a, b) = (day("2025-01-01"), day("2025-01-10"));
        // 10 days: MK-7 from natto on 4 days (≥ 180), little on 4, nothing logged on 2.
        for k in 0..8 {
            let v = if k < 4 { 400.0 } else { 5.0 };
            i.intakes
                .push(intake(a.add_days(k), &[("menaquinone7_ug", v, 1)]));
        }
        // A statin course over the whole interval, doses logged on 7 of 10 days.
        i.medications.push(med(MedKind::Statin, 20.0, DoseUnit::Mg));
        for k in 0..7 {
            i.med_log.push(MedDose {
                date: a.add_days(k),
                kind: MedKind::Statin,
                name: "atorvastatin".into(),
                dose: None,
            });
        }
        // 300 min of endurance over 10 days = 210 min/week.
        i.activity.push(Activity {
            date: a,
            kind: ActivityKind::Endurance,
            minutes: 150.0,
        });
        i.activity.push(Activity {
            date: b,
            kind: ActivityKind::Endurance,
            minutes: 150.0,
        });
        let ad = adherence(&i, b, a);
        assert_eq!((ad.from, ad.to, ad.days), (a, b, 10));
        let get = |t: &str| ad.items.iter().find(|x| x.topic == t).unwrap();
        let k2 = get("vitamin_k2");
        assert_eq!(k2.days_with_data, 8);
        // No target for a null-rated intervention: the mean, (4 × 400 + 4 × 5) / 8.
        assert_eq!(k2.metric, "mean_per_day");
        assert_eq!(k2.value, Some(202.5));
        assert!(k2.text.contains("at least") && k2.text.contains("no target"));
        let st = get("statin");
        assert_eq!(st.value, Some(70.0));
        let ex = get("exercise");
        assert!((ex.value.unwrap() - 210.0).abs() < 1e-9);
        // Logged days whose foods have no EPA/DHA value: "at least 0", never a plain zero.
        assert!(
            get("omega3").text.contains("mean at least 0"),
            "{}",
            get("omega3").text
        );
        // Nothing reported: no data.
        assert_eq!(get("alcohol").value, None);
    }

    #[test]
    fn dose_adherence_counts_the_days_doses_were_logged() {
        let mut i = input();
        let mut c = med(MedKind::Magnesium, 300.0, DoseUnit::Mg);
        c.name = "magnesium citrate".into();
        i.medications.push(c);
        // Logging starts on 2025-03-01; 15 of the 31 days of March have a dose of 300 mg; the 59
        // days of January and February are unknown.
        for k in 0..15 {
            dose(
                &mut i,
                MedKind::Magnesium,
                &format!("2025-03-{:02}", 1 + 2 * k),
                300.0,
                DoseUnit::Mg,
            );
        }
        // Vitamin D doses without a course.
        dose(
            &mut i,
            MedKind::VitaminD,
            "2025-03-10",
            1000.0,
            DoseUnit::Iu,
        );
        let ad = adherence(&i, day("2025-01-01"), day("2025-03-31"));
        let mg = ad
            .items
            .iter()
            .find(|x| x.topic == "magnesium" && x.metric == "dose_days_pct")
            .unwrap();
        assert!(
            (mg.value.unwrap() - 100.0 * 15.0 / 31.0).abs() < 1e-9,
            "{}",
            mg.text
        );
        assert!(
            mg.text
                .contains("59 more days on the course without dose logging"),
            "{}",
            mg.text
        );
        assert!(
            mg.text.contains("300 mg per dose taken (course 300 mg)"),
            "{}",
            mg.text
        );
        let vd = ad.items.iter().find(|x| x.topic == "vitamin_d").unwrap();
        assert_eq!((vd.metric.as_str(), vd.value), ("dose_days", Some(1.0)));
        assert!(vd.text.contains("without a course"), "{}", vd.text);
        // An interval that ends before logging began: unknown, not 0 %.
        let early = adherence(&i, day("2025-01-01"), day("2025-02-01"));
        let mg = early
            .items
            .iter()
            .find(|x| x.topic == "magnesium" && x.metric == "dose_days_pct")
            .unwrap();
        assert_eq!(mg.value, None);
        assert!(mg.text.contains("no doses logged"), "{}", mg.text);
    }

    /// Issue 15: the weight change is said in the person's units (80 kg = 176.4 lb); its
    /// value and unit stay in kg.
    #[test]
    fn weight_change_is_said_in_the_persons_units() {
        let mut i = input();
        for (d, kg) in [("2025-06-01", 80.0), ("2025-06-20", 78.5)] {
            i.vitals.push(Vitals {
                date: day(d),
                systolic_mm_hg: None,
                diastolic_mm_hg: None,
                weight_kg: Some(kg),
                waist_cm: None,
            });
        }
        let weight = |i: &PlanInput| {
            adherence(i, day("2025-06-01"), day("2025-06-30"))
                .items
                .into_iter()
                .find(|x| x.topic == "weight")
                .unwrap()
        };
        let w = weight(&i);
        assert_eq!(w.text, "weight 80.0 kg (2025-06-01) → 78.5 kg (2025-06-20)");
        i.person.units = Some(Units::Us);
        let w = weight(&i);
        assert_eq!(
            w.text,
            "weight 176.4 lb (2025-06-01) → 173.1 lb (2025-06-20)"
        );
        assert_eq!((w.value, w.unit.as_str()), (Some(-1.5), "kg"));
    }

    #[test]
    fn windows_give_what_each_interval_gives_alone() {
        let mut i = input();
        let a = day("2025-01-01");
        for k in 0..40 {
            i.intakes.push(intake(
                a.add_days(k),
                &[("magnesium_mg", 200.0 + 10.0 * f64::from(k), 0)],
            ));
        }
        let mut c = med(MedKind::Magnesium, 300.0, DoseUnit::Mg);
        c.name = "magnesium citrate".into();
        i.medications.push(c);
        for k in (0..40).step_by(3) {
            dose(
                &mut i,
                MedKind::Magnesium,
                &a.add_days(k).to_string(),
                300.0,
                DoseUnit::Mg,
            );
        }
        let windows = [
            (a, a.add_days(9)),
            (a.add_days(9), a.add_days(25)),
            // Given backwards: swapped, as adherence() does.
            (a.add_days(39), a.add_days(25)),
        ];
        let all = adherence_windows(&i, &windows);
        assert_eq!(all.len(), 3);
        for (w, got) in windows.iter().zip(&all) {
            assert_eq!(*got, adherence(&i, w.0, w.1));
        }
        assert!(all[1].items.iter().any(|x| x.value.is_some()));
    }

    #[test]
    fn a_course_without_a_dose_log_is_unknown() {
        let mut i = input();
        i.medications
            .push(med(MedKind::Magnesium, 300.0, DoseUnit::Mg));
        let ad = adherence(&i, day("2025-01-01"), day("2025-03-01"));
        let mg = ad
            .items
            .iter()
            .find(|x| x.topic == "magnesium" && x.metric == "dose_days_pct")
            .unwrap();
        assert_eq!(mg.value, None);
        assert!(mg.text.contains("unknown"));
    }
}
