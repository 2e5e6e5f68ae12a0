//! The personal record: `profile`, `scan add`, `lab add`, `log`, `plan`, `progress`,
//! `export`, `import`, `demo`.
//!
//! Every command takes `--db FILE` (or `VASCALC_DB`); without either, the database is
//! `$XDG_DATA_HOME/vascalc/vascalc.db`. Values are checked by vascalc-app's use cases (the same
//! checks for every front end) before anything is written, and every write is one transaction,
//! so bad input changes nothing.

mod dates;
mod demo;
mod demo_phantom;
mod entry;
mod exchange;
mod food_log;
mod log;
mod plan;
mod profile;
mod progress;
mod scan;

// The record's rules live in vascalc-app; these names keep the commands' paths short.
pub(crate) use vascalc_app::{context, foods, labs};

use std::path::PathBuf;

use anyhow::anyhow;
use vascalc_app::App;
use vascalc_store::{RecordError, Store, StoreError};

use crate::exit::{CliError, CliResult, Exit};

pub(crate) use scan::{ScanAddArgs, run as scan_add};

/// Variants are boxed so that the top-level command enum stays small.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RecordCommand {
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

pub(crate) fn run(command: RecordCommand) -> CliResult {
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

/// A date option (`what` names it in messages), or today.
pub(crate) fn date_arg(text: Option<&str>, what: &str) -> CliResult<jiff::civil::Date> {
    dates::arg_or_today(text, what)
}

/// Where the database is: `--db` / `VASCALC_DB`, else the XDG default.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DbArg {
    /// The database file [default: $XDG_DATA_HOME/vascalc/vascalc.db].
    #[arg(long, env = "VASCALC_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl DbArg {
    pub(crate) fn path(&self) -> CliResult<PathBuf> {
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
    pub(crate) fn open(&self) -> CliResult<Store> {
        let path = self.path()?;
        Store::open_existing(&path).map_err(store_error)
    }

    /// Opens the existing database for reading only (works on a write-protected file or
    /// folder); a missing file is exit 4 naming the path.
    pub(crate) fn open_read(&self) -> CliResult<Store> {
        let path = self.path()?;
        Store::open_read_only(&path).map_err(store_error)
    }

    /// Opens the database, creating it (and its folder) when missing: only for the commands
    /// that create a person (`profile create`, `import`).
    pub(crate) fn create(&self) -> CliResult<Store> {
        let path = self.path()?;
        Store::open(&path).map_err(store_error)
    }

    /// The application over the existing database, for writing.
    pub(crate) fn app(&self) -> CliResult<App<Store>> {
        Ok(App::new(self.open()?))
    }

    /// The application over the existing database, for reading only.
    pub(crate) fn app_read(&self) -> CliResult<App<Store>> {
        Ok(App::new(self.open_read()?))
    }
}

/// Which person a command is about.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PersonArg {
    /// The person, by name (needed when the database holds several).
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
}

/// Maps a store error to the exit code a user can act on.
pub(crate) fn store_error(err: StoreError) -> CliError {
    CliError::new(store_exit(&err), err)
}

/// The exit code of a store error: a missing file or an unknown person or entry is 4, a
/// choice the command line must make or a name taken 3, everything else 5.
pub(crate) fn store_exit(err: &StoreError) -> Exit {
    match err {
        StoreError::Missing { .. } => Exit::NotFound,
        StoreError::Record(RecordError::Storage(_) | RecordError::Inconsistent(_)) => {
            Exit::Database
        }
        StoreError::Record(e) => vascalc_app::error::record_kind(e).into(),
        _ => Exit::Database,
    }
}

/// A use case's refusal of the `date` field, with the option's name as the command line spells
/// it (`--date: …`); other errors as they are.
pub(crate) fn flag_date(err: vascalc_app::AppError) -> CliError {
    flagged(err, &[("date", "--date")])
}

/// A use case's refusal of a field that `flags` pairs with the option the person typed
/// (`("start", "--start")`: `start: 1950-01-01 is before …` → `--start: 1950-01-01 is before …`);
/// an implausible value the person may confirm names `--confirm` (only `log med` can meet one);
/// other errors as they are. Each command passes its own pairs: `profile update --date` is the
/// use case's `as_of`, and a course's `start` is `--date` when `--start` was not given.
pub(crate) fn flagged(err: vascalc_app::AppError, flags: &[(&str, &str)]) -> CliError {
    match err {
        vascalc_app::AppError::Unconfirmed { field, value, why } => {
            CliError::invalid_input(vascalc_app::AppError::Invalid {
                field,
                value,
                reason: format!(
                    "{why}; if it is right, add --confirm (the plan will still show it as implausible)"
                ),
            })
        }
        vascalc_app::AppError::Invalid {
            field,
            value,
            reason,
        } => {
            let reason = match flags.iter().find(|(f, _)| *f == field) {
                Some((f, flag)) => match reason.strip_prefix(&format!("{f}: ")) {
                    Some(rest) => format!("{flag}: {rest}"),
                    None => reason,
                },
                None => reason,
            };
            CliError::invalid_input(vascalc_app::AppError::Invalid {
                field,
                value,
                reason,
            })
        }
        other => CliError::from(other),
    }
}

/// An invalid-input error from a message.
pub(crate) fn invalid(message: impl std::fmt::Display) -> CliError {
    CliError::invalid_input(anyhow!("{message}"))
}

mod lab_cmd {
    //! `vascalc lab add`, `vascalc lab list`, `vascalc lab edit`.

    use super::{DbArg, PersonArg, dates, flag_date, invalid, labs};
    use crate::exit::CliResult;
    use crate::output::{Format, print_json};
    use vascalc_app::{LabEdit, LabInput};
    use vascalc_store::{Entry, EntryId, EntryKind, Lab};

    #[derive(Debug, clap::Args)]
    pub(crate) struct LabArgs {
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

    pub(super) fn run(args: LabArgs) -> CliResult {
        match args.command {
            LabCommand::Add(args) => add(args),
            LabCommand::List(args) => list(args),
            LabCommand::Edit(args) => edit(args),
            LabCommand::Analytes(args) => analytes(args),
        }
    }

    fn add(args: AddArgs) -> CliResult {
        // The use case checks the analyte, the value in its unit and the date.
        let date = dates::arg_or_today(args.date.as_deref(), "--date")?;
        let mut app = args.db.app()?;
        let added = app
            .add_lab(
                args.person.person.as_deref(),
                &LabInput {
                    analyte: args.analyte,
                    value: args.value,
                    unit: args.unit,
                    date: Some(date),
                    replace: args.replace,
                },
            )
            .map_err(flag_date)?;
        match args.format {
            Format::Json => print_json(&added.lab)?,
            _ => {
                let lab = &added.lab;
                let (value, unit) = labs::shown(lab, added.units);
                crate::outln!(
                    "added for {}: {} {} {} on {}",
                    added.person,
                    added.analyte_name,
                    super::fmt_num(value),
                    unit,
                    lab.date
                )?;
                let ids = added
                    .same_day
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                if added.same_day.is_empty() {
                    // the only result of that analyte that day
                } else if added.replaced {
                    crate::outln!("  replaced the earlier result of that day ({ids})")?;
                } else {
                    crate::outln!(
                        "  kept as a second {} result of {} beside {ids}; `--replace` \
                         replaces instead, `vascalc entry delete ID` removes one",
                        lab.analyte,
                        lab.date
                    )?;
                }
            }
        }
        Ok(())
    }

    fn edit(args: EditArgs) -> CliResult {
        let id: EntryId = args.id.parse().map_err(invalid)?;
        let date = args
            .date
            .as_deref()
            .map(|d| dates::arg_or_today(Some(d), "--date"))
            .transpose()?;
        let edit = LabEdit {
            value: args.value,
            unit: args.unit,
            date,
        };
        vascalc_app::entries::check_lab_edit(id, &edit)?;
        let mut app = args.db.app()?;
        let change = app
            .edit_lab(args.person.person.as_deref(), id, &edit)
            .map_err(flag_date)?;
        let (Entry::Lab(before), Entry::Lab(after)) = (&change.before, &change.after) else {
            return Err(invalid(format!("{id} is not a lab result")));
        };
        match args.format {
            Format::Json => print_json(&super::entry::Row {
                id,
                entry: &change.after,
            })?,
            _ => {
                let (old, old_unit) = labs::shown(before, change.units);
                let (new, new_unit) = labs::shown(after, change.units);
                crate::outln!(
                    "changed for {}: {id} {} {} {old_unit} on {} → {} {new_unit} on {}",
                    change.person,
                    labs::find(&after.analyte).map_or(after.analyte.as_str(), |a| a.name),
                    super::fmt_num(old),
                    before.date,
                    super::fmt_num(new),
                    after.date
                )?
            }
        }
        Ok(())
    }

    fn list(args: ListArgs) -> CliResult {
        let app = args.db.app_read()?;
        let (person, rows) = app.entries(args.person.person.as_deref(), Some(EntryKind::Lab))?;
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
                let rows: Vec<(String, &Lab, String, &str)> = labs
                    .iter()
                    .map(|&(id, l)| {
                        let (value, unit) = labs::shown(l, person.units);
                        (id.to_string(), l, super::fmt_num(value), unit)
                    })
                    .collect();
                // Columns as wide as their widest cell (`total_cholesterol`, `lab:1234`).
                let ids = super::width(rows.iter().map(|r| r.0.as_str()));
                let names = super::width(rows.iter().map(|r| r.1.analyte.as_str()));
                let values = super::width(rows.iter().map(|r| r.2.as_str()));
                for (id, l, value, unit) in &rows {
                    crate::outln!(
                        "{id:<ids$}  {}  {:<names$}  {value:>values$} {unit}",
                        l.date,
                        l.analyte
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
pub(crate) fn number(text: &str) -> Result<f64, String> {
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

/// The width of a column of `cells`: its widest cell, in characters (what `{:<w$}` pads to).
pub(crate) fn width<'a>(cells: impl Iterator<Item = &'a str>) -> usize {
    cells.map(|c| c.chars().count()).max().unwrap_or(0)
}

/// A stored body measure (kg, cm) as the person reads it, with its unit (`154.3 lb`):
/// vascalc-domain's one factor table.
pub(crate) fn fmt_body(
    m: vascalc_store::BodyMeasure,
    stored: f64,
    units: Option<vascalc_store::Units>,
) -> String {
    let (v, unit) = m.shown(stored, units);
    format!("{} {unit}", fmt_num(v))
}

/// A number for people: up to two decimals, no trailing zeros.
pub(crate) fn fmt_num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}
