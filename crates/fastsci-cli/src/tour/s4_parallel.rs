//! Tour section: reference workload 4, 100 tasks of 10 ms on all cores, and the overhead of a
//! million tiny tasks.

use fastsci::workloads::parallel::{TASKS, inputs, task};
use fastsci_par::{Executor, Progress};

use super::{Report, format_seconds, timed};
use crate::error::CliError;

const TINY_TASKS: usize = 1_000_000;

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let exec = Executor::new().map_err(|e| CliError::internal(e.to_string()))?.progress(Progress::Never);
    let cores = exec.threads();
    let inputs = inputs();

    let (serial, serial_seconds) = timed(|| inputs.iter().map(task).collect::<Vec<f64>>());
    let (mapped, parallel_seconds) = timed(|| exec.map(&inputs, task));
    let parallel = mapped.into_values().map_err(|e| CliError::internal(e.to_string()))?;
    let matches = parallel.len() == serial.len() && parallel.iter().zip(&serial).all(|(a, b)| a == b);
    if !matches {
        return Err(CliError::internal("parallel results differ from the serial ones"));
    }

    let mut report = Report::new();
    report.compare(
        "workload4",
        "100 tasks of 10 ms",
        ("serial loop", serial_seconds),
        (&format!("fastsci-par, {cores} threads"), parallel_seconds),
    );
    let best = TASKS as f64 / TASKS.div_ceil(cores) as f64;
    report.line(format!(
        "  {cores} cores: best possible speedup {best:.2}x; all {TASKS} results match the serial run bit for bit"
    ));
    report.figure("cores", cores);
    report.figure("results_match", matches);

    let tiny: Vec<f64> = (0..TINY_TASKS).map(|i| i as f64).collect();
    let mut tiny_seconds = f64::INFINITY;
    for _ in 0..3 {
        let (out, seconds) = timed(|| exec.map(&tiny, |x| x * 2.0 + 1.0));
        if out.succeeded() != TINY_TASKS {
            return Err(CliError::internal("some tiny tasks did not run"));
        }
        tiny_seconds = tiny_seconds.min(seconds);
    }
    let per_task = tiny_seconds / TINY_TASKS as f64;
    report.line(format!(
        "1,000,000 tiny tasks (x*2+1), best of 3: {} in all, {} per task, results in input order",
        format_seconds(tiny_seconds),
        format_seconds(per_task)
    ));
    report.figure("tiny_tasks_seconds_per_task", per_task);
    Ok(report)
}
