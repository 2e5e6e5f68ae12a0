//! `plan()`: the personal plan, item by item.
//!
//! One module per pillar ([`Pillar`]): `diet`, `lifestyle`, `medical`, `monitoring`, each with
//! its items and their tests. This module holds `plan()` (the order of the items) and what the
//! pillars share: the evidence summary, number formatting, the 7- and 30-day windows, statuses
//! against a bound, and the item builder.

use crate::date::DateExt;
use crate::evidence::{self, Direction, Pillar};
use crate::facts::{self, Facts, NutrientSpec, WindowMean, nutrient_window};
use crate::labs::Analyte;
use crate::targets::{self, Reference};
use crate::types::*;
use crate::{Date, MedKind, PlanInput, SmokingStatus};

mod diet;
mod lifestyle;
mod medical;
mod monitoring;

use diet::{calcium, magnesium, omega3, phosphate, vitamin_k2};
use lifestyle::{alcohol, blood_pressure, exercise, glucose, smoking, strength, weight};
use medical::{
    bisphosphonate, calcification_inhibitor, k2_supplement, phosphate_binder, sodium_thiosulfate,
    statin, vitamin_d,
};
use monitoring::{labs_due, next_scan};

pub(crate) use lifestyle::minutes_per_week;

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

/// `n` with its noun, singular for one: "1 reading", "3 readings", "1 logged day".
pub(crate) fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
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
                "{}{} {unit} ({label} mean over {}",
                if w.missing > 0 { "at least " } else { "" },
                fmt_num(m),
                count(w.days_with_data, "logged day")
            );
            if w.missing > 0 {
                text.push_str(&format!("; {} without a value", count(w.missing, "food")));
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

#[cfg(test)]
mod tests {
    use crate::testutil::*;
    use crate::*;

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
}
