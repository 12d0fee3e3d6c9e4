//! Direct solvers: sparse Cholesky (`L L^T`) through faer's supernodal factorization, with a
//! nested dissection ordering ([`crate::ordering`]) for large matrices and faer's approximate
//! minimum degree for small ones, or in band storage for narrow-banded matrices; and sparse LU
//! through faer, with partial pivoting and a COLAMD column ordering.
//!
//! Factorize once, solve many: [`Cholesky`], [`Lu`] and the automatic [`DirectSolver`] keep
//! the factors and solve any number of right-hand sides. The symbolic analysis (ordering,
//! elimination tree) is kept too, so [`Cholesky::refactorize`] and [`Lu::refactorize`]
//! reuse it for a new matrix with the same pattern.

use faer::dyn_stack::{MemBuffer, MemStack};

use crate::method::SolveMethod;
use faer::linalg::solvers::Solve;
use faer::perm::PermRef;
use faer::sparse::linalg::LuError;
use faer::sparse::linalg::cholesky::{
    LltRef, SymbolicCholesky, SymmetricOrdering, factorize_symbolic_cholesky,
};
use faer::sparse::linalg::solvers::{Lu as FaerLu, SymbolicLu};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, Par, Side};

use crate::band::{BandCholesky, half_bandwidth, prefers_band};
use crate::compressed::Compressed;
use crate::error::{Result, SparseError};
use crate::matrix::CsrMatrix;
use crate::ordering::{inverse, nested_dissection};

/// Matrices with at least this many rows are ordered by nested dissection; smaller ones by
/// approximate minimum degree, which finds less fill on small irregular graphs and costs little
/// there.
const DISSECTION_ROWS: usize = 20_000;

/// The compressed arrays with `usize` indices, as faer reads them.
struct FaerParts {
    n: usize,
    ptr: Vec<usize>,
    idx: Vec<usize>,
    val: Vec<f64>,
}

impl FaerParts {
    /// Column-compressed parts of a square matrix given compressed by columns.
    fn new(c: &Compressed) -> Result<FaerParts> {
        let n = square_size(c)?;
        Ok(FaerParts { n, ptr: c.indptr.to_usize(), idx: c.indices.to_usize(), val: c.data.clone() })
    }

    fn symbolic(&self) -> SymbolicSparseColMatRef<'_, usize> {
        SymbolicSparseColMatRef::new_checked(self.n, self.n, &self.ptr, None, &self.idx)
    }

    fn numeric(&self) -> SparseColMatRef<'_, usize, f64> {
        SparseColMatRef::new(self.symbolic(), &self.val)
    }
}

/// The size of a square matrix; a shape error for any other.
fn square_size(c: &Compressed) -> Result<usize> {
    if c.outer != c.inner {
        return Err(SparseError::shape(format_args!(
            "a direct solve needs a square matrix, got {} x {}",
            c.inner, c.outer
        )));
    }
    Ok(c.outer)
}

fn check_rhs(n: usize, b: &[f64], k: usize) -> Result<()> {
    if n.checked_mul(k) != Some(b.len()) {
        return Err(SparseError::shape(format_args!(
            "right-hand side of {} values is not {n} x {k}",
            b.len()
        )));
    }
    Ok(())
}

fn finite_or_singular(x: &[f64]) -> Result<()> {
    if x.iter().all(|v| v.is_finite()) { Ok(()) } else { Err(SparseError::Singular) }
}

fn lu_error(e: LuError) -> SparseError {
    match e {
        LuError::SymbolicSingular { .. } => SparseError::Singular,
        LuError::Generic(g) => SparseError::Faer(g),
    }
}

/// Sparse Cholesky factorization `P A P^T = L L^T` of a symmetric positive definite matrix.
///
/// Narrow-banded matrices (tridiagonal, pentadiagonal, up to 32 diagonals each side) are
/// factored in band storage as `L D L^T` in their own order, where the band is the exact fill
/// and each solve is two plain triangular loops; all others by faer's supernodal factorization
/// of a fill-reducing ordering.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_2d, direct::Cholesky};
/// let a = laplacian_2d(10, 10)?;
/// let chol = Cholesky::factorize(&a)?;
/// let x = chol.solve(&vec![1.0; 100])?;
/// let r = a.mul_vec(&x)?;
/// assert!(r.iter().all(|v| (v - 1.0).abs() < 1e-12));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
pub struct Cholesky {
    n: usize,
    factor: CholeskyFactor,
}

/// How the factor is stored: in band storage when every entry lies within a few diagonals
/// (tridiagonal, pentadiagonal, thin grids), where the general machinery costs more per solve
/// than it computes; otherwise as faer's supernodal factor of a fill-reducing ordering.
#[derive(Debug)]
enum CholeskyFactor {
    Band(BandCholesky),
    Supernodal {
        // Boxed: the symbolic structure is some 300 bytes of sizes and offsets.
        symbolic: Box<SymbolicCholesky<usize>>,
        values: Vec<f64>,
    },
}

impl Cholesky {
    /// Analyzes and factorizes `a`, which must be symmetric (to a relative `1e-14`).
    ///
    /// # Errors
    /// [`SparseError::NotPositiveDefinite`] when a pivot is not positive;
    /// [`SparseError::InvalidArgument`] for a nonsymmetric matrix;
    /// [`SparseError::Shape`] for a non-square one.
    pub fn factorize(a: &CsrMatrix) -> Result<Cholesky> {
        if a.nrows() == a.ncols() && !a.is_symmetric(1e-14) {
            return Err(SparseError::InvalidArgument("Cholesky needs a symmetric matrix; use LU".into()));
        }
        Cholesky::factorize_symmetric(a)
    }

    /// [`Cholesky::factorize`] of a matrix already known to be symmetric.
    fn factorize_symmetric(a: &CsrMatrix) -> Result<Cholesky> {
        let n = square_size(&a.0)?;
        let b = half_bandwidth(&a.0);
        if prefers_band(n, a.nnz(), b) {
            return Ok(Cholesky { n, factor: CholeskyFactor::Band(BandCholesky::factorize(&a.0, b)?) });
        }
        // CSR of a symmetric matrix is its CSC.
        let p = FaerParts::new(&a.0)?;
        let dissection = (p.n >= DISSECTION_ROWS).then(|| {
            let perm = nested_dissection(p.n, &p.ptr, &p.idx);
            let inv = inverse(&perm);
            (perm, inv)
        });
        let ordering = match &dissection {
            Some((perm, inv)) => SymmetricOrdering::Custom(PermRef::new_checked(perm, inv, p.n)),
            None => SymmetricOrdering::Amd,
        };
        let symbolic = factorize_symbolic_cholesky(p.symbolic(), Side::Lower, ordering, Default::default())?;
        let values = numeric_llt(&symbolic, &p)?;
        Ok(Cholesky { n: p.n, factor: CholeskyFactor::Supernodal { symbolic: Box::new(symbolic), values } })
    }

    /// Factorizes a new matrix with the same pattern, reusing the symbolic analysis.
    ///
    /// # Errors
    /// As [`Cholesky::factorize`]; [`SparseError::Shape`] when the size differs.
    pub fn refactorize(&mut self, a: &CsrMatrix) -> Result<()> {
        let n = square_size(&a.0)?;
        if n != self.n {
            return Err(SparseError::shape(format_args!("factorized {} rows, got {n}", self.n)));
        }
        match &mut self.factor {
            CholeskyFactor::Band(band) => *band = BandCholesky::factorize(&a.0, band.half_bandwidth())?,
            CholeskyFactor::Supernodal { symbolic, values } => {
                *values = numeric_llt(symbolic, &FaerParts::new(&a.0)?)?;
            }
        }
        Ok(())
    }

    /// Number of stored entries of the factor `L` (a measure of the fill).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::{laplacian_1d, direct::Cholesky};
    /// // A tridiagonal matrix factors without fill: L keeps the diagonal and one subdiagonal.
    /// assert_eq!(Cholesky::factorize(&laplacian_1d(100)?)?.factor_nnz(), 199);
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    pub fn factor_nnz(&self) -> usize {
        match &self.factor {
            CholeskyFactor::Band(band) => band.factor_nnz(),
            CholeskyFactor::Supernodal { symbolic, .. } => symbolic.len_val(),
        }
    }

    /// Solves `A x = b`.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `b.len() != n`.
    pub fn solve(&self, b: &[f64]) -> Result<Vec<f64>> {
        self.solve_many(b, 1)
    }

    /// Solves `A X = B` for `k` right-hand sides stored column after column (`n*k` values).
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `b.len() != n * k`.
    pub fn solve_many(&self, b: &[f64], k: usize) -> Result<Vec<f64>> {
        let mut x = b.to_vec();
        self.solve_in_place(&mut x, k)?;
        Ok(x)
    }

    /// Solves `A X = B` without allocating the result (only faer's small solve workspace):
    /// `x` holds `B` (`n*k` values, column after column) on entry and `X` on return. For loops
    /// that solve at every step.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::{laplacian_1d, direct::Cholesky};
    /// let a = laplacian_1d(5)?;
    /// let chol = Cholesky::factorize(&a)?;
    /// let mut x = vec![1.0; 5];
    /// chol.solve_in_place(&mut x, 1)?;
    /// let r = a.mul_vec(&x)?;
    /// assert!(r.iter().all(|v| (v - 1.0).abs() < 1e-12));
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `x.len() != n * k`.
    pub fn solve_in_place(&self, x: &mut [f64], k: usize) -> Result<()> {
        check_rhs(self.n, x, k)?;
        if self.n > 0 && k > 0 {
            match &self.factor {
                CholeskyFactor::Band(band) => band.solve_in_place(x, k),
                CholeskyFactor::Supernodal { symbolic, values } => {
                    let par = parallelism(values.len());
                    let mut scratch = MemBuffer::try_new(symbolic.solve_in_place_scratch::<f64>(k, par))
                        .map_err(|_| {
                            SparseError::Factorization("out of memory for the solve's workspace".into())
                        })?;
                    LltRef::new(symbolic, values).solve_in_place_with_conj(
                        Conj::No,
                        faer::MatMut::from_column_major_slice_mut(x, self.n, k),
                        par,
                        MemStack::new(&mut scratch),
                    );
                }
            }
        }
        finite_or_singular(x)
    }
}

/// The numeric factor of `p` on the pattern `symbolic` was computed for.
fn numeric_llt(symbolic: &SymbolicCholesky<usize>, p: &FaerParts) -> Result<Vec<f64>> {
    let out_of_memory = |_| SparseError::Factorization("out of memory for the Cholesky factor".into());
    let mut values = Vec::new();
    values.try_reserve_exact(symbolic.len_val()).map_err(out_of_memory)?;
    values.resize(symbolic.len_val(), 0.0);
    let par = parallelism(values.len());
    let mut scratch =
        MemBuffer::try_new(symbolic.factorize_numeric_llt_scratch::<f64>(par, Default::default()))
            .map_err(|_| SparseError::Factorization("out of memory for the Cholesky workspace".into()))?;
    symbolic
        .factorize_numeric_llt(
            &mut values,
            p.numeric(),
            Side::Lower,
            Default::default(),
            par,
            MemStack::new(&mut scratch),
            Default::default(),
        )
        // The only numeric failure is a pivot that is not positive.
        .map_err(|_| SparseError::NotPositiveDefinite)?;
    Ok(values)
}

/// faer's parallelism for a factor of `factor_nnz` entries: threads pay off only on large dense
/// fronts; on a factor of a few million entries (the 300 x 300 Laplacian's) handing the small
/// supernodes to threads costs more than it saves.
fn parallelism(factor_nnz: usize) -> Par {
    if factor_nnz >= FACTOR_PARALLEL_NNZ { faer::get_global_parallelism() } else { Par::Seq }
}

/// Factors with at least this many entries are computed on all threads.
const FACTOR_PARALLEL_NNZ: usize = 10_000_000;

/// Sparse LU factorization `P A Q = L U` with partial pivoting, for any square matrix.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{CsrMatrix, direct::Lu};
/// let a = CsrMatrix::from_dense(3, 3, &[0.0, 2.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 3.0])?;
/// let lu = Lu::factorize(&a)?;
/// let x = lu.solve(&[3.0, 1.0, 4.0])?;
/// assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-12));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
pub struct Lu {
    n: usize,
    symbolic: SymbolicLu<usize>,
    lu: FaerLu<usize, f64>,
}

impl Lu {
    /// Analyzes and factorizes `a`.
    ///
    /// # Errors
    /// [`SparseError::Singular`] for a structurally singular matrix;
    /// [`SparseError::Shape`] for a non-square one.
    pub fn factorize(a: &CsrMatrix) -> Result<Lu> {
        let csc = a.to_csc();
        let p = FaerParts::new(&csc.0)?;
        let symbolic = SymbolicLu::try_new(p.symbolic())?;
        let lu = FaerLu::try_new_with_symbolic(symbolic.clone(), p.numeric()).map_err(lu_error)?;
        Ok(Lu { n: p.n, symbolic, lu })
    }

    /// Factorizes a new matrix with the same pattern, reusing the symbolic analysis.
    ///
    /// # Errors
    /// As [`Lu::factorize`]; [`SparseError::Shape`] when the size differs.
    pub fn refactorize(&mut self, a: &CsrMatrix) -> Result<()> {
        let csc = a.to_csc();
        let p = FaerParts::new(&csc.0)?;
        if p.n != self.n {
            return Err(SparseError::shape(format_args!("factorized {} rows, got {}", self.n, p.n)));
        }
        self.lu = FaerLu::try_new_with_symbolic(self.symbolic.clone(), p.numeric()).map_err(lu_error)?;
        Ok(())
    }

    /// Solves `A x = b`.
    ///
    /// # Errors
    /// [`SparseError::Shape`] when `b.len() != n`; [`SparseError::Singular`] when the solution
    /// is not finite (a zero pivot).
    pub fn solve(&self, b: &[f64]) -> Result<Vec<f64>> {
        self.solve_many(b, 1)
    }

    /// Solves `A X = B` for `k` right-hand sides stored column after column.
    ///
    /// # Errors
    /// As [`Lu::solve`].
    pub fn solve_many(&self, b: &[f64], k: usize) -> Result<Vec<f64>> {
        let mut x = b.to_vec();
        self.solve_in_place(&mut x, k)?;
        Ok(x)
    }

    /// Solves `A X = B` without allocating the result: `x` holds `B` (`n*k` values, column
    /// after column) on entry and `X` on return.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_sparse::{CsrMatrix, direct::Lu};
    /// let a = CsrMatrix::from_dense(2, 2, &[0.0, 1.0, 2.0, 0.0])?;
    /// let lu = Lu::factorize(&a)?;
    /// let mut x = vec![3.0, 4.0];
    /// lu.solve_in_place(&mut x, 1)?;
    /// assert_eq!(x, vec![2.0, 3.0]);
    /// # Ok::<(), fastsci_sparse::SparseError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Lu::solve`], and [`SparseError::Shape`] when `x.len() != n * k`.
    pub fn solve_in_place(&self, x: &mut [f64], k: usize) -> Result<()> {
        check_rhs(self.n, x, k)?;
        if self.n > 0 && k > 0 {
            self.lu.solve_in_place(faer::MatMut::from_column_major_slice_mut(x, self.n, k));
        }
        finite_or_singular(x)
    }

    /// Solves `A^T x = b`.
    ///
    /// # Errors
    /// As [`Lu::solve`].
    pub fn solve_transpose(&self, b: &[f64]) -> Result<Vec<f64>> {
        check_rhs(self.n, b, 1)?;
        let mut x = b.to_vec();
        if self.n > 0 {
            self.lu.solve_transpose_in_place(faer::MatMut::from_column_major_slice_mut(&mut x, self.n, 1));
        }
        finite_or_singular(&x)?;
        Ok(x)
    }
}

/// A direct solver chosen for the matrix: Cholesky for symmetric positive definite input,
/// LU otherwise (`scipy.sparse.linalg.factorized`).
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_1d, direct::DirectSolver};
/// let solver = DirectSolver::factorize(&laplacian_1d(50)?)?;
/// assert_eq!(solver.method(), fastsci_sparse::solve::SolveMethod::Cholesky);
/// let x1 = solver.solve(&vec![1.0; 50])?;
/// let x2 = solver.solve(&vec![2.0; 50])?; // factorize once, solve many
/// assert!((x2[10] - 2.0 * x1[10]).abs() < 1e-9);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
pub enum DirectSolver {
    /// The matrix was symmetric positive definite.
    Cholesky(Cholesky),
    /// Any other square matrix.
    Lu(Box<Lu>),
}

/// True when `a` is symmetric (to a relative `1e-14`) with a positive diagonal: worth trying
/// Cholesky.
pub fn looks_spd(a: &CsrMatrix) -> bool {
    a.nrows() == a.ncols() && a.diagonal().iter().all(|&d| d > 0.0) && a.is_symmetric(1e-14)
}

impl DirectSolver {
    /// Factorizes `a` with Cholesky when it is symmetric with a positive diagonal and the
    /// factorization succeeds, with LU otherwise.
    ///
    /// # Errors
    /// As [`Lu::factorize`].
    pub fn factorize(a: &CsrMatrix) -> Result<DirectSolver> {
        if looks_spd(a) {
            match Cholesky::factorize_symmetric(a) {
                Ok(c) => return Ok(DirectSolver::Cholesky(c)),
                Err(SparseError::NotPositiveDefinite) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(DirectSolver::Lu(Box::new(Lu::factorize(a)?)))
    }

    /// [`SolveMethod::Cholesky`] or [`SolveMethod::Lu`].
    pub fn method(&self) -> SolveMethod {
        match self {
            DirectSolver::Cholesky(_) => SolveMethod::Cholesky,
            DirectSolver::Lu(_) => SolveMethod::Lu,
        }
    }

    /// Solves `A x = b`.
    ///
    /// # Errors
    /// As [`Lu::solve`].
    pub fn solve(&self, b: &[f64]) -> Result<Vec<f64>> {
        match self {
            DirectSolver::Cholesky(c) => c.solve(b),
            DirectSolver::Lu(l) => l.solve(b),
        }
    }

    /// Solves `A X = B` for `k` right-hand sides stored column after column.
    ///
    /// # Errors
    /// As [`Lu::solve_many`].
    pub fn solve_many(&self, b: &[f64], k: usize) -> Result<Vec<f64>> {
        match self {
            DirectSolver::Cholesky(c) => c.solve_many(b, k),
            DirectSolver::Lu(l) => l.solve_many(b, k),
        }
    }
}

/// Solves `A x = b` directly (`scipy.sparse.linalg.spsolve`), Cholesky for symmetric
/// positive definite `A`, LU otherwise.
///
/// # Errors
/// As [`DirectSolver::factorize`] and [`DirectSolver::solve`].
pub fn spsolve(a: &CsrMatrix, b: &[f64]) -> Result<Vec<f64>> {
    DirectSolver::factorize(a)?.solve(b)
}
