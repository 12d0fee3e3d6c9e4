//! Estimates of the largest eigenvalue of `D⁻¹ A`, for Jacobi smoothing of the prolongator
//! (the step `ω/ρ`) and for the Chebyshev smoother's interval.
//!
//! Symmetric `A` with a positive diagonal: fifteen steps of Lanczos on the similar symmetric
//! matrix `D^{-1/2} A D^{-1/2}`, the largest Ritz value found by bisection on the Sturm
//! sequence of the tridiagonal matrix (PyAMG's `approximate_spectral_radius` also runs a
//! short Lanczos). Otherwise: the power method. A seeded start vector makes it reproducible.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::matrix::CsrMatrix;

use super::kernels::{self, zip_apply};

/// Lanczos steps (PyAMG's `approximate_spectral_radius` takes 15); the power method twice as many.
const STEPS: usize = 15;

/// The largest eigenvalue (in modulus) of `D⁻¹ A`, `dinv` the inverted diagonal.
pub(crate) fn radius_dinv_a(a: &CsrMatrix, dinv: &[f64], symmetric: bool) -> f64 {
    let n = a.nrows();
    if n == 0 {
        return 0.0;
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5eed_a111);
    let mut v: Vec<f64> = (0..n).map(|_| rng.random::<f64>() - 0.5).collect();
    if symmetric && dinv.iter().all(|d| *d > 0.0) { lanczos(a, dinv, &mut v) } else { power(a, dinv, &mut v) }
}

fn lanczos(a: &CsrMatrix, dinv: &[f64], v: &mut Vec<f64>) -> f64 {
    let n = v.len();
    let s: Vec<f64> = dinv.iter().map(|d| d.sqrt()).collect();
    let nv = kernels::norm(v);
    zip_apply(v, &s, |_, x, _| *x /= nv);
    let (mut alphas, mut betas) = (Vec::new(), Vec::new());
    let mut previous = vec![0.0; n];
    let mut scaled = vec![0.0; n];
    let mut w = vec![0.0; n];
    let mut beta_previous = 0.0;
    for _ in 0..STEPS.min(n) {
        zip_apply(&mut scaled, v, |i, x, vi| *x = s[i] * vi);
        a.0.mul_outer(&scaled, &mut w);
        zip_apply(&mut w, &s, |_, x, si| *x *= si);
        let alpha = kernels::dot(&w, v);
        zip_apply(&mut w, v, |i, x, vi| *x -= alpha * vi + beta_previous * previous[i]);
        alphas.push(alpha);
        let beta = kernels::norm(&w);
        if beta <= 1e-12 * alpha.abs().max(f64::MIN_POSITIVE) {
            break;
        }
        betas.push(beta);
        std::mem::swap(&mut previous, v);
        zip_apply(v, &w, |_, x, wi| *x = wi / beta);
        beta_previous = beta;
    }
    betas.truncate(alphas.len().saturating_sub(1));
    largest_tridiagonal_eigenvalue(&alphas, &betas)
}

fn power(a: &CsrMatrix, dinv: &[f64], v: &mut [f64]) -> f64 {
    let n = v.len();
    let mut w = vec![0.0; n];
    let mut lambda = 0.0;
    for _ in 0..2 * STEPS {
        let nv = kernels::norm(v);
        if nv == 0.0 {
            break;
        }
        a.0.mul_outer(v, &mut w);
        for i in 0..n {
            w[i] *= dinv[i];
        }
        lambda = kernels::norm(&w) / nv;
        let nw = kernels::norm(&w);
        if nw == 0.0 {
            break;
        }
        for i in 0..n {
            v[i] = w[i] / nw;
        }
    }
    lambda
}

/// Bisection on the count of eigenvalues below `x` (the negative pivots of `T - x I`).
fn largest_tridiagonal_eigenvalue(alpha: &[f64], beta: &[f64]) -> f64 {
    let m = alpha.len();
    if m == 0 {
        return 0.0;
    }
    let off = |i: usize| if i < beta.len() { beta[i].abs() } else { 0.0 };
    let mut hi = f64::MIN;
    let mut lo = f64::MAX;
    for i in 0..m {
        let radius = off(i) + if i > 0 { off(i - 1) } else { 0.0 };
        hi = hi.max(alpha[i] + radius);
        lo = lo.min(alpha[i] - radius);
    }
    let below = |x: f64| {
        let mut count = 0;
        let mut q = alpha[0] - x;
        for i in 0..m {
            if i > 0 {
                let denominator = if q == 0.0 { f64::EPSILON * off(i - 1).max(1.0) } else { q };
                q = alpha[i] - x - off(i - 1) * off(i - 1) / denominator;
            }
            if q < 0.0 {
                count += 1;
            }
        }
        count
    };
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if below(mid) == m { hi = mid } else { lo = mid }
    }
    hi
}
