//! vascalc's program: the evidence base, the personal plan, safety rules and adherence.
//!
//! No I/O. The binary fills a [`PlanInput`] from the record and calls [`plan`] (items per pillar
//! and safety [`Alert`]s) or [`adherence()`] (how closely each item was followed between two
//! scans). The evidence base ([`evidence::evidence`]) is data embedded from `evidence/*.toml`.
//!
//! Conventions:
//! - Missing data is "no data", never zero. Food-log totals are "at least" figures: a day's total
//!   counts only foods with a value, and says how many had none.
//! - Windows are the 7 and 30 days ending on `PlanInput::today` (inclusive). A window mean is
//!   over the days that have data; days without logs are not counted as zero.
//! - Every target names its source; every item carries the evidence summary and citations.
//! - vascalc informs; it does not prescribe. Medical items say whether a therapy is relevant to
//!   discuss, never to start or stop it.

pub mod adherence;
pub mod date;
pub mod evidence;
pub mod input;
pub mod labs;
pub mod medicines;

pub use date::{Date, DateError};
pub use input::*;
pub use labs::{Analyte, LabError};
pub mod facts;
mod plan;
pub mod rules;
#[doc(hidden)]
pub mod synthetic;
pub mod targets;
#[cfg(test)]
mod testutil;
pub mod types;

pub use adherence::{Adherence, AdherenceItem, adherence, adherence_windows};
pub use plan::plan;
pub use types::*;
