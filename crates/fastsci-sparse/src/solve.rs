//! One entry point for every solver: [`solve`] with a [`SolveMethod`], as `fastsci solve` uses it.

use std::time::Instant;

use crate::direct::{Cholesky, DirectSolver, Lu};
use crate::error::{Result, SparseError};
use crate::krylov::{self, IterativeOptions, SolveStatus};
use crate::matrix::CsrMatrix;
pub use crate::method::SolveMethod;
use crate::precond::PrecondKind;

/// What [`solve`] did and how well.
#[derive(Debug, Clone)]
pub struct SolveResult {
    /// The solution.
    pub x: Vec<f64>,
    /// The method actually used ([`SolveMethod::Auto`] resolves to `Cholesky` or `Lu`).
    pub method: SolveMethod,
    /// The preconditioner used ([`PrecondKind::None`] for direct methods).
    pub precond: PrecondKind,
    /// Iterations (for direct methods: refinement steps).
    pub iterations: usize,
    /// `||b - A x||`.
    pub residual_norm: f64,
    /// `||b - A x|| / ||b||` (the residual itself when `b = 0`).
    pub relative_residual: f64,
    /// Whether the residual met `max(rtol ||b||, atol)`.
    pub status: SolveStatus,
    /// Seconds spent factorizing (direct) or building the preconditioner (iterative).
    pub factor_seconds: f64,
    /// Seconds spent solving.
    pub solve_seconds: f64,
}

impl SolveResult {
    /// True when the residual met `max(rtol ||b||, atol)`.
    pub fn success(&self) -> bool {
        self.status == SolveStatus::Converged
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn residual(a: &CsrMatrix, b: &[f64], x: &[f64]) -> Result<Vec<f64>> {
    let ax = a.mul_vec(x)?;
    Ok(b.iter().zip(&ax).map(|(b, ax)| b - ax).collect())
}

/// Solves `A x = b` with `method`; iterative methods use `precond` and `opts`, direct methods
/// hold their answer to the same `max(rtol ||b||, atol)` after up to three steps of iterative
/// refinement.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_2d, solve::{solve, SolveMethod}, precond::PrecondKind, krylov::IterativeOptions};
/// let a = laplacian_2d(30, 30)?;
/// let b = vec![1.0; 900];
/// let opts = IterativeOptions::with_rtol(1e-8);
/// let direct = solve(&a, &b, SolveMethod::Auto, PrecondKind::None, &opts)?;
/// assert_eq!(direct.method, SolveMethod::Cholesky);
/// let cg = solve(&a, &b, SolveMethod::Cg, PrecondKind::Ic0, &opts)?;
/// assert!(direct.success() && cg.success() && cg.relative_residual <= 1e-8);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// Shape errors, factorization failures ([`SparseError::Singular`],
/// [`SparseError::NotPositiveDefinite`]) and preconditioner breakdowns. Not converging is
/// reported in [`SolveResult::status`], not as an error.
pub fn solve(
    a: &CsrMatrix,
    b: &[f64],
    method: SolveMethod,
    precond: PrecondKind,
    opts: &IterativeOptions,
) -> Result<SolveResult> {
    if a.nrows() != a.ncols() {
        return Err(SparseError::shape(format_args!("solve needs a square matrix, got {:?}", a.shape())));
    }
    if b.len() != a.nrows() {
        return Err(SparseError::shape(format_args!(
            "right-hand side has {} values, the matrix {} rows",
            b.len(),
            a.nrows()
        )));
    }
    let bnorm = norm(b);
    let tol = (opts.rtol * bnorm).max(opts.atol);
    let relative = |r: f64| if bnorm > 0.0 { r / bnorm } else { r };
    let start = Instant::now();
    match method {
        SolveMethod::Auto | SolveMethod::Lu | SolveMethod::Cholesky => {
            let solver = match method {
                SolveMethod::Lu => DirectSolver::Lu(Box::new(Lu::factorize(a)?)),
                SolveMethod::Cholesky => DirectSolver::Cholesky(Cholesky::factorize(a)?),
                _ => DirectSolver::factorize(a)?,
            };
            let factor_seconds = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let mut x = solver.solve(b)?;
            let mut r = residual(a, b, &x)?;
            let mut rnorm = norm(&r);
            let mut steps = 0;
            while rnorm > tol && steps < 3 {
                let dx = solver.solve(&r)?;
                let trial: Vec<f64> = x.iter().zip(&dx).map(|(x, d)| x + d).collect();
                let rt = residual(a, b, &trial)?;
                let rtn = norm(&rt);
                steps += 1;
                if rtn >= rnorm {
                    break;
                }
                (x, r, rnorm) = (trial, rt, rtn);
            }
            let _ = &r;
            Ok(SolveResult {
                x,
                method: solver.method(),
                precond: PrecondKind::None,
                iterations: steps,
                residual_norm: rnorm,
                relative_residual: relative(rnorm),
                status: SolveStatus::of(rnorm, tol),
                factor_seconds,
                solve_seconds: start.elapsed().as_secs_f64(),
            })
        }
        _ => {
            let m = precond.build(a)?;
            let factor_seconds = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let res = match method {
                SolveMethod::Cg => krylov::cg(a, b, m.as_ref(), opts)?,
                SolveMethod::Bicgstab => krylov::bicgstab(a, b, m.as_ref(), opts)?,
                SolveMethod::Gmres => krylov::gmres(a, b, m.as_ref(), opts)?,
                _ => krylov::minres(a, b, m.as_ref(), opts)?,
            };
            Ok(SolveResult {
                method,
                precond,
                iterations: res.iterations,
                residual_norm: res.residual_norm,
                relative_residual: relative(res.residual_norm),
                status: res.status,
                factor_seconds,
                solve_seconds: start.elapsed().as_secs_f64(),
                x: res.x,
            })
        }
    }
}
