//! The one table of math functions a formula or kernel may call, read by everything that
//! needs to know them: the formula checks and the kernel front end (names, aliases, number of
//! arguments), the symbolic derivative (which functions it can differentiate), fastsci-jit's
//! runtime (which functions are calls into it, by symbol) and fastsci-array's evaluator
//! (which ones its SIMD vector math computes).
//!
//! Names are Python's `math` names; NumPy's spellings (`arcsin`, `absolute`, `power`,
//! `minimum`, ...) are aliases, and a `math.`, `np.` or `numpy.` prefix is removed by the
//! parser before the lookup. Semantics are NumPy's and C's where Python has none: `fmod` takes
//! the sign of the dividend (C's `fmod`, `np.fmod`; Python's `%` takes the divisor's), `fmin`
//! and `fmax` ignore a NaN operand (`np.fmin`), `minimum`/`maximum` propagate it.
//!
//! # Examples
//!
//! ```
//! use fastsci_expr::functions::{Arity, canonical_function, lookup};
//! assert_eq!(canonical_function("arctan2"), "atan2");
//! let f = lookup("atan2").unwrap();
//! assert_eq!(f.arity, Arity::Exactly(2));
//! assert!(f.derivative);
//! assert_eq!(lookup("max").unwrap().arity, Arity::AtLeast(2));
//! assert!(lookup("exp").unwrap().simd);
//! assert!(lookup("no_such_function").is_none());
//! ```

/// How many arguments a function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more (`min`, `max`).
    AtLeast(usize),
}

impl Arity {
    /// Whether `n` arguments fit.
    ///
    /// ```
    /// use fastsci_expr::functions::Arity;
    /// assert!(Arity::AtLeast(2).accepts(5) && !Arity::AtLeast(2).accepts(1));
    /// assert!(Arity::Exactly(1).accepts(1) && !Arity::Exactly(1).accepts(2));
    /// ```
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k,
        }
    }
}

/// One math function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MathFunction {
    /// The canonical name (Python's `math` spelling where it has one).
    pub name: &'static str,
    /// Other spellings that mean the same function (NumPy's).
    pub aliases: &'static [&'static str],
    /// How many arguments it takes.
    pub arity: Arity,
    /// Whether the symbolic derivative ([`crate::derivative`]) has a rule for it.
    pub derivative: bool,
    /// The symbol of the fastsci-jit runtime function that computes it, for the functions
    /// compiled to a call rather than to instructions or inline code.
    pub runtime_symbol: Option<&'static str>,
    /// Whether fastsci-array's SIMD vector math (`vmath`) computes it; the others run the
    /// platform's scalar function element by element.
    pub simd: bool,
}

const fn f(
    name: &'static str,
    aliases: &'static [&'static str],
    arity: Arity,
    derivative: bool,
    runtime_symbol: Option<&'static str>,
    simd: bool,
) -> MathFunction {
    MathFunction { name, aliases, arity, derivative, runtime_symbol, simd }
}

use Arity::{AtLeast, Exactly};

/// Every math function, in the order error messages list them. `where(c, a, b)` is
/// `a if c else b` with both sides evaluated; `digamma` is the derivative of `lgamma` (an
/// extension beyond Python's `math`).
pub const MATH_FUNCTIONS: &[MathFunction] = &[
    f("sqrt", &[], Exactly(1), true, None, true),
    f("exp", &[], Exactly(1), true, Some("fs_exp"), true),
    f("expm1", &[], Exactly(1), true, Some("fs_expm1"), false),
    f("log", &[], Exactly(1), true, Some("fs_log"), true),
    f("log1p", &[], Exactly(1), true, Some("fs_log1p"), false),
    f("log2", &[], Exactly(1), true, Some("fs_log2"), false),
    f("log10", &[], Exactly(1), true, Some("fs_log10"), false),
    f("pow", &["power"], Exactly(2), true, Some("fs_pow"), true),
    f("sin", &[], Exactly(1), true, Some("fs_sin"), true),
    f("cos", &[], Exactly(1), true, Some("fs_cos"), true),
    f("tan", &[], Exactly(1), true, Some("fs_tan"), true),
    f("asin", &["arcsin"], Exactly(1), true, Some("fs_asin"), false),
    f("acos", &["arccos"], Exactly(1), true, Some("fs_acos"), false),
    f("atan", &["arctan"], Exactly(1), true, Some("fs_atan"), false),
    f("atan2", &["arctan2"], Exactly(2), true, Some("fs_atan2"), false),
    f("sinh", &[], Exactly(1), true, Some("fs_sinh"), false),
    f("cosh", &[], Exactly(1), true, Some("fs_cosh"), false),
    f("tanh", &[], Exactly(1), true, Some("fs_tanh"), true),
    f("asinh", &["arcsinh"], Exactly(1), true, Some("fs_asinh"), false),
    f("acosh", &["arccosh"], Exactly(1), true, Some("fs_acosh"), false),
    f("atanh", &["arctanh"], Exactly(1), true, Some("fs_atanh"), false),
    f("hypot", &[], Exactly(2), true, Some("fs_hypot"), false),
    f("floor", &[], Exactly(1), true, None, false),
    f("ceil", &[], Exactly(1), true, None, false),
    f("trunc", &[], Exactly(1), true, None, false),
    f("fabs", &[], Exactly(1), true, None, false),
    f("copysign", &[], Exactly(2), true, None, false),
    f("fmod", &[], Exactly(2), true, Some("fs_fmod"), false),
    f("fmin", &[], Exactly(2), true, Some("fs_fmin"), false),
    f("fmax", &[], Exactly(2), true, Some("fs_fmax"), false),
    f("erf", &[], Exactly(1), true, Some("fs_erf"), true),
    f("erfc", &[], Exactly(1), true, Some("fs_erfc"), false),
    f("gamma", &[], Exactly(1), true, Some("fs_gamma"), false),
    f("lgamma", &[], Exactly(1), true, Some("fs_lgamma"), false),
    f("digamma", &[], Exactly(1), false, Some("fs_digamma"), false),
    f("abs", &["absolute"], Exactly(1), true, None, false),
    f("min", &["minimum"], AtLeast(2), true, None, false),
    f("max", &["maximum"], AtLeast(2), true, None, false),
    f("isnan", &[], Exactly(1), true, None, false),
    f("isinf", &[], Exactly(1), true, None, false),
    f("isfinite", &[], Exactly(1), true, None, false),
    f("where", &[], Exactly(3), true, None, false),
];

/// The function spelled `name` (canonical or alias, without a module prefix).
pub fn lookup(name: &str) -> Option<&'static MathFunction> {
    MATH_FUNCTIONS.iter().find(|f| f.name == name || f.aliases.contains(&name))
}

/// The canonical spelling of `name` (`arcsin` -> `asin`, `absolute` -> `abs`); any other
/// name unchanged.
pub fn canonical_function(name: &str) -> &str {
    lookup(name).map_or(name, |f| f.name)
}

/// The value of a named constant (`pi`, `e`, `tau`, `inf`, `nan`).
///
/// ```
/// assert_eq!(fastsci_expr::functions::named_constant("tau"), Some(std::f64::consts::TAU));
/// assert_eq!(fastsci_expr::functions::named_constant("x"), None);
/// ```
pub fn named_constant(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(std::f64::consts::PI),
        "e" => Some(std::f64::consts::E),
        "tau" => Some(std::f64::consts::TAU),
        "inf" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// C's `fmod` (NumPy's `np.fmod`): `a - trunc(a / b) * b` computed exactly, with the sign of
/// the dividend `a`; NaN when `b` is 0 or `a` is infinite.
///
/// ```
/// use fastsci_expr::functions::fmod;
/// assert_eq!(fmod(-7.0, 3.0), -1.0); // Python's -7.0 % 3.0 is 2.0
/// assert_eq!(fmod(7.0, -3.0), 1.0);
/// assert!(fmod(1.0, 0.0).is_nan());
/// ```
pub fn fmod(a: f64, b: f64) -> f64 {
    // Rust's float `%` is C's fmod.
    a % b
}

/// Python's float `%` (NumPy's `np.remainder`): the result has the sign of the divisor `b`,
/// a zero result too; NaN when `b` is 0 (Python raises instead: kernels check first).
///
/// ```
/// use fastsci_expr::functions::python_mod;
/// assert_eq!(python_mod(-7.0, 3.0), 2.0);
/// assert_eq!(python_mod(0.0, -1.0).to_bits(), (-0.0f64).to_bits());
/// ```
pub fn python_mod(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        return f64::NAN;
    }
    let m = a % b;
    if m == 0.0 {
        0.0f64.copysign(b)
    } else if (b < 0.0) != (m < 0.0) {
        m + b
    } else {
        m
    }
}

/// NumPy's `np.fmin`: the smaller operand, ignoring a NaN one (NaN only if both are).
///
/// ```
/// use fastsci_expr::functions::fmin;
/// assert_eq!(fmin(f64::NAN, 1.0), 1.0);
/// assert_eq!(fmin(2.0, 1.0), 1.0);
/// assert!(fmin(f64::NAN, f64::NAN).is_nan());
/// ```
pub fn fmin(a: f64, b: f64) -> f64 {
    // NumPy's own test, which also fixes the sign of a zero result.
    if a <= b || b.is_nan() { a } else { b }
}

/// NumPy's `np.fmax`: the larger operand, ignoring a NaN one (NaN only if both are).
///
/// ```
/// assert_eq!(fastsci_expr::functions::fmax(f64::NAN, 1.0), 1.0);
/// ```
pub fn fmax(a: f64, b: f64) -> f64 {
    if a >= b || b.is_nan() { a } else { b }
}

/// A NumPy scalar type used as a conversion function (`np.float32(x)`, `np.int8(x)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    /// `float64`: the value as a float.
    F64,
    /// `float32`: rounded to float32.
    F32,
    /// An integer of `bits` bits, wrapped into range.
    Int {
        /// Width: 8, 16, 32 or 64.
        bits: u32,
        /// Signed or unsigned.
        signed: bool,
    },
    /// `bool_`: truthiness.
    Bool,
}

/// The NumPy scalar type `name` (module prefix already removed).
pub fn scalar_type(name: &str) -> Option<ScalarType> {
    let int = |bits, signed| ScalarType::Int { bits, signed };
    Some(match name {
        "float64" | "double" | "float_" => ScalarType::F64,
        "float32" | "single" => ScalarType::F32,
        "int64" | "int_" | "intp" | "longlong" => int(64, true),
        "int32" | "intc" => int(32, true),
        "int16" | "short" => int(16, true),
        "int8" | "byte" => int(8, true),
        "uint64" | "uintp" | "ulonglong" => int(64, false),
        "uint32" | "uintc" => int(32, false),
        "uint16" | "ushort" => int(16, false),
        "uint8" | "ubyte" => int(8, false),
        "bool_" => ScalarType::Bool,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_alias_is_listed_once() {
        let mut names: Vec<&str> = MATH_FUNCTIONS
            .iter()
            .flat_map(|f| std::iter::once(f.name).chain(f.aliases.iter().copied()))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "a name stands twice in the table");
    }
}
