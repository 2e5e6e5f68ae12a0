//! A reviewed CT series into the record: the score of `vascalc scan score` after a reviewer named
//! the lesions (the viewer of `vascalc serve`), kept whole with its provenance.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vascalc_ct::SeriesScore;
use vascalc_record::{ArteryScores, Scan, ScanSource};
use vascalc_record::{Entry, EntryId, Person, RecordStore};

use crate::{App, AppError, AppResult};

/// Who reviewed the series, when, by which rules, and what they named: kept in the record with
/// the score (`score.review_provenance`), so that `vascalc scan score DIR --assign FILE` (the
/// assignment written as `id,artery` lines) gives the same totals again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewProvenance {
    pub reviewer: String,
    /// When the review was saved (RFC 3339, UTC).
    pub reviewed_at: String,
    /// The scoring convention's name (`classic`, …).
    pub convention: String,
    /// Lesion id → artery (`LM`, `LAD`, `LCX`, `RCA`, `non_coronary` or a region name).
    pub assignment: BTreeMap<u32, String>,
    /// What produced the review (`vascalc serve VERSION`).
    pub tool: String,
}

/// The largest total the record takes (the record's range for `agatston`).
const MOST_A_HEART_GIVES: f64 = 50_000.0;

impl<S: RecordStore> App<S> {
    /// Adds a reviewed series as a scan of `who` on `date` (the study date, or one the person
    /// gives). Refused when the series was not interpreted (its flags say why: unreviewed
    /// candidates, not a chest, too short a coverage, …), when no reviewer is named, or when the
    /// total cannot be a person's coronary score.
    pub fn add_reviewed_scan(
        &mut self,
        who: Option<&str>,
        date: Date,
        score: &SeriesScore,
        provenance: &ReviewProvenance,
    ) -> AppResult<(Person, EntryId, Scan)> {
        if provenance.reviewer.trim().is_empty() {
            return Err(AppError::invalid(
                "reviewer",
                "",
                "name who reviewed the lesions (a person's name or initials): the record keeps it with the score",
            ));
        }
        check_interpreted(score)?;
        if score.totals.agatston > MOST_A_HEART_GIVES {
            return Err(AppError::invalid(
                "agatston",
                score.totals.agatston,
                format!(
                    "a total Agatston score of {:.0} is more than a person's coronary arteries give (the record takes 0 to {MOST_A_HEART_GIVES:.0}): review which lesions are coronary",
                    score.totals.agatston
                ),
            ));
        }
        let artery = |name: &str| score.per_artery.get(name).map(|t| t.agatston);
        let mut kept = score.clone();
        kept.lesions.iter_mut().for_each(|l| l.runs.clear());
        let mut value = serde_json::to_value(&kept)
            .map_err(|e| AppError::Internal(format!("cannot keep the score: {e}")))?;
        let prov = serde_json::to_value(provenance)
            .map_err(|e| AppError::Internal(format!("cannot keep the provenance: {e}")))?;
        if let Some(map) = value.as_object_mut() {
            map.insert("review_provenance".into(), prov);
        }
        let scan = Scan {
            date,
            agatston: score.totals.agatston,
            per_artery: ArteryScores {
                lm: artery("LM"),
                lad: artery("LAD"),
                lcx: artery("LCX"),
                rca: artery("RCA"),
            },
            volume_mm3: Some(score.totals.volume_mm3),
            mass_mg: score.totals.mass_mg,
            source: ScanSource::Score,
            score: Some(value),
        };
        let (person, id) = self.add_entry(who, &Entry::Scan(scan.clone()))?;
        Ok((person, id, scan))
    }
}

/// Refuses a series that `scan score` did not interpret (its flags withhold CAC-DRS: unreviewed
/// candidates, not a chest, too short a coverage, contrast, …), with the flags' messages.
pub fn check_interpreted(score: &SeriesScore) -> AppResult<()> {
    let why: Vec<&str> = score
        .flags
        .iter()
        .filter(|f| f.code.blocks_interpretation())
        .map(|f| f.message.as_str())
        .collect();
    if !why.is_empty() || score.cac_drs.is_none() {
        Err(AppError::invalid(
            "assignment",
            "",
            format!(
                "this series is not interpreted as a coronary calcium score, so the record does not take it: {}",
                if why.is_empty() {
                    "no CAC-DRS was given".to_string()
                } else {
                    why.join("; ")
                }
            ),
        ))
    } else {
        Ok(())
    }
}
