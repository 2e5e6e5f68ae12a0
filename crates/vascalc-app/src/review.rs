//! A reviewed CT series into the record: the score of `vascalc scan score` after a reviewer named
//! the lesions (the viewer of `vascalc serve`), kept whole with its provenance.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vascalc_ct::SeriesScore;
use vascalc_record::{Entry, EntryId, Person, RecordStore, Scan};

use crate::{App, AppError, AppResult, scans};

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
    /// Lesion id → artery (`LM`, `LAD`, `LCX`, `RCA`, `coronary` for an artery not named,
    /// `non_coronary`, or a region name).
    pub assignment: BTreeMap<u32, String>,
    /// What produced the review (`vascalc serve VERSION`).
    pub tool: String,
}

impl<S: RecordStore> App<S> {
    /// Adds a reviewed series as a scan of `who` on `date` (default: the series' study date),
    /// with the review's provenance kept in the score (`score.review_provenance`). Refused when
    /// no reviewer is named, and by the one rule that decides what enters the record, the same as
    /// for `vascalc scan add --from-json` ([`scans::scan_from_series`]): a series not interpreted
    /// (its flags say why: unreviewed candidates, not a chest, too short a coverage, …), a total
    /// no heart gives, or a counted lesion outside the coronary arteries.
    pub fn add_reviewed_scan(
        &mut self,
        who: Option<&str>,
        date: Option<Date>,
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
        let mut scan = scans::scan_from_series(score.clone(), date, self.today())?;
        let prov = serde_json::to_value(provenance)
            .map_err(|e| AppError::Internal(format!("cannot keep the provenance: {e}")))?;
        if let Some(map) = scan.score.as_mut().and_then(|v| v.as_object_mut()) {
            map.insert("review_provenance".into(), prov);
        }
        let (person, id) = self.add_entry(who, &Entry::Scan(scan.clone()))?;
        Ok((person, id, scan))
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use vascalc_ct::{Flag, FlagCode, LesionStatus};
    use vascalc_store::Store;

    use super::*;
    use crate::people::PersonInput;
    use crate::scans::tests::series;
    use crate::scans::{scan_from_score, scan_from_series};

    use LesionStatus::{Assigned, Candidate, Excluded};

    const TODAY: Date = date(2026, 12, 7);

    fn app() -> App<Store> {
        let mut app = App::at(Store::open_in_memory().unwrap(), TODAY);
        app.create_person(&PersonInput {
            name: Some("Ann".into()),
            birth_date: Some(date(1958, 7, 1)),
            sex: Some("female".into()),
            ..PersonInput::default()
        })
        .unwrap();
        app
    }

    fn provenance(reviewer: &str, assignment: &[(u32, &str)]) -> ReviewProvenance {
        ReviewProvenance {
            reviewer: reviewer.into(),
            reviewed_at: "2026-12-07T10:00:00Z".into(),
            convention: "classic".into(),
            assignment: assignment
                .iter()
                .map(|&(id, a)| (id, a.to_string()))
                .collect(),
            tool: "test".into(),
        }
    }

    /// The text `scan score --format json` writes for `one`.
    fn as_json(one: &SeriesScore) -> String {
        serde_json::to_string(&vascalc_ct::ScanResult {
            series: vec![one.clone()],
        })
        .unwrap()
    }

    #[test]
    fn a_review_enters_the_record_as_scan_add_from_json_would_add_it() {
        // Accept all candidates after naming one: LAD 120, two coronary lesions with no artery
        // named, one excluded as bone.
        let one = series(
            &[
                (Some("LAD"), Assigned, 120.0),
                (Some("coronary"), Assigned, 30.0),
                (Some("coronary"), Assigned, 1.5),
                (None, Excluded, 900.0),
            ],
            Vec::new(),
        );
        let mut app = app();
        let prov = provenance("AB", &[(1, "LAD"), (2, "coronary"), (3, "coronary")]);
        let (person, _, scan) = app
            .add_reviewed_scan(None, None, &one, &prov)
            .expect("saved");
        assert_eq!(person.name, "Ann");
        let cli = scan_from_score(&as_json(&one), None, None, TODAY).unwrap();
        assert_eq!(scan.date, date(2024, 5, 1), "the study date");
        assert_eq!(
            (scan.date, scan.agatston, scan.per_artery, scan.volume_mm3),
            (cli.date, cli.agatston, cli.per_artery, cli.volume_mm3)
        );
        assert_eq!(scan.agatston, 151.5);
        assert!(
            scan.per_artery.is_empty(),
            "no N while arteries are unnamed"
        );
        let kept = scan.score.as_ref().unwrap();
        assert_eq!(kept["cac_drs"], "A2");
        assert_eq!(kept["review_provenance"]["reviewer"], "AB");
        assert_eq!(kept["review_provenance"]["assignment"]["2"], "coronary");
        // Apart from the provenance, the kept result is the one `scan add --from-json` keeps.
        let mut without = kept.clone();
        without.as_object_mut().unwrap().remove("review_provenance");
        assert_eq!(Some(&without), cli.score.as_ref());
        // In the record: the person's one scan.
        let (id, _) = app.person(None).unwrap();
        let scans = app.store().scans(id).unwrap();
        assert_eq!(scans.len(), 1);
        assert_eq!(scans[0].agatston, 151.5);
    }

    #[test]
    fn a_named_review_keeps_its_arteries_and_a_given_date() {
        let one = series(
            &[(Some("LAD"), Assigned, 80.0), (Some("RCA"), Assigned, 40.0)],
            Vec::new(),
        );
        let (_, _, scan) = app()
            .add_reviewed_scan(
                Some("Ann"),
                Some(date(2025, 3, 4)),
                &one,
                &provenance("AB", &[(1, "LAD"), (2, "RCA")]),
            )
            .unwrap();
        assert_eq!(scan.date, date(2025, 3, 4));
        assert_eq!(
            (scan.per_artery.lad, scan.per_artery.rca),
            (Some(80.0), Some(40.0))
        );
        let kept = scan.score.as_ref().unwrap();
        assert_eq!(kept["cac_drs"], "A2/N2");
        assert_eq!(kept["acquisition"]["study_date"], "2025-03-04");
    }

    #[test]
    fn a_review_is_refused_by_the_rule_scan_add_follows() {
        let mut app = app();
        let prov = provenance("AB", &[]);
        // Candidates left unreviewed: the flag's words, in both paths.
        let unreviewed = series(
            &[(Some("LAD"), Assigned, 80.0), (None, Candidate, 20.0)],
            vec![Flag::new(
                FlagCode::Unreviewed,
                "1 coronary candidate(s) found automatically, UNREVIEWED",
            )],
        );
        let e = app
            .add_reviewed_scan(None, None, &unreviewed, &prov)
            .unwrap_err();
        let cli = scan_from_series(unreviewed.clone(), None, TODAY).unwrap_err();
        assert_eq!(e.to_string(), cli.to_string());
        assert_eq!(e.field(), Some("score"));
        assert!(e.to_string().contains("UNREVIEWED"), "{e}");
        // A region that is not a coronary artery (the review took it before: one rule now).
        let aorta = series(
            &[
                (Some("LAD"), Assigned, 80.0),
                (Some("aorta"), Assigned, 500.0),
            ],
            Vec::new(),
        );
        let e = app
            .add_reviewed_scan(None, None, &aorta, &prov)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("aorta, which is not a coronary artery"),
            "{e}"
        );
        // A total no heart gives.
        let huge = series(&[(Some("LAD"), Assigned, 60_000.0)], Vec::new());
        let e = app.add_reviewed_scan(None, None, &huge, &prov).unwrap_err();
        assert!(e.to_string().contains("60000 is more than"), "{e}");
        // No reviewer named.
        let fine = series(&[(Some("LAD"), Assigned, 80.0)], Vec::new());
        let e = app
            .add_reviewed_scan(None, None, &fine, &provenance("  ", &[]))
            .unwrap_err();
        assert_eq!(e.field(), Some("reviewer"));
        let (id, _) = app.person(None).unwrap();
        assert!(app.store().scans(id).unwrap().is_empty(), "nothing saved");
    }
}
