//! `vascalc export` (JSON that `import` reads back exactly, or CSV) and `vascalc import`.

use std::io::{Read, Write};
use std::path::PathBuf;

use vascalc_app::{App, exchange};
use vascalc_store::Export;

use super::{DbArg, dates, invalid};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::Format;

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// Export only these people (repeatable) [default: everyone].
    #[arg(long, value_name = "NAME")]
    person: Vec<String>,
    /// json (the whole record, for `vascalc import`) or csv (one row per value).
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// A `vascalc export` JSON file, or - for stdin.
    file: PathBuf,
    /// Replace the record of a person already in the database instead of refusing (says what
    /// it would discard; needs --yes to do it).
    #[arg(long)]
    replace: bool,
    /// With --replace: discard the records named.
    #[arg(long, requires = "replace")]
    yes: bool,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn export(args: ExportArgs) -> CliResult {
    let app = args.db.app_read()?;
    let doc = app.export(&args.person)?;
    let text = match args.format {
        Format::Csv => to_csv(&doc),
        _ => serde_json::to_string_pretty(&doc)? + "\n",
    };
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(crate::output::OutputError)?;
        }
    }
    Ok(())
}

pub(super) fn import(args: ImportArgs) -> CliResult {
    let name = args.file.display().to_string();
    let mut text = String::new();
    let read = if name == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::File::open(&args.file).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
    };
    read.map_err(|e| invalid(format!("cannot read {name}: {e}")))?;
    let doc = exchange::parse_export(&text).map_err(|e| e.prefixed(&name))?;
    if doc.people.is_empty() {
        return Err(CliError::not_found(anyhow::anyhow!(
            "{name} holds no people (\"people\" is empty); nothing was imported"
        )));
    }
    // Checked whole before a database is created.
    exchange::check_export(&doc, dates::today()).map_err(|e| e.prefixed(&name))?;
    let mut app = App::new(args.db.create()?);
    if args.replace && !args.yes {
        let discarded: Vec<String> = app
            .replaced_by(&doc)?
            .iter()
            .map(|d| format!("{} ({} entries)", d.person, d.entries))
            .collect();
        if !discarded.is_empty() {
            return Err(CliError::new(
                Exit::Usage,
                anyhow::anyhow!(
                    "--replace would discard the record of {} in {} and put the file's in its \
                     place; add --yes to do it (`vascalc export` first keeps a copy)",
                    discarded.join(", "),
                    args.db.path()?.display()
                ),
            ));
        }
    }
    let imported = app.import(&doc, args.replace)?;
    if args.format == Format::Json {
        let v: Vec<_> = imported
            .iter()
            .map(|i| serde_json::json!({"person": i.person, "entries": i.entries}))
            .collect();
        crate::output::print_json(&serde_json::json!({"imported": v}))?;
    } else {
        for i in imported {
            crate::outln!("imported {}: {} entries", i.person, i.entries)?;
        }
    }
    Ok(())
}

/// One row per recorded value: `person,table,date,item,value,unit,detail`.
fn to_csv(doc: &Export) -> String {
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
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("1 cup, chopped"), "\"1 cup, chopped\"");
        assert_eq!(csv_field("5\" piece"), "\"5\"\" piece\"");
    }
}
