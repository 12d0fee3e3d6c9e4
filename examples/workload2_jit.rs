//! Reference workload 2, JIT compilation: Monte Carlo pi written as a plain Python loop with an
//! `if` and random draws, compiled to machine code by fastsci's JIT (compile time reported
//! apart), then run at 1,000,000 samples; the same IR run by the reference interpreter is the
//! baseline.
//!
//! `cargo run --release -p fastsci --example workload2_jit [-- SAMPLES]` (default 1,000,000).

use std::time::Instant;

use fastsci::jit::Value;
use fastsci::workloads::jit::{compile_pi, pi_sigma};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: i64 = match std::env::args().nth(1) {
        Some(s) => s.parse().map_err(|e| format!("SAMPLES must be a whole number, not {s:?}: {e}"))?,
        None => 1_000_000,
    };
    if n <= 0 {
        return Err("SAMPLES must be positive".into());
    }
    let args = [Value::Int(n)];

    let start = Instant::now();
    let pi = compile_pi()?;
    println!("compile monte_carlo_pi(int): {:.2} ms", start.elapsed().as_secs_f64() * 1e3);

    let sigma = pi_sigma(n);
    fastsci::jit::seed(2026);
    for (how, compiled) in [("compiled", true), ("interpreted", false)] {
        let start = Instant::now();
        let result = if compiled { pi.call(&args)? } else { pi.call_interpreted(&args)? };
        let secs = start.elapsed().as_secs_f64();
        let estimate = result.as_f64().ok_or("monte_carlo_pi returned a non-number")?;
        let error = estimate - std::f64::consts::PI;
        println!(
            "{how:>11}, n = {n}: pi ~ {estimate:.6} (error {error:+.1e}, {:.1} sigma) in {:.2} ms, \
             {:.1} ns/sample",
            error.abs() / sigma,
            secs * 1e3,
            secs / n as f64 * 1e9
        );
        assert!(error.abs() < 5.0 * sigma, "pi estimate {estimate} is more than 5 sigma off");
    }
    Ok(())
}
