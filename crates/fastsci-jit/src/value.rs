//! Values passed to and returned from compiled kernels.

use ndarray::ArrayD;

/// Element type of an array: NumPy's dtypes, one definition shared with fastsci-array
/// ([`fastsci_expr::dtype::DType`]). Kernels take every real dtype; complex arrays are
/// refused with an error.
pub use fastsci_expr::dtype::DType;

pub(crate) use fastsci_expr::functions::{ScalarType, scalar_type};

/// An owned n-d array of one of the supported element types (C, Fortran or any strides).
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayValue {
    /// `float64`
    F64(ArrayD<f64>),
    /// `float32`
    F32(ArrayD<f32>),
    /// `int64`
    I64(ArrayD<i64>),
    /// `int32`
    I32(ArrayD<i32>),
    /// `uint8`
    U8(ArrayD<u8>),
    /// `bool`
    Bool(ArrayD<bool>),
    /// `int8`
    I8(ArrayD<i8>),
    /// `int16`
    I16(ArrayD<i16>),
    /// `uint16`
    U16(ArrayD<u16>),
    /// `uint32`
    U32(ArrayD<u32>),
    /// `uint64`
    U64(ArrayD<u64>),
}

macro_rules! each_array {
    ($v:expr, $a:ident => $body:expr) => {
        match $v {
            ArrayValue::F64($a) => $body,
            ArrayValue::F32($a) => $body,
            ArrayValue::I64($a) => $body,
            ArrayValue::I32($a) => $body,
            ArrayValue::U8($a) => $body,
            ArrayValue::Bool($a) => $body,
            ArrayValue::I8($a) => $body,
            ArrayValue::I16($a) => $body,
            ArrayValue::U16($a) => $body,
            ArrayValue::U32($a) => $body,
            ArrayValue::U64($a) => $body,
        }
    };
}
#[allow(unused_imports)]
pub(crate) use each_array;

impl ArrayValue {
    /// Element type.
    pub fn dtype(&self) -> DType {
        match self {
            ArrayValue::F64(_) => DType::F64,
            ArrayValue::F32(_) => DType::F32,
            ArrayValue::I64(_) => DType::I64,
            ArrayValue::I32(_) => DType::I32,
            ArrayValue::U8(_) => DType::U8,
            ArrayValue::Bool(_) => DType::Bool,
            ArrayValue::I8(_) => DType::I8,
            ArrayValue::I16(_) => DType::I16,
            ArrayValue::U16(_) => DType::U16,
            ArrayValue::U32(_) => DType::U32,
            ArrayValue::U64(_) => DType::U64,
        }
    }

    /// Shape.
    pub fn shape(&self) -> &[usize] {
        each_array!(self, a => a.shape())
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }
}

macro_rules! array_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<ArrayD<$t>> for ArrayValue {
            fn from(a: ArrayD<$t>) -> Self {
                ArrayValue::$v(a)
            }
        }
    )*};
}
array_from!(f64 => F64, f32 => F32, i64 => I64, i32 => I32, u8 => U8, bool => Bool, i8 => I8, i16 => I16, u16 => U16, u32 => U32, u64 => U64);

/// An array borrowed from the caller (a NumPy array's buffer, say), for
/// [`crate::Function::call_raw`]: the kernel reads and writes this memory in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawArray {
    /// Element type.
    pub dtype: DType,
    /// Address of element `[0, 0, ...]`.
    pub data: *mut u8,
    /// Length of each dimension.
    pub shape: Vec<usize>,
    /// Step between neighbours along each dimension, in **bytes** (as NumPy's `strides`;
    /// negative for reversed views; multiples of the element size).
    pub strides: Vec<isize>,
}

/// An array borrowed from the caller together with its shape and strides, which are read
/// where the caller keeps them (a NumPy array's own `dimensions` and `strides` fields), so
/// that passing it allocates nothing: the allocation-free form of [`RawArray`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawArrayRef {
    /// Element type.
    pub dtype: DType,
    /// Address of element `[0, 0, ...]`.
    pub data: *mut u8,
    /// Number of dimensions: the length of both `shape` and `strides`.
    pub ndim: usize,
    /// `ndim` dimension lengths.
    pub shape: *const usize,
    /// `ndim` steps between neighbours, in **bytes** (as in [`RawArray::strides`]).
    pub strides: *const isize,
}

/// One argument of [`crate::Function::call_raw`].
#[derive(Debug, Clone, PartialEq)]
pub enum RawArg {
    /// A number, bool or tuple, passed by value.
    Value(Value),
    /// An array borrowed in place.
    Array(RawArray),
    /// An array borrowed in place with its shape and strides (nothing allocated).
    ArrayRef(RawArrayRef),
    /// A tuple whose items are raw arguments: arrays inside it are borrowed in place too, so
    /// the kernel's writes into them land in the caller's memory.
    Tuple(Vec<RawArg>),
}

/// A value given to or returned by a kernel.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Python `int` (64-bit, wrapping on overflow).
    Int(i64),
    /// Python `float`.
    Float(f64),
    /// Python `bool`.
    Bool(bool),
    /// A NumPy-like array.
    Array(ArrayValue),
    /// A tuple of values.
    Tuple(Vec<Value>),
    /// What a function without `return value` gives.
    None,
}

impl Value {
    /// The value as an `f64` when it is a number (`Int`, `Float`, `Bool`).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            Value::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
            _ => None,
        }
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<ArrayValue> for Value {
    fn from(a: ArrayValue) -> Self {
        Value::Array(a)
    }
}
impl From<ArrayD<f64>> for Value {
    fn from(a: ArrayD<f64>) -> Self {
        Value::Array(ArrayValue::F64(a))
    }
}
