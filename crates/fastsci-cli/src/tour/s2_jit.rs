//! Tour section: reference workload 2, Monte Carlo pi compiled from Python source.
//!
//! The kernel is compiled by fastsci-jit (compile time reported apart), run at 1,000,000 and
//! 100,000,000 samples, and the same source is run by CPython at 1,000,000 samples as the
//! interpreter baseline (with NumPy if installed, else a stand-in for `np.random.random`).

use std::process::Command;

use fastsci::workloads::jit::{PI_KERNEL, compile_pi};
use fastsci_jit::Value;

use super::{Report, format_seconds, timed};
use crate::error::CliError;

/// Runs `monte_carlo_pi(n)` with CPython; returns (seconds, estimate) or why it could not.
fn cpython(n: i64) -> Result<(f64, f64), String> {
    let script = format!(
        "import sys, time, types, random\n\
         try:\n    import numpy as np\n\
         except ImportError:\n    np = types.ModuleType('numpy'); np.random = types.SimpleNamespace(random=random.random); sys.modules['numpy'] = np\n\
         ns = {{}}\nexec(compile({src:?}, 'pi.py', 'exec'), ns)\n\
         t = time.perf_counter(); r = ns['monte_carlo_pi']({n}); t = time.perf_counter() - t\n\
         print(t, r)\n",
        src = PI_KERNEL
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("python3 failed")
            .to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(str::parse::<f64>);
    match (it.next(), it.next()) {
        (Some(Ok(t)), Some(Ok(r))) => Ok((t, r)),
        _ => Err(format!("unexpected python3 output: {text}")),
    }
}

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let jit_err = |e: fastsci_jit::JitError| CliError::internal(e.to_string());
    let mut report = Report::new();
    let (function, compile_s) = timed(compile_pi);
    let function = function.map_err(jit_err)?;
    report.line(format!("compile monte_carlo_pi from Python source: {}", format_seconds(compile_s)));
    report.figure("compile_seconds", compile_s);
    fastsci_jit::seed(2026);
    let mut results = Vec::new();
    for n in [1_000_000i64, 100_000_000] {
        let (r, secs) = timed(|| function.call(&[Value::Int(n)]));
        let estimate = r.map_err(jit_err)?.as_f64().unwrap_or(f64::NAN);
        report.line(format!(
            "fastsci-jit, n = {n:>11}: pi ~ {estimate:.6} (error {:.1e}) in {} ({:.2} ns/sample)",
            (estimate - std::f64::consts::PI).abs(),
            format_seconds(secs),
            secs / n as f64 * 1e9
        ));
        report.figure(&format!("jit_{n}"), serde_json::json!({"seconds": secs, "estimate": estimate}));
        results.push(secs);
    }
    match cpython(1_000_000) {
        Ok((secs, estimate)) => {
            report.line(format!("CPython interpreter, n = 1000000: pi ~ {estimate:.6}"));
            report.compare("pi_1e6", "pi, 1e6 samples", ("CPython", secs), ("fastsci-jit", results[0]));
        }
        Err(why) => report.line(format!("CPython baseline skipped: {why}")),
    }
    Ok(report)
}
