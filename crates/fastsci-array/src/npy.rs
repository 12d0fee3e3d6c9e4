//! Reading and writing `.npy` files (format versions 1.0, 2.0 and 3.0).
//!
//! A `.npy` file is the magic string `\x93NUMPY`, a version (major, minor), the length of the
//! header (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), the header itself (a Python
//! dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, latin-1 in 1.0 and
//! 2.0, UTF-8 in 3.0, padded with spaces and a newline so the data starts on a 64-byte boundary),
//! then the raw elements in C or Fortran order.
//!
//! The header parser here is strict: anything that is not exactly such a dict with those three
//! keys and valid values is rejected with a message saying what is wrong, never a panic.

use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use ndarray::{ArrayD, ArrayViewD, IxDyn, ShapeBuilder};

use crate::dtype::{ByteOrder, Complex, DType, Element, decode_into};
use crate::error::{ArrayError, Result, io_err};

/// The magic string every `.npy` file starts with.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The largest header accepted, in bytes (NumPy's default limit is 10,000).
pub const MAX_HEADER_LEN: usize = 1 << 20;

/// What a `.npy` header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    /// Format version (major, minor): (1, 0), (2, 0) or (3, 0).
    pub version: (u8, u8),
    /// Element type.
    pub dtype: DType,
    /// Byte order of multi-byte elements.
    pub byte_order: ByteOrder,
    /// Whether elements are stored in Fortran (column-major) order.
    pub fortran_order: bool,
    /// The shape; `[]` for a 0-d array.
    pub shape: Vec<usize>,
    /// Offset of the first data byte from the start of the file.
    pub data_offset: usize,
}

impl NpyHeader {
    /// Number of elements (the product of the shape).
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of data the header promises.
    pub fn data_len(&self) -> usize {
        self.len() * self.dtype.size()
    }
}

fn bad(message: impl Into<String>) -> ArrayError {
    ArrayError::Header(message.into())
}

/// Parses a `.npy` header from the first bytes of a file.
///
/// `bytes` must hold at least the whole header (more is fine). Returns the header, whose
/// `data_offset` says where the data starts.
///
/// # Examples
/// ```
/// use fastsci_array::npy::{parse_header, header_bytes};
/// use fastsci_array::{ByteOrder, DType};
/// let bytes = header_bytes(DType::F64, ByteOrder::Little, false, &[3, 4], None)?;
/// let h = parse_header(&bytes)?;
/// assert_eq!((h.dtype, h.shape.clone(), h.data_offset), (DType::F64, vec![3, 4], 128));
/// assert!(parse_header(b"\x93NUMPY\x01\x00\x05\x00{}   ").is_err());
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// # Errors
/// [`ArrayError::Header`] for a wrong magic string, an unsupported version, a truncated or
/// oversized header, a header that is not a dict literal, missing, unknown or repeated keys,
/// an unsupported or malformed `descr`, a `fortran_order` that is not `True`/`False`, or a
/// shape that is not a tuple of non-negative integers whose byte size fits in memory.
pub fn parse_header(bytes: &[u8]) -> Result<NpyHeader> {
    if bytes.len() < 8 {
        return Err(bad(format!(
            "file too short for a .npy preamble ({} bytes, need at least 10)",
            bytes.len()
        )));
    }
    if &bytes[..6] != MAGIC {
        return Err(bad("not a .npy file: missing the magic string \\x93NUMPY"));
    }
    let version = (bytes[6], bytes[7]);
    let (len_size, utf8) = match version {
        (1, 0) => (2usize, false),
        (2, 0) => (4, false),
        (3, 0) => (4, true),
        (major, minor) => {
            return Err(bad(format!("unsupported format version {major}.{minor} (1.0, 2.0, 3.0 are known)")));
        }
    };
    let start = 8 + len_size;
    if bytes.len() < start {
        return Err(bad("truncated preamble: the header length is missing"));
    }
    let header_len = if len_size == 2 {
        u16::from_le_bytes([bytes[8], bytes[9]]) as usize
    } else {
        u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize
    };
    if header_len > MAX_HEADER_LEN {
        return Err(bad(format!("header length {header_len} exceeds the limit of {MAX_HEADER_LEN} bytes")));
    }
    let end = start + header_len;
    if bytes.len() < end {
        return Err(bad(format!(
            "truncated header: it says {header_len} bytes but only {} follow the preamble",
            bytes.len() - start
        )));
    }
    let raw = &bytes[start..end];
    let text: String = if utf8 {
        std::str::from_utf8(raw).map_err(|e| bad(format!("header is not valid UTF-8: {e}")))?.to_string()
    } else {
        raw.iter().map(|&b| b as char).collect()
    };
    let (descr, fortran_order, shape) = parse_dict(&text)?;
    let (dtype, byte_order) = parse_descr(&descr)?;
    let mut total: usize = dtype.size();
    for &d in &shape {
        total = total
            .checked_mul(d)
            .ok_or_else(|| bad(format!("shape {shape:?} is too large: its byte size overflows")))?;
    }
    if total > isize::MAX as usize {
        return Err(bad(format!("shape {shape:?} is too large: {total} bytes")));
    }
    Ok(NpyHeader { version, dtype, byte_order, fortran_order, shape, data_offset: end })
}

/// Parses a `descr` string such as `<f8` into a dtype and byte order.
fn parse_descr(descr: &str) -> Result<(DType, ByteOrder)> {
    let mut chars = descr.chars();
    let first = chars.next().ok_or_else(|| bad("descr is empty"))?;
    let (order, rest) = match first {
        '<' => (Some(ByteOrder::Little), chars.as_str()),
        '>' => (Some(ByteOrder::Big), chars.as_str()),
        '=' => (Some(ByteOrder::NATIVE), chars.as_str()),
        '|' => (None, chars.as_str()),
        _ => return Err(bad(format!("descr '{descr}' has no byte-order character (<, >, = or |)"))),
    };
    let mut rc = rest.chars();
    let kind = rc.next().ok_or_else(|| bad(format!("descr '{descr}' has no type character")))?;
    let size_text = rc.as_str();
    if size_text.is_empty() || !size_text.bytes().all(|b| b.is_ascii_digit()) || size_text.len() > 3 {
        return Err(bad(format!("descr '{descr}' has no valid item size")));
    }
    let size: usize =
        size_text.parse().map_err(|_| bad(format!("descr '{descr}' has no valid item size")))?;
    let dtype = match (kind, size) {
        ('b', 1) => DType::Bool,
        ('i', 1) => DType::I8,
        ('i', 2) => DType::I16,
        ('i', 4) => DType::I32,
        ('i', 8) => DType::I64,
        ('u', 1) => DType::U8,
        ('u', 2) => DType::U16,
        ('u', 4) => DType::U32,
        ('u', 8) => DType::U64,
        ('f', 4) => DType::F32,
        ('f', 8) => DType::F64,
        ('c', 8) => DType::C64,
        ('c', 16) => DType::C128,
        _ => {
            return Err(bad(format!(
                "unsupported dtype '{descr}' (supported: b1, i1-i8, u1-u8, f4, f8, c8, c16)"
            )));
        }
    };
    let order = match order {
        Some(o) => o,
        None if size == 1 => ByteOrder::NATIVE,
        None => {
            return Err(bad(format!("descr '{descr}': '|' (no byte order) is only valid for 1-byte types")));
        }
    };
    Ok((dtype, order))
}

/// A value of the tiny Python-literal language a header uses.
#[derive(Debug)]
enum Lit {
    Str(String),
    Bool(bool),
    Int(u128),
    Tuple(Vec<Lit>),
    List,
    None_,
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }
    fn expect(&mut self, c: u8) -> Result<()> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", c as char)))
        }
    }
    fn err(&self, what: &str) -> ArrayError {
        let found = match self.peek() {
            Some(c) if c.is_ascii_graphic() => format!("'{}'", c as char),
            Some(c) => format!("byte 0x{c:02x}"),
            None => "the end of the header".to_string(),
        };
        let shown: String = self.text.chars().take(80).collect();
        bad(format!("{what} at offset {} of the header but found {found} (header: {shown:?})", self.pos))
    }
    fn string(&mut self) -> Result<String> {
        self.skip_ws();
        let quote = match self.peek() {
            Some(q @ (b'\'' | b'"')) => q,
            _ => return Err(self.err("expected a quoted string")),
        };
        self.pos += 1;
        let start = self.pos;
        while self.pos < self.s.len() && self.s[self.pos] != quote {
            if self.s[self.pos] == b'\\' || self.s[self.pos] == b'\n' {
                return Err(self.err("escape or newline inside a string"));
            }
            self.pos += 1;
        }
        if self.pos >= self.s.len() {
            return Err(bad("unterminated string in header"));
        }
        let out = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
        self.pos += 1;
        Ok(out)
    }
    fn value(&mut self, depth: usize) -> Result<Lit> {
        if depth > 4 {
            return Err(self.err("nesting too deep"));
        }
        self.skip_ws();
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Lit::Str(self.string()?)),
            Some(b'(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(b')') {
                        self.pos += 1;
                        break;
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b')') => {
                            if items.len() == 1 {
                                // `(3)` is the integer 3 in Python, not a tuple.
                                self.pos += 1;
                                return items.pop().ok_or_else(|| self.err("empty group"));
                            }
                        }
                        _ => return Err(self.err("expected ',' or ')' in a tuple")),
                    }
                }
                Ok(Lit::Tuple(items))
            }
            Some(b'[') => {
                // Lists appear only in structured dtypes, which are not supported; skip it
                // balanced so the error can say what the key was.
                let mut level = 0usize;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'[' => level += 1,
                        b']' => {
                            level -= 1;
                            if level == 0 {
                                return Ok(Lit::List);
                            }
                        }
                        _ => {}
                    }
                }
                Err(bad("unterminated list in header"))
            }
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.') {
                    self.pos += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
                if t.starts_with('-') {
                    return Err(bad(format!("negative number {t} in header")));
                }
                let digits = t.trim_start_matches('+').trim_end_matches('L');
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(format!("'{t}' is not a non-negative integer")));
                }
                digits.parse::<u128>().map(Lit::Int).map_err(|_| bad(format!("integer {t} is too large")))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    self.pos += 1;
                }
                match &self.s[start..self.pos] {
                    b"True" => Ok(Lit::Bool(true)),
                    b"False" => Ok(Lit::Bool(false)),
                    b"None" => Ok(Lit::None_),
                    _ => Err(bad(format!(
                        "unknown name '{}' in header",
                        String::from_utf8_lossy(&self.s[start..self.pos])
                    ))),
                }
            }
            _ => Err(self.err("expected a value")),
        }
    }
}

/// Parses the header dict into (descr, fortran_order, shape).
fn parse_dict(text: &str) -> Result<(String, bool, Vec<usize>)> {
    let mut c = Cursor { s: text.as_bytes(), pos: 0, text };
    c.expect(b'{')?;
    let mut descr = None;
    let mut fortran = None;
    let mut shape = None;
    loop {
        c.skip_ws();
        if c.peek() == Some(b'}') {
            c.pos += 1;
            break;
        }
        let key = c.string()?;
        c.expect(b':')?;
        let value = c.value(0)?;
        let slot_taken = match key.as_str() {
            "descr" => match value {
                Lit::Str(s) => descr.replace(s).is_some(),
                Lit::List => return Err(bad("structured dtypes (a list descr) are not supported")),
                other => return Err(bad(format!("'descr' must be a string, found {other:?}"))),
            },
            "fortran_order" => match value {
                Lit::Bool(b) => fortran.replace(b).is_some(),
                other => return Err(bad(format!("'fortran_order' must be True or False, found {other:?}"))),
            },
            "shape" => match value {
                Lit::Tuple(items) => {
                    let mut dims = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Lit::Int(n) => dims.push(
                                usize::try_from(n).map_err(|_| bad(format!("dimension {n} is too large")))?,
                            ),
                            other => return Err(bad(format!("'shape' must hold integers, found {other:?}"))),
                        }
                    }
                    if dims.len() > 32 {
                        return Err(bad(format!("shape has {} dimensions (at most 32)", dims.len())));
                    }
                    shape.replace(dims).is_some()
                }
                other => return Err(bad(format!("'shape' must be a tuple, found {other:?}"))),
            },
            other => {
                return Err(bad(format!("unknown key '{other}' (expected descr, fortran_order, shape)")));
            }
        };
        if slot_taken {
            return Err(bad(format!("key '{key}' appears twice")));
        }
        c.skip_ws();
        match c.peek() {
            Some(b',') => c.pos += 1,
            Some(b'}') => {}
            _ => return Err(c.err("expected ',' or '}' after a value")),
        }
    }
    c.skip_ws();
    if c.pos != c.s.len() {
        // NumPy pads with spaces and ends with '\n'; anything else after the dict is an error.
        return Err(c.err("expected only padding after the dict"));
    }
    let descr = descr.ok_or_else(|| bad("missing key 'descr'"))?;
    let fortran = fortran.ok_or_else(|| bad("missing key 'fortran_order'"))?;
    let shape = shape.ok_or_else(|| bad("missing key 'shape'"))?;
    Ok((descr, fortran, shape))
}

/// The bytes of a `.npy` preamble and header for these parameters, padded so the data starts
/// on a 64-byte boundary.
///
/// `version` picks the format version; `None` chooses 1.0 when the header fits, else 2.0, as
/// NumPy does.
///
/// # Errors
/// [`ArrayError::Invalid`] for a version other than 1.0, 2.0, 3.0 or a header too long for 1.0.
pub fn header_bytes(
    dtype: DType,
    order: ByteOrder,
    fortran_order: bool,
    shape: &[usize],
    version: Option<(u8, u8)>,
) -> Result<Vec<u8>> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_text = match dims.len() {
        0 => "()".to_string(),
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let dict = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': {shape_text}, }}",
        dtype.descr(order),
        if fortran_order { "True" } else { "False" }
    );
    let fits_v1 = 10 + dict.len() + 1 < 65536 - 64;
    let version = match version {
        Some(v @ ((1, 0) | (2, 0) | (3, 0))) => v,
        Some((a, b)) => return Err(ArrayError::Invalid(format!("unknown .npy version {a}.{b}"))),
        None if fits_v1 => (1, 0),
        None => (2, 0),
    };
    if version == (1, 0) && !fits_v1 {
        return Err(ArrayError::Invalid("header too long for .npy version 1.0".into()));
    }
    let preamble = if version.0 == 1 { 10 } else { 12 };
    let unpadded = preamble + dict.len() + 1;
    let total = unpadded.div_ceil(64) * 64;
    let header_len = total - preamble;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    out.push(version.0);
    out.push(version.1);
    if version.0 == 1 {
        out.extend_from_slice(&(header_len as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header_len as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.resize(total - 1, b' ');
    out.push(b'\n');
    Ok(out)
}

/// Reads just the header of a `.npy` stream, leaving it positioned at the first data byte.
///
/// # Errors
/// As [`parse_header`], plus I/O errors.
pub fn read_header(reader: &mut impl Read) -> Result<NpyHeader> {
    let mut pre = [0u8; 12];
    let got = read_up_to(reader, &mut pre[..10])?;
    if got < 10 {
        return Err(bad(format!("file too short for a .npy preamble ({got} bytes, need at least 10)")));
    }
    let mut buf = pre[..10].to_vec();
    if &pre[..6] == MAGIC && matches!(pre[6], 2 | 3) {
        let mut two = [0u8; 2];
        if read_up_to(reader, &mut two)? < 2 {
            return Err(bad("truncated preamble: the header length is missing"));
        }
        buf.extend_from_slice(&two);
    }
    // Validate magic and version before trusting the length.
    let header_len = match parse_header(&buf) {
        Ok(h) => return Ok(h),
        Err(ArrayError::Header(m)) if m.starts_with("truncated header") => {
            if buf.len() == 10 {
                u16::from_le_bytes([buf[8], buf[9]]) as usize
            } else {
                u32::from_le_bytes([buf[8], buf[9], buf[10], buf[11]]) as usize
            }
        }
        Err(e) => return Err(e),
    };
    let start = buf.len();
    buf.resize(start + header_len, 0);
    let got = read_up_to(reader, &mut buf[start..])?;
    if got < header_len {
        buf.truncate(start + got);
    }
    parse_header(&buf)
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(filled)
}

/// An array read from a `.npy` file, whatever its element type.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum NpyArray {
    Bool(ArrayD<bool>),
    I8(ArrayD<i8>),
    I16(ArrayD<i16>),
    I32(ArrayD<i32>),
    I64(ArrayD<i64>),
    U8(ArrayD<u8>),
    U16(ArrayD<u16>),
    U32(ArrayD<u32>),
    U64(ArrayD<u64>),
    F32(ArrayD<f32>),
    F64(ArrayD<f64>),
    C64(ArrayD<Complex<f32>>),
    C128(ArrayD<Complex<f64>>),
}

macro_rules! each_variant {
    ($v:expr, $a:ident => $body:expr) => {
        match $v {
            NpyArray::Bool($a) => $body,
            NpyArray::I8($a) => $body,
            NpyArray::I16($a) => $body,
            NpyArray::I32($a) => $body,
            NpyArray::I64($a) => $body,
            NpyArray::U8($a) => $body,
            NpyArray::U16($a) => $body,
            NpyArray::U32($a) => $body,
            NpyArray::U64($a) => $body,
            NpyArray::F32($a) => $body,
            NpyArray::F64($a) => $body,
            NpyArray::C64($a) => $body,
            NpyArray::C128($a) => $body,
        }
    };
}

impl NpyArray {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            NpyArray::Bool(_) => DType::Bool,
            NpyArray::I8(_) => DType::I8,
            NpyArray::I16(_) => DType::I16,
            NpyArray::I32(_) => DType::I32,
            NpyArray::I64(_) => DType::I64,
            NpyArray::U8(_) => DType::U8,
            NpyArray::U16(_) => DType::U16,
            NpyArray::U32(_) => DType::U32,
            NpyArray::U64(_) => DType::U64,
            NpyArray::F32(_) => DType::F32,
            NpyArray::F64(_) => DType::F64,
            NpyArray::C64(_) => DType::C64,
            NpyArray::C128(_) => DType::C128,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        each_variant!(self, a => a.shape())
    }

    /// The values as `f64` (a copy; integers above 2^53 round).
    ///
    /// # Errors
    /// [`ArrayError::DType`] for complex arrays.
    pub fn to_f64(&self) -> Result<ArrayD<f64>> {
        use crate::dtype::Real;
        match self {
            NpyArray::C64(_) | NpyArray::C128(_) => {
                Err(ArrayError::DType(format!("{} cannot be converted to float64", self.dtype())))
            }
            NpyArray::Bool(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::I8(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::I16(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::I32(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::I64(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::U8(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::U16(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::U32(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::U64(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::F32(a) => Ok(a.mapv(Real::to_f64)),
            NpyArray::F64(a) => Ok(a.clone()),
        }
    }

    /// Writes this array to `path` with the given options.
    ///
    /// # Errors
    /// As [`write_npy_with`].
    pub fn write(&self, path: impl AsRef<Path>, options: &WriteOptions) -> Result<()> {
        each_variant!(self, a => write_npy_with(path, &a.view(), options))
    }
}

/// Typed access to an [`NpyArray`].
pub trait FromNpyArray: Element {
    /// The array if it holds this type.
    fn take(array: NpyArray) -> std::result::Result<ArrayD<Self>, NpyArray>;
}

macro_rules! from_npy {
    ($t:ty, $v:ident) => {
        impl FromNpyArray for $t {
            fn take(array: NpyArray) -> std::result::Result<ArrayD<Self>, NpyArray> {
                match array {
                    NpyArray::$v(a) => Ok(a),
                    other => Err(other),
                }
            }
        }
        impl From<ArrayD<$t>> for NpyArray {
            fn from(a: ArrayD<$t>) -> NpyArray {
                NpyArray::$v(a)
            }
        }
    };
}
from_npy!(bool, Bool);
from_npy!(i8, I8);
from_npy!(i16, I16);
from_npy!(i32, I32);
from_npy!(i64, I64);
from_npy!(u8, U8);
from_npy!(u16, U16);
from_npy!(u32, U32);
from_npy!(u64, U64);
from_npy!(f32, F32);
from_npy!(f64, F64);
from_npy!(Complex<f32>, C64);
from_npy!(Complex<f64>, C128);

fn decode_array<T: Element>(header: &NpyHeader, bytes: &[u8]) -> Result<ArrayD<T>> {
    let n = header.len();
    let mut v = crate::zeroed_vec(n);
    decode_into(bytes, header.byte_order, &mut v);
    let shape = IxDyn(&header.shape);
    let built = if header.fortran_order {
        ArrayD::from_shape_vec(shape.f(), v)
    } else {
        ArrayD::from_shape_vec(shape, v)
    };
    built.map_err(|e| ArrayError::Internal(format!("shape of decoded array: {e}")))
}

/// Checks that a file of `file_len` bytes holds all the data `header` declares: the one place
/// every `.npy` file reader (read into memory or mapped) compares the declared size with the
/// actual length before allocating or mapping anything.
///
/// # Examples
/// ```
/// use fastsci_array::npy::{check_data_len, header_bytes, parse_header};
/// use fastsci_array::{ArrayError, ByteOrder, DType};
/// let raw = header_bytes(DType::F64, ByteOrder::Little, false, &[1_000_000_000_000_000], None)?;
/// let header = parse_header(&raw)?;
/// // A 128-byte file cannot hold 8 PB of data: refused before any allocation.
/// assert!(matches!(check_data_len(&header, raw.len() as u64), Err(ArrayError::Truncated { .. })));
/// # Ok::<(), ArrayError>(())
/// ```
///
/// # Errors
/// [`ArrayError::Truncated`] when the file is shorter than header plus data.
pub fn check_data_len(header: &NpyHeader, file_len: u64) -> Result<()> {
    let have = file_len.saturating_sub(header.data_offset as u64);
    if have < header.data_len() as u64 {
        return Err(ArrayError::Truncated { expected: header.data_len() as u64, found: have });
    }
    Ok(())
}

/// Reads a `.npy` stream of any supported dtype.
///
/// # Errors
/// As [`parse_header`], [`ArrayError::Truncated`] when data is missing, and I/O errors.
pub fn read_npy_from(reader: &mut impl Read) -> Result<NpyArray> {
    let header = read_header(reader)?;
    let need = header.data_len();
    let mut bytes = Vec::new();
    // Read at most what the header promises, growing as data arrives (a lying header cannot
    // make us allocate more than the stream holds).
    let got = reader.take(need as u64).read_to_end(&mut bytes)?;
    if got < need {
        return Err(ArrayError::Truncated { expected: need as u64, found: got as u64 });
    }
    Ok(match header.dtype {
        DType::Bool => NpyArray::Bool(decode_array(&header, &bytes)?),
        DType::I8 => NpyArray::I8(decode_array(&header, &bytes)?),
        DType::I16 => NpyArray::I16(decode_array(&header, &bytes)?),
        DType::I32 => NpyArray::I32(decode_array(&header, &bytes)?),
        DType::I64 => NpyArray::I64(decode_array(&header, &bytes)?),
        DType::U8 => NpyArray::U8(decode_array(&header, &bytes)?),
        DType::U16 => NpyArray::U16(decode_array(&header, &bytes)?),
        DType::U32 => NpyArray::U32(decode_array(&header, &bytes)?),
        DType::U64 => NpyArray::U64(decode_array(&header, &bytes)?),
        DType::F32 => NpyArray::F32(decode_array(&header, &bytes)?),
        DType::F64 => NpyArray::F64(decode_array(&header, &bytes)?),
        DType::C64 => NpyArray::C64(decode_array(&header, &bytes)?),
        DType::C128 => NpyArray::C128(decode_array(&header, &bytes)?),
    })
}

/// Reads a `.npy` file of any supported dtype.
///
/// # Examples
/// ```
/// use fastsci_array::npy::{read_npy, write_npy, NpyArray};
/// let dir = std::env::temp_dir().join(format!("fastsci-doc-read-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("a.npy");
/// write_npy(&path, &ndarray::arr2(&[[1i32, 2], [3, 4]]).into_dyn())?;
/// match read_npy(&path)? {
///     NpyArray::I32(a) => assert_eq!(a[[1, 0]], 3),
///     other => panic!("unexpected {:?}", other.dtype()),
/// }
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_npy_from`], with the path in I/O errors.
pub fn read_npy(path: impl AsRef<Path>) -> Result<NpyArray> {
    let path = path.as_ref();
    let file = crate::input::open(path)?;
    let file_len = file.metadata().map_err(io_err(path))?.len();
    let mut reader = BufReader::new(file);
    let in_path = |e| match e {
        ArrayError::Stream(source) => ArrayError::Io { path: path.to_path_buf(), source },
        other => other,
    };
    // Check the declared size against the file before reading: a lying header is refused at
    // once, with the sizes, rather than after reading what is there.
    check_data_len(&read_header(&mut reader).map_err(in_path)?, file_len)?;
    reader.seek(std::io::SeekFrom::Start(0)).map_err(io_err(path))?;
    read_npy_from(&mut reader).map_err(in_path)
}

/// Reads a `.npy` file whose dtype must be `T`.
///
/// # Errors
/// As [`read_npy`], and [`ArrayError::DType`] when the file holds another dtype.
pub fn read_npy_as<T: FromNpyArray>(path: impl AsRef<Path>) -> Result<ArrayD<T>> {
    let array = read_npy(path)?;
    T::take(array).map_err(|other| {
        ArrayError::DType(format!("expected {}, the file holds {}", T::DTYPE, other.dtype()))
    })
}

/// How to write a `.npy` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// Format version; `None` picks 1.0 when the header fits, else 2.0.
    pub version: Option<(u8, u8)>,
    /// Byte order of the data.
    pub byte_order: ByteOrder,
    /// Store in Fortran order (column-major) instead of C order.
    pub fortran_order: bool,
}

impl Default for WriteOptions {
    fn default() -> WriteOptions {
        WriteOptions { version: None, byte_order: ByteOrder::NATIVE, fortran_order: false }
    }
}

/// Writes an array to `path` in C order, native byte order, version 1.0 (2.0 if the header
/// needs it). The file is written to a temporary name beside `path` and renamed into place.
///
/// # Errors
/// I/O errors.
pub fn write_npy<T: Element>(path: impl AsRef<Path>, array: &ArrayD<T>) -> Result<()> {
    write_npy_with(path, &array.view(), &WriteOptions::default())
}

/// Writes an array to a stream with the given options.
///
/// # Errors
/// I/O errors, [`ArrayError::Invalid`] for an unknown version.
pub fn write_npy_to<T: Element>(
    writer: &mut impl Write,
    array: &ArrayViewD<T>,
    options: &WriteOptions,
) -> Result<()> {
    let header =
        header_bytes(T::DTYPE, options.byte_order, options.fortran_order, array.shape(), options.version)?;
    writer.write_all(&header)?;
    let size = T::DTYPE.size();
    let mut buf = vec![0u8; size * 8192];
    let mut filled = 0;
    let mut emit = |x: T, writer: &mut dyn Write| -> std::io::Result<()> {
        x.to_bytes(&mut buf[filled..filled + size], options.byte_order);
        filled += size;
        if filled == buf.len() {
            writer.write_all(&buf)?;
            filled = 0;
        }
        Ok(())
    };
    if options.fortran_order {
        // Fortran order is C order of the reversed axes.
        for &x in array.t().iter() {
            emit(x, writer)?;
        }
    } else {
        for &x in array.iter() {
            emit(x, writer)?;
        }
    }
    writer.write_all(&buf[..filled])?;
    Ok(())
}

/// Writes an array to `path` with the given options, through a temporary file renamed into
/// place, so a failed write never leaves a half-written file at `path`.
///
/// # Errors
/// I/O errors (with the path), [`ArrayError::Invalid`] for an unknown version.
pub fn write_npy_with<T: Element>(
    path: impl AsRef<Path>,
    array: &ArrayViewD<T>,
    options: &WriteOptions,
) -> Result<()> {
    let path = path.as_ref();
    crate::atomic::write_atomically(path, |file| {
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write_npy_to(&mut w, array, options)?;
        w.flush().map_err(io_err(path))?;
        Ok(())
    })
}
