//! `vascalc food`.

use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct FoodArgs {}

pub fn run(_args: FoodArgs) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!("`vascalc food` is not built yet")))
}
