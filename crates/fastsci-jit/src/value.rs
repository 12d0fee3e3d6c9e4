//! Values passed to and returned from compiled kernels.

use ndarray::ArrayD;

/// Element type of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    /// `float64`
    F64,
    /// `float32`
    F32,
    /// `int64`
    I64,
    /// `int32`
    I32,
    /// `uint8`
    U8,
    /// `bool` (one byte, 0 or 1)
    Bool,
}

impl DType {
    /// NumPy's name for it.
    pub fn name(self) -> &'static str {
        match self {
            DType::F64 => "float64",
            DType::F32 => "float32",
            DType::I64 => "int64",
            DType::I32 => "int32",
            DType::U8 => "uint8",
            DType::Bool => "bool",
        }
    }

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            DType::F64 | DType::I64 => 8,
            DType::F32 | DType::I32 => 4,
            DType::U8 | DType::Bool => 1,
        }
    }

    /// The dtype named `name` (`float64`, `np.int32`, `float`, `int`, `bool`, ...).
    pub fn from_name(name: &str) -> Option<DType> {
        let n = name.strip_prefix("np.").or_else(|| name.strip_prefix("numpy.")).unwrap_or(name);
        Some(match n {
            "float64" | "float" | "double" | "f8" => DType::F64,
            "float32" | "single" | "f4" => DType::F32,
            "int64" | "int" | "i8" | "intp" => DType::I64,
            "int32" | "i4" => DType::I32,
            "uint8" | "u1" => DType::U8,
            "bool" | "bool_" => DType::Bool,
            _ => return None,
        })
    }
}

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

impl From<ArrayD<f64>> for ArrayValue {
    fn from(a: ArrayD<f64>) -> Self {
        ArrayValue::F64(a)
    }
}
impl From<ArrayD<f32>> for ArrayValue {
    fn from(a: ArrayD<f32>) -> Self {
        ArrayValue::F32(a)
    }
}
impl From<ArrayD<i64>> for ArrayValue {
    fn from(a: ArrayD<i64>) -> Self {
        ArrayValue::I64(a)
    }
}
impl From<ArrayD<i32>> for ArrayValue {
    fn from(a: ArrayD<i32>) -> Self {
        ArrayValue::I32(a)
    }
}
impl From<ArrayD<u8>> for ArrayValue {
    fn from(a: ArrayD<u8>) -> Self {
        ArrayValue::U8(a)
    }
}
impl From<ArrayD<bool>> for ArrayValue {
    fn from(a: ArrayD<bool>) -> Self {
        ArrayValue::Bool(a)
    }
}

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
