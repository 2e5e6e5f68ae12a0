//! What the personal record holds and the trait a database implements to hold it.
//!
//! - [`model`]: the serde types of the record (a person, scans, labs, vitals, …, the export
//!   document), shared by every store, `vascalc export`/`import`, the CLI's `--format json` and
//!   the web API.
//! - [`EntryId`]: the stable id of every entry (`lab:12`): never reused once deleted, unchanged
//!   by an edit.
//! - [`RecordStore`]: the operations a record database offers; `vascalc-store` implements it with
//!   SQLite. This crate does no I/O and links no database, so that another store (PostgreSQL)
//!   can implement the trait without linking SQLite.
//!
//! A store writes and reads the values it is given; checking them is the application's job
//! (`vascalc-app`).

pub mod entries;
pub mod model;

pub use entries::{BadEntryId, Entry, EntryId, EntryKind};
pub use model::*;

use jiff::civil::Date;

/// Id of a person in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonId(pub i64);

/// Why a store operation failed, in terms every store shares.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(
        "this database holds no person yet; create one with `vascalc profile create --name NAME`"
    )]
    NoPerson,
    #[error("no person named {name:?} in this database (people: {known})")]
    UnknownPerson { name: String, known: String },
    #[error("this database holds several people ({0}); choose one with --person NAME")]
    SeveralPeople(String),
    #[error("a person named {0:?} is already in this database")]
    PersonExists(String),
    #[error("this person has no entry {0}; `vascalc entry list` shows the ids")]
    NoEntry(EntryId),
    #[error("the database is inconsistent: {0}")]
    Inconsistent(String),
    /// The database itself failed (open, write, read, a constraint): the store's own error.
    #[error(transparent)]
    Storage(Box<dyn std::error::Error + Send + Sync + 'static>),
}

pub type Result<T, E = RecordError> = std::result::Result<T, E>;

/// The operations on a record database. Every write is atomic: it lands whole or not at all.
///
/// Reads return entries by date, then in the order they were added.
pub trait RecordStore {
    // ----- people ------------------------------------------------------------------------

    /// Everyone in the database, by name.
    fn people(&self) -> Result<Vec<(PersonId, Person)>>;

    /// Adds a person ([`RecordError::PersonExists`] if the name is taken).
    fn add_person(&mut self, person: &Person) -> Result<PersonId>;

    /// Replaces the profile of `id` (the name may change, but not to one that is taken).
    fn update_person(&mut self, id: PersonId, person: &Person) -> Result<()>;

    /// Deletes a person and everything recorded about them.
    fn delete_person(&mut self, id: PersonId) -> Result<()>;

    /// The person named `name`, or the only person when `name` is None.
    fn select_person(&self, name: Option<&str>) -> Result<(PersonId, Person)> {
        let mut people = self.people()?;
        let names = |people: &[(PersonId, Person)]| {
            people
                .iter()
                .map(|(_, p)| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(name) => match people.iter().position(|(_, p)| p.name == name) {
                Some(i) => Ok(people.swap_remove(i)),
                None if people.is_empty() => Err(RecordError::NoPerson),
                None => Err(RecordError::UnknownPerson {
                    name: name.to_owned(),
                    known: names(&people),
                }),
            },
            None => match people.len() {
                0 => Err(RecordError::NoPerson),
                1 => Ok(people.swap_remove(0)),
                _ => Err(RecordError::SeveralPeople(names(&people))),
            },
        }
    }

    // ----- entries -----------------------------------------------------------------------

    /// Adds one entry; returns its new id (never one an earlier entry had).
    fn add_entry(&mut self, person: PersonId, entry: &Entry) -> Result<EntryId>;

    /// Adds several entries in one transaction; returns their ids in order.
    fn add_entries(&mut self, person: PersonId, entries: &[Entry]) -> Result<Vec<EntryId>>;

    /// Replaces the entry `id` of `person` by `entry` (of the same kind); the id stays.
    fn replace_entry(&mut self, person: PersonId, id: EntryId, entry: &Entry) -> Result<()>;

    /// Moves the entry `id` of `person` to `date` (a course's start; a course that would then
    /// start after its end is left as it is: [`RecordError::NoEntry`]).
    fn set_entry_date(&mut self, person: PersonId, id: EntryId, date: Date) -> Result<()>;

    /// Deletes the entry `id` of `person`; returns what it was.
    fn delete_entry(&mut self, person: PersonId, id: EntryId) -> Result<Entry>;

    /// Deletes several entries of `person` in one transaction (all or none); returns what they
    /// were.
    fn delete_entries(&mut self, person: PersonId, ids: &[EntryId]) -> Result<Vec<Entry>>;

    /// `person`'s entries of `kind` with their ids, by date.
    fn entries_of(&self, person: PersonId, kind: EntryKind) -> Result<Vec<(EntryId, Entry)>>;

    /// All of `person`'s entries with their ids, by date, then kind, then as added.
    fn entries(&self, person: PersonId) -> Result<Vec<(EntryId, Entry)>> {
        let mut all = Vec::new();
        for kind in EntryKind::ALL {
            all.extend(self.entries_of(person, kind)?);
        }
        all.sort_by_key(|(id, e)| (e.date(), *id));
        Ok(all)
    }

    /// The entry `id` of `person` ([`RecordError::NoEntry`] when `person` has none by that id).
    fn entry(&self, person: PersonId, id: EntryId) -> Result<Entry> {
        self.entries_of(person, id.kind)?
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, e)| e)
            .ok_or(RecordError::NoEntry(id))
    }

    /// Ends the open course(s) of medication `name` on `end`; returns how many were ended.
    fn end_medication(&mut self, person: PersonId, name: &str, end: Date) -> Result<usize>;

    /// Sets the kind of the courses and doses of medication `name` (any case) recorded with kind
    /// `from` to `to`; returns (courses, doses) changed.
    fn reclassify_medication(
        &mut self,
        person: PersonId,
        name: &str,
        from: &str,
        to: &str,
    ) -> Result<(usize, usize)>;

    /// Adds or replaces one of the person's own foods or recipes.
    fn put_own_food(&mut self, person: PersonId, food: &OwnFood) -> Result<()>;

    // ----- reading -----------------------------------------------------------------------

    /// The record's revision: a number that every change to the record (any person, any
    /// entry, whichever process writes) raises, so that a result computed from the record can
    /// be kept while it is unchanged.
    fn revision(&self) -> Result<i64>;

    fn scans(&self, person: PersonId) -> Result<Vec<Scan>>;
    fn labs(&self, person: PersonId) -> Result<Vec<Lab>>;
    fn vitals(&self, person: PersonId) -> Result<Vec<Vitals>>;
    /// From `since` on (all when None).
    fn activity(&self, person: PersonId, since: Option<Date>) -> Result<Vec<Activity>>;
    fn smoking(&self, person: PersonId) -> Result<Vec<Smoking>>;
    fn alcohol(&self, person: PersonId) -> Result<Vec<Alcohol>>;
    /// By start date.
    fn medications(&self, person: PersonId) -> Result<Vec<Medication>>;
    /// From `since` on (all when None).
    fn doses(&self, person: PersonId, since: Option<Date>) -> Result<Vec<MedDose>>;
    /// By food id.
    fn own_foods(&self, person: PersonId) -> Result<Vec<OwnFood>>;
    /// From `since` on (all when None).
    fn foods(&self, person: PersonId, since: Option<Date>) -> Result<Vec<FoodEntry>>;

    /// Grams of each food eaten on each day from `since` on, with the number of entries:
    /// `(date, food_id, grams, entries)` sorted by date then food id.
    fn food_grams_by_day(
        &self,
        person: PersonId,
        since: Option<Date>,
    ) -> Result<Vec<(Date, String, f64, u32)>>;

    /// Days with at least one food-log entry from `since` on.
    fn food_logged_days(&self, person: PersonId, since: Option<Date>) -> Result<Vec<Date>>;

    /// The food-log entries of one day with their ids, in the order they were logged.
    fn food_entries_on(&self, person: PersonId, date: Date) -> Result<Vec<(EntryId, FoodEntry)>> {
        Ok(self
            .entries_of(person, EntryKind::Food)?
            .into_iter()
            .filter_map(|(id, e)| match e {
                Entry::Food(f) if f.date == date => Some((id, f)),
                _ => None,
            })
            .collect())
    }

    // ----- whole records -----------------------------------------------------------------

    /// Everything recorded about one person.
    fn record(&self, id: PersonId, person: Person) -> Result<PersonRecord> {
        Ok(PersonRecord {
            person,
            scans: self.scans(id)?,
            labs: self.labs(id)?,
            vitals: self.vitals(id)?,
            activity: self.activity(id, None)?,
            smoking: self.smoking(id)?,
            alcohol: self.alcohol(id)?,
            medications: self.medications(id)?,
            doses: self.doses(id, None)?,
            own_foods: self.own_foods(id)?,
            foods: self.foods(id, None)?,
        })
    }

    /// Imports whole records in one transaction: all of them, or nothing. A person whose name is
    /// already in the database is [`RecordError::PersonExists`] unless `replace`, which first
    /// deletes that person's record.
    fn import(&mut self, records: &[PersonRecord], replace: bool) -> Result<()>;
}
