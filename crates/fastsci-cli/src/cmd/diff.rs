//! `fastsci diff`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci diff`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci diff`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci diff` is not built yet (issue 4)"))
}
