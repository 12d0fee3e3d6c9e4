//! # fastsci-par: parallel map and parameter sweeps
//!
//! Runs independent tasks on every core with microsecond overhead, in input order, with a
//! progress bar, per-task failures kept, cancellation, and sweeps that resume where they
//! stopped. It is the fastsci answer to `concurrent.futures.ProcessPoolExecutor`: threads
//! instead of processes, no pickling, and a failed task or a Ctrl-C loses nothing that finished.
//!
//! Use it for many independent tasks (a simulation per parameter set, a fit per file). Do not
//! use it for one large array operation: fastsci-array splits those across cores already.
//!
//! Task closures are `Fn + Sync`: several threads call them at once (the workspace's rule:
//! `FnMut` where a library calls a callback one call at a time, `Fn + Sync` where it may call
//! it from several threads).
//!
//! ## Core types
//!
//! - [`Executor`]: owns a thread pool; [`Executor::map`], [`try_map`](Executor::try_map),
//!   [`map_seeded`](Executor::map_seeded), [`map_tasks`](Executor::map_tasks) and
//!   [`map_iter`](Executor::map_iter) return a [`Mapped`]: one `Result<O, TaskError<E>>` per
//!   input, in input order. A panicking task becomes [`TaskError::Panicked`] and a task that
//!   never started because of a cancellation [`TaskError::Cancelled`]; every other result is
//!   kept, and [`Mapped::failures`] lists the failed tasks with their index and input.
//! - [`CancelToken`]: stops a run from code; [`Executor::ctrl_c`] stops it on Ctrl-C.
//! - [`Task`]: a task's index and its own random stream ([`task_rng`]), a function of the base
//!   seed and the index only, so results never depend on the number of threads.
//! - [`ParamSets`] and [`Sweep`]: a Cartesian grid (or explicit list) of parameter sets, run
//!   through a closure with results streamed to a CSV or `.npy` file and resumable.
//!
//! ## Algorithms
//!
//! Work is handed out by guided self-scheduling with adaptive chunks (see the
//! [`executor`] module): one atomic counter, chunk sizes that grow while chunks are quick and
//! never exceed `remaining / (2 · threads)`, results written in place. Per-task seeds are
//! SplitMix64 of `base + (index + 1) · 0x9E3779B97F4A7C15` feeding Xoshiro256++.
//! Sweeps append one CSV line per finished task, flushed as lines arrive and `fsync`ed in
//! batches; a resumed sweep reads the indices already there (a torn last line is cut off) and
//! runs only the rest. See the [`sweep`] module.
//!
//! # Examples
//!
//! ```
//! use fastsci_par::Executor;
//!
//! let exec = Executor::new()?;
//! let inputs: Vec<f64> = (0..100).map(|i| i as f64 * 0.1).collect();
//! let out = exec.map(&inputs, |v| v.sin().exp().sqrt());
//! assert_eq!(out.succeeded(), 100);
//! let values = out.into_values()?;
//! assert_eq!(values[10], 1f64.sin().exp().sqrt());
//! # Ok::<(), fastsci_par::ParError>(())
//! ```

#![deny(missing_docs)]

mod cancel;
mod error;
pub mod executor;
pub mod partial;
mod seed;
pub mod sweep;

pub use cancel::CancelToken;
pub use cancel::{install_interrupt_handler, on_interrupt_exit};
pub use error::ParError;
pub use executor::{Executor, Failure, MAX_THREADS, Mapped, PanicMessage, Progress, TaskError};
pub use seed::{Task, splitmix64, task_rng, task_seed};
pub use sweep::{Axis, MAX_TASKS, ParamSets, Sweep, SweepFailure, SweepResult, SweepStatus, linspace};
