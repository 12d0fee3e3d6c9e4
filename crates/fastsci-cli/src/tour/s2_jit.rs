//! Tour section: reference workload 2, Monte Carlo pi compiled from Python source.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-jit does not provide this yet (issue 3)"))
}
