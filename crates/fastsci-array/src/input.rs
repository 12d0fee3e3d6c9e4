//! Input files checked before they are trusted with memory.
//!
//! Every file fastsci reads goes through [`open`]: it must be a regular file (not a directory,
//! FIFO, socket or device such as `/dev/zero`, which would block or never end), checked with
//! `stat` before opening (opening a FIFO blocks until a writer comes) and again on the open
//! handle. Text inputs (kernel sources, CSV data) are read with [`read_text`], which refuses
//! files longer than a stated limit instead of growing without bound. `.npy` readers compare
//! the size their header declares with the file's actual length before allocating anything
//! (see [`crate::npy::check_data_len`]).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{ArrayError, FileKind, Result, io_err};

/// The largest text input [`read_text`] accepts by default: 64 MiB.
pub const MAX_TEXT_BYTES: u64 = 64 << 20;

/// Checks that `metadata` describes a regular file (inputs, and existing output targets).
pub(crate) fn check_regular(path: &Path, metadata: &std::fs::Metadata) -> Result<()> {
    if metadata.is_file() {
        Ok(())
    } else {
        Err(ArrayError::NotRegular {
            path: path.to_path_buf(),
            kind: FileKind::of(metadata.file_type()).unwrap_or(FileKind::Other),
        })
    }
}

/// Opens `path` for reading after checking that it is a regular file.
///
/// # Examples
/// ```
/// use fastsci_array::{input, ArrayError};
/// assert!(matches!(input::open("/dev/zero"), Err(ArrayError::NotRegular { .. })));
/// assert!(matches!(input::open("/"), Err(ArrayError::NotRegular { .. })));
/// ```
///
/// # Errors
/// [`ArrayError::Io`] when the file cannot be found or opened (including a symlink loop),
/// [`ArrayError::NotRegular`] for directories, FIFOs, sockets and devices.
pub fn open(path: impl AsRef<Path>) -> Result<File> {
    let path = path.as_ref();
    // stat before open: opening a FIFO would block until someone writes to it.
    check_regular(path, &std::fs::metadata(path).map_err(io_err(path))?)?;
    let file = File::open(path).map_err(io_err(path))?;
    // And again on the handle, in case the name was replaced in between.
    check_regular(path, &file.metadata().map_err(io_err(path))?)?;
    Ok(file)
}

/// Reads a UTF-8 text file of at most `max_bytes` bytes (e.g. [`MAX_TEXT_BYTES`]).
///
/// # Examples
/// ```
/// use fastsci_array::input;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("k.py");
/// std::fs::write(&path, "def f(x):\n    return x\n")?;
/// assert!(input::read_text(&path, input::MAX_TEXT_BYTES)?.starts_with("def f"));
/// assert!(input::read_text(&path, 4).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`open`]; [`ArrayError::Invalid`] when the file is longer than `max_bytes`;
/// [`ArrayError::Io`] with kind `InvalidData` when it is not UTF-8.
pub fn read_text(path: impl AsRef<Path>, max_bytes: u64) -> Result<String> {
    let path = path.as_ref();
    let file = open(path)?;
    let too_long = || {
        ArrayError::Invalid(format!(
            "{}: the file is longer than the {max_bytes} bytes accepted for a text input",
            path.display()
        ))
    };
    if file.metadata().map_err(io_err(path))?.len() > max_bytes {
        return Err(too_long());
    }
    let mut text = String::new();
    // `take` keeps the bound even if the file grows while it is read.
    let got = file.take(max_bytes + 1).read_to_string(&mut text).map_err(io_err(path))?;
    if got as u64 > max_bytes {
        return Err(too_long());
    }
    Ok(text)
}
