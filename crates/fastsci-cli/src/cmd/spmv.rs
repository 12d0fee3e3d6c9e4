//! `fastsci spmv`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci spmv`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci spmv`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci spmv` is not built yet (issue 6)"))
}
