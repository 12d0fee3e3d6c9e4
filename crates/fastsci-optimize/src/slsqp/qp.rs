//! SLSQP's quadratic subproblem as a constrained linear least-squares problem (Kraft 1988,
//! after Lawson & Hanson 1974, ch. 20–23).
//!
//! With the quasi-Newton matrix `B = L D Lᵀ`, the QP `min ½ sᵀBs + gᵀs` equals, up to a
//! constant, `min ‖E s − f‖²/2` with `E = D^½ Lᵀ` and `f = −E⁻ᵀ g`. Then
//! - LSEI (equalities `C s = d`, inequalities `G s ≥ h`): Householder reflections from the
//!   right make `C = [L₁ 0] Qᵀ`; the equalities fix the first `mc` transformed variables, and
//!   the remaining ones solve a problem with inequalities only (LSI), or with none (a
//!   rank-checked least-squares solve, HFTI's job in Kraft's code).
//! - LSI (`min ‖E x − f‖`, `G x ≥ h`): `E = Q R` turns it into the least distance problem
//!   `min ‖y‖`, `G R⁻¹ y ≥ h − G R⁻¹ f₁`, solved by [`super::nnls::ldp`].
//!
//! Lagrange multipliers come back for every constraint row: `Eᵀ(E x − f) = Cᵀλ + Gᵀμ`.

use super::nnls::{QpFail, Reflector, back_substitute, dot, ldp, reduce_column};
use crate::linalg::{Matrix, svd};

/// The machine epsilon Kraft's code tests pivots against.
const EPMACH: f64 = f64::EPSILON;

/// Whether a pivot is below `tol` in size, or NaN.
fn negligible(v: f64, tol: f64) -> bool {
    v.is_nan() || v.abs() < tol
}

/// Householder QR `E = Q R` in place (R in the upper triangle), with `f ← Qᵀ f`.
fn householder_qr(e: &mut Matrix, f: &mut [f64]) {
    for i in 0..e.cols.min(e.rows) {
        reduce_column(e, i, f);
    }
}

/// `min ‖E x − f‖` subject to `G x ≥ h`, for `E` (me × n, me ≥ n) of full column rank.
/// Returns `x` and the multipliers of the rows of `G`.
///
/// # Errors
/// [`QpFail::SingularE`] for a rank-deficient `E`, and LDP's failures.
pub(crate) fn lsi(
    mut e: Matrix,
    mut f: Vec<f64>,
    mut g: Matrix,
    mut h: Vec<f64>,
) -> Result<(Vec<f64>, Vec<f64>), QpFail> {
    let n = e.cols;
    if e.rows < n {
        return Err(QpFail::SingularE);
    }
    householder_qr(&mut e, &mut f);
    for j in 0..n {
        if negligible(e.get(j, j), EPMACH) {
            return Err(QpFail::SingularE);
        }
    }
    // G ← G R⁻¹ and h ← h − G R⁻¹ f₁, row by row.
    for r in 0..g.rows {
        for j in 0..n {
            let s: f64 = (0..j).map(|k| g.get(r, k) * e.get(k, j)).sum();
            g.set(r, j, (g.get(r, j) - s) / e.get(j, j));
        }
        h[r] -= dot(&g.data[r * n..(r + 1) * n], &f[..n]);
    }
    let (y, mu) = ldp(&g, &h)?;
    let rhs: Vec<f64> = y.iter().zip(&f).map(|(a, b)| a + b).collect();
    let x = back_substitute(&e, &rhs).ok_or(QpFail::SingularE)?;
    Ok((x, mu))
}

/// `min ‖E x − f‖` by Householder QR with column pivoting (the job of Lawson & Hanson's HFTI
/// in Kraft's code; SciPy ≥ 1.16 calls LAPACK's `dgelsy` with `rcond = √ε`).
///
/// The rank test is `dgelsy`'s, relative: `R` is rank deficient when its smallest singular
/// value is below `√ε` times its largest (`dgelsy` estimates the two incrementally; here they
/// are computed, which differs only for a condition number within a small factor of 1/√ε).
/// HFTI's absolute test `|R_jj| < √ε` would pass, e.g., the badly scaled
/// `R = [[5e5, 2], [0, 4e-6]]` (condition 1e11) that SciPy rejects.
///
/// # Errors
/// [`QpFail::RankDeficient`] when the pseudorank is below the number of columns.
fn full_rank_lstsq(mut e: Matrix, mut f: Vec<f64>) -> Result<Vec<f64>, QpFail> {
    let (me, l) = (e.rows, e.cols);
    if me < l {
        return Err(QpFail::RankDeficient);
    }
    let tau = EPMACH.sqrt();
    let mut perm: Vec<usize> = (0..l).collect();
    for i in 0..l {
        // Pivot: the column with the largest norm below row i.
        let norm = |e: &Matrix, j: usize| (i..me).map(|r| e.get(r, j).powi(2)).sum::<f64>();
        let p = (i..l).fold(i, |best, j| if norm(&e, j) > norm(&e, best) { j } else { best });
        if p != i {
            for r in 0..me {
                let t = e.get(r, i);
                e.set(r, i, e.get(r, p));
                e.set(r, p, t);
            }
            perm.swap(i, p);
        }
        if negligible(reduce_column(&mut e, i, &mut f), f64::MIN_POSITIVE) {
            return Err(QpFail::RankDeficient);
        }
    }
    let mut r = Matrix::zeros(l, l);
    for i in 0..l {
        for j in i..l {
            r.set(i, j, e.get(i, j));
        }
    }
    if r.data.iter().any(|v| !v.is_finite()) {
        return Err(QpFail::RankDeficient);
    }
    let sv = svd(&r).s;
    if sv[l - 1] < tau * sv[0] {
        return Err(QpFail::RankDeficient);
    }
    let z = back_substitute(&e, &f[..l]).ok_or(QpFail::RankDeficient)?;
    let mut x = vec![0.0; l];
    for (k, &j) in perm.iter().enumerate() {
        x[j] = z[k];
    }
    Ok(x)
}

/// `min ‖E x − f‖` subject to `C x = d` and `G x ≥ h` (`E` is me × n, `C` mc × n, `G` mg × n).
/// Returns `x` and the multipliers: `mc` for the equalities, then `mg` for the inequalities.
///
/// # Errors
/// [`QpFail::Dimensions`] when `mc > n`, [`QpFail::SingularC`] for dependent equalities, and
/// the failures of LSI and of the unconstrained solve.
pub(crate) fn lsei(
    mut c: Matrix,
    d: &[f64],
    mut e: Matrix,
    f: &[f64],
    mut g: Matrix,
    h: &[f64],
) -> Result<(Vec<f64>, Vec<f64>), QpFail> {
    let (mc, n) = (c.rows, c.cols);
    let (me, mg) = (e.rows, g.rows);
    if mc > n {
        return Err(QpFail::Dimensions);
    }
    // C H₁ ⋯ H_mc = [L₁ 0], the same reflections applied to the rows of E and G.
    let mut reflections = Vec::with_capacity(mc);
    for i in 0..mc {
        let (hr, s) = Reflector::new(&c.data[i * n..(i + 1) * n], i, i + 1);
        c.set(i, i, s);
        for j in i + 1..n {
            c.set(i, j, 0.0);
        }
        for r in i + 1..mc {
            hr.apply_to_row(&mut c, r);
        }
        for r in 0..me {
            hr.apply_to_row(&mut e, r);
        }
        for r in 0..mg {
            hr.apply_to_row(&mut g, r);
        }
        reflections.push(hr);
    }
    // L₁ y₁ = d.
    let mut y = vec![0.0; n];
    for i in 0..mc {
        if negligible(c.get(i, i), EPMACH) {
            return Err(QpFail::SingularC);
        }
        let s: f64 = (0..i).map(|k| c.get(i, k) * y[k]).sum();
        y[i] = (d[i] - s) / c.get(i, i);
    }
    let mut mu = vec![0.0; mg];
    if mc < n {
        let l = n - mc;
        let tail = |a: &Matrix| {
            let mut t = Matrix::zeros(a.rows, l);
            for r in 0..a.rows {
                t.data[r * l..(r + 1) * l].copy_from_slice(&a.data[r * n + mc..(r + 1) * n]);
            }
            t
        };
        let fr: Vec<f64> = (0..me).map(|r| f[r] - dot(&e.data[r * n..r * n + mc], &y[..mc])).collect();
        let y2 = if mg == 0 {
            full_rank_lstsq(tail(&e), fr)?
        } else {
            let hr: Vec<f64> = (0..mg).map(|r| h[r] - dot(&g.data[r * n..r * n + mc], &y[..mc])).collect();
            let (y2, m2) = lsi(tail(&e), fr, tail(&g), hr)?;
            mu = m2;
            y2
        };
        y[mc..].copy_from_slice(&y2);
    }
    // Multipliers of the equalities: L₁ᵀ λ = (Eᵀ(E y − f) − Gᵀ μ)₁..mc.
    let r: Vec<f64> = (0..me).map(|i| dot(&e.data[i * n..(i + 1) * n], &y) - f[i]).collect();
    let rhs: Vec<f64> = (0..mc)
        .map(|j| {
            (0..me).map(|i| e.get(i, j) * r[i]).sum::<f64>()
                - (0..mg).map(|i| g.get(i, j) * mu[i]).sum::<f64>()
        })
        .collect();
    let mut lambda = vec![0.0; mc];
    for i in (0..mc).rev() {
        let s: f64 = (i + 1..mc).map(|j| c.get(j, i) * lambda[j]).sum();
        lambda[i] = (rhs[i] - s) / c.get(i, i);
    }
    for hr in reflections.iter().rev() {
        hr.apply(&mut y);
    }
    lambda.extend_from_slice(&mu);
    Ok((y, lambda))
}

/// SLSQP's QP subproblem at one iterate: `min ½ sᵀ(L D Lᵀ)s + gᵀs` subject to the linearized
/// constraints `A s + c = 0` (the first `meq` rows) and `A s + c ≥ 0` (the others) and the step
/// bounds `lower ≤ s ≤ upper` (infinite entries: none).
pub(crate) struct Subproblem<'a> {
    /// The unit lower-triangular factor (n × n).
    pub l: &'a Matrix,
    /// The diagonal factor.
    pub d: &'a [f64],
    /// The gradient of the objective.
    pub g: &'a [f64],
    /// The constraint Jacobian (m × n).
    pub a: &'a Matrix,
    /// The constraint values.
    pub c: &'a [f64],
    /// The number of equality constraints (the first rows).
    pub meq: usize,
    /// Lower bounds of the step, one per variable (with the extra variable when augmented).
    pub lower: &'a [f64],
    /// Upper bounds of the step.
    pub upper: &'a [f64],
    /// Kraft's augmented problem for an inconsistent linearization: an extra variable `ξ` with
    /// this column in `A` and the term `(ρ ξ)²` in the objective, given as `(column, ρ)`.
    pub augment: Option<(&'a [f64], f64)>,
}

/// Solves the subproblem as LSEI (Kraft's `LSQ`): the step `s` (clipped to its bounds; with the
/// extra variable last when augmented) and the multipliers of the m constraints.
///
/// # Errors
/// LSEI's failures.
pub(crate) fn lsq(p: &Subproblem<'_>) -> Result<(Vec<f64>, Vec<f64>), QpFail> {
    let n = p.g.len();
    let m = p.c.len();
    let nn = n + usize::from(p.augment.is_some());
    // E = D^½ Lᵀ (plus ρ for ξ) and f = −E⁻ᵀ g (0 for ξ).
    let mut e = Matrix::zeros(nn, nn);
    let mut f = vec![0.0; nn];
    for i in 0..n {
        let di = p.d[i].sqrt();
        e.set(i, i, di);
        for j in i + 1..n {
            e.set(i, j, di * p.l.get(j, i));
        }
        let s: f64 = (0..i).map(|k| e.get(k, i) * f[k]).sum();
        f[i] = (p.g[i] - s) / di;
    }
    if let Some((_, rho)) = p.augment {
        e.set(n, n, rho);
    }
    for v in &mut f {
        *v = -*v;
    }
    let row = |j: usize, out: &mut [f64]| {
        out[..n].copy_from_slice(&p.a.data[j * n..(j + 1) * n]);
        if let Some((col, _)) = p.augment {
            out[n] = col[j];
        }
    };
    let mut cm = Matrix::zeros(p.meq, nn);
    for j in 0..p.meq {
        row(j, &mut cm.data[j * nn..(j + 1) * nn]);
    }
    let d: Vec<f64> = p.c[..p.meq].iter().map(|v| -v).collect();
    let lower: Vec<usize> = (0..nn).filter(|&i| p.lower[i].is_finite()).collect();
    let upper: Vec<usize> = (0..nn).filter(|&i| p.upper[i].is_finite()).collect();
    let mg = m - p.meq + lower.len() + upper.len();
    let mut gm = Matrix::zeros(mg, nn);
    let mut h = Vec::with_capacity(mg);
    for j in p.meq..m {
        let r = j - p.meq;
        row(j, &mut gm.data[r * nn..(r + 1) * nn]);
        h.push(-p.c[j]);
    }
    for &i in &lower {
        gm.set(h.len(), i, 1.0);
        h.push(p.lower[i]);
    }
    for &i in &upper {
        gm.set(h.len(), i, -1.0);
        h.push(-p.upper[i]);
    }
    let (mut s, mult) = lsei(cm, &d, e, &f, gm, &h)?;
    // Clipped as Kraft's `BOUND` does; a NaN stays NaN.
    for i in 0..nn {
        if s[i] < p.lower[i] {
            s[i] = p.lower[i];
        }
        if s[i] > p.upper[i] {
            s[i] = p.upper[i];
        }
    }
    Ok((s, mult[..m].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat(rows: usize, cols: usize, data: &[f64]) -> Matrix {
        Matrix { rows, cols, data: data.to_vec() }
    }

    #[test]
    fn lsi_solves_a_small_qp() {
        // min ‖x − (2, 2)‖ s.t. −x₁ − x₂ ≥ −2: x = (1, 1), multiplier 1 (gradient 2(x − c)/2).
        let (x, mu) =
            lsi(mat(2, 2, &[1.0, 0.0, 0.0, 1.0]), vec![2.0, 2.0], mat(1, 2, &[-1.0, -1.0]), vec![-2.0])
                .unwrap();
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 1.0).abs() < 1e-14, "{x:?}");
        assert!((mu[0] - 1.0).abs() < 1e-14, "{mu:?}");
    }

    #[test]
    fn lsei_with_equality_and_inequality() {
        // min ‖x − (1, 2, 3)‖ s.t. x₁ + x₂ + x₃ = 3 and x₃ ≤ 1.5 (−x₃ ≥ −1.5).
        // Without the inequality: x = (0, 1, 2); with it, x₃ = 1.5 and x₁, x₂ share the rest:
        // x = (0.25, 1.25, 1.5), λ = −0.75, μ = 0.75.
        let eye = mat(3, 3, &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
        let (x, m) = lsei(
            mat(1, 3, &[1.0, 1.0, 1.0]),
            &[3.0],
            eye.clone(),
            &[1.0, 2.0, 3.0],
            mat(1, 3, &[0.0, 0.0, -1.0]),
            &[-1.5],
        )
        .unwrap();
        let want = [0.25, 1.25, 1.5];
        assert!(x.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-14), "{x:?}");
        assert!((m[0] + 0.75).abs() < 1e-14 && (m[1] - 0.75).abs() < 1e-14, "{m:?}");
        // Equalities only: the rank-checked solve.
        let (x, m) = lsei(
            mat(1, 3, &[1.0, 1.0, 1.0]),
            &[3.0],
            eye.clone(),
            &[1.0, 2.0, 3.0],
            Matrix::zeros(0, 3),
            &[],
        )
        .unwrap();
        assert!(x.iter().zip(&[0.0, 1.0, 2.0]).all(|(a, b)| (a - b).abs() < 1e-14), "{x:?}");
        assert!((m[0] + 1.0).abs() < 1e-14, "{m:?}");
        // Dependent equalities, and more equalities than variables.
        let c = mat(2, 3, &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
        let r = lsei(c, &[1.0, 2.0], eye.clone(), &[0.0; 3], Matrix::zeros(0, 3), &[]);
        assert_eq!(r.map(|_| ()), Err(QpFail::SingularC));
        let c = mat(4, 3, &[1.0; 12]);
        let r = lsei(c, &[1.0; 4], eye, &[0.0; 3], Matrix::zeros(0, 3), &[]);
        assert_eq!(r.map(|_| ()), Err(QpFail::Dimensions));
    }
}
