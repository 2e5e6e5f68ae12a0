//! `vascalc scan score`.

use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {}

pub fn run(_args: ScoreArgs) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!("`vascalc scan score` is not built yet")))
}
