//! `fastsci sparse`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci sparse`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci sparse`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci sparse` is not built yet (issue 6)"))
}
