//! Entries by id: every row a person adds (a scan, a lab result, vitals, activity, smoking,
//! alcohol, a medication course, a dose, a food-log entry) has an id `KIND:N` (`lab:12`) that
//! stays the entry's for as long as it exists, so that it can be shown, edited and deleted.
//!
//! The number is given by the store: never one an earlier entry of the kind had (a deleted
//! entry's id is not reused), and kept when the entry is edited. An export carries no ids: an
//! import gives the entries new ones.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize, Serializer};

use crate::{Activity, Alcohol, FoodEntry, Lab, MedDose, Medication, Scan, Smoking, Vitals};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl Entry {
    /// The kind of the entry.
    pub fn kind(&self) -> EntryKind {
        match self {
            Self::Scan(_) => EntryKind::Scan,
            Self::Lab(_) => EntryKind::Lab,
            Self::Vitals(_) => EntryKind::Vitals,
            Self::Activity(_) => EntryKind::Activity,
            Self::Smoking(_) => EntryKind::Smoking,
            Self::Alcohol(_) => EntryKind::Alcohol,
            Self::Medication(_) => EntryKind::Medication,
            Self::Dose(_) => EntryKind::Dose,
            Self::Food(_) => EntryKind::Food,
        }
    }
}
