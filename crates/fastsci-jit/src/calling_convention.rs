//! The calling convention between Rust and compiled kernels: how arguments and results are
//! flattened into 64-bit slots (a number is one slot; an array is its data pointer, then its
//! shape, then its strides in elements; a tuple is its items in order), how the slots of a
//! call are held without allocating, and how a call's argument types are matched against
//! the signatures compiled so far.

use ndarray::{ArrayD, IxDyn};

use crate::ir::Ty;
use crate::runtime::{Arena, Buffer, each_buffer};
use crate::value::{ArrayValue, DType, RawArg, RawArray, Value, each_array};
use crate::{ErrorKind, JitError};

/// Slots held on the stack; a call with more spills to the heap. Two 3-d arrays and two
/// scalars fit.
const INLINE_SLOTS: usize = 16;

/// The flattened slots of a call's arguments or results: on the stack for the usual few, so
/// that a call allocates nothing.
pub(crate) struct Slots {
    inline: [u64; INLINE_SLOTS],
    len: usize,
    /// All the slots, once there are more than [`INLINE_SLOTS`] (then `inline` is unused).
    spilled: Vec<u64>,
}

impl Slots {
    #[inline]
    pub fn new() -> Slots {
        Slots { inline: [0; INLINE_SLOTS], len: 0, spilled: Vec::new() }
    }

    /// `n` zero slots, for a kernel to write its results into.
    #[inline]
    pub fn zeroed(n: usize) -> Slots {
        let mut s = Slots::new();
        if n > INLINE_SLOTS {
            s.spilled = vec![0; n];
        }
        s.len = n;
        s
    }

    pub fn push(&mut self, v: u64) {
        if self.len < INLINE_SLOTS && self.spilled.is_empty() {
            self.inline[self.len] = v;
        } else {
            if self.spilled.is_empty() {
                self.spilled.reserve(2 * INLINE_SLOTS);
                self.spilled.extend_from_slice(&self.inline);
            }
            self.spilled.push(v);
        }
        self.len += 1;
    }

    pub fn as_slice(&self) -> &[u64] {
        if self.spilled.is_empty() { &self.inline[..self.len] } else { &self.spilled }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u64] {
        if self.spilled.is_empty() { &mut self.inline[..self.len] } else { &mut self.spilled }
    }
}

impl Extend<u64> for Slots {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, iter: I) {
        iter.into_iter().for_each(|v| self.push(v));
    }
}

/// How many slots a value of type `ty` takes.
pub(crate) fn slot_count(ty: &Ty) -> usize {
    match ty {
        Ty::Int | Ty::Float | Ty::Bool | Ty::Num(_) => 1,
        Ty::Array { ndim, .. } => 1 + 2 * ndim,
        Ty::Tuple(ts) => ts.iter().map(slot_count).sum(),
        Ty::None => 0,
    }
}

/// Whether `v` has type `ty` (compared in place, to find a compiled signature without
/// building the argument types).
pub(crate) fn value_has_type(v: &Value, ty: &Ty) -> bool {
    match (v, ty) {
        (Value::Int(_), Ty::Int) | (Value::Float(_), Ty::Float) | (Value::Bool(_), Ty::Bool) => true,
        (Value::Array(a), Ty::Array { dtype, ndim }) => a.dtype() == *dtype && a.ndim() == *ndim,
        (Value::Tuple(items), Ty::Tuple(ts)) => {
            items.len() == ts.len() && items.iter().zip(ts).all(|(v, t)| value_has_type(v, t))
        }
        _ => false,
    }
}

/// Whether `a` has type `ty`, as [`value_has_type`].
pub(crate) fn raw_arg_has_type(a: &RawArg, ty: &Ty) -> bool {
    match a {
        RawArg::Value(v) => value_has_type(v, ty),
        RawArg::Array(a) => matches!(ty, Ty::Array { dtype, ndim }
            if a.dtype == *dtype && a.shape.len() == *ndim && a.strides.len() == *ndim),
        RawArg::ArrayRef(a) => {
            matches!(ty, Ty::Array { dtype, ndim } if a.dtype == *dtype && a.ndim == *ndim)
        }
        RawArg::Tuple(items) => matches!(ty, Ty::Tuple(ts)
            if items.len() == ts.len() && items.iter().zip(ts).all(|(a, t)| raw_arg_has_type(a, t))),
    }
}

/// The type of a raw argument.
pub(crate) fn raw_arg_type(a: &RawArg) -> Result<Ty, JitError> {
    match a {
        RawArg::Value(v) => type_of(v),
        RawArg::Array(a) => raw_type(a),
        RawArg::ArrayRef(a) if a.ndim == 0 => {
            Err(JitError::plain(ErrorKind::Argument, "0-d arrays are not supported; pass a number"))
        }
        RawArg::ArrayRef(a) => Ok(Ty::Array { dtype: a.dtype, ndim: a.ndim }),
        RawArg::Tuple(items) => Ok(Ty::Tuple(items.iter().map(raw_arg_type).collect::<Result<_, _>>()?)),
    }
}

/// The slots of one raw argument (a tuple's items in order, as [`flatten_value`]).
///
/// # Safety
///
/// Each [`crate::RawArrayRef`]'s `shape` and `strides` point to `ndim` readable values.
pub(crate) unsafe fn flatten_raw_arg(a: &RawArg, out: &mut Slots) -> Result<(), JitError> {
    match a {
        RawArg::Value(v) => flatten_value(v, out),
        RawArg::Array(a) => flatten_raw(a, out)?,
        RawArg::ArrayRef(a) => {
            // SAFETY: the caller's contract.
            let (shape, strides) = unsafe {
                (std::slice::from_raw_parts(a.shape, a.ndim), std::slice::from_raw_parts(a.strides, a.ndim))
            };
            flatten_strided(a.dtype, a.data, shape, strides, out)?;
        }
        RawArg::Tuple(items) => {
            for x in items {
                // SAFETY: the caller's contract, for every item.
                unsafe { flatten_raw_arg(x, out)? };
            }
        }
    }
    Ok(())
}

pub(crate) fn type_of(v: &Value) -> Result<Ty, JitError> {
    Ok(match v {
        Value::Int(_) => Ty::Int,
        Value::Float(_) => Ty::Float,
        Value::Bool(_) => Ty::Bool,
        Value::Array(a) => {
            if a.ndim() == 0 {
                return Err(JitError::plain(
                    ErrorKind::Argument,
                    "0-d arrays are not supported; pass a number",
                ));
            }
            Ty::Array { dtype: a.dtype(), ndim: a.ndim() }
        }
        Value::Tuple(items) => Ty::Tuple(items.iter().map(type_of).collect::<Result<_, _>>()?),
        Value::None => return Err(JitError::plain(ErrorKind::Argument, "None cannot be passed to a kernel")),
    })
}

pub(crate) fn raw_type(a: &RawArray) -> Result<Ty, JitError> {
    if a.shape.is_empty() {
        return Err(JitError::plain(ErrorKind::Argument, "0-d arrays are not supported; pass a number"));
    }
    if a.shape.len() != a.strides.len() {
        return Err(JitError::plain(
            ErrorKind::Argument,
            format!("array with {} dimensions but {} strides", a.shape.len(), a.strides.len()),
        ));
    }
    if !a.dtype.is_real() {
        return Err(complex_refused(a.dtype));
    }
    Ok(Ty::Array { dtype: a.dtype, ndim: a.shape.len() })
}

/// Complex arrays cannot be passed to kernels yet.
fn complex_refused(dtype: DType) -> JitError {
    JitError::plain(
        ErrorKind::Argument,
        format!("{} arrays are not supported by kernels; pass the .real and .imag parts", dtype.name()),
    )
}

/// The (pointer, shape, element strides) slots of a borrowed array.
fn flatten_raw(a: &RawArray, out: &mut Slots) -> Result<(), JitError> {
    flatten_strided(a.dtype, a.data, &a.shape, &a.strides, out)
}

fn flatten_strided(
    dtype: DType,
    data: *mut u8,
    shape: &[usize],
    strides: &[isize],
    out: &mut Slots,
) -> Result<(), JitError> {
    let size = dtype.size() as isize;
    out.push(data as u64);
    out.extend(shape.iter().map(|&d| d as u64));
    for &s in strides {
        if s % size != 0 {
            return Err(JitError::plain(
                ErrorKind::Argument,
                format!(
                    "byte stride {s} is not a multiple of the {}-byte {} element; pass a copy",
                    size,
                    dtype.name()
                ),
            ));
        }
        out.push((s / size) as i64 as u64);
    }
    Ok(())
}

/// A copy with standard (C-contiguous) layout, for kernels that may write to inputs.
pub(crate) fn to_standard(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(each_array!(a, x => x.as_standard_layout().into_owned().into())),
        Value::Tuple(items) => Value::Tuple(items.iter().map(to_standard).collect()),
        other => other.clone(),
    }
}

fn push_array<T>(a: &ArrayD<T>, ptr: *const T, out: &mut Slots) {
    out.push(ptr as u64);
    out.extend(a.shape().iter().map(|&d| d as u64));
    out.extend(a.strides().iter().map(|&s| s as i64 as u64));
}

pub(crate) fn flatten_value(v: &Value, out: &mut Slots) {
    match v {
        Value::Int(i) => out.push(*i as u64),
        Value::Float(f) => out.push(f.to_bits()),
        Value::Bool(b) => out.push(u64::from(*b)),
        Value::Array(a) => each_array!(a, x => push_array(x, x.as_ptr(), out)),
        Value::Tuple(items) => items.iter().for_each(|x| flatten_value(x, out)),
        Value::None => {}
    }
}

pub(crate) fn flatten_value_mut(v: &mut Value, out: &mut Slots) {
    match v {
        Value::Array(a) => each_array!(a, x => { let p = x.as_mut_ptr(); push_array(x, p, out) }),
        Value::Tuple(items) => items.iter_mut().for_each(|x| flatten_value_mut(x, out)),
        other => flatten_value(other, out),
    }
}

pub(crate) fn unflatten(ty: &Ty, it: &mut impl Iterator<Item = u64>, arena: &mut Arena) -> Value {
    let mut next = || it.next().unwrap_or(0);
    match ty {
        Ty::Int => Value::Int(next() as i64),
        Ty::Float => Value::Float(f64::from_bits(next())),
        Ty::Bool => Value::Bool(next() & 0xff != 0),
        Ty::None => Value::None,
        Ty::Num(_) => unflatten(&ty.repr(), it, arena),
        Ty::Tuple(ts) => Value::Tuple(ts.iter().map(|t| unflatten(t, it, arena)).collect()),
        Ty::Array { dtype, ndim } => {
            let ptr = next() as *mut u8;
            let shape: Vec<usize> = (0..*ndim).map(|_| next() as usize).collect();
            let strides: Vec<isize> = (0..*ndim).map(|_| next() as i64 as isize).collect();
            Value::Array(array_from_raw(*dtype, ptr, &shape, &strides, arena))
        }
    }
}

/// Builds an owned array from the kernel's result: moves an arena buffer out when the
/// result is exactly that buffer in C order, else copies the elements.
pub(crate) fn array_from_raw(
    dtype: DType,
    ptr: *mut u8,
    shape: &[usize],
    strides: &[isize],
    arena: &mut Arena,
) -> ArrayValue {
    let n: usize = shape.iter().product();
    let mut c_strides = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for k in (0..shape.len()).rev() {
        c_strides[k] = acc;
        acc *= shape[k] as isize;
    }
    let c_order =
        n == 0 || shape.iter().zip(strides.iter().zip(&c_strides)).all(|(&d, (s, c))| d <= 1 || s == c);
    if c_order && n > 0 {
        for b in arena.buffers.iter_mut() {
            if b.ptr() == ptr && b.len() == n {
                let taken = std::mem::replace(b, Buffer::U8(Vec::new()));
                let sh = IxDyn(shape);
                let moved = each_buffer!(taken, v => ArrayD::from_shape_vec(sh, v).map(ArrayValue::from));
                if let Ok(a) = moved {
                    return a;
                }
                break;
            }
        }
    }
    fn copy<T: Clone>(ptr: *mut u8, shape: &[usize], strides: &[isize]) -> ArrayD<T> {
        let n: usize = shape.iter().product();
        let mut out = Vec::with_capacity(n);
        let mut idx = vec![0usize; shape.len()];
        for _ in 0..n {
            let off: isize = idx.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum();
            // SAFETY: `ptr`, `shape` and `strides` (in elements, possibly negative, as views
            // have them) describe an array that the kernel read or created, alive until the
            // arena is dropped after this copy; `idx` stays inside `shape`.
            out.push(unsafe { (*(ptr as *const T).offset(off)).clone() });
            for k in (0..idx.len()).rev() {
                idx[k] += 1;
                if idx[k] < shape[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
        ArrayD::from_shape_vec(IxDyn(shape), out).unwrap_or_else(|_| unreachable!("n elements for the shape"))
    }
    match dtype {
        DType::F64 => ArrayValue::F64(copy(ptr, shape, strides)),
        DType::F32 => ArrayValue::F32(copy(ptr, shape, strides)),
        DType::I64 => ArrayValue::I64(copy(ptr, shape, strides)),
        DType::I32 => ArrayValue::I32(copy(ptr, shape, strides)),
        DType::U8 => ArrayValue::U8(copy(ptr, shape, strides)),
        DType::Bool => ArrayValue::Bool(copy(ptr, shape, strides)),
        DType::I8 => ArrayValue::I8(copy(ptr, shape, strides)),
        DType::I16 => ArrayValue::I16(copy(ptr, shape, strides)),
        DType::U16 => ArrayValue::U16(copy(ptr, shape, strides)),
        DType::U32 => ArrayValue::U32(copy(ptr, shape, strides)),
        // Kernels never make complex arrays (lowering refuses them), so a complex result
        // cannot occur; u64 is the same width.
        DType::U64 | DType::C64 | DType::C128 => ArrayValue::U64(copy(ptr, shape, strides)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_keep_every_value_in_order_past_the_inline_capacity() {
        let mut s = Slots::new();
        for v in 0..(3 * INLINE_SLOTS as u64) {
            s.push(v);
            assert_eq!(s.as_slice(), (0..=v).collect::<Vec<_>>());
        }
        let mut z = Slots::zeroed(INLINE_SLOTS + 1);
        assert_eq!(z.as_slice(), vec![0; INLINE_SLOTS + 1]);
        z.as_mut_slice()[INLINE_SLOTS] = 7;
        assert_eq!(z.as_slice()[INLINE_SLOTS], 7);
        assert!(Slots::zeroed(0).as_slice().is_empty());
    }

    #[test]
    fn a_call_matches_a_signature_by_dtype_rank_and_tuple_shape() {
        let arr = Value::Array(ArrayValue::F64(ndarray::ArrayD::zeros(IxDyn(&[2, 3]))));
        assert!(value_has_type(&arr, &Ty::Array { dtype: DType::F64, ndim: 2 }));
        assert!(!value_has_type(&arr, &Ty::Array { dtype: DType::F64, ndim: 1 }));
        assert!(!value_has_type(&arr, &Ty::Array { dtype: DType::F32, ndim: 2 }));
        let t = Value::Tuple(vec![Value::Int(1), Value::Float(2.0)]);
        assert!(value_has_type(&t, &Ty::Tuple(vec![Ty::Int, Ty::Float])));
        assert!(!value_has_type(&t, &Ty::Tuple(vec![Ty::Int, Ty::Int])));
        assert!(!value_has_type(&t, &Ty::Tuple(vec![Ty::Int])));
        assert!(!value_has_type(&Value::Bool(true), &Ty::Int));
        let raw =
            RawArray { dtype: DType::I32, data: std::ptr::null_mut(), shape: vec![4], strides: vec![4] };
        assert!(raw_arg_has_type(&RawArg::Array(raw.clone()), &Ty::Array { dtype: DType::I32, ndim: 1 }));
        assert!(!raw_arg_has_type(&RawArg::Array(raw), &Ty::Array { dtype: DType::I64, ndim: 1 }));
    }
}
