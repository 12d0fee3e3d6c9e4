//! Cancellation: a token a program can trip, and Ctrl-C.
//!
//! Ctrl-C and SIGTERM are watched through one process-wide handler (the `ctrlc` crate)
//! installed the first time a run asks for it (or at once, [`install_interrupt_handler`]). The handler only counts interrupts; each run remembers the count
//! when it started and stops taking new tasks once it changes. A second Ctrl-C during the
//! same run, or any Ctrl-C while no run is watching, ends the process with exit code 130 as
//! the default handler would.

use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// A flag shared between the code that starts a run and the code that wants to stop it.
///
/// Cloning gives another handle to the same flag. Once cancelled, a run takes no new task;
/// tasks already running finish, and their results are kept.
///
/// # Examples
///
/// ```
/// use fastsci_par::{CancelToken, Executor, TaskError};
///
/// let token = CancelToken::new();
/// let exec = Executor::with_threads(1)?.cancel_token(token.clone());
/// let inputs: Vec<u32> = (0..100).collect();
/// let out = exec.map(&inputs, |&x| {
///     if x == 9 {
///         token.cancel();
///     }
///     x * 2
/// });
/// assert!(out.was_cancelled());
/// assert_eq!(out.results()[9], Ok(18)); // the task that cancelled finished
/// assert_eq!(out.results()[99], Err(TaskError::Cancelled));
/// # Ok::<(), fastsci_par::ParError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks every run watching this token to stop taking new tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::{CancelToken, Executor, Progress};
    /// let token = CancelToken::new();
    /// token.cancel(); // before the run: no task starts
    /// let exec = Executor::with_threads(2)?.progress(Progress::Never).cancel_token(token.clone());
    /// let out = exec.map(&[1, 2, 3], |&x: &i32| x * 2);
    /// assert!(token.is_cancelled() && out.was_cancelled() && out.not_run() == 3);
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](CancelToken::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Clears the flag so the token can serve another run.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// How many Ctrl-C interrupts the process has received since the handler was installed.
static INTERRUPTS: AtomicU64 = AtomicU64::new(0);
/// How many runs are watching Ctrl-C right now.
static WATCHERS: AtomicUsize = AtomicUsize::new(0);
/// The interrupt count when the most recent watcher started, to spot a second Ctrl-C.
static LAST_START: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

fn install_handler() {
    INSTALL.call_once(|| {
        let ok = ctrlc::try_set_handler(|| {
            let before = INTERRUPTS.fetch_add(1, Ordering::SeqCst);
            let watching = WATCHERS.load(Ordering::SeqCst) > 0;
            let second = before > LAST_START.load(Ordering::SeqCst);
            if !watching || second {
                // Nobody to hand the interrupt to, or the user insists: behave like SIGINT,
                // after the program's own clean-up (temporary files).
                crate::partial::remove_temporaries();
                if let Some(hook) = EXIT_HOOK.get() {
                    hook();
                }
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: finishing running tasks (Ctrl-C again to quit at once)");
        })
        .is_ok();
        INSTALLED.store(ok, Ordering::SeqCst);
    });
}

/// What to do just before an interrupt ends the process.
static EXIT_HOOK: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Installs the process's Ctrl-C and SIGTERM handler now rather than at the first run that
/// watches for it, so that an interrupt at any time runs the [`on_interrupt_exit`] hook before
/// exiting with code 130. Returns `false` when another handler already owns the signals.
///
/// ```
/// fastsci_par::on_interrupt_exit(|| eprintln!("cleaning up"));
/// assert!(fastsci_par::install_interrupt_handler());
/// ```
pub fn install_interrupt_handler() -> bool {
    install_handler();
    INSTALLED.load(Ordering::SeqCst)
}

/// Sets the function an interrupt (Ctrl-C, SIGTERM) runs just before ending the process when no
/// run is there to stop gracefully: a program removes its temporary files there. The first
/// hook set stays.
pub fn on_interrupt_exit(hook: fn()) {
    let _ = EXIT_HOOK.set(hook);
}

/// A run's view of Ctrl-C: registered while alive.
pub(crate) struct CtrlCWatch {
    start: u64,
}

impl CtrlCWatch {
    /// Starts watching, installing the process handler on first use. `None` when another
    /// handler owns Ctrl-C (then the default behaviour of that handler applies).
    pub(crate) fn start() -> Option<CtrlCWatch> {
        install_handler();
        if !INSTALLED.load(Ordering::SeqCst) {
            return None;
        }
        WATCHERS.fetch_add(1, Ordering::SeqCst);
        let start = INTERRUPTS.load(Ordering::SeqCst);
        LAST_START.store(start, Ordering::SeqCst);
        Some(CtrlCWatch { start })
    }

    /// Whether Ctrl-C was pressed since this watch started.
    #[inline]
    pub(crate) fn interrupted(&self) -> bool {
        INTERRUPTS.load(Ordering::Relaxed) != self.start
    }
}

impl Drop for CtrlCWatch {
    fn drop(&mut self) {
        WATCHERS.fetch_sub(1, Ordering::SeqCst);
    }
}
