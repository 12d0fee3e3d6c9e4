//! The three formats: [`CooMatrix`] for building, [`CsrMatrix`] for row work and products,
//! [`CscMatrix`] for column work and the direct solvers.

use crate::compressed::Compressed;
use crate::error::{Result, SparseError};
use crate::index::IndexVec;

/// A matrix in coordinate (triplet) format: the format to build in.
///
/// Entries may repeat and come in any order; converting to CSR or CSC sums duplicates and
/// sorts indices, as `scipy.sparse.coo_matrix.tocsr()` does.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::CooMatrix;
/// let mut coo = CooMatrix::new(2, 2);
/// coo.push(0, 1, 2.0)?;
/// coo.push(0, 1, 3.0)?; // duplicates are summed
/// coo.push(1, 0, -1.0)?;
/// let csr = coo.to_csr()?;
/// assert_eq!(csr.nnz(), 2);
/// assert_eq!(csr.get(0, 1), 5.0);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CooMatrix {
    nrows: usize,
    ncols: usize,
    rows: Vec<usize>,
    cols: Vec<usize>,
    vals: Vec<f64>,
}

impl CooMatrix {
    /// An empty `nrows x ncols` matrix.
    pub fn new(nrows: usize, ncols: usize) -> CooMatrix {
        CooMatrix { nrows, ncols, rows: Vec::new(), cols: Vec::new(), vals: Vec::new() }
    }

    /// A matrix from triplet arrays.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when the arrays differ in length, [`SparseError::IndexOutOfBounds`]
    /// when an index lies outside the shape.
    pub fn from_triplets(
        nrows: usize,
        ncols: usize,
        rows: Vec<usize>,
        cols: Vec<usize>,
        vals: Vec<f64>,
    ) -> Result<CooMatrix> {
        if rows.len() != vals.len() || cols.len() != vals.len() {
            return Err(SparseError::shape(format_args!(
                "triplet arrays differ in length: {} rows, {} cols, {} values",
                rows.len(),
                cols.len(),
                vals.len()
            )));
        }
        if let Some(k) = rows.iter().zip(&cols).position(|(&r, &c)| r >= nrows || c >= ncols) {
            return Err(SparseError::IndexOutOfBounds(format!(
                "entry ({}, {}) outside a {nrows} x {ncols} matrix",
                rows[k], cols[k]
            )));
        }
        Ok(CooMatrix { nrows, ncols, rows, cols, vals })
    }

    /// Adds an entry (summed with any other at the same place on conversion).
    ///
    /// # Errors
    /// [`SparseError::IndexOutOfBounds`] when `(row, col)` lies outside the shape.
    pub fn push(&mut self, row: usize, col: usize, val: f64) -> Result<()> {
        if row >= self.nrows || col >= self.ncols {
            return Err(SparseError::IndexOutOfBounds(format!(
                "entry ({row}, {col}) outside a {} x {} matrix",
                self.nrows, self.ncols
            )));
        }
        self.rows.push(row);
        self.cols.push(col);
        self.vals.push(val);
        Ok(())
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// Number of stored entries, duplicates counted separately.
    pub fn nnz(&self) -> usize {
        self.vals.len()
    }

    /// Row indices of the stored entries.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// Column indices of the stored entries.
    pub fn cols(&self) -> &[usize] {
        &self.cols
    }

    /// Values of the stored entries.
    pub fn values(&self) -> &[f64] {
        &self.vals
    }

    /// Bytes held by the triplet arrays.
    pub fn memory_bytes(&self) -> usize {
        self.vals.len() * (8 + 2 * std::mem::size_of::<usize>())
    }

    /// The transpose (rows and columns swapped).
    pub fn transpose(&self) -> CooMatrix {
        CooMatrix {
            nrows: self.ncols,
            ncols: self.nrows,
            rows: self.cols.clone(),
            cols: self.rows.clone(),
            vals: self.vals.clone(),
        }
    }

    /// Converts to CSR, summing duplicates and sorting column indices.
    ///
    /// # Errors
    /// [`SparseError::IndexOverflow`] only if the matrix is too big for 64-bit indices.
    pub fn to_csr(&self) -> Result<CsrMatrix> {
        Ok(CsrMatrix(Compressed::from_triplets(self.nrows, self.ncols, &self.rows, &self.cols, &self.vals)?))
    }

    /// Converts to CSC, summing duplicates and sorting row indices.
    ///
    /// # Errors
    /// As [`CooMatrix::to_csr`].
    pub fn to_csc(&self) -> Result<CscMatrix> {
        Ok(CscMatrix(Compressed::from_triplets(self.ncols, self.nrows, &self.cols, &self.rows, &self.vals)?))
    }

    /// Dense row-major array, duplicates summed.
    pub fn to_dense(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.nrows * self.ncols];
        for k in 0..self.vals.len() {
            out[self.rows[k] * self.ncols + self.cols[k]] += self.vals[k];
        }
        out
    }
}

fn check_dense(nrows: usize, ncols: usize, dense: &[f64]) -> Result<()> {
    match nrows.checked_mul(ncols) {
        Some(n) if n == dense.len() => Ok(()),
        _ => Err(SparseError::shape(format_args!(
            "dense array of {} values is not {nrows} x {ncols}",
            dense.len()
        ))),
    }
}

/// Nonzero triplets of a dense row-major array.
fn dense_triplets(nrows: usize, ncols: usize, dense: &[f64]) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    let (mut r, mut c, mut v) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..nrows {
        for j in 0..ncols {
            let x = dense[i * ncols + j];
            if x != 0.0 {
                r.push(i);
                c.push(j);
                v.push(x);
            }
        }
    }
    (r, c, v)
}

/// A matrix in compressed sparse row format: the format for products and iterative solvers.
///
/// Column indices are sorted and unique in every row. Index arrays are 32-bit when the
/// number of columns and of stored entries fit, 64-bit otherwise
/// ([`CsrMatrix::index_width_bytes`]); nothing is ever truncated.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::CsrMatrix;
/// let a = CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 3.0, 0.0])?;
/// assert_eq!(a.nnz(), 3);
/// assert_eq!(a.mul_vec(&[1.0, 1.0, 1.0])?, vec![3.0, 3.0]);
/// assert_eq!(a.transpose().to_dense(), vec![1.0, 0.0, 0.0, 3.0, 2.0, 0.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CsrMatrix(pub(crate) Compressed);

/// A matrix in compressed sparse column format.
///
/// Row indices are sorted and unique in every column. Products with vectors and the direct
/// solvers accept it as they accept [`CsrMatrix`].
///
/// # Examples
///
/// ```
/// use fastsci_sparse::CscMatrix;
/// let a = CscMatrix::from_dense(2, 2, &[1.0, 2.0, 0.0, 3.0])?;
/// assert_eq!(a.mul_vec(&[1.0, 1.0])?, vec![3.0, 3.0]);
/// assert_eq!(a.to_csr()?.get(0, 1), 2.0);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CscMatrix(pub(crate) Compressed);

impl CsrMatrix {
    /// A matrix from CSR arrays (`indptr` of length `nrows + 1`). Unsorted columns and
    /// duplicates are accepted and made canonical.
    ///
    /// # Errors
    /// [`SparseError::Shape`], [`SparseError::InvalidArgument`] or
    /// [`SparseError::IndexOutOfBounds`] when the arrays do not describe a valid matrix.
    pub fn new(
        nrows: usize,
        ncols: usize,
        indptr: Vec<usize>,
        indices: Vec<usize>,
        data: Vec<f64>,
    ) -> Result<Self> {
        Ok(CsrMatrix(Compressed::from_parts(nrows, ncols, indptr, indices, data)?))
    }

    /// An all-zero `nrows x ncols` matrix.
    pub fn zeros(nrows: usize, ncols: usize) -> CsrMatrix {
        CsrMatrix(Compressed::zeros(nrows, ncols))
    }

    /// The nonzeros of a dense row-major array.
    ///
    /// # Examples
    ///
    /// ```
    /// let a = fastsci_sparse::CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 0.0, 3.0])?;
    /// assert_eq!((a.nnz(), a.to_dense()), (3, vec![1.0, 0.0, 2.0, 0.0, 0.0, 3.0]));
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `dense.len() != nrows * ncols`.
    pub fn from_dense(nrows: usize, ncols: usize, dense: &[f64]) -> Result<CsrMatrix> {
        check_dense(nrows, ncols, dense)?;
        let (r, c, v) = dense_triplets(nrows, ncols, dense);
        Ok(CsrMatrix(Compressed::from_triplets(nrows, ncols, &r, &c, &v)?))
    }

    /// Dense row-major array.
    pub fn to_dense(&self) -> Vec<f64> {
        self.0.to_dense_outer_major()
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.0.outer
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.0.inner
    }

    /// `(nrows, ncols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.0.outer, self.0.inner)
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.0.nnz()
    }

    /// Bytes held by the index and value arrays.
    pub fn memory_bytes(&self) -> usize {
        self.0.memory_bytes()
    }

    /// Width in bytes of the column indices (4 or 8) and of the row pointers.
    pub fn index_width_bytes(&self) -> (usize, usize) {
        (self.0.indices.width_bytes(), self.0.indptr.width_bytes())
    }

    /// Row pointers.
    pub fn indptr(&self) -> &IndexVec {
        &self.0.indptr
    }

    /// Column indices.
    pub fn indices(&self) -> &IndexVec {
        &self.0.indices
    }

    /// Stored values.
    pub fn data(&self) -> &[f64] {
        &self.0.data
    }

    /// Stored values, to change in place (the pattern stays).
    pub fn data_mut(&mut self) -> &mut [f64] {
        &mut self.0.data
    }

    /// The `(column, value)` pairs of row `i`.
    ///
    /// # Panics
    /// When `i >= nrows`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.0.range(i).map(move |k| (self.0.indices.get(k), self.0.data[k]))
    }

    /// Entry `(i, j)`, zero when not stored.
    ///
    /// # Panics
    /// When `i >= nrows`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.0.get(i, j)
    }

    /// Main diagonal, `min(nrows, ncols)` values.
    pub fn diagonal(&self) -> Vec<f64> {
        self.0.diagonal()
    }

    /// The transpose, as CSR.
    pub fn transpose(&self) -> CsrMatrix {
        CsrMatrix(self.0.transpose())
    }

    /// The same matrix in CSC.
    pub fn to_csc(&self) -> CscMatrix {
        CscMatrix(self.0.transpose())
    }

    /// The same matrix as triplets in row order.
    pub fn to_coo(&self) -> CooMatrix {
        let (r, c, v) = self.0.triplets();
        CooMatrix { nrows: self.nrows(), ncols: self.ncols(), rows: r, cols: c, vals: v }
    }

    /// Rows `start..end`.
    ///
    /// # Errors
    /// [`SparseError::IndexOutOfBounds`] for a range outside the matrix.
    pub fn slice_rows(&self, start: usize, end: usize) -> Result<CsrMatrix> {
        Ok(CsrMatrix(self.0.slice_outer(start, end)?))
    }

    /// Columns `start..end`.
    ///
    /// # Errors
    /// [`SparseError::IndexOutOfBounds`] for a range outside the matrix.
    pub fn slice_cols(&self, start: usize, end: usize) -> Result<CsrMatrix> {
        Ok(CsrMatrix(self.0.slice_inner(start, end)?))
    }

    /// True when the matrix is square and `|a_ij - a_ji| <= tol * max|a|` for all entries.
    pub fn is_symmetric(&self, tol: f64) -> bool {
        if self.nrows() != self.ncols() {
            return false;
        }
        let t = self.0.transpose();
        if tol == 0.0 {
            return t.indptr.to_usize() == self.0.indptr.to_usize()
                && t.indices.to_usize() == self.0.indices.to_usize()
                && t.data == self.0.data;
        }
        let scale = self.0.data.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let diff = crate::ops::add_compressed(&self.0, &t, 1.0, -1.0);
        diff.data.iter().all(|d| d.abs() <= tol * scale)
    }

    /// `y = A x` into a preallocated `y`, multi-threaded over row blocks of equal work.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != ncols` or `y.len() != nrows`.
    pub fn mul_vec_into(&self, x: &[f64], y: &mut [f64]) -> Result<()> {
        check_vec(self.shape(), x.len(), y.len())?;
        self.0.mul_outer(x, y);
        Ok(())
    }

    /// `A x` as a new vector.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != ncols`.
    pub fn mul_vec(&self, x: &[f64]) -> Result<Vec<f64>> {
        let mut y = vec![0.0; self.nrows()];
        self.mul_vec_into(x, &mut y)?;
        Ok(y)
    }

    /// `y = A^T x` into a preallocated `y`, multi-threaded.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != nrows` or `y.len() != ncols`.
    pub fn mul_vec_transpose_into(&self, x: &[f64], y: &mut [f64]) -> Result<()> {
        check_vec((self.ncols(), self.nrows()), x.len(), y.len())?;
        self.0.mul_inner(x, y);
        Ok(())
    }

    /// `A^T x` as a new vector.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != nrows`.
    pub fn mul_vec_transpose(&self, x: &[f64]) -> Result<Vec<f64>> {
        let mut y = vec![0.0; self.ncols()];
        self.mul_vec_transpose_into(x, &mut y)?;
        Ok(y)
    }
}

/// Checks `x` and `y` lengths against an operator of `shape` (rows, cols).
fn check_vec(shape: (usize, usize), xlen: usize, ylen: usize) -> Result<()> {
    if xlen != shape.1 || ylen != shape.0 {
        return Err(SparseError::shape(format_args!(
            "a {} x {} matrix maps {} values to {}, got x of {xlen} and y of {ylen}",
            shape.0, shape.1, shape.1, shape.0
        )));
    }
    Ok(())
}

impl CscMatrix {
    /// A matrix from CSC arrays (`indptr` of length `ncols + 1`, row indices). Unsorted rows
    /// and duplicates are accepted and made canonical.
    ///
    /// # Errors
    /// As [`CsrMatrix::new`].
    pub fn new(
        nrows: usize,
        ncols: usize,
        indptr: Vec<usize>,
        indices: Vec<usize>,
        data: Vec<f64>,
    ) -> Result<Self> {
        Ok(CscMatrix(Compressed::from_parts(ncols, nrows, indptr, indices, data)?))
    }

    /// The nonzeros of a dense row-major array.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `dense.len() != nrows * ncols`.
    pub fn from_dense(nrows: usize, ncols: usize, dense: &[f64]) -> Result<CscMatrix> {
        check_dense(nrows, ncols, dense)?;
        let (r, c, v) = dense_triplets(nrows, ncols, dense);
        Ok(CscMatrix(Compressed::from_triplets(ncols, nrows, &c, &r, &v)?))
    }

    /// Dense row-major array.
    pub fn to_dense(&self) -> Vec<f64> {
        self.0.transpose().to_dense_outer_major()
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.0.inner
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.0.outer
    }

    /// `(nrows, ncols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.0.inner, self.0.outer)
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.0.nnz()
    }

    /// Bytes held by the index and value arrays.
    pub fn memory_bytes(&self) -> usize {
        self.0.memory_bytes()
    }

    /// Column pointers.
    pub fn indptr(&self) -> &IndexVec {
        &self.0.indptr
    }

    /// Row indices.
    pub fn indices(&self) -> &IndexVec {
        &self.0.indices
    }

    /// Stored values.
    pub fn data(&self) -> &[f64] {
        &self.0.data
    }

    /// The `(row, value)` pairs of column `j`.
    ///
    /// # Panics
    /// When `j >= ncols`.
    pub fn col(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.0.range(j).map(move |k| (self.0.indices.get(k), self.0.data[k]))
    }

    /// Entry `(i, j)`, zero when not stored.
    ///
    /// # Panics
    /// When `j >= ncols`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.0.get(j, i)
    }

    /// Main diagonal.
    pub fn diagonal(&self) -> Vec<f64> {
        self.0.diagonal()
    }

    /// The transpose, as CSC.
    pub fn transpose(&self) -> CscMatrix {
        CscMatrix(self.0.transpose())
    }

    /// The same matrix in CSR.
    ///
    /// # Errors
    /// Never in practice; kept fallible for symmetry with the other conversions.
    pub fn to_csr(&self) -> Result<CsrMatrix> {
        Ok(CsrMatrix(self.0.transpose()))
    }

    /// The same matrix as triplets in column order.
    pub fn to_coo(&self) -> CooMatrix {
        let (c, r, v) = self.0.triplets();
        CooMatrix { nrows: self.nrows(), ncols: self.ncols(), rows: r, cols: c, vals: v }
    }

    /// Columns `start..end`.
    ///
    /// # Errors
    /// [`SparseError::IndexOutOfBounds`] for a range outside the matrix.
    pub fn slice_cols(&self, start: usize, end: usize) -> Result<CscMatrix> {
        Ok(CscMatrix(self.0.slice_outer(start, end)?))
    }

    /// Rows `start..end`.
    ///
    /// # Errors
    /// [`SparseError::IndexOutOfBounds`] for a range outside the matrix.
    pub fn slice_rows(&self, start: usize, end: usize) -> Result<CscMatrix> {
        Ok(CscMatrix(self.0.slice_inner(start, end)?))
    }

    /// `A x` as a new vector (multi-threaded scatter over column blocks).
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != ncols`.
    pub fn mul_vec(&self, x: &[f64]) -> Result<Vec<f64>> {
        let mut y = vec![0.0; self.nrows()];
        check_vec(self.shape(), x.len(), y.len())?;
        self.0.mul_inner(x, &mut y);
        Ok(y)
    }

    /// `A^T x` as a new vector (multi-threaded gather).
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != nrows`.
    pub fn mul_vec_transpose(&self, x: &[f64]) -> Result<Vec<f64>> {
        let mut y = vec![0.0; self.ncols()];
        check_vec((self.ncols(), self.nrows()), x.len(), y.len())?;
        self.0.mul_outer(x, &mut y);
        Ok(y)
    }
}

impl From<&CooMatrix> for CsrMatrix {
    fn from(coo: &CooMatrix) -> CsrMatrix {
        CsrMatrix(
            Compressed::from_triplets(coo.nrows, coo.ncols, &coo.rows, &coo.cols, &coo.vals)
                .expect("a matrix held in memory fits 64-bit indices"),
        )
    }
}

impl From<&CscMatrix> for CsrMatrix {
    fn from(csc: &CscMatrix) -> CsrMatrix {
        CsrMatrix(csc.0.transpose())
    }
}

impl From<&CsrMatrix> for CscMatrix {
    fn from(csr: &CsrMatrix) -> CscMatrix {
        csr.to_csc()
    }
}
