//! The plan's output vocabulary: [`Plan`], [`PlanItem`], [`Alert`] (serde, printed unchanged by
//! `vascalc plan --format json`).

use crate::Date;
use crate::evidence::{Certainty, Direction, Guideline, Overall, Pillar, Study};
use serde::{Deserialize, Serialize};

/// The personal plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The day the plan was computed for.
    pub today: Date,
    pub items: Vec<PlanItem>,
    pub alerts: Vec<Alert>,
}

/// One item of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanItem {
    pub pillar: Pillar,
    /// Stable id, e.g. `"vitamin_k2"`, `"exercise"`, `"statin"`, `"next_scan"`.
    pub topic: String,
    /// Human title.
    pub title: String,
    /// Whether this item applies to this person.
    pub relevance: Relevance,
    pub target: Target,
    /// The figure the status is judged on (the 7-day figure when there is one, else the 30-day
    /// one, else the latest value).
    pub current: Measure,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_7d: Option<Measure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_30d: Option<Measure>,
    pub status: Status,
    pub evidence: EvidenceSummary,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Whether the item's target was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    /// Nothing recorded to judge by (or too little to judge honestly).
    NoData,
    /// The item does not apply to this person (e.g. a therapy that is not relevant).
    NotApplicable,
    /// Shown for information only: vascalc sets no target, so nothing can be met (e.g. an
    /// intervention the evidence base rates null, whose trial doses are shown instead).
    NoTarget,
    /// A decision for the person and their clinician: vascalc names the considerations and sets
    /// no target of its own (e.g. a statin at CAC ≥ 100 with a 10-year risk below 5 %).
    Discuss,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::NoData => "no data",
            Status::NotApplicable => "not applicable",
            Status::NoTarget => "no target (for information)",
            Status::Discuss => "to discuss with a clinician",
        }
    }
}

/// Whether an item applies to this person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relevance {
    /// Applies; the target is what the source recommends.
    Relevant,
    /// Worth discussing with a clinician (uncertain benefit or depends on judgement).
    Discuss,
    /// Does not apply to this person's situation.
    NotRelevant,
    /// Should be avoided given this person's situation (a safety rule applies).
    Avoid,
}

/// A target with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Where the target comes from (guideline, reference intake or trial dose).
    pub source: String,
}

/// A measured or logged figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// Human text, e.g. "at least 312 mg/day (7-day mean over 6 logged days; 4 foods without a value)".
    pub text: String,
    /// `None` = no data (never a zero stand-in).
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The value is a lower bound: some logged foods had no value for this nutrient.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_least: bool,
    /// Days in the window that had data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_with_data: Option<u32>,
    /// Logged foods without a value for this nutrient, over the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foods_without_value: Option<u32>,
    /// Date of the measurement (labs, scans, latest readings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
}

impl Measure {
    /// A measure with nothing behind it.
    pub fn no_data(text: impl Into<String>) -> Measure {
        Measure {
            text: text.into(),
            value: None,
            unit: None,
            at_least: false,
            days_with_data: None,
            foods_without_value: None,
            as_of: None,
        }
    }
    /// A plain value.
    pub fn value(value: f64, unit: &str, text: impl Into<String>) -> Measure {
        Measure {
            text: text.into(),
            value: Some(value),
            unit: Some(unit.to_string()),
            at_least: false,
            days_with_data: None,
            foods_without_value: None,
            as_of: None,
        }
    }
    /// A text-only state (e.g. "not taking").
    pub fn state(text: impl Into<String>) -> Measure {
        Measure::no_data(text)
    }
    pub fn with_date(mut self, d: Date) -> Measure {
        self.as_of = Some(d);
        self
    }
}

/// The evidence behind an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceSummary {
    /// The evidence-base intervention id, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<Overall>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certainty: Option<Certainty>,
    pub citations: Vec<Citation>,
}

/// A citation: a study or a guideline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Always present; `null` when the source has no confirmed DOI.
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// "AVADEC (Diederichsen 2022, Circulation 145(18):1387-97)".
    pub label: String,
    /// Study or guideline id in the evidence base.
    pub id: String,
    /// The study's result in numbers (studies only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

impl Citation {
    pub fn of_study(s: &Study) -> Citation {
        Citation {
            doi: s.doi.clone(),
            pmid: s.pmid.clone(),
            url: s.other_ids.iter().find_map(|o| {
                o.strip_prefix("PMC")
                    .map(|_| format!("https://pmc.ncbi.nlm.nih.gov/articles/{o}"))
            }),
            label: s.label(),
            id: s.id.clone(),
            result: Some(s.result.clone()),
            direction: Some(s.direction),
            unconfirmed: s.unconfirmed,
        }
    }
    pub fn of_guideline(g: &Guideline) -> Citation {
        Citation {
            doi: g.doi.clone(),
            pmid: g.pmid.clone(),
            url: g.url.clone(),
            label: g.label(),
            id: g.id.clone(),
            result: None,
            direction: None,
            unconfirmed: g.unconfirmed,
        }
    }
}

/// How serious an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Context that corrects a common misreading (e.g. a rising score on a statin).
    Info,
    /// Worth raising with a clinician.
    Warning,
    /// A known hazard: talk to the prescriber before continuing.
    Danger,
}

/// A safety alert or an honest note, from a named rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Stable rule id, e.g. `"vka_vitamin_k"`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}
