//! `fastsci quad`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci quad`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci quad`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci quad` is not built yet (issue 4)"))
}
