//! Reference workload 4, parallel processing: 100 independent tasks, each `sqrt(exp(sin(v)))`
//! of its input after 10 ms of simulated work, run serially and then on all cores with
//! fastsci's executor; the results must match.
//!
//! `cargo run --release -p fastsci --example workload4_parallel`

use std::time::Instant;

use fastsci::par::{Executor, Progress};
use fastsci::workloads::parallel::{inputs, task};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inputs = inputs();

    let start = Instant::now();
    let serial: Vec<f64> = inputs.iter().map(task).collect();
    let t_serial = start.elapsed().as_secs_f64();

    let exec = Executor::new()?.progress(Progress::Never);
    let start = Instant::now();
    let parallel = exec.map(&inputs, task).into_values()?;
    let t_parallel = start.elapsed().as_secs_f64();

    println!("{} tasks of 10 ms: serial {:.0} ms", inputs.len(), t_serial * 1e3);
    println!(
        "fastsci::par on {} threads: {:.0} ms ({:.1}x; at most {:.1}x on this many cores)",
        exec.threads(),
        t_parallel * 1e3,
        t_serial / t_parallel,
        inputs.len() as f64 / inputs.len().div_ceil(exec.threads()) as f64
    );
    assert_eq!(parallel, serial, "parallel results must equal the serial ones, in input order");
    println!("all {} results equal the serial run's", parallel.len());
    Ok(())
}
