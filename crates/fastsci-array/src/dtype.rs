//! Element types of `.npy` files: the [`DType`] enum, byte order, and the [`Element`] trait
//! that connects them to Rust types.

use std::fmt;

/// The element types fastsci-array reads and writes (NumPy's names in the docs of each variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    /// `bool` (`b1`), one byte, 0 or 1.
    Bool,
    /// `int8` (`i1`).
    I8,
    /// `int16` (`i2`).
    I16,
    /// `int32` (`i4`).
    I32,
    /// `int64` (`i8`).
    I64,
    /// `uint8` (`u1`).
    U8,
    /// `uint16` (`u2`).
    U16,
    /// `uint32` (`u4`).
    U32,
    /// `uint64` (`u8`).
    U64,
    /// `float32` (`f4`).
    F32,
    /// `float64` (`f8`).
    F64,
    /// `complex64` (`c8`): two `float32`.
    C64,
    /// `complex128` (`c16`): two `float64`.
    C128,
}

/// Every dtype, in NumPy's order.
pub const ALL_DTYPES: [DType; 13] = [
    DType::Bool,
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::U8,
    DType::U16,
    DType::U32,
    DType::U64,
    DType::F32,
    DType::F64,
    DType::C64,
    DType::C128,
];

impl DType {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }

    /// NumPy's kind character: `b`, `i`, `u`, `f` or `c`.
    pub fn kind(self) -> char {
        match self {
            DType::Bool => 'b',
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => 'i',
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => 'u',
            DType::F32 | DType::F64 => 'f',
            DType::C64 | DType::C128 => 'c',
        }
    }

    /// NumPy's name: `float64`, `int32`, `bool`, ...
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// Parses NumPy's name (`float64`, `f8`, `int32`, `i4`, `bool`, ...), or a Rust-style
    /// name that NumPy does not use (`f32`, `f64`, `i16`..`i64`, `u16`..`u64`).
    ///
    /// # Examples
    /// ```
    /// use fastsci_array::DType;
    /// assert_eq!(DType::from_name("f8"), Some(DType::F64));
    /// assert_eq!(DType::from_name("int16"), Some(DType::I16));
    /// assert_eq!(DType::from_name("float128"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<DType> {
        let lower = name.trim().to_ascii_lowercase();
        for d in ALL_DTYPES {
            if d.name() == lower || format!("{}{}", d.kind(), d.size()) == lower {
                return Some(d);
            }
        }
        match lower.as_str() {
            "double" | "float" => Some(DType::F64),
            "single" => Some(DType::F32),
            // Rust-style names where they cannot be mistaken for NumPy's byte codes
            // (`i8` stays NumPy's int64).
            "f32" => Some(DType::F32),
            "f64" => Some(DType::F64),
            "i16" => Some(DType::I16),
            "i32" => Some(DType::I32),
            "i64" => Some(DType::I64),
            "u16" => Some(DType::U16),
            "u32" => Some(DType::U32),
            "u64" => Some(DType::U64),
            "?" => Some(DType::Bool),
            _ => None,
        }
    }

    /// Whether the elements are real numbers (everything but the complex types).
    pub fn is_real(self) -> bool {
        self.kind() != 'c'
    }

    /// The `.npy` `descr` string for this dtype in `order`: `<f8`, `>i4`, `|u1`.
    pub fn descr(self, order: ByteOrder) -> String {
        let prefix = if self.size() == 1 {
            '|'
        } else {
            match order {
                ByteOrder::Little => '<',
                ByteOrder::Big => '>',
            }
        };
        format!("{prefix}{}{}", self.kind(), self.size())
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The byte order of multi-byte elements in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Least significant byte first (`<`), native on x86-64 and AArch64.
    Little,
    /// Most significant byte first (`>`).
    Big,
}

impl ByteOrder {
    /// The byte order of this machine.
    pub const NATIVE: ByteOrder =
        if cfg!(target_endian = "little") { ByteOrder::Little } else { ByteOrder::Big };
}

/// A complex number stored as NumPy stores it: real part, then imaginary part.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[repr(C)]
pub struct Complex<T> {
    /// Real part.
    pub re: T,
    /// Imaginary part.
    pub im: T,
}

impl<T> Complex<T> {
    /// `re + i*im`.
    pub fn new(re: T, im: T) -> Complex<T> {
        Complex { re, im }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that is one of the `.npy` element types.
///
/// Implemented for `bool`, `i8`..`i64`, `u8`..`u64`, `f32`, `f64`, [`Complex<f32>`] and
/// [`Complex<f64>`]; sealed.
pub trait Element: Copy + Send + Sync + fmt::Debug + PartialEq + Default + 'static + sealed::Sealed {
    /// The dtype of this type.
    const DTYPE: DType;
    /// Decodes one element from `bytes` (exactly `DTYPE.size()` of them) in `order`.
    fn from_bytes(bytes: &[u8], order: ByteOrder) -> Self;
    /// Encodes one element into `out` (exactly `DTYPE.size()` bytes) in `order`.
    fn to_bytes(self, out: &mut [u8], order: ByteOrder);
}

/// A real [`Element`]: convertible to and from `f64` for arithmetic.
pub trait Real: Element {
    /// The value as `f64` (exact except for `i64`/`u64` beyond 2^53; `true` is 1).
    fn to_f64(self) -> f64;
    /// The nearest value of this type to `x`, as NumPy's `astype` does for in-range values
    /// (integers truncate toward zero and saturate; NaN becomes 0; bool is `x != 0`).
    fn from_f64(x: f64) -> Self;
}

macro_rules! numeric_element {
    ($t:ty, $d:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = $d;
            #[inline]
            fn from_bytes(bytes: &[u8], order: ByteOrder) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(&bytes[..std::mem::size_of::<$t>()]);
                match order {
                    ByteOrder::Little => <$t>::from_le_bytes(a),
                    ByteOrder::Big => <$t>::from_be_bytes(a),
                }
            }
            #[inline]
            fn to_bytes(self, out: &mut [u8], order: ByteOrder) {
                let a = match order {
                    ByteOrder::Little => self.to_le_bytes(),
                    ByteOrder::Big => self.to_be_bytes(),
                };
                out[..a.len()].copy_from_slice(&a);
            }
        }
        impl Real for $t {
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
        }
    };
}

numeric_element!(i8, DType::I8);
numeric_element!(i16, DType::I16);
numeric_element!(i32, DType::I32);
numeric_element!(i64, DType::I64);
numeric_element!(u8, DType::U8);
numeric_element!(u16, DType::U16);
numeric_element!(u32, DType::U32);
numeric_element!(u64, DType::U64);
numeric_element!(f32, DType::F32);
numeric_element!(f64, DType::F64);

impl sealed::Sealed for bool {}
impl Element for bool {
    const DTYPE: DType = DType::Bool;
    #[inline]
    fn from_bytes(bytes: &[u8], _order: ByteOrder) -> Self {
        bytes[0] != 0
    }
    #[inline]
    fn to_bytes(self, out: &mut [u8], _order: ByteOrder) {
        out[0] = u8::from(self);
    }
}
impl Real for bool {
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    #[inline]
    fn from_f64(x: f64) -> Self {
        x != 0.0
    }
}

macro_rules! complex_element {
    ($t:ty, $d:expr) => {
        impl sealed::Sealed for Complex<$t> {}
        impl Element for Complex<$t> {
            const DTYPE: DType = $d;
            #[inline]
            fn from_bytes(bytes: &[u8], order: ByteOrder) -> Self {
                let h = std::mem::size_of::<$t>();
                Complex {
                    re: <$t>::from_bytes(&bytes[..h], order),
                    im: <$t>::from_bytes(&bytes[h..2 * h], order),
                }
            }
            #[inline]
            fn to_bytes(self, out: &mut [u8], order: ByteOrder) {
                let h = std::mem::size_of::<$t>();
                self.re.to_bytes(&mut out[..h], order);
                self.im.to_bytes(&mut out[h..2 * h], order);
            }
        }
    };
}

complex_element!(f32, DType::C64);
complex_element!(f64, DType::C128);

/// Decodes `bytes` (whole elements of `T` in `order`) into `out`.
pub(crate) fn decode_into<T: Element>(bytes: &[u8], order: ByteOrder, out: &mut [T]) {
    let size = T::DTYPE.size();
    for (o, chunk) in out.iter_mut().zip(bytes.chunks_exact(size)) {
        *o = T::from_bytes(chunk, order);
    }
}

/// Decodes `bytes` holding real elements of `dtype` in `order` into `f64`s.
///
/// Complex dtypes give their real parts; callers reject them earlier where that matters.
pub(crate) fn decode_f64(bytes: &[u8], dtype: DType, order: ByteOrder, out: &mut [f64]) {
    macro_rules! go {
        ($t:ty) => {{
            let size = std::mem::size_of::<$t>();
            for (o, chunk) in out.iter_mut().zip(bytes.chunks_exact(size)) {
                *o = <$t>::from_bytes(chunk, order).to_f64();
            }
        }};
    }
    match dtype {
        DType::Bool => {
            for (o, &b) in out.iter_mut().zip(bytes) {
                *o = f64::from(u8::from(b != 0));
            }
        }
        DType::I8 => go!(i8),
        DType::I16 => go!(i16),
        DType::I32 => go!(i32),
        DType::I64 => go!(i64),
        DType::U8 => go!(u8),
        DType::U16 => go!(u16),
        DType::U32 => go!(u32),
        DType::U64 => go!(u64),
        DType::F32 => go!(f32),
        DType::F64 => go!(f64),
        DType::C64 => {
            for (o, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
                *o = f64::from(f32::from_bytes(chunk, order));
            }
        }
        DType::C128 => {
            for (o, chunk) in out.iter_mut().zip(bytes.chunks_exact(16)) {
                *o = f64::from_bytes(chunk, order);
            }
        }
    }
}
