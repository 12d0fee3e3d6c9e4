//! Ctrl-C while Rust runs without the GIL.
//!
//! CPython's SIGINT handler only records the signal; the `KeyboardInterrupt` is raised when the
//! main thread next runs bytecode, which never happens while a kernel or a map runs in Rust. So
//! a handler of ours is chained in front of it: it bumps a counter that long-running work
//! watches (the map's cancel token, a kernel's cancel flag), then calls CPython's handler so
//! Python raises `KeyboardInterrupt` as usual once Rust returns.
//!
//! [`install`] is idempotent and cheap; it is called at import and whenever a kernel is made,
//! so a handler the user installed later with `signal.signal` is chained too.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);
/// The cancel flag kernels watch at loop back-edges: set by SIGINT, cleared when a call
/// starts while no other call runs (a Ctrl-C that arrived between calls has been handled by
/// Python already).
static CANCEL: AtomicBool = AtomicBool::new(false);
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Marks a kernel call as running, for as long as the guard lives; gives the cancel flag.
pub struct Running(());

impl Running {
    /// Starts a call.
    pub fn start() -> Running {
        if ACTIVE.fetch_add(1, Ordering::SeqCst) == 0 {
            CANCEL.store(false, Ordering::SeqCst);
        }
        Running(())
    }

    /// The flag to give `Function::call_raw`.
    pub fn flag(&self) -> &'static AtomicBool {
        &CANCEL
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}
/// The handler we chain to (a `sa_sigaction` or `sa_handler` address) and whether it takes
/// three arguments (`SA_SIGINFO`).
static PREVIOUS: AtomicUsize = AtomicUsize::new(0);
static PREVIOUS_SIGINFO: AtomicBool = AtomicBool::new(false);

/// How many SIGINTs arrived since the process started.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

extern "C" fn on_sigint(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    GENERATION.fetch_add(1, Ordering::SeqCst);
    CANCEL.store(true, Ordering::SeqCst);
    let prev = PREVIOUS.load(Ordering::SeqCst);
    if prev == libc::SIG_DFL || prev == libc::SIG_IGN || prev == 0 {
        return;
    }
    // SAFETY: `prev` is the handler that was installed before ours, with the calling
    // convention its flags say.
    unsafe {
        if PREVIOUS_SIGINFO.load(Ordering::SeqCst) {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(prev);
            f(sig, info, ctx);
        } else {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(prev);
            f(sig);
        }
    }
}

/// Chains our handler in front of the current SIGINT handler, unless it is ours already or
/// the signal is ignored or left at its default (then Ctrl-C ends the process anyway).
pub fn install() {
    // SAFETY: plain sigaction calls with structures we own.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGINT, std::ptr::null(), &mut current) != 0 {
            return;
        }
        let ours = on_sigint as *const () as usize;
        let handler = current.sa_sigaction;
        if handler == ours || handler == libc::SIG_DFL || handler == libc::SIG_IGN {
            return;
        }
        PREVIOUS_SIGINFO.store(current.sa_flags & libc::SA_SIGINFO != 0, Ordering::SeqCst);
        PREVIOUS.store(handler, Ordering::SeqCst);
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ours;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}
