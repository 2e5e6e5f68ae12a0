//! The clinician report: one self-contained HTML document (inline CSS, inline SVG charts, no
//! script, no external resource) that a person prints from their browser or saves as PDF.
//!
//! No I/O: [`render`] takes what the record holds and what the computing crates made of it
//! (vascalc-clinical's assessment and progression, vascalc-program's plan) and returns a string.
//! The report recomputes nothing those crates compute; per scan it asks vascalc-clinical for the
//! interpretation at the age the person had on the scan's day (CAC-DRS, percentile, arterial
//! age), and for the expected trajectory it draws.
//!
//! Rules it keeps: every number names its source; a score that `scan score` did not interpret
//! (unreviewed candidates, not a chest, …) is never shown as a score; "vascalc informs; it does
//! not prescribe" opens and closes the report.

pub mod chart;
pub mod html;
mod report;
pub mod synthetic;
#[cfg(test)]
mod testxml;

use vascalc_clinical::{Assessment, Progression};
use vascalc_domain::Date;
use vascalc_program::Plan;
use vascalc_record::{Lab, Medication, Person, Scan};

pub use report::{not_final, render};

/// Everything the report shows. Entries dated after `as_of` are left out.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub person: &'a Person,
    pub scans: &'a [Scan],
    /// Lab results, each in the unit it is to be shown in (the person's units).
    pub labs: &'a [Lab],
    /// The same results as stored, in the same order, when `labs` were converted: a row whose
    /// stored value or unit differs shows it too. `None`: `labs` are as stored.
    pub stored_labs: Option<&'a [Lab]>,
    pub medications: &'a [Medication],
    /// The assessment as of `as_of` (`vascalc assess --person`), or why there is none.
    /// The assessment, progression and plan are shown as given: compute them as of `as_of`.
    pub assessment: Result<&'a Assessment, &'a str>,
    /// The progression analysis of the scans up to `as_of` (`vascalc progress --as-of`), when
    /// there is a scan.
    pub progression: Option<&'a Progression>,
    /// The plan as of `as_of` (`vascalc plan`), or why there is none.
    pub plan: Result<&'a Plan, &'a str>,
    /// The date the figures are computed for.
    pub as_of: Date,
    /// The day the report is made.
    pub generated: Date,
    /// vascalc's version, printed in the footer.
    pub version: &'a str,
}

/// The statement the report opens and closes with.
pub const INFORMS: &str = "vascalc informs; it does not prescribe.";
