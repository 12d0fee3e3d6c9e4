//! Tour section: reference workload 7, Rosenbrock by Nelder-Mead and BFGS.
//!
//! The Rosenbrock function `100 (y − x²)² + (1 − x)²` from (−1.2, 1): Nelder–Mead without
//! derivatives, then BFGS with the analytic gradient, each beside a naive method a user might
//! write first (a compass search; steepest descent with backtracking) run to the same
//! tolerance.

use fastsci::workloads::optimization::{
    START, bfgs, nelder_mead, rosenbrock as rosen, rosenbrock_gradient as rosen_grad,
};
use fastsci_optimize::OptimizeResult;
use serde_json::json;

use super::{Report, format_seconds, timed};
use crate::error::CliError;

/// Seconds per call of `f`, over enough repetitions to take about 0.2 s.
fn per_call<T>(mut f: impl FnMut() -> T) -> (T, f64) {
    let (first, one) = timed(&mut f);
    let reps = ((0.2 / one.max(1e-9)) as usize).clamp(1, 100_000);
    let ((), total) = timed(|| {
        for _ in 0..reps {
            std::hint::black_box(f());
        }
    });
    (first, total / reps as f64)
}

/// Compass (coordinate) search: try ±step along each axis, halve the step when nothing
/// improves, stop when the step is below `tol`.
fn compass_search(x0: &[f64], tol: f64, max_evals: usize) -> (Vec<f64>, f64, usize) {
    let mut x = x0.to_vec();
    let mut fx = rosen(&x);
    let mut evals = 1;
    let mut step = 0.5;
    while step > tol && evals < max_evals {
        let mut improved = false;
        for i in 0..x.len() {
            for dir in [1.0, -1.0] {
                let old = x[i];
                x[i] = old + dir * step;
                let f = rosen(&x);
                evals += 1;
                if f < fx {
                    fx = f;
                    improved = true;
                    break;
                }
                x[i] = old;
            }
        }
        if !improved {
            step *= 0.5;
        }
    }
    (x, fx, evals)
}

/// Steepest descent with Armijo backtracking, to `‖g‖∞ ≤ gtol`.
fn gradient_descent(x0: &[f64], gtol: f64, max_iter: usize) -> (Vec<f64>, f64, usize) {
    let mut x = x0.to_vec();
    let mut g = [0.0; 2];
    let mut fx = rosen(&x);
    let mut evals = 1;
    let mut t: f64 = 1.0;
    for _ in 0..max_iter {
        rosen_grad(&x, &mut g);
        let gg = g[0] * g[0] + g[1] * g[1];
        if g[0].abs().max(g[1].abs()) <= gtol {
            break;
        }
        t = (t * 2.0).min(1.0);
        loop {
            let xt = [x[0] - t * g[0], x[1] - t * g[1]];
            let ft = rosen(&xt);
            evals += 1;
            if ft <= fx - 1e-4 * t * gg || t < 1e-20 {
                x = xt.to_vec();
                fx = ft;
                break;
            }
            t *= 0.5;
        }
    }
    (x, fx, evals)
}

fn describe(report: &mut Report, name: &str, r: &OptimizeResult) {
    report.line(format!(
        "{name}: x = ({:.6}, {:.6}), f = {:.3e}, success {}, \"{}\", nfev {}, njev {}, nit {}",
        r.x[0],
        r.x[1],
        r.fun,
        r.success(),
        r.message,
        r.nfev,
        r.njev,
        r.nit
    ));
    report.figure(
        &name.to_ascii_lowercase().replace('-', "_"),
        json!({"x": r.x, "fun": r.fun, "success": r.success(), "message": r.message,
               "nfev": r.nfev, "njev": r.njev, "nit": r.nit}),
    );
}

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let mut report = Report::new();
    let x0 = START;
    let fail = |e: fastsci_optimize::OptimizeError| CliError::internal(e.to_string());

    let (nm, nm_s) = per_call(nelder_mead);
    let nm = nm.map_err(fail)?;
    describe(&mut report, "Nelder-Mead", &nm);
    let ((cx, cf, cevals), cs_s) = per_call(|| compass_search(&x0, 1e-9, 10_000_000));
    report.line(format!(
        "compass search: x = ({:.6}, {:.6}), f = {cf:.3e}, {cevals} evaluations",
        cx[0], cx[1]
    ));
    report.compare(
        "nelder_mead_vs_compass",
        "derivative-free",
        ("compass search", cs_s),
        ("Nelder-Mead", nm_s),
    );

    let (bf, bf_s) = per_call(bfgs);
    let bf = bf.map_err(fail)?;
    describe(&mut report, "BFGS", &bf);
    let ((gx, gf, gevals), gd_s) = per_call(|| gradient_descent(&x0, 1e-5, 1_000_000));
    report.line(format!(
        "steepest descent + backtracking: x = ({:.6}, {:.6}), f = {gf:.3e}, {gevals} evaluations",
        gx[0], gx[1]
    ));
    report.compare("bfgs_vs_gradient_descent", "with gradient", ("steepest descent", gd_s), ("BFGS", bf_s));
    report.line(format!(
        "for reference, scipy.optimize.minimize took 1.5 ms (Nelder-Mead, 159 evals) and 1.7 ms (BFGS, 39 evals) \
         on the 2-core development machine (WORKLOADS.md); fastsci here: {} and {}",
        format_seconds(nm_s),
        format_seconds(bf_s)
    ));
    Ok(report)
}
