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
