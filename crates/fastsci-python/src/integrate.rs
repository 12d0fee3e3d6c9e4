//! `fastsci.integrate`: fastsci-integrate's quadrature and derivatives behind SciPy's names.
//! These functions return plain tuples; `python/fastsci/integrate.py` shapes them into
//! SciPy's return values and warnings.

use std::sync::Arc;

use fastsci_integrate::{
    DerivativeOptions, IntegrateError, Limit, Norm, QuadOptions, QuadResult, QuadVecOptions, Spacing, Weight,
};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::callable::{Failure, Kind, ManyFn, ScalarFn, VectorFn, run};

fn integrate_error(e: IntegrateError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// What a `quad`-family call returns to the Python layer:
/// `(value, abserr, neval, intervals, ier, message, kind)`.
type QuadTuple = (f64, f64, usize, usize, i32, String, &'static str);

fn quad_tuple(r: QuadResult, kind: Kind) -> QuadTuple {
    (r.value, r.abserr, r.neval, r.intervals, r.status.code(), r.message, kind.name())
}

fn weight(name: Option<&str>, wvar: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Weight>> {
    let Some(name) = name else { return Ok(None) };
    let wvar = wvar.ok_or_else(|| PyValueError::new_err(format!("weight='{name}' needs wvar")))?;
    let pair = || -> PyResult<(f64, f64)> {
        wvar.extract::<(f64, f64)>()
            .map_err(|_| PyValueError::new_err(format!("weight='{name}' needs wvar=(alpha, beta)")))
    };
    Ok(Some(match name {
        "cos" => Weight::Cos(wvar.extract()?),
        "sin" => Weight::Sin(wvar.extract()?),
        "cauchy" => Weight::Cauchy(wvar.extract()?),
        "alg" => {
            let (a, b) = pair()?;
            Weight::Alg(a, b)
        }
        "alg-loga" => {
            let (a, b) = pair()?;
            Weight::AlgLogA(a, b)
        }
        "alg-logb" => {
            let (a, b) = pair()?;
            Weight::AlgLogB(a, b)
        }
        "alg-log" => {
            let (a, b) = pair()?;
            Weight::AlgLog(a, b)
        }
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown weight '{other}' (cos, sin, cauchy, alg, alg-loga, alg-logb, alg-log)"
            )));
        }
    }))
}

/// `quad` on fastsci-integrate's QUADPACK (QAGS/QAGI/QAGP/QAWO/QAWF/QAWC/QAWS).
#[pyfunction]
#[pyo3(signature = (fun, a, b, args, epsabs, epsrel, limit, points, weight_name, wvar, limlst))]
#[allow(clippy::too_many_arguments)]
fn quad(
    py: Python<'_>,
    fun: &Bound<'_, PyAny>,
    a: f64,
    b: f64,
    args: &Bound<'_, PyTuple>,
    epsabs: f64,
    epsrel: f64,
    limit: usize,
    points: Option<Vec<f64>>,
    weight_name: Option<String>,
    wvar: Option<&Bound<'_, PyAny>>,
    limlst: usize,
) -> PyResult<QuadTuple> {
    let failure = Failure::new();
    let f = ScalarFn::new(fun, args, "x", &failure)?;
    let options = QuadOptions {
        epsabs,
        epsrel,
        limit,
        points: points.unwrap_or_default(),
        weight: weight(weight_name.as_deref(), wvar)?,
        limlst,
    };
    let native = f.kind() != Kind::Python;
    let r = run(py, native, || fastsci_integrate::quad(|x| f.call(x), a, b, &options));
    failure.check(py)?;
    Ok(quad_tuple(r.map_err(integrate_error)?, f.kind()))
}

/// `quad_vec` of a function returning `n` values: `(value, abserr, neval, intervals, ier,
/// message, kind)` with `value` an array.
#[pyfunction]
#[pyo3(signature = (fun, a, b, n, args, epsabs, epsrel, norm, limit, points))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn quad_vec<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    a: f64,
    b: f64,
    n: usize,
    args: &Bound<'py, PyTuple>,
    epsabs: f64,
    epsrel: f64,
    norm: &str,
    limit: usize,
    points: Vec<f64>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, f64, usize, usize, i32, String, &'static str)> {
    let failure = Failure::new();
    let norm = match norm {
        "max" => Norm::Max,
        "2" => Norm::L2,
        other => return Err(PyValueError::new_err(format!("norm must be 'max' or '2', got '{other}'"))),
    };
    let (kind, value) = if crate::callable::kind_of(fun) == Kind::Formula {
        let f = ScalarFn::new(fun, args, "x", &failure)?;
        (Kind::Formula, Either::Scalar(f))
    } else {
        let f = ManyFn::new(fun, args, &failure)?;
        (f.kind(), Either::Many(f))
    };
    let native = kind != Kind::Python;
    let options = QuadVecOptions { epsabs, epsrel, norm, limit, parallel: native, points };
    let r = run(py, native, || {
        fastsci_integrate::quad_vec(
            |x: f64, out: &mut [f64]| match &value {
                Either::Scalar(f) => out[0] = f.call(x),
                Either::Many(f) => f.call_scalar(x, out),
            },
            n,
            a,
            b,
            &options,
        )
    });
    failure.check(py)?;
    let r = r.map_err(integrate_error)?;
    Ok((
        PyArray1::from_vec(py, r.value),
        r.abserr,
        r.neval,
        r.intervals,
        r.status.code(),
        r.message,
        kind.name(),
    ))
}

enum Either {
    Scalar(ScalarFn),
    Many(ManyFn),
}

/// A range of `nquad`: fixed numbers, or a Python callable of the outer variables.
enum Range {
    Fixed(f64, f64),
    Python(Py<PyAny>),
}

/// `nquad(fun, ranges)`: `fun(x0, x1, ..., *args)`, `ranges[0]` the innermost; a range is a
/// pair or a callable of the outer variables returning one.
#[pyfunction]
#[pyo3(signature = (fun, ranges, args, epsabs, epsrel, limit))]
fn nquad(
    py: Python<'_>,
    fun: &Bound<'_, PyAny>,
    ranges: &Bound<'_, PyAny>,
    args: &Bound<'_, PyTuple>,
    epsabs: f64,
    epsrel: f64,
    limit: usize,
) -> PyResult<QuadTuple> {
    let failure = Failure::new();
    let f = VectorFn::splat(fun, args, "x", &failure)?;
    let mut parsed = Vec::new();
    for r in ranges.try_iter()? {
        let r = r?;
        if let Ok((lo, hi)) = r.extract::<(f64, f64)>() {
            parsed.push(Range::Fixed(lo, hi));
        } else if r.is_callable() {
            parsed.push(Range::Python(r.unbind()));
        } else {
            return Err(PyTypeError::new_err(
                "each range must be a pair (lo, hi) or a callable returning one",
            ));
        }
    }
    let native = f.kind() != Kind::Python && parsed.iter().all(|r| matches!(r, Range::Fixed(..)));
    let failure_ref = &failure;
    let limits: Vec<Limit<'_>> = parsed
        .iter()
        .map(|r| match r {
            Range::Fixed(lo, hi) => Limit::Fixed(*lo, *hi),
            Range::Python(g) => {
                Limit::Depends(Box::new(move |outer: &[f64]| range_at(g, outer, failure_ref)))
            }
        })
        .collect();
    let options = QuadOptions { epsabs, epsrel, limit, ..QuadOptions::default() };
    let limits = crate::convert::AssertSend(limits);
    let r = run(py, native, || {
        let limits = limits;
        fastsci_integrate::nquad(|v: &[f64]| f.call(v), &limits.0, &options)
    });
    failure.check(py)?;
    Ok(quad_tuple(r.map_err(integrate_error)?, f.kind()))
}

fn range_at(g: &Py<PyAny>, outer: &[f64], failure: &Arc<Failure>) -> (f64, f64) {
    Python::attach(|py| {
        let args = PyTuple::new(py, outer.iter().copied());
        let r = args.and_then(|t| g.bind(py).call1(t)).and_then(|v| v.extract::<(f64, f64)>());
        match r {
            Ok(v) => v,
            Err(e) => {
                failure.keep(e);
                (f64::NAN, f64::NAN)
            }
        }
    })
}

/// `fixed_quad`: n-point Gauss–Legendre; `(value, kind)`.
#[pyfunction]
#[pyo3(signature = (fun, a, b, args, n))]
fn fixed_quad(
    py: Python<'_>,
    fun: &Bound<'_, PyAny>,
    a: f64,
    b: f64,
    args: &Bound<'_, PyTuple>,
    n: usize,
) -> PyResult<(f64, &'static str)> {
    let failure = Failure::new();
    let f = ScalarFn::new(fun, args, "x", &failure)?;
    let native = f.kind() != Kind::Python;
    let r = run(py, native, || fastsci_integrate::fixed_quad(|x| f.call(x), a, b, n));
    failure.check(py)?;
    Ok((r.map_err(integrate_error)?, f.kind().name()))
}

fn spacing<'a>(x: Option<&'a [f64]>, dx: f64) -> Spacing<'a> {
    match x {
        Some(x) => Spacing::Points(x),
        None => Spacing::Uniform(dx),
    }
}

/// `trapezoid(y, x=None, dx=1.0)` over 1-d samples.
#[pyfunction]
#[pyo3(signature = (y, x, dx))]
fn trapezoid(y: PyReadonlyArray1<'_, f64>, x: Option<PyReadonlyArray1<'_, f64>>, dx: f64) -> PyResult<f64> {
    let y = y.as_slice()?;
    let x = x.as_ref().map(|x| x.as_slice()).transpose()?;
    fastsci_integrate::trapezoid(y, spacing(x, dx)).map_err(integrate_error)
}

/// `simpson(y, x=None, dx=1.0)` over 1-d samples.
#[pyfunction]
#[pyo3(signature = (y, x, dx))]
fn simpson(y: PyReadonlyArray1<'_, f64>, x: Option<PyReadonlyArray1<'_, f64>>, dx: f64) -> PyResult<f64> {
    let y = y.as_slice()?;
    let x = x.as_ref().map(|x| x.as_slice()).transpose()?;
    fastsci_integrate::simpson(y, spacing(x, dx)).map_err(integrate_error)
}

/// `cumulative_trapezoid(y, x=None, dx=1.0, initial=None)` over 1-d samples.
#[pyfunction]
#[pyo3(signature = (y, x, dx, initial))]
fn cumulative_trapezoid<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f64>,
    x: Option<PyReadonlyArray1<'py, f64>>,
    dx: f64,
    initial: Option<f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let y = y.as_slice()?;
    let x = x.as_ref().map(|x| x.as_slice()).transpose()?;
    let v = fastsci_integrate::cumulative_trapezoid(y, spacing(x, dx), initial).map_err(integrate_error)?;
    Ok(PyArray1::from_vec(py, v))
}

/// `romb(y, dx)` over 2^k + 1 samples.
#[pyfunction]
fn romb(y: PyReadonlyArray1<'_, f64>, dx: f64) -> PyResult<f64> {
    fastsci_integrate::romb(y.as_slice()?, dx).map_err(integrate_error)
}

/// `derivative(f, x)` at each point of `x` (1-d): `(df, error, success, status, nfev, nit,
/// kind)` as arrays.
#[pyfunction]
#[pyo3(signature = (fun, x, args, initial_step, step_factor, order, maxiter, atol, rtol))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn derivative<'py>(
    py: Python<'py>,
    fun: &Bound<'py, PyAny>,
    x: Vec<f64>,
    args: &Bound<'py, PyTuple>,
    initial_step: f64,
    step_factor: f64,
    order: usize,
    maxiter: usize,
    atol: f64,
    rtol: f64,
) -> PyResult<(Vec<f64>, Vec<f64>, Vec<bool>, Vec<i32>, Vec<usize>, Vec<usize>, &'static str)> {
    let failure = Failure::new();
    let f = ScalarFn::new(fun, args, "x", &failure)?;
    let options = DerivativeOptions { initial_step, step_factor, order, maxiter, atol, rtol };
    let native = f.kind() != Kind::Python;
    let results = run(py, native, || {
        x.iter().map(|&x| fastsci_integrate::derivative(|t| f.call(t), x, &options)).collect::<Vec<_>>()
    });
    failure.check(py)?;
    let mut out = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), f.kind().name());
    for r in results {
        let r = r.map_err(integrate_error)?;
        out.0.push(r.value);
        out.1.push(r.error);
        out.2.push(r.success());
        out.3.push(r.status.code());
        out.4.push(r.nfev);
        out.5.push(r.nit);
    }
    Ok(out)
}

/// Adds the `integrate_*` functions to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let sub = PyModule::new(m.py(), "_integrate")?;
    sub.add_function(wrap_pyfunction!(quad, &sub)?)?;
    sub.add_function(wrap_pyfunction!(quad_vec, &sub)?)?;
    sub.add_function(wrap_pyfunction!(nquad, &sub)?)?;
    sub.add_function(wrap_pyfunction!(fixed_quad, &sub)?)?;
    sub.add_function(wrap_pyfunction!(trapezoid, &sub)?)?;
    sub.add_function(wrap_pyfunction!(simpson, &sub)?)?;
    sub.add_function(wrap_pyfunction!(cumulative_trapezoid, &sub)?)?;
    sub.add_function(wrap_pyfunction!(romb, &sub)?)?;
    sub.add_function(wrap_pyfunction!(derivative, &sub)?)?;
    m.add_submodule(&sub)?;
    Ok(())
}
