//! Parameter sweeps: run a closure over every parameter set of a grid or list on all cores,
//! streaming results to disk as they finish, resumable after an interruption.
//!
//! # Files
//!
//! - `RESULTS.csv`: the journal *is* the output. Its header is `index,<params>,<outputs>`,
//!   then one line per finished task in the order tasks finish; when a run ends without being
//!   cancelled the file is rewritten (atomically) in task order.
//! - `RESULTS.npy`: the journal is the sidecar `RESULTS.npy.journal` (same CSV format); when a
//!   run ends without being cancelled, a 2-D f64 array of shape `(tasks, params + outputs)` is
//!   written atomically, row `i` for task `i`, `NaN` in the outputs of tasks that failed. The
//!   journal is removed once every task has succeeded.
//!
//! - `JOURNAL.lock` (`RESULTS.csv.lock`, `RESULTS.npy.journal.lock`): the process id of the run
//!   writing the journal, so that two runs of one sweep never write it at once; removed at the
//!   end, and taken over when its process no longer runs.
//!
//! Lines are handed to the operating system as they arrive, so they survive the process being
//! killed, and `fsync`ed at least every second (or 10,000 lines), so they survive a crash of
//! the machine up to the last batch. A resumed sweep reads the journal, cuts off a torn last
//! line, checks that every line belongs to this sweep (same parameter names and values), and
//! runs only the tasks that are missing, including those that failed before.

mod journal;
mod npy;
mod params;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub use params::{Axis, MAX_TASKS, ParamSets, linspace};

use crate::error::ParError;
use crate::executor::Executor;
use crate::seed::Task;
use journal::JournalWriter;

/// How a sweep's results are stored, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Npy,
}

impl Format {
    fn of(path: &Path) -> Result<Format, ParError> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("npy") => Ok(Format::Npy),
            _ => Err(ParError::output(path, "the output must end in .csv or .npy")),
        }
    }
}

/// The journal of a `.npy` output: `RESULTS.npy.journal`.
fn sidecar(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    out.with_file_name(format!("{name}.journal"))
}

/// The lock of a journal, `JOURNAL.lock` holding the owner's process id: two runs of the same
/// sweep at once (two resumes) would both run the missing tasks and interleave their lines.
/// A lock left by a process that no longer runs (killed with `kill -9`) is taken over.
struct Lock(PathBuf);

impl Lock {
    fn acquire(journal: &Path) -> Result<Lock, ParError> {
        use std::io::Write as _;
        let name = journal.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let path = journal.with_file_name(format!("{name}.lock"));
        for _ in 0..3 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    writeln!(file, "{}", std::process::id()).map_err(|e| ParError::io(&path, e))?;
                    return Ok(Lock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner =
                        std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<u32>().ok());
                    match owner {
                        Some(pid) if Path::new("/proc").join(pid.to_string()).exists() => {
                            return Err(ParError::output(
                                journal,
                                format!(
                                    "is being written by another sweep (process {pid}, see {}); wait for it \
                                     to finish or stop it",
                                    path.display()
                                ),
                            ));
                        }
                        // The owner is gone (or wrote nothing yet and died): take the lock over.
                        _ => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(ParError::io(&path, e)),
            }
        }
        Err(ParError::output(journal, format!("cannot take the lock {}", path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The output column names used when none are given: `result`, or `result0`, `result1`, ...
fn default_outputs(count: usize) -> Vec<String> {
    if count == 1 { vec!["result".to_string()] } else { (0..count).map(|i| format!("result{i}")).collect() }
}

/// A task of a sweep that failed, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepFailure {
    /// The task's index.
    pub index: usize,
    /// Its parameter values, in the order of [`ParamSets::names`].
    pub params: Vec<f64>,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for SweepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params: Vec<String> = self.params.iter().map(|v| journal::format_value(*v)).collect();
        write!(f, "task {} ({}): {}", self.index, params.join(", "), self.message)
    }
}

/// What a sweep did.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// Tasks in the sweep.
    pub tasks: usize,
    /// Tasks found finished in the output when the run started (resume).
    pub already_done: usize,
    /// Tasks that succeeded in this run.
    pub ran: usize,
    /// Tasks that failed in this run; a later resume runs them again.
    pub failures: Vec<SweepFailure>,
    /// Tasks that never started because the run was cancelled.
    pub not_run: usize,
    /// Whether the run was cancelled (by a token or Ctrl-C).
    pub cancelled: bool,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// The output file.
    pub out: PathBuf,
    /// The output column names (empty when no task has succeeded yet).
    pub outputs: Vec<String>,
}

impl SweepResult {
    /// Tasks whose results are in the output.
    pub fn done(&self) -> usize {
        self.already_done + self.ran
    }

    /// Whether every task's result is in the output.
    pub fn is_complete(&self) -> bool {
        self.done() == self.tasks
    }

    /// How the run ended.
    pub fn status(&self) -> SweepStatus {
        if self.is_complete() {
            SweepStatus::Complete
        } else if self.cancelled {
            SweepStatus::Cancelled
        } else {
            SweepStatus::TasksFailed
        }
    }

    /// True when every task's result is in the output.
    pub fn success(&self) -> bool {
        self.status() == SweepStatus::Complete
    }
}

/// How a sweep run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SweepStatus {
    /// Every task's result is in the output.
    Complete,
    /// Some tasks failed; a resumed run retries them.
    TasksFailed,
    /// The run was cancelled (by a token or Ctrl-C) before every task ran.
    Cancelled,
}

/// A parameter sweep: its parameter sets, output names and whether to resume.
///
/// # Examples
///
/// ```
/// use fastsci_par::{Axis, Executor, ParamSets, Progress, Sweep};
///
/// let dir = std::env::temp_dir().join(format!("sweep-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let out = dir.join("results.csv");
/// let grid = ParamSets::grid([Axis::linspace("a", 0.0, 1.0, 3), Axis::new("b", vec![1.0, 2.0])])?;
/// let exec = Executor::with_threads(2)?.progress(Progress::Never);
/// let sweep = Sweep::new(grid).outputs(["sum", "product"]);
/// let report = sweep.run(&exec, &out, |p| Ok::<_, String>(vec![p[0] + p[1], p[0] * p[1]]))?;
/// assert!(report.is_complete());
/// let csv = std::fs::read_to_string(&out)?;
/// assert_eq!(csv.lines().next(), Some("index,a,b,sum,product"));
/// assert_eq!(csv.lines().nth(4), Some("3,0.5,2.0,2.5,1.0"));
///
/// // Running it again with resume finds every task done and runs none.
/// let again = sweep.resume(true).run(&exec, &out, |_| Err::<Vec<f64>, _>("not called"))?;
/// assert_eq!((again.already_done, again.ran), (6, 0));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sweep {
    params: ParamSets,
    outputs: Option<Vec<String>>,
    resume: bool,
}

impl Sweep {
    /// A sweep over `params`, output names taken from the first result (`result`, or
    /// `result0`, `result1`, ...), not resuming.
    pub fn new(params: ParamSets) -> Sweep {
        Sweep { params, outputs: None, resume: false }
    }

    /// Names the output columns; every task must return this many values.
    pub fn outputs<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Sweep {
        self.outputs = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Continue the sweep found in the output file, running only its missing tasks (default:
    /// refuse to touch an existing file).
    pub fn resume(mut self, resume: bool) -> Sweep {
        self.resume = resume;
        self
    }

    /// The parameter sets.
    pub fn params(&self) -> &ParamSets {
        &self.params
    }

    /// The indices of the tasks a run with `out` would still have to run: every task for a new
    /// output, the ones its journal lacks when resuming, none for a finished `.npy`. A caller
    /// that computes elsewhere (a cluster) sends only these, then records them with
    /// [`run_tasks`](Sweep::run_tasks), which runs the same missing tasks.
    ///
    /// # Errors
    ///
    /// As [`run`](Sweep::run): a wrong extension, an existing output without resume, a journal or
    /// `.npy` of a different sweep, an unreadable file.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::sweep::{Axis, ParamSets, Sweep};
    ///
    /// let dir = std::env::temp_dir().join(format!("fastsci-missing-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let out = dir.join("r.csv");
    /// let sweep = Sweep::new(ParamSets::grid([Axis::linspace("a", 0.0, 1.0, 4)])?).resume(true);
    /// assert_eq!(sweep.missing(&out)?, vec![0, 1, 2, 3]);
    /// std::fs::write(&out, "index,a,result\n0,0.0,0.0\n2,0.6666666666666666,1.0\n")?;
    /// assert_eq!(sweep.missing(&out)?, vec![1, 3]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn missing(&self, out: &Path) -> Result<Vec<usize>, ParError> {
        let format = Format::of(out)?;
        let journal_path = match format {
            Format::Csv => out.to_path_buf(),
            Format::Npy => sidecar(out),
        };
        let exists = journal_path.exists() || (format == Format::Npy && out.exists());
        if exists && !self.resume {
            return Err(ParError::output(
                if journal_path.exists() { &journal_path } else { out },
                "exists; resume the sweep (--resume) to run only its missing tasks, or remove it",
            ));
        }
        let n = self.params.len();
        if journal_path.exists() {
            let mut done = vec![false; n];
            for (index, _) in journal::read(&journal_path, &self.params)?.rows {
                done[index] = true;
            }
            return Ok((0..n).filter(|&i| !done[i]).collect());
        }
        if format == Format::Npy && out.exists() {
            self.check_finished_npy(out, Instant::now())?;
            return Ok(Vec::new());
        }
        Ok((0..n).collect())
    }

    /// Runs `f` on every parameter set (in the order of [`ParamSets::names`]) on `exec`,
    /// writing results to `out` (`.csv` or `.npy`) as they finish.
    ///
    /// # Errors
    ///
    /// [`ParError::Output`] when `out` has another extension, exists and resume is off, or was
    /// written by a different sweep; [`ParError::BadParams`] for bad output names;
    /// [`ParError::Io`] when the file cannot be read or written. Failed tasks are not errors:
    /// they are in [`SweepResult::failures`].
    pub fn run<E, F>(&self, exec: &Executor, out: &Path, f: F) -> Result<SweepResult, ParError>
    where
        E: fmt::Display + Send,
        F: Fn(&[f64]) -> Result<Vec<f64>, E> + Sync,
    {
        self.run_tasks(exec, out, |_, p| f(p))
    }

    /// Like [`run`](Sweep::run), with the [`Task`] of each parameter set: its index in the
    /// sweep and its random stream, the same on every run and for any number of threads.
    ///
    /// # Errors
    ///
    /// As [`run`](Sweep::run).
    pub fn run_tasks<E, F>(&self, exec: &Executor, out: &Path, f: F) -> Result<SweepResult, ParError>
    where
        E: fmt::Display + Send,
        F: Fn(Task, &[f64]) -> Result<Vec<f64>, E> + Sync,
    {
        let start = Instant::now();
        let format = Format::of(out)?;
        let params = &self.params;
        let n = params.len();
        if let Some(names) = &self.outputs {
            params::check_names(names, "output")?;
            if let Some(clash) = names.iter().find(|o| params.names().contains(o)) {
                return Err(ParError::BadParams(format!("'{clash}' names both a parameter and an output")));
            }
            if names.is_empty() {
                return Err(ParError::BadParams("a sweep needs at least one output".into()));
            }
        }
        let journal_path = match format {
            Format::Csv => out.to_path_buf(),
            Format::Npy => sidecar(out),
        };
        // A FIFO would block the resume's read and a device would be renamed over at the end.
        for path in [out, journal_path.as_path()] {
            if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
                return Err(ParError::output(
                    path,
                    "is not a regular file; a sweep reads and writes only those",
                ));
            }
        }
        let _lock = Lock::acquire(&journal_path)?;
        let exists_message =
            "exists; resume the sweep (--resume) to run only its missing tasks, or remove it";
        let mut store: Vec<Option<Vec<f64>>> = vec![None; n];
        let mut outputs = self.outputs.clone();
        let mut header_written = false;
        let mut writer = if journal_path.exists() {
            if !self.resume {
                return Err(ParError::output(&journal_path, exists_message));
            }
            let existing = journal::read(&journal_path, params)?;
            if let Some(found) = existing.outputs {
                if outputs.as_ref().is_some_and(|given| *given != found) {
                    return Err(ParError::output(
                        &journal_path,
                        format!("has outputs '{}', this sweep names others", found.join(",")),
                    ));
                }
                outputs = Some(found);
                header_written = true;
            }
            for (index, values) in existing.rows {
                store[index] = Some(values);
            }
            JournalWriter::open(&journal_path, Some(existing.good_len), existing.checked)?
        } else if format == Format::Npy && out.exists() {
            if !self.resume {
                return Err(ParError::output(out, exists_message));
            }
            return self.check_finished_npy(out, start);
        } else {
            JournalWriter::open(&journal_path, None, true)?
        };
        if let (false, Some(names)) = (header_written, &outputs) {
            writer.header(params.names(), names)?;
            writer.flush(true)?;
            header_written = true;
        }

        let missing: Vec<usize> = (0..n).filter(|&i| store[i].is_none()).collect();
        let already_done = n - missing.len();
        let abort = AtomicBool::new(false);
        let seed = exec.base_seed();
        let (tx, rx) = mpsc::channel::<(usize, Vec<f64>)>();
        let mut failures = Vec::new();
        let mut ran = 0usize;
        let (mapped, written) = std::thread::scope(|scope| {
            let workers = scope.spawn(|| {
                let tx = tx;
                exec.map_tasks(&missing, |_, &index| {
                    if abort.load(Ordering::Relaxed) {
                        return Err("not run: writing the results failed".to_string());
                    }
                    let values = f(Task::new(index, seed), params.get(index)).map_err(|e| e.to_string())?;
                    tx.send((index, values)).map_err(|_| "not run: writing the results failed".to_string())
                })
            });
            let written = (|| -> Result<(), ParError> {
                while let Ok(first) = rx.recv() {
                    for (index, values) in std::iter::once(first).chain(rx.try_iter()) {
                        let names = match &outputs {
                            Some(names) => names,
                            None if values.is_empty() => {
                                failures.push(failure(params, index, "returned no values".into()));
                                continue;
                            }
                            None => outputs.insert(default_outputs(values.len())),
                        };
                        if !header_written {
                            writer.header(params.names(), names)?;
                            header_written = true;
                        }
                        if values.len() != names.len() {
                            let message =
                                format!("returned {} values for the {} outputs", values.len(), names.len());
                            failures.push(failure(params, index, message));
                            continue;
                        }
                        writer.row(index, params.get(index), &values)?;
                        store[index] = Some(values);
                        ran += 1;
                    }
                    writer.flush(false)?;
                }
                writer.flush(true)
            })();
            if written.is_err() {
                abort.store(true, Ordering::Relaxed);
            }
            let mapped = workers.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (mapped, written)
        });
        drop(writer);
        written?;
        failures.extend(mapped.failures().map(|fail| failure(params, *fail.input, fail.error.to_string())));
        failures.sort_by_key(|fail| fail.index);
        let cancelled = mapped.was_cancelled();
        let outputs = outputs.unwrap_or_default();
        if !cancelled && !outputs.is_empty() {
            self.finish(format, out, &journal_path, &outputs, &store, ran > 0)?;
        }
        Ok(SweepResult {
            tasks: n,
            already_done,
            ran,
            failures,
            not_run: mapped.not_run(),
            cancelled,
            elapsed: start.elapsed(),
            out: out.to_path_buf(),
            outputs,
        })
    }

    /// Writes the final file of a run that was not cancelled.
    fn finish(
        &self,
        format: Format,
        out: &Path,
        journal_path: &Path,
        outputs: &[String],
        store: &[Option<Vec<f64>>],
        changed: bool,
    ) -> Result<(), ParError> {
        let params = &self.params;
        match format {
            Format::Csv if changed => npy::write_atomically(out, |w| {
                journal::write_header(w, params.names(), outputs, false)?;
                for (index, values) in store.iter().enumerate() {
                    if let Some(values) = values {
                        journal::write_row(w, index, params.get(index), values, false)?;
                    }
                }
                Ok(())
            }),
            Format::Csv => Ok(()),
            Format::Npy => {
                let cols = params.names().len() + outputs.len();
                let mut values = Vec::with_capacity(store.len() * cols);
                for (index, row) in store.iter().enumerate() {
                    values.extend_from_slice(params.get(index));
                    match row {
                        Some(row) => values.extend_from_slice(row),
                        None => values.extend(std::iter::repeat_n(f64::NAN, outputs.len())),
                    }
                }
                npy::write(out, store.len(), cols, &values)?;
                if store.iter().all(Option::is_some) {
                    std::fs::remove_file(journal_path).map_err(|e| ParError::io(journal_path, e))?;
                }
                Ok(())
            }
        }
    }

    /// Resuming a `.npy` sweep whose journal is gone: the file must be this sweep's, finished.
    fn check_finished_npy(&self, out: &Path, start: Instant) -> Result<SweepResult, ParError> {
        let params = &self.params;
        let (rows, cols, values) = npy::read(out)?;
        let np = params.names().len();
        let width = cols.saturating_sub(np);
        let fits = rows == params.len()
            && cols > np
            && self.outputs.as_ref().is_none_or(|o| o.len() == width)
            && (0..rows).all(|i| {
                values[i * cols..i * cols + np]
                    .iter()
                    .zip(params.get(i))
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            });
        if !fits {
            return Err(ParError::output(
                out,
                "holds the results of a different sweep (shape or parameters differ); write to another file",
            ));
        }
        Ok(SweepResult {
            tasks: rows,
            already_done: rows,
            ran: 0,
            failures: Vec::new(),
            not_run: 0,
            cancelled: false,
            elapsed: start.elapsed(),
            out: out.to_path_buf(),
            outputs: self.outputs.clone().unwrap_or_else(|| default_outputs(width)),
        })
    }
}

fn failure(params: &ParamSets, index: usize, message: String) -> SweepFailure {
    SweepFailure { index, params: params.get(index).to_vec(), message }
}

#[cfg(test)]
mod reliability {
    use super::*;

    fn square(_: Task, v: &[f64]) -> Result<Vec<f64>, String> {
        Ok(vec![v[0] * v[0]])
    }

    fn grid(n: usize) -> ParamSets {
        ParamSets::grid([Axis::linspace("a", 0.0, 1.0, n)]).unwrap()
    }

    #[test]
    fn a_journal_value_edited_by_hand_is_refused_on_resume() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.npy");
        let journal = sidecar(&out);
        let exec = Executor::with_threads(1).unwrap().progress(crate::Progress::Never);
        let token = crate::CancelToken::new();
        let exec = exec.cancel_token(token.clone());
        // Stop after a few tasks so the journal stays (a finished npy sweep removes it).
        Sweep::new(grid(50))
            .run_tasks(&exec, &out, |t, v| {
                if t.index() == 5 {
                    token.cancel();
                }
                square(t, v)
            })
            .unwrap();
        let text = std::fs::read_to_string(&journal).unwrap();
        assert!(text.lines().next().unwrap().ends_with(",#check"), "{text}");
        let line = text.lines().nth(2).unwrap().to_string();
        let fields: Vec<&str> = line.split(',').collect();
        let tampered = format!("{},{},{},{}", fields[0], fields[1], "12345.0", fields[3]);
        std::fs::write(&journal, text.replacen(&line, &tampered, 1)).unwrap();
        let exec = Executor::with_threads(1).unwrap().progress(crate::Progress::Never);
        let err = Sweep::new(grid(50)).resume(true).run_tasks(&exec, &out, square).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
    }

    #[test]
    fn a_second_run_of_the_same_sweep_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.csv");
        let held = Lock::acquire(&out).unwrap();
        let exec = Executor::with_threads(1).unwrap().progress(crate::Progress::Never);
        let err = Sweep::new(grid(4)).resume(true).run_tasks(&exec, &out, square).unwrap_err();
        assert!(err.to_string().contains("another sweep"), "{err}");
        drop(held);
        // A lock left by a process that no longer runs is taken over.
        std::fs::write(dir.path().join("r.csv.lock"), "4194305\n").unwrap();
        let report = Sweep::new(grid(4)).run_tasks(&exec, &out, square).unwrap();
        assert_eq!(report.done(), 4);
        assert!(!dir.path().join("r.csv.lock").exists());
    }

    #[test]
    fn an_output_that_is_not_a_regular_file_is_refused_before_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("r.csv");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let exec = Executor::with_threads(1).unwrap().progress(crate::Progress::Never);
        let err = Sweep::new(grid(4)).resume(true).run_tasks(&exec, &fifo, square).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        std::fs::create_dir(dir.path().join("d.npy")).unwrap();
        let err = Sweep::new(grid(4)).run_tasks(&exec, &dir.path().join("d.npy"), square).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[test]
    fn grids_and_thread_counts_beyond_the_limits_are_refused_at_once() {
        let axes = (0..3).map(|k| Axis::new(format!("p{k}"), vec![0.0; 100_000]));
        let err = ParamSets::grid(axes).unwrap_err();
        assert!(err.to_string().contains(&MAX_TASKS.to_string()), "{err}");
        let start = Instant::now();
        let err = Executor::with_threads(100_000).unwrap_err();
        assert!(err.to_string().contains("limit is 1024"), "{err}");
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
