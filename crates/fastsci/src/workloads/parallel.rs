//! Workload 4: 100 independent tasks, each `sqrt(exp(sin(v)))` of its input after 10 ms of
//! simulated work, run serially and on all cores; the results must match.

use std::time::Duration;

/// The number of tasks.
pub const TASKS: usize = 100;

/// The tasks' inputs: `0, 0.1, 0.2, ...`.
pub fn inputs() -> Vec<f64> {
    (0..TASKS).map(|i| i as f64 * 0.1).collect()
}

/// One task: 10 ms of simulated work (a sleep), then `sqrt(exp(sin(v)))`.
///
/// # Examples
///
/// ```
/// use fastsci::par::{Executor, Progress};
/// use fastsci::workloads::parallel::{inputs, task};
/// let xs = &inputs()[..4];
/// let serial: Vec<f64> = xs.iter().map(task).collect();
/// let parallel = Executor::new()?.progress(Progress::Never).map(xs, task).into_values()?;
/// assert_eq!(parallel, serial);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn task(v: &f64) -> f64 {
    std::thread::sleep(Duration::from_millis(10));
    v.sin().exp().sqrt()
}
