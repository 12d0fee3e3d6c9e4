//! # fastsci-optimize: minimization, least squares, curve fitting and root finding
//!
//! The algorithms of `scipy.optimize`, with its defaults, over plain Rust closures: no
//! interpreter sits between the solver and the function, so the same iterations run one to
//! two orders of magnitude faster than SciPy driving a Python callback.
//!
//! Use it when the objective is (or can be compiled to) Rust code. It is not a modelling
//! language: general constraints are closures handed to SLSQP, with no presolve, no sparsity
//! and dense `O(n³)` subproblems — fine for tens of variables, not for thousands.
//!
//! Every callback (objective, gradient, Hessian, residuals, Jacobian, constraint, model) is
//! `FnMut`: the solvers call it one call at a time. Dense matrices cross the API as
//! `ndarray::Array2<f64>` (results) and `ArrayViewMut2` (a callback filling a matrix).
//!
//! ## Core types
//! - [`Problem`]: an objective plus optional gradient, Hessian (dense or as products) and bounds;
//!   [`Problem::minimize`] runs any [`Method`] and returns an [`OptimizeResult`] with SciPy's
//!   fields (`x`, `fun`, `jac`, `hess_inv`, `nfev`, `njev`, `nhev`, `nit`, `status`,
//!   `success`, `message`, and SLSQP's `multipliers`).
//! - [`Constraint`]: an equality `c(x) = 0` or inequality `c(x) ≥ 0` (scalar or vector, with
//!   an optional Jacobian) for [`Method::Slsqp`], attached by [`Problem::with_constraint`].
//! - [`float::Float`], [`float::Dual`], [`float::Objective`]: write the objective once,
//!   generically, and get exact gradients and Hessian-vector products by forward-mode
//!   automatic differentiation ([`Problem::from_objective`]).
//! - [`fd`]: finite-difference gradients (`2-point`, `3-point`) with SciPy's relative steps.
//! - [`roots`]: `root` for systems of equations (Powell's hybrid method, Levenberg–Marquardt).
//! - [`scalar`]: `minimize_scalar` (Brent, bounded) and `root_scalar` (brentq, ridder, bisect,
//!   newton, secant, halley).
//! - [`lsq`]: `least_squares` (trust-region reflective with bounds, Levenberg–Marquardt;
//!   robust losses, `x_scale`) and `curve_fit`.

//!
//! ## Algorithms
//! - Nelder–Mead: SciPy's initial simplex (5 % steps, 0.00025 for zeros), standard or adaptive
//!   (Gao & Han 2012) coefficients, bounds by clipping; stops when the simplex spans less than
//!   `xatol` and the values less than `fatol`.
//! - BFGS: dense inverse-Hessian update `H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ` with the
//!   Moré–Thuente line search (MINPACK-2 `dcsrch`, `c1 = 1e-4`, `c2 = 0.9`) and SciPy's
//!   zoom search as fallback; stops at `‖g‖∞ ≤ gtol = 1e-5`.
//! - L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995, version 3.0): compact limited-memory
//!   representation `B = θI − W M Wᵀ` with `m = 10` pairs, generalized Cauchy point along the
//!   projected gradient path, subspace minimization over the free variables, `dcsrch` line
//!   search; stops on the projected gradient or the relative reduction of f.
//! - SLSQP (Kraft 1988): sequential quadratic programming whose subproblem
//!   `min ½sᵀBs + ∇f·s` under the linearized constraints and the bounds is solved as the
//!   least-squares problem `min ‖D^½Lᵀs + D^-½L⁻¹∇f‖` (LSEI: equalities eliminated by
//!   Householder reflections; LSI → LDP → NNLS of Lawson & Hanson for the inequalities);
//!   `B = LDLᵀ` by BFGS with Powell's damping (`sᵀy ≥ 0.2 sᵀBs`); an extra variable relaxes
//!   inconsistent linearizations; Armijo backtracking (`α ∈ [0.1, 1]`) on the L1 penalty
//!   `f + Σμⱼ|cⱼ|₋`; stops at `|f − f₀| < ftol = 1e-6` with violation below `ftol`.
//! - CG (Polak–Ribière+), Newton-CG (truncated CG on Hessian-vector products),
//!   trust-ncg (Steihaug), Powell (Brent line minimizations).
//! - trust-exact (Moré & Sorensen 1983, SciPy's `IterativeSubproblem`): the trust-region
//!   subproblem solved nearly exactly on the dense Hessian (the user's, `n` Hessian-vector
//!   products, or differences of the gradient) by Cholesky factorizations of `H + λI` and
//!   Newton's method on `1/‖p(λ)‖ = 1/Δ`, safeguarded by Gershgorin and norm bounds on `λ`;
//!   the hard case by a step to the boundary along LINPACK's estimate of the smallest singular
//!   vector; radius 1 (at most 1000), `η = 0.15`, stops at `‖g‖₂ < gtol = 1e-4`.
//!
//! # Examples
//!
//! ```
//! use fastsci_optimize::{Method, MinimizeOptions, Problem};
//! let rosen = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
//! let res = Problem::new(rosen).minimize(&[-1.2, 1.0], Method::NelderMead, &MinimizeOptions::default())?;
//! assert!(res.success() && (res.x[0] - 1.0).abs() < 1e-3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// Numerical kernels index several arrays in step, as the published algorithms do.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments, clippy::type_complexity)]

mod bfgs;
mod cg;
pub mod error;
pub mod fd;
pub mod float;
mod lbfgsb;
mod linalg;
mod linesearch;
pub mod lsq;
mod minimize;
mod neldermead;
mod newton;
mod powell;
pub mod result;
pub mod roots;
pub mod scalar;
mod scalar_fn;
mod slsqp;
mod trust_exact;
mod value_and_gradient;

pub use error::{OptimizeError, Result};
pub use fd::{FiniteDiff, finite_difference_gradient};
pub use float::{Dual, Float, Objective, dual_gradient, dual_hessian, dual_hessian_vector_product};
pub use lsq::{
    CurveFitOptions, CurveFitResult, LsqMethod, LsqOptions, LsqProblem, LsqResult, LsqStatus, RankDeficiency,
    covariance, curve_fit,
};
pub use minimize::{Method, MinimizeOptions, Problem, minimize};
pub use result::{MinimizeStatus, OptimizeResult};
pub use roots::{RootSystemMethod, RootSystemResult, RootSystemStatus, root};
pub use scalar::{
    MinimizeScalarResult, MinimizeScalarStatus, RootMethod, RootOptions, RootProblem, RootResult, RootStatus,
    ScalarMethod, minimize_scalar, root_scalar,
};
pub use slsqp::{Constraint, ConstraintKind};
