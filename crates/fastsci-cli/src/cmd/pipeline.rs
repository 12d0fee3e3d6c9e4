//! `fastsci pipeline`.

use crate::error::{CliError, CliResult};

/// Arguments of `fastsci pipeline`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `fastsci pipeline`.
pub fn run(_args: &Args, _json: bool) -> CliResult {
    Err(CliError::internal("`fastsci pipeline` is not built yet (issue 9)"))
}
