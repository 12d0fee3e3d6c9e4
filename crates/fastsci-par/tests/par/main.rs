//! Integration tests of fastsci-par: one binary, a module per area.

mod map;
mod sweep;

use fastsci_par::{Executor, Progress};

/// An executor with `threads` threads and no progress bar.
pub fn executor(threads: usize) -> Executor {
    Executor::with_threads(threads).expect("thread pool").progress(Progress::Never)
}
