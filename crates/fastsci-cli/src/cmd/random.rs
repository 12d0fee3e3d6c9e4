//! `fastsci random`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci random`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci random`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci random` is not built yet (issue 7)"))
}
