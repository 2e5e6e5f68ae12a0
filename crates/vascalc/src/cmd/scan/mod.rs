//! `vascalc scan`: score CT series, write phantoms, batch cohorts, add scans to the record.

mod batch;
mod phantom;
mod score;

use crate::exit::CliResult;

#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    #[command(subcommand)]
    command: ScanCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ScanCommand {
    /// Score every axial CT series found in the given folders and files.
    Score(score::ScoreArgs),
    /// Write a synthetic calcium phantom as a DICOM CT series, with its truth file.
    Phantom(phantom::PhantomArgs),
    /// Score a cohort of series in parallel, sharded across machines, safe to rerun.
    Batch(batch::BatchArgs),
    /// Add a scan to the personal record, from report values or a `scan score` JSON.
    Add(super::record::ScanAddArgs),
}

pub(crate) fn run(args: ScanArgs) -> CliResult {
    match args.command {
        ScanCommand::Score(args) => score::run(args),
        ScanCommand::Phantom(args) => phantom::run(args),
        ScanCommand::Batch(args) => batch::run(args),
        ScanCommand::Add(args) => super::record::scan_add(args),
    }
}
