//! Tour section: reference workload 3, the mean of an 800 MB memory-mapped .npy file.

use super::Report;
use crate::error::CliError;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    Ok(Report::not_built("fastsci-array does not provide this yet (issue 7)"))
}
