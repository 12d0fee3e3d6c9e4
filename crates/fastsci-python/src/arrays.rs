//! Arrays from Python: the fused evaluator (`evaluate`), `.npy` headers and atomic saves,
//! and the exactly rounded, chunked reductions over arrays or memory-mapped files.
//!
//! NumPy arrays are read in place (C- or Fortran-contiguous; the Python layer makes other
//! layouts contiguous first), any real dtype and byte order. The GIL is released while Rust runs.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use fastsci_array::eval::{ArrayInput, Program};
use fastsci_array::reduce::{Summary, SummaryParts, describe, describe_axis, mean_raw, sum_dd};
use fastsci_array::{ArrayError, ByteOrder, DType, NpyMmap, RawData, replace_atomically};
use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::AssertSend;
use crate::errors::array_error;

/// An array's data as raw bytes with its dtype, byte order, shape and storage order.
struct ArrayBytes {
    ptr: *const u8,
    len: usize,
    dtype: DType,
    order: ByteOrder,
    shape: Vec<usize>,
    fortran: bool,
}

impl ArrayBytes {
    fn of(a: &Bound<'_, PyUntypedArray>) -> PyResult<ArrayBytes> {
        let descr: String = a.getattr("dtype")?.getattr("str")?.extract()?;
        let (order_char, code) = descr.split_at(1);
        let dtype = DType::from_name(code)
            .ok_or_else(|| PyTypeError::new_err(format!("arrays of dtype {descr} are not supported")))?;
        let order = match order_char {
            ">" => ByteOrder::Big,
            "<" => ByteOrder::Little,
            _ => ByteOrder::NATIVE,
        };
        let fortran = !a.is_c_contiguous();
        if fortran && !a.is_fortran_contiguous() {
            return Err(PyValueError::new_err("the array must be C- or Fortran-contiguous"));
        }
        let shape = a.shape().to_vec();
        let len = shape.iter().product::<usize>() * dtype.size();
        // SAFETY: the array object is valid and its data pointer is what NumPy reports.
        let ptr = unsafe { (*a.as_array_ptr()).fields.data as *const u8 };
        Ok(ArrayBytes { ptr, len, dtype, order, shape, fortran })
    }

    /// The data as bytes.
    ///
    /// # Safety
    /// The array must outlive the slice and not be written meanwhile.
    unsafe fn bytes<'a>(&self) -> &'a [u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: a contiguous array holds `len` bytes from `ptr` (the caller's promise covers
        // lifetime and aliasing).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    unsafe fn raw<'a>(&self) -> RawData<'a> {
        // SAFETY: as `bytes`.
        RawData::new(unsafe { self.bytes() }, self.dtype, self.order)
    }
}

fn programs() -> &'static Mutex<HashMap<String, Arc<Program>>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<String, Arc<Program>>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The compiled program of `ex`, cached by its text as numexpr caches.
fn program(ex: &str) -> PyResult<Arc<Program>> {
    let mut cache = programs().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = cache.get(ex) {
        return Ok(p.clone());
    }
    let expr = fastsci_array::parse::parse(ex).map_err(|e| {
        PyValueError::new_err(format!(
            "{}\n  in the expression: {ex}",
            e.to_string().trim_start_matches("expression error: ")
        ))
    })?;
    let p = Arc::new(Program::compile(&expr).map_err(array_error)?);
    if cache.len() > 4096 {
        cache.clear();
    }
    cache.insert(ex.to_string(), p.clone());
    Ok(p)
}

/// The names an expression reads, sorted.
#[pyfunction]
fn expression_names(ex: &str) -> PyResult<Vec<String>> {
    Ok(program(ex)?.names().to_vec())
}

/// Evaluates `ex` over `arrays` (name → contiguous NumPy array; the Python layer turns
/// scalars into 0-d arrays), into `out` (float64, C-contiguous, the broadcast shape) or a new
/// float64 array.
#[pyfunction]
#[pyo3(signature = (ex, arrays, out = None))]
fn evaluate<'py>(
    py: Python<'py>,
    ex: &str,
    arrays: &Bound<'py, PyDict>,
    out: Option<&Bound<'py, PyUntypedArray>>,
) -> PyResult<Bound<'py, PyAny>> {
    let prog = program(ex)?;
    let mut held = Vec::new();
    for (k, v) in arrays.iter() {
        let name: String = k.extract()?;
        let a = v.cast::<PyUntypedArray>()?.clone();
        held.push((name, ArrayBytes::of(&a)?, a));
    }
    // SAFETY: `held` keeps the arrays alive for the call; they are only read.
    let inputs: Vec<(&str, ArrayInput<'_>)> = held
        .iter()
        .map(|(n, b, _)| {
            Ok((n.as_str(), ArrayInput::new(unsafe { b.raw() }, &b.shape, b.fortran).map_err(array_error)?))
        })
        .collect::<PyResult<_>>()?;
    match out {
        Some(o) => {
            let typed = o
                .cast::<PyArrayDyn<f64>>()
                .map_err(|_| PyTypeError::new_err("out= must be a float64 array"))?;
            let shape = prog.output_shape(&inputs).map_err(array_error)?;
            if o.shape() != shape.as_slice() {
                return Err(PyValueError::new_err(format!(
                    "out= has shape {:?}, the result has shape {shape:?}",
                    o.shape()
                )));
            }
            let mut rw = typed.try_readwrite().map_err(|e| PyValueError::new_err(e.to_string()))?;
            let slice = rw
                .as_slice_mut()
                .map_err(|_| PyValueError::new_err("out= must be C-contiguous and writeable"))?;
            let job = AssertSend((&prog, inputs, slice));
            py.detach(move || {
                let job = job;
                let (prog, inputs, slice) = job.0;
                prog.eval_into(&inputs, slice).map(|_| ())
            })
            .map_err(array_error)?;
            Ok(o.clone().into_any())
        }
        None => {
            let job = AssertSend((&prog, inputs));
            let result = py
                .detach(move || {
                    let job = job;
                    job.0.0.eval(&job.0.1)
                })
                .map_err(array_error)?;
            Ok(numpy::PyArray::from_owned_array(py, result).into_any())
        }
    }
}

/// The header of a `.npy` file: `(dtype descr, shape, fortran_order, data_offset)`, for
/// `np.memmap` to map the data.
#[pyfunction]
fn npy_header(path: PathBuf) -> PyResult<(String, Vec<usize>, bool, usize)> {
    let map = NpyMmap::open(&path).map_err(array_error)?;
    let h = map.header();
    Ok((h.dtype.descr(h.byte_order), h.shape.clone(), h.fortran_order, h.data_offset))
}

/// Writes a contiguous array to `path` as `.npy`, through a temporary file that is `fsync`ed
/// and renamed into place: the old file stays whole until the new one is.
#[pyfunction]
fn save(py: Python<'_>, path: PathBuf, array: &Bound<'_, PyUntypedArray>) -> PyResult<()> {
    let b = ArrayBytes::of(array)?;
    let header =
        fastsci_array::npy::header_bytes(b.dtype, b.order, b.fortran, &b.shape, None).map_err(array_error)?;
    // SAFETY: `array` outlives the call and is only read.
    let data = AssertSend(unsafe { b.bytes() });
    py.detach(move || {
        let data = data;
        replace_atomically(&path, |tmp| {
            let io = |source| ArrayError::Io { path: tmp.to_path_buf(), source };
            let mut f = std::fs::File::create(tmp).map_err(io)?;
            f.write_all(&header).map_err(io)?;
            f.write_all(data.0).map_err(io)?;
            f.sync_all().map_err(io)
        })
    })
    .map_err(array_error)
}

/// Where a reduction reads from: a NumPy array in memory or a `.npy` file mapped.
enum Source {
    Memory(ArrayBytes),
    File(NpyMmap),
}

impl Source {
    fn of(ob: &Bound<'_, PyAny>) -> PyResult<Source> {
        if let Ok(a) = ob.cast::<PyUntypedArray>() {
            return Ok(Source::Memory(ArrayBytes::of(a)?));
        }
        let path: PathBuf = ob.extract()?;
        Ok(Source::File(NpyMmap::open(&path).map_err(array_error)?))
    }

    fn shape(&self) -> &[usize] {
        match self {
            Source::Memory(b) => &b.shape,
            Source::File(m) => &m.header().shape,
        }
    }

    fn fortran(&self) -> bool {
        match self {
            Source::Memory(b) => b.fortran,
            Source::File(m) => m.header().fortran_order,
        }
    }

    fn dtype(&self) -> DType {
        match self {
            Source::Memory(b) => b.dtype,
            Source::File(m) => m.header().dtype,
        }
    }

    /// # Safety
    /// For memory sources, the array must outlive the view.
    unsafe fn raw(&self) -> RawData<'_> {
        match self {
            // SAFETY: the caller's promise.
            Source::Memory(b) => unsafe { b.raw() },
            Source::File(m) => m.raw(),
        }
    }
}

fn axis_summaries(src: &Source, axis: Option<i64>) -> Result<Vec<Summary>, PyErr> {
    if !src.dtype().is_real() {
        return Err(PyTypeError::new_err(format!("{} data is not supported by reductions", src.dtype())));
    }
    // SAFETY: the caller holds the array (or map) for the duration.
    let raw = unsafe { src.raw() };
    match axis {
        None => Ok(vec![describe(&raw)]),
        Some(ax) => {
            let shape = src.shape();
            let nd = shape.len() as i64;
            let a = if ax < 0 { ax + nd } else { ax };
            match shape.len() {
                2 if (0..2).contains(&a) => {
                    describe_axis(&raw, [shape[0], shape[1]], src.fortran(), a as usize).map_err(array_error)
                }
                1 if a == 0 => Ok(vec![describe(&raw)]),
                _ => Err(PyValueError::new_err(format!(
                    "axis={ax} is not supported for shape {shape:?}: reductions take axis=None, or 0 or 1 of a 2-D array"
                ))),
            }
        }
    }
}

/// The summaries of `src` (one, or one per row/column), computed without the GIL.
fn summaries(py: Python<'_>, src: &Source, axis: Option<i64>) -> PyResult<Vec<Summary>> {
    let job = AssertSend(src);
    py.detach(move || {
        let job = job;
        axis_summaries(job.0, axis)
    })
}

fn check_ddof(ddof: f64) -> PyResult<()> {
    if ddof.is_nan() || ddof < 0.0 {
        return Err(PyValueError::new_err(format!("ddof must be >= 0, got {ddof}")));
    }
    Ok(())
}

fn stat(s: &Summary, what: &str, ddof: f64) -> PyResult<f64> {
    let empty = || {
        PyValueError::new_err(format!("zero-size array to reduction operation {what} which has no identity"))
    };
    Ok(match what {
        "sum" => s.sum(),
        "mean" => s.mean(),
        "var" => s.var(ddof),
        "std" => s.std(ddof),
        "min" => s.min().ok_or_else(empty)?,
        "max" => s.max().ok_or_else(empty)?,
        "nansum" => s.nansum(),
        "nanmean" => s.nanmean(),
        "nanvar" => s.nanvar(ddof),
        "nanstd" => s.nanstd(ddof),
        "nanmin" => s.nanmin().ok_or_else(empty)?,
        "nanmax" => s.nanmax().ok_or_else(empty)?,
        _ => return Err(PyValueError::new_err(format!("unknown reduction {what}"))),
    })
}

/// One reduction (`sum`, `mean`, `var`, `std`, `min`, `max` or a `nan*` variant) of an array
/// or a `.npy` path, over all elements (`axis=None`: a float) or along an axis of a 2-D
/// array (a list of floats). Sums and means are compensated (exactly rounded in practice).
#[pyfunction]
#[pyo3(signature = (source, what, ddof = 0.0, axis = None))]
fn reduce<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    what: &str,
    ddof: f64,
    axis: Option<i64>,
) -> PyResult<Bound<'py, PyAny>> {
    check_ddof(ddof)?;
    let src = Source::of(source)?;
    if axis.is_none() && src.dtype().is_real() && matches!(what, "sum" | "mean") {
        // The sum alone is one pass with no min/max/variance work.
        let job = AssertSend(&src);
        let v = py.detach(move || {
            let job = job;
            // SAFETY: `source` is held by the caller for the call.
            let raw = unsafe { job.0.raw() };
            if what == "sum" { sum_dd(&raw).value() } else { mean_raw(&raw) }
        });
        return Ok(v.into_pyobject(py)?.into_any());
    }
    let sums = summaries(py, &src, axis)?;
    if axis.is_none() {
        return Ok(stat(&sums[0], what, ddof)?.into_pyobject(py)?.into_any());
    }
    let values = sums.iter().map(|s| stat(s, what, ddof)).collect::<PyResult<Vec<f64>>>()?;
    Ok(numpy::PyArray1::from_vec(py, values).into_any())
}

/// `fastsci stats --json` from Python: the same fields (`count, sum, mean, std, var, min, max,
/// nan_count, shape, dtype, ddof`, and `file` for a path), per row/column with `axis`.
#[pyfunction]
#[pyo3(signature = (source, ddof = 0.0, axis = None))]
fn stats<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    ddof: f64,
    axis: Option<i64>,
) -> PyResult<Bound<'py, PyDict>> {
    check_ddof(ddof)?;
    let src = Source::of(source)?;
    let sums = summaries(py, &src, axis)?;
    let d = PyDict::new(py);
    if let Source::File(m) = &src {
        d.set_item("file", m.path().display().to_string())?;
    }
    d.set_item("shape", src.shape().to_vec())?;
    d.set_item("dtype", src.dtype().name())?;
    let field = |f: &dyn Fn(&Summary) -> Py<PyAny>| -> Py<PyAny> {
        if axis.is_none() {
            f(&sums[0])
        } else {
            let items: Vec<Py<PyAny>> = sums.iter().map(f).collect();
            pyo3::types::PyList::new(py, items).expect("a list of objects").into_any().unbind()
        }
    };
    let num = |x: f64| x.into_pyobject(py).expect("a float").into_any().unbind();
    let opt = |x: Option<f64>| x.map_or_else(|| py.None(), num);
    d.set_item("count", field(&|s| s.len().into_pyobject(py).expect("an int").into_any().unbind()))?;
    d.set_item("sum", field(&|s| num(s.sum())))?;
    d.set_item("mean", field(&|s| num(s.mean())))?;
    d.set_item("std", field(&|s| num(s.std(ddof))))?;
    d.set_item("var", field(&|s| num(s.var(ddof))))?;
    d.set_item("min", field(&|s| opt(s.min())))?;
    d.set_item("max", field(&|s| opt(s.max())))?;
    d.set_item(
        "nan_count",
        field(&|s| s.nan_count().into_pyobject(py).expect("an int").into_any().unbind()),
    )?;
    if let Some(ax) = axis {
        let nd = src.shape().len() as i64;
        d.set_item("axis", if ax < 0 { ax + nd } else { ax })?;
    }
    d.set_item("ddof", ddof)?;
    let _ = PyString::new(py, "");
    Ok(d)
}

/// A [`Summary`] as it crosses processes: `(counts, values)` of [`SummaryParts`].
type Parts = ([u64; 6], [f64; 5]);

fn to_parts(s: &Summary) -> Parts {
    let p = s.parts();
    (p.counts, p.values)
}

fn from_parts((counts, values): Parts) -> Summary {
    Summary::from_parts(SummaryParts { counts, values })
}

/// The partial of one block for a reduction spread over processes or machines (a Dask tree
/// reduction): the block's summary as plain numbers, one for the whole block (`axis=None`) or
/// one per row/column of a 2-D block. Merged with `summary_merge`, read with `summary_stat`;
/// the double-double sum is carried whole, so the result is the single-machine one.
#[pyfunction]
#[pyo3(signature = (source, axis = None))]
fn summary_parts(py: Python<'_>, source: &Bound<'_, PyAny>, axis: Option<i64>) -> PyResult<Vec<Parts>> {
    let src = Source::of(source)?;
    Ok(summaries(py, &src, axis)?.iter().map(to_parts).collect())
}

/// Merges partials in order (each one's values follow the previous one's).
#[pyfunction]
fn summary_merge(parts: Vec<Parts>) -> Parts {
    let mut total = Summary::EMPTY;
    for p in parts {
        total.merge(&from_parts(p));
    }
    to_parts(&total)
}

/// One statistic (`sum`, `mean`, `var`, `std`, `min`, `max`, `nan*`) of merged partials.
#[pyfunction]
#[pyo3(signature = (parts, what, ddof = 0.0))]
fn summary_stat(parts: Parts, what: &str, ddof: f64) -> PyResult<f64> {
    check_ddof(ddof)?;
    stat(&from_parts(parts), what, ddof)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(expression_names, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(npy_header, m)?)?;
    m.add_function(wrap_pyfunction!(save, m)?)?;
    m.add_function(wrap_pyfunction!(reduce, m)?)?;
    m.add_function(wrap_pyfunction!(stats, m)?)?;
    m.add_function(wrap_pyfunction!(summary_parts, m)?)?;
    m.add_function(wrap_pyfunction!(summary_merge, m)?)?;
    m.add_function(wrap_pyfunction!(summary_stat, m)?)?;
    Ok(())
}
