//! Temporary `.NAME.PID.partial` files of outputs written whole or not at all.
//!
//! Every output of this project is written under a temporary name beside its target and
//! renamed into place when complete. This module owns those names: it registers the ones being
//! written so an interrupt can remove them ([`remove_temporaries`], which the Ctrl-C/SIGTERM
//! exit path calls), and removes the ones a killed process left behind
//! ([`remove_stale_partials`]). fastsci-array's `replace_atomically` and the sweep's `.npy`
//! writer both use it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary path beside `target` that this process writes it through:
/// `DIR/.NAME.PID.partial`, on the target's file system so the final rename is atomic.
///
/// ```
/// use std::path::Path;
/// let temporary = fastsci_par::partial::temporary_beside(Path::new("out/result.npy"));
/// assert_eq!(temporary, Path::new(&format!("out/.result.npy.{}.partial", std::process::id())));
/// ```
pub fn temporary_beside(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

/// Creates `target` through `create`, which must write the complete file at the temporary
/// path it is given ([`temporary_beside`]); on success the temporary is renamed over `target`,
/// on failure removed, and `target` is left as it was. Partials of dead processes beside
/// `target` are removed first, and this one is registered for [`remove_temporaries`] while it
/// is written. `rename_error` turns a failed rename into the caller's error type. The caller
/// decides which targets may be replaced (fastsci-array refuses anything but regular files).
///
/// ```
/// use fastsci_par::partial::replace_through_temporary;
/// let dir = std::env::temp_dir().join(format!("replace-par-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let target = dir.join("out.txt");
/// replace_through_temporary(&target, |temporary| std::fs::write(temporary, "whole"), |e| e)?;
/// let failed = replace_through_temporary(&target, |temporary| {
///     std::fs::write(temporary, "half")?;
///     Err(std::io::Error::other("interrupted"))
/// }, |e| e);
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read_to_string(&target)?, "whole");
/// assert_eq!(std::fs::read_dir(&dir)?.count(), 1);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
/// What `create` returns, or `rename_error` of the failed rename.
pub fn replace_through_temporary<E>(
    target: &Path,
    create: impl FnOnce(&Path) -> Result<(), E>,
    rename_error: impl FnOnce(std::io::Error) -> E,
) -> Result<(), E> {
    remove_stale_partials(target);
    let temporary = temporary_beside(target);
    let _registered = InProgress::new(temporary.clone());
    let result = create(&temporary).and_then(|()| std::fs::rename(&temporary, target).map_err(rename_error));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Temporary files being written right now, for [`remove_temporaries`].
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Keeps a temporary path registered for [`remove_temporaries`] while it lives.
///
/// ```
/// use std::path::Path;
/// let temporary = fastsci_par::partial::temporary_beside(Path::new("doc-partial-out.csv"));
/// let guard = fastsci_par::partial::InProgress::new(temporary);
/// drop(guard); // written and renamed (or removed): nothing left to clean up
/// ```
pub struct InProgress(PathBuf);

impl InProgress {
    /// Registers `temporary` until the guard is dropped.
    pub fn new(temporary: PathBuf) -> InProgress {
        IN_PROGRESS.lock().unwrap_or_else(|p| p.into_inner()).push(temporary.clone());
        InProgress(temporary)
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        let mut list = IN_PROGRESS.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = list.iter().position(|p| *p == self.0) {
            list.swap_remove(at);
        }
    }
}

/// Removes the temporary files of every write still in progress. The interrupt handler calls
/// it just before exiting, so an interrupted run leaves neither a half-written file in place of
/// the old one nor a `.partial` beside it.
///
/// ```
/// fastsci_par::partial::remove_temporaries(); // nothing in progress: does nothing
/// ```
pub fn remove_temporaries() {
    let list = IN_PROGRESS.lock().unwrap_or_else(|p| p.into_inner());
    for path in list.iter() {
        let _ = std::fs::remove_file(path);
    }
}

/// Removes `.NAME.PID.partial` files beside `target` left by processes that no longer run
/// (killed with `kill -9`, or by a power cut). A partial of a live process is left alone: it may
/// be another run writing the same target right now.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("stale-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// // pid 0 is never a user process: its partial is stale.
/// std::fs::write(dir.join(".out.npy.0.partial"), "half").unwrap();
/// fastsci_par::partial::remove_stale_partials(&dir.join("out.npy"));
/// assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn remove_stale_partials(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".partial"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_exists(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs on this machine (Linux: it has a `/proc` entry; pid 0
/// is the scheduler, never a process that writes files).
fn process_exists(pid: u32) -> bool {
    pid != 0 && Path::new("/proc").join(pid.to_string()).exists()
}
