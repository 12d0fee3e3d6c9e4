//! `fastsci fit`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci fit`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci fit`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci fit` is not built yet (issue 5)"))
}
