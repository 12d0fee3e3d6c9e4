//! Nonnegative least squares and least distance programming (Lawson & Hanson 1974, ch. 23),
//! the innermost solvers of SLSQP's QP subproblem, with the Householder reflections they and
//! [`super::qp`] are built on.
//!
//! - NNLS: `min ‖A x − b‖` subject to `x ≥ 0`, by the active-set method of Lawson & Hanson:
//!   move the variable with the largest positive dual `wⱼ = (Aᵀ(b − Ax))ⱼ` into the passive set
//!   (unless its column depends on the passive ones or its new value would not be positive),
//!   solve the unconstrained problem on the passive set, and step back towards the previous
//!   point while a passive variable would turn negative. At most `3n` step-backs.
//! - LDP: `min ‖x‖` subject to `G x ≥ h`. With `u ≥ 0` the NNLS solution of
//!   `[Gᵀ; hᵀ] u ≈ eₙ₊₁` and `r` its residual, the constraints are compatible iff `r ≠ 0`,
//!   and then `x = −r₁..ₙ / rₙ₊₁ = Gᵀu / (1 − hᵀu)` with multipliers `u / (1 − hᵀu)`.

use crate::linalg::Matrix;

/// Why a least-squares subproblem failed: SLSQP's exit modes 2 to 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QpFail {
    /// 2: more equality constraints than variables.
    Dimensions = 2,
    /// 3: NNLS needed more than 3n iterations.
    NnlsIterations = 3,
    /// 4: the inequality constraints are incompatible.
    Incompatible = 4,
    /// 5: the least-squares matrix is singular.
    SingularE = 5,
    /// 6: the equality constraints are linearly dependent.
    SingularC = 6,
    /// 7: the equality-constrained least-squares problem is rank deficient.
    RankDeficient = 7,
}

/// A Householder reflection `H = I + u uᵀ / b` (Lawson & Hanson's `H12`) that maps a vector
/// `v` to one whose entries `l..` are zero and whose pivot entry `p` is `s = −sign(vₚ)‖v‖`.
/// It acts on the entries `p` and `l..` only.
pub(crate) struct Reflector {
    p: usize,
    l: usize,
    /// The pivot component of `u`.
    up: f64,
    /// The components `l..` of `u`.
    u: Vec<f64>,
    /// `s · up < 0`; zero for the identity.
    b: f64,
}

impl Reflector {
    /// The reflection that zeroes `v[l..]` against `v[p]` (`p < l`), with the new pivot value.
    /// A zero vector gives the identity.
    pub(crate) fn new(v: &[f64], p: usize, l: usize) -> (Reflector, f64) {
        let tail = v.get(l..).unwrap_or(&[]);
        let cl = tail.iter().fold(v[p].abs(), |m, x| m.max(x.abs()));
        if cl.is_nan() || cl <= 0.0 {
            return (Reflector { p, l, up: 0.0, u: vec![], b: 0.0 }, v[p]);
        }
        let sm = (v[p] / cl).powi(2) + tail.iter().map(|x| (x / cl).powi(2)).sum::<f64>();
        let s = if v[p] > 0.0 { -cl * sm.sqrt() } else { cl * sm.sqrt() };
        let up = v[p] - s;
        (Reflector { p, l, up, u: tail.to_vec(), b: up * s }, s)
    }

    /// `x ← H x`.
    pub(crate) fn apply(&self, x: &mut [f64]) {
        if self.b.is_nan() || self.b >= 0.0 {
            return;
        }
        let (head, rest) = x.split_at_mut(self.l);
        let tail = &mut rest[..self.u.len()];
        let t = (head[self.p] * self.up + dot(tail, &self.u)) / self.b;
        if t == 0.0 {
            return;
        }
        head[self.p] += t * self.up;
        for (xi, ui) in tail.iter_mut().zip(&self.u) {
            *xi += t * ui;
        }
    }

    /// Applies `H` to column `j` of `a` (acting on its row indices).
    pub(crate) fn apply_to_column(&self, a: &mut Matrix, j: usize) {
        let mut col: Vec<f64> = (0..a.rows).map(|i| a.get(i, j)).collect();
        self.apply(&mut col);
        for (i, v) in col.into_iter().enumerate() {
            a.set(i, j, v);
        }
    }

    /// Applies `H` to row `i` of `a` (acting on its column indices).
    pub(crate) fn apply_to_row(&self, a: &mut Matrix, i: usize) {
        let c = a.cols;
        self.apply(&mut a.data[i * c..(i + 1) * c]);
    }
}

/// One step of Householder QR: zeroes column `i` of `w` below the diagonal, applying the
/// reflection to the columns after it and to `rhs`. Returns the new diagonal entry.
pub(crate) fn reduce_column(w: &mut Matrix, i: usize, rhs: &mut [f64]) -> f64 {
    let col: Vec<f64> = (0..w.rows).map(|r| w.get(r, i)).collect();
    let (h, s) = Reflector::new(&col, i, i + 1);
    w.set(i, i, s);
    for r in i + 1..w.rows {
        w.set(r, i, 0.0);
    }
    for j in i + 1..w.cols {
        h.apply_to_column(w, j);
    }
    h.apply(rhs);
    s
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The least-squares solution of `A[:, cols] z ≈ b` by Householder QR, for NNLS.
struct ColumnSolve {
    z: Vec<f64>,
    /// The size of the last column's diagonal entry after the factorization.
    diag: f64,
    /// The norm of the last column's part in the span of the earlier ones (with `diag`,
    /// Lawson & Hanson's test that a new column is independent of the passive set).
    unorm: f64,
    /// The residual norm as Lawson & Hanson compute it: the norm of the components of `Qᵀb`
    /// past the passive set, exactly zero when the passive set fills every row.
    rnorm: f64,
}

/// Solves on the columns `cols` of `a`; `None` when there are more columns than rows or a
/// diagonal entry is zero.
fn solve_on_columns(a: &Matrix, cols: &[usize], b: &[f64]) -> Option<ColumnSolve> {
    let (m, k) = (a.rows, cols.len());
    if k > m {
        return None;
    }
    let mut w = Matrix::zeros(m, k);
    for (jj, &j) in cols.iter().enumerate() {
        for i in 0..m {
            w.set(i, jj, a.get(i, j));
        }
    }
    let mut rhs = b.to_vec();
    let mut unorm = 0.0;
    for i in 0..k {
        if i == k - 1 {
            unorm = (0..i).map(|r| w.get(r, i).powi(2)).sum::<f64>().sqrt();
        }
        reduce_column(&mut w, i, &mut rhs);
    }
    let z = back_substitute(&w, &rhs[..k])?;
    let rnorm = rhs[k..].iter().map(|r| r * r).sum::<f64>().sqrt();
    Some(ColumnSolve { z, diag: w.get(k - 1, k - 1).abs(), unorm, rnorm })
}

/// Solves `R z = y` for the upper triangle of the leading `y.len()` square of `r`; `None` when
/// a diagonal entry is zero.
pub(crate) fn back_substitute(r: &Matrix, y: &[f64]) -> Option<Vec<f64>> {
    let k = y.len();
    let mut z = y.to_vec();
    for i in (0..k).rev() {
        let rii = r.get(i, i);
        if rii == 0.0 {
            return None;
        }
        let s: f64 = (i + 1..k).map(|j| r.get(i, j) * z[j]).sum();
        z[i] = (z[i] - s) / rii;
    }
    Some(z)
}

/// Nonnegative least squares: `min ‖A x − b‖` subject to `x ≥ 0`. Returns `x` and `‖A x − b‖`.
///
/// # Errors
/// [`QpFail::NnlsIterations`] after more than `3n` step-backs.
pub(crate) fn nnls(a: &Matrix, b: &[f64]) -> Result<(Vec<f64>, f64), QpFail> {
    let (m, n) = (a.rows, a.cols);
    let mut x = vec![0.0; n];
    let mut passive: Vec<usize> = Vec::with_capacity(n);
    let mut resid = b.to_vec();
    let mut rnorm = b.iter().map(|r| r * r).sum::<f64>().sqrt();
    let mut steps_back = 0;
    loop {
        // The dual w = Aᵀ(b − Ax) on the variables at zero; rejected candidates get w = 0.
        let mut w: Vec<f64> = (0..n)
            .map(|j| if passive.contains(&j) { 0.0 } else { (0..m).map(|i| a.get(i, j) * resid[i]).sum() })
            .collect();
        let mut sol = loop {
            let best = (0..n).filter(|&j| w[j] > 0.0).fold(None, |best: Option<usize>, j| match best {
                Some(b) if w[b] >= w[j] => Some(b),
                _ => Some(j),
            });
            let Some(t) = best else {
                return Ok((x, rnorm));
            };
            passive.push(t);
            match solve_on_columns(a, &passive, b) {
                Some(cs) if (cs.unorm + 0.01 * cs.diag) - cs.unorm > 0.0 && cs.z[cs.z.len() - 1] > 0.0 => {
                    break cs;
                }
                _ => {
                    passive.pop();
                    w[t] = 0.0;
                }
            }
        };
        // Step back while the unconstrained solution on the passive set leaves x ≥ 0.
        while sol.z.iter().any(|&v| v <= 0.0) {
            let z = &sol.z;
            steps_back += 1;
            if steps_back > 3 * n {
                return Err(QpFail::NnlsIterations);
            }
            let mut alpha = f64::INFINITY;
            let mut leaving = 0;
            for (k, &j) in passive.iter().enumerate() {
                if z[k] <= 0.0 {
                    let t = x[j] / (x[j] - z[k]);
                    if t < alpha {
                        alpha = t;
                        leaving = j;
                    }
                }
            }
            for (k, &j) in passive.iter().enumerate() {
                x[j] += alpha * (z[k] - x[j]);
            }
            x[leaving] = 0.0;
            passive.retain(|&j| {
                let keep = x[j] > 0.0;
                if !keep {
                    x[j] = 0.0;
                }
                keep
            });
            if passive.is_empty() {
                sol = ColumnSolve {
                    z: vec![],
                    diag: 0.0,
                    unorm: 0.0,
                    rnorm: b.iter().map(|r| r * r).sum::<f64>().sqrt(),
                };
                break;
            }
            sol = solve_on_columns(a, &passive, b).ok_or(QpFail::NnlsIterations)?;
        }
        for (k, &j) in passive.iter().enumerate() {
            x[j] = sol.z[k];
        }
        rnorm = sol.rnorm;
        for i in 0..m {
            resid[i] = b[i] - (0..n).map(|j| a.get(i, j) * x[j]).sum::<f64>();
        }
    }
}

/// Least distance programming: `min ‖x‖` subject to `G x ≥ h`. Returns `x` and the
/// multipliers of the rows of `G`.
///
/// # Errors
/// [`QpFail::Incompatible`] when no `x` satisfies the constraints; NNLS's failure.
pub(crate) fn ldp(g: &Matrix, h: &[f64]) -> Result<(Vec<f64>, Vec<f64>), QpFail> {
    let (m, n) = (g.rows, g.cols);
    if n == 0 {
        return Err(QpFail::Dimensions);
    }
    if m == 0 {
        return Ok((vec![0.0; n], vec![]));
    }
    let mut e = Matrix::zeros(n + 1, m);
    for i in 0..m {
        for j in 0..n {
            e.set(j, i, g.get(i, j));
        }
        e.set(n, i, h[i]);
    }
    let mut f = vec![0.0; n + 1];
    f[n] = 1.0;
    let (u, rnorm) = nnls(&e, &f)?;
    let fac = 1.0 - dot(h, &u);
    if rnorm.is_nan() || rnorm <= 0.0 || (1.0 + fac) - 1.0 <= 0.0 || fac.is_nan() {
        return Err(QpFail::Incompatible);
    }
    let x = (0..n).map(|j| (0..m).map(|i| g.get(i, j) * u[i]).sum::<f64>() / fac).collect();
    Ok((x, u.iter().map(|v| v / fac).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat(rows: usize, cols: usize, data: &[f64]) -> Matrix {
        Matrix { rows, cols, data: data.to_vec() }
    }

    #[test]
    fn reflector_zeroes_the_tail_and_keeps_the_norm() {
        let v = [3.0, 1.0, 4.0, 1.0, 5.0];
        let (h, s) = Reflector::new(&v, 1, 2);
        let mut w = v;
        h.apply(&mut w);
        assert!((w[1] - s).abs() < 1e-14 && w[0] == 3.0);
        assert!(w[2..].iter().all(|x| x.abs() < 1e-14), "{w:?}");
        assert!((s.abs() - (1.0f64 + 16.0 + 1.0 + 25.0).sqrt()).abs() < 1e-14);
        // H is an involution.
        h.apply(&mut w);
        assert!(w.iter().zip(&v).all(|(a, b)| (a - b).abs() < 1e-13));
    }

    #[test]
    fn nnls_matches_a_hand_solved_problem() {
        // min ‖A x − b‖, x ≥ 0, with the unconstrained solution (2, −1): x₂ is held at 0.
        let a = mat(3, 2, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
        let b = [2.0, -1.0, 1.0];
        let (x, rnorm) = nnls(&a, &b).expect("solves");
        // With x₂ = 0: min (x₁ − 2)² + 1 + (x₁ − 1)² → x₁ = 1.5.
        assert!((x[0] - 1.5).abs() < 1e-14 && x[1] == 0.0, "{x:?}");
        assert!((rnorm - (0.25f64 + 1.0 + 0.25).sqrt()).abs() < 1e-14);
        // Interior solution: all positive.
        let (x, rnorm) = nnls(&a, &[1.0, 2.0, 3.0]).expect("solves");
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 2.0).abs() < 1e-14 && rnorm < 1e-14);
    }

    #[test]
    fn ldp_finds_the_nearest_feasible_point() {
        // min ‖x‖ s.t. x₁ + x₂ ≥ 2, x₁ ≥ 0: x = (1, 1), multiplier 1 on the first row.
        let g = mat(2, 2, &[1.0, 1.0, 1.0, 0.0]);
        let (x, lam) = ldp(&g, &[2.0, 0.0]).expect("solves");
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 1.0).abs() < 1e-14, "{x:?}");
        assert!((lam[0] - 1.0).abs() < 1e-14 && lam[1].abs() < 1e-14, "{lam:?}");
        // x₁ ≥ 1 and −x₁ ≥ 1 cannot both hold.
        let g = mat(2, 1, &[1.0, -1.0]);
        assert_eq!(ldp(&g, &[1.0, 1.0]), Err(QpFail::Incompatible));
        // NaN data is incompatible, not a panic.
        assert_eq!(ldp(&mat(1, 1, &[1.0]), &[f64::NAN]), Err(QpFail::Incompatible));
    }
}
