//! Tour section: reference workload 8, the end-to-end heat-conduction fit.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("the end-to-end pipeline does not provide this yet (issue 9)"))
}
