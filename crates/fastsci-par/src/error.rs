//! The one error type of fastsci-par.

use std::path::PathBuf;

/// What can go wrong when setting up a parallel map or running a sweep.
///
/// A task that fails or panics is *not* an error of this type: it is kept per item in
/// [`Mapped`](crate::Mapped) or [`SweepResult`](crate::SweepResult) beside every result that
/// finished. These variants are about the run as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParError {
    /// The thread pool could not be started (the operating system refused the threads).
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool {
        /// How many threads were asked for.
        threads: usize,
        /// The operating system's answer.
        reason: String,
    },
    /// A parameter grid or list that cannot be swept (empty axis, mismatched row, bad name).
    #[error("{0}")]
    BadParams(String),
    /// A task failed, reported by [`Mapped::into_values`](crate::Mapped::into_values).
    #[error("task {index} failed: {message}")]
    TaskFailed {
        /// The index of the first failed task.
        index: usize,
        /// What went wrong, with the panic message or the task's error.
        message: String,
    },
    /// The run was cancelled before every task finished, reported by
    /// [`Mapped::into_values`](crate::Mapped::into_values).
    #[error("cancelled after {done} of {total} tasks")]
    Cancelled {
        /// Tasks that finished before the cancellation.
        done: usize,
        /// Tasks in the run.
        total: usize,
    },
    /// The sweep's output file cannot be used: wrong extension, already present without
    /// resume, or written by a different sweep.
    #[error("{}: {message}", path.display())]
    Output {
        /// The file.
        path: PathBuf,
        /// What is wrong with it and how to fix it.
        message: String,
    },
    /// Reading or writing a sweep's output failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl ParError {
    /// An [`Io`](ParError::Io) error about `path`.
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> ParError {
        ParError::Io { path: path.to_path_buf(), source }
    }

    /// An [`Output`](ParError::Output) error about `path`.
    pub(crate) fn output(path: &std::path::Path, message: impl Into<String>) -> ParError {
        ParError::Output { path: path.to_path_buf(), message: message.into() }
    }
}
