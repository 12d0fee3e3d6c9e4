//! `fastsci root`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci root`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci root`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci root` is not built yet (issue 5)"))
}
