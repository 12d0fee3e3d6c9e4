//! Tour section: reference workload 6, a quadrature and a central difference.
//!
//! The integral of `exp(-x²) log(1 + x²)` over [0, 5] by QAGS with its error estimate, beside
//! a composite Simpson rule refined until it reaches the same accuracy; and `d/dx sin` at 1.0
//! by Richardson-extrapolated central differences, beside one plain central difference, both
//! against `cos(1)`.

use std::hint::black_box;

use fastsci::workloads::integration::{RANGE, integral, integrand};
use fastsci_integrate::{DerivativeOptions, QuadOptions, Spacing, derivative, quad, simpson};

use super::{Report, format_seconds, timed};
use crate::error::CliError;

/// Mean seconds per call of `f` over enough calls to fill about 50 ms.
fn per_call<T>(mut f: impl FnMut() -> T) -> f64 {
    let mut calls = 1usize;
    loop {
        let ((), seconds) = timed(|| {
            for _ in 0..calls {
                black_box(f());
            }
        });
        if seconds > 0.05 {
            return seconds / calls as f64;
        }
        calls *= 2;
    }
}

/// Composite Simpson with `n` intervals on the workload's range.
fn simpson_n(n: usize) -> f64 {
    let h = (RANGE.1 - RANGE.0) / n as f64;
    let y: Vec<f64> = (0..=n).map(|i| integrand(RANGE.0 + i as f64 * h)).collect();
    simpson(&y, Spacing::Uniform(h)).unwrap_or(f64::NAN)
}

/// Doubles n from 2 until Simpson's change shows an error within `tol`; returns n and the
/// value.
fn simpson_converged(tol: f64) -> (usize, f64) {
    let mut n = 2;
    let mut prev = simpson_n(n);
    loop {
        n *= 2;
        let s = simpson_n(n);
        if (s - prev).abs() / 15.0 <= tol || n >= 1 << 24 {
            return (n, s);
        }
        prev = s;
    }
}

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let mut report = Report::new();
    let options = QuadOptions::default();
    let r = integral(&options).map_err(|e| CliError::internal(e.to_string()))?;
    report.line(format!(
        "∫_0^5 exp(-x²) log(1+x²) dx = {:.15} ± {:.1e}  ({} evaluations, {} subintervals, {})",
        r.value,
        r.abserr,
        r.neval,
        r.intervals,
        if r.success() { "converged" } else { "NOT converged" }
    ));
    // The naive baseline: composite Simpson, doubling n until the change between two levels
    // (Richardson's |S_n - S_{n/2}| / 15) is within QAGS's error estimate: like QAGS it then
    // knows its accuracy, and like a user without QUADPACK it has to search for n.
    let (n, simpson_value) = simpson_converged(r.abserr);
    report.line(format!(
        "composite Simpson, doubling n to the same accuracy: n = {n} intervals, value {simpson_value:.15}, \
         differs by {:.1e}",
        (simpson_value - r.value).abs()
    ));
    let t_quad = per_call(|| quad(|x| integrand(black_box(x)), RANGE.0, RANGE.1, &options).ok());
    let t_simpson = per_call(|| simpson_converged(black_box(r.abserr)));
    let t_simpson_final = per_call(|| simpson_n(black_box(n)));
    report.compare("quad", "integral", ("Simpson search", t_simpson), ("QAGS", t_quad));
    report.line(format!(
        "(Simpson at the final n alone, known in advance: {})",
        format_seconds(t_simpson_final)
    ));
    report.figure("simpson_final_n_seconds", t_simpson_final);
    report.figure("integral_value", r.value);
    report.figure("integral_abserr", r.abserr);
    report.figure("integral_neval", r.neval as u64);
    report.figure("simpson_intervals", n as u64);

    let exact = 1f64.cos();
    let d = derivative(f64::sin, 1.0, &DerivativeOptions::default())
        .map_err(|e| CliError::internal(e.to_string()))?;
    let h = f64::EPSILON.cbrt();
    let naive = ((1.0 + h).sin() - (1.0 - h).sin()) / (2.0 * h);
    report.line(format!(
        "d/dx sin at 1: Richardson {:.16} (error estimate {:.1e}, true error {:.1e}, {} evaluations)",
        d.value,
        d.error,
        (d.value - exact).abs(),
        d.nfev
    ));
    report.line(format!(
        "               one central difference, h = ε^(1/3): {naive:.16} (true error {:.1e}); cos(1) = {exact:.16}",
        (naive - exact).abs()
    ));
    let t_derivative =
        per_call(|| derivative(|x: f64| black_box(x).sin(), 1.0, &DerivativeOptions::default()).ok());
    report.line(format!("time per derivative: {}", format_seconds(t_derivative)));
    report.figure("derivative_value", d.value);
    report.figure("derivative_error_estimate", d.error);
    report.figure("derivative_true_error", (d.value - exact).abs());
    report.figure("central_difference_true_error", (naive - exact).abs());
    report.figure("derivative_seconds", t_derivative);
    Ok(report)
}
