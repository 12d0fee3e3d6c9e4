//! Tour section: reference workload 8, the end-to-end heat-conduction fit.

use fastsci_pipeline::{JobConfig, PipelineError};

use super::{Report, timed};
use crate::error::CliError;

/// Sweep points the naive baseline evaluates: a tenth of the sweep keeps the section short.
const BASELINE_POINTS: usize = 100;

/// Runs this tour section: the whole job on the default 2.1 GB dataset (generated into the
/// cache folder on first run), each stage's time and peak memory; then the naive baseline of
/// its heaviest stage, the same sweep points evaluated in a plain loop on one thread.
pub fn run() -> Result<Report, CliError> {
    let internal = |e: PipelineError| CliError::internal(e.to_string());
    let config = JobConfig::full(1);
    let cache = fastsci_pipeline::default_cache_dir();
    let job = fastsci_pipeline::run_default(&config, &cache, false).map_err(internal)?;
    let mut report = Report::new();
    for line in job.lines(Some(config.truth)) {
        report.line(line);
    }
    report.figure("job", crate::cmd::pipeline::report_json(&job, Some(config.truth)));

    let cleaned = fastsci_pipeline::clean(&job.data, job.steps).map_err(internal)?;
    let model = fastsci_pipeline::build_model(job.steps, cleaned.sensors).map_err(internal)?;
    let grid = config.sweep_grid();
    let sample = &grid[..BASELINE_POINTS.min(grid.len())];
    let (serial, serial_seconds) = timed(|| {
        let mut buffer = Vec::new();
        let misfits = sample.iter().map(|&p| fastsci_pipeline::misfit(&model, &cleaned, p, &mut buffer));
        misfits.collect::<Result<Vec<f64>, _>>()
    });
    let serial_best = serial.map_err(internal)?.into_iter().fold(f64::INFINITY, f64::min);
    let (parallel, parallel_seconds) = timed(|| fastsci_pipeline::sweep(&model, &cleaned, sample, false));
    let parallel = parallel.map_err(internal)?;
    if serial_best != parallel.misfit {
        return Err(CliError::internal(format!(
            "the plain loop and the parallel sweep disagree: best misfit {serial_best} vs {}",
            parallel.misfit
        )));
    }
    report.compare(
        "sweep_baseline",
        &format!("{} sweep points, same best misfit", sample.len()),
        ("plain loop, one thread", serial_seconds),
        ("fastsci-par, all cores", parallel_seconds),
    );
    Ok(report)
}
