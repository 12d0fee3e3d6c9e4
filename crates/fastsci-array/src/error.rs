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
        /// What it is instead.
        kind: FileKind,
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
    /// the front end's error, shown as `LINE:COL: message`, then the source line and a caret.
    #[error("{0}")]
    Parse(#[from] fastsci_expr::SourceError),
    /// An argument outside its domain (zero bins, an axis out of range, an empty range).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// A broken internal invariant: a bug in fastsci-array.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

/// What a path names when it is not a regular file (see [`ArrayError::NotRegular`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The kind of `file_type`, or `None` for a regular file.
    pub fn of(file_type: std::fs::FileType) -> Option<FileKind> {
        use std::os::unix::fs::FileTypeExt;
        Some(if file_type.is_file() {
            return None;
        } else if file_type.is_dir() {
            FileKind::Directory
        } else if file_type.is_fifo() {
            FileKind::Fifo
        } else if file_type.is_socket() {
            FileKind::Socket
        } else if file_type.is_char_device() {
            FileKind::CharDevice
        } else if file_type.is_block_device() {
            FileKind::BlockDevice
        } else {
            FileKind::Other
        })
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "something else",
        })
    }
}

/// The result type of fastsci-array.
pub type Result<T, E = ArrayError> = std::result::Result<T, E>;

/// Attaches a path to an I/O error.
pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ArrayError + '_ {
    move |source| ArrayError::Io { path: path.to_path_buf(), source }
}
