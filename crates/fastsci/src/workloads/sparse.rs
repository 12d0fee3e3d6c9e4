//! Workload 5: a 10,000 × 10,000 tridiagonal matrix of random values (dense against CSR memory
//! and product time), the 5-point 2-D Laplacian on a 1000 × 1000 grid for SpMV, and the same
//! operator on a 300 × 300 grid solved to 1e-8, iteratively and directly.

use crate::array::random::{Distribution, array};
use crate::sparse::{CsrMatrix, SparseError, diags, laplacian_2d};

/// Rows of the tridiagonal matrix.
pub const TRIDIAGONAL_N: usize = 10_000;

/// Grid side of the Laplacian for SpMV (1,000,000 rows).
pub const SPMV_GRID: usize = 1000;

/// Grid side of the Laplacian that is solved (90,000 rows).
pub const SOLVE_GRID: usize = 300;

/// Relative residual the solves reach.
pub const SOLVE_RTOL: f64 = 1e-8;

/// The tridiagonal matrix (three bands of uniform random values in [0, 1)) and a random vector
/// to multiply, reproducible from fixed seeds.
///
/// # Examples
///
/// ```
/// let (a, x) = fastsci::workloads::sparse::tridiagonal()?;
/// assert_eq!((a.nrows(), a.nnz(), x.len()), (10_000, 29_998, 10_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// None in practice: the bands fit the shape.
pub fn tridiagonal() -> Result<(CsrMatrix, Vec<f64>), SparseError> {
    let n = TRIDIAGONAL_N;
    let uniform = Distribution::Uniform { low: 0.0, high: 1.0 };
    let draw = |seed: u64, len: usize| array(&uniform, seed, len).expect("a valid distribution");
    let a = diags(&[draw(1, n - 1), draw(2, n), draw(3, n - 1)], &[-1, 0, 1], n, n)?;
    Ok((a, draw(4, n)))
}

/// The 2-D Laplacian on the [`SPMV_GRID`] grid.
///
/// # Errors
/// None in practice.
pub fn laplacian_for_spmv() -> Result<CsrMatrix, SparseError> {
    laplacian_2d(SPMV_GRID, SPMV_GRID)
}

/// The 2-D Laplacian on the [`SOLVE_GRID`] grid.
///
/// # Errors
/// None in practice.
pub fn laplacian_for_solves() -> Result<CsrMatrix, SparseError> {
    laplacian_2d(SOLVE_GRID, SOLVE_GRID)
}
