//! Builders: identity, diagonals, Kronecker products, stacking, random matrices, Laplacians.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::compressed::Compressed;
use crate::error::{Result, SparseError};
use crate::matrix::CsrMatrix;

/// The `n x n` identity (`scipy.sparse.eye(n)`).
///
/// # Examples
///
/// ```
/// let i = fastsci_sparse::eye(3);
/// assert_eq!(i.nnz(), 3);
/// assert_eq!(i.mul_vec(&[1.0, 2.0, 3.0])?, vec![1.0, 2.0, 3.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
pub fn eye(n: usize) -> CsrMatrix {
    CsrMatrix(
        Compressed::from_canonical(n, n, (0..=n).collect(), (0..n).collect(), vec![1.0; n])
            .expect("identity fits the index width"),
    )
}

/// An `nrows x ncols` matrix with the given diagonals (`scipy.sparse.diags(diagonals, offsets,
/// shape)`): offset 0 is the main diagonal, positive above, negative below. A diagonal of
/// length 1 is broadcast along its whole length; otherwise it must have exactly that length.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::diags;
/// let t = diags(&[vec![-1.0], vec![2.0], vec![-1.0]], &[-1, 0, 1], 3, 3)?;
/// assert_eq!(t.to_dense(), vec![2.0, -1.0, 0.0, -1.0, 2.0, -1.0, 0.0, -1.0, 2.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] when the counts differ or a diagonal has the wrong length;
/// [`SparseError::InvalidArgument`] for a repeated or out-of-range offset.
pub fn diags(diagonals: &[Vec<f64>], offsets: &[i64], nrows: usize, ncols: usize) -> Result<CsrMatrix> {
    if diagonals.len() != offsets.len() {
        return Err(SparseError::shape(format_args!(
            "{} diagonals but {} offsets",
            diagonals.len(),
            offsets.len()
        )));
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&k| offsets[k]);
    let mut lens = Vec::with_capacity(offsets.len());
    for (k, &off) in offsets.iter().enumerate() {
        let len = diagonal_len(off, nrows, ncols).ok_or_else(|| {
            SparseError::InvalidArgument(format!("offset {off} lies outside a {nrows} x {ncols} matrix"))
        })?;
        let given = diagonals[k].len();
        if given != len && given != 1 {
            return Err(SparseError::shape(format_args!(
                "diagonal {off} has {given} values, expected {len}"
            )));
        }
        lens.push(len);
    }
    if order.windows(2).any(|w| offsets[w[0]] == offsets[w[1]]) {
        return Err(SparseError::InvalidArgument("repeated diagonal offset".into()));
    }
    let mut indptr = Vec::with_capacity(nrows + 1);
    let (mut indices, mut data) = (Vec::new(), Vec::new());
    indptr.push(0);
    for i in 0..nrows {
        for &k in &order {
            let off = offsets[k];
            let j = i as i64 + off;
            if j < 0 || j >= ncols as i64 {
                continue;
            }
            // Position along the diagonal: the row for offsets >= 0, the column below.
            let pos = if off >= 0 { i } else { j as usize };
            if pos >= lens[k] {
                continue;
            }
            let d = &diagonals[k];
            indices.push(j as usize);
            data.push(if d.len() == 1 { d[0] } else { d[pos] });
        }
        indptr.push(indices.len());
    }
    Ok(CsrMatrix(Compressed::from_canonical(nrows, ncols, indptr, indices, data)?))
}

fn diagonal_len(off: i64, nrows: usize, ncols: usize) -> Option<usize> {
    if off >= 0 {
        let o = usize::try_from(off).ok()?;
        (o < ncols || (o == 0 && ncols == 0)).then(|| nrows.min(ncols - o.min(ncols)))
    } else {
        let o = usize::try_from(off.unsigned_abs()).ok()?;
        (o < nrows).then(|| ncols.min(nrows - o))
    }
}

/// The Kronecker product `A ⊗ B` (`scipy.sparse.kron`).
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{eye, kron, CsrMatrix};
/// let b = CsrMatrix::from_dense(1, 2, &[1.0, 2.0])?;
/// assert_eq!(kron(&eye(2), &b)?.to_dense(), vec![1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when the product's shape overflows `usize`.
pub fn kron(a: &CsrMatrix, b: &CsrMatrix) -> Result<CsrMatrix> {
    let overflow = || SparseError::IndexOverflow("Kronecker product shape overflows".into());
    let nrows = a.nrows().checked_mul(b.nrows()).ok_or_else(overflow)?;
    let ncols = a.ncols().checked_mul(b.ncols()).ok_or_else(overflow)?;
    let nnz = a.nnz().checked_mul(b.nnz()).ok_or_else(overflow)?;
    let mut indptr = Vec::with_capacity(nrows + 1);
    let mut indices = Vec::with_capacity(nnz);
    let mut data = Vec::with_capacity(nnz);
    indptr.push(0);
    for ia in 0..a.nrows() {
        for ib in 0..b.nrows() {
            for (ja, va) in a.row(ia) {
                for (jb, vb) in b.row(ib) {
                    indices.push(ja * b.ncols() + jb);
                    data.push(va * vb);
                }
            }
            indptr.push(indices.len());
        }
    }
    Ok(CsrMatrix(Compressed::from_canonical(nrows, ncols, indptr, indices, data)?))
}

/// A block matrix (`scipy.sparse.block_array`): `blocks[r][c]` is the block at block-row
/// `r`, block-column `c`, or `None` for zeros. Each block-row needs one block to fix its
/// height and each block-column one to fix its width.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{block, eye};
/// let i = eye(1);
/// let m = block(&[vec![Some(&i), None], vec![None, Some(&i)]])?;
/// assert_eq!(m.to_dense(), vec![1.0, 0.0, 0.0, 1.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] when the block sizes do not line up or a size is undetermined.
pub fn block(blocks: &[Vec<Option<&CsrMatrix>>]) -> Result<CsrMatrix> {
    let nbr = blocks.len();
    let nbc = blocks.first().map_or(0, Vec::len);
    if blocks.iter().any(|r| r.len() != nbc) {
        return Err(SparseError::Shape("block rows have different numbers of blocks".into()));
    }
    let mut heights = vec![None; nbr];
    let mut widths = vec![None; nbc];
    for (r, row) in blocks.iter().enumerate() {
        for (c, b) in row.iter().enumerate() {
            if let Some(m) = b {
                for (slot, size, what) in
                    [(&mut heights[r], m.nrows(), "rows"), (&mut widths[c], m.ncols(), "columns")]
                {
                    match slot {
                        Some(s) if *s != size => {
                            return Err(SparseError::shape(format_args!(
                                "block ({r}, {c}) has {size} {what}, its neighbours {s}"
                            )));
                        }
                        _ => *slot = Some(size),
                    }
                }
            }
        }
    }
    let heights: Vec<usize> = heights
        .into_iter()
        .enumerate()
        .map(|(r, h)| h.ok_or_else(|| SparseError::shape(format_args!("block row {r} is all empty"))))
        .collect::<Result<_>>()?;
    let widths: Vec<usize> = widths
        .into_iter()
        .enumerate()
        .map(|(c, w)| w.ok_or_else(|| SparseError::shape(format_args!("block column {c} is all empty"))))
        .collect::<Result<_>>()?;
    let mut col_off = vec![0usize; nbc + 1];
    for c in 0..nbc {
        col_off[c + 1] = col_off[c] + widths[c];
    }
    let nrows: usize = heights.iter().sum();
    let mut indptr = Vec::with_capacity(nrows + 1);
    let (mut indices, mut data) = (Vec::new(), Vec::new());
    indptr.push(0);
    for (r, row) in blocks.iter().enumerate() {
        for i in 0..heights[r] {
            for (c, b) in row.iter().enumerate() {
                if let Some(m) = b {
                    for (j, v) in m.row(i) {
                        indices.push(col_off[c] + j);
                        data.push(v);
                    }
                }
            }
            indptr.push(indices.len());
        }
    }
    Ok(CsrMatrix(Compressed::from_canonical(nrows, col_off[nbc], indptr, indices, data)?))
}

/// Matrices side by side (`scipy.sparse.hstack`).
///
/// # Examples
///
/// ```
/// let i = fastsci_sparse::laplacian_1d(2)?;
/// let a = fastsci_sparse::hstack(&[&i, &i])?;
/// assert_eq!((a.nrows(), a.ncols(), a.nnz()), (2, 4, 8));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] when the row counts differ or the list is empty.
pub fn hstack(mats: &[&CsrMatrix]) -> Result<CsrMatrix> {
    block(&[mats.iter().map(|m| Some(*m)).collect()])
}

/// Matrices one above the other (`scipy.sparse.vstack`).
///
/// # Examples
///
/// ```
/// let i = fastsci_sparse::laplacian_1d(2)?;
/// let a = fastsci_sparse::vstack(&[&i, &i, &i])?;
/// assert_eq!((a.nrows(), a.ncols()), (6, 2));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Shape`] when the column counts differ or the list is empty.
pub fn vstack(mats: &[&CsrMatrix]) -> Result<CsrMatrix> {
    let rows: Vec<Vec<Option<&CsrMatrix>>> = mats.iter().map(|m| vec![Some(*m)]).collect();
    block(&rows)
}

/// A random `nrows x ncols` matrix with `round(density * nrows * ncols)` entries at distinct
/// places chosen uniformly, values uniform in [0, 1) (`scipy.sparse.random`), from a seed.
///
/// # Examples
///
/// ```
/// let r = fastsci_sparse::random(100, 50, 0.1, 7)?;
/// assert_eq!(r.nnz(), 500);
/// assert_eq!(r, fastsci_sparse::random(100, 50, 0.1, 7)?); // same seed, same matrix
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::InvalidArgument`] when `density` is outside [0, 1].
pub fn random(nrows: usize, ncols: usize, density: f64, seed: u64) -> Result<CsrMatrix> {
    if !(0.0..=1.0).contains(&density) {
        return Err(SparseError::InvalidArgument(format!("density {density} is not in [0, 1]")));
    }
    let total = (nrows as u128) * (ncols as u128);
    let k = (density * total as f64).round() as u128;
    let k = k.min(total) as usize;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let total64 = u64::try_from(total).map_err(|_| SparseError::IndexOverflow("matrix too large".into()))?;
    // Distinct linear positions: rejection from a hash set when sparse, Floyd-free shuffle
    // of all positions when dense.
    let mut positions: Vec<u64> = if (k as u64) * 3 < total64 {
        let mut seen = std::collections::HashSet::with_capacity(k);
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let p = rng.random_range(0..total64);
            if seen.insert(p) {
                out.push(p);
            }
        }
        out
    } else {
        let mut all: Vec<u64> = (0..total64).collect();
        for i in 0..k {
            let j = rng.random_range(i as u64..total64) as usize;
            all.swap(i, j);
        }
        all.truncate(k);
        all
    };
    let vals: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
    let rows: Vec<usize> = positions.iter().map(|&p| (p / ncols as u64) as usize).collect();
    let cols: Vec<usize> = positions.iter_mut().map(|p| (*p % ncols as u64) as usize).collect();
    Ok(CsrMatrix(Compressed::from_triplets(nrows, ncols, &rows, &cols, &vals)?))
}

/// The finite-difference Laplacian on a grid of the given dimensions with Dirichlet
/// boundaries, sign chosen positive definite: `2*d` on the diagonal and `-1` for each grid
/// neighbour. It equals the Kronecker sum of 1-D `diags([-1, 2, -1])`, grid points ordered
/// with the last dimension fastest (`kron(L, I) + kron(I, L)` in 2-D).
///
/// # Examples
///
/// ```
/// let l = fastsci_sparse::laplacian(&[3, 3])?;
/// assert_eq!(l.shape(), (9, 9));
/// assert_eq!(l.get(4, 4), 4.0);
/// assert_eq!(l.nnz(), 9 + 2 * 12);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when the grid size overflows.
pub fn laplacian(dims: &[usize]) -> Result<CsrMatrix> {
    let n = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| SparseError::IndexOverflow("grid size overflows".into()))?;
    let d = dims.len();
    let mut strides = vec![1usize; d];
    for k in (0..d.saturating_sub(1)).rev() {
        strides[k] = strides[k + 1] * dims[k + 1];
    }
    let cap = n.saturating_mul(2 * d + 1);
    let mut indptr = Vec::with_capacity(n + 1);
    let mut indices = Vec::with_capacity(cap);
    let mut data = Vec::with_capacity(cap);
    indptr.push(0);
    let mut coord = vec![0usize; d];
    for r in 0..n {
        // Lower neighbours, largest stride first, so columns come out sorted.
        for k in 0..d {
            if coord[k] > 0 {
                indices.push(r - strides[k]);
                data.push(-1.0);
            }
        }
        indices.push(r);
        data.push(2.0 * d as f64);
        for k in (0..d).rev() {
            if coord[k] + 1 < dims[k] {
                indices.push(r + strides[k]);
                data.push(-1.0);
            }
        }
        indptr.push(indices.len());
        for k in (0..d).rev() {
            coord[k] += 1;
            if coord[k] < dims[k] {
                break;
            }
            coord[k] = 0;
        }
    }
    Ok(CsrMatrix(Compressed::from_canonical(n, n, indptr, indices, data)?))
}

/// The 1-D Laplacian `diags([-1, 2, -1])` of size `n`.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::laplacian_1d(4)?;
/// assert_eq!(a.mul_vec(&[1.0, 1.0, 1.0, 1.0])?, vec![1.0, 0.0, 0.0, 1.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// Never in practice (see [`laplacian`]).
pub fn laplacian_1d(n: usize) -> Result<CsrMatrix> {
    laplacian(&[n])
}

/// The 5-point 2-D Laplacian on an `nx x ny` grid.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::laplacian_2d(3, 4)?;
/// assert_eq!((a.nrows(), a.nnz()), (12, 12 * 5 - 2 * (3 + 4)));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when `nx * ny` overflows.
pub fn laplacian_2d(nx: usize, ny: usize) -> Result<CsrMatrix> {
    laplacian(&[nx, ny])
}

/// The 7-point 3-D Laplacian on an `nx x ny x nz` grid.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::laplacian_3d(2, 2, 2)?;
/// // Every row of a 2 x 2 x 2 grid has its diagonal 6 and three neighbours.
/// assert_eq!(a.mul_vec(&[1.0; 8])?, vec![3.0; 8]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when the grid size overflows.
pub fn laplacian_3d(nx: usize, ny: usize, nz: usize) -> Result<CsrMatrix> {
    laplacian(&[nx, ny, nz])
}
