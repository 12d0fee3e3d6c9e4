//! Files that appear whole or not at all.
//!
//! Every file this project writes goes through a temporary name beside its target and is
//! renamed into place only when complete, so an interrupted or failed run never leaves a
//! half-written file where a good one was (or where a reader would take it for one). Only
//! regular files are replaced; temporaries of interrupted runs are removed by the signal
//! handler ([`remove_temporaries`]) or, after `kill -9`, by the next run for the same target.

use std::fs::File;
use std::path::Path;

use crate::error::{ArrayError, Result, io_err};

/// Creates `target` through `create`, which must write the complete file at the temporary path
/// it is given. On success the temporary file is renamed over `target`; on failure it is
/// removed and `target` is left as it was. A `target` that exists and is not a regular file
/// (a device such as `/dev/null`, a FIFO, a directory) is refused, never renamed over, and
/// `.NAME.PID.partial` files of dead processes beside `target` are removed first.
///
/// The temporary path lies beside `target` (`.NAME.PID.partial`), so the rename stays on one
/// file system and is atomic.
///
/// ```
/// use fastsci_array::{ArrayError, replace_atomically};
/// let dir = std::env::temp_dir().join(format!("replace-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let target = dir.join("out.txt");
/// replace_atomically(&target, |temporary| {
///     std::fs::write(temporary, "whole").map_err(|source| ArrayError::Io { path: temporary.into(), source })
/// })?;
/// let failed: Result<(), ArrayError> = replace_atomically(&target, |temporary| {
///     std::fs::write(temporary, "half").unwrap();
///     Err(ArrayError::Invalid("interrupted".into()))
/// });
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ArrayError>(())
/// ```
///
/// # Errors
/// What `create` returns; [`ArrayError::NotRegular`] for a target that is not a regular file;
/// [`ArrayError::Io`] (converted to `E`) when the rename fails.
pub fn replace_atomically<E: From<ArrayError>>(
    target: &Path,
    create: impl FnOnce(&Path) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    // A rename would replace a device, FIFO or directory entry with a regular file (as root,
    // `--out /dev/null` would replace /dev/null): refuse anything but a regular file or nothing.
    if let Ok(metadata) = std::fs::metadata(target) {
        crate::input::check_regular(target, &metadata)?;
    }
    fastsci_par::partial::replace_through_temporary(target, create, |source| {
        E::from(ArrayError::Io { path: target.to_path_buf(), source })
    })
}

/// Removes the temporary files of every [`replace_atomically`] still in progress (and of the
/// sweep's writers): a program calls it from its Ctrl-C/SIGTERM handler just before exiting.
///
/// ```
/// fastsci_array::atomic::remove_temporaries(); // nothing in progress: does nothing
/// ```
pub use fastsci_par::partial::remove_temporaries;

/// [`replace_atomically`] for a file written through one [`File`], which is `fsync`ed before
/// the rename.
pub(crate) fn write_atomically(target: &Path, write: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    replace_atomically(target, |temporary| {
        let mut file = File::create(temporary).map_err(io_err(temporary))?;
        write(&mut file)?;
        file.sync_all().map_err(io_err(target))
    })
}
