//! `fastsci.optimize`: fastsci-optimize behind SciPy's names. These functions take
//! arguments already normalized by `python/fastsci/optimize.py` and return dicts of SciPy's
//! result fields, which the Python layer wraps in `OptimizeResult`.

use std::cell::RefCell;

use fastsci_jit::{Expression, VarKind};
use fastsci_optimize::lsq::{CurveFitOptions, Loss, LsqMethod, LsqOptions, LsqProblem, XScale};
use fastsci_optimize::roots::RootSystemMethod;
use fastsci_optimize::{
    Constraint, FiniteDiff, Method, MinimizeOptions, OptimizeError, Problem, RootMethod, RootOptions,
    RootProblem, ScalarMethod,
};
use ndarray::ArrayViewMut2;
use numpy::{PyArray1, PyArray2, PyReadonlyArray1};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::callable::{Failure, Kind, ManyFn, ScalarFn, VectorFn, compiled, kind_of, run};
use crate::errors::jit_error;

fn optimize_error(e: OptimizeError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn method_of(name: &str) -> PyResult<Method> {
    let lower = name.to_ascii_lowercase();
    Method::ALL.into_iter().find(|m| m.name().to_ascii_lowercase() == lower).ok_or_else(|| {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
        PyValueError::new_err(format!("unknown method '{name}' (fastsci has {})", names.join(", ")))
    })
}

/// One constraint as the Python layer hands it over: `(type, fun, jac, args, m)`, with
/// `m = None` for a function returning one number.
type ConstraintSpec<'py> =
    (String, Bound<'py, PyAny>, Option<Bound<'py, PyAny>>, Bound<'py, PyTuple>, Option<usize>);

enum ConstraintFn {
    Scalar(VectorFn),
    Many(ManyFn, usize),
}

struct BuiltConstraint {
    eq: bool,
    fun: ConstraintFn,
    jac: Option<ManyFn>,
}

/// `minimize` with every method fastsci-optimize has; `options` holds SciPy's option names.
#[pyfunction]
#[pyo3(signature = (fun, x0, args, method, jac, hess, bounds, constraints, options))]
#[allow(clippy::too_many_arguments)]
fn minimize<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    x0: Vec<f64>,
    args: &Bound<'py, PyTuple>,
    method: &str,
    jac: Option<&Bound<'py, PyAny>>,
    hess: Option<&Bound<'py, PyAny>>,
    bounds: Option<Vec<(f64, f64)>>,
    constraints: Vec<ConstraintSpec<'py>>,
    options: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyDict>> {
    let method = method_of(method)?;
    let n = x0.len();
    let failure = Failure::new();
    let f = VectorFn::new(fun, args, "x", &failure)?;
    let grad = match jac {
        Some(j) if j.is_callable() || kind_of(j) == Kind::Kernel => Some(ManyFn::new(j, args, &failure)?),
        Some(_) => None,
        None if f.kind() == Kind::Formula => {
            Some(ManyFn::gradient_of(py, &fun.extract::<String>()?, "x", n, &failure)?)
        }
        None => None,
    };
    let hessian = match hess {
        Some(h) if h.is_callable() || kind_of(h) == Kind::Kernel => Some(ManyFn::new(h, args, &failure)?),
        _ => None,
    };
    let mut built = Vec::with_capacity(constraints.len());
    for (kind, cfun, cjac, cargs, m) in &constraints {
        let eq = match kind.as_str() {
            "eq" => true,
            "ineq" => false,
            other => {
                return Err(PyValueError::new_err(format!(
                    "constraint type must be 'eq' or 'ineq', got '{other}'"
                )));
            }
        };
        let fun = match m {
            None => ConstraintFn::Scalar(VectorFn::new(cfun, cargs, "x", &failure)?),
            Some(m) => ConstraintFn::Many(ManyFn::new(cfun, cargs, &failure)?, *m),
        };
        let jac = match cjac {
            Some(j) => Some(ManyFn::new(j, cargs, &failure)?),
            None if kind_of(cfun) == Kind::Formula => {
                Some(ManyFn::gradient_of(py, &cfun.extract::<String>()?, "x", n, &failure)?)
            }
            None => None,
        };
        built.push(BuiltConstraint { eq, fun, jac });
    }
    let opts = options_of(options)?;
    let mut native = f.kind() != Kind::Python;
    native &= grad.as_ref().is_none_or(|g| g.kind() != Kind::Python);
    native &= hessian.as_ref().is_none_or(|g| g.kind() != Kind::Python);
    for c in &built {
        let k = match &c.fun {
            ConstraintFn::Scalar(v) => v.kind(),
            ConstraintFn::Many(v, _) => v.kind(),
        };
        native &= k != Kind::Python && c.jac.as_ref().is_none_or(|j| j.kind() != Kind::Python);
    }
    let r = run(py, native, || {
        let mut p = Problem::new(|x: &[f64]| f.call(x));
        if let Some(g) = &grad {
            p = p.with_gradient(|x: &[f64], out: &mut [f64]| g.call(x, out));
        }
        if let Some(h) = &hessian {
            p = p.with_hessian(|x: &[f64], mut out: ArrayViewMut2<f64>| h.call(x, standard(&mut out)));
        }
        if let Some(b) = &bounds {
            p = p.with_bounds(b);
        }
        for c in &built {
            let mut con = match (&c.fun, c.eq) {
                (ConstraintFn::Scalar(v), true) => Constraint::eq(|x: &[f64]| v.call(x)),
                (ConstraintFn::Scalar(v), false) => Constraint::ineq(|x: &[f64]| v.call(x)),
                (ConstraintFn::Many(v, m), true) => {
                    Constraint::eq_vec(*m, |x: &[f64], out: &mut [f64]| v.call(x, out))
                }
                (ConstraintFn::Many(v, m), false) => {
                    Constraint::ineq_vec(*m, |x: &[f64], out: &mut [f64]| v.call(x, out))
                }
            };
            if let Some(j) = &c.jac {
                con =
                    con.with_jacobian(|x: &[f64], mut out: ArrayViewMut2<f64>| j.call(x, standard(&mut out)));
            }
            p = p.with_constraint(con);
        }
        p.minimize(&x0, method, &opts)
    });
    failure.check(py)?;
    let r = r.map_err(optimize_error)?;
    let success = r.success();
    let d = PyDict::new(py);
    d.set_item("x", PyArray1::from_vec(py, r.x))?;
    d.set_item("fun", r.fun)?;
    if let Some(j) = r.jac {
        d.set_item("jac", PyArray1::from_vec(py, j))?;
    }
    if let Some(h) = r.hess_inv {
        d.set_item("hess_inv", PyArray2::from_owned_array(py, h))?;
    }
    d.set_item("nfev", r.nfev)?;
    d.set_item("njev", r.njev)?;
    if r.nhev > 0 {
        d.set_item("nhev", r.nhev)?;
    }
    d.set_item("nit", r.nit)?;
    d.set_item("status", r.code)?;
    d.set_item("success", success)?;
    d.set_item("message", r.message)?;
    if let Some(m) = r.multipliers {
        d.set_item("multipliers", PyArray1::from_vec(py, m))?;
    }
    d.set_item("callable", f.kind().name())?;
    Ok(d)
}

fn options_of(o: &Bound<'_, PyDict>) -> PyResult<MinimizeOptions> {
    let mut opts = MinimizeOptions::default();
    for (k, v) in o.iter() {
        let k: String = k.extract()?;
        if v.is_none() {
            continue;
        }
        match k.as_str() {
            "tol" => opts.tol = Some(v.extract()?),
            "maxiter" => opts.maxiter = Some(v.extract()?),
            "maxfev" | "maxfun" => opts.maxfev = Some(v.extract()?),
            "gtol" | "pgtol" => opts.gtol = Some(v.extract()?),
            "xatol" | "xtol" => opts.xatol = Some(v.extract()?),
            "fatol" | "ftol" => opts.fatol = Some(v.extract()?),
            "adaptive" => opts.adaptive = v.extract()?,
            "initial_simplex" => {
                let points: Vec<Vec<f64>> = v.extract()?;
                let n = points.first().map_or(0, Vec::len);
                let flat: Vec<f64> = points.iter().flatten().copied().collect();
                let simplex = ndarray::Array2::from_shape_vec((points.len(), n), flat).map_err(|_| {
                    PyValueError::new_err("initial_simplex: every point must have the same length")
                })?;
                opts.initial_simplex = Some(simplex);
            }
            "maxcor" => opts.m = v.extract()?,
            "maxls" => opts.maxls = v.extract()?,
            "eps" => opts.finite_diff = Some(FiniteDiff::Absolute(v.extract()?)),
            "finite_diff" => {
                opts.finite_diff = Some(match v.extract::<String>()?.as_str() {
                    "2-point" => FiniteDiff::TwoPoint,
                    "3-point" => FiniteDiff::ThreePoint,
                    other => return Err(PyValueError::new_err(format!("unknown jac scheme '{other}'"))),
                })
            }
            // Accepted for drop-in use; they change nothing here.
            "disp" | "return_all" | "iprint" | "norm" | "xrtol" | "c1" | "c2" | "finite_diff_rel_step" => {}
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unknown option '{other}' for fastsci.optimize.minimize"
                )));
            }
        }
    }
    Ok(opts)
}

/// `minimize_scalar`: `(x, fun, nit, nfev, success, message, kind)`.
#[pyfunction]
#[pyo3(signature = (fun, args, method, bracket, bounds))]
fn minimize_scalar(
    py: Python<'_>,
    fun: &Bound<'_, PyAny>,
    args: &Bound<'_, PyTuple>,
    method: &str,
    bracket: Option<(f64, f64)>,
    bounds: Option<(f64, f64)>,
) -> PyResult<(f64, f64, usize, usize, bool, String, &'static str)> {
    let failure = Failure::new();
    let f = ScalarFn::new(fun, args, "x", &failure)?;
    let bracket = bracket.unwrap_or((0.0, 1.0));
    let m = match method.to_ascii_lowercase().as_str() {
        "brent" => ScalarMethod::Brent { bracket },
        "golden" => ScalarMethod::Golden { bracket },
        "bounded" => {
            let (lo, hi) =
                bounds.ok_or_else(|| PyValueError::new_err("method 'bounded' needs bounds=(lo, hi)"))?;
            ScalarMethod::Bounded { lo, hi }
        }
        other => {
            return Err(PyValueError::new_err(format!("unknown method '{other}' (brent, golden, bounded)")));
        }
    };
    let native = f.kind() != Kind::Python;
    let r = run(py, native, || fastsci_optimize::minimize_scalar(|x| f.call(x), m));
    failure.check(py)?;
    let r = r.map_err(optimize_error)?;
    Ok((r.x, r.fun, r.nit, r.nfev, r.success(), r.message, f.kind().name()))
}

/// `root_scalar`: `(root, iterations, function_calls, converged, flag, kind)`.
#[pyfunction]
#[pyo3(signature = (f, args, method, bracket, x0, x1, fprime, fprime2, xtol, rtol, maxiter))]
#[allow(clippy::too_many_arguments)]
fn root_scalar(
    py: Python<'_>,
    f: &Bound<'_, PyAny>,
    args: &Bound<'_, PyTuple>,
    method: &str,
    bracket: Option<(f64, f64)>,
    x0: Option<f64>,
    x1: Option<f64>,
    fprime: Option<&Bound<'_, PyAny>>,
    fprime2: Option<&Bound<'_, PyAny>>,
    xtol: Option<f64>,
    rtol: Option<f64>,
    maxiter: Option<usize>,
) -> PyResult<(f64, usize, usize, bool, String, &'static str)> {
    let m = match method.to_ascii_lowercase().as_str() {
        "brentq" => RootMethod::Brentq,
        "ridder" => RootMethod::Ridder,
        "bisect" => RootMethod::Bisect,
        "newton" => RootMethod::Newton,
        "secant" => RootMethod::Secant,
        "halley" => RootMethod::Halley,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown method '{other}' (brentq, ridder, bisect, newton, secant, halley)"
            )));
        }
    };
    let failure = Failure::new();
    let func = ScalarFn::new(f, args, "x", &failure)?;
    // A formula's derivatives are exact: its symbolic derivative, unless one was given.
    let derived = |order: usize| -> PyResult<Option<Expression>> {
        if kind_of(f) != Kind::Formula {
            return Ok(None);
        }
        let mut e = compiled(py, &f.extract::<String>()?, &[("x", VarKind::Scalar)], Some(("x", None)))?;
        if order == 2 {
            e = e.derivative("x", None).map_err(|e| jit_error(py, &e))?;
        }
        Ok(Some(e))
    };
    let d1 = match fprime {
        Some(d) => Derivative::User(ScalarFn::new(d, args, "x", &failure)?),
        None => derived(1)?.map_or(Derivative::None, Derivative::Formula),
    };
    let d2 = match fprime2 {
        Some(d) => Derivative::User(ScalarFn::new(d, args, "x", &failure)?),
        None if m == RootMethod::Halley => derived(2)?.map_or(Derivative::None, Derivative::Formula),
        None => Derivative::None,
    };
    let native = func.kind() != Kind::Python && !d1.is_python() && !d2.is_python();
    let o = RootOptions { xtol, rtol, maxiter };
    let r = run(py, native, || {
        let mut p = RootProblem::new(|x| func.call(x));
        if let Some((a, b)) = bracket {
            p = p.with_bracket(a, b);
        }
        if let Some(x0) = x0 {
            p = p.with_x0(x0);
        }
        if let Some(x1) = x1 {
            p = p.with_x1(x1);
        }
        if matches!(m, RootMethod::Newton | RootMethod::Halley) {
            if let Some(d) = d1.closure() {
                p = p.with_fprime(d);
            }
            if let Some(d) = d2.closure() {
                p = p.with_fprime2(d);
            }
        }
        fastsci_optimize::root_scalar(p, m, &o)
    });
    failure.check(py)?;
    let r = r.map_err(optimize_error)?;
    Ok((r.root, r.iterations, r.function_calls, r.success(), r.status.flag().to_string(), func.kind().name()))
}

enum Derivative {
    None,
    User(ScalarFn),
    Formula(Expression),
}

impl Derivative {
    fn is_python(&self) -> bool {
        matches!(self, Derivative::User(f) if f.kind() == Kind::Python)
    }

    fn closure(&self) -> Option<Box<dyn FnMut(f64) -> f64 + '_>> {
        match self {
            Derivative::None => None,
            Derivative::User(f) => Some(Box::new(|x| f.call(x))),
            Derivative::Formula(e) => Some(Box::new(e.to_fn1())),
        }
    }
}

/// `root(fun, x0, method='hybr'|'lm')` for systems.
#[pyfunction]
#[pyo3(signature = (fun, x0, args, method))]
fn root<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    x0: Vec<f64>,
    args: &Bound<'py, PyTuple>,
    method: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let m = match method.to_ascii_lowercase().as_str() {
        "hybr" => RootSystemMethod::Hybr,
        "lm" => RootSystemMethod::Lm,
        other => return Err(PyValueError::new_err(format!("unknown method '{other}' (hybr, lm)"))),
    };
    let failure = Failure::new();
    let f = ManyFn::new(fun, args, &failure)?;
    let native = f.kind() != Kind::Python;
    let r = run(py, native, || {
        fastsci_optimize::roots::root(|x: &[f64], out: &mut [f64]| f.call(x, out), &x0, m)
    });
    failure.check(py)?;
    let r = r.map_err(optimize_error)?;
    let success = r.success();
    let d = PyDict::new(py);
    d.set_item("x", PyArray1::from_vec(py, r.x))?;
    d.set_item("fun", PyArray1::from_vec(py, r.fun))?;
    d.set_item("success", success)?;
    d.set_item("status", r.code)?;
    d.set_item("message", r.message)?;
    d.set_item("nfev", r.nfev)?;
    d.set_item("callable", f.kind().name())?;
    Ok(d)
}

/// `least_squares` (TRF or LM) of `m` residuals.
#[pyfunction]
#[pyo3(signature = (fun, x0, m, args, jac, bounds, method, ftol, xtol, gtol, x_scale, loss, f_scale, diff_step, max_nfev))]
#[allow(clippy::too_many_arguments)]
fn least_squares<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    x0: Vec<f64>,
    m: usize,
    args: &Bound<'py, PyTuple>,
    jac: Option<&Bound<'py, PyAny>>,
    bounds: Option<Vec<(f64, f64)>>,
    method: &str,
    ftol: f64,
    xtol: f64,
    gtol: f64,
    x_scale: Option<&Bound<'py, PyAny>>,
    loss: &str,
    f_scale: f64,
    diff_step: Option<f64>,
    max_nfev: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let n = x0.len();
    let failure = Failure::new();
    let f = ManyFn::new(fun, args, &failure)?;
    let j = jac.map(|j| ManyFn::new(j, args, &failure)).transpose()?;
    let method = match method {
        "trf" => LsqMethod::Trf,
        "lm" => LsqMethod::Lm,
        other => return Err(PyValueError::new_err(format!("unknown method '{other}' (trf, lm)"))),
    };
    let loss: Loss = loss.parse().map_err(|e: OptimizeError| PyValueError::new_err(e.to_string()))?;
    let x_scale = match x_scale {
        None => None,
        Some(s) if s.extract::<String>().is_ok_and(|s| s == "jac") => Some(XScale::Jac),
        Some(s) => match s.extract::<f64>() {
            Ok(v) => Some(XScale::Values(vec![v; n])),
            Err(_) => Some(XScale::Values(s.extract()?)),
        },
    };
    let o = LsqOptions { method, ftol, xtol, gtol, x_scale, loss, f_scale, max_nfev, diff_step };
    let native = f.kind() != Kind::Python && j.as_ref().is_none_or(|j| j.kind() != Kind::Python);
    let r = run(py, native, || {
        let mut p = LsqProblem::new(m, |x: &[f64], out: &mut [f64]| f.call(x, out));
        if let Some(j) = &j {
            p = p.with_jacobian(|x: &[f64], mut out: ArrayViewMut2<f64>| j.call(x, standard(&mut out)));
        }
        if let Some(b) = &bounds {
            p = p.with_bounds(b);
        }
        p.solve(&x0, &o)
    });
    failure.check(py)?;
    let r = r.map_err(optimize_error)?;
    let success = r.success();
    let d = PyDict::new(py);
    d.set_item("x", PyArray1::from_vec(py, r.x))?;
    d.set_item("cost", r.cost)?;
    d.set_item("fun", PyArray1::from_vec(py, r.fun))?;
    d.set_item("jac", PyArray2::from_owned_array(py, r.jac))?;
    d.set_item("grad", PyArray1::from_vec(py, r.grad))?;
    d.set_item("optimality", r.optimality)?;
    d.set_item("active_mask", PyArray1::from_vec(py, r.active_mask.iter().map(|&v| v as i64).collect()))?;
    d.set_item("nfev", r.nfev)?;
    d.set_item("njev", r.njev)?;
    d.set_item("status", r.status.code())?;
    d.set_item("success", success)?;
    d.set_item("message", r.message)?;
    d.set_item("callable", f.kind().name())?;
    Ok(d)
}

/// The model of `curve_fit` evaluated at every point for one parameter vector at a time and
/// kept: fastsci-optimize asks for it point by point, in order, while SciPy's model is called
/// once with the whole `xdata` array (as Python users write it).
struct VectorizedModel<'a> {
    f: &'a ManyFn,
    xdata: &'a [f64],
    cache: RefCell<(Vec<f64>, Vec<f64>, usize)>,
}

impl VectorizedModel<'_> {
    fn at(&self, x: f64, p: &[f64]) -> f64 {
        let mut cache = self.cache.borrow_mut();
        let (params, values, next) = &mut *cache;
        let m = self.xdata.len();
        if params.len() != p.len() || params.iter().zip(p).any(|(a, b)| a.to_bits() != b.to_bits()) {
            params.clear();
            params.extend_from_slice(p);
            values.resize(m, 0.0);
            // The whole data set, evaluated once for these parameters.
            self.f.call(p, values);
            *next = 0;
        }
        let mut i = *next % m;
        if self.xdata[i].to_bits() != x.to_bits() {
            i = self.xdata.iter().position(|v| v.to_bits() == x.to_bits()).unwrap_or(i);
        }
        *next = i + 1;
        values[i]
    }
}

/// `curve_fit`: `(popt, pcov, nfev, cost, success, message, kind)`. `model` is a formula in
/// `x` and `p[i]`, a `@fastsci.jit` kernel `f(xdata, *p)`, or the Python layer's
/// `lambda p: f(xdata, *p)`.
#[pyfunction]
#[pyo3(signature = (model, xdata, ydata, p0, sigma, absolute_sigma, bounds))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn curve_fit<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    xdata: PyReadonlyArray1<'py, f64>,
    ydata: PyReadonlyArray1<'py, f64>,
    p0: Vec<f64>,
    sigma: Option<PyReadonlyArray1<'py, f64>>,
    absolute_sigma: bool,
    bounds: Option<Vec<(f64, f64)>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyArray2<f64>>, usize, f64, bool, String, &'static str)>
{
    let xs = xdata.as_slice()?;
    let ys = ydata.as_slice()?;
    let sigma = sigma.as_ref().map(|s| s.as_slice()).transpose()?;
    let failure = Failure::new();
    let o = CurveFitOptions { sigma, absolute_sigma, bounds: bounds.as_deref() };
    let (kind, r) = if kind_of(model) == Kind::Formula {
        let vars = [("x", VarKind::Scalar), ("p", VarKind::Vector)];
        let e = compiled(py, &model.extract::<String>()?, &vars, None)?;
        let r = py.detach(|| fastsci_optimize::lsq::curve_fit(|x, p| e.eval(&[x], &[p]), xs, ys, &p0, &o));
        (Kind::Formula, r)
    } else {
        let f = if kind_of(model) == Kind::Kernel {
            ManyFn::kernel_model(model, xs, &failure)?
        } else {
            ManyFn::new(model, &PyTuple::empty(py), &failure)?
        };
        let r = run(py, f.kind() != Kind::Python, || {
            let vm = VectorizedModel { f: &f, xdata: xs, cache: RefCell::new((Vec::new(), Vec::new(), 0)) };
            fastsci_optimize::lsq::curve_fit(|x, p| vm.at(x, p), xs, ys, &p0, &o)
        });
        (f.kind(), r)
    };
    failure.check(py)?;
    let r = r.map_err(optimize_error)?;
    let success = r.success();
    let pcov = PyArray2::from_owned_array(py, r.pcov);
    Ok((PyArray1::from_vec(py, r.popt), pcov, r.nfev, r.cost, success, r.message, kind.name()))
}

/// The row-major slice under a matrix view fastsci-optimize hands to a callback (always in
/// standard layout: it is built over the solver's own buffer).
fn standard<'v>(view: &'v mut ArrayViewMut2<'_, f64>) -> &'v mut [f64] {
    view.as_slice_mut().expect("fastsci-optimize passes standard-layout views")
}

/// Adds the `_optimize` submodule to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let sub = PyModule::new(m.py(), "_optimize")?;
    sub.add_function(wrap_pyfunction!(minimize, &sub)?)?;
    sub.add_function(wrap_pyfunction!(minimize_scalar, &sub)?)?;
    sub.add_function(wrap_pyfunction!(root_scalar, &sub)?)?;
    sub.add_function(wrap_pyfunction!(root, &sub)?)?;
    sub.add_function(wrap_pyfunction!(least_squares, &sub)?)?;
    sub.add_function(wrap_pyfunction!(curve_fit, &sub)?)?;
    m.add_submodule(&sub)?;
    Ok(())
}
