//! `fastsci minimize`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci minimize`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci minimize`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci minimize` is not built yet (issue 5)"))
}
