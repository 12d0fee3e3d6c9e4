//! `fastsci stats`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci stats`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci stats`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci stats` is not built yet (issue 7)"))
}
