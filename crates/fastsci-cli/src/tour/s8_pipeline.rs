//! Tour section: reference workload 8, the end-to-end heat-conduction fit.

use fastsci_pipeline::JobConfig;

use super::Report;
use crate::error::CliError;

/// Runs this tour section: the whole job on the default 2.1 GB dataset (generated into the
/// cache folder on first run), each stage's time and peak memory.
pub fn run() -> Result<Report, CliError> {
    let config = JobConfig::full(1);
    let cache = fastsci_pipeline::default_cache_dir();
    let job = fastsci_pipeline::run_default(&config, &cache, false)
        .map_err(|e| CliError::internal(e.to_string()))?;
    let mut report = Report::new();
    for line in job.lines(Some(config.truth)) {
        report.line(line);
    }
    report.figure("job", crate::cmd::pipeline::report_json(&job, Some(config.truth)));
    Ok(report)
}
