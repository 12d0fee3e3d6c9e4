//! Tour section: reference workload 6, a quadrature and a central difference.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-integrate does not provide this yet (issue 4)"))
}
