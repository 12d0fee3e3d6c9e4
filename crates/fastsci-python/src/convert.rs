//! Kernel arguments and results across the boundary: Python numbers, tuples and NumPy arrays
//! to fastsci-jit [`Value`]s and back.
//!
//! Arrays of every dtype fastsci-jit supports (`float64`, `float32`, `int64`, `int32`,
//! `uint8`, `bool`), any rank and any strides are accepted. Results that are arrays are handed
//! to NumPy as they are: the returned array owns the kernel's buffer, nothing is copied.

use std::mem::MaybeUninit;

use fastsci_jit::{ArrayValue, DType, Function, RawArg, RawArrayRef, Value};
use ndarray::ArrayD;
use numpy::{
    Element, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyTuple};

use crate::errors::jit_error;

/// Wraps values holding raw pointers so they can cross into `py.detach`: the Python objects
/// they point into are held by the calling frame for the whole call.
pub(crate) struct AssertSend<T>(pub T);
// SAFETY: see the type's comment.
unsafe impl<T> Send for AssertSend<T> {}
// SAFETY: the same; the threads that share it only read the Python objects' memory, or write
// where the caller asked (a kernel writing into its argument arrays).
unsafe impl<T> Sync for AssertSend<T> {}

/// Arguments held without a heap allocation.
const INLINE_ARGS: usize = 4;

/// A call's arguments: the first few in place, so that a call allocates nothing for them.
/// Built where it is used (see [`to_raw_args`]) and never moved: an argument is large (a
/// [`Value`] can hold an owned array), and copying the whole buffer around cost more than
/// the rest of a brief call.
pub(crate) struct RawArgs {
    /// `inline[..len]` are initialized, unless the arguments spilled.
    inline: [MaybeUninit<RawArg>; INLINE_ARGS],
    len: usize,
    /// All the arguments, once there are more than [`INLINE_ARGS`] (then `len` is 0).
    spilled: Vec<RawArg>,
}

impl RawArgs {
    pub(crate) fn new() -> RawArgs {
        RawArgs { inline: [const { MaybeUninit::uninit() }; INLINE_ARGS], len: 0, spilled: Vec::new() }
    }

    fn clear(&mut self) {
        let len = std::mem::take(&mut self.len);
        // SAFETY: the first `len` are initialized, and `len` is 0 now, so none is dropped twice.
        unsafe { std::ptr::drop_in_place(std::ptr::from_mut(&mut self.inline[..len]) as *mut [RawArg]) };
        self.spilled.clear();
    }

    // Inlined so that each argument is built in its slot: a 128-byte argument built on the
    // caller's stack and copied in stalled on store forwarding, a tenth of a brief call.
    #[inline(always)]
    fn push(&mut self, a: RawArg) {
        if self.len < INLINE_ARGS && self.spilled.is_empty() {
            self.inline[self.len].write(a);
            self.len += 1;
            return;
        }
        if self.spilled.is_empty() {
            let len = std::mem::take(&mut self.len);
            self.spilled.reserve(2 * INLINE_ARGS);
            // SAFETY: the first `len` are initialized; they are moved out once (`len` is 0 now).
            self.spilled.extend(self.inline[..len].iter().map(|x| unsafe { x.assume_init_read() }));
        }
        self.spilled.push(a);
    }
}

impl RawArgs {
    /// Pushes a float argument, the commonest, written straight into its slot: not inlined,
    /// so the compiler cannot merge it with the general push, which builds the whole
    /// 128-byte argument first and copies it.
    #[inline(never)]
    fn push_float(&mut self, x: f64) {
        if self.len < INLINE_ARGS && self.spilled.is_empty() {
            self.inline[self.len].write(RawArg::Value(Value::Float(x)));
            self.len += 1;
        } else {
            self.push(RawArg::Value(Value::Float(x)));
        }
    }
}

impl Drop for RawArgs {
    fn drop(&mut self) {
        self.clear();
    }
}

impl std::ops::Deref for RawArgs {
    type Target = [RawArg];
    fn deref(&self) -> &[RawArg] {
        if self.spilled.is_empty() {
            // SAFETY: the first `len` are initialized.
            unsafe { &*(std::ptr::from_ref(&self.inline[..self.len]) as *const [RawArg]) }
        } else {
            &self.spilled
        }
    }
}

/// The call's arguments for [`fastsci_jit::Function::call_raw`]: numbers by value, arrays
/// borrowed in place with NumPy's own shape and strides (zero copy, nothing allocated: the
/// kernel's writes land in the caller's array), tuples item by item (arrays in them borrowed
/// too). Read-only arrays (memory maps opened `"r"`, broadcast views) are borrowed as well
/// when `f` does not write into its arguments, and copied into `keep` when it may; arrays
/// whose elements are not aligned are always copied.
///
/// # Errors
/// `TypeError` for an object that is not a number, tuple or array of a supported dtype,
/// `OverflowError` for an int outside 64 bits, a compile error of `f` for these types.
pub(crate) fn to_raw_args<'py>(
    f: &Function,
    args: &Bound<'py, PyTuple>,
    keep: &mut Vec<Bound<'py, PyAny>>,
    out: &mut RawArgs,
) -> PyResult<()> {
    let mut readonly = false;
    collect_raw_args(args, keep, CopyWhen::Unaligned, &mut readonly, out)?;
    if readonly && f.may_write_arguments(out).map_err(|e| jit_error(args.py(), &e))? {
        out.clear();
        collect_raw_args(args, keep, CopyWhen::ReadOnly, &mut readonly, out)?;
    }
    Ok(())
}

/// Which argument arrays `raw_arg` copies rather than borrows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyWhen {
    /// Only those whose elements are not aligned.
    Unaligned,
    /// Those and the read-only ones (for a kernel that may write into its arguments).
    ReadOnly,
}

fn collect_raw_args<'py>(
    args: &Bound<'py, PyTuple>,
    keep: &mut Vec<Bound<'py, PyAny>>,
    copy: CopyWhen,
    readonly: &mut bool,
    out: &mut RawArgs,
) -> PyResult<()> {
    for a in args.iter() {
        // Numbers first: a failed cast builds an error object, too slow for a call path.
        if a.is_exact_instance_of::<PyFloat>() {
            out.push_float(a.extract()?);
        } else {
            out.push(raw_arg(&a, keep, copy, readonly)?);
        }
    }
    Ok(())
}

fn raw_arg<'py>(
    a: &Bound<'py, PyAny>,
    keep: &mut Vec<Bound<'py, PyAny>>,
    copy: CopyWhen,
    readonly: &mut bool,
) -> PyResult<RawArg> {
    if a.is_instance_of::<PyUntypedArray>() {
        let arr = a.cast::<PyUntypedArray>()?;
        if arr.ndim() > 0 {
            return Ok(RawArg::ArrayRef(raw_array(arr, keep, copy, readonly)?));
        }
    } else if let Ok(t) = a.cast::<PyTuple>() {
        let items = t.iter().map(|x| raw_arg(&x, keep, copy, readonly)).collect::<PyResult<_>>()?;
        return Ok(RawArg::Tuple(items));
    }
    Ok(RawArg::Value(to_value(a)?))
}

/// The arguments as owned values (arrays copied), to compile a signature without running it.
///
/// # Errors
/// As `to_raw_args`: an argument of a type kernels do not take.
pub fn to_values(args: &Bound<'_, PyTuple>) -> PyResult<Vec<Value>> {
    args.iter().map(|a| to_value(&a)).collect()
}

fn jit_dtype(a: &Bound<'_, PyUntypedArray>) -> PyResult<DType> {
    let d = a.dtype();
    let native =
        matches!(d.byteorder(), b'=' | b'|') || (d.byteorder() == b'<') == cfg!(target_endian = "little");
    let dtype = match (d.kind(), d.itemsize()) {
        (b'f', 8) => Some(DType::F64),
        (b'f', 4) => Some(DType::F32),
        (b'i', 8) => Some(DType::I64),
        (b'i', 4) => Some(DType::I32),
        (b'u', 1) => Some(DType::U8),
        (b'b', 1) => Some(DType::Bool),
        (b'i', 1) => Some(DType::I8),
        (b'i', 2) => Some(DType::I16),
        (b'u', 2) => Some(DType::U16),
        (b'u', 4) => Some(DType::U32),
        (b'u', 8) => Some(DType::U64),
        _ => None,
    };
    match dtype {
        Some(t) if native => Ok(t),
        _ => Err(PyTypeError::new_err(format!(
            "arrays of dtype {d} are not supported by kernels (native float64, float32, int8..int64, uint8..uint64, bool)"
        ))),
    }
}

fn raw_array<'py>(
    a: &Bound<'py, PyUntypedArray>,
    keep: &mut Vec<Bound<'py, PyAny>>,
    copy: CopyWhen,
    readonly: &mut bool,
) -> PyResult<RawArrayRef> {
    let dtype = jit_dtype(a)?;
    // SAFETY: a valid array object; flags are a plain field.
    let flags = unsafe { (*a.as_array_ptr()).fields.flags };
    let writeable = flags & numpy::npyffi::NPY_ARRAY_WRITEABLE != 0;
    let aligned = flags & numpy::npyffi::NPY_ARRAY_ALIGNED != 0;
    *readonly |= !writeable;
    let a = if aligned && (writeable || copy == CopyWhen::Unaligned) {
        a.clone()
    } else {
        let copy = a.call_method0("copy")?;
        keep.push(copy.clone());
        copy.cast_into::<PyUntypedArray>()?
    };
    // SAFETY: as above: `data` is the address of element [0, ...]; `dimensions` and `strides`
    // are `nd` npy_intp each (non-negative lengths, so readable as usize), owned by the array,
    // which `args` or `keep` holds for the whole call.
    let fields = unsafe { &(*a.as_array_ptr()).fields };
    Ok(RawArrayRef {
        dtype,
        data: fields.data.cast::<u8>(),
        ndim: fields.nd as usize,
        shape: fields.dimensions.cast::<usize>().cast_const(),
        strides: fields.strides.cast_const(),
    })
}

fn to_value(ob: &Bound<'_, PyAny>) -> PyResult<Value> {
    // Exact float first (the common case), bool before int: Python's bool is an int subclass.
    if ob.is_instance_of::<PyFloat>() {
        return Ok(Value::Float(ob.extract()?));
    }
    if ob.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(ob.extract()?));
    }
    if ob.is_instance_of::<PyInt>() {
        return ob.extract::<i64>().map(Value::Int).map_err(|_| {
            PyOverflowError::new_err(format!("int {ob} does not fit in a kernel's 64-bit int"))
        });
    }
    if let Ok(t) = ob.cast::<PyTuple>() {
        return Ok(Value::Tuple(t.iter().map(|x| to_value(&x)).collect::<PyResult<_>>()?));
    }
    if ob.is_instance_of::<PyUntypedArray>() {
        let a = ob.cast::<PyUntypedArray>()?;
        if a.ndim() == 0 {
            // 0-d arrays: pass the number, as Numba does.
            return to_value(&a.call_method0("item")?);
        }
        return Ok(Value::Array(array_value(a)?));
    }
    // NumPy scalars (np.float32, np.int64, np.bool_, ...): their Python value.
    if ob.hasattr("dtype")? && ob.hasattr("item")? {
        let item = ob.call_method0("item")?;
        if !item.is(ob) {
            return to_value(&item);
        }
    }
    Err(PyTypeError::new_err(format!(
        "a kernel takes numbers, tuples and NumPy arrays; got {} (convert lists with np.asarray)",
        ob.get_type().name()?
    )))
}

fn copy_in<T: Element + Clone>(a: &Bound<'_, PyUntypedArray>) -> PyResult<ArrayD<T>> {
    Ok(a.cast::<PyArrayDyn<T>>()?.to_owned_array())
}

/// A copy of a NumPy array as a kernel array (for arrays inside tuples, and signatures).
fn array_value(a: &Bound<'_, PyUntypedArray>) -> PyResult<ArrayValue> {
    // SAFETY: a valid array object; flags are a plain field.
    let flags = unsafe { (*a.as_array_ptr()).fields.flags };
    if flags & numpy::npyffi::NPY_ARRAY_ALIGNED == 0 {
        // Elements at any byte address (np.frombuffer, Dask's network buffers): ndarray's views
        // need aligned ones, and a NumPy copy is aligned.
        return array_value(a.call_method0("copy")?.cast::<PyUntypedArray>()?);
    }
    Ok(match jit_dtype(a)? {
        DType::F64 => ArrayValue::F64(copy_in(a)?),
        DType::F32 => ArrayValue::F32(copy_in(a)?),
        DType::I64 => ArrayValue::I64(copy_in(a)?),
        DType::I32 => ArrayValue::I32(copy_in(a)?),
        DType::U8 => ArrayValue::U8(copy_in(a)?),
        DType::Bool => ArrayValue::Bool(copy_in(a)?),
        DType::I8 => ArrayValue::I8(copy_in(a)?),
        DType::I16 => ArrayValue::I16(copy_in(a)?),
        DType::U16 => ArrayValue::U16(copy_in(a)?),
        DType::U32 => ArrayValue::U32(copy_in(a)?),
        DType::U64 => ArrayValue::U64(copy_in(a)?),
        other => {
            return Err(PyTypeError::new_err(format!(
                "arrays of dtype {other} are not supported by kernels"
            )));
        }
    })
}

/// A kernel's result as a Python object: numbers, tuples, `None`, and arrays that take over
/// the kernel's buffer (no copy).
///
/// # Errors
/// Only when Python cannot allocate the objects.
pub fn to_python(py: Python<'_>, v: Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Value::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
        Value::None => py.None(),
        Value::Tuple(items) => {
            let objs = items.into_iter().map(|x| to_python(py, x)).collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, objs)?.into_any().unbind()
        }
        Value::Array(a) => match a {
            ArrayValue::F64(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::F32(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::I64(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::I32(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::U8(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::Bool(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::I8(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::I16(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::U16(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::U32(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
            ArrayValue::U64(x) => numpy::PyArray::from_owned_array(py, x).into_any().unbind(),
        },
    })
}

/// A Python number, bool or tuple of them as a kernel value (for frozen globals).
///
/// # Errors
/// `TypeError` for anything else.
pub fn constant(ob: &Bound<'_, PyAny>) -> PyResult<Value> {
    let v = to_value(ob)?;
    if contains_array(&v) {
        return Err(PyTypeError::new_err("a frozen global must be a number, a bool or a tuple of them"));
    }
    Ok(v)
}

fn contains_array(v: &Value) -> bool {
    match v {
        Value::Array(_) => true,
        Value::Tuple(items) => items.iter().any(contains_array),
        _ => false,
    }
}
