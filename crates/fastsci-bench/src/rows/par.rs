//! Rows for fastsci-par: reference workload 4 and the overhead of a million tiny tasks,
//! against `concurrent.futures.ProcessPoolExecutor` (bench/py/rows_par.py).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use anyhow::ensure;
use fastsci::par::{Executor, Progress};
use fastsci::workloads::parallel::{TASKS, task};

use crate::timing::median_seconds;
use crate::{Measurement, Row};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "par-workload4",
            what: "workload 4: 100 tasks of 10 ms, all cores",
            anchor: "ProcessPoolExecutor",
            target: "speedup over serial within 5% of cores",
            run: workload4,
        },
        Row {
            name: "par-overhead",
            what: "1,000,000 trivial tasks, seconds per task",
            anchor: "ProcessPoolExecutor",
            target: ">= 100x lower overhead per task",
            run: overhead,
        },
    ]
}

const TINY_TASKS: usize = 1_000_000;

fn executor() -> anyhow::Result<Executor> {
    Ok(Executor::new()?.progress(Progress::Never))
}

fn workload4(_data: &Path) -> anyhow::Result<Measurement> {
    let inputs = fastsci::workloads::parallel::inputs();
    let exec = executor()?;
    let cores = exec.threads();
    // Serial and parallel runs interleaved, so both see the same machine load; medians of 3.
    let (mut serial_times, mut parallel_times) = (Vec::new(), Vec::new());
    let mut sum = 0.0;
    for _ in 0..3 {
        let start = Instant::now();
        let serial: Vec<f64> = inputs.iter().map(task).collect();
        serial_times.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let parallel = exec.map(&inputs, task).into_values()?;
        parallel_times.push(start.elapsed().as_secs_f64());
        ensure!(parallel == serial, "parallel results differ from the serial ones");
        sum = parallel.iter().sum();
    }
    let (serial_seconds, seconds) = (median(serial_times), median(parallel_times));
    let speedup = serial_seconds / seconds;
    // With 100 equal tasks on c cores the best possible is 100 / ceil(100 / c).
    let best = TASKS as f64 / TASKS.div_ceil(cores) as f64;
    Ok(Measurement::seconds(seconds)
        .with("serial_seconds", serial_seconds)
        .with("speedup", speedup)
        .with("note", format!("fastsci speedup {speedup:.2}x on {cores} cores (best possible {best:.2}x)"))
        .answer(serde_json::json!({ "sum": sum, "tasks": TASKS }), cores))
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn overhead(_data: &Path) -> anyhow::Result<Measurement> {
    let inputs: Vec<f64> = (0..TINY_TASKS).map(|i| i as f64).collect();
    let exec = executor()?;
    let mut sum = 0.0;
    let seconds = median_seconds(2, 15, || {
        let out = exec.map(&inputs, |x| x * 2.0 + 1.0);
        sum = out.results().iter().map(|r| r.as_ref().copied().unwrap_or(f64::NAN)).sum();
        black_box(&out);
    });
    let n = TINY_TASKS as f64;
    ensure!(sum == 2.0 * (n - 1.0) * n / 2.0 + n, "wrong sum {sum}");
    let per_task = seconds / n;
    let serial = median_seconds(2, 15, || {
        black_box(inputs.iter().map(|x| x * 2.0 + 1.0).collect::<Vec<f64>>());
    }) / n;
    Ok(Measurement::seconds(per_task)
        .with("map_seconds", seconds)
        .with("serial_loop_seconds_per_task", serial)
        .with("note", format!("{:.1} ns per task", per_task * 1e9))
        .answer(serde_json::json!({ "sum": sum, "tasks": TINY_TASKS }), exec.threads()))
}
