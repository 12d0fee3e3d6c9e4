//! `fastsci.sparse`: fastsci-sparse's products, Krylov and direct solvers and Matrix Market
//! files for SciPy's sparse matrices. `python/fastsci/sparse.py` hands over a matrix as its
//! format, shape and arrays (`indptr`, `indices`, `data`; `row`, `col`, `data` for COO), with
//! 32- or 64-bit indices as SciPy stores them.
//!
//! `matvec` reads those arrays in place (no copy); the solvers and factorizations build
//! fastsci-sparse's canonical CSR from them once (one pass over the entries), which is what
//! their preconditioners and orderings work on.

use fastsci_sparse::direct::{Cholesky, DirectSolver, Lu};
use fastsci_sparse::krylov::{self, IterativeOptions, LsqrOptions};
use fastsci_sparse::precond::{Identity, PrecondKind, Preconditioner as RustPreconditioner};
use fastsci_sparse::{CooMatrix, CscMatrix, CsrMatrix, SparseError, mm};
use numpy::{PyArray1, PyReadonlyArray1, PyReadwriteArray1, PyUntypedArrayMethods};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;

fn sparse_error(e: SparseError) -> PyErr {
    match &e {
        SparseError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(e.to_string())
        }
        SparseError::Io(_) => PyOSError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// An index array of a SciPy matrix, borrowed: `int32` or `int64`.
enum Indices<'py> {
    I32(PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>),
}

impl<'py> Indices<'py> {
    fn from(ob: &Bound<'py, PyAny>, what: &str) -> PyResult<Indices<'py>> {
        if let Ok(a) = ob.extract::<PyReadonlyArray1<'py, i32>>() {
            Ok(Indices::I32(a))
        } else if let Ok(a) = ob.extract::<PyReadonlyArray1<'py, i64>>() {
            Ok(Indices::I64(a))
        } else {
            Err(PyTypeError::new_err(format!("{what} must be a 1-d int32 or int64 array")))
        }
    }

    fn to_usize(&self, what: &str) -> PyResult<Vec<usize>> {
        let bad = || PyValueError::new_err(format!("{what} has a negative entry"));
        match self {
            Indices::I32(a) => a.as_array().iter().map(|&v| usize::try_from(v).map_err(|_| bad())).collect(),
            Indices::I64(a) => a.as_array().iter().map(|&v| usize::try_from(v).map_err(|_| bad())).collect(),
        }
    }
}

/// `(format, shape, indptr or row, indices or col, data)` as `sparse.py` passes them.
type MatrixParts<'py> =
    (String, (usize, usize), Bound<'py, PyAny>, Bound<'py, PyAny>, PyReadonlyArray1<'py, f64>);

/// `lsqr`'s `(x, istop, itn, r1norm, arnorm)`.
type LsqrTuple<'py> = (Bound<'py, PyArray1<f64>>, u8, usize, f64, f64);

/// `mmread`'s `(nrows, ncols, rows, cols, values)`.
type Triplets<'py> =
    (usize, usize, Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f64>>);

/// A SciPy sparse matrix as its arrays.
struct Matrix<'py> {
    format: String,
    nrows: usize,
    ncols: usize,
    /// `indptr` (CSR/CSC) or `row` (COO).
    first: Indices<'py>,
    /// `indices` (CSR/CSC) or `col` (COO).
    second: Indices<'py>,
    data: PyReadonlyArray1<'py, f64>,
}

impl<'py> FromPyObject<'_, 'py> for Matrix<'py> {
    type Error = PyErr;

    fn extract(ob: pyo3::Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let (format, (nrows, ncols), first, second, data): MatrixParts<'py> = ob.extract()?;
        Ok(Matrix {
            first: Indices::from(&first, "the index pointer")?,
            second: Indices::from(&second, "the indices")?,
            format,
            nrows,
            ncols,
            data,
        })
    }
}

impl Matrix<'_> {
    /// fastsci-sparse's canonical CSR of this matrix (duplicates summed, columns sorted).
    fn to_csr(&self) -> PyResult<CsrMatrix> {
        let data = self.data.as_slice()?.to_vec();
        let (p, i) = (self.first.to_usize("the index pointer")?, self.second.to_usize("the indices")?);
        let r = match self.format.as_str() {
            "csr" => CsrMatrix::new(self.nrows, self.ncols, p, i, data),
            "csc" => CscMatrix::new(self.nrows, self.ncols, p, i, data).and_then(|c| c.to_csr()),
            "coo" => CooMatrix::from_triplets(self.nrows, self.ncols, p, i, data).and_then(|c| c.to_csr()),
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unsupported sparse format '{other}' (csr, csc, coo)"
                )));
            }
        };
        r.map_err(sparse_error)
    }
}

/// A SciPy index (`int32` or `int64`) as a position; a negative one becomes a position no
/// array has, which the bounds checks below then refuse.
trait Position: Copy + Send + Sync {
    fn at(self) -> usize;
}

impl Position for i32 {
    fn at(self) -> usize {
        if self < 0 { usize::MAX } else { self as usize }
    }
}

impl Position for i64 {
    fn at(self) -> usize {
        usize::try_from(self).unwrap_or(usize::MAX)
    }
}

/// `y = A x` on CSR arrays read in place: one row per output entry, rows split over threads.
/// Every index is checked as it is used (SciPy's arrays may hold anything); one outside the
/// matrix makes the whole product an error.
fn spmv_borrowed<I: Position>(
    indptr: &[I],
    indices: &[I],
    data: &[f64],
    x: &[f64],
    y: &mut [f64],
) -> PyResult<()> {
    let n = y.len();
    if indptr.len() != n + 1 {
        return Err(PyValueError::new_err("the CSR index pointer does not match the shape"));
    }
    let entries = indices.len().min(data.len());
    // One row's sum, or None for an index outside the matrix or the entries.
    let row = |r: usize| -> Option<f64> {
        let (s, e) = (indptr[r].at(), indptr[r + 1].at());
        if s > e || e > entries {
            return None;
        }
        let mut sum = 0.0;
        for (&c, &v) in indices[s..e].iter().zip(&data[s..e]) {
            sum += v * *x.get(c.at())?;
        }
        Some(sum)
    };
    let ok = if data.len() < 40_000 {
        y.iter_mut().enumerate().all(|(r, out)| row(r).map(|v| *out = v).is_some())
    } else {
        y.par_iter_mut().with_min_len(1024).enumerate().all(|(r, out)| row(r).map(|v| *out = v).is_some())
    };
    if !ok {
        return Err(PyValueError::new_err("the CSR arrays hold an index outside the matrix"));
    }
    Ok(())
}

/// `A @ x` into `out` (CSR read in place, multi-threaded; CSC and COO via CSR).
#[pyfunction]
fn matvec(
    py: Python<'_>,
    a: Matrix<'_>,
    x: PyReadonlyArray1<'_, f64>,
    mut out: PyReadwriteArray1<'_, f64>,
) -> PyResult<()> {
    let xs = x.as_slice()?;
    if xs.len() != a.ncols || out.len() != a.nrows {
        return Err(PyValueError::new_err(format!(
            "shapes do not match: A is {} x {}, x has {} values, out {}",
            a.nrows,
            a.ncols,
            xs.len(),
            out.len()
        )));
    }
    let ys = out.as_slice_mut()?;
    if a.format != "csr" {
        let csr = a.to_csr()?;
        return py.detach(|| csr.mul_vec_into(xs, ys)).map_err(sparse_error);
    }
    let data = a.data.as_slice()?;
    match (&a.first, &a.second) {
        (Indices::I32(p), Indices::I32(i)) => {
            let (p, i) = (p.as_slice()?, i.as_slice()?);
            py.detach(|| spmv_borrowed(p, i, data, xs, ys))
        }
        (Indices::I64(p), Indices::I64(i)) => {
            let (p, i) = (p.as_slice()?, i.as_slice()?);
            py.detach(|| spmv_borrowed(p, i, data, xs, ys))
        }
        _ => Err(PyTypeError::new_err("indptr and indices must have the same integer type")),
    }
}

/// A preconditioner `M ≈ A^{-1}` built by fastsci-sparse, usable as `M=` of the solvers.
#[pyclass(frozen, module = "fastsci._fastsci")]
pub struct Preconditioner {
    inner: Box<dyn RustPreconditioner + Send>,
    n: usize,
    kind: &'static str,
}

#[pymethods]
impl Preconditioner {
    /// `kind` one of `jacobi`, `ilu0`, `ic0`, `ssor` (with `omega`).
    #[new]
    #[pyo3(signature = (kind, a, omega = 1.0))]
    fn new(py: Python<'_>, kind: &str, a: Matrix<'_>, omega: f64) -> PyResult<Preconditioner> {
        let csr = a.to_csr()?;
        let n = csr.nrows();
        let k = match kind {
            "jacobi" => PrecondKind::Jacobi,
            "ilu0" => PrecondKind::Ilu0,
            "ic0" => PrecondKind::Ic0,
            "ssor" => PrecondKind::Ssor(omega),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown preconditioner '{other}' (jacobi, ilu0, ic0, ssor)"
                )));
            }
        };
        let built: Box<dyn RustPreconditioner + Send> = match k {
            PrecondKind::Jacobi => {
                Box::new(py.detach(|| fastsci_sparse::precond::Jacobi::new(&csr)).map_err(sparse_error)?)
            }
            PrecondKind::Ilu0 => {
                Box::new(py.detach(|| fastsci_sparse::precond::Ilu0::new(&csr)).map_err(sparse_error)?)
            }
            PrecondKind::Ic0 => {
                Box::new(py.detach(|| fastsci_sparse::precond::Ic0::new(&csr)).map_err(sparse_error)?)
            }
            PrecondKind::Ssor(w) => {
                Box::new(py.detach(|| fastsci_sparse::precond::Ssor::new(&csr, w)).map_err(sparse_error)?)
            }
            PrecondKind::None => Box::new(Identity),
        };
        Ok(Preconditioner { inner: built, n, kind: k.name() })
    }

    /// `M r` (the preconditioner applied once).
    fn matvec<'py>(
        &self,
        py: Python<'py>,
        r: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let r = r.as_slice()?;
        if r.len() != self.n {
            return Err(PyValueError::new_err(format!("expected {} values, got {}", self.n, r.len())));
        }
        let mut z = vec![0.0; self.n];
        self.inner.apply(r, &mut z);
        Ok(PyArray1::from_vec(py, z))
    }

    /// `(n, n)`.
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.n, self.n)
    }

    /// The preconditioner's name.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn __repr__(&self) -> String {
        format!("<fastsci.sparse preconditioner {} of a {} x {} matrix>", self.kind, self.n, self.n)
    }
}

/// A Python `M` (a callable or an object with `matvec`) as a preconditioner: called with the
/// GIL for each application.
struct PythonPreconditioner {
    apply: Py<PyAny>,
    failure: std::sync::Mutex<Option<PyErr>>,
}

impl RustPreconditioner for PythonPreconditioner {
    fn apply(&self, r: &[f64], z: &mut [f64]) {
        let mut slot = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            z.fill(f64::NAN);
            return;
        }
        let res = Python::attach(|py| -> PyResult<()> {
            let v = self.apply.bind(py).call1((PyArray1::from_slice(py, r),))?;
            let v: Vec<f64> = v.extract()?;
            if v.len() != z.len() {
                return Err(PyValueError::new_err(format!(
                    "M returned {} values, expected {}",
                    v.len(),
                    z.len()
                )));
            }
            z.copy_from_slice(&v);
            Ok(())
        });
        if let Err(e) = res {
            *slot = Some(e);
            z.fill(f64::NAN);
        }
    }
}

/// `(x, info, iterations, residual_norm)` from `method` in cg, bicgstab, gmres, minres;
/// `info = 0` converged, else the iterations done (SciPy's convention).
#[pyfunction]
#[pyo3(signature = (method, a, b, x0, rtol, atol, maxiter, m, restart))]
#[allow(clippy::too_many_arguments)]
fn iterative<'py>(
    py: Python<'py>,
    method: &str,
    a: Matrix<'py>,
    b: PyReadonlyArray1<'py, f64>,
    x0: Option<Vec<f64>>,
    rtol: f64,
    atol: f64,
    maxiter: Option<usize>,
    m: Option<&Bound<'py, PyAny>>,
    restart: Option<usize>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, usize, usize, f64)> {
    let csr = a.to_csr()?;
    let b = b.as_slice()?;
    let opts = IterativeOptions { rtol, atol, maxiter, restart: restart.unwrap_or(20), x0 };
    let mut python_m: Option<PythonPreconditioner> = None;
    let m: &dyn RustPreconditioner = match m {
        None => &Identity,
        Some(p) if p.is_instance_of::<Preconditioner>() => &*p.cast::<Preconditioner>()?.get().inner,
        Some(p) => {
            let apply = if p.hasattr("matvec")? { p.getattr("matvec")? } else { p.clone() };
            if !apply.is_callable() {
                return Err(PyTypeError::new_err(
                    "M must be a fastsci.sparse preconditioner, a LinearOperator or a callable",
                ));
            }
            python_m
                .insert(PythonPreconditioner { apply: apply.unbind(), failure: std::sync::Mutex::new(None) })
        }
    };
    let solve = || match method {
        "cg" => krylov::cg(&csr, b, m, &opts),
        "bicgstab" => krylov::bicgstab(&csr, b, m, &opts),
        "gmres" => krylov::gmres(&csr, b, m, &opts),
        "minres" => krylov::minres(&csr, b, m, &opts),
        other => Err(SparseError::InvalidArgument(format!("unknown method {other}"))),
    };
    let r = py.detach(solve);
    if let Some(e) =
        python_m.as_ref().and_then(|p| p.failure.lock().unwrap_or_else(|p| p.into_inner()).take())
    {
        return Err(e);
    }
    let r = r.map_err(sparse_error)?;
    let info = if r.success() { 0 } else { r.iterations.max(1) };
    Ok((PyArray1::from_vec(py, r.x), info, r.iterations, r.residual_norm))
}

/// `lsqr`: `(x, istop, itn, r1norm, arnorm)`.
#[pyfunction]
#[pyo3(signature = (a, b, damp, atol, btol, conlim, iter_lim))]
#[allow(clippy::too_many_arguments)]
fn lsqr<'py>(
    py: Python<'py>,
    a: Matrix<'py>,
    b: PyReadonlyArray1<'py, f64>,
    damp: f64,
    atol: f64,
    btol: f64,
    conlim: f64,
    iter_lim: Option<usize>,
) -> PyResult<LsqrTuple<'py>> {
    let csr = a.to_csr()?;
    let b = b.as_slice()?;
    let o = LsqrOptions { atol, btol, conlim, maxiter: iter_lim, damp };
    let r = py.detach(|| krylov::lsqr(&csr, b, &o)).map_err(sparse_error)?;
    Ok((PyArray1::from_vec(py, r.x), r.status.code(), r.iterations, r.residual_norm, r.normal_residual_norm))
}

enum FactorKind {
    Cholesky(Cholesky),
    Lu(Box<Lu>),
    Auto(DirectSolver),
}

/// A sparse factorization (`cholesky(A)`, `splu(A)`), solved against many right-hand sides.
#[pyclass(frozen, module = "fastsci._fastsci")]
pub struct Factor {
    inner: FactorKind,
    n: usize,
}

impl Factor {
    fn solve_many(&self, b: &[f64], k: usize) -> Result<Vec<f64>, SparseError> {
        match &self.inner {
            FactorKind::Cholesky(c) => c.solve_many(b, k),
            FactorKind::Lu(l) => l.solve_many(b, k),
            FactorKind::Auto(d) => d.solve_many(b, k),
        }
    }
}

#[pymethods]
impl Factor {
    /// Factors `a` by `method`: `cholesky` (symmetric positive definite), `lu`, or `auto`
    /// (Cholesky when `a` looks SPD, else LU).
    #[new]
    fn new(py: Python<'_>, method: &str, a: Matrix<'_>) -> PyResult<Factor> {
        let csr = a.to_csr()?;
        if csr.nrows() != csr.ncols() {
            return Err(PyValueError::new_err(format!(
                "the matrix must be square, got {} x {}",
                csr.nrows(),
                csr.ncols()
            )));
        }
        let n = csr.nrows();
        let inner = py
            .detach(|| match method {
                "cholesky" => Cholesky::factorize(&csr).map(FactorKind::Cholesky),
                "lu" => Lu::factorize(&csr).map(|l| FactorKind::Lu(Box::new(l))),
                _ => DirectSolver::factorize(&csr).map(FactorKind::Auto),
            })
            .map_err(sparse_error)?;
        Ok(Factor { inner, n })
    }

    /// Solves `A X = B` for `b` holding `k` right-hand sides column after column.
    fn solve_columns<'py>(
        &self,
        py: Python<'py>,
        b: PyReadonlyArray1<'py, f64>,
        k: usize,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let b = b.as_slice()?;
        let x = py.detach(|| self.solve_many(b, k)).map_err(sparse_error)?;
        Ok(PyArray1::from_vec(py, x))
    }

    /// `(n, n)`.
    #[getter]
    fn shape(&self) -> (usize, usize) {
        (self.n, self.n)
    }

    /// `cholesky`, `lu`.
    #[getter]
    fn method(&self) -> &'static str {
        match &self.inner {
            FactorKind::Cholesky(_) => "cholesky",
            FactorKind::Lu(_) => "lu",
            FactorKind::Auto(d) => d.method().name(),
        }
    }
}

/// `mmread`: `(nrows, ncols, rows, cols, values)` of the file's entries (CSR order).
#[pyfunction]
fn mmread<'py>(py: Python<'py>, path: std::path::PathBuf) -> PyResult<Triplets<'py>> {
    let csr = py.detach(|| mm::read_path(&path)).map_err(sparse_error)?;
    let indptr = csr.indptr().to_usize();
    let mut rows = Vec::with_capacity(csr.nnz());
    for r in 0..csr.nrows() {
        rows.extend(std::iter::repeat_n(r as i64, indptr[r + 1] - indptr[r]));
    }
    let cols: Vec<i64> = csr.indices().to_usize().into_iter().map(|c| c as i64).collect();
    Ok((
        csr.nrows(),
        csr.ncols(),
        PyArray1::from_vec(py, rows),
        PyArray1::from_vec(py, cols),
        PyArray1::from_slice(py, csr.data()),
    ))
}

/// `mmwrite(path, A)` (coordinate, real, general), written atomically.
#[pyfunction]
fn mmwrite(py: Python<'_>, path: std::path::PathBuf, a: Matrix<'_>) -> PyResult<()> {
    let csr = a.to_csr()?;
    py.detach(|| mm::write_path(&path, &csr)).map_err(sparse_error)
}

/// Adds the `_sparse` submodule to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let sub = PyModule::new(m.py(), "_sparse")?;
    sub.add_function(wrap_pyfunction!(matvec, &sub)?)?;
    sub.add_function(wrap_pyfunction!(iterative, &sub)?)?;
    sub.add_function(wrap_pyfunction!(lsqr, &sub)?)?;
    sub.add_function(wrap_pyfunction!(mmread, &sub)?)?;
    sub.add_function(wrap_pyfunction!(mmwrite, &sub)?)?;
    sub.add_class::<Preconditioner>()?;
    sub.add_class::<Factor>()?;
    m.add_submodule(&sub)?;
    Ok(())
}
