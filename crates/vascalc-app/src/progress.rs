//! Progress: the scan history with the clinical progression analysis (change per interval, the
//! change MESA data lead one to expect, the next scan date) beside what the person did between
//! the scans (vascalc-program's adherence).

use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use serde::Serialize;
use vascalc_clinical::progression::Progression;
use vascalc_program::Adherence;
use vascalc_record::{PersonId, RecordStore, Scan};

use crate::error::{AppError, AppResult};
use crate::plan::{plan_input, program_date};
use crate::{App, context};

/// What `vascalc progress --format json` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    pub person: String,
    pub as_of: Date,
    pub scans: Vec<Scan>,
    pub progression: Progression,
    /// What the person did between consecutive scans (vascalc-program's adherence), then from
    /// the last scan to `as_of`.
    pub adherence: Vec<Adherence>,
}

/// Progress reports kept while the record is unchanged: ten years of logs cost tens of
/// milliseconds to read and total (the food log's nutrients, the dose and activity logs, the
/// adherence windows), and a page asks again with nothing changed. A report is kept under the
/// person, the date it is as of and the record's revision ([`RecordStore::revision`], which
/// every write transaction raises, whichever process writes), so a kept report is always the
/// one [`App::progress`] computes now. The shipped food table cannot change while a process
/// runs; a person's own foods are in the record.
#[derive(Debug, Default)]
pub struct ProgressMemo {
    kept: Mutex<Vec<(MemoKey, Arc<Report>)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MemoKey {
    person: PersonId,
    as_of: Date,
    revision: i64,
}

/// How many reports a memo keeps (people × dates asked for); the oldest goes first.
const KEPT: usize = 8;

impl ProgressMemo {
    fn get(&self, key: &MemoKey) -> Option<Arc<Report>> {
        let kept = self.kept.lock().ok()?;
        kept.iter().find(|(k, _)| k == key).map(|(_, r)| r.clone())
    }

    fn put(&self, key: MemoKey, report: Arc<Report>) {
        // A poisoned lock only means another request panicked: the memo is then not used.
        if let Ok(mut kept) = self.kept.lock() {
            // A report under an older revision of the same person and date is stale.
            kept.retain(|(k, _)| !(k.person == key.person && k.as_of == key.as_of));
            if kept.len() >= KEPT {
                kept.remove(0);
            }
            kept.push((key, report));
        }
    }
}

impl<S: RecordStore> App<S> {
    /// The progress of `who` as of `as_of` (today when None): not found without a scan.
    pub fn progress(&self, who: Option<&str>, as_of: Option<Date>) -> AppResult<Report> {
        let as_of = as_of.unwrap_or(self.today());
        let (id, person) = self.person(who)?;
        crate::dates::not_before_birth("as_of", as_of, &person)?;
        let record = context::load(self.store(), id, person, None)?;
        let name = &record.person.name;
        let scans: Vec<Scan> = context::scans_until(&record, as_of)
            .into_iter()
            .cloned()
            .collect();
        if scans.is_empty() {
            return Err(AppError::NotFound(format!(
                "{name} has no final scan on or before {as_of} (a scan whose score was not \
                 interpreted, such as unreviewed candidates, does not count); add one with \
                 `vascalc scan add`"
            )));
        }
        let progression = context::progression(&record, as_of)?
            .ok_or_else(|| AppError::NotFound(format!("{name} has no scan")))?;
        let input = plan_input(self.store(), id, &record, None, as_of)?;
        let mut bounds: Vec<Date> = scans.iter().map(|s| s.date).collect();
        if bounds.last().is_some_and(|last| *last < as_of) {
            bounds.push(as_of);
        }
        let windows: Vec<(Date, Date)> = bounds
            .windows(2)
            .filter_map(|w| Some((program_date(w[0])?, program_date(w[1])?)))
            .collect();
        let adherence = vascalc_program::adherence_windows(&input, &windows);
        Ok(Report {
            person: name.clone(),
            as_of,
            scans,
            progression,
            adherence,
        })
    }

    /// [`App::progress`], kept in `memo` until the record changes (see [`ProgressMemo`]).
    pub fn progress_memo(
        &self,
        memo: &ProgressMemo,
        who: Option<&str>,
        as_of: Option<Date>,
    ) -> AppResult<Arc<Report>> {
        let as_of = as_of.unwrap_or(self.today());
        let (person, _) = self.person(who)?;
        // Read before the record: a write after this read raises the revision, so a report
        // computed from newer entries is at worst kept under an older revision, never a report
        // of older entries under the newer one.
        let revision = self.store().revision()?;
        let key = MemoKey {
            person,
            as_of,
            revision,
        };
        if let Some(report) = memo.get(&key) {
            return Ok(report);
        }
        let report = Arc::new(self.progress(who, Some(as_of))?);
        memo.put(key, report.clone());
        Ok(report)
    }

    /// The expected-trajectory band of `who`'s scans as of `as_of` (today when None):
    /// [`context::expected_band`].
    pub fn expected_band(
        &self,
        who: Option<&str>,
        as_of: Option<Date>,
    ) -> AppResult<Option<vascalc_clinical::progression::ExpectedBand>> {
        let as_of = as_of.unwrap_or(self.today());
        let (id, person) = self.person(who)?;
        // Scans and the person only: no activity, doses or food are read.
        let record = vascalc_record::PersonRecord {
            scans: self.store().scans(id)?,
            ..vascalc_record::PersonRecord::new(person)
        };
        context::expected_band(&record, as_of)
    }

    /// The clinical profile of `who` as of `as_of` (today when None) and its assessment: what
    /// `vascalc assess --profile` computes, from the record.
    pub fn assess(
        &self,
        who: Option<&str>,
        as_of: Option<Date>,
        options: &vascalc_clinical::Options,
    ) -> AppResult<(vascalc_clinical::Profile, vascalc_clinical::Assessment)> {
        let as_of = as_of.unwrap_or(self.today());
        let (id, person) = self.person(who)?;
        let record = context::load_without_logs(self.store(), id, person)?;
        let profile = context::clinical_profile(&record, as_of)?;
        let assessment = vascalc_clinical::assess(&profile, options);
        Ok((profile, assessment))
    }
}
