//! `vascalc entry list|delete|edit`: every entry of the record by its id (`lab:12`), so that a
//! mistake can be corrected. `vascalc lab edit` changes a lab result's value, unit or date.
//!
//! Other values are corrected by deleting the entry and adding it again; an entry's date can be
//! moved with `entry edit ID --date D`. The plan, progress and export read the record as it is
//! after the change.

use serde::Serialize;
use vascalc_store::{BodyMeasure, Entry, EntryId, EntryKind, Units};

use super::{DbArg, PersonArg, dates, flag_date, fmt_body, fmt_num};
use crate::exit::CliResult;
use crate::output::{Format, print_json};

#[derive(Debug, clap::Args)]
pub(crate) struct EntryArgs {
    #[command(subcommand)]
    command: EntryCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EntryCommand {
    /// Every entry with its id, oldest first: `vascalc entry list --kind lab`.
    List(ListArgs),
    /// Delete entries by id: `vascalc entry delete lab:12 food:40`.
    Delete(DeleteArgs),
    /// Move an entry to another day: `vascalc entry edit lab:12 --date 2025-03-02`.
    Edit(EditArgs),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only entries of this kind: scan, lab, vitals, activity, smoking, alcohol, med, dose, food.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<EntryKind>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct DeleteArgs {
    /// Entry ids as `vascalc entry list` shows them (KIND:N).
    #[arg(required = true, value_parser = parse_id)]
    ids: Vec<EntryId>,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct EditArgs {
    /// The entry id (KIND:N).
    #[arg(value_parser = parse_id)]
    id: EntryId,
    /// The new day (a course's start).
    #[arg(long)]
    date: String,
    #[command(flatten)]
    person: PersonArg,
    #[command(flatten)]
    db: DbArg,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn parse_id(text: &str) -> Result<EntryId, String> {
    text.parse()
        .map_err(|e: vascalc_store::BadEntryId| e.to_string())
}

fn parse_kind(text: &str) -> Result<EntryKind, String> {
    EntryKind::parse(text).ok_or_else(|| {
        format!(
            "{text:?} is not a kind of entry: one of {}",
            EntryKind::ALL.map(EntryKind::name).join(", ")
        )
    })
}

pub(super) fn run(args: EntryArgs) -> CliResult {
    match args.command {
        EntryCommand::List(args) => list(args),
        EntryCommand::Delete(args) => delete(args),
        EntryCommand::Edit(args) => edit(args),
    }
}

/// An entry with its id, as `--format json` gives it.
#[derive(Serialize)]
pub(super) struct Row<'a> {
    pub id: EntryId,
    #[serde(flatten)]
    pub entry: &'a Entry,
}

fn list(args: ListArgs) -> CliResult {
    let app = args.db.app_read()?;
    let (person, entries) = app.entries(args.person.person.as_deref(), args.kind)?;
    if args.format == Format::Json {
        let rows: Vec<Row<'_>> = entries
            .iter()
            .map(|(id, entry)| Row { id: *id, entry })
            .collect();
        print_json(&rows)?;
        return Ok(());
    }
    let mut out = String::new();
    for (id, entry) in &entries {
        out.push_str(&format!(
            "{:<14} {}  {}\n",
            id.to_string(),
            entry.date(),
            describe(entry, person.units)
        ));
    }
    crate::out!("{out}")?;
    Ok(())
}

fn delete(args: DeleteArgs) -> CliResult {
    let mut app = args.db.app()?;
    // All ids are checked before anything is deleted.
    let (person, deleted) = app.delete_entries(args.person.person.as_deref(), &args.ids)?;
    if args.format == Format::Json {
        let rows: Vec<Row<'_>> = deleted
            .iter()
            .map(|(id, entry)| Row { id: *id, entry })
            .collect();
        print_json(&rows)?;
        return Ok(());
    }
    for (id, entry) in &deleted {
        crate::outln!(
            "deleted for {}: {id} {}  {}",
            person.name,
            entry.date(),
            describe(entry, person.units)
        )?;
    }
    Ok(())
}

fn edit(args: EditArgs) -> CliResult {
    let date = dates::arg_or_today(Some(&args.date), "--date")?;
    let mut app = args.db.app()?;
    let change = app
        .move_entry(args.person.person.as_deref(), args.id, date)
        .map_err(flag_date)?;
    if args.format == Format::Json {
        print_json(&Row {
            id: args.id,
            entry: &change.after,
        })?;
        return Ok(());
    }
    crate::outln!(
        "changed for {}: {} {} → {}  {}",
        change.person,
        args.id,
        change.before.date(),
        change.after.date(),
        describe(&change.after, change.units)
    )?;
    Ok(())
}

/// One line about an entry: lab values in the units the person reads (`units`), others in
/// their stored units.
pub(super) fn describe(entry: &Entry, units: Option<Units>) -> String {
    match entry {
        Entry::Scan(s) => format!(
            "scan: Agatston {} ({})",
            fmt_num(s.agatston),
            s.source.as_str()
        ),
        Entry::Lab(l) => {
            let (value, unit) = super::labs::shown(l, units);
            format!("lab: {} {} {unit}", l.analyte, fmt_num(value))
        }
        Entry::Vitals(v) => {
            let mut parts = Vec::new();
            if let (Some(s), Some(d)) = (v.systolic_mm_hg, v.diastolic_mm_hg) {
                parts.push(format!("blood pressure {}/{} mmHg", fmt_num(s), fmt_num(d)));
            } else if let Some(s) = v.systolic_mm_hg {
                parts.push(format!("systolic {} mmHg", fmt_num(s)));
            }
            if let Some(w) = v.weight_kg {
                parts.push(format!(
                    "weight {}",
                    fmt_body(BodyMeasure::Weight, w, units)
                ));
            }
            if let Some(w) = v.waist_cm {
                parts.push(format!("waist {}", fmt_body(BodyMeasure::Waist, w, units)));
            }
            format!("vitals: {}", parts.join(", "))
        }
        Entry::Activity(a) => format!("activity: {} {} min", a.kind, fmt_num(a.minutes)),
        Entry::Smoking(s) => format!("smoking: {}", s.status),
        Entry::Alcohol(a) => format!("alcohol: {} drinks/week", fmt_num(a.drinks_per_week)),
        Entry::Medication(m) => format!(
            "course: {}{} ({}){}",
            m.name,
            match (m.dose, m.unit.as_deref()) {
                (Some(d), Some(u)) => format!(" {} {u}", fmt_num(d)),
                _ => String::new(),
            },
            m.kind,
            m.end.map(|e| format!(", until {e}")).unwrap_or_default()
        ),
        Entry::Dose(d) => format!(
            "dose taken: {} {} {} ({})",
            d.name,
            fmt_num(d.dose),
            d.unit,
            d.kind
        ),
        Entry::Food(f) => format!(
            "food: {} {} g{}",
            f.food_id,
            fmt_num(f.grams),
            f.portion
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default()
        ),
    }
}
