//! The whole flow of fastsci-par in one program: a parallel map with a failing task kept, then
//! a Monte Carlo parameter sweep that is interrupted half-way and resumed, with results that
//! do not depend on the interruption or the number of threads.
//!
//! `cargo run --release -p fastsci --example sweep_resumable`

use std::sync::atomic::{AtomicUsize, Ordering};

use fastsci::par::{Axis, CancelToken, Executor, ParamSets, Progress, Sweep, TaskError};
use rand::RngExt;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A parallel map in input order; the task that fails is reported, the rest are kept.
    let exec = Executor::new()?.progress(Progress::Auto).label("map");
    let inputs: Vec<f64> = (0..10_000).map(|i| f64::from(i) * 1e-3).collect();
    let out = exec
        .try_map(&inputs, |&v| if v == 5.0 { Err("v = 5 is not allowed") } else { Ok(v.sin().exp().sqrt()) });
    assert_eq!(out.succeeded(), 9_999);
    let failure = out.failures().next().ok_or("no failure")?;
    println!("{failure}");
    assert!(matches!(failure.error, TaskError::Failed(_)));

    // 2. A sweep: the fraction of n random points inside a circle of radius r, on a 20 x 10 grid.
    let grid = ParamSets::grid([
        Axis::linspace("r", 0.1, 1.0, 20),
        Axis::new("n", (1..=10).map(|k| f64::from(k) * 1e4).collect()),
    ])?;
    let model = |task: fastsci::par::Task, p: &[f64]| {
        let (r, n) = (p[0], p[1] as usize);
        let mut rng = task.rng();
        let inside =
            (0..n).filter(|_| rng.random::<f64>().powi(2) + rng.random::<f64>().powi(2) <= r * r).count();
        Ok::<_, String>(vec![inside as f64 / n as f64])
    };
    let dir = std::env::temp_dir().join(format!("fastsci-par-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let out_path = dir.join("circle.csv");

    // Interrupt it after 60 tasks, as Ctrl-C would.
    let token = CancelToken::new();
    let started = AtomicUsize::new(0);
    let exec =
        Executor::new()?.progress(Progress::Auto).label("sweep").seed(2024).cancel_token(token.clone());
    let sweep = Sweep::new(grid.clone()).outputs(["fraction"]);
    let first = sweep.run_tasks(&exec, &out_path, |task, p| {
        if started.fetch_add(1, Ordering::SeqCst) == 60 {
            token.cancel();
        }
        model(task, p)
    })?;
    println!("first run: {} of {} done, cancelled = {}", first.done(), first.tasks, first.cancelled);

    // Resume: only the missing tasks run.
    token.reset();
    let second = sweep.clone().resume(true).run_tasks(&exec, &out_path, model)?;
    println!(
        "resumed: {} already done, {} ran now, complete = {}",
        second.already_done,
        second.ran,
        second.is_complete()
    );
    assert!(second.is_complete());
    assert_eq!(second.already_done + second.ran, 200);

    // The same sweep on one thread, uninterrupted, writes the same file byte for byte.
    let serial_path = dir.join("serial.csv");
    Sweep::new(grid).outputs(["fraction"]).run_tasks(
        &Executor::with_threads(1)?.progress(Progress::Never).seed(2024),
        &serial_path,
        model,
    )?;
    assert_eq!(std::fs::read(&out_path)?, std::fs::read(&serial_path)?);
    println!("resumed parallel sweep == uninterrupted serial sweep, byte for byte");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
