//! Rows for the end-to-end pipeline of reference workload 8.

use std::path::Path;

use anyhow::Context;
use fastsci::pipeline::JobConfig;

use crate::{Measurement, Row};

/// The dataset `bench/py/rows_pipeline.py` has fastsci generate for both sides.
const DATASET: &str = "rod-seed1-2000x8192x16.npy";

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![Row {
        name: "pipeline",
        what: "workload 8 end to end on a 2.1 GB file",
        anchor: "NumPy+Numba+SciPy+ProcessPool",
        target: ">= 5x faster",
        run: whole_job,
    }]
}

/// The stage names the Python side uses, in the order of fastsci's stages.
const STAGE_KEYS: [&str; 4] = ["clean", "compile_and_source", "sweep", "fit"];

fn whole_job(data: &Path) -> anyhow::Result<Measurement> {
    let path = data.join(DATASET);
    let config = JobConfig::full(1);
    let grid = config.sweep_grid();
    // One warm-up run (page cache, thread pool), then the median of three.
    let mut runs = Vec::new();
    for _ in 0..4 {
        runs.push(fastsci::pipeline::run(&path, config.steps, &grid, false).context("pipeline")?);
    }
    runs.remove(0);
    runs.sort_by(|a, b| total(a).total_cmp(&total(b)));
    let median = &runs[runs.len() / 2];
    let stages: serde_json::Map<_, _> =
        STAGE_KEYS.iter().zip(&median.stages).map(|(k, s)| (k.to_string(), s.seconds.into())).collect();
    Ok(Measurement::seconds(total(median)).with("stages", serde_json::Value::Object(stages)).answer(
        serde_json::json!({
            "params": [median.fit.params.diffusivity, median.fit.params.loss],
            "stderr": [median.fit.stderr.diffusivity, median.fit.stderr.loss],
        }),
        rayon::current_num_threads(),
    ))
}

fn total(report: &fastsci::pipeline::JobResult) -> f64 {
    report.stages.iter().map(|s| s.seconds).sum()
}
