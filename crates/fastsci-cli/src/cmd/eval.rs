//! `fastsci eval`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci eval`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci eval`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci eval` is not built yet (issue 7)"))
}
