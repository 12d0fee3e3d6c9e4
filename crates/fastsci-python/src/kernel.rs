//! `@fastsci.jit` kernels: the Python function's source compiled by fastsci-jit on first call,
//! one specialization per argument signature, called with the GIL released.

use std::sync::OnceLock;

use fastsci_jit::{CompileOptions, ErrorKind, Function, Module, Source, Value};
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::convert::{AssertSend, RawArgs, constant, to_python, to_raw_args, to_values};
use crate::errors::jit_error;
use crate::interrupt;

/// One snippet of kernel source: its text, the file it was taken from and the line it starts on.
#[derive(Clone, Debug)]
struct Part {
    text: String,
    filename: String,
    first_line: usize,
}

/// What `collect()` returns: `(text, filename, first_line)` parts and `(name, value)` globals.
type Collected = (Vec<(String, String, usize)>, Vec<(String, Py<PyAny>)>);

/// What a kernel was compiled from: kept to pickle the kernel and to rebuild it elsewhere.
struct Frozen {
    parts: Vec<Part>,
    globals: Vec<(String, Py<PyAny>)>,
    function: Function,
}

/// A jitted function (the base class of `fastsci.Dispatcher`).
///
/// `collect` is a Python callable returning `(parts, globals)`: the source snippets
/// (`(text, filename, first_line)`) of the function and of the jitted functions it calls, and the
/// module-level constants it names. It is called once, on the first call, so globals are frozen
/// then, as Numba does.
#[pyclass(subclass, frozen, module = "fastsci._fastsci")]
pub struct Kernel {
    name: String,
    options: CompileOptions,
    collect: Py<PyAny>,
    state: OnceLock<Frozen>,
}

impl Kernel {
    /// The compiled module's function, compiling it on first use.
    pub(crate) fn function(&self, py: Python<'_>) -> PyResult<&Function> {
        if let Some(f) = self.state.get() {
            return Ok(&f.function);
        }
        let collected = self.collect.bind(py).call0()?;
        let (parts, globals): Collected = collected.extract()?;
        let parts: Vec<Part> = parts
            .into_iter()
            .map(|(text, filename, first_line)| Part { text, filename, first_line })
            .collect();
        let mut frozen = Vec::with_capacity(globals.len());
        for (name, value) in &globals {
            frozen.push((name.clone(), constant(value.bind(py))?));
        }
        let name = self.name.clone();
        let options = self.options;
        let built = py.detach(|| build(&parts, &frozen, options, &name));
        let function = built.map_err(|e| jit_error(py, &e))?;
        // Another thread may have compiled it meanwhile: keep the first.
        let _ = self.state.set(Frozen { parts, globals, function });
        Ok(&self.state.get().expect("set above").function)
    }
}

fn build(
    parts: &[Part],
    globals: &[(String, Value)],
    options: CompileOptions,
    name: &str,
) -> Result<Function, fastsci_jit::JitError> {
    let sources: Vec<Source<'_>> = parts
        .iter()
        .map(|p| Source { text: &p.text, filename: &p.filename, first_line: p.first_line })
        .collect();
    Module::compile_parts(&sources, globals, options)?.function(name)
}

#[pymethods]
impl Kernel {
    /// A kernel named `name` whose source `collect()` returns, compiled with `boundscheck`
    /// (and with `prange` loops on all cores under `parallel`).
    #[new]
    #[pyo3(signature = (name, collect, boundscheck = true, parallel = false))]
    fn new(name: String, collect: Py<PyAny>, boundscheck: bool, parallel: bool) -> Kernel {
        Kernel { name, options: CompileOptions { boundscheck, parallel }, collect, state: OnceLock::new() }
    }

    /// Calls the kernel: numbers, tuples and NumPy arrays in (arrays borrowed in place, so
    /// writes are seen by the caller), with the GIL released; Ctrl-C stops it at its next loop
    /// iteration with `KeyboardInterrupt`.
    #[pyo3(signature = (*args))]
    fn __call__(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        let f = self.function(py)?;
        let mut keep = Vec::new();
        let mut raw = RawArgs::new();
        to_raw_args(f, args, &mut keep, &mut raw)?;
        // A kernel without loops, calls or new arrays is over sooner than the GIL could be
        // released and taken back: call it with the GIL held (as Numba's default does).
        // SAFETY: as below.
        if let Some(result) = unsafe { f.call_raw_if_brief(&raw) } {
            return result.map_err(|e| jit_error(py, &e)).and_then(|v| to_python(py, v));
        }
        let raw = AssertSend(&raw);
        let running = interrupt::Running::start();
        let flag = running.flag();
        let result = py.detach(move || {
            let raw = raw;
            // SAFETY: every borrowed array points into a NumPy array held by `args` or `keep`
            // for the whole call, with its own shape and byte strides.
            unsafe { f.call_raw(raw.0, Some(flag)) }
        });
        drop(running);
        match result {
            Ok(v) => to_python(py, v),
            Err(e) if e.kind() == ErrorKind::Interrupted => {
                // Run Python's handler (KeyboardInterrupt, or the user's own); if it does not
                // raise, the kernel was still stopped: say so.
                py.check_signals()?;
                Err(PyKeyboardInterrupt::new_err(e.to_string()))
            }
            Err(e) => Err(jit_error(py, &e)),
        }
    }

    /// Compiles the specialization for these arguments without running the kernel.
    #[pyo3(signature = (*args))]
    fn compile_for(&self, py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        let f = self.function(py)?;
        let values = to_values(args)?;
        py.detach(|| f.compile_for(&values)).map_err(|e| jit_error(py, &e))
    }

    /// The parameter names (compiles the module, not a signature).
    fn parameters(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(self.function(py)?.param_names().to_vec())
    }

    /// The signatures compiled so far, `(array(float64, 1d), int64) -> float64`.
    fn _signatures(&self) -> Vec<String> {
        self.state.get().map(|f| f.function.signatures()).unwrap_or_default()
    }

    /// The inferred types of parameters and locals per compiled signature.
    fn _types_text(&self) -> String {
        self.state.get().map(|f| f.function.inspect_types()).unwrap_or_default()
    }

    /// The kernel's name.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// Whether array indices are checked.
    #[getter]
    fn boundscheck(&self) -> bool {
        self.options.boundscheck
    }

    /// Whether `prange` loops run on all cores.
    #[getter]
    fn parallel(&self) -> bool {
        self.options.parallel
    }

    /// `(parts, globals)` the kernel was compiled from, or `None` before the first call.
    fn _frozen<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let Some(f) = self.state.get() else { return Ok(None) };
        let parts = PyList::empty(py);
        for p in &f.parts {
            parts.append((p.text.as_str(), p.filename.as_str(), p.first_line))?;
        }
        let globals = PyList::empty(py);
        for (n, v) in &f.globals {
            globals.append((n.as_str(), v.bind(py)))?;
        }
        Ok(Some(PyTuple::new(py, [parts.into_any(), globals.into_any()])?))
    }
}
