//! The one error type of fastsci-array.

use std::path::PathBuf;

/// Everything that can go wrong in fastsci-array.
///
/// Every variant is caused by the input (a malformed file, mismatched shapes, an unknown name)
/// or by the environment (I/O), except [`ArrayError::Internal`], which can only mean a bug.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArrayError {
    /// An operating-system error while reading, writing or mapping a file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file the error is about.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An input or output path that is not a regular file: a directory, FIFO, socket or device.
    /// fastsci reads and replaces only regular files.
    #[error("{}: is {kind}, not a regular file", path.display())]
    NotRegular {
        /// The path given.
        path: PathBuf,
        /// What it is instead ("a directory", "a FIFO", ...).
        kind: &'static str,
    },
    /// An I/O error on a stream with no file name.
    #[error("{0}")]
    Stream(#[from] std::io::Error),
    /// The `.npy` header is malformed, truncated or describes something unsupported.
    #[error("invalid .npy header: {0}")]
    Header(String),
    /// The `.npy` data section is shorter than its header promises.
    #[error("truncated .npy data: the header promises {expected} bytes of data but the file holds {found}")]
    Truncated {
        /// Bytes the header's shape and dtype need.
        expected: u64,
        /// Bytes present after the header.
        found: u64,
    },
    /// The array's element type is not the one asked for, or not supported by the operation.
    #[error("dtype mismatch: {0}")]
    DType(String),
    /// Shapes that cannot be broadcast together or do not fit the operation.
    #[error("shape error: {0}")]
    Shape(String),
    /// An expression that cannot be compiled: an unknown name or function, a wrong arity.
    #[error("expression error: {0}")]
    Expr(String),
    /// Expression text that does not parse, or uses what array expressions do not support:
    /// `LINE:COL: message`, then the source line and a caret.
    #[error("{0}")]
    Parse(String),
    /// An argument outside its domain (zero bins, an axis out of range, an empty range).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// A broken internal invariant: a bug in fastsci-array.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

/// The result type of fastsci-array.
pub type Result<T, E = ArrayError> = std::result::Result<T, E>;

/// Attaches a path to an I/O error.
pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ArrayError + '_ {
    move |source| ArrayError::Io { path: path.to_path_buf(), source }
}
