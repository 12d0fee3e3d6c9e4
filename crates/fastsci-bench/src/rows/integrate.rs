//! Rows for fastsci-integrate: the reference integral of workload 6.

use std::hint::black_box;
use std::path::Path;

use fastsci::integrate::{QuadOptions, quad};

use crate::timing::median_seconds_per_call;
use crate::{Measurement, Row};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![Row {
        name: "quad-ref",
        what: "∫_0^5 exp(-x²) log(1+x²) dx, QAGS to 1.49e-8",
        anchor: "scipy.integrate.quad (math callback)",
        target: ">= 10x faster",
        run: reference_integral,
    }]
}

/// The reference integrand as a plain Rust closure.
fn integrand(x: f64) -> f64 {
    (-x * x).exp() * (1.0 + x * x).ln()
}

fn reference_integral(_data: &Path) -> anyhow::Result<Measurement> {
    let options = QuadOptions::default();
    let r = quad(integrand, 0.0, 5.0, &options)?;
    let seconds = median_seconds_per_call(7, 0.2, || {
        black_box(quad(|x| integrand(black_box(x)), black_box(0.0), black_box(5.0), &options).ok());
    });
    Ok(Measurement::seconds(seconds)
        .with("value", r.value)
        .with("abserr", r.abserr)
        .with("neval", r.neval as u64)
        .with("note", format!("{} evaluations (SciPy: the same)", r.neval)))
}
