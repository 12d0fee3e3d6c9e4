//! The sparse matrix product `C = A B` (SpGEMM), multi-threaded.
//!
//! Gustavson's row-by-row algorithm in two passes over blocks of rows of equal work: the
//! first counts each row's entries of `C` (a marker per column of `B`), the prefix sum of the
//! counts gives `C`'s row pointers, and the second pass computes every row's values straight
//! into its final place in `C`'s arrays (a dense accumulator per block, the row's columns
//! sorted). No block's output is copied again, which is what makes it the product of choice
//! for the Galerkin triple products `Pᵀ A P` of algebraic multigrid.

use rayon::prelude::*;

use crate::compressed::{Compressed, PARALLEL_WORK};
use crate::error::{Result, SparseError};
use crate::index::{Ix, with_ix2};
use crate::matrix::CsrMatrix;

/// The product `A B` of two CSR matrices, rows computed in parallel.
///
/// Entries that cancel to zero are kept (as SciPy keeps them), so the pattern of the result
/// is the symbolic product's.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{CsrMatrix, spgemm::spgemm};
/// let a = CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 3.0, 0.0])?;
/// let b = CsrMatrix::from_dense(3, 2, &[1.0, 1.0, 0.0, 2.0, 4.0, 0.0])?;
/// assert_eq!(spgemm(&a, &b)?.to_dense(), vec![9.0, 1.0, 0.0, 6.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] when `a.ncols() != b.nrows()`; [`SparseError::IndexOverflow`] when
/// the product has more entries than an index can address.
pub fn spgemm(a: &CsrMatrix, b: &CsrMatrix) -> Result<CsrMatrix> {
    if a.ncols() != b.nrows() {
        return Err(SparseError::shape(format_args!("cannot multiply {:?} by {:?}", a.shape(), b.shape())));
    }
    let work = a.nnz() + a.nrows() + b.nnz();
    let nblocks = if work < PARALLEL_WORK || rayon::current_num_threads() == 1 {
        1
    } else {
        rayon::current_num_threads() * 4
    };
    let bounds = a.0.blocks(nblocks);
    let (m, n) = (a.nrows(), b.ncols());
    let c = with_ix2!(&a.0.indptr, &a.0.indices, |ap, aj| {
        with_ix2!(&b.0.indptr, &b.0.indices, |bp, bj| {
            let a = Operand { ptr: ap, idx: aj, val: &a.0.data };
            let b = Operand { ptr: bp, idx: bj, val: &b.0.data };
            product(a, b, m, n, &bounds)
        })
    })?;
    Ok(CsrMatrix(c))
}

/// One CSR operand with its index arrays at their stored widths.
#[derive(Clone, Copy)]
struct Operand<'a, P, J> {
    ptr: &'a [P],
    idx: &'a [J],
    val: &'a [f64],
}

impl<P: Ix, J: Ix> Operand<'_, P, J> {
    #[inline(always)]
    fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.ptr[i].us()..self.ptr[i + 1].us()
    }
}

fn product<P: Ix, J: Ix, Q: Ix, K: Ix>(
    a: Operand<'_, P, J>,
    b: Operand<'_, Q, K>,
    m: usize,
    n: usize,
    bounds: &[usize],
) -> Result<Compressed> {
    // Pass 1: entries per row of C, written at indptr[i + 1].
    let mut indptr = vec![0usize; m + 1];
    let count_parts = split_usize(&mut indptr[1..], bounds);
    count_parts.into_par_iter().for_each(|(start, counts)| {
        let mut mark = vec![usize::MAX; n];
        for (offset, count) in counts.iter_mut().enumerate() {
            let i = start + offset;
            let mut found = 0;
            for ka in a.row(i) {
                for kb in b.row(a.idx[ka].us()) {
                    let j = b.idx[kb].us();
                    if mark[j] != i {
                        mark[j] = i;
                        found += 1;
                    }
                }
            }
            *count = found;
        }
    });
    for i in 0..m {
        indptr[i + 1] += indptr[i];
    }
    let nnz = indptr[m];
    let mut indices = vec![0usize; nnz];
    let mut data = vec![0.0f64; nnz];

    // Pass 2: each block of rows fills its own contiguous stretch of indices and data.
    let mut pieces = Vec::with_capacity(bounds.len());
    {
        let (mut idx_rest, mut val_rest) = (&mut indices[..], &mut data[..]);
        for w in bounds.windows(2) {
            let len = indptr[w[1]] - indptr[w[0]];
            let (idx_head, idx_tail) = idx_rest.split_at_mut(len);
            let (val_head, val_tail) = val_rest.split_at_mut(len);
            pieces.push((w[0], w[1], idx_head, val_head));
            idx_rest = idx_tail;
            val_rest = val_tail;
        }
    }
    let indptr_ref = &indptr;
    pieces.into_par_iter().for_each(|(lo, hi, out_idx, out_val)| {
        let mut acc = vec![0.0f64; n];
        let mut mark = vec![usize::MAX; n];
        let mut cols: Vec<usize> = Vec::new();
        let base = indptr_ref[lo];
        for i in lo..hi {
            cols.clear();
            for ka in a.row(i) {
                let av = a.val[ka];
                for kb in b.row(a.idx[ka].us()) {
                    let j = b.idx[kb].us();
                    if mark[j] != i {
                        mark[j] = i;
                        acc[j] = av * b.val[kb];
                        cols.push(j);
                    } else {
                        acc[j] += av * b.val[kb];
                    }
                }
            }
            cols.sort_unstable();
            let start = indptr_ref[i] - base;
            for (k, &j) in cols.iter().enumerate() {
                out_idx[start + k] = j;
                out_val[start + k] = acc[j];
            }
        }
    });
    Compressed::from_canonical(m, n, indptr, indices, data)
}

/// Splits `counts` (one slot per row) at the row `bounds`, each part tagged with its first row.
fn split_usize<'a>(counts: &'a mut [usize], bounds: &[usize]) -> Vec<(usize, &'a mut [usize])> {
    let mut parts = Vec::with_capacity(bounds.len());
    let mut rest = counts;
    for w in bounds.windows(2) {
        let (head, tail) = rest.split_at_mut(w[1] - w[0]);
        parts.push((w[0], head));
        rest = tail;
    }
    parts
}
