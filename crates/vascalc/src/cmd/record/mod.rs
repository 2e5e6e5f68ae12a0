//! The personal record: `profile`, `scan add`, `lab add`, `log`, `plan`, `progress`,
//! `export`, `import`, `demo`.
//!
//! Every command takes `--db FILE` (or `VASCALC_DB`); without either, the database is
//! `$XDG_DATA_HOME/vascalc/vascalc.db`. Values are checked here ([`validate`]) before anything is
//! written, and every write is one transaction, so bad input changes nothing.

mod context;
mod dates;
mod demo;
mod demo_phantom;
mod entry;
mod exchange;
mod food_log;
pub(crate) mod foods;
mod labs;
mod log;
mod plan;
mod profile;
mod progress;
mod scan;
mod validate;

use std::path::PathBuf;

use anyhow::anyhow;
use vascalc_store::{Person, PersonId, Store, StoreError};

use crate::exit::{CliError, CliResult};

pub use scan::{ScanAddArgs, run as scan_add};

/// Variants are boxed so that the top-level command enum stays small.
#[derive(Debug, clap::Subcommand)]
pub enum RecordCommand {
    /// Create, show, list or update the people in the record.
    Profile(Box<profile::ProfileArgs>),
    /// Add laboratory results (lipids, kidney, mineral, glucose, dp-ucMGP, T50).
    Lab(Box<lab_cmd::LabArgs>),
    /// Every entry by id (`lab:12`): list, delete, move to another day.
    Entry(Box<entry::EntryArgs>),
    /// Log food, activity, vital signs, medications and supplements.
    Log(Box<log::LogArgs>),
    /// The personal plan: items per pillar with targets, current values, evidence; safety alerts.
    Plan(Box<plan::PlanArgs>),
    /// Scan history, progression against the expected trajectory, next scan date.
    Progress(Box<progress::ProgressArgs>),
    /// Fill a demo database with a realistic made-up person and show the whole loop.
    Demo(Box<demo::DemoArgs>),
    /// Export the record as JSON (round-trips through `import`) or CSV.
    Export(Box<exchange::ExportArgs>),
    /// Import a JSON export; all of it or nothing.
    Import(Box<exchange::ImportArgs>),
}

pub fn run(command: RecordCommand) -> CliResult {
    match command {
        RecordCommand::Profile(args) => profile::run(*args),
        RecordCommand::Lab(args) => lab_cmd::run(*args),
        RecordCommand::Entry(args) => entry::run(*args),
        RecordCommand::Log(args) => log::run(*args),
        RecordCommand::Plan(args) => plan::run(*args),
        RecordCommand::Progress(args) => progress::run(*args),
        RecordCommand::Demo(args) => demo::run(*args),
        RecordCommand::Export(args) => exchange::export(*args),
        RecordCommand::Import(args) => exchange::import(*args),
    }
}

/// Where the database is: `--db` / `VASCALC_DB`, else the XDG default.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArg {
    /// The database file [default: $XDG_DATA_HOME/vascalc/vascalc.db].
    #[arg(long, env = "VASCALC_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub fn path(&self) -> CliResult<PathBuf> {
        match &self.db {
            Some(path) => Ok(path.clone()),
            None => vascalc_store::default_path().ok_or_else(|| {
                CliError::database(anyhow!(
                    "no database path: set --db FILE, VASCALC_DB, XDG_DATA_HOME or HOME"
                ))
            }),
        }
    }

    /// Opens the existing database for writing; a missing file is exit 4 naming the path
    /// (nothing is created).
    pub fn open(&self) -> CliResult<Store> {
        let path = self.path()?;
        Store::open_existing(&path).map_err(store_error)
    }

    /// Opens the existing database for reading only (works on a write-protected file or
    /// folder); a missing file is exit 4 naming the path.
    pub fn open_read(&self) -> CliResult<Store> {
        let path = self.path()?;
        Store::open_read_only(&path).map_err(store_error)
    }

    /// Opens the database, creating it (and its folder) when missing: only for the commands
    /// that create a person (`profile create`, `import`).
    pub fn create(&self) -> CliResult<Store> {
        let path = self.path()?;
        Store::open(&path).map_err(store_error)
    }
}

/// Which person a command is about.
#[derive(Debug, Clone, clap::Args)]
pub struct PersonArg {
    /// The person, by name (needed when the database holds several).
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
}

impl PersonArg {
    pub fn select(&self, store: &Store) -> CliResult<(PersonId, Person)> {
        store
            .select_person(self.person.as_deref())
            .map_err(store_error)
    }
}

/// Maps a store error to the exit code a user can act on.
pub fn store_error(err: StoreError) -> CliError {
    match err {
        StoreError::NoPerson
        | StoreError::UnknownPerson { .. }
        | StoreError::Missing { .. }
        | StoreError::NoEntry(_) => CliError::not_found(err),
        StoreError::SeveralPeople(_) | StoreError::PersonExists(_) => CliError::invalid_input(err),
        _ => CliError::database(err),
    }
}

/// An invalid-input error from a message.
pub fn invalid(message: impl std::fmt::Display) -> CliError {
    CliError::invalid_input(anyhow!("{message}"))
}

mod lab_cmd {
    //! `vascalc lab add`, `vascalc lab list`, `vascalc lab edit`.

    use super::{DbArg, PersonArg, dates, invalid, labs, store_error};
    use crate::exit::CliResult;
    use crate::output::{Format, print_json};
    use vascalc_store::{Entry, EntryId, EntryKind, Lab};

    #[derive(Debug, clap::Args)]
    pub struct LabArgs {
        #[command(subcommand)]
        command: LabCommand,
    }

    #[derive(Debug, clap::Subcommand)]
    enum LabCommand {
        /// Add one result: `vascalc lab add ldl 3.1 mmol/L --date 2025-03-02`.
        Add(AddArgs),
        /// List results with their ids, oldest first.
        List(ListArgs),
        /// Correct a result by id: `vascalc lab edit lab:12 3.4 mmol/L [--date D]`.
        Edit(EditArgs),
        /// The analytes vascalc knows, with LOINC codes and accepted units.
        Analytes(AnalytesArgs),
    }

    #[derive(Debug, clap::Args)]
    struct AddArgs {
        /// Analyte id, alias or LOINC code (see `vascalc lab analytes`).
        analyte: String,
        /// The value, in UNIT.
        #[arg(allow_negative_numbers = true, value_parser = super::number)]
        value: f64,
        /// The unit the value is in (SI or US conventional; stored converted).
        unit: String,
        /// Date of the sample [default: today].
        #[arg(long)]
        date: Option<String>,
        /// Replace the result(s) of the same analyte on the same day instead of keeping this
        /// one as a second result.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        person: PersonArg,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    }

    #[derive(Debug, clap::Args)]
    struct EditArgs {
        /// The result's id, as `vascalc lab list` shows it (lab:N).
        id: String,
        /// The corrected value, in UNIT.
        #[arg(allow_negative_numbers = true, requires = "unit", value_parser = super::number)]
        value: Option<f64>,
        /// The unit the corrected value is in.
        unit: Option<String>,
        /// The corrected date of the sample.
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        person: PersonArg,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    }

    #[derive(Debug, clap::Args)]
    struct ListArgs {
        #[command(flatten)]
        person: PersonArg,
        #[command(flatten)]
        db: DbArg,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    }

    #[derive(Debug, clap::Args)]
    struct AnalytesArgs {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    }

    pub fn run(args: LabArgs) -> CliResult {
        match args.command {
            LabCommand::Add(args) => add(args),
            LabCommand::List(args) => list(args),
            LabCommand::Edit(args) => edit(args),
            LabCommand::Analytes(args) => analytes(args),
        }
    }

    fn add(args: AddArgs) -> CliResult {
        let analyte = labs::find(&args.analyte).ok_or_else(|| {
            invalid(format!(
                "unknown analyte {:?}; `vascalc lab analytes` lists the ones vascalc knows",
                args.analyte
            ))
        })?;
        let value = analyte.to_stored(args.value, &args.unit).map_err(invalid)?;
        let date = dates::arg_or_today(args.date.as_deref(), "--date")?;
        let lab = Lab {
            date,
            analyte: analyte.id.to_owned(),
            loinc: Some(analyte.loinc().to_owned()),
            value,
            unit: analyte.unit().to_owned(),
        };
        let mut store = args.db.open()?;
        let (id, person) = args.person.select(&store)?;
        if let Some(birth) = person.birth_date.filter(|b| date < *b) {
            return Err(invalid(format!(
                "--date: {date} is before {}'s birth date ({birth})",
                person.name
            )));
        }
        let same_day: Vec<EntryId> = store
            .entries_of(id, EntryKind::Lab)
            .map_err(store_error)?
            .into_iter()
            .filter(
                |(_, e)| matches!(e, Entry::Lab(l) if l.date == date && l.analyte == lab.analyte),
            )
            .map(|(eid, _)| eid)
            .collect();
        store.add_lab(id, &lab).map_err(store_error)?;
        if args.replace {
            for old in &same_day {
                store.delete_entry(id, *old).map_err(store_error)?;
            }
        }
        let ids = same_day
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        match args.format {
            Format::Json => print_json(&lab)?,
            _ => {
                crate::outln!(
                    "added for {}: {} {} {} on {}",
                    person.name,
                    analyte.name,
                    super::fmt_num(value),
                    analyte.unit(),
                    date
                )?;
                if same_day.is_empty() {
                    // the only result of that analyte that day
                } else if args.replace {
                    crate::outln!("  replaced the earlier result of that day ({ids})")?;
                } else {
                    crate::outln!(
                        "  kept as a second {} result of {date} beside {ids}; `--replace` \
                         replaces instead, `vascalc entry delete ID` removes one",
                        analyte.id
                    )?;
                }
            }
        }
        Ok(())
    }

    fn edit(args: EditArgs) -> CliResult {
        let id: EntryId = args.id.parse().map_err(invalid)?;
        if id.kind != EntryKind::Lab {
            return Err(invalid(format!(
                "{id} is not a lab result; `vascalc entry edit` moves other entries, \
                 `vascalc entry delete` removes them"
            )));
        }
        if args.value.is_none() && args.date.is_none() {
            return Err(invalid(
                "nothing to change: give VALUE UNIT, --date D, or both",
            ));
        }
        let mut store = args.db.open()?;
        let (person, p) = args.person.select(&store)?;
        let Entry::Lab(before) = store.entry(person, id).map_err(store_error)? else {
            return Err(invalid(format!("{id} is not a lab result")));
        };
        let analyte = labs::find(&before.analyte).ok_or_else(|| {
            invalid(format!(
                "{id} holds {:?}, an analyte this vascalc does not know",
                before.analyte
            ))
        })?;
        let mut after = before.clone();
        if let (Some(value), Some(unit)) = (args.value, args.unit.as_deref()) {
            after.value = analyte.to_stored(value, unit).map_err(invalid)?;
        }
        if let Some(date) = args.date.as_deref() {
            after.date = dates::arg_or_today(Some(date), "--date")?;
        }
        store.replace_lab(person, id, &after).map_err(store_error)?;
        match args.format {
            Format::Json => print_json(&super::entry::Row {
                id,
                entry: &Entry::Lab(after),
            })?,
            _ => crate::outln!(
                "changed for {}: {id} {} {} {} on {} → {} {} on {}",
                p.name,
                analyte.name,
                super::fmt_num(before.value),
                before.unit,
                before.date,
                super::fmt_num(after.value),
                after.unit,
                after.date
            )?,
        }
        Ok(())
    }

    fn list(args: ListArgs) -> CliResult {
        let store = args.db.open_read()?;
        let (id, _) = args.person.select(&store)?;
        let rows = store.entries_of(id, EntryKind::Lab).map_err(store_error)?;
        let labs: Vec<(EntryId, &Lab)> = rows
            .iter()
            .filter_map(|(id, e)| match e {
                Entry::Lab(l) => Some((*id, l)),
                _ => None,
            })
            .collect();
        match args.format {
            Format::Json => {
                #[derive(serde::Serialize)]
                struct Row<'a> {
                    id: EntryId,
                    #[serde(flatten)]
                    lab: &'a Lab,
                }
                let rows: Vec<Row<'_>> = labs.iter().map(|&(id, lab)| Row { id, lab }).collect();
                print_json(&rows)?
            }
            Format::Csv => {
                crate::outln!("id,date,analyte,loinc,value,unit")?;
                for (id, l) in &labs {
                    crate::outln!(
                        "{id},{},{},{},{},{}",
                        l.date,
                        l.analyte,
                        l.loinc.as_deref().unwrap_or(""),
                        l.value,
                        l.unit
                    )?;
                }
            }
            Format::Human => {
                for (id, l) in &labs {
                    crate::outln!(
                        "{:<10} {}  {:<16} {:>9} {}",
                        id.to_string(),
                        l.date,
                        l.analyte,
                        super::fmt_num(l.value),
                        l.unit
                    )?;
                }
            }
        }
        Ok(())
    }

    fn analytes(args: AnalytesArgs) -> CliResult {
        let rows: Vec<_> = labs::ANALYTES
            .iter()
            .map(|a| {
                serde_json::json!({
                    "id": a.id, "name": a.name, "loinc": a.loinc(), "unit": a.unit(),
                    "accepted_units": a.units(), "plausible": [a.plausible.0, a.plausible.1],
                })
            })
            .collect();
        match args.format {
            Format::Json => print_json(&rows)?,
            _ => {
                for a in labs::ANALYTES {
                    crate::outln!(
                        "{:<18} {:<8} {:<46} {}",
                        a.id,
                        a.loinc(),
                        a.name,
                        a.units().join(", ")
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// A number on the command line, with a hint for a decimal comma (`3,1` → use `3.1`).
pub fn number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ if t.matches(',').count() == 1 && t.replace(',', ".").parse::<f64>().is_ok() => {
            Err(format!(
                "{text:?} is not a number: use a decimal point ({})",
                t.replace(',', ".")
            ))
        }
        _ => Err(format!("{text:?} is not a number")),
    }
}

/// A number for people: up to two decimals, no trailing zeros.
pub fn fmt_num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}
