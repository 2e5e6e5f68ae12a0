//! Export and import of whole records: the export document (`{"format":"vascalc-record",
//! "version":1,"people":[…]}`), checked whole before anything is written.

use jiff::civil::Date;
use serde::Serialize;
use vascalc_record::{Export, PersonRecord, RecordStore};

use crate::error::{AppError, AppResult};
use crate::{App, foods, validate};

/// Reads an export document, refusing other formats and versions in words.
pub fn parse_export(text: &str) -> AppResult<Export> {
    let bad = |reason: String| AppError::invalid("", "", reason);
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let format = value.get("format").and_then(|f| f.as_str());
    if format != Some(Export::FORMAT) {
        return Err(AppError::invalid(
            "format",
            format.unwrap_or_default(),
            format!(
                "not a vascalc export (\"format\" is {format:?}, expected {:?})",
                Export::FORMAT
            ),
        ));
    }
    let version = value.get("version").and_then(|v| v.as_u64());
    if version != Some(u64::from(Export::VERSION)) {
        return Err(AppError::invalid(
            "version",
            version.map(|v| v.to_string()).unwrap_or_default(),
            format!(
                "export version {version:?}; this vascalc reads version {}",
                Export::VERSION
            ),
        ));
    }
    // Parse from the text again for error positions (line, column) in the message.
    serde_json::from_str(text).map_err(|e| bad(format!("{e}")))
}

/// Checks every record of `doc` as of `today`: the message names the record
/// (`people[0] (Ann): labs[3]: …`). Not found when it holds no one.
pub fn check_export(doc: &Export, today: Date) -> AppResult<()> {
    for (i, record) in doc.people.iter().enumerate() {
        let part = format!("people[{i}] ({})", record.person.name);
        let foods = foods::Foods::new(&record.own_foods).map_err(|e| e.within(&part))?;
        validate::record(record, today, &|id| foods.known(id)).map_err(|e| e.within(&part))?;
    }
    Ok(())
}

/// The number of entries of a record (own foods are definitions, not entries).
pub fn entry_count(r: &PersonRecord) -> usize {
    r.scans.len()
        + r.labs.len()
        + r.vitals.len()
        + r.activity.len()
        + r.smoking.len()
        + r.alcohol.len()
        + r.medications.len()
        + r.doses.len()
        + r.foods.len()
}

/// A person's record and its number of entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub person: String,
    pub entries: usize,
}

impl<S: RecordStore> App<S> {
    /// The export document of the people named (everyone when `names` is empty).
    pub fn export(&self, names: &[String]) -> AppResult<Export> {
        let mut people = Vec::new();
        if names.is_empty() {
            for (id, person) in self.store().people()? {
                people.push(self.store().record(id, person)?);
            }
        } else {
            for name in names {
                let (id, person) = self.person(Some(name))?;
                people.push(self.store().record(id, person)?);
            }
        }
        Ok(Export::new(people))
    }

    /// The records in the store that importing `doc` with `replace` would discard.
    pub fn replaced_by(&self, doc: &Export) -> AppResult<Vec<Imported>> {
        let mut discarded = Vec::new();
        for (id, person) in self.store().people()? {
            if doc.people.iter().any(|r| r.person.name == person.name) {
                discarded.push(Imported {
                    entries: self.store().entries(id)?.len(),
                    person: person.name,
                });
            }
        }
        Ok(discarded)
    }

    /// Imports the records of `doc`, all of them or none: each is checked first; a person
    /// already in the store is a conflict unless `replace`.
    pub fn import(&mut self, doc: &Export, replace: bool) -> AppResult<Vec<Imported>> {
        if doc.people.is_empty() {
            return Err(AppError::NotFound(
                "the export holds no people (\"people\" is empty); nothing was imported".into(),
            ));
        }
        check_export(doc, self.today())?;
        self.store_mut().import(&doc.people, replace)?;
        Ok(doc
            .people
            .iter()
            .map(|p| Imported {
                person: p.person.name.clone(),
                entries: entry_count(p),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_export as parse;

    #[test]
    fn other_documents_are_refused() {
        let msg = |text: &str| parse(text).unwrap_err().to_string();
        assert!(msg("[]").contains("not a vascalc export"));
        assert!(
            msg("{\"format\":\"vascalc-record\",\"version\":9,\"people\":[]}").contains("version")
        );
        assert!(
            msg("{\"format\":\"vascalc-record\",\"version\":1,\"people\":[{}]}").contains("person")
        );
        assert!(parse("{\"format\":\"vascalc-record\",\"version\":1,\"people\":[]}").is_ok());
    }
}
