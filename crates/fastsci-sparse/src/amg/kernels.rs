//! Vector kernels of the cycles, on all threads for long vectors.

use rayon::prelude::*;

use crate::index::{Ix, with_ix2};
use crate::matrix::CsrMatrix;

/// Vectors at least this long are processed on all threads.
const PAR_LEN: usize = 1 << 15;
/// Chunk length of the parallel vector kernels.
const CHUNK: usize = 1 << 13;

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    if a.len() >= PAR_LEN {
        a.par_chunks(CHUNK)
            .zip(b.par_chunks(CHUNK))
            .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>())
            .sum()
    } else {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }
}

pub(crate) fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// Applies `f(i, a_i, b_i)` to every element (`i` the index), in parallel for long vectors.
pub(crate) fn zip_apply(a: &mut [f64], b: &[f64], f: impl Fn(usize, &mut f64, f64) + Sync) {
    if a.len() >= PAR_LEN {
        a.par_chunks_mut(CHUNK).zip(b.par_chunks(CHUNK)).enumerate().for_each(|(c, (a, b))| {
            for (k, (x, y)) in a.iter_mut().zip(b).enumerate() {
                f(c * CHUNK + k, x, *y);
            }
        });
    } else {
        for (k, (x, y)) in a.iter_mut().zip(b).enumerate() {
            f(k, x, *y);
        }
    }
}

/// `r = b - A x`.
pub(crate) fn residual(a: &CsrMatrix, b: &[f64], x: &[f64], r: &mut [f64]) {
    a.0.mul_outer(x, r);
    zip_apply(r, b, |_, r, b| *r = b - *r);
}

/// The inverted diagonal; `None` when a diagonal entry is zero or missing (its row).
pub(crate) fn inverted_diagonal(a: &CsrMatrix) -> std::result::Result<Vec<f64>, usize> {
    let d = a.diagonal();
    match d.iter().position(|v| *v == 0.0 || !v.is_finite()) {
        Some(row) => Err(row),
        None => Ok(d.iter().map(|v| 1.0 / v).collect()),
    }
}

/// One Gauss–Seidel sweep over `rows` (in that order): `x_i += (b_i - (A x)_i) / a_ii`.
pub(crate) fn gauss_seidel(a: &CsrMatrix, dinv: &[f64], b: &[f64], x: &mut [f64], backward: bool) {
    with_ix2!(&a.0.indptr, &a.0.indices, |p, j| {
        if backward {
            gauss_seidel_rows(p, j, &a.0.data, dinv, b, x, (0..b.len()).rev())
        } else {
            gauss_seidel_rows(p, j, &a.0.data, dinv, b, x, 0..b.len())
        }
    })
}

#[inline(never)]
fn gauss_seidel_rows<P: Ix, J: Ix>(
    ptr: &[P],
    idx: &[J],
    val: &[f64],
    dinv: &[f64],
    b: &[f64],
    x: &mut [f64],
    rows: impl Iterator<Item = usize>,
) {
    for i in rows {
        let (lo, hi) = (ptr[i].us(), ptr[i + 1].us());
        let mut s = b[i];
        for k in lo..hi {
            s -= val[k] * x[idx[k].us()];
        }
        x[i] += s * dinv[i];
    }
}

/// Whether `a` equals its transpose up to `tol` times its largest entry: each stored
/// `a_ij` is looked up in row `j` (binary search), rows in parallel, nothing allocated.
pub(crate) fn is_symmetric(a: &CsrMatrix, tol: f64) -> bool {
    if a.nrows() != a.ncols() {
        return false;
    }
    let val = a.data();
    let scale = val.iter().fold(0.0f64, |m, v| m.max(v.abs())) * tol;
    with_ix2!(&a.0.indptr, &a.0.indices, |p, idx| {
        let mirrored = |i: usize| {
            (p[i].us()..p[i + 1].us()).all(|k| {
                let j = idx[k].us();
                let row = &idx[p[j].us()..p[j + 1].us()];
                let mirror = row.binary_search_by_key(&i, |c| c.us()).map_or(0.0, |pos| val[p[j].us() + pos]);
                (val[k] - mirror).abs() <= scale
            })
        };
        if a.nnz() >= PAR_LEN {
            (0..a.nrows()).into_par_iter().all(mirrored)
        } else {
            (0..a.nrows()).all(mirrored)
        }
    })
}
