//! The run-time support that compiled code calls into: math functions (as `extern "C"`
//! functions), the per-call context (error flag, random state, recursion depth, array arena),
//! array allocation and random draws.

use crate::ir::{Fill, MathFn, RtError};
use crate::value::DType;

/// Maximum depth of nested kernel calls before `RecursionError` (keeps native stacks safe).
pub(crate) const MAX_DEPTH: i64 = 2000;

/// The context every compiled function receives as its first argument.
/// Field offsets are used by the code generator: keep `#[repr(C)]` and the order.
#[repr(C)]
pub(crate) struct Ctx {
    /// Non-zero after a runtime error ([`RtError`] code).
    pub err: i64,
    /// Byte offset in the source of the failing expression.
    pub err_pos: i64,
    /// xoshiro256++ state.
    pub rng: [u64; 4],
    /// Current call depth.
    pub depth: i64,
    /// Arrays allocated during this call.
    pub arena: *mut Arena,
    /// The caller's cancel flag (an `AtomicBool`, one byte), read at every loop back-edge;
    /// never null ([`NEVER_CANCELLED`] when the caller gave none).
    pub cancel: *const u8,
}

/// The cancel flag of calls that cannot be cancelled.
pub(crate) static NEVER_CANCELLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) const CTX_ERR: i32 = 0;
pub(crate) const CTX_ERR_POS: i32 = 8;
pub(crate) const CTX_RNG: i32 = 16;
pub(crate) const CTX_DEPTH: i32 = 48;
pub(crate) const CTX_CANCEL: i32 = 64;

/// Storage of arrays created by a kernel during one call; freed when the call returns.
#[derive(Default)]
pub(crate) struct Arena {
    pub buffers: Vec<Buffer>,
}

/// A flat, typed buffer (so a returned array can be moved out without copying).
pub(crate) enum Buffer {
    F64(Vec<f64>),
    F32(Vec<f32>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    U8(Vec<u8>),
    Bool(Vec<bool>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
}

/// The same body for every element type of a buffer (`$v` bound to its vector).
macro_rules! each_buffer {
    ($b:expr, $v:ident => $body:expr) => {
        match $b {
            Buffer::F64($v) => $body,
            Buffer::F32($v) => $body,
            Buffer::I64($v) => $body,
            Buffer::I32($v) => $body,
            Buffer::U8($v) => $body,
            Buffer::Bool($v) => $body,
            Buffer::I8($v) => $body,
            Buffer::I16($v) => $body,
            Buffer::U16($v) => $body,
            Buffer::U32($v) => $body,
            Buffer::U64($v) => $body,
        }
    };
}
pub(crate) use each_buffer;

impl Buffer {
    pub fn ptr(&mut self) -> *mut u8 {
        each_buffer!(self, v => v.as_mut_ptr().cast::<u8>())
    }
    pub fn len(&self) -> usize {
        each_buffer!(self, v => v.len())
    }
    pub fn elem_size(&self) -> usize {
        self.dtype().size()
    }
    pub fn dtype(&self) -> DType {
        match self {
            Buffer::F64(_) => DType::F64,
            Buffer::F32(_) => DType::F32,
            Buffer::I64(_) => DType::I64,
            Buffer::I32(_) => DType::I32,
            Buffer::U8(_) => DType::U8,
            Buffer::Bool(_) => DType::Bool,
            Buffer::I8(_) => DType::I8,
            Buffer::I16(_) => DType::I16,
            Buffer::U16(_) => DType::U16,
            Buffer::U32(_) => DType::U32,
            Buffer::U64(_) => DType::U64,
        }
    }
}

// ---------------- random numbers: xoshiro256++ ----------------

/// SplitMix64, used to expand a seed into the xoshiro state.
pub(crate) fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seeds a xoshiro256++ state from a 64-bit seed.
pub(crate) fn seed_state(seed: u64) -> [u64; 4] {
    let mut x = seed;
    [splitmix64(&mut x), splitmix64(&mut x), splitmix64(&mut x), splitmix64(&mut x)]
}

/// One xoshiro256++ step.
#[inline]
pub(crate) fn next_u64(s: &mut [u64; 4]) -> u64 {
    let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    result
}

/// Uniform in `[0, 1)` with 53 random bits.
#[inline]
pub(crate) fn next_f64(s: &mut [u64; 4]) -> f64 {
    (next_u64(s) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal by the Marsaglia polar method.
pub(crate) fn next_normal(s: &mut [u64; 4]) -> f64 {
    loop {
        let u = 2.0 * next_f64(s) - 1.0;
        let v = 2.0 * next_f64(s) - 1.0;
        let r = u * u + v * v;
        if r > 0.0 && r < 1.0 {
            return u * (-2.0 * r.ln() / r).sqrt();
        }
    }
}

/// Uniform integer in `[lo, hi)` without modulo bias (Lemire's method), `hi > lo`.
pub(crate) fn next_range(s: &mut [u64; 4], lo: i64, hi: i64) -> i64 {
    let n = hi.wrapping_sub(lo) as u64;
    loop {
        let x = next_u64(s);
        let m = (x as u128) * (n as u128);
        let l = m as u64;
        let t = n.wrapping_neg() % n;
        if l >= t {
            return lo.wrapping_add((m >> 64) as i64);
        }
    }
}

// ---------------- functions called from compiled code ----------------

unsafe extern "C" fn rt_randn(ctx: *mut Ctx) -> f64 {
    // SAFETY: compiled code passes the live context of the current call.
    let ctx = unsafe { &mut *ctx };
    next_normal(&mut ctx.rng)
}

unsafe extern "C" fn rt_randint(ctx: *mut Ctx, lo: i64, hi: i64, pos: i64) -> i64 {
    // SAFETY: as above.
    let ctx = unsafe { &mut *ctx };
    match randint(&mut ctx.rng, lo, hi) {
        Ok(k) => k,
        Err(e) => {
            ctx.err = e as i64;
            ctx.err_pos = pos;
            0
        }
    }
}

/// `np.random.randint(lo, hi)`: shared by compiled code and the interpreter so both consume
/// the generator identically.
pub(crate) fn randint(s: &mut [u64; 4], lo: i64, hi: i64) -> Result<i64, RtError> {
    if hi <= lo {
        return Err(RtError::RandIntRange);
    }
    Ok(next_range(s, lo, hi))
}

unsafe extern "C" fn rt_seed(ctx: *mut Ctx, seed: i64) {
    // SAFETY: as above.
    let ctx = unsafe { &mut *ctx };
    ctx.rng = seed_state(seed as u64);
}

/// Allocates an array of `ndim` dimensions given at `shape`, filled per `fill`.
/// Returns null and sets the error on failure.
unsafe extern "C" fn rt_alloc(
    ctx: *mut Ctx,
    dtype: i64,
    fill: i64,
    ndim: i64,
    shape: *const i64,
    pos: i64,
) -> *mut u8 {
    // SAFETY: compiled code passes the live context and a stack array of `ndim` sizes.
    let ctx = unsafe { &mut *ctx };
    let shape = unsafe { std::slice::from_raw_parts(shape, ndim as usize) };
    let buf = dtype_from_code(dtype).ok_or(RtError::OutOfMemory).and_then(|dt| {
        let fill = if fill == Fill::Ones as i64 { Fill::Ones } else { Fill::Zeros };
        alloc_buffer(dt, fill, shape)
    });
    match buf {
        Ok(mut buf) => {
            // SAFETY: the arena pointer is set by the caller for the whole call.
            let arena = unsafe { &mut *ctx.arena };
            let p = buf.ptr();
            arena.buffers.push(buf);
            p
        }
        Err(e) => {
            ctx.err = e as i64;
            ctx.err_pos = pos;
            std::ptr::null_mut()
        }
    }
}

/// The flat buffer of a new array of `shape` (`np.zeros/ones/empty`), with the errors of
/// NumPy for negative or too large shapes; shared with the interpreter.
pub(crate) fn alloc_buffer(dt: DType, fill: Fill, shape: &[i64]) -> Result<Buffer, RtError> {
    let mut n: u64 = 1;
    for &d in shape {
        if d < 0 {
            return Err(RtError::NegativeDimension);
        }
        n = n.checked_mul(d as u64).ok_or(RtError::OutOfMemory)?;
    }
    match n.checked_mul(dt.size() as u64) {
        Some(b) if b < (1u64 << 46) => {}
        _ => return Err(RtError::OutOfMemory),
    }
    let n = n as usize;
    let one = fill == Fill::Ones;
    let buf = match dt {
        DType::F64 => filled(n, one.then_some(1.0)).map(Buffer::F64),
        DType::F32 => filled(n, one.then_some(1.0)).map(Buffer::F32),
        DType::I64 => filled(n, one.then_some(1)).map(Buffer::I64),
        DType::I32 => filled(n, one.then_some(1)).map(Buffer::I32),
        DType::U8 => filled(n, one.then_some(1)).map(Buffer::U8),
        DType::Bool => filled(n, one.then_some(true)).map(Buffer::Bool),
        DType::I8 => filled(n, one.then_some(1)).map(Buffer::I8),
        DType::I16 => filled(n, one.then_some(1)).map(Buffer::I16),
        DType::U16 => filled(n, one.then_some(1)).map(Buffer::U16),
        DType::U32 => filled(n, one.then_some(1)).map(Buffer::U32),
        DType::U64 => filled(n, one.then_some(1)).map(Buffer::U64),
        // Lowering refuses complex arrays before any code runs.
        DType::C64 | DType::C128 => None,
    };
    buf.ok_or(RtError::OutOfMemory)
}

/// `n` zeros from fresh zeroed pages (`np.zeros`, and `np.empty`, which NumPy leaves
/// uninitialized but may as well cost nothing more), then set to `value` where one is given.
fn filled<T: fastsci_expr::memory::ZeroBits>(n: usize, value: Option<T>) -> Option<Vec<T>> {
    let mut v = fastsci_expr::memory::try_zeroed_vec(n)?;
    if let Some(value) = value {
        v.fill(value);
    }
    Some(v)
}

pub(crate) fn dtype_code(d: DType) -> i64 {
    fastsci_expr::dtype::ALL_DTYPES.iter().position(|&x| x == d).unwrap_or(0) as i64
}

fn dtype_from_code(c: i64) -> Option<DType> {
    usize::try_from(c).ok().and_then(|k| fastsci_expr::dtype::ALL_DTYPES.get(k)).copied()
}

/// Integer power by squaring, wrapping on overflow; `b >= 0` (checked by the caller).
pub(crate) extern "C" fn rt_ipow(mut a: i64, mut b: i64) -> i64 {
    let mut r: i64 = 1;
    while b > 0 {
        if b & 1 == 1 {
            r = r.wrapping_mul(a);
        }
        a = a.wrapping_mul(a);
        b >>= 1;
    }
    r
}

/// Python's float `%`: the result has the sign of `b`.
pub(crate) extern "C" fn py_fmod(a: f64, b: f64) -> f64 {
    fastsci_expr::functions::python_mod(a, b)
}

/// Python's float `//` (CPython's `float_floor_div` algorithm).
pub(crate) extern "C" fn py_floordiv(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        return a / b;
    }
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let fl = div.floor();
        if div - fl > 0.5 { fl + 1.0 } else { fl }
    } else {
        0.0f64.copysign(a / b)
    }
}

/// The digamma function psi(x) = d/dx ln Gamma(x): reflection for x < 0.5 (poles give NaN),
/// recurrence up to x >= 10, then the asymptotic series.
pub(crate) extern "C" fn digamma(mut x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x <= 0.0 && x == x.floor() {
        return f64::NAN;
    }
    let mut r = 0.0;
    if x < 0.5 {
        // psi(1 - x) - psi(x) = pi cot(pi x)
        r -= std::f64::consts::PI / (std::f64::consts::PI * x).tan();
        x = 1.0 - x;
    }
    while x < 10.0 {
        r -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    let series = f
        * (-1.0 / 12.0
            + f * (1.0 / 120.0
                + f * (-1.0 / 252.0
                    + f * (1.0 / 240.0 + f * (-1.0 / 132.0 + f * (691.0 / 32760.0 - f / 12.0))))));
    r + x.ln() - 0.5 / x + series
}

macro_rules! unary {
    ($($name:ident => $body:expr),* $(,)?) => {
        $(pub(crate) extern "C" fn $name(x: f64) -> f64 { let f: fn(f64) -> f64 = $body; f(x) })*
    };
}

unary! {
    m_exp => f64::exp,
    m_expm1 => f64::exp_m1,
    m_log => f64::ln,
    m_log1p => f64::ln_1p,
    m_log2 => f64::log2,
    m_log10 => f64::log10,
    m_sin => f64::sin,
    m_cos => f64::cos,
    m_tan => f64::tan,
    m_asin => f64::asin,
    m_acos => f64::acos,
    m_atan => f64::atan,
    m_sinh => f64::sinh,
    m_cosh => f64::cosh,
    m_tanh => f64::tanh,
    m_asinh => f64::asinh,
    m_acosh => f64::acosh,
    m_atanh => f64::atanh,
    m_erf => libm::erf,
    m_erfc => libm::erfc,
    m_gamma => libm::tgamma,
    m_lgamma => libm::lgamma,
}

pub(crate) extern "C" fn m_pow(a: f64, b: f64) -> f64 {
    a.powf(b)
}
pub(crate) extern "C" fn m_atan2(a: f64, b: f64) -> f64 {
    a.atan2(b)
}
pub(crate) extern "C" fn m_hypot(a: f64, b: f64) -> f64 {
    a.hypot(b)
}
pub(crate) extern "C" fn m_fmod(a: f64, b: f64) -> f64 {
    fastsci_expr::functions::fmod(a, b)
}
pub(crate) extern "C" fn m_fmin(a: f64, b: f64) -> f64 {
    fastsci_expr::functions::fmin(a, b)
}
pub(crate) extern "C" fn m_fmax(a: f64, b: f64) -> f64 {
    fastsci_expr::functions::fmax(a, b)
}

/// How a math function that is not a single machine instruction is computed.
#[derive(Clone, Copy)]
pub(crate) enum MathImpl {
    Unary(extern "C" fn(f64) -> f64),
    Binary(extern "C" fn(f64, f64) -> f64),
}

/// The math functions computed by calls into this module: one table for the code
/// generator (by symbol) and the interpreter (by function), so both compute the same bits.
/// The symbols of the functions a user names are the shared table's
/// ([`fastsci_expr::functions::MathFunction::runtime_symbol`]).
const MATH_CALLS: [(MathFn, MathImpl); 31] = {
    use MathFn::*;
    use MathImpl::{Binary, Unary};
    [
        (Exp, Unary(m_exp)),
        (Expm1, Unary(m_expm1)),
        (Log, Unary(m_log)),
        (Log1p, Unary(m_log1p)),
        (Log2, Unary(m_log2)),
        (Log10, Unary(m_log10)),
        (Sin, Unary(m_sin)),
        (Cos, Unary(m_cos)),
        (Tan, Unary(m_tan)),
        (Asin, Unary(m_asin)),
        (Acos, Unary(m_acos)),
        (Atan, Unary(m_atan)),
        (Sinh, Unary(m_sinh)),
        (Cosh, Unary(m_cosh)),
        (Tanh, Unary(m_tanh)),
        (Asinh, Unary(m_asinh)),
        (Acosh, Unary(m_acosh)),
        (Atanh, Unary(m_atanh)),
        (Erf, Unary(m_erf)),
        (Erfc, Unary(m_erfc)),
        (Gamma, Unary(m_gamma)),
        (Lgamma, Unary(m_lgamma)),
        (Digamma, Unary(digamma)),
        (Pow, Binary(m_pow)),
        (Atan2, Binary(m_atan2)),
        (Hypot, Binary(m_hypot)),
        (Fmod, Binary(m_fmod)),
        (Fmin, Binary(m_fmin)),
        (Fmax, Binary(m_fmax)),
        (PyMod, Binary(py_fmod)),
        (FFloorDiv, Binary(py_floordiv)),
    ]
};

/// The runtime symbol of `m`: the shared table's for the functions a user names, ours for
/// the operators.
fn math_symbol(m: MathFn) -> Option<&'static str> {
    match m {
        MathFn::PyMod => Some("fs_pymod"),
        MathFn::FFloorDiv => Some("fs_floordiv"),
        other => other.table_entry().and_then(|f| f.runtime_symbol),
    }
}

/// The runtime symbol and function computing `m`, or `None` for the math functions that
/// compile to one instruction (sqrt, fabs, floor, ceil, trunc, round, copysign).
pub(crate) fn math_call(m: MathFn) -> Option<(&'static str, MathImpl)> {
    let imp = MATH_CALLS.iter().find(|(f, _)| *f == m).map(|&(_, imp)| imp)?;
    Some((math_symbol(m)?, imp))
}

/// A runtime function the code generator can call: symbol, address, parameter and return
/// kinds (`'f'` f64, `'i'` i64/pointer).
pub(crate) struct RtFn {
    pub name: &'static str,
    pub addr: *const u8,
    pub params: &'static str,
    pub ret: &'static str,
}

/// All runtime functions the code generator declares.
/// Writes `print` output to stderr (kernels' standard output belongs to their caller, e.g.
/// the CLI's results); a failed write is ignored, as debugging output must not stop a kernel.
fn print_text(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The text of a `print` as a string that lives as long as the process (compiled code
/// refers to it by address): each distinct text is kept once, so the memory is bounded by
/// the distinct texts of the kernels compiled.
pub(crate) fn interned(text: &str) -> &'static str {
    static TEXTS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut texts = TEXTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(t) = texts.iter().find(|t| **t == text) {
        return t;
    }
    let t: &'static str = Box::leak(text.to_string().into_boxed_str());
    texts.push(t);
    t
}

/// `print` of constant text (`len` bytes of UTF-8 at `ptr`, an [`interned`] string).
pub(crate) extern "C" fn rt_print_text(ptr: i64, len: i64) {
    // SAFETY: the code passes the address and length of an interned string, which lives
    // for the rest of the process.
    let bytes = unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
    print_text(&String::from_utf8_lossy(bytes));
}

/// `print` of a number: `kind` 0 int, 1 uint64, 2 float, 3 float32, 4 bool (bits in `v`).
pub(crate) extern "C" fn rt_print_value(kind: i64, v: i64) {
    print_text(&format_value(kind, v));
}

/// A number as Python's `print` shows it.
pub(crate) fn format_value(kind: i64, v: i64) -> String {
    match kind {
        0 => v.to_string(),
        1 => (v as u64).to_string(),
        2 => python_float_repr(f64::from_bits(v as u64), false),
        3 => python_float_repr(f64::from_bits(v as u64), true),
        _ => if v & 0xff != 0 { "True" } else { "False" }.to_string(),
    }
}

/// Python's `repr` of a float (NumPy's for a float32): the shortest digits that read back
/// to the same value, in positional notation for exponents -4 to 15, else scientific.
fn python_float_repr(x: f64, single: bool) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sci = if single { format!("{:e}", x as f32) } else { format!("{x:e}") };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        format!("{sign}{first}{frac}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// Sorts a strided 1-d array of dtype `code` (see [`dtype_code`]) in place, NaN last as
/// NumPy sorts; with `order` non-null, writes there (contiguous int64) the indices that
/// sort it stably and leaves the array as it is. `stride` is in elements.
pub(crate) extern "C" fn rt_sort(code: i64, data: i64, n: i64, stride: i64, order: i64) {
    fn run<T: Copy>(data: i64, n: i64, stride: i64, order: i64, less: impl Fn(&T, &T) -> std::cmp::Ordering) {
        let p = data as usize as *mut T;
        let n = n.max(0) as usize;
        // SAFETY: the caller passes an array of `n` elements `stride` apart that it owns for
        // the call (a kernel's array), and for `order` a fresh int64 array of `n` elements.
        unsafe {
            let at = |i: usize| p.offset(i as isize * stride as isize);
            let mut idx: Vec<usize> = (0..n).collect();
            idx.sort_by(|&i, &j| less(&*at(i), &*at(j)));
            if order != 0 {
                let out = order as usize as *mut i64;
                for (k, &i) in idx.iter().enumerate() {
                    *out.add(k) = i as i64;
                }
            } else {
                let sorted: Vec<T> = idx.iter().map(|&i| *at(i)).collect();
                for (k, v) in sorted.into_iter().enumerate() {
                    *at(k) = v;
                }
            }
        }
    }
    fn float<T: PartialOrd>(a: &T, b: &T) -> std::cmp::Ordering {
        // NaN (the only value unequal to itself) after every number.
        #[allow(clippy::eq_op)]
        match (a != a, b != b) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ => a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal),
        }
    }
    match dtype_from_code(code) {
        Some(DType::F64) => run::<f64>(data, n, stride, order, float),
        Some(DType::F32) => run::<f32>(data, n, stride, order, float),
        Some(DType::I64) => run::<i64>(data, n, stride, order, Ord::cmp),
        Some(DType::I32) => run::<i32>(data, n, stride, order, Ord::cmp),
        Some(DType::I16) => run::<i16>(data, n, stride, order, Ord::cmp),
        Some(DType::I8) => run::<i8>(data, n, stride, order, Ord::cmp),
        Some(DType::U64) => run::<u64>(data, n, stride, order, Ord::cmp),
        Some(DType::U32) => run::<u32>(data, n, stride, order, Ord::cmp),
        Some(DType::U16) => run::<u16>(data, n, stride, order, Ord::cmp),
        Some(DType::U8) => run::<u8>(data, n, stride, order, Ord::cmp),
        Some(DType::Bool) => run::<bool>(data, n, stride, order, Ord::cmp),
        _ => {}
    }
}

pub(crate) fn runtime_functions() -> Vec<RtFn> {
    let mut fns: Vec<RtFn> = MATH_CALLS
        .iter()
        .filter_map(|&(m, _)| math_call(m))
        .map(|(name, imp)| match imp {
            MathImpl::Unary(f) => RtFn { name, addr: f as *const u8, params: "f", ret: "f" },
            MathImpl::Binary(f) => RtFn { name, addr: f as *const u8, params: "ff", ret: "f" },
        })
        .collect();
    fns.extend([
        RtFn { name: "fs_ipow", addr: rt_ipow as *const u8, params: "ii", ret: "i" },
        RtFn { name: "fs_print_text", addr: rt_print_text as *const u8, params: "ii", ret: "" },
        RtFn { name: "fs_sort", addr: rt_sort as *const u8, params: "iiiii", ret: "" },
        RtFn { name: "fs_print_value", addr: rt_print_value as *const u8, params: "ii", ret: "" },
        RtFn { name: "fs_randn", addr: rt_randn as *const u8, params: "i", ret: "f" },
        RtFn { name: "fs_randint", addr: rt_randint as *const u8, params: "iiii", ret: "i" },
        RtFn { name: "fs_seed", addr: rt_seed as *const u8, params: "ii", ret: "" },
        RtFn { name: "fs_alloc", addr: rt_alloc as *const u8, params: "iiiiii", ret: "i" },
        RtFn {
            name: "fs_parfor",
            addr: crate::parallel::blocks::rt_parfor as *const u8,
            params: "iiiiiiiii",
            ret: "",
        },
    ]);
    fns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_floats_match_python_repr() {
        // CPython 3.11's repr() of each value, and NumPy 2's print of np.float32(0.1).
        let cases: [(f64, &str); 12] = [
            (0.1, "0.1"),
            (1e-7, "1e-07"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1e22, "1e+22"),
            (123456789012345.6, "123456789012345.6"),
            (100.0, "100.0"),
            (-2.0, "-2.0"),
            (-0.0, "-0.0"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, want) in cases {
            assert_eq!(format_value(2, x.to_bits() as i64), want, "{x}");
        }
        assert_eq!(format_value(3, f64::from(0.1f32).to_bits() as i64), "0.1");
        assert_eq!(format_value(1, -1), "18446744073709551615");
        assert_eq!(format_value(4, 1), "True");
    }
}
