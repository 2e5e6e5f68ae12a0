//! `vascalc scan phantom`.

use crate::exit::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct PhantomArgs {}

pub fn run(_args: PhantomArgs) -> CliResult {
    Err(CliError::not_found(anyhow::anyhow!("`vascalc scan phantom` is not built yet")))
}
