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

/// The export as CSV (`vascalc export --format csv`), one row per recorded value:
/// `person,table,date,item,value,unit,detail`. Numbers as stored, dates ISO.
pub fn to_csv(doc: &Export) -> String {
    let mut out = String::from("person,table,date,item,value,unit,detail\n");
    let mut row = |p: &str,
                   table: &str,
                   date: &dyn std::fmt::Display,
                   item: &str,
                   value: String,
                   unit: &str,
                   detail: &str| {
        let fields = [p, table, &date.to_string(), item, &value, unit, detail].map(csv_field);
        out.push_str(&fields.join(","));
        out.push('\n');
    };
    let num = |v: f64| v.to_string();
    for r in &doc.people {
        let p = r.person.name.as_str();
        let person = &r.person;
        let none = "";
        if let Some(b) = person.birth_date {
            row(p, "profile", &none, "birth_date", b.to_string(), "", "");
        }
        for (item, v) in [
            ("sex", person.sex.map(|s| s.as_str())),
            ("race", person.race.map(|r| r.as_str())),
        ] {
            if let Some(v) = v {
                row(p, "profile", &none, item, v.to_owned(), "", "");
            }
        }
        if let Some(h) = person.height_cm {
            row(p, "profile", &none, "height", num(h), "cm", "");
        }
        for (item, v) in [
            ("diabetes", person.diabetes),
            ("family_history_mi", person.family_history_mi),
        ] {
            if let Some(v) = v {
                row(p, "profile", &none, item, v.to_string(), "", "");
            }
        }
        for s in &r.scans {
            let detail = s.source.as_str();
            row(p, "scan", &s.date, "agatston", num(s.agatston), "", detail);
            let a = &s.per_artery;
            for (item, v) in [
                ("agatston_lm", a.lm),
                ("agatston_lad", a.lad),
                ("agatston_lcx", a.lcx),
                ("agatston_rca", a.rca),
            ] {
                if let Some(v) = v {
                    row(p, "scan", &s.date, item, num(v), "", detail);
                }
            }
            if let Some(v) = s.volume_mm3 {
                row(p, "scan", &s.date, "volume", num(v), "mm3", detail);
            }
            if let Some(v) = s.mass_mg {
                row(p, "scan", &s.date, "mass", num(v), "mg", detail);
            }
        }
        for l in &r.labs {
            let loinc = l
                .loinc
                .as_deref()
                .map(|c| format!("LOINC {c}"))
                .unwrap_or_default();
            row(p, "lab", &l.date, &l.analyte, num(l.value), &l.unit, &loinc);
        }
        for v in &r.vitals {
            for (item, x, unit) in [
                ("systolic", v.systolic_mm_hg, "mmHg"),
                ("diastolic", v.diastolic_mm_hg, "mmHg"),
                ("weight", v.weight_kg, "kg"),
                ("waist", v.waist_cm, "cm"),
            ] {
                if let Some(x) = x {
                    row(p, "vitals", &v.date, item, num(x), unit, "");
                }
            }
        }
        for a in &r.activity {
            row(
                p,
                "activity",
                &a.date,
                a.kind.as_str(),
                num(a.minutes),
                "min",
                "",
            );
        }
        for s in &r.smoking {
            let detail = s.quit_date.map(|q| format!("quit {q}")).unwrap_or_default();
            row(
                p,
                "smoking",
                &s.date,
                s.status.as_str(),
                s.pack_years.map(num).unwrap_or_default(),
                "pack-years",
                &detail,
            );
        }
        for a in &r.alcohol {
            row(
                p,
                "alcohol",
                &a.date,
                "drinks",
                num(a.drinks_per_week),
                "per week",
                "",
            );
        }
        for m in &r.medications {
            let detail = match m.end {
                Some(e) => format!("{}; until {e}", m.kind),
                None => m.kind.clone(),
            };
            row(
                p,
                "medication",
                &m.start,
                &m.name,
                m.dose.map(num).unwrap_or_default(),
                m.unit.as_deref().unwrap_or(""),
                &detail,
            );
        }
        for d in &r.doses {
            row(p, "dose", &d.date, &d.name, num(d.dose), &d.unit, &d.kind);
        }
        for f in &r.foods {
            row(
                p,
                "food",
                &f.date,
                &f.food_id,
                num(f.grams),
                "g",
                f.portion.as_deref().unwrap_or(""),
            );
        }
    }
    out
}

/// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;
    use super::parse_export as parse;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("1 cup, chopped"), "\"1 cup, chopped\"");
        assert_eq!(csv_field("5\" piece"), "\"5\"\" piece\"");
    }

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
