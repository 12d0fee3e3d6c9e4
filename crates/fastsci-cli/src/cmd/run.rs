//! `fastsci run`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci run`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci run`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci run` is not built yet (issue 3)"))
}
