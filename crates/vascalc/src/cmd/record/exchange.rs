//! `vascalc export` (JSON that `import` reads back exactly, or CSV) and `vascalc import`.

use std::io::{Read, Write};
use std::path::PathBuf;

use vascalc_app::{App, exchange};

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
        Format::Csv => exchange::to_csv(&doc),
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
