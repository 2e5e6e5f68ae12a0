//! The use cases of vascalc's personal record, over any [`RecordStore`]: what the command line
//! calls today and the web server calls tomorrow.
//!
//! - No printing, no exit, no command line: a use case takes plain serde inputs (what the web
//!   JSON API accepts too) and returns the record's serde types, or one [`AppError`] whose
//!   [`kind`](AppError::kind) each front end maps to its own codes.
//! - Every value is checked before anything is written, and each write is one transaction of
//!   the store, so a refused input changes nothing.
//! - Dates are checked against [`App::today`] (the system's date; tests set their own).

pub mod context;
pub mod dates;
pub mod demo;
pub mod entries;
pub mod error;
pub mod exchange;
pub mod food_day;
pub mod food_log;
pub mod foods;
pub mod labs;
pub mod meds;
pub mod people;
pub mod plan;
pub mod progress;
pub mod report;
pub mod review;
pub mod scans;
pub mod validate;

pub use entries::{EntryChange, EntryUnits, LabAdded, LabEdit, LabInput};
pub use error::{AppError, AppResult, ErrorKind};
pub use people::{PersonInput, SmokingInput, Summary};
pub use plan::PlanView;
pub use report::ReportData;
pub use review::ReviewProvenance;
pub use vascalc_record::{self as record, RecordStore};

use jiff::civil::Date;
use vascalc_record::{Person, PersonId};

/// The application: a record store and the date that counts as today.
pub struct App<S> {
    store: S,
    today: Date,
}

impl<S: RecordStore> App<S> {
    /// The application over `store`, today being the system's date.
    pub fn new(store: S) -> Self {
        Self::at(store, dates::today())
    }

    /// The application over `store` with `today` as today (tests, a clinic's fixed date).
    pub fn at(store: S, today: Date) -> Self {
        Self { store, today }
    }

    pub fn today(&self) -> Date {
        self.today
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    /// The person named `who`, or the only person when `who` is None.
    pub fn person(&self, who: Option<&str>) -> AppResult<(PersonId, Person)> {
        Ok(self.store.select_person(who)?)
    }
}

#[cfg(test)]
mod tests;
