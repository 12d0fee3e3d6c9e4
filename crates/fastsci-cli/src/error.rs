//! The one error type every subcommand returns, and how it maps to exit codes.
//!
//! Exit codes are the contract of DESIGN.md: 0 done and converged, 3 done but the method did
//! not meet its tolerance, 2 bad input, 1 internal failure.

use std::fmt;
use std::process::ExitCode;

/// What a subcommand reports when it finishes without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The work is done and the method met its tolerance: exit 0.
    Done,
    /// The work is done and the result printed, but the method missed its tolerance: exit 3.
    NotConverged,
}

impl Outcome {
    /// `Done` when `converged`, `NotConverged` otherwise.
    pub fn from_converged(converged: bool) -> Outcome {
        if converged { Outcome::Done } else { Outcome::NotConverged }
    }

    /// The process exit code of this outcome.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::NotConverged => ExitCode::from(3),
        }
    }
}

/// Whose fault a failure is, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Usage, parse or type errors, unreadable or malformed files, mismatched shapes: exit 2.
    BadInput,
    /// Anything else: a bug or an environment failure such as a full disk: exit 1.
    Internal,
}

/// A failure with a one-line message for stderr.
#[derive(Debug)]
pub struct CliError {
    /// Whose fault it is.
    pub kind: ErrorKind,
    /// One line (kernel errors may carry the source line and a caret on following lines).
    pub message: String,
}

impl CliError {
    /// A bad-input error (exit 2).
    pub fn bad_input(message: impl Into<String>) -> CliError {
        CliError { kind: ErrorKind::BadInput, message: message.into() }
    }

    /// An internal error (exit 1).
    pub fn internal(message: impl Into<String>) -> CliError {
        CliError { kind: ErrorKind::Internal, message: message.into() }
    }

    /// The same error with `what` in front of its message (`what: message`).
    pub fn context(mut self, what: impl fmt::Display) -> CliError {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// The process exit code of this error.
    pub fn exit_code(&self) -> ExitCode {
        match self.kind {
            ErrorKind::BadInput => ExitCode::from(2),
            ErrorKind::Internal => ExitCode::from(1),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// Whether an I/O error means the path the user gave is wrong (bad input, exit 2) rather than
/// the machine failing (a full disk, an I/O error: exit 1).
pub fn is_bad_path(err: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    /// ELOOP and ENAMETOOLONG on Linux: a symlink loop, a name too long.
    const ELOOP: i32 = 40;
    const ENAMETOOLONG: i32 = 36;
    matches!(
        err.kind(),
        K::NotFound
            | K::PermissionDenied
            | K::InvalidData
            | K::InvalidInput
            | K::UnexpectedEof
            | K::IsADirectory
            | K::NotADirectory
            | K::InvalidFilename
            | K::ReadOnlyFilesystem
    ) || matches!(err.raw_os_error(), Some(ELOOP | ENAMETOOLONG))
}

/// Errors from reading or writing files the user named are bad input unless the disk failed.
impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> CliError {
        if is_bad_path(&err) {
            CliError::bad_input(err.to_string())
        } else {
            CliError::internal(err.to_string())
        }
    }
}

/// Library errors about arrays and files are bad input (files, shapes), unless the disk failed
/// or the library reports a bug.
impl From<fastsci_array::ArrayError> for CliError {
    fn from(e: fastsci_array::ArrayError) -> CliError {
        use fastsci_array::ArrayError;
        match e {
            ArrayError::Internal(_) => CliError::internal(e.to_string()),
            ArrayError::Io { ref source, .. } | ArrayError::Stream(ref source) if !is_bad_path(source) => {
                CliError::internal(e.to_string())
            }
            other => CliError::bad_input(other.to_string()),
        }
    }
}

/// Kernel and formula errors are the user's (syntax, names, types, a kernel that raised) unless
/// the compiler reports a bug.
impl From<fastsci_jit::JitError> for CliError {
    fn from(e: fastsci_jit::JitError) -> CliError {
        match e.kind() {
            fastsci_jit::ErrorKind::Internal => CliError::internal(e.to_string()),
            _ => CliError::bad_input(e.to_string()),
        }
    }
}

/// Every optimize error is an argument the solver cannot use: bad input.
impl From<fastsci_optimize::OptimizeError> for CliError {
    fn from(e: fastsci_optimize::OptimizeError) -> CliError {
        CliError::bad_input(e.to_string())
    }
}

/// Every integrate error is an argument the rule cannot use: bad input.
impl From<fastsci_integrate::IntegrateError> for CliError {
    fn from(e: fastsci_integrate::IntegrateError) -> CliError {
        CliError::bad_input(e.to_string())
    }
}

/// Sparse errors are bad input (shapes, indices, files, singular matrices) unless faer or the
/// disk failed.
impl From<fastsci_sparse::SparseError> for CliError {
    fn from(e: fastsci_sparse::SparseError) -> CliError {
        use fastsci_sparse::SparseError;
        match e {
            SparseError::Io(io) => CliError::from(io),
            SparseError::Factorization(_) | SparseError::Faer(_) => CliError::internal(with_cause(&e)),
            other => CliError::bad_input(other.to_string()),
        }
    }
}

/// Sweep and map errors are bad input (parameters, a failed task, an unusable output file)
/// unless the thread pool could not start or the disk failed.
impl From<fastsci_par::ParError> for CliError {
    fn from(e: fastsci_par::ParError) -> CliError {
        use fastsci_par::ParError;
        match e {
            ParError::Io { ref source, .. } if !is_bad_path(source) => CliError::internal(e.to_string()),
            ParError::ThreadPool { .. } => CliError::internal(e.to_string()),
            other => CliError::bad_input(other.to_string()),
        }
    }
}

/// The pipeline's errors by their cause: the dataset (its file by fastsci-array's rule, data
/// the sweep or fit cannot use) is bad input; the heater kernel, the model and the thread pool
/// are fastsci's own, so their failures are internal.
impl From<fastsci_pipeline::PipelineError> for CliError {
    fn from(e: fastsci_pipeline::PipelineError) -> CliError {
        use fastsci_pipeline::PipelineError;
        match e {
            PipelineError::Array(inner) => inner.into(),
            PipelineError::Io { ref source, .. } if !is_bad_path(source) => CliError::internal(e.to_string()),
            PipelineError::Data(_)
            | PipelineError::Io { .. }
            | PipelineError::Solver(_)
            | PipelineError::LeastSquares(_) => CliError::bad_input(e.to_string()),
            other => CliError::internal(other.to_string()),
        }
    }
}

/// `error: cause: cause ...`, the chain of `source()`s on one line.
fn with_cause(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(&format!(": {cause}"));
        next = cause.source();
    }
    text
}

/// The result type of every subcommand.
pub type CliResult = Result<Outcome, CliError>;
