//! Relaxation on one level: damped Jacobi, symmetric Gauss–Seidel and Chebyshev.
//!
//! - Jacobi: `x += ω D⁻¹ (b - A x)`; one SpMV and one vector pass, all threads.
//! - Symmetric Gauss–Seidel: a forward sweep then a backward one (PyAMG's
//!   `sweep='symmetric'`), so the V-cycle is a symmetric preconditioner. Sequential.
//! - Chebyshev: the degree-`k` polynomial in `D⁻¹ A` that is smallest on
//!   `[λ/30, 1.1 λ]`, `λ` the estimated largest eigenvalue of `D⁻¹ A` (Adams, Brezina, Hu,
//!   Tuminaro 2003). Only SpMVs and vector updates: it runs on all threads, and as a fixed
//!   polynomial it keeps the cycle symmetric.

use super::kernels::{self, zip_apply};
use crate::matrix::CsrMatrix;

/// The relaxation applied before and after each coarse-grid correction.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Smoother {
    /// Damped Jacobi with weight `omega` (PyAMG's `'jacobi'`; `2/3` is the classical choice
    /// for the Laplacian).
    Jacobi {
        /// The damping weight, in `(0, 2)`.
        omega: f64,
    },
    /// A forward then a backward Gauss–Seidel sweep (PyAMG's default, `sweep='symmetric'`).
    #[default]
    SymmetricGaussSeidel,
    /// A Chebyshev polynomial of `D⁻¹ A` of the given degree (multi-threaded).
    Chebyshev {
        /// Polynomial degree (SpMVs per application), at least 1.
        degree: usize,
    },
}

impl Smoother {
    /// The name as the command line and the report spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Smoother::Jacobi { .. } => "jacobi",
            Smoother::SymmetricGaussSeidel => "gauss-seidel",
            Smoother::Chebyshev { .. } => "chebyshev",
        }
    }
}

/// What a level keeps for its smoother.
pub(crate) struct SmootherData {
    pub dinv: Vec<f64>,
    /// Chebyshev's interval `[lower, upper]` of `D⁻¹ A`'s spectrum.
    pub interval: (f64, f64),
}

/// Applies `sweeps` of `smoother` to `A x = b`; `scratch` is two vectors of the level's size.
pub(crate) fn relax(
    (smoother, sweeps): (Smoother, usize),
    a: &CsrMatrix,
    data: &SmootherData,
    b: &[f64],
    x: &mut [f64],
    (r, t): (&mut [f64], &mut [f64]),
) {
    for _ in 0..sweeps {
        match smoother {
            Smoother::Jacobi { omega } => {
                a.0.mul_outer(x, t);
                let dinv = &data.dinv;
                zip_apply(x, t, |i, x, ax| *x += omega * dinv[i] * (b[i] - ax));
            }
            Smoother::SymmetricGaussSeidel => {
                kernels::gauss_seidel(a, &data.dinv, b, x, false);
                kernels::gauss_seidel(a, &data.dinv, b, x, true);
            }
            Smoother::Chebyshev { degree } => chebyshev(a, data, degree, b, x, r, t),
        }
    }
}

/// The three-term Chebyshev recurrence (Saad, *Iterative Methods*, Alg. 12.1) on `D⁻¹ A`;
/// `d` holds the update direction, `r` the residual.
fn chebyshev(
    a: &CsrMatrix,
    data: &SmootherData,
    degree: usize,
    b: &[f64],
    x: &mut [f64],
    r: &mut [f64],
    d: &mut [f64],
) {
    let (lower, upper) = data.interval;
    let theta = 0.5 * (upper + lower);
    let delta = 0.5 * (upper - lower);
    let sigma = theta / delta;
    let mut rho = 1.0 / sigma;
    let dinv = &data.dinv;
    kernels::residual(a, b, x, r);
    zip_apply(d, r, |i, d, r| *d = dinv[i] * r / theta);
    zip_apply(x, d, |_, x, d| *x += d);
    for _ in 1..degree.max(1) {
        kernels::residual(a, b, x, r);
        let rho_next = 1.0 / (2.0 * sigma - rho);
        let (keep, push) = (rho_next * rho, 2.0 * rho_next / delta);
        zip_apply(d, r, |i, d, r| *d = keep * *d + push * dinv[i] * r);
        zip_apply(x, d, |_, x, d| *x += d);
        rho = rho_next;
    }
}
