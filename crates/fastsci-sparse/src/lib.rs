//! # fastsci-sparse: sparse matrices and solvers
//!
//! What `scipy.sparse` and `scipy.sparse.linalg` give, multi-threaded and with index widths
//! that never overflow silently.
//!
//! ## Core types
//! - [`CooMatrix`]: triplets, the format to build in; duplicates are summed on conversion.
//! - [`CsrMatrix`]: compressed rows, for products and the iterative solvers.
//! - [`CscMatrix`]: compressed columns.
//!
//! Index arrays are [`IndexVec`]s: 32-bit when every value fits, 64-bit beyond, chosen
//! per matrix at construction, so a matrix past `2^32` entries works and no index wraps.
//!
//! ## Algorithms
//! - SpMV `y = A x`: row blocks of equal work (stored entries plus rows) run on rayon's
//!   threads; the transposed product scatters per thread and sums.
//! - Builders: [`eye`], [`diags`], [`kron`], [`hstack`], [`vstack`], [`block`],
//!   [`random`], [`laplacian`] (1-D/2-D/3-D finite differences).
//! - [`mm`]: Matrix Market reading and writing with line-numbered errors.
//! - [`krylov`]: CG, BiCGSTAB, GMRES(m), MINRES and LSQR with SciPy's `rtol`/`atol`/`maxiter`.
//! - [`precond`]: Jacobi, ILU(0), IC(0) and SSOR.
//! - [`direct`]: faer's supernodal sparse Cholesky and sparse LU with fill-reducing
//!   orderings, factorize once and solve many.
//! - [`solve()`]: one entry point choosing among all of them.
//! - [`amg`]: algebraic multigrid (smoothed aggregation, Ruge–Stüben), a solver in O(n) for
//!   large elliptic systems and a preconditioner for the Krylov methods.
//! - [`spgemm::spgemm`]: the sparse matrix product `A B`, two passes, rows in parallel.
//! - [`gallery`]: test problems (Poisson, rotated anisotropy, jumping coefficients,
//!   elasticity with its rigid-body modes, convection–diffusion), as PyAMG's gallery.
//!
//! ## When not to use it
//! Values are `f64` only; complex matrices are not supported. For dense matrices use faer
//! or ndarray directly.
//!
//! # Examples
//!
//! ```
//! use fastsci_sparse::{IterativeOptions, PrecondKind, SolveMethod, laplacian_2d, solve};
//! let a = laplacian_2d(50, 50)?;                    // 2,500 x 2,500, 5 points per row
//! let x_true = vec![1.0; a.ncols()];
//! let b = a.mul_vec(&x_true)?;                      // multi-threaded SpMV
//! let result = solve(&a, &b, SolveMethod::Cg, PrecondKind::Ic0, &IterativeOptions::with_rtol(1e-10))?;
//! assert!(result.success());
//! assert!(result.x.iter().all(|v| (v - 1.0).abs() < 1e-6));
//! # Ok::<(), fastsci_sparse::SparseError>(())
//! ```
#![deny(missing_docs)]
// Numeric kernels index several arrays by the same position; iterator chains would hide that.
#![allow(clippy::needless_range_loop)]

#[cfg(feature = "direct")]
pub mod amg;
mod band;
mod builders;
mod compressed;
#[cfg(feature = "direct")]
pub mod direct;
mod error;
pub mod gallery;
mod index;
pub mod krylov;
mod matrix;
#[cfg(feature = "direct")]
mod method;
pub mod mm;
mod ops;
pub mod ordering;
pub mod precond;
#[cfg(feature = "direct")]
pub mod solve;
pub mod spgemm;

pub use builders::{
    block, diags, eye, hstack, kron, laplacian, laplacian_1d, laplacian_2d, laplacian_3d, random, vstack,
};
#[cfg(feature = "direct")]
pub use direct::{Cholesky, DirectSolver, Lu, spsolve};
pub use error::{Result, SparseError};
pub use index::IndexVec;
pub use krylov::{
    IterativeOptions, IterativeResult, LinearOperator, LsqrOptions, LsqrResult, LsqrStatus, SolveStatus,
    bicgstab, cg, gmres, lsqr, minres,
};
pub use matrix::{CooMatrix, CscMatrix, CsrMatrix};
pub use precond::{Ic0, Identity, Ilu0, Jacobi, PrecondKind, Preconditioner, Ssor};
#[cfg(feature = "direct")]
pub use solve::{SolveMethod, SolveResult, solve};
