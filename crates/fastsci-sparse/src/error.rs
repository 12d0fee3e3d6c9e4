//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong in fastsci-sparse.
///
/// Every variant describes bad input or a numerical failure the caller can act on; none
/// means an internal bug except [`SparseError::Factorization`] and [`SparseError::Faer`] when
/// faer reports something other than a singular or indefinite matrix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SparseError {
    /// Shapes of the operands do not fit together.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// An index lies outside the matrix.
    #[error("index out of bounds: {0}")]
    IndexOutOfBounds(String),
    /// A size or index does not fit in the index type (never silently wrapped).
    #[error("index overflow: {0}")]
    IndexOverflow(String),
    /// A parameter is invalid (negative density, zero restart, ...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A Matrix Market file is malformed; `line` is 1-based.
    #[error("Matrix Market line {line}: {message}")]
    MatrixMarket {
        /// 1-based line number of the offending line (0 when the file ends early and is empty).
        line: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The matrix is singular to working precision (LU found a zero pivot).
    #[error("matrix is singular")]
    Singular,
    /// Cholesky found a non-positive pivot: the matrix is not symmetric positive definite.
    #[error("matrix is not positive definite")]
    NotPositiveDefinite,
    /// A preconditioner could not be built (zero pivot in ILU(0), IC(0) breakdown, zero diagonal).
    #[error("preconditioner breakdown: {0}")]
    Preconditioner(String),
    /// The direct factorization failed for another reason (out of memory).
    #[error("factorization failed: {0}")]
    Factorization(String),
    /// faer's sparse factorization failed for a reason other than a singular or indefinite
    /// matrix (its index type overflowed, or it ran out of memory); the cause is faer's error.
    #[error("factorization failed in faer")]
    Faer(#[from] faer::sparse::FaerError),
}

impl SparseError {
    pub(crate) fn shape(args: fmt::Arguments<'_>) -> SparseError {
        SparseError::Shape(args.to_string())
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, SparseError>;
