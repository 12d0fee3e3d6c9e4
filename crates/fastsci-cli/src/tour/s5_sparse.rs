//! Tour section: reference workload 5, tridiagonal and 2-D Laplacian SpMV and solves.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-sparse does not provide this yet (issue 6)"))
}
