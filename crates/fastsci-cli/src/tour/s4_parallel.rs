//! Tour section: reference workload 4, 100 tasks of 10 ms on all cores.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-par does not provide this yet (issue 8)"))
}
