//! `vascalc`: the command-line front of the workspace.
//!
//! Each top-level command lives in its own module under `cmd/`; this file only parses the
//! command line, dispatches, and turns errors into messages and documented exit codes
//! (see [`exit`]).

mod cmd;
mod exit;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Vascular calcification, by the numbers. vascalc informs; it does not prescribe.
#[derive(Debug, Parser)]
#[command(name = "vascalc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score coronary calcium from CT DICOM series, write synthetic phantoms, batch cohorts.
    Scan(cmd::scan::ScanArgs),
    /// Search foods, show nutrient values with provenance, detect phosphate additives.
    Food(cmd::food::FoodArgs),
    /// Risk equations, CAC interpretation, kidney function and progression from a profile.
    Assess(cmd::assess::AssessArgs),
    /// The local web app: record, food log, charts and plan in the browser (loopback only).
    Serve(cmd::serve::ServeArgs),
    #[command(flatten)]
    Record(cmd::record::RecordCommand),
    /// The clinician report: one HTML file (charts, sources, print CSS) to print or save as PDF.
    Report(cmd::report::ReportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => cmd::scan::run(args),
        Command::Food(args) => cmd::food::run(args),
        Command::Assess(args) => cmd::assess::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Record(command) => cmd::record::run(command),
        Command::Report(args) => cmd::report::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}
