//! Rows for fastsci-optimize: reference workload 7 (Rosenbrock from (-1.2, 1) by Nelder–Mead
//! and by BFGS with the analytic gradient) and the 1000-dimensional Rosenbrock function by
//! L-BFGS-B, each against `scipy.optimize.minimize` driving a Python callback.

use std::hint::black_box;
use std::path::Path;

use fastsci::optimize::{Method, MinimizeOptions, OptimizeResult, Problem};

use crate::timing::{median_seconds, median_seconds_per_call};
use crate::{Measurement, Row};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "rosen-nelder-mead",
            what: "Rosenbrock from (-1.2, 1), Nelder-Mead, Rust closure",
            anchor: "scipy.optimize.minimize",
            target: ">= 50x faster; same nfev",
            run: nelder_mead,
        },
        Row {
            name: "rosen-bfgs",
            what: "Rosenbrock from (-1.2, 1), BFGS with analytic gradient",
            anchor: "scipy.optimize.minimize",
            target: ">= 50x faster; same nfev",
            run: bfgs,
        },
        Row {
            name: "rosen-bfgs-numba",
            what: "the same BFGS run",
            anchor: "SciPy + numba.njit f, grad",
            target: "SciPy's fastest callback",
            run: bfgs,
        },
        Row {
            name: "rosen1000-lbfgsb",
            what: "chained Rosenbrock, n = 1000, from 0, L-BFGS-B with gradient",
            anchor: "scipy.optimize.minimize",
            target: "faster than SciPy; same nfev",
            run: lbfgsb_1000,
        },
        Row {
            name: "rosen1000-lbfgsb-numba",
            what: "the same L-BFGS-B run",
            anchor: "SciPy + numba.njit f, grad",
            target: "SciPy's fastest callback",
            run: lbfgsb_1000,
        },
    ]
}

/// `scipy.optimize.rosen`: the chained Rosenbrock function.
fn rosen(x: &[f64]) -> f64 {
    x.windows(2).map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2)).sum()
}

/// `scipy.optimize.rosen_der`.
fn rosen_der(x: &[f64], g: &mut [f64]) {
    let n = x.len();
    g.fill(0.0);
    for i in 0..n - 1 {
        let t = x[i + 1] - x[i] * x[i];
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * t;
    }
}

fn with_counts(seconds: f64, r: &OptimizeResult) -> Measurement {
    let answer = serde_json::json!({
        "x": r.x, "fun": r.fun, "nfev": r.nfev, "njev": r.njev, "nit": r.nit, "success": r.success()
    });
    Measurement::seconds(seconds).with("note", r.message.clone()).answer(answer, 1)
}

fn nelder_mead(_data: &Path) -> anyhow::Result<Measurement> {
    let run = fastsci::workloads::optimization::nelder_mead;
    let r = run()?;
    let seconds = median_seconds_per_call(5, 0.2, || {
        black_box(run().ok());
    });
    Ok(with_counts(seconds, &r))
}

fn bfgs(_data: &Path) -> anyhow::Result<Measurement> {
    let run = fastsci::workloads::optimization::bfgs;
    let r = run()?;
    let seconds = median_seconds_per_call(5, 0.2, || {
        black_box(run().ok());
    });
    Ok(with_counts(seconds, &r))
}

fn lbfgsb_1000(_data: &Path) -> anyhow::Result<Measurement> {
    let x0 = vec![0.0; 1000];
    let run = || {
        Problem::new(rosen).with_gradient(rosen_der).minimize(
            &x0,
            Method::LBfgsB,
            &MinimizeOptions::default(),
        )
    };
    let r = run()?;
    // Warmed and timed as the Python side: one untimed run, the median of three.
    let seconds = median_seconds(1, 3, || {
        black_box(run().ok());
    });
    Ok(with_counts(seconds, &r))
}
