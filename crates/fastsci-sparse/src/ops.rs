//! Sparse arithmetic: sums, scaling, sparse times sparse, sparse times dense.

use rayon::prelude::*;

use crate::compressed::{Compressed, PARALLEL_WORK, split_by_bounds};
use crate::error::{Result, SparseError};
use crate::matrix::CsrMatrix;

/// `alpha*A + beta*B` for two compressed matrices of the same shape, merged line by line;
/// exact zeros in the result are dropped.
pub(crate) fn add_compressed(a: &Compressed, b: &Compressed, alpha: f64, beta: f64) -> Compressed {
    let mut indptr = Vec::with_capacity(a.outer + 1);
    let mut indices = Vec::with_capacity(a.nnz() + b.nnz());
    let mut data = Vec::with_capacity(a.nnz() + b.nnz());
    indptr.push(0);
    let push = |indices: &mut Vec<usize>, data: &mut Vec<f64>, j: usize, v: f64| {
        if v != 0.0 {
            indices.push(j);
            data.push(v);
        }
    };
    for line in 0..a.outer {
        let (mut p, pe) = (a.range(line).start, a.range(line).end);
        let (mut q, qe) = (b.range(line).start, b.range(line).end);
        while p < pe || q < qe {
            let ja = if p < pe { a.indices.get(p) } else { usize::MAX };
            let jb = if q < qe { b.indices.get(q) } else { usize::MAX };
            if ja == jb {
                push(&mut indices, &mut data, ja, alpha * a.data[p] + beta * b.data[q]);
                p += 1;
                q += 1;
            } else if ja < jb {
                push(&mut indices, &mut data, ja, alpha * a.data[p]);
                p += 1;
            } else {
                push(&mut indices, &mut data, jb, beta * b.data[q]);
                q += 1;
            }
        }
        indptr.push(indices.len());
    }
    Compressed::from_canonical(a.outer, a.inner, indptr, indices, data).expect("sum fits the index width")
}

impl CsrMatrix {
    fn same_shape(&self, other: &CsrMatrix, what: &str) -> Result<()> {
        if self.shape() != other.shape() {
            return Err(SparseError::shape(format_args!(
                "cannot {what} a {:?} matrix and a {:?} matrix",
                self.shape(),
                other.shape()
            )));
        }
        Ok(())
    }

    /// `self + other`.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::{eye, CsrMatrix};
    /// let a = eye(2);
    /// let b = CsrMatrix::from_dense(2, 2, &[0.0, 1.0, 0.0, 1.0])?;
    /// assert_eq!(a.add(&b)?.to_dense(), vec![1.0, 1.0, 0.0, 2.0]);
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// [`SparseError::Shape`] when the shapes differ.
    pub fn add(&self, other: &CsrMatrix) -> Result<CsrMatrix> {
        self.same_shape(other, "add")?;
        Ok(CsrMatrix(add_compressed(&self.0, &other.0, 1.0, 1.0)))
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when the shapes differ.
    pub fn sub(&self, other: &CsrMatrix) -> Result<CsrMatrix> {
        self.same_shape(other, "subtract")?;
        Ok(CsrMatrix(add_compressed(&self.0, &other.0, 1.0, -1.0)))
    }

    /// `alpha*self + beta*other`.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when the shapes differ.
    pub fn linear_combination(&self, alpha: f64, other: &CsrMatrix, beta: f64) -> Result<CsrMatrix> {
        self.same_shape(other, "combine")?;
        Ok(CsrMatrix(add_compressed(&self.0, &other.0, alpha, beta)))
    }

    /// `alpha * self` (same pattern).
    pub fn scale(&self, alpha: f64) -> CsrMatrix {
        let mut out = self.clone();
        out.0.data.iter_mut().for_each(|v| *v *= alpha);
        out
    }

    /// The matrix product `self * other` (Gustavson's row-by-row algorithm, rows in parallel).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::CsrMatrix;
    /// let a = CsrMatrix::from_dense(2, 2, &[1.0, 2.0, 0.0, 1.0])?;
    /// assert_eq!(a.matmul(&a)?.to_dense(), vec![1.0, 4.0, 0.0, 1.0]);
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `self.ncols() != other.nrows()`.
    pub fn matmul(&self, other: &CsrMatrix) -> Result<CsrMatrix> {
        if self.ncols() != other.nrows() {
            return Err(SparseError::shape(format_args!(
                "cannot multiply {:?} by {:?}",
                self.shape(),
                other.shape()
            )));
        }
        let n = other.ncols();
        let nblocks =
            if self.nnz() + self.nrows() < PARALLEL_WORK { 1 } else { rayon::current_num_threads() * 4 };
        let bounds = self.0.blocks(nblocks);
        let pieces: Vec<(Vec<usize>, Vec<usize>, Vec<f64>)> = bounds
            .par_windows(2)
            .map(|w| {
                let mut acc = vec![0.0; n];
                let mut mark = vec![usize::MAX; n];
                let mut cols: Vec<usize> = Vec::new();
                let (mut lens, mut idx, mut val) = (Vec::new(), Vec::new(), Vec::new());
                for i in w[0]..w[1] {
                    cols.clear();
                    for (k, a) in self.row(i) {
                        for (j, b) in other.row(k) {
                            if mark[j] != i {
                                mark[j] = i;
                                acc[j] = 0.0;
                                cols.push(j);
                            }
                            acc[j] += a * b;
                        }
                    }
                    cols.sort_unstable();
                    let before = idx.len();
                    for &j in &cols {
                        idx.push(j);
                        val.push(acc[j]);
                    }
                    lens.push(idx.len() - before);
                }
                (lens, idx, val)
            })
            .collect();
        let mut indptr = Vec::with_capacity(self.nrows() + 1);
        indptr.push(0);
        let (mut indices, mut data) = (Vec::new(), Vec::new());
        for (lens, idx, val) in pieces {
            for l in lens {
                indptr.push(indptr[indptr.len() - 1] + l);
            }
            indices.extend(idx);
            data.extend(val);
        }
        Ok(CsrMatrix(Compressed::from_canonical(self.nrows(), n, indptr, indices, data)?))
    }

    /// `self * B` for a dense row-major `B` with `k` columns; returns row-major `nrows x k`.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::eye;
    /// let b = [1.0, 2.0, 3.0, 4.0];
    /// assert_eq!(eye(2).scale(2.0).mul_dense(&b, 2)?, vec![2.0, 4.0, 6.0, 8.0]);
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `b.len() != ncols * k`.
    pub fn mul_dense(&self, b: &[f64], k: usize) -> Result<Vec<f64>> {
        if self.ncols().checked_mul(k) != Some(b.len()) {
            return Err(SparseError::shape(format_args!(
                "dense operand of {} values is not {} x {k}",
                b.len(),
                self.ncols()
            )));
        }
        let mut out = vec![0.0; self.nrows() * k];
        if k == 0 {
            return Ok(out);
        }
        let nblocks = if (self.nnz() + self.nrows()) * k < PARALLEL_WORK {
            1
        } else {
            rayon::current_num_threads() * 4
        };
        let bounds: Vec<usize> = self.0.blocks(nblocks).iter().map(|&r| r * k).collect();
        let parts = split_by_bounds(&mut out, &bounds);
        parts.into_par_iter().for_each(|(start, chunk)| {
            let first = start / k;
            for (r, crow) in chunk.chunks_mut(k).enumerate() {
                for (j, v) in self.row(first + r) {
                    for (c, bb) in crow.iter_mut().zip(&b[j * k..(j + 1) * k]) {
                        *c += v * bb;
                    }
                }
            }
        });
        Ok(out)
    }

    /// The elementwise (Hadamard) product `self .* other`.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when the shapes differ.
    pub fn mul_elementwise(&self, other: &CsrMatrix) -> Result<CsrMatrix> {
        self.same_shape(other, "multiply elementwise")?;
        let mut indptr = vec![0];
        let (mut indices, mut data) = (Vec::new(), Vec::new());
        for i in 0..self.nrows() {
            let mut b = other.row(i).peekable();
            for (j, v) in self.row(i) {
                while b.peek().is_some_and(|&(jb, _)| jb < j) {
                    b.next();
                }
                if let Some(&(jb, w)) = b.peek()
                    && jb == j
                    && v * w != 0.0
                {
                    indices.push(j);
                    data.push(v * w);
                }
            }
            indptr.push(indices.len());
        }
        Ok(CsrMatrix(Compressed::from_canonical(self.nrows(), self.ncols(), indptr, indices, data)?))
    }
}
