//! The personal record: `profile`, `scan add`, `lab add`, `log`, `plan`, `progress`,
//! `export`, `import`, `demo`.

use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Subcommand)]
pub enum RecordCommand {
    /// Fill a database with a realistic demo person and show the program.
    Demo,
}

#[derive(Debug, clap::Args)]
pub struct ScanAddArgs {}

pub fn run(_command: RecordCommand) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!("the record commands are not built yet")))
}

pub fn scan_add(_args: ScanAddArgs) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!("`vascalc scan add` is not built yet")))
}
