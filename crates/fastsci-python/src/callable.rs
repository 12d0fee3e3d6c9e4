//! The functions a SciPy-style routine is given, in the three kinds it accepts, as plain Rust
//! closures for fastsci-integrate and fastsci-optimize:
//!
//! 1. a `@fastsci.jit` kernel: machine code, called without the GIL (the whole solve runs
//!    detached when every function of it is native);
//! 2. a formula string in the CLI's syntax, compiled by fastsci-jit, with exact symbolic
//!    derivatives for gradients;
//! 3. any other Python callable, called with the GIL for each evaluation.
//!
//! A failure (a Python exception, a kernel's runtime error, Ctrl-C) is kept in the solve's
//! [`Failure`], the function gives NaN from then on without being called again, and the
//! binding raises the kept error once the Rust routine returns: the exception reaches the user
//! unchanged, with its traceback.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use fastsci_jit::{ArrayValue, Expression, Function, JitError, Value, VarKind};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::convert::to_values;
use crate::errors::jit_error;
use crate::interrupt;
use crate::kernel::Kernel;

/// Which kind of function ran; reported in results as `"jit"`, `"formula"` or `"python"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `@fastsci.jit` kernel.
    Kernel,
    /// A formula string.
    Formula,
    /// Any other Python callable.
    Python,
}

impl Kind {
    /// The name results report.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Kernel => "jit",
            Kind::Formula => "formula",
            Kind::Python => "python",
        }
    }
}

enum Stored {
    Python(PyErr),
    Jit(JitError),
    Message(String),
    Interrupted,
}

/// The first failure of any user function in one solve. Once set, every function of the
/// solve returns NaN without running, so the solver ends quickly.
pub struct Failure {
    stopped: AtomicBool,
    error: Mutex<Option<Stored>>,
    /// Marks the solve as running for Ctrl-C: its flag is watched between evaluations.
    running: interrupt::Running,
}

impl Failure {
    /// A fresh slot, shared by the functions of one solve.
    pub fn new() -> Arc<Failure> {
        Arc::new(Failure {
            stopped: AtomicBool::new(false),
            error: Mutex::new(None),
            running: interrupt::Running::start(),
        })
    }

    fn is_set(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    fn set(&self, e: Stored) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
        self.stopped.store(true, Ordering::Relaxed);
    }

    /// Raises the kept error, if any.
    ///
    /// # Errors
    /// The user's exception, the kernel's runtime error or `KeyboardInterrupt`.
    pub fn check(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self.error.lock().unwrap_or_else(|p| p.into_inner()).take();
        match taken {
            None => Ok(()),
            Some(Stored::Python(e)) => Err(e),
            Some(Stored::Jit(e)) => Err(jit_error(py, &e)),
            Some(Stored::Message(m)) => Err(PyValueError::new_err(m)),
            Some(Stored::Interrupted) => {
                py.check_signals()?;
                Err(PyKeyboardInterrupt::new_err("interrupted"))
            }
        }
    }

    /// Keeps `e` as the solve's failure (the first one wins).
    pub fn keep(&self, e: PyErr) {
        self.set(Stored::Python(e));
    }

    /// The value `y` a native fast path gave. The fast path gives NaN for a runtime error
    /// too: a NaN is run again the slow way (`kernel` with `arg()`) to tell an error, which
    /// stops the solve, from a NaN value.
    fn native(&self, y: f64, kernel: Option<&Function>, arg: impl FnOnce() -> Value) -> f64 {
        if y.is_nan() {
            if let Some(f) = kernel
                && let Err(e) = f.call(&[arg()])
            {
                self.set(Stored::Jit(e));
            }
        } else {
            self.interrupted();
        }
        y
    }

    fn interrupted(&self) -> bool {
        if self.running.flag().load(Ordering::Relaxed) {
            self.set(Stored::Interrupted);
            return true;
        }
        false
    }
}

type Fast1 = Arc<dyn Fn(f64) -> f64 + Send + Sync>;
type FastN = Arc<dyn Fn(&[f64]) -> f64 + Send + Sync>;

enum Imp<F> {
    /// A formula, or a kernel without extra arguments: one machine-code call.
    Native { fast: F, kernel: Option<Function> },
    /// A kernel called with the extra `args` after the variable.
    Kernel { f: Function, args: Vec<Value> },
    /// A Python callable and its extra `args`.
    Python { f: Py<PyAny>, args: Py<PyTuple> },
}

/// A user function of one number returning a number (integrands, scalar roots).
pub struct ScalarFn {
    imp: Imp<Fast1>,
    failure: Arc<Failure>,
    kind: Kind,
}

/// A user function of a vector returning a number (objectives, scalar constraints).
pub struct VectorFn {
    imp: Imp<FastN>,
    failure: Arc<Failure>,
    kind: Kind,
    /// Python callables and kernels take the components as separate arguments
    /// (`f(x0, x1, ..., *args)`, as `nquad`'s integrands), not one array.
    splat: bool,
}

/// A user function of a vector (or of a number) returning a vector (gradients, residuals,
/// systems of equations, vector constraints, vector integrands).
pub struct ManyFn {
    imp: ManyImp,
    failure: Arc<Failure>,
    kind: Kind,
}

enum ManyImp {
    /// One formula per output component (the exact gradient of a formula).
    Formulas(Vec<FastN>),
    Kernel {
        f: Function,
        args: Vec<Value>,
    },
    /// `f(xdata, *x)`: a curve_fit model, the parameters spread as numbers.
    KernelModel {
        f: Function,
        xdata: Value,
    },
    Python {
        f: Py<PyAny>,
        args: Py<PyTuple>,
    },
}

/// The kind of `fun` without building anything.
pub fn kind_of(fun: &Bound<'_, PyAny>) -> Kind {
    if fun.is_instance_of::<Kernel>() {
        Kind::Kernel
    } else if fun.is_instance_of::<PyString>() {
        Kind::Formula
    } else {
        Kind::Python
    }
}

fn kernel_function(fun: &Bound<'_, PyAny>) -> PyResult<Function> {
    let k = fun.cast::<Kernel>()?;
    Ok(k.get().function(fun.py())?.clone())
}

fn formula(
    py: Python<'_>,
    text: &str,
    vars: &[(&str, VarKind)],
    args: &Bound<'_, PyTuple>,
) -> PyResult<Expression> {
    if !args.is_empty() {
        return Err(PyTypeError::new_err(
            "a formula string takes no args=(...): write the values into the formula",
        ));
    }
    compiled(py, text, vars, None)
}

/// The formula `text` in `vars` (or its derivative by `var[index]`), compiled once per process:
/// a solve called in a loop with the same formula string pays the compile once, as a
/// `@fastsci.jit` kernel does.
///
/// # Errors
/// The formula's compile error, or a function without a derivative.
pub fn compiled(
    py: Python<'_>,
    text: &str,
    vars: &[(&str, VarKind)],
    derivative: Option<(&str, Option<usize>)>,
) -> PyResult<Expression> {
    type Key = (String, Vec<(String, bool)>, Option<(String, Option<usize>)>);
    static CACHE: OnceLock<Mutex<HashMap<Key, Expression>>> = OnceLock::new();
    // A program uses few formulas; the bound only keeps one that generates formulas from
    // growing memory without end.
    const MAX_CACHED: usize = 1024;
    let key: Key = (
        text.to_string(),
        vars.iter().map(|(n, k)| (n.to_string(), *k == VarKind::Vector)).collect(),
        derivative.map(|(v, i)| (v.to_string(), i)),
    );
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(e) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(e.clone());
    }
    let base = Expression::compile(text, vars).map_err(|e| jit_error(py, &e))?;
    let e = match derivative {
        None => base,
        Some((var, index)) => base.derivative(var, index).map_err(|e| jit_error(py, &e))?,
    };
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= MAX_CACHED {
        map.clear();
    }
    map.insert(key, e.clone());
    Ok(e)
}

fn not_callable(fun: &Bound<'_, PyAny>) -> PyResult<()> {
    if !fun.is_callable() {
        return Err(PyTypeError::new_err(format!(
            "expected a callable, a @fastsci.jit kernel or a formula string, got {}",
            fun.get_type().name()?
        )));
    }
    Ok(())
}

impl ScalarFn {
    /// `fun(x, *args)` where `x` is a number (a formula names it `var`).
    ///
    /// # Errors
    /// A formula that does not compile, a kernel that does not compile for `(float, *args)`,
    /// an object that is not callable.
    pub fn new(
        fun: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        var: &str,
        failure: &Arc<Failure>,
    ) -> PyResult<ScalarFn> {
        let py = fun.py();
        let kind = kind_of(fun);
        let imp = match kind {
            Kind::Formula => {
                let e = formula(py, &fun.extract::<String>()?, &[(var, VarKind::Scalar)], args)?;
                let fast: Fast1 = Arc::new(e.to_fn1());
                Imp::Native { fast, kernel: None }
            }
            Kind::Kernel => {
                let f = kernel_function(fun)?;
                if args.is_empty() {
                    let fast: Fast1 = Arc::new(f.to_fn1().map_err(|e| jit_error(py, &e))?);
                    Imp::Native { fast, kernel: Some(f) }
                } else {
                    let args = to_values(args)?;
                    let mut probe = vec![Value::Float(0.0)];
                    probe.extend(args.iter().cloned());
                    f.compile_for(&probe).map_err(|e| jit_error(py, &e))?;
                    Imp::Kernel { f, args }
                }
            }
            Kind::Python => {
                not_callable(fun)?;
                Imp::Python { f: fun.clone().unbind(), args: args.clone().unbind() }
            }
        };
        Ok(ScalarFn { imp, failure: failure.clone(), kind })
    }

    /// Which kind of function this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// `f(x)`; NaN once any function of the solve has failed.
    pub fn call(&self, x: f64) -> f64 {
        if self.failure.is_set() {
            return f64::NAN;
        }
        match &self.imp {
            Imp::Native { fast, kernel } => self.failure.native(fast(x), kernel.as_ref(), || Value::Float(x)),
            Imp::Kernel { f, args } => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(Value::Float(x));
                all.extend(args.iter().cloned());
                kernel_number(f, &all, &self.failure)
            }
            Imp::Python { f, args } => Python::attach(|py| {
                let r = call_python(py, f, args, Ok(pyo3::types::PyFloat::new(py, x).into_any()));
                python_number(r, &self.failure)
            }),
        }
    }
}

impl VectorFn {
    /// `fun(x, *args)` where `x` is a 1-d float64 array (a formula indexes it as `var[i]`).
    ///
    /// # Errors
    /// As [`ScalarFn::new`].
    pub fn new(
        fun: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        var: &str,
        failure: &Arc<Failure>,
    ) -> PyResult<VectorFn> {
        let py = fun.py();
        let kind = kind_of(fun);
        let imp = match kind {
            Kind::Formula => {
                let e = formula(py, &fun.extract::<String>()?, &[(var, VarKind::Vector)], args)?;
                let fast: FastN = Arc::new(e.to_fn_slice());
                Imp::Native { fast, kernel: None }
            }
            Kind::Kernel => {
                let f = kernel_function(fun)?;
                if args.is_empty() {
                    let fast: FastN = Arc::new(f.to_fn_slice().map_err(|e| jit_error(py, &e))?);
                    Imp::Native { fast, kernel: Some(f) }
                } else {
                    Imp::Kernel { f, args: to_values(args)? }
                }
            }
            Kind::Python => {
                not_callable(fun)?;
                Imp::Python { f: fun.clone().unbind(), args: args.clone().unbind() }
            }
        };
        Ok(VectorFn { imp, failure: failure.clone(), kind, splat: false })
    }

    /// `fun(x0, x1, ..., *args)` of `n` numbers (`nquad`'s integrands); a formula names them
    /// `var[0]`, `var[1]`, ...
    ///
    /// # Errors
    /// As [`ScalarFn::new`].
    pub fn splat(
        fun: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        var: &str,
        failure: &Arc<Failure>,
    ) -> PyResult<VectorFn> {
        let mut f = VectorFn::new(fun, args, var, failure)?;
        if f.kind == Kind::Kernel {
            let k = kernel_function(fun)?;
            f.imp = Imp::Kernel { f: k, args: to_values(args)? };
        }
        f.splat = true;
        Ok(f)
    }

    /// Which kind of function this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// `f(x)`; NaN once any function of the solve has failed.
    pub fn call(&self, x: &[f64]) -> f64 {
        if self.failure.is_set() {
            return f64::NAN;
        }
        match &self.imp {
            Imp::Native { fast, kernel } => self.failure.native(fast(x), kernel.as_ref(), || array_value(x)),
            Imp::Kernel { f, args } => {
                let mut all = Vec::with_capacity(args.len() + x.len());
                if self.splat {
                    all.extend(x.iter().map(|&v| Value::Float(v)));
                } else {
                    all.push(array_value(x));
                }
                all.extend(args.iter().cloned());
                kernel_number(f, &all, &self.failure)
            }
            Imp::Python { f, args } => Python::attach(|py| {
                let r = if self.splat {
                    let mut all: Vec<Bound<'_, PyAny>> = Vec::with_capacity(args.bind(py).len() + x.len());
                    for &v in x {
                        all.push(pyo3::types::PyFloat::new(py, v).into_any());
                    }
                    all.extend(args.bind(py).iter());
                    PyTuple::new(py, all).and_then(|t| f.bind(py).call1(t))
                } else {
                    call_python(py, f, args, Ok(PyArray1::from_slice(py, x).into_any()))
                };
                python_number(r, &self.failure)
            }),
        }
    }
}

impl ManyFn {
    /// `fun(x, *args)` returning a sequence of numbers, `x` a 1-d float64 array (or a number
    /// when `scalar_input`). Formulas are not accepted here (one formula is one number); see
    /// [`ManyFn::gradient_of`].
    ///
    /// # Errors
    /// A formula string, an object that is not callable.
    pub fn new(
        fun: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        failure: &Arc<Failure>,
    ) -> PyResult<ManyFn> {
        let kind = kind_of(fun);
        let imp = match kind {
            Kind::Formula => {
                return Err(PyTypeError::new_err(
                    "a formula string gives one number; for a vector-valued function pass a \
                     @fastsci.jit kernel or a Python callable",
                ));
            }
            Kind::Kernel => ManyImp::Kernel { f: kernel_function(fun)?, args: to_values(args)? },
            Kind::Python => {
                not_callable(fun)?;
                ManyImp::Python { f: fun.clone().unbind(), args: args.clone().unbind() }
            }
        };
        Ok(ManyFn { imp, failure: failure.clone(), kind })
    }

    /// A `@fastsci.jit` model `fun(xdata, p0, p1, ...)` of `curve_fit`, called with the
    /// whole `xdata` array and the parameters as numbers, returning one value per point.
    ///
    /// # Errors
    /// `fun` is not a kernel.
    pub fn kernel_model(fun: &Bound<'_, PyAny>, xdata: &[f64], failure: &Arc<Failure>) -> PyResult<ManyFn> {
        let f = kernel_function(fun)?;
        Ok(ManyFn {
            imp: ManyImp::KernelModel { f, xdata: array_value(xdata) },
            failure: failure.clone(),
            kind: Kind::Kernel,
        })
    }

    /// The exact gradient of a formula in the vector `var` of length `n`: one symbolic
    /// derivative per component.
    ///
    /// # Errors
    /// A formula that does not compile, or has no derivative (`digamma`).
    pub fn gradient_of(
        py: Python<'_>,
        text: &str,
        var: &str,
        n: usize,
        failure: &Arc<Failure>,
    ) -> PyResult<ManyFn> {
        let mut parts: Vec<FastN> = Vec::with_capacity(n);
        for i in 0..n {
            let d = compiled(py, text, &[(var, VarKind::Vector)], Some((var, Some(i))))?;
            parts.push(Arc::new(d.to_fn_slice()));
        }
        Ok(ManyFn { imp: ManyImp::Formulas(parts), failure: failure.clone(), kind: Kind::Formula })
    }

    /// Which kind of function this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Writes `f(x)` into `out`; NaN everywhere once any function of the solve has failed or
    /// when the function returns a different number of values than `out` holds (which stops
    /// the solve with a `ValueError`).
    pub fn call(&self, x: &[f64], out: &mut [f64]) {
        self.call_with(Input::Vector(x), out);
    }

    /// As [`ManyFn::call`] for a function of a number (vector integrands).
    pub fn call_scalar(&self, x: f64, out: &mut [f64]) {
        self.call_with(Input::Scalar(x), out);
    }

    fn call_with(&self, x: Input<'_>, out: &mut [f64]) {
        if self.failure.is_set() {
            out.fill(f64::NAN);
            return;
        }
        let ok = match &self.imp {
            ManyImp::Formulas(parts) => {
                let Input::Vector(x) = x else { unreachable!("formula gradients take vectors") };
                for (o, p) in out.iter_mut().zip(parts) {
                    *o = p(x);
                }
                !self.failure.interrupted()
            }
            ManyImp::Kernel { f, args } => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(match x {
                    Input::Vector(x) => array_value(x),
                    Input::Scalar(x) => Value::Float(x),
                });
                all.extend(args.iter().cloned());
                match f.call(&all) {
                    Ok(v) => self.store(value_floats(&v), out),
                    Err(e) => {
                        self.failure.set(Stored::Jit(e));
                        false
                    }
                }
            }
            ManyImp::KernelModel { f, xdata } => {
                let Input::Vector(p) = x else { unreachable!("models take the parameter vector") };
                let mut all = Vec::with_capacity(p.len() + 1);
                all.push(xdata.clone());
                all.extend(p.iter().map(|&v| Value::Float(v)));
                match f.call(&all) {
                    Ok(v) => self.store(value_floats(&v), out),
                    Err(e) => {
                        self.failure.set(Stored::Jit(e));
                        false
                    }
                }
            }
            ManyImp::Python { f, args } => Python::attach(|py| {
                let arg = match x {
                    Input::Vector(x) => Ok(PyArray1::from_slice(py, x).into_any()),
                    Input::Scalar(x) => Ok(pyo3::types::PyFloat::new(py, x).into_any()),
                };
                let r = call_python(py, f, args, arg).and_then(|v| floats(&v));
                match r {
                    Ok(v) => self.store(Some(v), out),
                    Err(e) => {
                        self.failure.set(Stored::Python(e));
                        false
                    }
                }
            }),
        };
        if !ok {
            out.fill(f64::NAN);
        }
    }

    fn store(&self, values: Option<Vec<f64>>, out: &mut [f64]) -> bool {
        match values {
            Some(v) if v.len() == out.len() => {
                out.copy_from_slice(&v);
                true
            }
            Some(v) => {
                self.failure.set(Stored::Message(format!(
                    "the function returned {} values where {} were expected",
                    v.len(),
                    out.len()
                )));
                false
            }
            None => {
                self.failure
                    .set(Stored::Message("the kernel must return an array or tuple of numbers".into()));
                false
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Input<'a> {
    Vector(&'a [f64]),
    Scalar(f64),
}

/// Runs `work` with the GIL released when no Python callable takes part (`detach`), else with
/// the GIL held (each Python evaluation takes it anyway; holding it saves the hand-over).
pub fn run<R: Send>(py: Python<'_>, native: bool, work: impl FnOnce() -> R + Send) -> R {
    if native { py.detach(work) } else { work() }
}

fn array_value(x: &[f64]) -> Value {
    Value::Array(ArrayValue::F64(
        ndarray::ArrayD::from_shape_vec(vec![x.len()], x.to_vec()).expect("1-d shape"),
    ))
}

fn value_floats(v: &Value) -> Option<Vec<f64>> {
    match v {
        Value::Array(a) if a.ndim() <= 1 => Some(match a {
            ArrayValue::F64(a) => a.iter().copied().collect(),
            ArrayValue::F32(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::I64(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::I32(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::U8(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::Bool(a) => a.iter().map(|&v| v as u8 as f64).collect(),
            ArrayValue::I8(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::I16(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::U16(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::U32(a) => a.iter().map(|&v| v as f64).collect(),
            ArrayValue::U64(a) => a.iter().map(|&v| v as f64).collect(),
        }),
        Value::Tuple(items) => items.iter().map(Value::as_f64).collect(),
        other => other.as_f64().map(|v| vec![v]),
    }
}

fn kernel_number(f: &Function, args: &[Value], failure: &Failure) -> f64 {
    match f.call(args) {
        Ok(v) => match v.as_f64() {
            Some(y) => {
                failure.interrupted();
                y
            }
            None => {
                failure.set(Stored::Message(format!("the kernel `{}` must return a number", f.name())));
                f64::NAN
            }
        },
        Err(e) => {
            failure.set(Stored::Jit(e));
            f64::NAN
        }
    }
}

fn call_python<'py>(
    py: Python<'py>,
    f: &Py<PyAny>,
    args: &Py<PyTuple>,
    first: PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let first = first?;
    let args = args.bind(py);
    if args.is_empty() {
        f.bind(py).call1((first,))
    } else {
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(first);
        all.extend(args.iter());
        f.bind(py).call1(PyTuple::new(py, all)?)
    }
}

fn python_number(r: PyResult<Bound<'_, PyAny>>, failure: &Failure) -> f64 {
    match r.and_then(|v| number(&v)) {
        Ok(y) => y,
        Err(e) => {
            failure.set(Stored::Python(e));
            f64::NAN
        }
    }
}

/// A Python result as a float: numbers, NumPy scalars and size-1 arrays (as SciPy accepts).
fn number(v: &Bound<'_, PyAny>) -> PyResult<f64> {
    if let Ok(y) = v.extract::<f64>() {
        return Ok(y);
    }
    let arr = numpy_asarray(v)?;
    if arr.len() == 1 {
        return Ok(arr[0]);
    }
    Err(PyValueError::new_err(format!(
        "the function must return a number, got an array of {} values",
        arr.len()
    )))
}

/// A Python result as a flat vector of floats.
fn floats(v: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    if let Ok(y) = v.extract::<f64>() {
        return Ok(vec![y]);
    }
    numpy_asarray(v)
}

fn numpy_asarray(v: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let np = v.py().import("numpy")?;
    let arr = np.call_method1("asarray", (v, "float64"))?.call_method0("ravel")?;
    let arr = arr.cast_into::<PyArray1<f64>>()?;
    Ok(arr.readonly().as_slice().map(<[f64]>::to_vec).unwrap_or_else(|_| arr.to_vec().unwrap_or_default()))
}
