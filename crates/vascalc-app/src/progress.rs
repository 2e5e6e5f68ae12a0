//! Progress: the scan history with the clinical progression analysis (change per interval, the
//! change MESA data lead one to expect, the next scan date) beside what the person did between
//! the scans (vascalc-program's adherence).

use jiff::civil::Date;
use serde::Serialize;
use vascalc_clinical::progression::Progression;
use vascalc_program::Adherence;
use vascalc_record::{RecordStore, Scan};

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
