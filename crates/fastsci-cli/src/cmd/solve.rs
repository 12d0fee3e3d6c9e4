//! `fastsci solve`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci solve`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci solve`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci solve` is not built yet (issue 6)"))
}
