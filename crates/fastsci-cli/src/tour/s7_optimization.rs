//! Tour section: reference workload 7, Rosenbrock by Nelder-Mead and BFGS.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-optimize does not provide this yet (issue 5)"))
}
