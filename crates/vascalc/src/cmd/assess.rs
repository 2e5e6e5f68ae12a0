//! `vascalc assess`.

use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct AssessArgs {}

pub fn run(_args: AssessArgs) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!("`vascalc assess` is not built yet")))
}
