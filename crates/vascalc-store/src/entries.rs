//! Entries by id: every row a person adds (a scan, a lab result, vitals, activity, smoking,
//! alcohol, a medication course, a dose, a food-log entry) has an id `KIND:N` (`lab:12`) that
//! stays the entry's for as long as it exists, so that it can be shown, edited and deleted.
//!
//! The number is the row's `INTEGER PRIMARY KEY` in its table; it survives `VACUUM` and every
//! other write. An export carries no ids: an import gives the entries new ones.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use rusqlite::params;
use serde::{Serialize, Serializer};

use crate::{
    Activity, Alcohol, FoodEntry, Lab, MedDose, Medication, PersonId, Result, Scan, Smoking, Store,
    StoreError, Vitals,
};

/// The kinds of entries, with the name their ids start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    Scan,
    Lab,
    Vitals,
    Activity,
    Smoking,
    Alcohol,
    Medication,
    Dose,
    Food,
}

impl EntryKind {
    pub const ALL: [Self; 9] = [
        Self::Scan,
        Self::Lab,
        Self::Vitals,
        Self::Activity,
        Self::Smoking,
        Self::Alcohol,
        Self::Medication,
        Self::Dose,
        Self::Food,
    ];

    /// The prefix of the kind's ids (`lab` in `lab:12`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::Lab => "lab",
            Self::Vitals => "vitals",
            Self::Activity => "activity",
            Self::Smoking => "smoking",
            Self::Alcohol => "alcohol",
            Self::Medication => "med",
            Self::Dose => "dose",
            Self::Food => "food",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    fn table(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::Lab => "lab",
            Self::Vitals => "vitals",
            Self::Activity => "activity",
            Self::Smoking => "smoking",
            Self::Alcohol => "alcohol",
            Self::Medication => "medication",
            Self::Dose => "med_dose",
            Self::Food => "food_log",
        }
    }

    /// The column that holds the entry's date (a course's start).
    fn date_column(self) -> &'static str {
        match self {
            Self::Medication => "start_date",
            _ => "date",
        }
    }
}

/// The id of one entry: its kind and its row number (`lab:12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId {
    pub kind: EntryKind,
    pub row: i64,
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.row)
    }
}

impl Serialize for EntryId {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a text is not an entry id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an entry id: ids are KIND:N with KIND one of scan, lab, vitals, activity, \
     smoking, alcohol, med, dose, food (`vascalc entry list` shows them)"
)]
pub struct BadEntryId(pub String);

impl FromStr for EntryId {
    type Err = BadEntryId;

    fn from_str(s: &str) -> std::result::Result<Self, BadEntryId> {
        let bad = || BadEntryId(s.to_owned());
        let (kind, row) = s.trim().split_once(':').ok_or_else(bad)?;
        let kind = EntryKind::parse(&kind.to_ascii_lowercase()).ok_or_else(bad)?;
        let row: i64 = row.parse().map_err(|_| bad())?;
        if row < 1 {
            return Err(bad());
        }
        Ok(Self { kind, row })
    }
}

/// One entry of any kind, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "entry", rename_all = "snake_case")]
pub enum Entry {
    Scan(Scan),
    Lab(Lab),
    Vitals(Vitals),
    Activity(Activity),
    Smoking(Smoking),
    Alcohol(Alcohol),
    Medication(Medication),
    Dose(MedDose),
    Food(FoodEntry),
}

impl Entry {
    /// The day of the entry (a course's start).
    pub fn date(&self) -> Date {
        match self {
            Self::Scan(e) => e.date,
            Self::Lab(e) => e.date,
            Self::Vitals(e) => e.date,
            Self::Activity(e) => e.date,
            Self::Smoking(e) => e.date,
            Self::Alcohol(e) => e.date,
            Self::Medication(e) => e.start,
            Self::Dose(e) => e.date,
            Self::Food(e) => e.date,
        }
    }
}

impl Store {
    /// The ids of `person`'s entries of `kind`, in the order the typed reads give them
    /// ([`Store::labs`] …: by date, then as added).
    fn ids_of(&self, person: PersonId, kind: EntryKind) -> Result<Vec<EntryId>> {
        let sql = format!(
            "SELECT id FROM {} WHERE person_id = ?1 ORDER BY {}, id",
            kind.table(),
            kind.date_column()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([person.0], |r| {
            Ok(EntryId {
                kind,
                row: r.get(0)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `person`'s entries of `kind` with their ids, by date.
    pub fn entries_of(&self, person: PersonId, kind: EntryKind) -> Result<Vec<(EntryId, Entry)>> {
        // One read transaction, so that the ids and the rows are of the same moment.
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let result = self.entries_of_in_tx(person, kind);
        self.conn.execute_batch("COMMIT")?;
        result
    }

    fn entries_of_in_tx(&self, person: PersonId, kind: EntryKind) -> Result<Vec<(EntryId, Entry)>> {
        let ids = self.ids_of(person, kind)?;
        let entries: Vec<Entry> = match kind {
            EntryKind::Scan => self.scans(person)?.into_iter().map(Entry::Scan).collect(),
            EntryKind::Lab => self.labs(person)?.into_iter().map(Entry::Lab).collect(),
            EntryKind::Vitals => self
                .vitals(person)?
                .into_iter()
                .map(Entry::Vitals)
                .collect(),
            EntryKind::Activity => self
                .activity(person, None)?
                .into_iter()
                .map(Entry::Activity)
                .collect(),
            EntryKind::Smoking => self
                .smoking(person)?
                .into_iter()
                .map(Entry::Smoking)
                .collect(),
            EntryKind::Alcohol => self
                .alcohol(person)?
                .into_iter()
                .map(Entry::Alcohol)
                .collect(),
            EntryKind::Medication => self
                .medications(person)?
                .into_iter()
                .map(Entry::Medication)
                .collect(),
            EntryKind::Dose => self
                .doses(person, None)?
                .into_iter()
                .map(Entry::Dose)
                .collect(),
            EntryKind::Food => self
                .foods(person, None)?
                .into_iter()
                .map(Entry::Food)
                .collect(),
        };
        if ids.len() != entries.len() {
            return Err(StoreError::Inconsistent(format!(
                "{} ids for {} {} entries",
                ids.len(),
                entries.len(),
                kind.name()
            )));
        }
        Ok(ids.into_iter().zip(entries).collect())
    }

    /// All of `person`'s entries with their ids, by date, then kind, then as added.
    pub fn entries(&self, person: PersonId) -> Result<Vec<(EntryId, Entry)>> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let mut all = Vec::new();
        let mut result = Ok(());
        for kind in EntryKind::ALL {
            match self.entries_of_in_tx(person, kind) {
                Ok(entries) => all.extend(entries),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.conn.execute_batch("COMMIT")?;
        result?;
        all.sort_by_key(|(id, e)| (e.date(), *id));
        Ok(all)
    }

    /// The entry `id` of `person` ([`StoreError::NoEntry`] when `person` has none by that id).
    pub fn entry(&self, person: PersonId, id: EntryId) -> Result<Entry> {
        self.entries_of(person, id.kind)?
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, e)| e)
            .ok_or(StoreError::NoEntry(id))
    }

    /// Deletes the entry `id` of `person`; returns what it was.
    pub fn delete_entry(&mut self, person: PersonId, id: EntryId) -> Result<Entry> {
        let entry = self.entry(person, id)?;
        self.write(|tx| {
            let n = tx.execute(
                &format!(
                    "DELETE FROM {} WHERE id = ?1 AND person_id = ?2",
                    id.kind.table()
                ),
                params![id.row, person.0],
            )?;
            if n == 0 {
                return Err(StoreError::NoEntry(id));
            }
            Ok(())
        })?;
        Ok(entry)
    }

    /// Moves the entry `id` of `person` to `date` (a course's start; a course may not then
    /// start after its end).
    pub fn set_entry_date(&mut self, person: PersonId, id: EntryId, date: Date) -> Result<()> {
        self.write(|tx| {
            let extra = if id.kind == EntryKind::Medication {
                " AND (end_date IS NULL OR end_date >= ?1)"
            } else {
                ""
            };
            let n = tx.execute(
                &format!(
                    "UPDATE {} SET {} = ?1 WHERE id = ?2 AND person_id = ?3{extra}",
                    id.kind.table(),
                    id.kind.date_column()
                ),
                params![date.to_string(), id.row, person.0],
            )?;
            if n == 0 {
                return Err(StoreError::NoEntry(id));
            }
            Ok(())
        })
    }

    /// Replaces the lab result `id` of `person` with `lab`.
    pub fn replace_lab(&mut self, person: PersonId, id: EntryId, lab: &Lab) -> Result<()> {
        if id.kind != EntryKind::Lab {
            return Err(StoreError::NoEntry(id));
        }
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE lab SET date = ?1, analyte = ?2, loinc = ?3, value = ?4, unit = ?5
                 WHERE id = ?6 AND person_id = ?7",
                params![
                    lab.date.to_string(),
                    lab.analyte,
                    lab.loinc,
                    lab.value,
                    lab.unit,
                    id.row,
                    person.0
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NoEntry(id));
            }
            Ok(())
        })
    }
}
