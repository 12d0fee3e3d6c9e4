//! The parallel map and sweeps of fastsci-par from Python, for `@fastsci.jit` kernels: every
//! item runs as machine code on the executor's threads with the GIL released, results in input
//! order, failures kept per item, Ctrl-C stopping the run cleanly.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use fastsci_jit::{JitError, Value};
use fastsci_par::sweep::{Axis, ParamSets, Sweep};
use fastsci_par::{CancelToken, Executor, ParError, Progress, TaskError};
use pyo3::exceptions::{PyFileExistsError, PyKeyboardInterrupt, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::convert::{AssertSend, RawArgs, to_python, to_raw_args, to_values};
use crate::errors::jit_error;
use crate::interrupt;
use crate::kernel::Kernel;

/// One executor (thread pool) per worker count, made on first use: building a pool costs more
/// than a small map.
fn executor(workers: usize) -> PyResult<Executor> {
    static POOLS: Mutex<Option<HashMap<usize, Executor>>> = Mutex::new(None);
    let mut pools = POOLS.lock().unwrap_or_else(|p| p.into_inner());
    let pools = pools.get_or_insert_with(HashMap::new);
    if let Some(e) = pools.get(&workers) {
        return Ok(e.clone());
    }
    let e = Executor::with_threads(workers).map_err(par_error)?;
    pools.insert(workers, e.clone());
    Ok(e)
}

fn par_error(e: ParError) -> PyErr {
    match &e {
        ParError::Io { .. } => PyOSError::new_err(e.to_string()),
        ParError::ThreadPool { .. } => PyRuntimeError::new_err(e.to_string()),
        ParError::Output { message, .. } if message.contains("exists") => {
            PyFileExistsError::new_err(e.to_string())
        }
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// Runs `job` on a helper thread while this thread, without the GIL, watches for Ctrl-C every
/// 50 ms; on Ctrl-C `token` is cancelled (running tasks finish, no new one starts) and the
/// result is still returned. Returns whether the run was interrupted.
fn run_watched<T: Send>(py: Python<'_>, token: &CancelToken, job: impl FnOnce() -> T + Send) -> (T, bool) {
    let generation = interrupt::generation();
    let result = py.detach(|| {
        std::thread::scope(|s| {
            // The job says when it is done, so a short map returns at once rather than at the
            // next 20 ms check (a panic drops the sender, which ends the wait too).
            let (done, finished) = std::sync::mpsc::channel::<()>();
            let handle = s.spawn(move || {
                let v = job();
                let _ = done.send(());
                v
            });
            let mut interrupted = false;
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                finished.recv_timeout(Duration::from_millis(20))
            {
                if !interrupted && interrupt::generation() != generation {
                    interrupted = true;
                    token.cancel();
                }
            }
            match handle.join() {
                Ok(v) => (v, interrupted),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    });
    if result.1 {
        // Python's handler has a KeyboardInterrupt pending: take it now, so the caller raises
        // one that carries what finished (a user handler that does not raise is run too).
        let _ = py.check_signals();
    }
    result
}

/// Maps a kernel over `items` (each a tuple of arguments) on `workers` threads (0: one per
/// core). Returns `(results, failed, interrupted)`: one result per item in input order (the
/// exception object for a failed item, `None` for one not run), and the failed indices.
#[pyfunction]
#[pyo3(signature = (kernel, items, workers = 0, progress = false))]
fn map_kernel<'py>(
    py: Python<'py>,
    kernel: &Bound<'py, Kernel>,
    items: &Bound<'py, PyList>,
    workers: usize,
    progress: bool,
) -> PyResult<(Bound<'py, PyList>, Vec<usize>, bool)> {
    let f = kernel.get().function(py)?.clone();
    // The items' arrays are borrowed in place (no copy) unless the kernel may write into its
    // arguments: then each task gets private copies, as a process pool's tasks would, so tasks
    // sharing an array do not race. `held` keeps every borrowed array alive for the run.
    let mut held = Vec::with_capacity(items.len());
    let mut keep = Vec::new();
    let mut inputs = Vec::with_capacity(items.len());
    for item in items.iter() {
        let args = item.cast_into::<PyTuple>()?;
        // Compiles the signature on the first item: type errors come before any task runs.
        let mut raw = RawArgs::new();
        to_raw_args(&f, &args, &mut keep, &mut raw)?;
        if f.may_write_arguments(&raw).map_err(|e| jit_error(py, &e))? {
            inputs.push(AssertSend(Args::Owned(to_values(&args)?)));
        } else {
            inputs.push(AssertSend(Args::Borrowed(Box::new(raw))));
        }
        held.push(args);
    }
    let token = CancelToken::new();
    let exec = executor(workers)?
        .progress(if progress { Progress::Auto } else { Progress::Never })
        .label("map")
        .cancel_token(token.clone());
    let (results, interrupted) = run_watched(py, &token, || {
        exec.try_map(&inputs, |args: &AssertSend<Args>| match &args.0 {
            // SAFETY: the arrays are borrowed from `held` (or copies in `keep`), alive and
            // unchanged by Python (this thread waits without running Python code) until
            // the map returns; the kernel only reads them.
            Args::Borrowed(raw) => unsafe { f.call_raw(raw, None) },
            Args::Owned(values) => f.call(values),
        })
        .into_results()
    });
    drop((held, keep));
    let out = PyList::empty(py);
    let mut failed = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(v) => out.append(to_python(py, v)?)?,
            Err(TaskError::Failed(e)) => {
                failed.push(i);
                out.append(task_exception(py, &e))?;
            }
            Err(TaskError::Panicked(m)) => {
                failed.push(i);
                out.append(PyRuntimeError::new_err(format!("task panicked: {m}")).into_value(py))?;
            }
            Err(TaskError::Cancelled) => out.append(py.None())?,
        }
    }
    Ok((out, failed, interrupted))
}

/// One map item's arguments.
enum Args {
    /// Borrowed from the Python objects (the kernel does not write into its arguments).
    Borrowed(Box<RawArgs>),
    /// Owned copies (it may).
    Owned(Vec<Value>),
}

fn task_exception<'py>(py: Python<'py>, e: &JitError) -> Bound<'py, PyAny> {
    jit_error(py, e).into_value(py).into_bound(py).into_any()
}

/// The numbers a kernel returned for one parameter set: a number or a tuple of numbers.
fn numbers(value: Value) -> Result<Vec<f64>, String> {
    let items = match value {
        Value::Tuple(items) => items,
        other => vec![other],
    };
    if items.is_empty() {
        return Err("the kernel returned an empty tuple; return a number or a tuple of numbers".into());
    }
    items
        .iter()
        .map(|v| {
            v.as_f64().ok_or_else(|| "the kernel must return a number or a tuple of numbers".to_string())
        })
        .collect()
}

/// Runs the `fastsci sweep` engine: `kernel` over the Cartesian grid of `axes`
/// (`(name, values, is_int)` in the kernel's parameter order), results streamed to `out`
/// (`.csv` or `.npy`), resumable. Returns `(tasks, already_done, ran, failures, interrupted)`,
/// failures as `(index, message)`.
#[pyfunction]
#[pyo3(signature = (kernel, axes, out, resume = true, outputs = None, workers = 0, progress = false, seed = 0))]
#[allow(clippy::too_many_arguments, reason = "the Python signature, keyword arguments")]
#[allow(clippy::type_complexity, reason = "a plain tuple for the Python layer")]
fn sweep(
    py: Python<'_>,
    kernel: &Bound<'_, Kernel>,
    axes: Vec<(String, Vec<f64>, bool)>,
    out: PathBuf,
    resume: bool,
    outputs: Option<Vec<String>>,
    workers: usize,
    progress: bool,
    seed: u64,
) -> PyResult<(usize, usize, usize, Vec<(usize, String)>, bool)> {
    let f = kernel.get().function(py)?.clone();
    let grid = Grid::new(axes)?;
    if !grid.sets.is_empty() {
        py.detach(|| f.compile_for(&grid.args(0))).map_err(|e| jit_error(py, &e))?;
    }
    let token = CancelToken::new();
    let exec = executor(workers)?
        .progress(if progress { Progress::Auto } else { Progress::Never })
        .label("sweep")
        .seed(seed)
        .cancel_token(token.clone());
    let Grid { sets, is_int } = grid;
    let mut sw = Sweep::new(sets).resume(resume);
    if let Some(names) = outputs {
        sw = sw.outputs(names);
    }
    let (report, _) = run_watched(py, &token, || {
        sw.run_tasks(&exec, &out, |task, values| {
            fastsci_jit::seed(task.seed());
            numbers(f.call(&point_args(values, &is_int)).map_err(|e| e.to_string())?)
        })
    });
    let report = report.map_err(par_error)?;
    let failures = report.failures.iter().map(|fl| (fl.index, fl.message.clone())).collect();
    if report.cancelled && report.done() == 0 {
        return Err(PyKeyboardInterrupt::new_err("sweep interrupted before any task finished"));
    }
    Ok((report.tasks, report.already_done, report.ran, failures, report.cancelled))
}

/// The grid of `(name, values, is_int)` axes and the kernel arguments of one of its points.
struct Grid {
    sets: ParamSets,
    is_int: Vec<bool>,
}

impl Grid {
    fn new(axes: Vec<(String, Vec<f64>, bool)>) -> PyResult<Grid> {
        let is_int = axes.iter().map(|a| a.2).collect();
        let sets = ParamSets::grid(axes.into_iter().map(|(n, v, _)| Axis::new(n, v))).map_err(par_error)?;
        Ok(Grid { sets, is_int })
    }

    fn args(&self, index: usize) -> Vec<Value> {
        point_args(self.sets.get(index), &self.is_int)
    }
}

/// The kernel arguments of a point: its values, as ints on integer axes.
fn point_args(values: &[f64], is_int: &[bool]) -> Vec<Value> {
    values
        .iter()
        .zip(is_int)
        .map(|(&v, &int)| if int { Value::Int(v as i64) } else { Value::Float(v) })
        .collect()
}

/// Runs the points `indices` of a sweep grid here, on `workers` threads without the GIL, each
/// with the random stream of its index in the whole sweep (so any process, on any machine,
/// gives the numbers a single-machine sweep gives). Returns one entry per index, in order: the
/// list of numbers the kernel returned, or the error message as a string. For a Dask task.
#[pyfunction]
#[pyo3(signature = (kernel, axes, indices, seed = 0, workers = 0))]
fn sweep_points<'py>(
    py: Python<'py>,
    kernel: &Bound<'py, Kernel>,
    axes: Vec<(String, Vec<f64>, bool)>,
    indices: Vec<usize>,
    seed: u64,
    workers: usize,
) -> PyResult<Bound<'py, PyList>> {
    let f = kernel.get().function(py)?.clone();
    let grid = Grid::new(axes)?;
    if let Some(&bad) = indices.iter().find(|&&i| i >= grid.sets.len()) {
        return Err(PyValueError::new_err(format!(
            "point {bad} is outside the grid of {} points",
            grid.sets.len()
        )));
    }
    if let Some(&first) = indices.first() {
        py.detach(|| f.compile_for(&grid.args(first))).map_err(|e| jit_error(py, &e))?;
    }
    let token = CancelToken::new();
    let exec = executor(workers)?.progress(Progress::Never).cancel_token(token.clone());
    let (results, interrupted) = run_watched(py, &token, || {
        exec.try_map(&indices, |&index: &usize| {
            fastsci_jit::seed(fastsci_par::task_seed(seed, index));
            numbers(f.call(&grid.args(index)).map_err(|e| e.to_string())?)
        })
        .into_results()
    });
    if interrupted {
        return Err(PyKeyboardInterrupt::new_err("sweep points interrupted"));
    }
    let out = PyList::empty(py);
    for r in results {
        match r {
            Ok(values) => out.append(values)?,
            Err(TaskError::Failed(message)) => out.append(message)?,
            Err(TaskError::Panicked(m)) => out.append(format!("task panicked: {m}"))?,
            Err(TaskError::Cancelled) => out.append("not run: cancelled")?,
        }
    }
    Ok(out)
}

/// The points of a sweep its output file does not hold yet (all for a new file; none for a
/// finished `.npy`): what a cluster still has to compute.
#[pyfunction]
#[pyo3(signature = (axes, out, resume = true))]
fn sweep_missing(axes: Vec<(String, Vec<f64>, bool)>, out: PathBuf, resume: bool) -> PyResult<Vec<usize>> {
    let grid = Grid::new(axes)?;
    Sweep::new(grid.sets).resume(resume).missing(&out).map_err(par_error)
}

/// A batch of results from `fetch`: `(index, numbers or error message)`, `None` at the end.
type Batch = Option<Vec<(usize, Py<PyAny>)>>;

/// Results computed elsewhere, as `fetch` hands them over: each call blocks until the next
/// batch of `(index, numbers or error message)` is in, or returns `None` when no more will come.
struct Feed<'a> {
    fetch: &'a Py<PyAny>,
    ready: HashMap<usize, Result<Vec<f64>, String>>,
    exhausted: bool,
    error: Option<PyErr>,
}

impl Feed<'_> {
    fn take(&mut self, index: usize, token: &CancelToken) -> Result<Vec<f64>, String> {
        loop {
            if let Some(r) = self.ready.remove(&index) {
                return r;
            }
            if self.exhausted {
                return Err("not run: the cluster returned no result for this point".into());
            }
            let batch = Python::attach(|py| -> PyResult<Batch> { self.fetch.call0(py)?.extract(py) });
            match batch {
                Ok(Some(batch)) => Python::attach(|py| {
                    for (i, r) in batch {
                        let r = r.bind(py);
                        let value = match r.extract::<Vec<f64>>() {
                            Ok(values) => Ok(values),
                            Err(_) => Err(r.str().map_or_else(|_| "failed".to_string(), |s| s.to_string())),
                        };
                        self.ready.insert(i, value);
                    }
                }),
                Ok(None) => self.exhausted = true,
                Err(e) => {
                    self.error = Some(e);
                    self.exhausted = true;
                    token.cancel();
                }
            }
        }
    }
}

/// Records a sweep whose points are computed elsewhere (a Dask cluster) with the sweep engine
/// of this process: the journal, its lock, resume and the final file stay with the caller, each
/// result is journaled as its batch arrives. `fetch()` returns the next batch of
/// `[(index, numbers or message)]`, or `None` at the end; an exception it raises stops the
/// run (what arrived is kept) and is raised here. Returns as `sweep`.
#[pyfunction]
#[pyo3(signature = (axes, out, fetch, resume = true, outputs = None))]
#[allow(clippy::type_complexity, reason = "a plain tuple for the Python layer")]
fn sweep_record(
    py: Python<'_>,
    axes: Vec<(String, Vec<f64>, bool)>,
    out: PathBuf,
    fetch: Py<PyAny>,
    resume: bool,
    outputs: Option<Vec<String>>,
) -> PyResult<(usize, usize, usize, Vec<(usize, String)>, bool)> {
    let grid = Grid::new(axes)?;
    let token = CancelToken::new();
    // One thread: the tasks only wait for results that arrive in batches.
    let exec = executor(1)?.progress(Progress::Never).label("sweep").cancel_token(token.clone());
    let mut sw = Sweep::new(grid.sets).resume(resume);
    if let Some(names) = outputs {
        sw = sw.outputs(names);
    }
    let feed = Mutex::new(Feed { fetch: &fetch, ready: HashMap::new(), exhausted: false, error: None });
    let (report, _) = run_watched(py, &token, || {
        sw.run_tasks(&exec, &out, |task, _| {
            feed.lock().unwrap_or_else(|p| p.into_inner()).take(task.index(), &token)
        })
    });
    if let Some(e) = feed.into_inner().unwrap_or_else(|p| p.into_inner()).error {
        return Err(e);
    }
    let report = report.map_err(par_error)?;
    let failures = report.failures.iter().map(|fl| (fl.index, fl.message.clone())).collect();
    Ok((report.tasks, report.already_done, report.ran, failures, report.cancelled))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(map_kernel, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_points, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_missing, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_record, m)?)?;
    Ok(())
}
