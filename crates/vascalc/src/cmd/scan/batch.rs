//! `vascalc scan batch`.

use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct BatchArgs {}

pub fn run(_args: BatchArgs) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!(
        "`vascalc scan batch` is not built yet"
    )))
}
