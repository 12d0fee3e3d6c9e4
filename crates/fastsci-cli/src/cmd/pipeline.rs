//! `fastsci pipeline`: the end-to-end job of reference workload 8 (see fastsci-pipeline).

use std::path::PathBuf;

use fastsci_pipeline::{JobConfig, JobResult, Params};
use serde_json::json;

use crate::error::{CliError, CliResult, Outcome};
use crate::output::print_json;

/// Arguments of `fastsci pipeline`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A dataset of the pipeline's layout: (steps x samples, sensors) f64 .npy. Without it, the
    /// default dataset is generated into the cache folder on first run and reused after.
    #[arg(long, value_name = "PATH.npy")]
    data: Option<PathBuf>,
    /// Model time steps the dataset's rows divide into.
    #[arg(long, value_name = "N")]
    steps: Option<usize>,
    /// Seed of the generated dataset.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Use the reduced job (200 steps of 64 samples, 1.6 MB) instead of the 2.1 GB default.
    #[arg(long)]
    reduced: bool,
    /// Only write the generated dataset to this path, then stop.
    #[arg(long, value_name = "PATH.npy", conflicts_with = "data")]
    generate: Option<PathBuf>,
    /// Folder for generated datasets (default: $FASTSCI_CACHE, $XDG_CACHE_HOME/fastsci or ~/.cache/fastsci).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Hide the sweep's progress bar.
    #[arg(long)]
    no_progress: bool,
}

fn pair(p: Params) -> serde_json::Value {
    json!([p.diffusivity, p.loss])
}

/// The JSON object of a finished job.
pub fn report_json(report: &JobResult, truth: Option<Params>) -> serde_json::Value {
    let stages: Vec<_> = report
        .stages
        .iter()
        .map(|s| json!({"name": s.kind.label(), "seconds": s.seconds, "peak_bytes": s.peak_bytes}))
        .collect();
    json!({
        "data": report.data.display().to_string(),
        "shape": [report.shape.0, report.shape.1],
        "steps": report.steps,
        "stages": stages,
        "seconds": report.stages.iter().map(|s| s.seconds).sum::<f64>(),
        "start": pair(report.start.params),
        "params": pair(report.fit.params),
        "stderr": pair(report.fit.stderr),
        "truth": truth.map(pair),
        "within_two_stderr": truth.map(|t| report.fit.within_two_stderr(t)),
        "nfev": report.fit.nfev,
        "success": report.fit.success(),
        "message": report.fit.message,
    })
}

/// Runs `fastsci pipeline`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let mut config = if args.reduced { JobConfig::reduced(args.seed) } else { JobConfig::full(args.seed) };
    if let Some(steps) = args.steps {
        if steps == 0 {
            return Err(CliError::bad_input("--steps must be positive"));
        }
        config.steps = steps;
    }
    if let Some(path) = &args.generate {
        fastsci_pipeline::generate(path, &config).map_err(CliError::from)?;
        if json {
            print_json(&json!({"out": path.display().to_string(), "shape": [config.rows(), config.sensors]}));
        } else {
            println!("wrote {} ({} x {} f64)", path.display(), config.rows(), config.sensors);
        }
        return Ok(Outcome::Done);
    }
    let progress = !args.no_progress && !json;
    let (report, truth) = match &args.data {
        Some(path) => {
            let report = fastsci_pipeline::run(path, config.steps, &config.sweep_grid(), progress)
                .map_err(CliError::from)?;
            (report, None)
        }
        None => {
            let cache = args.cache.clone().unwrap_or_else(fastsci_pipeline::default_cache_dir);
            let report = fastsci_pipeline::run_default(&config, &cache, progress).map_err(CliError::from)?;
            (report, Some(config.truth))
        }
    };
    if json {
        print_json(&report_json(&report, truth));
    } else {
        for line in report.lines(truth) {
            println!("{line}");
        }
    }
    Ok(Outcome::from_converged(report.fit.success()))
}
