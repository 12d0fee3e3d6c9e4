//! `trust-exact`: the trust-region method whose subproblem `min g·p + ½pᵀHp, ‖p‖ ≤ Δ` is
//! solved nearly exactly on the dense Hessian by the iteration of Moré & Sorensen (1983), as
//! SciPy's `IterativeSubproblem`.
//!
//! For `λ ≥ max(0, −λ_min(H))` the step is `p(λ) = −(H + λI)⁻¹g` (Cholesky `H + λI = UᵀU`);
//! Newton's method on `1/‖p(λ)‖ = 1/Δ` updates `λ` inside the safeguard interval
//! `[λ_lb, λ_ub]` (Gershgorin, Frobenius and ∞-norm bounds at the start). A failed
//! factorization raises `λ_lb` by the amount that makes the failing leading minor singular.
//! Inside the boundary with `λ > 0` (the hard case), the step is pushed to the boundary along
//! the approximate null vector `z` of `U` (LINPACK's condition estimator) when
//! `t²σ_min² ≤ k_hard (pᵀ(H + λI)p + λΔ²)`. Stops at `|‖p‖ − Δ| ≤ k_easy Δ` (`k_easy = 0.1`,
//! `k_hard = 0.2`) or after 25 iterations.

use crate::newton::{Hessp, TrState, TrStep, boundaries, trust_region};
use crate::result::OptimizeResult;
use crate::scalar_fn::{HessBox, HesspBox, ScalarFunction, dot, norm2};

/// Where the dense Hessian comes from: the user's, `n` Hessian-vector products on the unit
/// vectors, or (with neither) forward differences of the gradient along them.
pub(crate) struct DenseHessian<'h, 'a> {
    pub hess: Option<&'h mut HessBox<'a>>,
    pub hessp: Hessp<'h, 'a>,
    pub nhev: usize,
}

impl DenseHessian<'_, '_> {
    /// The Hessian at x, row-major.
    fn eval(&mut self, sf: &mut ScalarFunction<'_, '_>, x: &[f64], g: &[f64]) -> Vec<f64> {
        let n = x.len();
        let mut h = vec![0.0; n * n];
        self.nhev += 1;
        if let Some(user) = self.hess.as_mut() {
            user(x, &mut h);
            return h;
        }
        let mut e = vec![0.0; n];
        let mut col = vec![0.0; n];
        for j in 0..n {
            e[j] = 1.0;
            self.hessp.apply(sf, x, g, &e, &mut col);
            for i in 0..n {
                h[i * n + j] = col[i];
            }
            e[j] = 0.0;
        }
        h
    }
}

/// Cholesky `A = UᵀU` from the upper triangle of `a` (n × n, row-major), as LAPACK's `potrf`:
/// `Ok(U)`, or `Err((k, U))` when the leading minor of order `k` (1-based) is not positive
/// definite, with the rows of `U` above `k` computed.
fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>, (usize, Vec<f64>)> {
    let mut u: Vec<f64> = vec![0.0; n * n];
    for j in 0..n {
        let ajj = a[j * n + j] - (0..j).map(|i: usize| u[i * n + j] * u[i * n + j]).sum::<f64>();
        if ajj.is_nan() || ajj <= 0.0 {
            return Err((j + 1, u));
        }
        let ujj = ajj.sqrt();
        u[j * n + j] = ujj;
        for k in j + 1..n {
            let s: f64 = (0..j).map(|i| u[i * n + j] * u[i * n + k]).sum();
            u[j * n + k] = (a[j * n + k] - s) / ujj;
        }
    }
    Ok(u)
}

/// Solves `Uᵀ y = b` (forward) for the leading `k × k` block of the upper triangular `u`.
fn solve_ut(u: &[f64], n: usize, k: usize, b: &mut [f64]) {
    for i in 0..k {
        let s: f64 = (0..i).map(|r| u[r * n + i] * b[r]).sum();
        b[i] = (b[i] - s) / u[i * n + i];
    }
}

/// Solves `U x = b` (backward) for the leading `k × k` block of the upper triangular `u`.
fn solve_u(u: &[f64], n: usize, k: usize, b: &mut [f64]) {
    for i in (0..k).rev() {
        let s: f64 = (i + 1..k).map(|c| u[i * n + c] * b[c]).sum();
        b[i] = (b[i] - s) / u[i * n + i];
    }
}

/// LINPACK's estimate of the smallest singular value of the upper triangular `u` and its
/// approximate right singular vector (Cline, Moler, Stewart & Wilkinson 1979): `w` solves
/// `Uᵀw = e` with the signs of `e = ±1` chosen greedily to make `w` large, then `Uv = w`.
fn smallest_singular_value(u: &[f64], n: usize) -> (f64, Vec<f64>) {
    let mut p = vec![0.0; n];
    let mut w = vec![0.0; n];
    for k in 0..n {
        let ukk = u[k * n + k];
        let wp = (1.0 - p[k]) / ukk;
        let wm = (-1.0 - p[k]) / ukk;
        let row = &u[k * n + k + 1..(k + 1) * n];
        let size =
            |wk: f64| wk.abs() + p[k + 1..].iter().zip(row).map(|(a, b)| (a + b * wk).abs()).sum::<f64>();
        let wk = if size(wp) >= size(wm) { wp } else { wm };
        w[k] = wk;
        for (pi, ui) in p[k + 1..].iter_mut().zip(row) {
            *pi += ui * wk;
        }
    }
    let mut v = w.clone();
    solve_u(u, n, n, &mut v);
    let v_norm = norm2(&v);
    let s_min = norm2(&w) / v_norm;
    (s_min, v.iter().map(|a| a / v_norm).collect())
}

/// The subproblem at one point: its Hessian, the quantities SciPy derives from it, and the
/// safeguard kept between solves at the same point (after rejected steps).
struct Subproblem {
    n: usize,
    hess: Vec<f64>,
    jac_mag: f64,
    gershgorin: (f64, f64),
    hess_inf: f64,
    hess_fro: f64,
    close_to_zero: f64,
    previous_radius: f64,
    lambda_lb: f64,
}

const UPDATE_COEFF: f64 = 0.01;
const MAXITER: usize = 25;
const K_EASY: f64 = 0.1;
const K_HARD: f64 = 0.2;

impl Subproblem {
    fn new(hess: Vec<f64>, g: &[f64]) -> Self {
        let n = g.len();
        let row = |i: usize| &hess[i * n..(i + 1) * n];
        let row_abs = |i: usize| row(i).iter().map(|v| v.abs()).sum::<f64>();
        let (mut lb, mut ub) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..n {
            let (d, r) = (hess[i * n + i], row_abs(i));
            lb = lb.min(d + d.abs() - r);
            ub = ub.max(d - d.abs() + r);
        }
        let hess_inf = (0..n).map(row_abs).fold(0.0, f64::max);
        let hess_fro = dot(&hess, &hess).sqrt();
        Subproblem {
            n,
            jac_mag: norm2(g),
            gershgorin: (lb, ub),
            hess_inf,
            hess_fro,
            close_to_zero: n as f64 * f64::EPSILON * hess_inf,
            previous_radius: -1.0,
            lambda_lb: 0.0,
            hess,
        }
    }

    /// `H + λI`.
    fn shifted(&self, lambda: f64) -> Vec<f64> {
        let mut h = self.hess.clone();
        for i in 0..self.n {
            h[i * self.n + i] += lambda;
        }
        h
    }

    fn initial_values(&self, radius: f64) -> (f64, f64, f64) {
        let (glb, gub) = self.gershgorin;
        let min_diag = (0..self.n).map(|i| self.hess[i * self.n + i]).fold(f64::INFINITY, f64::min);
        let lambda_ub = 0f64.max(self.jac_mag / radius + (-glb).min(self.hess_fro).min(self.hess_inf));
        let mut lambda_lb =
            0f64.max(-min_diag).max(self.jac_mag / radius - gub.min(self.hess_fro).min(self.hess_inf));
        if radius < self.previous_radius {
            lambda_lb = lambda_lb.max(self.lambda_lb);
        }
        let lambda = if lambda_lb == 0.0 { 0.0 } else { interpolate(lambda_lb, lambda_ub) };
        (lambda, lambda_lb, lambda_ub)
    }

    /// The step and whether it lies on the boundary.
    fn solve(&mut self, g: &[f64], radius: f64) -> (Vec<f64>, bool) {
        let n = self.n;
        let (mut lambda, mut lambda_lb, mut lambda_ub) = self.initial_values(radius);
        let mut hits_boundary = true;
        let mut p = vec![0.0; n];
        // As SciPy: after a successful trial factorization at the new λ inside the boundary,
        // the next iteration skips factorizing and reuses the factor of the previous λ.
        let mut already_factorized = false;
        let mut h = Vec::new();
        let mut fact: Result<Vec<f64>, (usize, Vec<f64>)> = Err((0, Vec::new()));
        let mut niter = 0;
        while niter < MAXITER {
            if already_factorized {
                already_factorized = false;
            } else {
                h = self.shifted(lambda);
                fact = cholesky(&h, n);
            }
            niter += 1;
            match &fact {
                Ok(u) if self.jac_mag > self.close_to_zero => {
                    p = g.iter().map(|v| -v).collect();
                    solve_ut(u, n, n, &mut p);
                    solve_u(u, n, n, &mut p);
                    let p_norm = norm2(&p);
                    if p_norm <= radius && lambda == 0.0 {
                        hits_boundary = false;
                        break;
                    }
                    let mut w = p.clone();
                    solve_ut(u, n, n, &mut w);
                    let w_norm = norm2(&w);
                    let lambda_new = lambda + (p_norm / w_norm).powi(2) * (p_norm - radius) / radius;
                    if p_norm < radius {
                        let (s_min, z_min) = smallest_singular_value(u, n);
                        let (ta, tb) = boundaries(&p, &z_min, radius);
                        let step_len = if tb.abs() < ta.abs() { tb } else { ta };
                        let hp: Vec<f64> = (0..n).map(|i| dot(&h[i * n..(i + 1) * n], &p)).collect();
                        let quadratic_term = dot(&p, &hp);
                        let relative_error =
                            step_len.powi(2) * s_min.powi(2) / (quadratic_term + lambda * radius * radius);
                        if relative_error <= K_HARD {
                            for (pi, zi) in p.iter_mut().zip(&z_min) {
                                *pi += step_len * zi;
                            }
                            break;
                        }
                        lambda_ub = lambda;
                        lambda_lb = lambda_lb.max(lambda - s_min * s_min);
                        h = self.shifted(lambda_new);
                        if cholesky(&h, n).is_ok() {
                            lambda = lambda_new;
                            already_factorized = true;
                        } else {
                            lambda_lb = lambda_lb.max(lambda_new);
                            lambda = interpolate(lambda_lb, lambda_ub);
                        }
                    } else {
                        if (p_norm - radius).abs() / radius <= K_EASY {
                            break;
                        }
                        lambda_lb = lambda;
                        lambda = lambda_new;
                    }
                }
                Ok(u) => {
                    // A gradient of size zero: the step is the boundary along the direction of
                    // most negative curvature, if any.
                    if lambda == 0.0 {
                        p = vec![0.0; n];
                        hits_boundary = false;
                        break;
                    }
                    let (s_min, z_min) = smallest_singular_value(u, n);
                    p = z_min.iter().map(|z| radius * z).collect();
                    if radius * radius * s_min * s_min <= K_HARD * lambda * radius * radius {
                        break;
                    }
                    lambda_ub = lambda;
                    lambda_lb = lambda_lb.max(lambda - s_min * s_min);
                    lambda = interpolate(lambda_lb, lambda_ub);
                }
                Err((k, u)) => {
                    // The leading minor of order k fails: the shift δ/‖v‖² makes it singular,
                    // with v = (−U₁₁⁻¹u₁₂, 1).
                    let k = *k;
                    let mut v = vec![0.0; n];
                    v[k - 1] = 1.0;
                    let col: Vec<f64> = (0..k - 1).map(|i| u[i * n + k - 1]).collect();
                    let delta = dot(&col, &col) - h[(k - 1) * n + k - 1];
                    for i in 0..k - 1 {
                        v[i] = -col[i];
                    }
                    solve_u(u, n, k - 1, &mut v);
                    let v_norm = norm2(&v);
                    lambda_lb = lambda_lb.max(lambda + delta / (v_norm * v_norm));
                    lambda = interpolate(lambda_lb, lambda_ub);
                }
            }
        }
        self.lambda_lb = lambda_lb;
        self.previous_radius = radius;
        (p, hits_boundary)
    }
}

/// SciPy's next λ inside `[lb, ub]`: the geometric mean, at least 1 % of the way up.
fn interpolate(lb: f64, ub: f64) -> f64 {
    (lb * ub).abs().sqrt().max(lb + UPDATE_COEFF * (ub - lb))
}

pub(crate) fn minimize_trust_exact<'h, 'a>(
    sf: &mut ScalarFunction<'_, '_>,
    hess: Option<&'h mut HessBox<'a>>,
    hessp: Option<&'h mut HesspBox<'a>>,
    x0: &[f64],
    gtol: f64,
    maxiter: usize,
) -> OptimizeResult {
    let mut source = DenseHessian { hess, hessp: Hessp { user: hessp, nhev: 0 }, nhev: 0 };
    let mut sub: Option<Subproblem> = None;
    let mut res = trust_region(sf, x0, gtol, maxiter, |sf, st: &TrState<'_>| -> TrStep {
        let sp = match &mut sub {
            Some(sp) if !st.new_point => sp,
            _ => sub.insert(Subproblem::new(source.eval(sf, st.x, st.g), st.g)),
        };
        let (p, hits_boundary) = sp.solve(st.g, st.radius);
        let n = p.len();
        let hp: Vec<f64> = (0..n).map(|i| dot(&sp.hess[i * n..(i + 1) * n], &p)).collect();
        let predicted = st.fx + dot(st.g, &p) + 0.5 * dot(&p, &hp);
        (p, hits_boundary, predicted)
    });
    res.nhev = source.nhev;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reports_the_failing_minor() {
        // [[4, 2, 0], [2, 1, 0], [0, 0, 1]]: the second leading minor is singular.
        let a = [4.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        let Err((k, u)) = cholesky(&a, 3) else { panic!("not positive definite") };
        assert_eq!(k, 2);
        assert_eq!((u[0], u[1]), (2.0, 1.0));
        let u = cholesky(&[4.0, 2.0, 2.0, 5.0], 2).expect("positive definite");
        assert_eq!(u, vec![2.0, 1.0, 0.0, 2.0]);
    }

    #[test]
    fn smallest_singular_value_of_a_diagonal() {
        // An estimate from above: w = (1/3, 2), v = U⁻¹w = (1/9, 4), s = ‖w‖/‖v‖ ≈ 0.5067.
        let (s, z) = smallest_singular_value(&[3.0, 0.0, 0.0, 0.5], 2);
        assert!((0.5..0.51).contains(&s), "{s}");
        assert!(z[1].abs() > 0.999, "{z:?}");
    }
}
