//! The evidence base: interventions, their studies and the guidelines targets come from.
//!
//! The data live in `evidence/*.toml` in this crate, embedded at compile time and parsed once.
//! Each study carries its numbers as read in the source (see `../shared/research/evidence.md`),
//! a direction on its *primary* endpoint and vascalc's certainty rating; anything not checked
//! against the source is `unconfirmed = true` and is shown so. The schema is checked by the
//! tests of this module (required fields, enums, DOI/PMID shape, unique ids, references).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The pillar of the program an intervention belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    Diet,
    Lifestyle,
    Medical,
    Monitoring,
}

impl Pillar {
    pub fn as_str(self) -> &'static str {
        match self {
            Pillar::Diet => "diet",
            Pillar::Lifestyle => "lifestyle",
            Pillar::Medical => "medical",
            Pillar::Monitoring => "monitoring",
        }
    }
}

/// Direction of a study's result on its primary endpoint (for the intervention as named).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Statistically significant in favour of the intervention.
    Benefit,
    /// No significant difference. A favourable subgroup or secondary result does not change this.
    Null,
    /// Unfavourable (harm, or the exposure is associated with worse outcomes).
    Harm,
    /// Opposite directions in prespecified groups or endpoints (e.g. by age).
    Mixed,
    /// No result available (protocol, result not located).
    Unknown,
}

/// vascalc's rating of how much a result can be trusted (design, size, blinding, consistency);
/// a judgement in the spirit of GRADE, not taken from the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    VeryLow,
    Low,
    Moderate,
    High,
}

/// Study design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Randomised controlled trial (double-blind or not; see `population`/`note`).
    Rct,
    /// Open-label or otherwise unblinded randomised trial.
    OpenLabelRct,
    /// Post hoc or secondary analysis of a trial.
    PostHoc,
    MetaAnalysis,
    SystematicReview,
    Cohort,
    CrossSectional,
    /// Controlled trial without randomisation (allocation by the investigators or by choice).
    NonRandomisedControlled,
    /// Uncontrolled single-arm study.
    SingleArm,
    /// Pharmacology / dose-finding in volunteers.
    Pharmacology,
    /// Trial protocol or design paper without results.
    Protocol,
    Review,
}

impl Design {
    /// Randomised designs (including meta-analyses of them).
    pub fn randomised(self) -> bool {
        matches!(
            self,
            Design::Rct | Design::OpenLabelRct | Design::MetaAnalysis
        )
    }
}

/// One study, with the figures as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// Unique across the whole evidence base, e.g. `"knapen-2015"`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    pub first_author: String,
    pub year: u16,
    pub journal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// PubMed id (digits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// Other identifiers: `PMC…`, `NCT…`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_ids: Vec<String>,
    pub design: Design,
    pub population: String,
    /// Participants analysed or randomised; absent when not applicable or not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    pub duration: String,
    pub dose: String,
    pub endpoint: String,
    pub result: String,
    pub direction: Direction,
    pub certainty: Certainty,
    /// Some figure or bibliographic detail was not checked against the source.
    #[serde(default)]
    pub unconfirmed: bool,
    /// What is unconfirmed, funding, caveats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Study {
    /// "Knapen 2015, Thromb Haemost 113(5):1135-44" (with the acronym first when there is one).
    pub fn label(&self) -> String {
        match &self.acronym {
            Some(a) => format!(
                "{a} ({} {}, {})",
                self.first_author, self.year, self.journal
            ),
            None => format!("{} {}, {}", self.first_author, self.year, self.journal),
        }
    }
}

/// The overall verdict on an intervention for vascular calcification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// Randomised evidence of benefit on a calcification or hard endpoint.
    Benefit,
    /// Randomised trials are null on calcification.
    Null,
    /// Conflicting or only subgroup/observational signals.
    Mixed,
    /// Associated with more calcification or harm.
    Harm,
    /// Too little evidence to say.
    Insufficient,
}

/// An intervention with its studies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervention {
    pub id: String,
    pub name: String,
    pub pillar: Pillar,
    /// One honest line.
    pub summary: String,
    /// The ids of the studies (of this intervention) the summary rests on: every number in the
    /// summary must appear in one of them (see [`summary_problems`]).
    #[serde(default)]
    pub sources: Vec<String>,
    pub overall: Overall,
    pub certainty: Certainty,
    #[serde(default)]
    pub studies: Vec<Study>,
}

/// A guideline or reference document that targets and thresholds come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guideline {
    pub id: String,
    /// Issuing body or first author.
    pub issuer: String,
    pub title: String,
    pub year: u16,
    /// Where it was published.
    pub published: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What vascalc takes from it.
    pub statement: String,
    #[serde(default)]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Guideline {
    /// "2018 AHA/ACC cholesterol guideline (Circulation 2019)".
    pub fn label(&self) -> String {
        format!("{} — {} ({})", self.issuer, self.title, self.published)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct InterventionFile {
    #[serde(default)]
    intervention: Vec<Intervention>,
    #[serde(default)]
    guideline: Vec<Guideline>,
}

/// The whole evidence base.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvidenceBase {
    pub interventions: Vec<Intervention>,
    pub guidelines: Vec<Guideline>,
}

/// A data file of the evidence base that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("evidence file {file}: {message}")]
pub struct EvidenceError {
    pub file: &'static str,
    pub message: String,
}

/// The embedded files, in display order.
pub const FILES: &[(&str, &str)] = &[
    ("vitamin_k.toml", include_str!("../evidence/vitamin_k.toml")),
    ("magnesium.toml", include_str!("../evidence/magnesium.toml")),
    ("omega3.toml", include_str!("../evidence/omega3.toml")),
    ("phosphate.toml", include_str!("../evidence/phosphate.toml")),
    (
        "calcium_vitamin_d.toml",
        include_str!("../evidence/calcium_vitamin_d.toml"),
    ),
    ("lifestyle.toml", include_str!("../evidence/lifestyle.toml")),
    (
        "risk_factors.toml",
        include_str!("../evidence/risk_factors.toml"),
    ),
    ("statins.toml", include_str!("../evidence/statins.toml")),
    (
        "kidney_therapies.toml",
        include_str!("../evidence/kidney_therapies.toml"),
    ),
    (
        "anticoagulants.toml",
        include_str!("../evidence/anticoagulants.toml"),
    ),
    ("markers.toml", include_str!("../evidence/markers.toml")),
    (
        "guidelines.toml",
        include_str!("../evidence/guidelines.toml"),
    ),
];

/// Parse a set of files (used for the embedded files and by tests).
pub fn parse_files(files: &[(&'static str, &str)]) -> Result<EvidenceBase, EvidenceError> {
    let mut base = EvidenceBase::default();
    for (name, text) in files {
        let f: InterventionFile = toml::from_str(text).map_err(|e| EvidenceError {
            file: name,
            message: e.to_string(),
        })?;
        base.interventions.extend(f.intervention);
        base.guidelines.extend(f.guideline);
    }
    Ok(base)
}

/// The embedded evidence base, parsed on first use.
pub fn evidence() -> Result<&'static EvidenceBase, &'static EvidenceError> {
    static BASE: OnceLock<Result<EvidenceBase, EvidenceError>> = OnceLock::new();
    BASE.get_or_init(|| parse_files(FILES)).as_ref()
}

impl EvidenceBase {
    pub fn intervention(&self, id: &str) -> Option<&Intervention> {
        self.interventions.iter().find(|i| i.id == id)
    }
    pub fn guideline(&self, id: &str) -> Option<&Guideline> {
        self.guidelines.iter().find(|g| g.id == id)
    }
    /// A study by id, with the intervention it belongs to.
    pub fn study(&self, id: &str) -> Option<(&Intervention, &Study)> {
        self.interventions
            .iter()
            .find_map(|i| i.studies.iter().find(|s| s.id == id).map(|s| (i, s)))
    }
}

/// The numbers written in `text`, with their sign and the number of decimals written, e.g.
/// "OR 1.21 (1.08–1.36), −17 AU, 13,078 people" → 1.21, 1.08, 1.36, −17, 13078. A number that
/// is part of a name (MK-7, omega-3, K2, D3, G3a, phase 2b) is not a figure and is skipped; an
/// en dash is a range, a minus sign (− or a hyphen after a space or bracket) is a sign.
pub fn numbers_in(text: &str) -> Vec<(f64, u32)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut decimals = 0u32;
        let mut in_fraction = false;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                digits.push(c);
                if in_fraction {
                    decimals += 1;
                }
                i += 1;
            } else if (c == '.' || c == ',')
                && !in_fraction
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            {
                // "13,078" is a thousands separator (three digits follow); "1.21" a fraction.
                let run = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if c == ',' && run == 3 {
                    i += 1;
                } else if c == '.' {
                    digits.push('.');
                    in_fraction = true;
                    i += 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let before = start.checked_sub(1).map(|k| chars[k]);
        let before2 = start.checked_sub(2).map(|k| chars[k]);
        let after = chars.get(i).copied();
        let part_of_name = before.is_some_and(char::is_alphabetic)
            || (before == Some('-') && before2.is_some_and(char::is_alphabetic))
            || after.is_some_and(|c| c.is_alphabetic() && c != 'µ');
        if part_of_name {
            continue;
        }
        let negative = match before {
            Some('−') => true,
            Some('-') => before2.is_none_or(|c| c.is_whitespace() || c == '(' || c == '['),
            _ => false,
        };
        if let Ok(v) = digits.parse::<f64>() {
            out.push((if negative { -v } else { v }, decimals));
        }
    }
    out
}

/// Whether the figure `(v, decimals)` of a summary is one of `source` figures, allowing the
/// summary to round (−17 for −17.37) but not to change sign or invent a value.
fn figure_backed(v: f64, decimals: u32, source: &[(f64, u32)]) -> bool {
    let scale = 10f64.powi(decimals as i32);
    source
        .iter()
        .any(|(s, _)| ((s * scale).round() - v * scale).abs() < 1e-6)
}

/// Every reason a summary is not backed by its studies: no `sources`, a source that is not a
/// study of the intervention, or a number in the summary found in none of its sources' fields
/// (year, n, population, duration, dose, endpoint, result, note). Empty when every claim has a
/// study behind it.
pub fn summary_problems(base: &EvidenceBase) -> Vec<String> {
    let mut problems = Vec::new();
    for i in &base.interventions {
        if i.sources.is_empty() {
            problems.push(format!(
                "intervention {}: the summary names no source study",
                i.id
            ));
            continue;
        }
        let mut figures = Vec::new();
        for id in &i.sources {
            match i.studies.iter().find(|s| &s.id == id) {
                None => problems.push(format!(
                    "intervention {}: source {id} is not one of its studies",
                    i.id
                )),
                Some(s) => {
                    figures.push((f64::from(s.year), 0));
                    if let Some(n) = s.n {
                        figures.push((f64::from(n), 0));
                    }
                    for field in [&s.population, &s.duration, &s.dose, &s.endpoint, &s.result] {
                        figures.extend(numbers_in(field));
                    }
                    if let Some(note) = &s.note {
                        figures.extend(numbers_in(note));
                    }
                }
            }
        }
        for (v, decimals) in numbers_in(&i.summary) {
            if !figure_backed(v, decimals, &figures) {
                problems.push(format!(
                    "intervention {}: the summary's figure {v} is in none of its sources ({})",
                    i.id,
                    i.sources.join(", ")
                ));
            }
        }
    }
    problems
}

/// Whether `doi` has the shape `10.NNNN…/suffix` (registrant code of 4–9 digits, possibly with
/// dotted sub-codes, and a non-empty suffix without spaces).
pub fn doi_well_formed(doi: &str) -> bool {
    let Some(rest) = doi.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    let first = registrant.split('.').next().unwrap_or("");
    (4..=9).contains(&first.len())
        && registrant
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace)
}

/// Whether `pmid` is a PubMed id (1–9 digits, no leading zero).
pub fn pmid_well_formed(pmid: &str) -> bool {
    (1..=9).contains(&pmid.len())
        && pmid.bytes().all(|b| b.is_ascii_digit())
        && !pmid.starts_with('0')
}

#[cfg(test)]
mod tests;
