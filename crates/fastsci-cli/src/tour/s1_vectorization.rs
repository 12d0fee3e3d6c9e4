//! Tour section: reference workload 1, elementwise product and a compound expression over 10,000,000 f64.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-array does not provide this yet (issue 7)"))
}
