//! The parallel map: an [`Executor`] owns a thread pool and runs tasks on it, returning a
//! [`Mapped`] with one `Result` per input, in input order.
//!
//! # Work distribution
//!
//! Every worker thread claims contiguous chunks of indices from one shared atomic counter
//! (self-scheduling). A worker starts with chunks of one task and doubles its chunk while a
//! chunk takes less than [`CHUNK_TARGET`], halving it when a chunk takes far longer; a chunk
//! is never more than `remaining / (2 · threads)` tasks, so the last tasks spread over every
//! thread (guided self-scheduling, Polychronopoulos & Kuck, 1987). A million tasks of a few
//! nanoseconds thus cost a few hundred atomic operations in all, while tasks of ten
//! milliseconds are handed out one at a time. Results are written straight into their slot of
//! the output vector: no allocation, lock or channel per task.

use std::any::Any;
use std::convert::Infallible;
use std::fmt;
use std::io::IsTerminal;
use std::mem::MaybeUninit;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::cancel::{CancelToken, CtrlCWatch};
use crate::error::ParError;
use crate::seed::Task;

/// How long a worker aims for one chunk of tasks to take before it claims the next.
pub const CHUNK_TARGET: Duration = Duration::from_micros(200);

/// When to draw a progress bar on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Progress {
    /// Draw it when stderr is a terminal (the default).
    #[default]
    Auto,
    /// Never draw it.
    Never,
    /// Draw it even when stderr is not a terminal.
    Always,
}

/// Why a task has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError<E> {
    /// The task returned this error.
    Failed(E),
    /// The task panicked with this message.
    Panicked(PanicMessage),
    /// The run was cancelled before the task started.
    Cancelled,
}

/// The message of a task that panicked.
///
/// Boxed so that it takes one pointer: a `Result<f64, TaskError<Infallible>>` is 16 bytes, which
/// keeps a million tiny results cheap to write.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::box_collection, reason = "one thin pointer keeps `Result<f64, TaskError>` at 16 bytes")]
pub struct PanicMessage(Box<String>);

impl PanicMessage {
    /// The message.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for PanicMessage {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PanicMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: fmt::Display> fmt::Display for TaskError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Failed(e) => write!(f, "{e}"),
            TaskError::Panicked(message) => write!(f, "panicked: {message}"),
            TaskError::Cancelled => f.write_str("cancelled before it started"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for TaskError<E> {}

/// One failed or panicked task: its index, its input and what went wrong.
#[derive(Debug)]
pub struct Failure<'m, I, E> {
    /// The task's index in the input.
    pub index: usize,
    /// The task's input.
    pub input: &'m I,
    /// What went wrong (never [`TaskError::Cancelled`]).
    pub error: &'m TaskError<E>,
}

impl<I: fmt::Debug, E: fmt::Display> fmt::Display for Failure<'_, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} (input {:?}): {}", self.index, self.input, self.error)
    }
}

/// The inputs of a run, borrowed from the caller or collected from an iterator.
#[derive(Debug)]
enum Inputs<'a, I> {
    Borrowed(&'a [I]),
    Owned(Vec<I>),
}

impl<I> Inputs<'_, I> {
    fn as_slice(&self) -> &[I] {
        match self {
            Inputs::Borrowed(items) => items,
            Inputs::Owned(items) => items,
        }
    }
}

/// What a parallel map produced: one `Result` per input, in input order, whether the run was
/// cancelled, and how long it took.
///
/// # Examples
///
/// ```
/// use fastsci_par::{Executor, Progress};
/// let exec = Executor::with_threads(2)?.progress(Progress::Never);
/// let out = exec.try_map(&[1.0, -1.0, 4.0], |&x: &f64| if x < 0.0 { Err("negative") } else { Ok(x.sqrt()) });
/// assert_eq!((out.succeeded(), out.was_cancelled()), (2, false));
/// let failed: Vec<usize> = out.failures().map(|f| f.index).collect();
/// assert_eq!(failed, vec![1]);
/// # Ok::<(), fastsci_par::ParError>(())
/// ```
#[derive(Debug)]
pub struct Mapped<'a, I, O, E = Infallible> {
    inputs: Inputs<'a, I>,
    results: Vec<Result<O, TaskError<E>>>,
    cancelled: bool,
    elapsed: Duration,
}

impl<'a, I, O, E> Mapped<'a, I, O, E> {
    /// The number of tasks.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether there were no tasks.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// The inputs, in order.
    pub fn inputs(&self) -> &[I] {
        self.inputs.as_slice()
    }

    /// One result per input, in input order.
    pub fn results(&self) -> &[Result<O, TaskError<E>>] {
        &self.results
    }

    /// The results, giving up the inputs.
    pub fn into_results(self) -> Vec<Result<O, TaskError<E>>> {
        self.results
    }

    /// Whether the run was cancelled (by a [`CancelToken`] or Ctrl-C) before every task ran.
    pub fn was_cancelled(&self) -> bool {
        self.cancelled
    }

    /// Wall time of the run.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How many tasks returned a value.
    pub fn succeeded(&self) -> usize {
        self.results.iter().filter(|r| r.is_ok()).count()
    }

    /// How many tasks never started because the run was cancelled.
    pub fn not_run(&self) -> usize {
        self.results.iter().filter(|r| matches!(r, Err(TaskError::Cancelled))).count()
    }

    /// The tasks that failed or panicked, in input order, with their inputs.
    pub fn failures(&self) -> impl Iterator<Item = Failure<'_, I, E>> + '_ {
        self.results.iter().zip(self.inputs.as_slice()).enumerate().filter_map(
            |(index, (r, input))| match r {
                Err(error @ (TaskError::Failed(_) | TaskError::Panicked(_))) => {
                    Some(Failure { index, input, error })
                }
                _ => None,
            },
        )
    }

    /// Every value, in input order, if every task succeeded.
    ///
    /// # Errors
    ///
    /// [`ParError::TaskFailed`] naming the first task that failed or panicked, else
    /// [`ParError::Cancelled`] when the run was cancelled.
    pub fn into_values(self) -> Result<Vec<O>, ParError>
    where
        E: fmt::Display,
    {
        if let Some((index, error)) = self.results.iter().enumerate().find_map(|(i, r)| match r {
            Err(e @ (TaskError::Failed(_) | TaskError::Panicked(_))) => Some((i, e)),
            _ => None,
        }) {
            return Err(ParError::TaskFailed { index, message: error.to_string() });
        }
        if self.cancelled || self.results.iter().any(|r| r.is_err()) {
            let total = self.results.len();
            return Err(ParError::Cancelled { done: total - self.not_run(), total });
        }
        Ok(self.results.into_iter().filter_map(Result::ok).collect())
    }
}

/// Runs independent tasks on its own pool of threads.
///
/// Configure it with the builder methods, then call [`map`](Executor::map) or one of its
/// variants as many times as needed; the threads live as long as the executor (clones share
/// them).
///
/// # Examples
///
/// ```
/// use fastsci_par::Executor;
///
/// let exec = Executor::with_threads(4)?;
/// let inputs: Vec<f64> = (0..1000).map(f64::from).collect();
/// let squares = exec.map(&inputs, |x| x * x).into_values()?;
/// assert_eq!(squares[31], 961.0);
/// # Ok::<(), fastsci_par::ParError>(())
/// ```
#[derive(Clone)]
pub struct Executor {
    pool: Arc<ThreadPool>,
    progress: Progress,
    label: String,
    cancel: Option<CancelToken>,
    ctrl_c: bool,
    seed: u64,
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("threads", &self.threads())
            .field("progress", &self.progress)
            .field("label", &self.label)
            .field("cancel", &self.cancel)
            .field("ctrl_c", &self.ctrl_c)
            .field("seed", &self.seed)
            .finish()
    }
}

/// The most worker threads an [`Executor`] starts: more only costs memory and start-up time
/// (each thread has its own stack), and a typo such as `--jobs 100000` is refused at once.
pub const MAX_THREADS: usize = 1024;

impl Executor {
    /// An executor with one thread per core (or `RAYON_NUM_THREADS` when set).
    ///
    /// # Errors
    ///
    /// [`ParError::ThreadPool`] when the operating system refuses the threads.
    pub fn new() -> Result<Executor, ParError> {
        Executor::with_threads(0)
    }

    /// An executor with `threads` worker threads; 0 means one per core.
    ///
    /// # Examples
    ///
    /// ```
    /// let exec = fastsci_par::Executor::with_threads(3)?;
    /// assert_eq!(exec.threads(), 3);
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ParError::BadParams`] for more than [`MAX_THREADS`] threads (checked before any thread
    /// starts); [`ParError::ThreadPool`] when the operating system refuses the threads.
    pub fn with_threads(threads: usize) -> Result<Executor, ParError> {
        if threads > MAX_THREADS {
            return Err(ParError::BadParams(format!(
                "{threads} threads asked for; the limit is {MAX_THREADS} (this machine has {} cores)",
                std::thread::available_parallelism().map_or(1, |n| n.get())
            )));
        }
        let pool = ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("fastsci-par-{i}"))
            .build()
            .map_err(|e| ParError::ThreadPool { threads, reason: e.to_string() })?;
        Ok(Executor {
            pool: Arc::new(pool),
            progress: Progress::Auto,
            label: String::new(),
            cancel: None,
            ctrl_c: false,
            seed: 0,
        })
    }

    /// The base seed of the per-task random streams.
    pub fn base_seed(&self) -> u64 {
        self.seed
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// When to draw the progress bar (default [`Progress::Auto`]).
    pub fn progress(mut self, progress: Progress) -> Executor {
        self.progress = progress;
        self
    }

    /// A label shown before the progress bar.
    pub fn label(mut self, label: impl Into<String>) -> Executor {
        self.label = label.into();
        self
    }

    /// Stops taking new tasks once `token` is cancelled.
    pub fn cancel_token(mut self, token: CancelToken) -> Executor {
        self.cancel = Some(token);
        self
    }

    /// Stops taking new tasks on Ctrl-C (default off). The first run that asks installs a
    /// process-wide handler; a second Ctrl-C, or one while no run is going, exits with 130.
    pub fn ctrl_c(mut self, watch: bool) -> Executor {
        self.ctrl_c = watch;
        self
    }

    /// The base seed of the per-task random streams (default 0); see [`Task::rng`].
    pub fn seed(mut self, seed: u64) -> Executor {
        self.seed = seed;
        self
    }

    /// Applies `f` to every input in parallel; a panicking task is kept as
    /// [`TaskError::Panicked`] and every other result is kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::{Executor, TaskError};
    ///
    /// let exec = Executor::with_threads(2)?;
    /// let out = exec.map(&[1, 0, 4], |&x| 12 / x); // 12 / 0 panics
    /// assert_eq!(out.results()[0], Ok(12));
    /// assert!(matches!(out.results()[1], Err(TaskError::Panicked(_))));
    /// assert_eq!(out.results()[2], Ok(3));
    /// assert_eq!(out.failures().next().map(|f| (f.index, *f.input)), Some((1, 0)));
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    pub fn map<'a, I, O, F>(&self, inputs: &'a [I], f: F) -> Mapped<'a, I, O>
    where
        I: Sync,
        O: Send,
        F: Fn(&I) -> O + Sync,
    {
        self.run(Inputs::Borrowed(inputs), |_, x| Ok(f(x)))
    }

    /// Applies a fallible `f` to every input in parallel; errors and panics are kept per item.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::{Executor, TaskError};
    ///
    /// let exec = Executor::with_threads(2)?;
    /// let out = exec.try_map(&["1", "x", "3"], |s| s.parse::<i32>());
    /// assert_eq!(out.succeeded(), 2);
    /// let failure = out.failures().next().unwrap();
    /// assert_eq!((failure.index, *failure.input), (1, "x"));
    /// assert!(matches!(failure.error, TaskError::Failed(_)));
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    pub fn try_map<'a, I, O, E, F>(&self, inputs: &'a [I], f: F) -> Mapped<'a, I, O, E>
    where
        I: Sync,
        O: Send,
        E: Send,
        F: Fn(&I) -> Result<O, E> + Sync,
    {
        self.run(Inputs::Borrowed(inputs), |_, x| f(x))
    }

    /// Applies `f` to every input with the task's own random generator, derived from the
    /// executor's [`seed`](Executor::seed) and the task's index only: the results are the same
    /// for any number of threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::Executor;
    /// use rand::RngExt;
    ///
    /// let inputs = vec![(); 64];
    /// let draw = |threads| {
    ///     let exec = Executor::with_threads(threads).unwrap().seed(7);
    ///     exec.map_seeded(&inputs, |_, rng| rng.random::<f64>()).into_values().unwrap()
    /// };
    /// assert_eq!(draw(1), draw(3));
    /// ```
    pub fn map_seeded<'a, I, O, F>(&self, inputs: &'a [I], f: F) -> Mapped<'a, I, O>
    where
        I: Sync,
        O: Send,
        F: Fn(&I, &mut Xoshiro256PlusPlus) -> O + Sync,
    {
        self.run(Inputs::Borrowed(inputs), |task, x| Ok(f(x, &mut task.rng())))
    }

    /// The general form: `f` gets the [`Task`] (index and random stream) and the input and
    /// returns a `Result`.
    pub fn map_tasks<'a, I, O, E, F>(&self, inputs: &'a [I], f: F) -> Mapped<'a, I, O, E>
    where
        I: Sync,
        O: Send,
        E: Send,
        F: Fn(Task, &I) -> Result<O, E> + Sync,
    {
        self.run(Inputs::Borrowed(inputs), f)
    }

    /// Collects `inputs` and applies `f` to each in parallel; the [`Mapped`] owns the inputs.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::Executor;
    ///
    /// let exec = Executor::with_threads(2)?;
    /// let out = exec.map_iter((1..=4).map(|k| k * 10), |&x| x + 1);
    /// assert_eq!(out.inputs(), &[10, 20, 30, 40]);
    /// assert_eq!(out.into_values()?, vec![11, 21, 31, 41]);
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    pub fn map_iter<'a, I, O, F>(&self, inputs: impl IntoIterator<Item = I>, f: F) -> Mapped<'a, I, O>
    where
        I: Sync + 'a,
        O: Send,
        F: Fn(&I) -> O + Sync,
    {
        self.run(Inputs::Owned(inputs.into_iter().collect()), |_, x| Ok(f(x)))
    }

    fn progress_bar(&self, tasks: usize) -> ProgressBar {
        let draw = match self.progress {
            Progress::Never => false,
            Progress::Always => true,
            Progress::Auto => std::io::stderr().is_terminal(),
        };
        if !draw || tasks == 0 {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(tasks as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} ({per_sec}, eta {eta})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(self.label.clone());
        bar
    }

    fn run<'a, I, O, E, F>(&self, inputs: Inputs<'a, I>, f: F) -> Mapped<'a, I, O, E>
    where
        I: Sync,
        O: Send,
        E: Send,
        F: Fn(Task, &I) -> Result<O, E> + Sync,
    {
        let start = Instant::now();
        let items = inputs.as_slice();
        let n = items.len();
        let watch = if self.ctrl_c { CtrlCWatch::start() } else { None };
        let token = self.cancel.as_ref();
        let stop = || {
            token.is_some_and(CancelToken::is_cancelled)
                || watch.as_ref().is_some_and(CtrlCWatch::interrupted)
        };
        let bar = self.progress_bar(n);
        let mut results: Vec<Result<O, TaskError<E>>> = Vec::with_capacity(n);
        let slots = Slots(results.spare_capacity_mut().as_mut_ptr());
        let next = AtomicUsize::new(0);
        let threads = self.threads().max(1);
        let seed = self.seed;

        self.pool.broadcast(|_| {
            let mut size = 1usize;
            let mut stopped = false;
            loop {
                let claimed = next.load(Ordering::Relaxed);
                if claimed >= n {
                    break;
                }
                let want = size.min(((n - claimed) / (2 * threads)).max(1));
                let begin = next.fetch_add(want, Ordering::Relaxed);
                if begin >= n {
                    break;
                }
                let end = n.min(begin + want);
                let chunk_start = Instant::now();
                let mut finished = 0u64;
                // One `catch_unwind` per chunk, not per task: after a panic, `index` still
                // names the task that panicked, which gets its error, and the chunk goes on.
                let mut index = begin;
                while index < end {
                    let caught = catch_unwind(AssertUnwindSafe(|| {
                        while index < end {
                            stopped = stopped || stop();
                            let result = if stopped {
                                Err(TaskError::Cancelled)
                            } else {
                                finished += 1;
                                f(Task::new(index, seed), &items[index]).map_err(TaskError::Failed)
                            };
                            // SAFETY: `index` lies in `begin..end`, a range this worker alone
                            // claimed from `next`, and is below `n`, the capacity of `results`.
                            unsafe { slots.write(index, result) };
                            index += 1;
                        }
                    }));
                    if let Err(payload) = caught {
                        // SAFETY: as above; the panic came from the task at `index`, before its
                        // slot was written.
                        unsafe { slots.write(index, Err(TaskError::Panicked(panic_message(payload)))) };
                        index += 1;
                    }
                }
                bar.inc(finished);
                let took = chunk_start.elapsed();
                if took < CHUNK_TARGET / 2 {
                    size = size.saturating_mul(2);
                } else if took > CHUNK_TARGET * 4 {
                    size = (size / 2).max(1);
                }
            }
        });
        // SAFETY: the workers above claimed every index in 0..n exactly once before `next`
        // passed n, and wrote each claimed slot; `broadcast` returns only after all of them
        // finished, which orders their writes before this point.
        unsafe { results.set_len(n) };
        let cancelled = results.iter().any(|r| matches!(r, Err(TaskError::Cancelled)));
        if cancelled {
            bar.abandon();
        } else {
            bar.finish_and_clear();
        }
        Mapped { inputs, results, cancelled, elapsed: start.elapsed() }
    }
}

/// The output buffer shared by the workers, each writing only the slots it claimed.
struct Slots<T>(*mut MaybeUninit<T>);

// SAFETY: workers write values of `T` into disjoint slots, so sharing the pointer is sound
// when `T` may be sent to another thread.
unsafe impl<T: Send> Sync for Slots<T> {}

impl<T> Slots<T> {
    /// Writes slot `index`.
    ///
    /// # Safety
    ///
    /// `index` is within the buffer and no other thread writes or reads it meanwhile.
    unsafe fn write(&self, index: usize, value: T) {
        // SAFETY: the caller guarantees `index` is in bounds and exclusively ours.
        unsafe { (*self.0.add(index)).write(value) };
    }
}

/// The message of a caught panic.
fn panic_message(payload: Box<dyn Any + Send>) -> PanicMessage {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    };
    PanicMessage(Box::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_results_stay_small() {
        assert_eq!(std::mem::size_of::<Result<f64, TaskError<Infallible>>>(), 16);
    }
}
