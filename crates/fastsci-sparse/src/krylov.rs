//! Krylov solvers: CG, BiCGSTAB, GMRES(m), MINRES, and LSQR for least squares.
//!
//! Tolerances follow SciPy: iteration stops when `||b - A x|| <= max(rtol * ||b||, atol)`.
//! The recursive residual of each method only proposes convergence; the true residual
//! `b - A x` is then computed, and the method continues from it if it is not yet small
//! enough, so [`IterativeResult::success`] always refers to the true residual reported in
//! [`IterativeResult::residual_norm`].
//!
//! - CG (Hestenes–Stiefel), preconditioned: symmetric positive definite `A` and `M`.
//! - BiCGSTAB (van der Vorst 1992), right-preconditioned: general square `A`.
//! - GMRES(m) (Saad–Schultz 1986), right-preconditioned, modified Gram–Schmidt Arnoldi with
//!   Givens rotations, restarted every `restart` steps: general square `A`.
//! - MINRES (Paige–Saunders 1975), preconditioned: symmetric, possibly indefinite `A`, with a
//!   symmetric positive definite `M`.
//! - LSQR (Paige–Saunders 1982): `min ||A x - b||` for any shape, with SciPy's stopping rules.

use rayon::prelude::*;

use crate::error::{Result, SparseError};
use crate::matrix::{CscMatrix, CsrMatrix};
use crate::precond::Preconditioner;

/// A matrix given by its action `y = A x`.
pub trait LinearOperator: Sync {
    /// Rows of `A`.
    fn nrows(&self) -> usize;
    /// Columns of `A`.
    fn ncols(&self) -> usize;
    /// Writes `A x` into `y`.
    fn apply(&self, x: &[f64], y: &mut [f64]);

    /// Writes `A x` into `y` and returns `x · y` (square operators); override to fuse both.
    fn apply_dot(&self, x: &[f64], y: &mut [f64]) -> f64 {
        self.apply(x, y);
        dot(x, y)
    }
}

impl LinearOperator for CsrMatrix {
    fn nrows(&self) -> usize {
        CsrMatrix::nrows(self)
    }
    fn ncols(&self) -> usize {
        CsrMatrix::ncols(self)
    }
    fn apply(&self, x: &[f64], y: &mut [f64]) {
        self.0.mul_outer(x, y);
    }
    fn apply_dot(&self, x: &[f64], y: &mut [f64]) -> f64 {
        self.0.mul_outer_dot(x, y)
    }
}

impl LinearOperator for CscMatrix {
    fn nrows(&self) -> usize {
        CscMatrix::nrows(self)
    }
    fn ncols(&self) -> usize {
        CscMatrix::ncols(self)
    }
    fn apply(&self, x: &[f64], y: &mut [f64]) {
        self.0.mul_inner(x, y);
    }
}

/// Tolerances and limits of the iterative solvers, with SciPy's defaults.
#[derive(Debug, Clone)]
pub struct IterativeOptions {
    /// Relative tolerance on `||b - A x|| / ||b||` (SciPy default `1e-5`).
    pub rtol: f64,
    /// Absolute tolerance on `||b - A x||` (default `0`).
    pub atol: f64,
    /// Iteration limit; `None` is SciPy's default: `10 n` (CG, BiCGSTAB), `5 n` (MINRES),
    /// `min(10000, 10 n)` restart cycles (GMRES).
    pub maxiter: Option<usize>,
    /// GMRES restart length (default 20).
    pub restart: usize,
    /// Starting guess (default zero).
    pub x0: Option<Vec<f64>>,
}

impl Default for IterativeOptions {
    fn default() -> Self {
        IterativeOptions { rtol: 1e-5, atol: 0.0, maxiter: None, restart: 20, x0: None }
    }
}

impl IterativeOptions {
    /// Default options with relative tolerance `rtol`.
    pub fn with_rtol(rtol: f64) -> IterativeOptions {
        IterativeOptions { rtol, ..IterativeOptions::default() }
    }
}

/// What an iterative solve produced.
#[derive(Debug, Clone)]
pub struct IterativeResult {
    /// The approximate solution.
    pub x: Vec<f64>,
    /// Iterations taken (matrix-vector products of the main loop).
    pub iterations: usize,
    /// `||b - A x||` of the returned `x`, computed from scratch.
    pub residual_norm: f64,
    /// The tolerance it was held to: `max(rtol * ||b||, atol)`.
    pub tolerance: f64,
    /// Whether the residual met the tolerance.
    pub status: SolveStatus,
}

impl IterativeResult {
    /// True when `residual_norm <= tolerance`.
    pub fn success(&self) -> bool {
        self.status == SolveStatus::Converged
    }
}

/// Whether a solve met its tolerance `max(rtol ||b||, atol)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SolveStatus {
    /// The true residual met the tolerance.
    Converged,
    /// The iteration limit (or, for direct methods, iterative refinement) ended with the
    /// residual above the tolerance.
    ToleranceNotMet,
}

impl SolveStatus {
    /// [`SolveStatus::Converged`] when `residual_norm <= tolerance`.
    pub fn of(residual_norm: f64, tolerance: f64) -> SolveStatus {
        if residual_norm <= tolerance { SolveStatus::Converged } else { SolveStatus::ToleranceNotMet }
    }
}

/// Vectors at least this long are processed on all threads.
const PAR_LEN: usize = 1 << 16;
/// Chunk length of the parallel vector kernels.
const CHUNK: usize = 1 << 14;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    if a.len() >= PAR_LEN {
        a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)).map(|(a, b)| dot_serial(a, b)).sum()
    } else {
        dot_serial(a, b)
    }
}

/// `r += alpha q`; returns `||r||^2`.
fn axpy_norm2(alpha: f64, q: &[f64], r: &mut [f64]) -> f64 {
    let kernel = |q: &[f64], r: &mut [f64]| {
        // Four partial sums: one would make every element wait on the previous addition.
        let mut rr = [0.0; 4];
        let mut rc = r.chunks_exact_mut(4);
        let mut qc = q.chunks_exact(4);
        for (r, q) in (&mut rc).zip(&mut qc) {
            for k in 0..4 {
                r[k] += alpha * q[k];
                rr[k] += r[k] * r[k];
            }
        }
        let mut tail = 0.0;
        for (r, q) in rc.into_remainder().iter_mut().zip(qc.remainder()) {
            *r += alpha * q;
            tail += *r * *r;
        }
        (rr[0] + rr[1]) + (rr[2] + rr[3]) + tail
    };
    if r.len() >= PAR_LEN {
        r.par_chunks_mut(CHUNK).zip(q.par_chunks(CHUNK)).map(|(r, q)| kernel(q, r)).sum()
    } else {
        kernel(q, r)
    }
}

/// `x += alpha p; p = z + beta p`: the step along the old direction, then the new direction.
fn step_and_turn(alpha: f64, beta: f64, z: &[f64], p: &mut [f64], x: &mut [f64]) {
    let kernel = |z: &[f64], p: &mut [f64], x: &mut [f64]| {
        for ((x, p), z) in x.iter_mut().zip(p.iter_mut()).zip(z) {
            *x += alpha * *p;
            *p = z + beta * *p;
        }
    };
    if p.len() >= PAR_LEN {
        x.par_chunks_mut(CHUNK)
            .zip(p.par_chunks_mut(CHUNK))
            .zip(z.par_chunks(CHUNK))
            .for_each(|((x, p), z)| kernel(z, p, x));
    } else {
        kernel(z, p, x);
    }
}

#[inline]
fn dot_serial(a: &[f64], b: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    let (ca, ra) = a.split_at(a.len() / 4 * 4);
    let (cb, rb) = b.split_at(ca.len());
    for (x, y) in ca.chunks_exact(4).zip(cb.chunks_exact(4)) {
        for k in 0..4 {
            s[k] += x[k] * y[k];
        }
    }
    let mut t = (s[0] + s[1]) + (s[2] + s[3]);
    for (x, y) in ra.iter().zip(rb) {
        t += x * y;
    }
    t
}

#[inline]
fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// `r = b - A x`; returns `||r||`.
fn residual<A: LinearOperator + ?Sized>(a: &A, b: &[f64], x: &[f64], r: &mut [f64]) -> f64 {
    a.apply(x, r);
    for (r, b) in r.iter_mut().zip(b) {
        *r = b - *r;
    }
    norm(r)
}

struct Setup {
    n: usize,
    x: Vec<f64>,
    tol: f64,
    maxiter: usize,
}

fn setup<A: LinearOperator + ?Sized>(
    a: &A,
    b: &[f64],
    opts: &IterativeOptions,
    default_factor: usize,
) -> Result<Setup> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(SparseError::shape(format_args!(
            "the solver needs a square matrix, got {n} x {}",
            a.ncols()
        )));
    }
    if b.len() != n {
        return Err(SparseError::shape(format_args!(
            "right-hand side has {} values, the matrix {n} rows",
            b.len()
        )));
    }
    if !(opts.rtol >= 0.0 && opts.atol >= 0.0) {
        return Err(SparseError::InvalidArgument("rtol and atol must be non-negative".into()));
    }
    let x = match &opts.x0 {
        Some(x0) if x0.len() != n => {
            return Err(SparseError::shape(format_args!("x0 has {} values, expected {n}", x0.len())));
        }
        Some(x0) => x0.clone(),
        None => vec![0.0; n],
    };
    let tol = (opts.rtol * norm(b)).max(opts.atol);
    let maxiter = opts.maxiter.unwrap_or(n.saturating_mul(default_factor).max(1));
    Ok(Setup { n, x, tol, maxiter })
}

fn finish(x: Vec<f64>, iterations: usize, residual_norm: f64, tol: f64) -> IterativeResult {
    IterativeResult {
        x,
        iterations,
        residual_norm,
        tolerance: tol,
        status: SolveStatus::of(residual_norm, tol),
    }
}

/// Conjugate gradients for symmetric positive definite `A` (`scipy.sparse.linalg.cg`).
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_2d, krylov::{cg, IterativeOptions}, precond::Identity};
/// let a = laplacian_2d(20, 20)?;
/// let b = vec![1.0; 400];
/// let res = cg(&a, &b, &Identity, &IterativeOptions::with_rtol(1e-10))?;
/// assert!(res.success() && res.residual_norm <= 1e-10 * 20.0);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] for mismatched sizes. Non-convergence is not an error: see
/// [`IterativeResult::success`].
pub fn cg<A: LinearOperator + ?Sized, M: Preconditioner + ?Sized>(
    a: &A,
    b: &[f64],
    m: &M,
    opts: &IterativeOptions,
) -> Result<IterativeResult> {
    let Setup { n, mut x, tol, maxiter } = setup(a, b, opts, 10)?;
    let plain = m.is_identity();
    let mut r = vec![0.0; n];
    let mut rnorm = residual(a, b, &x, &mut r);
    let mut z = if plain { Vec::new() } else { vec![0.0; n] };
    let mut q = vec![0.0; n];
    // Without a preconditioner z = r and r·z = ||r||^2: no copy, no second dot.
    let restart = |r: &[f64], z: &mut Vec<f64>, p: &mut Vec<f64>| -> f64 {
        if plain {
            p.copy_from_slice(r);
            dot(r, r)
        } else {
            m.apply(r, z);
            p.copy_from_slice(z);
            dot(r, z)
        }
    };
    let mut p = vec![0.0; n];
    let mut rz = restart(&r, &mut z, &mut p);
    let mut it = 0;
    while it < maxiter {
        if rnorm <= tol {
            rnorm = residual(a, b, &x, &mut r);
            if rnorm <= tol {
                break;
            }
            rz = restart(&r, &mut z, &mut p);
        }
        let pq = a.apply_dot(&p, &mut q);
        it += 1;
        if pq == 0.0 || !pq.is_finite() {
            break;
        }
        let alpha = rz / pq;
        let rr = axpy_norm2(-alpha, &q, &mut r);
        rnorm = rr.sqrt();
        let rz_new = if plain {
            rr
        } else {
            m.apply(&r, &mut z);
            dot(&r, &z)
        };
        let beta = rz_new / rz;
        rz = rz_new;
        // x's update waits for the next direction, so both read p in one pass.
        step_and_turn(alpha, beta, if plain { &r } else { &z }, &mut p, &mut x);
    }
    let rnorm = residual(a, b, &x, &mut r);
    Ok(finish(x, it, rnorm, tol))
}

/// BiCGSTAB for general square `A` (`scipy.sparse.linalg.bicgstab`), right-preconditioned.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{CsrMatrix, krylov::{bicgstab, IterativeOptions}, precond::Identity};
/// let a = CsrMatrix::from_dense(3, 3, &[4.0, 1.0, 0.0, -1.0, 4.0, 1.0, 0.0, -1.0, 4.0])?;
/// let res = bicgstab(&a, &[1.0, 2.0, 3.0], &Identity, &IterativeOptions::with_rtol(1e-12))?;
/// assert!(res.success());
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] for mismatched sizes.
pub fn bicgstab<A: LinearOperator + ?Sized, M: Preconditioner + ?Sized>(
    a: &A,
    b: &[f64],
    m: &M,
    opts: &IterativeOptions,
) -> Result<IterativeResult> {
    let Setup { n, mut x, tol, maxiter } = setup(a, b, opts, 10)?;
    let mut r = vec![0.0; n];
    let mut rnorm = residual(a, b, &x, &mut r);
    let mut rhat = r.clone();
    let (mut p, mut v, mut phat, mut s, mut shat, mut t) =
        (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let (mut rho_prev, mut alpha, mut omega) = (1.0, 1.0, 1.0);
    let mut fresh = true;
    let mut it = 0;
    while it < maxiter {
        if rnorm <= tol {
            rnorm = residual(a, b, &x, &mut r);
            if rnorm <= tol {
                break;
            }
            rhat.copy_from_slice(&r);
            fresh = true;
        }
        let rho = dot(&rhat, &r);
        if rho == 0.0 || !rho.is_finite() {
            // Breakdown: restart with the current residual as shadow vector.
            rnorm = residual(a, b, &x, &mut r);
            if rnorm <= tol || rho.is_nan() {
                break;
            }
            rhat.copy_from_slice(&r);
            fresh = true;
            continue;
        }
        if fresh {
            p.copy_from_slice(&r);
            fresh = false;
        } else {
            let beta = (rho / rho_prev) * (alpha / omega);
            for i in 0..n {
                p[i] = r[i] + beta * (p[i] - omega * v[i]);
            }
        }
        m.apply(&p, &mut phat);
        a.apply(&phat, &mut v);
        it += 1;
        let rv = dot(&rhat, &v);
        if rv == 0.0 || !rv.is_finite() {
            fresh = true;
            rhat.copy_from_slice(&r);
            continue;
        }
        alpha = rho / rv;
        for i in 0..n {
            s[i] = r[i] - alpha * v[i];
        }
        if norm(&s) <= tol {
            for i in 0..n {
                x[i] += alpha * phat[i];
            }
            r.copy_from_slice(&s);
            rnorm = 0.0; // verified against the true residual at the top of the loop
            continue;
        }
        m.apply(&s, &mut shat);
        a.apply(&shat, &mut t);
        let tt = dot(&t, &t);
        omega = if tt > 0.0 { dot(&t, &s) / tt } else { 0.0 };
        let mut rr = 0.0;
        for i in 0..n {
            x[i] += alpha * phat[i] + omega * shat[i];
            r[i] = s[i] - omega * t[i];
            rr += r[i] * r[i];
        }
        rnorm = rr.sqrt();
        rho_prev = rho;
        if omega == 0.0 {
            rhat.copy_from_slice(&r);
            fresh = true;
        }
    }
    let rnorm = residual(a, b, &x, &mut r);
    Ok(finish(x, it, rnorm, tol))
}

/// Restarted GMRES(m) for general square `A` (`scipy.sparse.linalg.gmres`), right-preconditioned.
/// `opts.maxiter` counts restart cycles, as in SciPy; `iterations` counts inner steps.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{CsrMatrix, krylov::{gmres, IterativeOptions}, precond::Identity};
/// let a = CsrMatrix::from_dense(3, 3, &[2.0, 1.0, 0.0, 0.0, 3.0, 1.0, 1.0, 0.0, 4.0])?;
/// let res = gmres(&a, &[1.0, 0.0, 1.0], &Identity, &IterativeOptions::with_rtol(1e-12))?;
/// assert!(res.success() && res.iterations <= 3);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] for mismatched sizes; [`SparseError::InvalidArgument`] for
/// `restart == 0`.
pub fn gmres<A: LinearOperator + ?Sized, M: Preconditioner + ?Sized>(
    a: &A,
    b: &[f64],
    m: &M,
    opts: &IterativeOptions,
) -> Result<IterativeResult> {
    if opts.restart == 0 {
        return Err(SparseError::InvalidArgument("GMRES restart must be at least 1".into()));
    }
    let Setup { n, mut x, tol, .. } = setup(a, b, opts, 10)?;
    let cycles = opts.maxiter.unwrap_or((10 * n).clamp(1, 10_000));
    let mr = opts.restart.min(n.max(1));
    let mut r = vec![0.0; n];
    let mut w = vec![0.0; n];
    let mut z = vec![0.0; n];
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(mr + 1);
    // Hessenberg by columns: h[j] has j + 2 entries.
    let mut h: Vec<Vec<f64>> = Vec::with_capacity(mr);
    let (mut cs, mut sn, mut g) = (vec![0.0; mr], vec![0.0; mr], vec![0.0; mr + 1]);
    let mut it = 0;
    let mut rnorm = residual(a, b, &x, &mut r);
    let mut stagnant = 0;
    for _ in 0..cycles {
        if rnorm <= tol || rnorm == 0.0 {
            break;
        }
        basis.clear();
        h.clear();
        basis.push(r.iter().map(|v| v / rnorm).collect());
        g.iter_mut().for_each(|v| *v = 0.0);
        g[0] = rnorm;
        let mut k = 0;
        while k < mr {
            m.apply(&basis[k], &mut z);
            a.apply(&z, &mut w);
            it += 1;
            let mut col = vec![0.0; k + 2];
            for (i, v) in basis.iter().enumerate() {
                let hij = dot(&w, v);
                col[i] = hij;
                for (w, v) in w.iter_mut().zip(v) {
                    *w -= hij * v;
                }
            }
            let hnext = norm(&w);
            col[k + 1] = hnext;
            for i in 0..k {
                let (a0, a1) = (col[i], col[i + 1]);
                col[i] = cs[i] * a0 + sn[i] * a1;
                col[i + 1] = -sn[i] * a0 + cs[i] * a1;
            }
            let denom = col[k].hypot(col[k + 1]);
            let (c, s) = if denom == 0.0 { (1.0, 0.0) } else { (col[k] / denom, col[k + 1] / denom) };
            cs[k] = c;
            sn[k] = s;
            col[k] = denom;
            col[k + 1] = 0.0;
            g[k + 1] = -s * g[k];
            g[k] *= c;
            h.push(col);
            k += 1;
            if g[k].abs() <= tol || hnext == 0.0 || !hnext.is_finite() {
                break;
            }
            basis.push(w.iter().map(|v| v / hnext).collect());
        }
        // Solve the k x k triangular system and update x += M^{-1} (V y).
        let mut y = vec![0.0; k];
        for i in (0..k).rev() {
            let mut s = g[i];
            for j in i + 1..k {
                s -= h[j][i] * y[j];
            }
            y[i] = if h[i][i] != 0.0 { s / h[i][i] } else { 0.0 };
        }
        w.iter_mut().for_each(|v| *v = 0.0);
        for (yi, v) in y.iter().zip(&basis) {
            for (w, v) in w.iter_mut().zip(v) {
                *w += yi * v;
            }
        }
        m.apply(&w, &mut z);
        for (x, z) in x.iter_mut().zip(&z) {
            *x += z;
        }
        let before = rnorm;
        rnorm = residual(a, b, &x, &mut r);
        if !rnorm.is_finite() {
            break;
        }
        stagnant = if rnorm >= before * (1.0 - 1e-14) { stagnant + 1 } else { 0 };
        if stagnant >= 3 {
            break;
        }
    }
    Ok(finish(x, it, rnorm, tol))
}

/// MINRES for symmetric, possibly indefinite `A` (`scipy.sparse.linalg.minres`). The
/// preconditioner must be symmetric positive definite.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{CsrMatrix, krylov::{minres, IterativeOptions}, precond::Identity};
/// // Symmetric indefinite: eigenvalues of both signs.
/// let a = CsrMatrix::from_dense(3, 3, &[1.0, 2.0, 0.0, 2.0, -1.0, 1.0, 0.0, 1.0, 3.0])?;
/// let res = minres(&a, &[1.0, 1.0, 1.0], &Identity, &IterativeOptions::with_rtol(1e-10))?;
/// assert!(res.success());
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] for mismatched sizes; [`SparseError::Preconditioner`] when the
/// preconditioner is not positive definite.
pub fn minres<A: LinearOperator + ?Sized, M: Preconditioner + ?Sized>(
    a: &A,
    b: &[f64],
    m: &M,
    opts: &IterativeOptions,
) -> Result<IterativeResult> {
    let Setup { n, mut x, tol, maxiter } = setup(a, b, opts, 5)?;
    let mut it = 0;
    let mut true_r = vec![0.0; n];
    'outer: loop {
        // (Re)start from the current x.
        let mut r1 = vec![0.0; n];
        let rnorm0 = residual(a, b, &x, &mut r1);
        if rnorm0 <= tol || it >= maxiter {
            break;
        }
        let mut y = vec![0.0; n];
        m.apply(&r1, &mut y);
        let b1 = dot(&r1, &y);
        if b1 < 0.0 {
            return Err(SparseError::Preconditioner(
                "MINRES needs a positive definite preconditioner".into(),
            ));
        }
        let beta1 = b1.sqrt();
        if beta1 == 0.0 {
            break;
        }
        let mut r2 = r1.clone();
        let (mut oldb, mut beta, mut dbar, mut epsln, mut phibar) = (0.0, beta1, 0.0, 0.0, beta1);
        let (mut cs, mut sn) = (-1.0f64, 0.0f64);
        let (mut w, mut w1, mut w2) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let mut v = vec![0.0; n];
        let mut inner = 0;
        loop {
            if it >= maxiter {
                break 'outer;
            }
            let s = 1.0 / beta;
            for (v, y) in v.iter_mut().zip(&y) {
                *v = s * y;
            }
            a.apply(&v, &mut y);
            it += 1;
            inner += 1;
            if inner >= 2 {
                let f = beta / oldb;
                for (y, r1) in y.iter_mut().zip(&r1) {
                    *y -= f * r1;
                }
            }
            let alfa = dot(&v, &y);
            let f = alfa / beta;
            for (y, r2) in y.iter_mut().zip(&r2) {
                *y -= f * r2;
            }
            std::mem::swap(&mut r1, &mut r2);
            r2.copy_from_slice(&y);
            m.apply(&r2, &mut y);
            oldb = beta;
            let bb = dot(&r2, &y);
            if bb < 0.0 {
                return Err(SparseError::Preconditioner(
                    "MINRES needs a positive definite preconditioner".into(),
                ));
            }
            beta = bb.sqrt();
            let oldeps = epsln;
            let delta = cs * dbar + sn * alfa;
            let gbar = sn * dbar - cs * alfa;
            epsln = sn * beta;
            dbar = -cs * beta;
            let gamma = gbar.hypot(beta).max(f64::EPSILON);
            cs = gbar / gamma;
            sn = beta / gamma;
            let phi = cs * phibar;
            phibar *= sn;
            let denom = 1.0 / gamma;
            std::mem::swap(&mut w1, &mut w2);
            std::mem::swap(&mut w2, &mut w);
            for i in 0..n {
                w[i] = (v[i] - oldeps * w1[i] - delta * w2[i]) * denom;
                x[i] += phi * w[i];
            }
            if phibar <= tol || beta == 0.0 || !phibar.is_finite() {
                let rn = residual(a, b, &x, &mut true_r);
                if rn <= tol || beta == 0.0 || !rn.is_finite() {
                    break 'outer;
                }
                // The estimate ran ahead of the true residual: restart from x.
                continue 'outer;
            }
        }
    }
    let rnorm = residual(a, b, &x, &mut true_r);
    Ok(finish(x, it, rnorm, tol))
}

/// Options of [`lsqr`], with SciPy's defaults.
#[derive(Debug, Clone)]
pub struct LsqrOptions {
    /// Relative error tolerance in `A` (default `1e-6`).
    pub atol: f64,
    /// Relative error tolerance in `b` (default `1e-6`).
    pub btol: f64,
    /// Stop when the estimated condition number exceeds this (default `1e8`).
    pub conlim: f64,
    /// Iteration limit (default `2 * ncols`).
    pub maxiter: Option<usize>,
    /// Damping: solve `min ||A x - b||^2 + damp^2 ||x||^2` (default 0).
    pub damp: f64,
}

impl Default for LsqrOptions {
    fn default() -> Self {
        LsqrOptions { atol: 1e-6, btol: 1e-6, conlim: 1e8, maxiter: None, damp: 0.0 }
    }
}

/// What [`lsqr`] produced.
#[derive(Debug, Clone)]
pub struct LsqrResult {
    /// The least-squares solution.
    pub x: Vec<f64>,
    /// Which stopping rule fired.
    pub status: LsqrStatus,
    /// Iterations taken.
    pub iterations: usize,
    /// `||b - A x||`.
    pub residual_norm: f64,
    /// `||A^T (b - A x)||` estimate.
    pub normal_residual_norm: f64,
}

impl LsqrResult {
    /// True when a stopping rule other than the condition or iteration limit fired.
    pub fn success(&self) -> bool {
        !matches!(
            self.status,
            LsqrStatus::ConditionLimit | LsqrStatus::ConditionLimitAtPrecision | LsqrStatus::MaxIterations
        )
    }
}

/// Which stopping rule ended [`lsqr`] (SciPy's `istop`, see [`LsqrStatus::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LsqrStatus {
    /// `b = 0` or `Aᵀb = 0`: `x = 0` is exact (`istop = 0`).
    ZeroSolution,
    /// `A x = b` is solved within `atol`, `btol` (`istop = 1`).
    Compatible,
    /// The least-squares problem is solved within `atol` (`istop = 2`).
    LeastSquares,
    /// The condition estimate exceeded `conlim` (`istop = 3`).
    ConditionLimit,
    /// As `Compatible`, at machine precision (`istop = 4`).
    CompatibleAtPrecision,
    /// As `LeastSquares`, at machine precision (`istop = 5`).
    LeastSquaresAtPrecision,
    /// The condition estimate exceeded machine precision (`istop = 6`).
    ConditionLimitAtPrecision,
    /// The iteration limit was reached (`istop = 7`).
    MaxIterations,
}

impl LsqrStatus {
    /// SciPy's `istop`.
    pub fn code(self) -> u8 {
        match self {
            LsqrStatus::ZeroSolution => 0,
            LsqrStatus::Compatible => 1,
            LsqrStatus::LeastSquares => 2,
            LsqrStatus::ConditionLimit => 3,
            LsqrStatus::CompatibleAtPrecision => 4,
            LsqrStatus::LeastSquaresAtPrecision => 5,
            LsqrStatus::ConditionLimitAtPrecision => 6,
            LsqrStatus::MaxIterations => 7,
        }
    }

    fn from_istop(istop: u8) -> LsqrStatus {
        match istop {
            0 => LsqrStatus::ZeroSolution,
            1 => LsqrStatus::Compatible,
            2 => LsqrStatus::LeastSquares,
            3 => LsqrStatus::ConditionLimit,
            4 => LsqrStatus::CompatibleAtPrecision,
            5 => LsqrStatus::LeastSquaresAtPrecision,
            6 => LsqrStatus::ConditionLimitAtPrecision,
            _ => LsqrStatus::MaxIterations,
        }
    }
}

/// LSQR for `min ||A x - b||` with any shape of `A` (`scipy.sparse.linalg.lsqr`).
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{CsrMatrix, krylov::{lsqr, LsqrOptions}};
/// // Fit y = c0 + c1 t through three points.
/// let a = CsrMatrix::from_dense(3, 2, &[1.0, 0.0, 1.0, 1.0, 1.0, 2.0])?;
/// let res = lsqr(&a, &[1.0, 3.0, 5.0], &LsqrOptions::default())?;
/// assert!((res.x[0] - 1.0).abs() < 1e-6 && (res.x[1] - 2.0).abs() < 1e-6);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] when `b.len() != nrows`.
pub fn lsqr(a: &CsrMatrix, b: &[f64], opts: &LsqrOptions) -> Result<LsqrResult> {
    let (mrows, ncols) = a.shape();
    if b.len() != mrows {
        return Err(SparseError::shape(format_args!(
            "right-hand side has {} values, the matrix {mrows} rows",
            b.len()
        )));
    }
    let maxiter = opts.maxiter.unwrap_or(2 * ncols);
    let damp = opts.damp;
    let ctol = if opts.conlim > 0.0 { 1.0 / opts.conlim } else { 0.0 };
    let mut x = vec![0.0; ncols];
    let mut u = b.to_vec();
    let bnorm = norm(b);
    let mut beta = bnorm;
    let mut v = vec![0.0; ncols];
    let mut alfa = 0.0;
    if beta > 0.0 {
        u.iter_mut().for_each(|e| *e /= beta);
        a.0.mul_inner(&u, &mut v);
        alfa = norm(&v);
    }
    if alfa > 0.0 {
        v.iter_mut().for_each(|e| *e /= alfa);
    }
    let mut w = v.clone();
    let mut tmp_m = vec![0.0; mrows];
    let mut tmp_n = vec![0.0; ncols];
    let (mut rhobar, mut phibar) = (alfa, beta);
    let (mut anorm, mut ddnorm, mut xxnorm, mut z, mut res2) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
    let (mut cs2, mut sn2) = (-1.0f64, 0.0f64);
    let mut arnorm = alfa * beta;
    let mut istop = 0u8;
    let mut it = 0;
    if arnorm == 0.0 {
        return Ok(LsqrResult {
            x,
            status: LsqrStatus::ZeroSolution,
            iterations: 0,
            residual_norm: bnorm,
            normal_residual_norm: 0.0,
        });
    }
    while it < maxiter {
        it += 1;
        // Bidiagonalization: beta u = A v - alfa u, alfa v = A^T u - beta v.
        a.0.mul_outer(&v, &mut tmp_m);
        for (u, t) in u.iter_mut().zip(&tmp_m) {
            *u = t - alfa * *u;
        }
        beta = norm(&u);
        if beta > 0.0 {
            u.iter_mut().for_each(|e| *e /= beta);
            anorm = (anorm * anorm + alfa * alfa + beta * beta + damp * damp).sqrt();
            a.0.mul_inner(&u, &mut tmp_n);
            for (v, t) in v.iter_mut().zip(&tmp_n) {
                *v = t - beta * *v;
            }
            alfa = norm(&v);
            if alfa > 0.0 {
                v.iter_mut().for_each(|e| *e /= alfa);
            }
        }
        // Eliminate the damping, then the subdiagonal.
        let rhobar1 = rhobar.hypot(damp);
        let cs1 = rhobar / rhobar1;
        let sn1 = damp / rhobar1;
        let psi = sn1 * phibar;
        phibar *= cs1;
        let rho = rhobar1.hypot(beta);
        let cs = rhobar1 / rho;
        let sn = beta / rho;
        let theta = sn * alfa;
        rhobar = -cs * alfa;
        let phi = cs * phibar;
        phibar *= sn;
        let tau = sn * phi;
        let t1 = phi / rho;
        let t2 = -theta / rho;
        let mut dknorm = 0.0;
        for i in 0..ncols {
            let dk = w[i] / rho;
            dknorm += dk * dk;
            x[i] += t1 * w[i];
            w[i] = v[i] + t2 * w[i];
        }
        ddnorm += dknorm;
        let delta = sn2 * rho;
        let gambar = -cs2 * rho;
        let rhs = phi - delta * z;
        let zbar = rhs / gambar;
        let xnorm = (xxnorm + zbar * zbar).sqrt();
        let gamma = gambar.hypot(theta);
        cs2 = gambar / gamma;
        sn2 = theta / gamma;
        z = rhs / gamma;
        xxnorm += z * z;
        let acond = anorm * ddnorm.sqrt();
        let res1 = phibar * phibar;
        res2 += psi * psi;
        let rnorm = (res1 + res2).sqrt();
        arnorm = alfa * tau.abs();
        let test1 = rnorm / bnorm;
        let test2 = arnorm / (anorm * rnorm + f64::MIN_POSITIVE);
        let test3 = 1.0 / (acond + f64::MIN_POSITIVE);
        let t1b = test1 / (1.0 + anorm * xnorm / bnorm);
        let rtol = opts.btol + opts.atol * anorm * xnorm / bnorm;
        if 1.0 + test3 <= 1.0 {
            istop = 6;
        }
        if 1.0 + test2 <= 1.0 {
            istop = 5;
        }
        if 1.0 + t1b <= 1.0 {
            istop = 4;
        }
        if test3 <= ctol {
            istop = 3;
        }
        if test2 <= opts.atol {
            istop = 2;
        }
        if test1 <= rtol {
            istop = 1;
        }
        if istop != 0 {
            break;
        }
    }
    if istop == 0 {
        istop = 7;
    }
    let mut r = vec![0.0; mrows];
    a.0.mul_outer(&x, &mut r);
    let true_r = r.iter().zip(b).map(|(ax, b)| (b - ax) * (b - ax)).sum::<f64>().sqrt();
    Ok(LsqrResult {
        x,
        status: LsqrStatus::from_istop(istop),
        iterations: it,
        residual_norm: true_r,
        normal_residual_norm: arnorm,
    })
}
