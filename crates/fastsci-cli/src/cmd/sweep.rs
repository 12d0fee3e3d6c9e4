//! `fastsci sweep`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci sweep`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci sweep`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci sweep` is not built yet (issue 8)"))
}
