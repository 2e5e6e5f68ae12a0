//! Monitoring: the next CAC scan and the labs due.

use super::*;

pub(super) fn next_scan(f: &Facts) -> PlanItem {
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
pub(super) fn labs_due(f: &Facts) -> Vec<PlanItem> {
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
    let described =
        |d: Date, v: f64, a: Analyte| format!("{} {} on {d}", a.name(), f.lab_text(a, v));
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

    #[test]
    fn labs_due_by_therapy_diabetes_and_ckd_stage() {
        let lab = |i: &mut PlanInput, code: &str, value: f64, unit: &str, date: &str| {
            i.labs.push(LabResult {
                loinc: code.into(),
                value,
                unit: unit.into(),
                date: day(date),
                entered_unit: None,
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
