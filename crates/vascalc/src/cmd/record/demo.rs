//! `vascalc demo`: a database with a realistic (made-up) demo person — three scans over six
//! years, labs, medications and supplements, 90 days of logs — then the assessment, the plan and
//! the progress, as the person would see them.
//!
//! The demo database is its own file (`$XDG_DATA_HOME/vascalc/demo.db`, or `--db`), recreated on
//! every run. `VASCALC_DB` is deliberately ignored, and a file that holds anyone but the demo
//! person is never overwritten.

use std::path::{Path, PathBuf};

use vascalc_app::App;
use vascalc_app::demo::DEMO_NAME;
use vascalc_store::Store;

use super::{context, dates, invalid, store_error};
use crate::exit::CliResult;

#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// The demo database file, recreated on each run [default: $XDG_DATA_HOME/vascalc/demo.db].
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
}

pub(super) fn run(args: DemoArgs) -> CliResult {
    let path = match args.db {
        Some(p) => p,
        None => vascalc_store::data_dir()
            .map(|d| d.join("demo.db"))
            .ok_or_else(|| invalid("no place for the demo database: give --db FILE"))?,
    };
    let today = dates::today();
    // The demo data are checked before any file is touched.
    vascalc_app::demo::checked_demo_record(today)?;
    recreate(&path)?;
    let mut app = App::at(Store::open(&path).map_err(store_error)?, today);
    let record = app.fill_demo()?;

    crate::outln!(
        "vascalc demo — a made-up person, to show the whole loop. vascalc informs; it does not prescribe."
    )?;
    let phantom_dir =
        std::env::temp_dir().join(format!("vascalc-demo-phantom-{}", std::process::id()));
    let phantom = super::demo_phantom::score_in(&phantom_dir);
    // The phantom is shown, not kept: remove it whatever happened.
    let _ = std::fs::remove_dir_all(&phantom_dir);
    crate::out!("{}", phantom?)?;
    crate::outln!("Step 2 — a made-up person's record, assessment, plan and progress")?;
    crate::outln!("Demo database: {}", path.display())?;
    crate::outln!("  (try: vascalc profile show --db {})\n", path.display())?;

    match context::clinical_profile(&record, today) {
        Ok(mut profile) => {
            // Progression is shown below, beside the adherence between scans.
            profile.scans.clear();
            let assessment =
                vascalc_clinical::assess(&profile, &vascalc_clinical::Options::default());
            crate::outln!("{}", crate::cmd::assess::human(&profile, &assessment))?;
        }
        Err(why) => crate::outln!("No assessment: {why}\n")?,
    }
    let view = app.plan(Some(DEMO_NAME), Some(today))?;
    crate::out!("{}", super::plan::human(DEMO_NAME, &view.plan))?;
    let report = app.progress(Some(DEMO_NAME), Some(today))?;
    crate::out!("{}", super::progress::human(&report))?;
    Ok(())
}

/// Removes an earlier demo database at `path`, refusing to touch a file that holds anything else.
fn recreate(path: &Path) -> CliResult {
    if path.exists() {
        let store = Store::open(path).map_err(|e| {
            invalid(format!(
                "{} exists and is not a vascalc database ({e}); the demo will not overwrite it",
                path.display()
            ))
        })?;
        let people = store.people().map_err(store_error)?;
        if people.iter().any(|(_, p)| p.name != DEMO_NAME) {
            return Err(invalid(format!(
                "{} holds a real record ({}); the demo only overwrites its own database — give \
                 another --db",
                path.display(),
                people
                    .iter()
                    .map(|(_, p)| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::remove_file(&file)
                    .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", file.display()))?;
            }
        }
    }
    Ok(())
}
