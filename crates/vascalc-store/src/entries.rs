//! Entries by id in SQLite: an entry's id `KIND:N` (`lab:12`) is the row's
//! `INTEGER PRIMARY KEY AUTOINCREMENT` in the kind's table (schema version 5 on), so that a
//! deleted entry's id is never given again; an edit rewrites the row under the same id.

use jiff::civil::Date;
use rusqlite::{Connection, params};

use crate::{
    Entry, EntryId, EntryKind, Lab, PersonId, RecordError, Result, Store, StoreError, insert_entry,
};

/// The table of a kind's entries.
pub(crate) fn table(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Scan => "scan",
        EntryKind::Lab => "lab",
        EntryKind::Vitals => "vitals",
        EntryKind::Activity => "activity",
        EntryKind::Smoking => "smoking",
        EntryKind::Alcohol => "alcohol",
        EntryKind::Medication => "medication",
        EntryKind::Dose => "med_dose",
        EntryKind::Food => "food_log",
    }
}

/// The column that holds the entry's date (a course's start).
fn date_column(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Medication => "start_date",
        _ => "date",
    }
}

impl Store {
    /// The ids of `person`'s entries of `kind`, in the order the typed reads give them
    /// ([`Store::labs`] …: by date, then as added).
    fn ids_of(&self, person: PersonId, kind: EntryKind) -> Result<Vec<EntryId>> {
        let sql = format!(
            "SELECT id FROM {} WHERE person_id = ?1 ORDER BY {}, id",
            table(kind),
            date_column(kind)
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
            return Err(RecordError::Inconsistent(format!(
                "{} ids for {} {} entries",
                ids.len(),
                entries.len(),
                kind.name()
            ))
            .into());
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

    /// The entry `id` of `person` ([`RecordError::NoEntry`] when `person` has none by that id).
    pub fn entry(&self, person: PersonId, id: EntryId) -> Result<Entry> {
        self.entries_of(person, id.kind)?
            .into_iter()
            .find(|(i, _)| *i == id)
            .map(|(_, e)| e)
            .ok_or(StoreError::Record(RecordError::NoEntry(id)))
    }

    /// Deletes the entry `id` of `person`; returns what it was.
    pub fn delete_entry(&mut self, person: PersonId, id: EntryId) -> Result<Entry> {
        Ok(self.delete_entries(person, &[id])?.remove(0))
    }

    /// Deletes the entries `ids` of `person` in one transaction: all of them, or none when one
    /// is not `person`'s. Returns what they were.
    pub fn delete_entries(&mut self, person: PersonId, ids: &[EntryId]) -> Result<Vec<Entry>> {
        let mut before = Vec::with_capacity(ids.len());
        for id in ids {
            before.push(self.entry(person, *id)?);
        }
        self.write(|tx| {
            for id in ids {
                delete_row(tx, person, *id)?;
            }
            Ok(())
        })?;
        Ok(before)
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
                    table(id.kind),
                    date_column(id.kind)
                ),
                params![date.to_string(), id.row, person.0],
            )?;
            if n == 0 {
                return Err(RecordError::NoEntry(id).into());
            }
            Ok(())
        })
    }

    /// Replaces the entry `id` of `person` by `entry`, which must be of the same kind; the id
    /// stays the entry's.
    pub fn replace_entry(&mut self, person: PersonId, id: EntryId, entry: &Entry) -> Result<()> {
        if entry.kind() != id.kind {
            return Err(RecordError::NoEntry(id).into());
        }
        self.write(|tx| {
            delete_row(tx, person, id)?;
            insert_entry(tx, person, entry, Some(id.row))?;
            Ok(())
        })
    }

    /// Replaces the lab result `id` of `person` with `lab`.
    pub fn replace_lab(&mut self, person: PersonId, id: EntryId, lab: &Lab) -> Result<()> {
        self.replace_entry(person, id, &Entry::Lab(lab.clone()))
    }
}

fn delete_row(tx: &Connection, person: PersonId, id: EntryId) -> Result<()> {
    let n = tx.execute(
        &format!(
            "DELETE FROM {} WHERE id = ?1 AND person_id = ?2",
            table(id.kind)
        ),
        params![id.row, person.0],
    )?;
    if n == 0 {
        return Err(RecordError::NoEntry(id).into());
    }
    Ok(())
}
