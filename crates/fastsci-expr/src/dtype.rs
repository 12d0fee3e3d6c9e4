//! NumPy's element types, shared by fastsci-array (`.npy` files) and fastsci-jit (kernel
//! arrays and typed scalars), so both crates name one `DType`.

use std::fmt;

/// NumPy's element types (NumPy's names in the docs of each variant): what fastsci-array
/// reads and writes and what fastsci-jit's kernels take, one definition for both.
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
    /// use fastsci_expr::dtype::DType;
    /// assert_eq!(DType::from_name("f8"), Some(DType::F64));
    /// assert_eq!(DType::from_name("int16"), Some(DType::I16));
    /// assert_eq!(DType::from_name("np.uint16"), Some(DType::U16));
    /// assert_eq!(DType::from_name("float128"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<DType> {
        let lower = name.trim().to_ascii_lowercase();
        let lower = match lower.strip_prefix("np.").or_else(|| lower.strip_prefix("numpy.")) {
            Some(bare) => bare.to_string(),
            None => lower,
        };
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
            "?" | "bool_" => Some(DType::Bool),
            // NumPy's default integer on 64-bit platforms.
            "int" | "intp" | "int_" => Some(DType::I64),
            _ => None,
        }
    }

    /// Whether this is `float32` or `float64`.
    pub fn is_float(self) -> bool {
        self.kind() == 'f'
    }

    /// Whether this is a signed or unsigned integer type.
    pub fn is_integer(self) -> bool {
        matches!(self.kind(), 'i' | 'u')
    }

    /// NumPy's type promotion of two dtypes (`np.result_type` of two arrays or two NumPy
    /// scalars): int8 and uint8 give int16, uint64 and int64 give float64, int16 and
    /// float32 give float32, int32 and float32 give float64; complex is kept complex.
    ///
    /// # Examples
    /// ```
    /// use fastsci_expr::dtype::DType;
    /// assert_eq!(DType::I8.promote(DType::U8), DType::I16);
    /// assert_eq!(DType::U64.promote(DType::I64), DType::F64);
    /// assert_eq!(DType::I32.promote(DType::F32), DType::F64);
    /// assert_eq!(DType::Bool.promote(DType::U16), DType::U16);
    /// ```
    pub fn promote(self, other: DType) -> DType {
        use DType::*;
        let (a, b) = (self, other);
        if a == b {
            return a;
        }
        let bits = |d: DType| 8 * d.size();
        let float_of = |bits: usize| if bits <= 32 { F32 } else { F64 };
        match (a.kind(), b.kind()) {
            ('b', _) => b,
            (_, 'b') => a,
            ('c', _) | (_, 'c') => {
                let part = |d: DType| match d {
                    C64 => F32,
                    C128 => F64,
                    x => x,
                };
                if part(a).promote(part(b)) == F32 { C64 } else { C128 }
            }
            ('f', 'f') => float_of(bits(a).max(bits(b))),
            ('f', _) => float_of(bits(a).max(2 * bits(b))),
            (_, 'f') => float_of(bits(b).max(2 * bits(a))),
            (ka, kb) if ka == kb => {
                if bits(a) >= bits(b) {
                    a
                } else {
                    b
                }
            }
            _ => {
                let (signed, unsigned) = if a.kind() == 'i' { (a, b) } else { (b, a) };
                if bits(signed) > bits(unsigned) {
                    signed
                } else {
                    match bits(unsigned) {
                        8 => I16,
                        16 => I32,
                        32 => I64,
                        _ => F64,
                    }
                }
            }
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
