//! Cholesky factorization in band storage, for symmetric positive definite matrices whose
//! entries all lie within a few diagonals of the main one (tridiagonal, pentadiagonal, thin
//! grids). There the factor fills exactly the band, and a plain column loop with no
//! supernodes, permutation or workspace is much cheaper per solve than the general sparse
//! machinery: the implicit heat step of the pipeline solves a 100-row tridiagonal system
//! millions of times.

use crate::compressed::Compressed;
use crate::error::{Result, SparseError};

/// The widest half-bandwidth factored in band storage: `n (b + 1)` entries and `n b^2` work.
const MAX_HALF_BANDWIDTH: usize = 32;

/// The half-bandwidth of a square compressed matrix: the largest `|i - j|` of a stored entry.
pub(crate) fn half_bandwidth(c: &Compressed) -> usize {
    (0..c.outer)
        .flat_map(|j| (c.indptr.get(j)..c.indptr.get(j + 1)).map(move |k| (j, k)))
        .map(|(j, k)| c.indices.get(k).abs_diff(j))
        .max()
        .unwrap_or(0)
}

/// Whether a matrix of `n` rows, `nnz` stored entries and half-bandwidth `b` is better factored
/// in band storage: the band must be narrow, and hold at most twice the stored entries, so the
/// factor is no larger than a fill-reducing ordering would make it.
pub(crate) fn prefers_band(n: usize, nnz: usize, b: usize) -> bool {
    b <= MAX_HALF_BANDWIDTH && n.saturating_mul(b + 1) <= 2 * nnz.max(1)
}

/// `A = L D L^T` with `L` unit lower triangular of half-bandwidth `b` and `D` diagonal, stored
/// by columns: column `j` holds `D[j]` then `L[j+1..=j+b, j]` at `l[j*(b+1)..(j+1)*(b+1)]`
/// (entries below row `n-1` are zero). It is the Cholesky factor `L D^{1/2}` without the square
/// roots: with a unit diagonal, each step of the triangular solves is one multiply and one
/// subtract on the dependency chain instead of two multiplies and a subtract.
#[derive(Debug, Clone)]
pub(crate) struct BandCholesky {
    n: usize,
    b: usize,
    l: Vec<f64>,
    inverse_diagonal: Vec<f64>,
}

impl BandCholesky {
    /// Factorizes the symmetric matrix `c` (compressed by columns or by rows: the same arrays)
    /// within half-bandwidth `b`, which must bound every stored entry.
    pub(crate) fn factorize(c: &Compressed, b: usize) -> Result<BandCholesky> {
        let n = c.outer;
        let width = b + 1;
        let mut l = Vec::new();
        l.try_reserve_exact(n * width)
            .map_err(|_| SparseError::Factorization("out of memory for the band factor".into()))?;
        l.resize(n * width, 0.0);
        // Lower triangle of A into the band: entry (i, j), i >= j, of column j.
        for j in 0..n {
            for k in c.indptr.get(j)..c.indptr.get(j + 1) {
                let i = c.indices.get(k);
                if i >= j {
                    if i - j > b {
                        return Err(SparseError::Factorization(format!(
                            "entry ({i}, {j}) lies outside the half-bandwidth {b} of the factor"
                        )));
                    }
                    l[j * width + (i - j)] += c.data[k];
                }
            }
        }
        let mut inverse_diagonal = vec![0.0; n];
        // Left-looking: column j takes the updates of the b columns before it,
        // A[j.., j] - sum_k L[j.., k] D[k] L[j, k].
        for j in 0..n {
            let rows = width.min(n - j);
            for k in j.saturating_sub(b)..j {
                let (before, from_j) = l.split_at_mut(j * width);
                let column_k = &before[k * width..(k + 1) * width];
                let scaled = column_k[j - k] * column_k[0];
                let reach = ((k + width).min(n) - j).min(rows);
                for (target, &lik) in from_j[..reach].iter_mut().zip(&column_k[j - k..]) {
                    *target -= lik * scaled;
                }
            }
            let pivot = l[j * width];
            if !(pivot > 0.0 && pivot.is_finite()) {
                return Err(SparseError::NotPositiveDefinite);
            }
            let inverse = 1.0 / pivot;
            inverse_diagonal[j] = inverse;
            for v in &mut l[j * width + 1..j * width + rows] {
                *v *= inverse;
            }
        }
        Ok(BandCholesky { n, b, l, inverse_diagonal })
    }

    /// The half-bandwidth the factor was computed with.
    pub(crate) fn half_bandwidth(&self) -> usize {
        self.b
    }

    /// Stored entries of the factor inside the matrix: `n (b + 1) - b (b + 1) / 2` for `b < n`.
    pub(crate) fn factor_nnz(&self) -> usize {
        let b = self.b.min(self.n.saturating_sub(1));
        self.n * (b + 1) - b * (b + 1) / 2
    }

    /// Overwrites each of the `k` columns of `x` (`n` values each) with `A^{-1}` times it.
    pub(crate) fn solve_in_place(&self, x: &mut [f64], k: usize) {
        let (n, width) = (self.n, self.b + 1);
        if n == 0 {
            return;
        }
        for x in x.chunks_exact_mut(n).take(k) {
            // L y = x, column by column.
            for j in 0..n {
                let rows = width.min(n - j);
                let yj = x[j];
                let column = &self.l[j * width + 1..j * width + rows];
                for (xi, &lij) in x[j + 1..j + rows].iter_mut().zip(column) {
                    *xi -= lij * yj;
                }
            }
            // D z = y, then L^T x = z from the last row up.
            for (xj, inverse) in x.iter_mut().zip(&self.inverse_diagonal) {
                *xj *= inverse;
            }
            for j in (0..n).rev() {
                let rows = width.min(n - j);
                let column = &self.l[j * width + 1..j * width + rows];
                let dot: f64 = x[j + 1..j + rows].iter().zip(column).map(|(xi, lij)| xi * lij).sum();
                x[j] -= dot;
            }
        }
    }
}
