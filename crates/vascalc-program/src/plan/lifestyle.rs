//! Lifestyle: exercise, strength, smoking, alcohol, blood pressure, glucose, weight.

use super::*;
use vascalc_domain::BodyMeasure;

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

pub(super) fn exercise(f: &Facts) -> PlanItem {
    let measures =
        windows(f.today).map(
            |(from, to, label)| match minutes_per_week(&f.endurance, from, to) {
                Some((mpw, days)) => {
                    let mut m = Measure::value(
                        mpw,
                        "min/week",
                        format!(
                            "{} min/week ({label} window, {})",
                            fmt_num(mpw),
                            count(days, "active day")
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

pub(super) fn strength(f: &Facts) -> PlanItem {
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

pub(super) fn smoking(f: &Facts) -> PlanItem {
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

pub(super) fn alcohol(f: &Facts) -> PlanItem {
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

pub(super) fn blood_pressure(f: &Facts) -> PlanItem {
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
                "{s:.0}/{d:.0} mm Hg ({label} mean of {})",
                count(sel.len() as u64, "reading")
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

pub(super) fn glucose(f: &Facts) -> PlanItem {
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

pub(super) fn weight(f: &Facts) -> PlanItem {
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
    // BMI is kg/m² whatever units the person reads (that is its definition: weight in kg over
    // height in metres squared); only the weights the texts name follow the person's units.
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
                            format!(
                                "BMI {b:.1} ({label} mean weight {})",
                                f.body_text(BodyMeasure::Weight, mean, 1)
                            ),
                        );
                        m.days_with_data = Some(sel.len() as u32);
                        m
                    }
                    None => Measure::no_data(format!(
                        "{label} mean weight {}; height needed for BMI",
                        f.body_text(BodyMeasure::Weight, mean, 1)
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
                    Measure::value(
                        b,
                        "kg/m²",
                        format!(
                            "BMI {b:.1} ({} on {d})",
                            f.body_text(BodyMeasure::Weight, w, 1)
                        ),
                    )
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
        it.notes.push(format!(
            "Waist {} on {d}.",
            f.body_text(BodyMeasure::Waist, w, 0)
        ));
    }
    it.current_7d = Some(w7);
    it.current_30d = Some(w30);
    it
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::*;

    fn weigh(i: &mut PlanInput, date: &str, kg: f64, waist_cm: Option<f64>) {
        i.vitals.push(Vitals {
            date: day(date),
            systolic_mm_hg: None,
            diastolic_mm_hg: None,
            weight_kg: Some(kg),
            waist_cm,
        });
    }

    /// Issue 15: the weight item names weights and the waist in the person's units (1 lb =
    /// 0.45359237 kg, 1 in = 2.54 cm: 81 kg = 178.6 lb, 94 cm = 37 in); BMI stays kg/m², and
    /// the machine-readable fields stay as stored.
    #[test]
    fn weight_texts_follow_the_persons_units() {
        let mut i = input();
        // Logged 40 days ago: outside both windows, so the latest weight is named.
        weigh(&mut i, "2025-05-21", 81.0, Some(94.0));
        let p = plan(&i);
        let w = item(&p, "weight");
        // 81 / 1.78² = 25.56.
        assert_eq!(w.current.text, "BMI 25.6 (81.0 kg on 2025-05-21)");
        assert!(
            w.notes.iter().any(|n| n == "Waist 94 cm on 2025-05-21."),
            "{:?}",
            w.notes
        );
        i.person.units = Some(Units::Us);
        let p = plan(&i);
        let w = item(&p, "weight");
        assert_eq!(w.current.text, "BMI 25.6 (178.6 lb on 2025-05-21)");
        assert_eq!(w.current.unit.as_deref(), Some("kg/m²"));
        assert_eq!(w.target.text, "BMI 18.5–24.9 kg/m²");
        assert!(
            w.notes.iter().any(|n| n == "Waist 37 in on 2025-05-21."),
            "{:?}",
            w.notes
        );
        // Within the 7-day window: the mean weight, in lb.
        weigh(&mut i, "2025-06-29", 80.0, None);
        let w7 = item(&plan(&i), "weight").current_7d.clone().unwrap();
        assert_eq!(w7.text, "BMI 25.2 (7-day mean weight 176.4 lb)");
        i.person.height_cm = None;
        let w7 = item(&plan(&i), "weight").current_7d.clone().unwrap();
        assert_eq!(w7.text, "7-day mean weight 176.4 lb; height needed for BMI");
    }
}
