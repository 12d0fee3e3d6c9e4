//! Algebraic multigrid: smoothed aggregation and classical Ruge–Stüben, as a solver and as
//! a preconditioner for the Krylov methods. PyAMG's algorithms and defaults, in Rust, with
//! the products and the parallel smoothers on all threads.
//!
//! A [`Hierarchy`] is built once from a matrix ([`Hierarchy::new`]): a sequence of ever
//! smaller operators `A_0 = A, A_{l+1} = P_lᵀ A_l P_l` down to a few rows, which are factored
//! directly. It then solves `A x = b` by cycles alone ([`Hierarchy::solve`]) or by a Krylov
//! method preconditioned with one cycle ([`AmgSolveOptions::accel`]), and it is a
//! [`Preconditioner`] for [`crate::krylov`]'s CG, GMRES, BiCGSTAB and MINRES.
//!
//! Setup, one stage a module:
//! - smoothed aggregation ([`AmgMethod::SmoothedAggregation`], Vaněk, Mandel, Brezina 1996):
//!   strength of connection (symmetric, threshold θ), standard aggregation, the
//!   tentative prolongator from near-null-space candidates (the constant by default; rigid-body
//!   modes for elasticity through [`AmgOptions::candidates`]), Jacobi smoothing of it
//!   (`ω = 4/3`), Galerkin products by a parallel SpGEMM;
//! - Ruge–Stüben ([`AmgMethod::RugeStuben`]): classical strength (θ = 0.25), the first-pass
//!   C/F splitting and classical interpolation.
//!
//! Cycles: V or W ([`Cycle`]); smoothers: damped Jacobi, symmetric Gauss–Seidel, Chebyshev
//! ([`Smoother`]); the coarsest level solved by the crate's Cholesky (symmetric positive
//! definite) or LU.
//!
//! # Examples
//!
//! ```
//! use fastsci_sparse::amg::{AmgOptions, Hierarchy};
//! let a = fastsci_sparse::gallery::poisson_2d(100)?;          // 10,000 unknowns
//! let amg = Hierarchy::new(&a, &AmgOptions::default())?;
//! assert!(amg.report().levels.len() >= 3);
//! let b = vec![1.0; a.nrows()];
//! let result = amg.solve(&b, 1e-8)?;                          // V-cycles alone
//! assert!(result.success());
//! assert!(result.iterations < 30 && result.convergence_factor < 0.6);
//! # Ok::<(), fastsci_sparse::SparseError>(())
//! ```

mod aggregation;
mod galerkin;
mod kernels;
mod prolongation;
mod ruge_stuben;
mod smoothers;
mod spectral;
mod strength;
mod tentative;

use std::fmt;
use std::sync::Mutex;
use std::time::Instant;

pub use smoothers::Smoother;
use smoothers::SmootherData;

use crate::direct::DirectSolver;
use crate::error::{Result, SparseError};
use crate::krylov::{self, IterativeOptions};
use crate::matrix::CsrMatrix;
use crate::precond::Preconditioner;

/// Which kind of algebraic multigrid to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmgMethod {
    /// Smoothed aggregation (PyAMG's `smoothed_aggregation_solver`): symmetric positive
    /// definite matrices, systems with several unknowns per node.
    #[default]
    SmoothedAggregation,
    /// Classical Ruge–Stüben AMG (PyAMG's `ruge_stuben_solver`): M-matrices, symmetric or not.
    RugeStuben,
}

impl AmgMethod {
    /// The name as the command line and the report spell it.
    pub fn name(self) -> &'static str {
        match self {
            AmgMethod::SmoothedAggregation => "smoothed-aggregation",
            AmgMethod::RugeStuben => "ruge-stuben",
        }
    }
}

/// The shape of the multigrid cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cycle {
    /// One coarse-grid correction per level.
    #[default]
    V,
    /// Two coarse-grid corrections per level (more work, more robust).
    W,
}

/// How to build a [`Hierarchy`]; the defaults are PyAMG's.
#[derive(Debug, Clone)]
pub struct AmgOptions {
    /// Smoothed aggregation or Ruge–Stüben.
    pub method: AmgMethod,
    /// Strength-of-connection threshold θ; `None` is the method's default (0 for smoothed
    /// aggregation, 0.25 for Ruge–Stüben).
    pub strength_threshold: Option<f64>,
    /// Relaxation before and after each coarse-grid correction.
    pub smoother: Smoother,
    /// Smoother applications before and after (default 1 each).
    pub sweeps: usize,
    /// V- or W-cycle.
    pub cycle: Cycle,
    /// At most this many levels (default 10).
    pub max_levels: usize,
    /// Stop coarsening at this many nodes (rows / unknowns per node) or fewer (default 10);
    /// that level is factored.
    pub max_coarse: usize,
    /// Weight ω of the Jacobi smoothing of the prolongator (smoothed aggregation; default
    /// 4/3; 0 gives plain, unsmoothed aggregation).
    pub prolongation_omega: f64,
    /// Near-null-space candidates, `n x k` column after column (smoothed aggregation;
    /// default: the constant vector). For 2-D elasticity, the three rigid-body modes.
    pub candidates: Option<Vec<f64>>,
    /// Symmetric Gauss–Seidel sweeps on `A x = 0` applied to the candidates on the finest
    /// level before aggregation (smoothed aggregation; default 4, PyAMG's default
    /// `improve_candidates`), which makes them smoother where the boundary conditions bend
    /// them; 0 uses them as given.
    pub improve_candidates: usize,
    /// Unknowns per node, adjacent in the numbering (default 1; 2 for 2-D elasticity):
    /// aggregation then works on nodes, keeping a node's unknowns together.
    pub block_size: usize,
}

impl Default for AmgOptions {
    fn default() -> Self {
        AmgOptions {
            method: AmgMethod::SmoothedAggregation,
            strength_threshold: None,
            smoother: Smoother::SymmetricGaussSeidel,
            sweeps: 1,
            cycle: Cycle::V,
            max_levels: 10,
            max_coarse: 10,
            prolongation_omega: 4.0 / 3.0,
            candidates: None,
            improve_candidates: 4,
            block_size: 1,
        }
    }
}

/// The Krylov method a [`Hierarchy`] accelerates, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accel {
    /// Cycles alone (stationary iteration).
    #[default]
    None,
    /// Conjugate gradients preconditioned by one cycle (symmetric positive definite `A`).
    Cg,
    /// GMRES(m), right-preconditioned (any `A`).
    Gmres,
    /// BiCGSTAB, right-preconditioned (any `A`).
    Bicgstab,
    /// MINRES (symmetric `A`).
    Minres,
}

impl Accel {
    /// The name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Accel::None => "none",
            Accel::Cg => "cg",
            Accel::Gmres => "gmres",
            Accel::Bicgstab => "bicgstab",
            Accel::Minres => "minres",
        }
    }
}

/// How to solve with a [`Hierarchy`]; tolerances as SciPy's and PyAMG's:
/// stop when `||b - A x|| <= max(rtol ||b||, atol)`.
#[derive(Debug, Clone)]
pub struct AmgSolveOptions {
    /// Relative tolerance (default `1e-8`).
    pub rtol: f64,
    /// Absolute tolerance (default 0).
    pub atol: f64,
    /// At most this many cycles or Krylov iterations (default 100, as PyAMG's `solve`).
    pub maxiter: usize,
    /// The Krylov method around the cycle (default none).
    pub accel: Accel,
    /// GMRES restart length (default 20).
    pub restart: usize,
    /// Starting guess (default zero).
    pub x0: Option<Vec<f64>>,
}

impl Default for AmgSolveOptions {
    fn default() -> Self {
        AmgSolveOptions { rtol: 1e-8, atol: 0.0, maxiter: 100, accel: Accel::None, restart: 20, x0: None }
    }
}

/// How a solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmgStatus {
    /// The residual met the tolerance.
    Converged,
    /// `maxiter` was reached first (the result carries the residual reached).
    MaxIterations,
}

/// What a solve produced.
#[derive(Debug, Clone)]
pub struct AmgResult {
    /// The approximate solution.
    pub x: Vec<f64>,
    /// How it ended.
    pub status: AmgStatus,
    /// Cycles (or Krylov iterations) taken.
    pub iterations: usize,
    /// `||b - A x||` of the returned `x`, computed from scratch.
    pub residual_norm: f64,
    /// `max(rtol ||b||, atol)`.
    pub tolerance: f64,
    /// Residual norms after each cycle, the initial one first (cycles alone; with a Krylov
    /// method, the initial and the final one).
    pub residuals: Vec<f64>,
    /// Average reduction of the residual per iteration, `(r_k / r_0)^(1/k)`.
    pub convergence_factor: f64,
    /// Wall time of the solve (the setup is in [`HierarchyReport::setup_seconds`]).
    pub solve_seconds: f64,
}

impl AmgResult {
    /// Whether the tolerance was met.
    pub fn success(&self) -> bool {
        self.status == AmgStatus::Converged
    }
}

/// Why coarsening stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HierarchyStatus {
    /// The coarsest level has at most `max_coarse` rows.
    Complete,
    /// `max_levels` was reached with a larger coarsest level (factored all the same).
    MaxLevels,
    /// Coarsening stopped reducing the size (no strong couplings left); the coarsest level
    /// is factored as it is.
    Stalled,
}

/// One level of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelReport {
    /// Rows (unknowns).
    pub rows: usize,
    /// Stored entries of its operator.
    pub nnz: usize,
}

/// The shape and cost of a [`Hierarchy`], PyAMG's `print(ml)`.
#[derive(Debug, Clone)]
pub struct HierarchyReport {
    /// The kind of multigrid.
    pub method: AmgMethod,
    /// Why coarsening stopped.
    pub status: HierarchyStatus,
    /// Finest first.
    pub levels: Vec<LevelReport>,
    /// `Σ nnz(A_l) / nnz(A_0)`: the hierarchy's memory against the matrix's.
    pub operator_complexity: f64,
    /// `Σ rows(A_l) / rows(A_0)`.
    pub grid_complexity: f64,
    /// Wall time of the setup.
    pub setup_seconds: f64,
}

impl HierarchyReport {
    /// Whether coarsening reached `max_coarse` rows.
    pub fn success(&self) -> bool {
        self.status == HierarchyStatus::Complete
    }
}

impl fmt::Display for HierarchyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} multigrid, {} levels", self.method.name(), self.levels.len())?;
        writeln!(f, "operator complexity {:.3}", self.operator_complexity)?;
        writeln!(f, "grid complexity     {:.3}", self.grid_complexity)?;
        writeln!(f, "setup               {:.3} s", self.setup_seconds)?;
        writeln!(f, "level       rows         nnz")?;
        for (l, level) in self.levels.iter().enumerate() {
            writeln!(f, "{l:>5} {:>10} {:>11}", level.rows, level.nnz)?;
        }
        Ok(())
    }
}

/// A pattern (sorted columns per row), for strength graphs.
#[derive(Debug, Clone)]
pub(crate) struct Graph {
    ptr: Vec<usize>,
    idx: Vec<usize>,
}

impl Graph {
    fn with_capacity(rows: usize, entries: usize) -> Graph {
        let mut ptr = Vec::with_capacity(rows + 1);
        ptr.push(0);
        Graph { ptr, idx: Vec::with_capacity(entries) }
    }

    fn close_row(&mut self) {
        self.ptr.push(self.idx.len());
    }

    fn rows(&self) -> usize {
        self.ptr.len() - 1
    }

    fn row(&self, i: usize) -> &[usize] {
        &self.idx[self.ptr[i]..self.ptr[i + 1]]
    }

    fn transpose(&self) -> Graph {
        let n = self.rows();
        let mut ptr = vec![0usize; n + 1];
        for &j in &self.idx {
            ptr[j + 1] += 1;
        }
        for i in 0..n {
            ptr[i + 1] += ptr[i];
        }
        let mut fill = ptr.clone();
        let mut idx = vec![0usize; self.idx.len()];
        for i in 0..n {
            for &j in self.row(i) {
                idx[fill[j]] = i;
                fill[j] += 1;
            }
        }
        Graph { ptr, idx }
    }
}

/// A level above the coarsest: its operator, smoother data and transfer operators.
struct Level {
    a: CsrMatrix,
    smoother: SmootherData,
    p: CsrMatrix,
    r: CsrMatrix,
}

/// Per-level vectors of a cycle: right-hand side, iterate and two scratch vectors.
struct LevelWork {
    b: Vec<f64>,
    x: Vec<f64>,
    r: Vec<f64>,
    t: Vec<f64>,
}

/// A multigrid hierarchy: built once, then a solver ([`Hierarchy::solve`]) or a
/// [`Preconditioner`] (one cycle from a zero guess).
pub struct Hierarchy {
    levels: Vec<Level>,
    coarse_a: CsrMatrix,
    coarse: DirectSolver,
    smoother: Smoother,
    sweeps: usize,
    cycle: Cycle,
    report: HierarchyReport,
    // Reused by every cycle; a concurrent caller allocates its own.
    work: Mutex<Option<Vec<LevelWork>>>,
}

impl fmt::Debug for Hierarchy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hierarchy").field("report", &self.report).finish_non_exhaustive()
    }
}

fn invalid(message: String) -> SparseError {
    SparseError::InvalidArgument(message)
}

fn check_options(a: &CsrMatrix, opts: &AmgOptions) -> Result<()> {
    if a.nrows() != a.ncols() {
        return Err(SparseError::shape(format_args!("multigrid needs a square matrix, got {:?}", a.shape())));
    }
    if let Some(bad) = a.data().iter().position(|v| !v.is_finite()) {
        return Err(invalid(format!(
            "the matrix has a non-finite entry ({}) at stored position {bad}",
            a.data()[bad]
        )));
    }
    if opts.block_size == 0 || !a.nrows().is_multiple_of(opts.block_size) {
        return Err(invalid(format!(
            "block_size {} does not divide the {} rows (unknowns per node, e.g. 2 for 2-D elasticity)",
            opts.block_size,
            a.nrows()
        )));
    }
    if let Some(theta) = opts.strength_threshold
        && !(0.0..=1.0).contains(&theta)
    {
        return Err(invalid(format!("strength_threshold must lie in [0, 1], got {theta}")));
    }
    if !(opts.prolongation_omega.is_finite() && opts.prolongation_omega >= 0.0) {
        return Err(invalid(format!(
            "prolongation_omega must be finite and >= 0, got {}",
            opts.prolongation_omega
        )));
    }
    if opts.max_levels == 0 {
        return Err(invalid("max_levels must be at least 1".into()));
    }
    match opts.smoother {
        Smoother::Jacobi { omega } if !(omega > 0.0 && omega < 2.0) => {
            return Err(invalid(format!("the Jacobi weight must lie in (0, 2), got {omega}")));
        }
        Smoother::Chebyshev { degree: 0 } => {
            return Err(invalid("the Chebyshev degree must be at least 1".into()));
        }
        _ => {}
    }
    if let Some(c) = &opts.candidates {
        let n = a.nrows();
        if n == 0 || c.is_empty() || c.len() % n != 0 {
            return Err(invalid(format!(
                "candidates must hold n x k values (n = {n} rows, k >= 1 columns one after the other), got {}",
                c.len()
            )));
        }
        if c.iter().any(|v| !v.is_finite()) {
            return Err(invalid("the candidates have a non-finite value".into()));
        }
        if opts.method == AmgMethod::RugeStuben {
            return Err(invalid(
                "candidates are for smoothed aggregation; Ruge-Stüben does not use them".into(),
            ));
        }
    }
    Ok(())
}

fn smoother_data(a: &CsrMatrix, smoother: Smoother, level: usize, symmetric: bool) -> Result<SmootherData> {
    let dinv = kernels::inverted_diagonal(a).map_err(|row| {
        SparseError::Preconditioner(format!(
            "multigrid smoothers need a nonzero diagonal; row {row} of level {level} ({} rows) has none",
            a.nrows()
        ))
    })?;
    let interval = if let Smoother::Chebyshev { .. } = smoother {
        let top = 1.1 * spectral::radius_dinv_a(a, &dinv, symmetric);
        (top / 30.0 / 1.1, top)
    } else {
        (0.0, 0.0)
    };
    Ok(SmootherData { dinv, interval })
}

/// Relaxes each candidate column `c` toward the near null space: `sweeps` symmetric
/// Gauss–Seidel sweeps on `A c = 0`.
fn improve(a: &CsrMatrix, dinv: &[f64], candidates: &mut [f64], sweeps: usize) {
    let n = a.nrows();
    let zero = vec![0.0; n];
    for column in candidates.chunks_mut(n) {
        for _ in 0..sweeps {
            kernels::gauss_seidel(a, dinv, &zero, column, false);
            kernels::gauss_seidel(a, dinv, &zero, column, true);
        }
    }
}

impl Hierarchy {
    /// Builds the hierarchy of `a` as `opts` asks.
    ///
    /// # Errors
    /// [`SparseError::Shape`] for a non-square matrix; [`SparseError::InvalidArgument`] for
    /// bad options or candidates, or a non-finite entry; [`SparseError::Preconditioner`]
    /// when a level has a zero diagonal entry; [`SparseError::Singular`] or
    /// [`SparseError::NotPositiveDefinite`] when the coarsest operator cannot be factored.
    pub fn new(a: &CsrMatrix, opts: &AmgOptions) -> Result<Hierarchy> {
        check_options(a, opts)?;
        let start = Instant::now();
        let symmetric = kernels::is_symmetric(a, 1e-12);
        let theta = opts.strength_threshold.unwrap_or(match opts.method {
            AmgMethod::SmoothedAggregation => 0.0,
            AmgMethod::RugeStuben => 0.25,
        });
        let mut candidates = opts.candidates.clone().unwrap_or_else(|| vec![1.0; a.nrows()]);
        let mut block = opts.block_size;
        let mut levels = Vec::new();
        let mut current = a.clone();
        let mut status = HierarchyStatus::Complete;
        // As PyAMG: the coarse size counts nodes (rows / unknowns per node).
        while current.nrows() / block > opts.max_coarse {
            if levels.len() + 1 >= opts.max_levels {
                status = HierarchyStatus::MaxLevels;
                break;
            }
            let n = current.nrows();
            let smoother = smoother_data(&current, opts.smoother, levels.len(), symmetric)?;
            let p = match opts.method {
                AmgMethod::SmoothedAggregation => {
                    let graph = strength::symmetric(&current, theta, block);
                    let (aggregate, count) = aggregation::standard(&graph);
                    let k = candidates.len() / n;
                    if levels.is_empty() && opts.improve_candidates > 0 {
                        improve(&current, &smoother.dinv, &mut candidates, opts.improve_candidates);
                    }
                    let (t, coarse_candidates) =
                        tentative::fit_candidates(&aggregate, count, block, &candidates, k)?;
                    candidates = coarse_candidates;
                    block = k;
                    if opts.prolongation_omega > 0.0 {
                        let rho = spectral::radius_dinv_a(&current, &smoother.dinv, symmetric);
                        prolongation::jacobi_smoothed(
                            &current,
                            &smoother.dinv,
                            rho,
                            opts.prolongation_omega,
                            &t,
                        )?
                    } else {
                        t
                    }
                }
                AmgMethod::RugeStuben => {
                    let graph = strength::classical(&current, theta);
                    let coarse = ruge_stuben::split(&graph);
                    ruge_stuben::interpolation(&current, &graph, &coarse)?
                }
            };
            if p.ncols() == 0 || p.ncols() >= n {
                status = HierarchyStatus::Stalled;
                break;
            }
            let (coarse_a, r) = galerkin::coarse_operator(&current, &p)?;
            levels.push(Level { a: std::mem::replace(&mut current, coarse_a), smoother, p, r });
        }
        let coarse = DirectSolver::factorize(&current).map_err(|e| match e {
            SparseError::Singular | SparseError::NotPositiveDefinite => e,
            other => SparseError::Factorization(format!(
                "the coarsest level ({} rows) could not be factored: {other}",
                current.nrows()
            )),
        })?;
        let mut report_levels: Vec<LevelReport> =
            levels.iter().map(|l| LevelReport { rows: l.a.nrows(), nnz: l.a.nnz() }).collect();
        report_levels.push(LevelReport { rows: current.nrows(), nnz: current.nnz() });
        let (rows0, nnz0) = (report_levels[0].rows.max(1) as f64, report_levels[0].nnz.max(1) as f64);
        let report = HierarchyReport {
            method: opts.method,
            status,
            operator_complexity: report_levels.iter().map(|l| l.nnz as f64).sum::<f64>() / nnz0,
            grid_complexity: report_levels.iter().map(|l| l.rows as f64).sum::<f64>() / rows0,
            levels: report_levels,
            setup_seconds: start.elapsed().as_secs_f64(),
        };
        Ok(Hierarchy {
            levels,
            coarse_a: current,
            coarse,
            smoother: opts.smoother,
            sweeps: opts.sweeps,
            cycle: opts.cycle,
            report,
            work: Mutex::new(None),
        })
    }

    /// The levels, complexities and setup time.
    pub fn report(&self) -> &HierarchyReport {
        &self.report
    }

    /// The finest operator `A`.
    pub fn matrix(&self) -> &CsrMatrix {
        self.levels.first().map_or(&self.coarse_a, |l| &l.a)
    }

    /// Solves `A x = b` to `||b - A x|| <= rtol ||b||` by cycles alone (at most 100).
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `b` has the wrong length.
    pub fn solve(&self, b: &[f64], rtol: f64) -> Result<AmgResult> {
        self.solve_with(b, &AmgSolveOptions { rtol, ..AmgSolveOptions::default() })
    }

    /// Solves `A x = b` as `opts` asks: cycles alone, or a Krylov method preconditioned by
    /// one cycle (PyAMG's `ml.solve(b, tol=, accel=)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::amg::{Accel, AmgOptions, AmgSolveOptions, Hierarchy};
    /// let a = fastsci_sparse::gallery::poisson_3d(20)?;
    /// let amg = Hierarchy::new(&a, &AmgOptions::default())?;
    /// let b = vec![1.0; a.nrows()];
    /// let opts = AmgSolveOptions { rtol: 1e-10, accel: Accel::Cg, ..AmgSolveOptions::default() };
    /// let result = amg.solve_with(&b, &opts)?;
    /// assert!(result.success() && result.residual_norm <= 1e-10 * (a.nrows() as f64).sqrt());
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `b` or `x0` has the wrong length;
    /// [`SparseError::InvalidArgument`] for a negative or non-finite tolerance.
    pub fn solve_with(&self, b: &[f64], opts: &AmgSolveOptions) -> Result<AmgResult> {
        let n = self.matrix().nrows();
        if b.len() != n || opts.x0.as_ref().is_some_and(|x| x.len() != n) {
            return Err(SparseError::shape(format_args!(
                "the matrix has {n} rows, got b of {} and x0 of {:?}",
                b.len(),
                opts.x0.as_ref().map(Vec::len)
            )));
        }
        if !(opts.rtol >= 0.0 && opts.atol >= 0.0 && opts.rtol.is_finite() && opts.atol.is_finite()) {
            return Err(invalid(format!(
                "tolerances must be finite and >= 0, got rtol {} atol {}",
                opts.rtol, opts.atol
            )));
        }
        let start = Instant::now();
        let a = self.matrix();
        let tolerance = (opts.rtol * kernels::norm(b)).max(opts.atol);
        let mut x = opts.x0.clone().unwrap_or_else(|| vec![0.0; n]);
        let mut r = vec![0.0; n];
        kernels::residual(a, b, &x, &mut r);
        let initial = kernels::norm(&r);
        let (iterations, residuals) = if opts.accel == Accel::None {
            let mut work = self.take_work();
            work[0].b.copy_from_slice(b);
            let mut residuals = vec![initial];
            let mut current = initial;
            while current > tolerance && residuals.len() <= opts.maxiter {
                work[0].x.copy_from_slice(&x);
                self.cycle_at(0, &mut work);
                x.copy_from_slice(&work[0].x);
                kernels::residual(a, b, &x, &mut r);
                current = kernels::norm(&r);
                residuals.push(current);
            }
            self.return_work(work);
            (residuals.len() - 1, residuals)
        } else {
            let kopts = IterativeOptions {
                rtol: opts.rtol,
                atol: opts.atol,
                maxiter: Some(opts.maxiter),
                restart: opts.restart,
                x0: Some(x),
            };
            let result = match opts.accel {
                Accel::Cg => krylov::cg(a, b, self, &kopts)?,
                Accel::Gmres => krylov::gmres(a, b, self, &kopts)?,
                Accel::Bicgstab => krylov::bicgstab(a, b, self, &kopts)?,
                // Accel::None took the other branch.
                Accel::Minres | Accel::None => krylov::minres(a, b, self, &kopts)?,
            };
            x = result.x;
            kernels::residual(a, b, &x, &mut r);
            (result.iterations, vec![initial, kernels::norm(&r)])
        };
        let residual_norm = *residuals.last().unwrap_or(&initial);
        let convergence_factor = if iterations == 0 || initial == 0.0 {
            0.0
        } else {
            (residual_norm / initial).powf(1.0 / iterations as f64)
        };
        Ok(AmgResult {
            x,
            status: if residual_norm <= tolerance { AmgStatus::Converged } else { AmgStatus::MaxIterations },
            iterations,
            residual_norm,
            tolerance,
            residuals,
            convergence_factor,
            solve_seconds: start.elapsed().as_secs_f64(),
        })
    }

    fn take_work(&self) -> Vec<LevelWork> {
        let reused = self.work.try_lock().ok().and_then(|mut w| w.take());
        reused.unwrap_or_else(|| {
            let mut sizes: Vec<usize> = self.levels.iter().map(|l| l.a.nrows()).collect();
            sizes.push(self.coarse_a.nrows());
            sizes
                .into_iter()
                .map(|n| LevelWork { b: vec![0.0; n], x: vec![0.0; n], r: vec![0.0; n], t: vec![0.0; n] })
                .collect()
        })
    }

    fn return_work(&self, work: Vec<LevelWork>) {
        if let Ok(mut slot) = self.work.try_lock() {
            *slot = Some(work);
        }
    }

    fn relax(&self, level: &Level, w: &mut LevelWork) {
        let scratch = (&mut w.r[..], &mut w.t[..]);
        smoothers::relax((self.smoother, self.sweeps), &level.a, &level.smoother, &w.b, &mut w.x, scratch);
    }

    /// One cycle on level `k`: improves `work[k].x` for `A_k x = work[k].b`.
    fn cycle_at(&self, k: usize, work: &mut [LevelWork]) {
        if k == self.levels.len() {
            let w = &mut work[k];
            // The factorization succeeded at setup and `b` has the level's own length, so
            // the solve cannot fail; a zero correction would be the safe answer if it did.
            match self.coarse.solve(&w.b) {
                Ok(x) => w.x.copy_from_slice(&x),
                Err(_) => w.x.fill(0.0),
            }
            return;
        }
        let level = &self.levels[k];
        let (here, below) = work.split_at_mut(k + 1);
        let w = &mut here[k];
        let coarse = &mut below[0];
        self.relax(level, w);
        kernels::residual(&level.a, &w.b, &w.x, &mut w.r);
        level.r.0.mul_outer(&w.r, &mut coarse.b);
        coarse.x.fill(0.0);
        let visits = if self.cycle == Cycle::W && k + 1 < self.levels.len() { 2 } else { 1 };
        for _ in 0..visits {
            self.cycle_at(k + 1, work);
        }
        let (here, below) = work.split_at_mut(k + 1);
        let w = &mut here[k];
        level.p.0.mul_outer(&below[0].x, &mut w.t);
        kernels::zip_apply(&mut w.x, &w.t, |_, x, t| *x += t);
        self.relax(level, w);
    }
}

impl Preconditioner for Hierarchy {
    /// One cycle from a zero guess: `z ≈ A⁻¹ r`.
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        let mut work = self.take_work();
        work[0].b.copy_from_slice(r);
        work[0].x.fill(0.0);
        self.cycle_at(0, &mut work);
        z.copy_from_slice(&work[0].x);
        self.return_work(work);
    }
}
