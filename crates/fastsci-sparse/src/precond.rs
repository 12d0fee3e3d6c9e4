//! Preconditioners for the Krylov solvers: Jacobi, ILU(0), IC(0) and SSOR.
//!
//! Each approximates `A^{-1}`: [`Preconditioner::apply`] computes `z = M^{-1} r`.
//! - Jacobi: `M = diag(A)`.
//! - ILU(0): `M = L U` with the sparsity pattern of `A` (Saad, *Iterative Methods*, Alg. 10.4).
//! - IC(0): `M = L L^T` with the pattern of the lower triangle of a symmetric positive
//!   definite `A`.
//! - SSOR(ω): `M = (D + ωL) D^{-1} (D + ωU) / (ω(2-ω))`, symmetric when `A` is.

use std::str::FromStr;

use crate::error::{Result, SparseError};
use crate::matrix::CsrMatrix;

/// Applies `z = M^{-1} r`.
pub trait Preconditioner: Sync {
    /// Writes `M^{-1} r` into `z` (both of the operator's size).
    fn apply(&self, r: &[f64], z: &mut [f64]);

    /// True only for [`Identity`], so solvers can skip the copy `z = r`.
    fn is_identity(&self) -> bool {
        false
    }
}

/// No preconditioning: `z = r`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Identity;

impl Preconditioner for Identity {
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        z.copy_from_slice(r);
    }

    fn is_identity(&self) -> bool {
        true
    }
}

/// Which preconditioner to build (parsed from `none|jacobi|ilu0|ic0|ssor`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum PrecondKind {
    /// No preconditioning.
    #[default]
    None,
    /// Diagonal scaling.
    Jacobi,
    /// Incomplete LU with zero fill.
    Ilu0,
    /// Incomplete Cholesky with zero fill (symmetric positive definite matrices).
    Ic0,
    /// Symmetric successive over-relaxation with the given ω in (0, 2).
    Ssor(f64),
}

impl PrecondKind {
    /// The name as the command line spells it.
    pub fn name(&self) -> &'static str {
        match self {
            PrecondKind::None => "none",
            PrecondKind::Jacobi => "jacobi",
            PrecondKind::Ilu0 => "ilu0",
            PrecondKind::Ic0 => "ic0",
            PrecondKind::Ssor(_) => "ssor",
        }
    }

    /// Builds this preconditioner for `a`.
    ///
    /// # Errors
    /// [`SparseError::Preconditioner`] when the matrix does not allow it (zero or missing
    /// diagonal, breakdown); [`SparseError::Shape`] for a non-square matrix.
    pub fn build(&self, a: &CsrMatrix) -> Result<Box<dyn Preconditioner>> {
        Ok(match *self {
            PrecondKind::None => Box::new(Identity),
            PrecondKind::Jacobi => Box::new(Jacobi::new(a)?),
            PrecondKind::Ilu0 => Box::new(Ilu0::new(a)?),
            PrecondKind::Ic0 => Box::new(Ic0::new(a)?),
            PrecondKind::Ssor(omega) => Box::new(Ssor::new(a, omega)?),
        })
    }
}

impl FromStr for PrecondKind {
    type Err = SparseError;

    fn from_str(s: &str) -> Result<PrecondKind> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(PrecondKind::None),
            "jacobi" => Ok(PrecondKind::Jacobi),
            "ilu0" | "ilu" => Ok(PrecondKind::Ilu0),
            "ic0" | "ic" => Ok(PrecondKind::Ic0),
            "ssor" => Ok(PrecondKind::Ssor(1.0)),
            other => Err(SparseError::InvalidArgument(format!(
                "unknown preconditioner '{other}' (expected none, jacobi, ilu0, ic0 or ssor)"
            ))),
        }
    }
}

fn square(a: &CsrMatrix) -> Result<usize> {
    if a.nrows() != a.ncols() {
        return Err(SparseError::shape(format_args!(
            "a preconditioner needs a square matrix, got {:?}",
            a.shape()
        )));
    }
    Ok(a.nrows())
}

/// Pattern of `a` with `usize` indices and the position of each diagonal entry.
#[derive(Debug, Clone)]
struct Pattern {
    indptr: Vec<usize>,
    indices: Vec<usize>,
    vals: Vec<f64>,
    diag: Vec<usize>,
}

impl Pattern {
    fn new(a: &CsrMatrix, what: &str) -> Result<Pattern> {
        let n = square(a)?;
        let indptr = a.indptr().to_usize();
        let indices = a.indices().to_usize();
        let mut diag = Vec::with_capacity(n);
        for i in 0..n {
            let row = &indices[indptr[i]..indptr[i + 1]];
            match row.binary_search(&i) {
                Ok(p) if a.data()[indptr[i] + p] != 0.0 => diag.push(indptr[i] + p),
                _ => return Err(SparseError::Preconditioner(format!("{what}: zero diagonal in row {i}"))),
            }
        }
        Ok(Pattern { indptr, indices, vals: a.data().to_vec(), diag })
    }
}

/// Jacobi (diagonal) preconditioner.
#[derive(Debug, Clone)]
pub struct Jacobi {
    inv_diag: Vec<f64>,
}

impl Jacobi {
    /// Builds `M = diag(A)`.
    ///
    /// # Errors
    /// [`SparseError::Preconditioner`] when a diagonal entry is zero.
    pub fn new(a: &CsrMatrix) -> Result<Jacobi> {
        square(a)?;
        let d = a.diagonal();
        if let Some(i) = d.iter().position(|&v| v == 0.0 || !v.is_finite()) {
            return Err(SparseError::Preconditioner(format!("Jacobi: diagonal entry {i} is {}", d[i])));
        }
        Ok(Jacobi { inv_diag: d.iter().map(|v| 1.0 / v).collect() })
    }
}

impl Preconditioner for Jacobi {
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        for ((z, r), d) in z.iter_mut().zip(r).zip(&self.inv_diag) {
            *z = r * d;
        }
    }
}

/// Incomplete LU factorization with zero fill-in.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_1d, precond::{Ilu0, Preconditioner}};
/// // A tridiagonal matrix has no fill: ILU(0) is its exact LU.
/// let a = laplacian_1d(5)?;
/// let m = Ilu0::new(&a)?;
/// let b = vec![1.0; 5];
/// let mut x = vec![0.0; 5];
/// m.apply(&b, &mut x);
/// let r = a.mul_vec(&x)?;
/// assert!(r.iter().all(|v| (v - 1.0).abs() < 1e-12));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Ilu0 {
    indptr: Vec<usize>,
    indices: Vec<usize>,
    vals: Vec<f64>,
    diag: Vec<usize>,
    /// `1 / u_ii`.
    inv_diag: Vec<f64>,
}

impl Ilu0 {
    /// Factorizes `A ≈ L U` on the pattern of `A`.
    ///
    /// # Errors
    /// [`SparseError::Preconditioner`] for a missing or zero diagonal or a zero pivot.
    pub fn new(a: &CsrMatrix) -> Result<Ilu0> {
        let Pattern { indptr, indices, mut vals, diag } = Pattern::new(a, "ILU(0)")?;
        let n = diag.len();
        let mut iw = vec![usize::MAX; n];
        for i in 0..n {
            let (start, end) = (indptr[i], indptr[i + 1]);
            for k in start..end {
                iw[indices[k]] = k;
            }
            for k in start..diag[i] {
                let j = indices[k];
                let lij = vals[k] / vals[diag[j]];
                vals[k] = lij;
                for kk in diag[j] + 1..indptr[j + 1] {
                    let pos = iw[indices[kk]];
                    if pos != usize::MAX {
                        vals[pos] -= lij * vals[kk];
                    }
                }
            }
            let piv = vals[diag[i]];
            if piv == 0.0 || !piv.is_finite() {
                return Err(SparseError::Preconditioner(format!("ILU(0): pivot {i} is {piv}")));
            }
            for k in start..end {
                iw[indices[k]] = usize::MAX;
            }
        }
        let inv_diag = diag.iter().map(|&d| 1.0 / vals[d]).collect();
        Ok(Ilu0 { indptr, indices, vals, diag, inv_diag })
    }
}

impl Preconditioner for Ilu0 {
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        let n = self.diag.len();
        for i in 0..n {
            let mut s = r[i];
            for k in self.indptr[i]..self.diag[i] {
                s -= self.vals[k] * z[self.indices[k]];
            }
            z[i] = s;
        }
        for i in (0..n).rev() {
            let mut s = z[i];
            for k in self.diag[i] + 1..self.indptr[i + 1] {
                s -= self.vals[k] * z[self.indices[k]];
            }
            z[i] = s * self.inv_diag[i];
        }
    }
}

/// Incomplete Cholesky factorization with zero fill-in, for symmetric positive definite `A`.
#[derive(Debug, Clone)]
pub struct Ic0 {
    /// Lower triangle of L by rows, diagonal last in each row.
    indptr: Vec<usize>,
    indices: Vec<usize>,
    vals: Vec<f64>,
    /// `1 / l_ii`: the solves multiply, keeping divisions off their dependency chain.
    inv_diag: Vec<f64>,
}

impl Ic0 {
    /// Factorizes `A ≈ L L^T` on the pattern of the lower triangle of `A` (only the lower
    /// triangle is read).
    ///
    /// # Errors
    /// [`SparseError::Preconditioner`] when a pivot is not positive (the matrix is not
    /// positive definite enough for IC(0)) or a diagonal entry is missing.
    pub fn new(a: &CsrMatrix) -> Result<Ic0> {
        let p = Pattern::new(a, "IC(0)")?;
        let n = p.diag.len();
        let mut indptr = Vec::with_capacity(n + 1);
        let mut indices = Vec::new();
        let mut vals = Vec::new();
        indptr.push(0);
        let mut w = vec![0.0; n];
        for i in 0..n {
            let row_start = indices.len();
            for k in p.indptr[i]..p.diag[i] {
                let j = p.indices[k];
                // l_ij = (a_ij - sum_{c<j} l_ic l_jc) / l_jj
                let (js, je) = (indptr[j], indptr[j + 1] - 1);
                let mut s = p.vals[k];
                for kk in js..je {
                    s -= vals[kk] * w[indices[kk]];
                }
                let lij = s / vals[je];
                w[j] = lij;
                indices.push(j);
                vals.push(lij);
            }
            let mut d = p.vals[p.diag[i]];
            for &v in &vals[row_start..] {
                d -= v * v;
            }
            if d <= 0.0 || !d.is_finite() {
                return Err(SparseError::Preconditioner(format!(
                    "IC(0): pivot {i} is {d} (not positive; the matrix may not be positive definite)"
                )));
            }
            indices.push(i);
            vals.push(d.sqrt());
            for &j in &indices[row_start..] {
                w[j] = 0.0;
            }
            indptr.push(indices.len());
        }
        let inv_diag = (0..n).map(|i| 1.0 / vals[indptr[i + 1] - 1]).collect();
        Ok(Ic0 { indptr, indices, vals, inv_diag })
    }
}

impl Preconditioner for Ic0 {
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        let n = self.indptr.len() - 1;
        for i in 0..n {
            let last = self.indptr[i + 1] - 1;
            let mut s = r[i];
            for k in self.indptr[i]..last {
                s -= self.vals[k] * z[self.indices[k]];
            }
            z[i] = s * self.inv_diag[i];
        }
        for i in (0..n).rev() {
            let last = self.indptr[i + 1] - 1;
            z[i] *= self.inv_diag[i];
            let zi = z[i];
            for k in self.indptr[i]..last {
                z[self.indices[k]] -= self.vals[k] * zi;
            }
        }
    }
}

/// Symmetric successive over-relaxation.
#[derive(Debug, Clone)]
pub struct Ssor {
    p: Pattern,
    omega: f64,
}

impl Ssor {
    /// Builds SSOR with relaxation `omega` (1.0 gives symmetric Gauss-Seidel).
    ///
    /// # Errors
    /// [`SparseError::InvalidArgument`] when `omega` is not in (0, 2);
    /// [`SparseError::Preconditioner`] for a zero or missing diagonal.
    pub fn new(a: &CsrMatrix, omega: f64) -> Result<Ssor> {
        if !(omega > 0.0 && omega < 2.0) {
            return Err(SparseError::InvalidArgument(format!("SSOR omega {omega} is not in (0, 2)")));
        }
        Ok(Ssor { p: Pattern::new(a, "SSOR")?, omega })
    }
}

impl Preconditioner for Ssor {
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        let p = &self.p;
        let w = self.omega;
        let n = p.diag.len();
        for i in 0..n {
            let mut s = r[i];
            for k in p.indptr[i]..p.diag[i] {
                s -= w * p.vals[k] * z[p.indices[k]];
            }
            z[i] = s / p.vals[p.diag[i]];
        }
        for i in 0..n {
            z[i] *= p.vals[p.diag[i]];
        }
        for i in (0..n).rev() {
            let mut s = z[i];
            for k in p.diag[i] + 1..p.indptr[i + 1] {
                s -= w * p.vals[k] * z[p.indices[k]];
            }
            z[i] = s / p.vals[p.diag[i]];
        }
        let scale = w * (2.0 - w);
        z.iter_mut().for_each(|v| *v *= scale);
    }
}
