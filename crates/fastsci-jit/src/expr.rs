//! The public expression tree: what a formula such as `exp(-x**2)*log(1+x**2)` parses into.
//!
//! Other crates (fastsci-array's SIMD block evaluator, for one) lower this tree into their own
//! evaluators. [`parse_expression`] returns a tree that has passed the *formula* checks:
//!
//! - numbers are [`ExprKind::Int`] / [`ExprKind::Float`] / [`ExprKind::Bool`]; the constants
//!   `pi`, `e`, `inf`, `nan` (bare or as `math.pi`, `np.pi`, ...) are already [`ExprKind::Float`];
//! - [`ExprKind::Name`] is a variable; [`ExprKind::Index`] is always `name[k]` with a single
//!   non-negative constant [`ExprKind::Int`] index;
//! - [`ExprKind::Call`] names one of [`MATH_FUNCTIONS`] (with `math.`/`np.`/`numpy.` stripped)
//!   with an allowed number of arguments;
//! - [`ExprKind::Attribute`] and [`ExprKind::Tuple`] never occur (they appear only in kernels).
//!
//! Every node carries its [`Span`] (byte offsets into the source) for error messages.
//!
//! # Examples
//!
//! ```
//! use fastsci_jit::expr::{parse_expression, BinOp, ExprKind};
//! let e = parse_expression("100*(x[1]-x[0]**2)**2")?;
//! assert!(matches!(e.kind, ExprKind::Binary { op: BinOp::Mul, .. }));
//! # Ok::<(), fastsci_jit::JitError>(())
//! ```

use crate::error::{ErrorKind, JitError};

/// Byte offsets `start..end` of a node in its source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// An expression node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it is in the source.
    pub span: Span,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-a`
    Neg,
    /// `+a`
    Plus,
    /// `not a`
    Not,
    /// `~a` (integers only; kernels only)
    Invert,
}

/// Binary arithmetic operators, with Python's semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`: always true division.
    Div,
    /// `//`: floors toward negative infinity.
    FloorDiv,
    /// `%`: the result has the sign of the divisor.
    Mod,
    /// `**`
    Pow,
    /// `&` (integers and bools)
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Short-circuit boolean operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    /// `a and b`
    And,
    /// `a or b`
    Or,
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal.
    Int(i64),
    /// Float literal, or one of the constants `pi`, `e`, `inf`, `nan`.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// A variable.
    Name(String),
    /// `value[i]` or `value[i, j, ...]`.
    Index {
        /// The indexed expression (a [`ExprKind::Name`] in formulas).
        value: Box<Expr>,
        /// One expression per dimension.
        indices: Vec<Expr>,
    },
    /// `value.attr` (kernels only: `a.shape`, `a.size`, `a.ndim`).
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute name.
        attr: String,
    },
    /// Unary operation.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// Binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// A comparison, possibly chained: `left op0 c0 op1 c1 ...` means
    /// `left op0 c0 and c0 op1 c1 and ...`, each operand evaluated once.
    Compare {
        /// First operand.
        left: Box<Expr>,
        /// The operators and the operands to their right.
        rest: Vec<(CmpOp, Expr)>,
    },
    /// `a and b and ...` / `a or b or ...`, short-circuit.
    BoolOp {
        /// `and` or `or`.
        op: BoolOp,
        /// Two or more operands.
        values: Vec<Expr>,
    },
    /// `body if test else orelse`.
    IfElse {
        /// The condition.
        test: Box<Expr>,
        /// Value when true.
        body: Box<Expr>,
        /// Value when false.
        orelse: Box<Expr>,
    },
    /// A call `func(args...)`; `func` is the dotted name with a leading `math.`, `np.` or
    /// `numpy.` removed (`np.random.random` becomes `random.random`).
    Call {
        /// Canonical function name.
        func: String,
        /// Where the function name is.
        func_span: Span,
        /// Positional arguments.
        args: Vec<Expr>,
    },
    /// `(a, b, ...)` (kernels only).
    Tuple(Vec<Expr>),
}

/// Math functions a formula may call, with their number of arguments (`0` means two or more).
/// `where(c, a, b)` is `a if c else b` with both sides evaluated; `digamma` is the derivative
/// of `lgamma` (an extension beyond Python's `math`).
pub const MATH_FUNCTIONS: &[(&str, usize)] = &[
    ("sqrt", 1),
    ("exp", 1),
    ("expm1", 1),
    ("log", 1),
    ("log1p", 1),
    ("log2", 1),
    ("log10", 1),
    ("pow", 2),
    ("sin", 1),
    ("cos", 1),
    ("tan", 1),
    ("asin", 1),
    ("acos", 1),
    ("atan", 1),
    ("atan2", 2),
    ("sinh", 1),
    ("cosh", 1),
    ("tanh", 1),
    ("asinh", 1),
    ("acosh", 1),
    ("atanh", 1),
    ("hypot", 2),
    ("floor", 1),
    ("ceil", 1),
    ("trunc", 1),
    ("fabs", 1),
    ("copysign", 2),
    ("erf", 1),
    ("erfc", 1),
    ("gamma", 1),
    ("lgamma", 1),
    ("digamma", 1),
    ("abs", 1),
    ("min", 0),
    ("max", 0),
    ("isnan", 1),
    ("isinf", 1),
    ("isfinite", 1),
    ("where", 3),
];

/// Canonical spelling of NumPy aliases (`arcsin` -> `asin`, `absolute` -> `abs`, ...).
pub(crate) fn canonical_function(name: &str) -> &str {
    match name {
        "arcsin" => "asin",
        "arccos" => "acos",
        "arctan" => "atan",
        "arctan2" => "atan2",
        "arcsinh" => "asinh",
        "arccosh" => "acosh",
        "arctanh" => "atanh",
        "absolute" => "abs",
        "power" => "pow",
        "minimum" => "min",
        "maximum" => "max",
        other => other,
    }
}

/// The value of a named constant (`pi`, `e`, `inf`, `nan`, `tau`).
pub(crate) fn named_constant(name: &str) -> Option<f64> {
    match name {
        "pi" => Some(std::f64::consts::PI),
        "e" => Some(std::f64::consts::E),
        "tau" => Some(std::f64::consts::TAU),
        "inf" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// Number of arguments of math function `name` (`Some(0)`: two or more), `None` if unknown.
pub fn math_arity(name: &str) -> Option<usize> {
    MATH_FUNCTIONS.iter().find(|(n, _)| *n == name).map(|&(_, a)| a)
}

/// Parses a formula (a single Python expression) and checks it against the formula subset
/// described in the [module docs](self).
///
/// # Errors
///
/// Syntax errors and anything outside the formula subset, with line:column and a caret.
///
/// # Examples
///
/// ```
/// use fastsci_jit::expr::{parse_expression, ExprKind};
/// let e = parse_expression("np.sqrt(pi)")?;
/// let ExprKind::Call { func, args, .. } = e.kind else { panic!() };
/// assert_eq!(func, "sqrt");
/// assert_eq!(args[0].kind, ExprKind::Float(std::f64::consts::PI));
/// assert!(parse_expression("x +").is_err());
/// # Ok::<(), fastsci_jit::JitError>(())
/// ```
pub fn parse_expression(source: &str) -> Result<Expr, JitError> {
    let e = crate::frontend::parse_formula(source)?;
    check_formula(&e, source)?;
    Ok(e)
}

fn check_formula(e: &Expr, src: &str) -> Result<(), JitError> {
    let err = |span: Span, msg: String| Err(JitError::at(ErrorKind::Unsupported, src, span.start, msg));
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Name(_) => Ok(()),
        ExprKind::Index { value, indices } => {
            if !matches!(value.kind, ExprKind::Name(_)) {
                return err(value.span, "only a variable can be indexed in a formula, as in x[0]".into());
            }
            if indices.len() != 1 {
                return err(e.span, "a formula indexes vectors with one constant index, as in x[0]".into());
            }
            match indices[0].kind {
                ExprKind::Int(i) if i >= 0 => Ok(()),
                _ => err(
                    indices[0].span,
                    "the index must be a non-negative integer constant, as in x[0]".into(),
                ),
            }
        }
        ExprKind::Attribute { attr, .. } => err(
            e.span,
            format!(
                "attribute `.{attr}` is not supported in a formula; use math functions by name, as in sqrt(x)"
            ),
        ),
        ExprKind::Tuple(_) => err(e.span, "a tuple is not a number; a formula computes one value".into()),
        ExprKind::Unary { operand, .. } => check_formula(operand, src),
        ExprKind::Binary { left, right, .. } => {
            check_formula(left, src)?;
            check_formula(right, src)
        }
        ExprKind::Compare { left, rest } => {
            check_formula(left, src)?;
            rest.iter().try_for_each(|(_, x)| check_formula(x, src))
        }
        ExprKind::BoolOp { values, .. } => values.iter().try_for_each(|x| check_formula(x, src)),
        ExprKind::IfElse { test, body, orelse } => {
            check_formula(test, src)?;
            check_formula(body, src)?;
            check_formula(orelse, src)
        }
        ExprKind::Call { func, func_span, args } => {
            check_call_arity(func, *func_span, args.len(), src)?;
            args.iter().try_for_each(|x| check_formula(x, src))
        }
    }
}

/// Checks that `func` is a known math function taking `n` arguments.
pub(crate) fn check_call_arity(func: &str, span: Span, n: usize, src: &str) -> Result<(), JitError> {
    match math_arity(func) {
        None => Err(JitError::at(
            ErrorKind::Name,
            src,
            span.start,
            format!(
                "unknown function `{func}`; supported: {}",
                MATH_FUNCTIONS.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
            ),
        )),
        Some(0) if n < 2 => Err(JitError::at(
            ErrorKind::Type,
            src,
            span.start,
            format!("`{func}` takes two or more arguments, got {n}"),
        )),
        Some(a) if a != 0 && a != n => Err(JitError::at(
            ErrorKind::Type,
            src,
            span.start,
            format!("`{func}` takes {a} argument{}, got {n}", if a == 1 { "" } else { "s" }),
        )),
        _ => Ok(()),
    }
}

impl std::fmt::Display for Expr {
    /// Writes the expression as Python source, parenthesizing every compound operand.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn atom(e: &Expr) -> bool {
            matches!(
                e.kind,
                ExprKind::Int(_)
                    | ExprKind::Name(_)
                    | ExprKind::Bool(_)
                    | ExprKind::Call { .. }
                    | ExprKind::Index { .. }
            ) || matches!(e.kind, ExprKind::Float(v) if v >= 0.0 && v.is_finite())
        }
        fn sub(e: &Expr, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            if atom(e) { write!(f, "{e}") } else { write!(f, "({e})") }
        }
        match &self.kind {
            ExprKind::Int(v) => write!(f, "{v}"),
            ExprKind::Float(v) => {
                if v.is_nan() {
                    write!(f, "nan")
                } else if v.is_infinite() {
                    write!(f, "{}inf", if *v < 0.0 { "-" } else { "" })
                } else {
                    write!(f, "{v:?}")
                }
            }
            ExprKind::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Index { value, indices } => {
                sub(value, f)?;
                write!(f, "[")?;
                for (i, x) in indices.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, "]")
            }
            ExprKind::Attribute { value, attr } => {
                sub(value, f)?;
                write!(f, ".{attr}")
            }
            ExprKind::Unary { op, operand } => {
                write!(
                    f,
                    "{}",
                    match op {
                        UnaryOp::Neg => "-",
                        UnaryOp::Plus => "+",
                        UnaryOp::Not => "not ",
                        UnaryOp::Invert => "~",
                    }
                )?;
                sub(operand, f)
            }
            ExprKind::Binary { op, left, right } => {
                let s = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::FloorDiv => "//",
                    BinOp::Mod => "%",
                    BinOp::Pow => "**",
                    BinOp::BitAnd => "&",
                    BinOp::BitOr => "|",
                    BinOp::BitXor => "^",
                    BinOp::LShift => "<<",
                    BinOp::RShift => ">>",
                };
                sub(left, f)?;
                write!(f, " {s} ")?;
                sub(right, f)
            }
            ExprKind::Compare { left, rest } => {
                sub(left, f)?;
                for (op, x) in rest {
                    let s = match op {
                        CmpOp::Eq => "==",
                        CmpOp::Ne => "!=",
                        CmpOp::Lt => "<",
                        CmpOp::Le => "<=",
                        CmpOp::Gt => ">",
                        CmpOp::Ge => ">=",
                    };
                    write!(f, " {s} ")?;
                    sub(x, f)?;
                }
                Ok(())
            }
            ExprKind::BoolOp { op, values } => {
                for (i, x) in values.iter().enumerate() {
                    if i > 0 {
                        write!(f, " {} ", if *op == BoolOp::And { "and" } else { "or" })?;
                    }
                    sub(x, f)?;
                }
                Ok(())
            }
            ExprKind::IfElse { test, body, orelse } => {
                sub(body, f)?;
                write!(f, " if ")?;
                sub(test, f)?;
                write!(f, " else ")?;
                sub(orelse, f)
            }
            ExprKind::Call { func, args, .. } => {
                write!(f, "{func}(")?;
                for (i, x) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, ")")
            }
            ExprKind::Tuple(items) => {
                write!(f, "(")?;
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                if items.len() == 1 {
                    write!(f, ",")?;
                }
                write!(f, ")")
            }
        }
    }
}
