//! Element types of `.npy` files: the [`DType`] enum, byte order, and the [`Element`] trait
//! that connects them to Rust types. `DType` itself lives in [`fastsci_expr::dtype`] (shared
//! with fastsci-jit) and is re-exported here.

use std::fmt;

pub use fastsci_expr::dtype::{ALL_DTYPES, ByteOrder, DType};

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
