//! The expression tree the fused evaluator compiles: numbers, named arrays, unary functions,
//! binary operators, comparisons, logical operators and `where`.
//!
//! Build one with [`var`], [`num`] and Rust's operators, or from text with
//! [`crate::parse::parse`] (which lowers the tree of `fastsci_expr::ast`).

use std::fmt;
use std::ops;

use fastsci_expr::functions::canonical_function;

/// What a named function becomes.
enum Op {
    Unary(Unary),
    Binary(Binary),
    Where,
}

/// A one-argument operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unary {
    /// `-x`
    Neg,
    /// `not x`: 1 where x is 0, else 0.
    Not,
    /// `abs(x)`
    Abs,
    /// `exp(x)`
    Exp,
    /// `log(x)` (natural)
    Log,
    /// `log10(x)`
    Log10,
    /// `sin(x)`
    Sin,
    /// `cos(x)`
    Cos,
    /// `tan(x)`
    Tan,
    /// `tanh(x)`
    Tanh,
    /// `sqrt(x)`
    Sqrt,
    /// `erf(x)`
    Erf,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `isnan(x)`: 1 or 0.
    IsNan,
    /// `isinf(x)`: 1 or 0.
    IsInf,
    /// `isfinite(x)`: 1 or 0.
    IsFinite,
    /// `trunc(x)`
    Trunc,
    /// `expm1(x)` (scalar platform function)
    Expm1,
    /// `log1p(x)` (scalar platform function)
    Log1p,
    /// `log2(x)`
    Log2,
    /// `arcsin(x)` (scalar platform function)
    Asin,
    /// `arccos(x)` (scalar platform function)
    Acos,
    /// `arctan(x)` (scalar platform function)
    Atan,
    /// `sinh(x)` (scalar platform function)
    Sinh,
    /// `cosh(x)` (scalar platform function)
    Cosh,
    /// `arcsinh(x)` (scalar platform function)
    Asinh,
    /// `arccosh(x)` (scalar platform function)
    Acosh,
    /// `arctanh(x)` (scalar platform function)
    Atanh,
}

/// A two-argument operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Binary {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a ** b`
    Pow,
    /// `a % b` with the sign of `b` (Python's modulo, `np.remainder`)
    Mod,
    /// `fmod(a, b)` with the sign of `a` (C's and NumPy's `fmod`)
    Fmod,
    /// `minimum(a, b)` (NaN if either is NaN)
    Min,
    /// `maximum(a, b)` (NaN if either is NaN)
    Max,
    /// `fmin(a, b)` (ignores a NaN operand: NaN only if both are)
    Fmin,
    /// `fmax(a, b)` (ignores a NaN operand: NaN only if both are)
    Fmax,
    /// `arctan2(a, b)`
    Atan2,
    /// `hypot(a, b)`
    Hypot,
    /// `copysign(a, b)`
    Copysign,
    /// `a < b`: 1 or 0.
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
    /// `a and b`: 1 where both are nonzero.
    And,
    /// `a or b`: 1 where either is nonzero.
    Or,
}

/// An elementwise expression over named arrays and numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// A named input array.
    Var(String),
    /// A one-argument operation.
    Unary(Unary, Box<Expr>),
    /// A two-argument operation.
    Binary(Binary, Box<Expr>, Box<Expr>),
    /// `where(cond, a, b)`: `a` where `cond` is nonzero, else `b` (also `a if cond else b`).
    Where(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// A named input.
///
/// # Examples
/// ```
/// use fastsci_array::expr::{var, num};
/// let e = var("a") * var("b") + var("c") * num(2.0) - var("a").sin();
/// assert_eq!(e.to_string(), "(((a * b) + (c * 2)) - sin(a))");
/// ```
pub fn var(name: &str) -> Expr {
    Expr::Var(name.to_string())
}

/// A number.
pub fn num(x: f64) -> Expr {
    Expr::Num(x)
}

impl Expr {
    /// `op(self)`.
    pub fn unary(self, op: Unary) -> Expr {
        Expr::Unary(op, Box::new(self))
    }

    /// `op(self, other)`.
    pub fn binary(self, op: Binary, other: Expr) -> Expr {
        Expr::Binary(op, Box::new(self), Box::new(other))
    }

    /// `sin(self)`.
    pub fn sin(self) -> Expr {
        self.unary(Unary::Sin)
    }

    /// `cos(self)`.
    pub fn cos(self) -> Expr {
        self.unary(Unary::Cos)
    }

    /// `exp(self)`.
    pub fn exp(self) -> Expr {
        self.unary(Unary::Exp)
    }

    /// `log(self)`.
    pub fn log(self) -> Expr {
        self.unary(Unary::Log)
    }

    /// `sqrt(self)`.
    pub fn sqrt(self) -> Expr {
        self.unary(Unary::Sqrt)
    }

    /// `self ** other`.
    pub fn pow(self, other: Expr) -> Expr {
        self.binary(Binary::Pow, other)
    }

    /// `where(cond, a, b)`.
    pub fn select(cond: Expr, a: Expr, b: Expr) -> Expr {
        Expr::Where(Box::new(cond), Box::new(a), Box::new(b))
    }

    /// Applies the function called `name` (as written in NumPy or Python's `math`, with or
    /// without an `np.`/`math.` prefix; aliases and arities from the shared table,
    /// [`fastsci_expr::functions`]) to `args`. Beyond that table, NumPy's `mod`/`remainder`
    /// (Python's `%`), `negative`, `logical_not`, `logical_and` and `logical_or`.
    ///
    /// # Examples
    /// ```
    /// use fastsci_array::expr::{num, var, Binary, Expr};
    /// let e = Expr::call("np.fmod", vec![var("a"), num(3.0)])?;
    /// assert_eq!(e, var("a").binary(Binary::Fmod, num(3.0)));
    /// assert!(Expr::call("arcsin", vec![var("a")]).is_ok());
    /// assert!(Expr::call("sin", vec![]).unwrap_err().contains("takes 1 argument"));
    /// # Ok::<(), String>(())
    /// ```
    ///
    /// # Errors
    /// A message naming the unknown function or the wrong number of arguments.
    pub fn call(name: &str, mut args: Vec<Expr>) -> Result<Expr, String> {
        let bare = name
            .strip_prefix("np.")
            .or_else(|| name.strip_prefix("numpy."))
            .or_else(|| name.strip_prefix("math."))
            .unwrap_or(name);
        let op = match canonical_function(bare) {
            "exp" => Op::Unary(Unary::Exp),
            "log" => Op::Unary(Unary::Log),
            "log10" => Op::Unary(Unary::Log10),
            "sin" => Op::Unary(Unary::Sin),
            "cos" => Op::Unary(Unary::Cos),
            "tan" => Op::Unary(Unary::Tan),
            "tanh" => Op::Unary(Unary::Tanh),
            "sqrt" => Op::Unary(Unary::Sqrt),
            "erf" => Op::Unary(Unary::Erf),
            "abs" | "fabs" => Op::Unary(Unary::Abs),
            "floor" => Op::Unary(Unary::Floor),
            "ceil" => Op::Unary(Unary::Ceil),
            "isnan" => Op::Unary(Unary::IsNan),
            "isinf" => Op::Unary(Unary::IsInf),
            "isfinite" => Op::Unary(Unary::IsFinite),
            "trunc" => Op::Unary(Unary::Trunc),
            "expm1" => Op::Unary(Unary::Expm1),
            "log1p" => Op::Unary(Unary::Log1p),
            "log2" => Op::Unary(Unary::Log2),
            "asin" => Op::Unary(Unary::Asin),
            "acos" => Op::Unary(Unary::Acos),
            "atan" => Op::Unary(Unary::Atan),
            "sinh" => Op::Unary(Unary::Sinh),
            "cosh" => Op::Unary(Unary::Cosh),
            "asinh" => Op::Unary(Unary::Asinh),
            "acosh" => Op::Unary(Unary::Acosh),
            "atanh" => Op::Unary(Unary::Atanh),
            "logical_not" => Op::Unary(Unary::Not),
            "negative" => Op::Unary(Unary::Neg),
            "pow" => Op::Binary(Binary::Pow),
            "min" => Op::Binary(Binary::Min),
            "max" => Op::Binary(Binary::Max),
            "fmin" => Op::Binary(Binary::Fmin),
            "fmax" => Op::Binary(Binary::Fmax),
            "atan2" => Op::Binary(Binary::Atan2),
            "hypot" => Op::Binary(Binary::Hypot),
            "copysign" => Op::Binary(Binary::Copysign),
            "fmod" => Op::Binary(Binary::Fmod),
            "mod" | "remainder" => Op::Binary(Binary::Mod),
            "logical_and" => Op::Binary(Binary::And),
            "logical_or" => Op::Binary(Binary::Or),
            "where" => Op::Where,
            _ => {
                return Err(format!(
                    "unknown function '{name}' in an array expression (known: exp, log, log10, log2, log1p, expm1, sin, cos, tan, tanh, sinh, cosh, arcsin, arccos, arctan, arcsinh, arccosh, arctanh, sqrt, erf, abs, floor, ceil, trunc, isnan, isinf, isfinite, pow, minimum, maximum, fmin, fmax, arctan2, hypot, copysign, fmod, mod, where)"
                ));
            }
        };
        let want = match op {
            Op::Unary(_) => 1,
            Op::Binary(_) => 2,
            Op::Where => 3,
        };
        if args.len() != want {
            return Err(format!(
                "{name}() takes {want} argument{} but {} were given",
                if want == 1 { "" } else { "s" },
                args.len()
            ));
        }
        Ok(match op {
            Op::Unary(u) => args.remove(0).unary(u),
            Op::Binary(b) => {
                let y = args.remove(1);
                args.remove(0).binary(b, y)
            }
            Op::Where => {
                let b = args.remove(2);
                let a = args.remove(1);
                Expr::select(args.remove(0), a, b)
            }
        })
    }

    /// The names of the arrays the expression reads, sorted and without repeats.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out.sort();
        out.dedup();
        out
    }

    fn collect_names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(n) => out.push(n.clone()),
            Expr::Unary(_, a) => a.collect_names(out),
            Expr::Binary(_, a, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Expr::Where(c, a, b) => {
                c.collect_names(out);
                a.collect_names(out);
                b.collect_names(out);
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(x) => write!(f, "{x}"),
            Expr::Var(n) => f.write_str(n),
            Expr::Unary(Unary::Neg, a) => write!(f, "(-{a})"),
            Expr::Unary(Unary::Not, a) => write!(f, "(not {a})"),
            Expr::Unary(op, a) => write!(f, "{}({a})", format!("{op:?}").to_lowercase()),
            Expr::Binary(op, a, b) => {
                let sym = match op {
                    Binary::Add => "+",
                    Binary::Sub => "-",
                    Binary::Mul => "*",
                    Binary::Div => "/",
                    Binary::Pow => "**",
                    Binary::Mod => "%",
                    Binary::Lt => "<",
                    Binary::Le => "<=",
                    Binary::Gt => ">",
                    Binary::Ge => ">=",
                    Binary::Eq => "==",
                    Binary::Ne => "!=",
                    Binary::And => "and",
                    Binary::Or => "or",
                    Binary::Min => return write!(f, "minimum({a}, {b})"),
                    Binary::Max => return write!(f, "maximum({a}, {b})"),
                    Binary::Fmin => return write!(f, "fmin({a}, {b})"),
                    Binary::Fmax => return write!(f, "fmax({a}, {b})"),
                    Binary::Fmod => return write!(f, "fmod({a}, {b})"),
                    Binary::Atan2 => return write!(f, "arctan2({a}, {b})"),
                    Binary::Hypot => return write!(f, "hypot({a}, {b})"),
                    Binary::Copysign => return write!(f, "copysign({a}, {b})"),
                };
                write!(f, "({a} {sym} {b})")
            }
            Expr::Where(c, a, b) => write!(f, "where({c}, {a}, {b})"),
        }
    }
}

macro_rules! op_impl {
    ($tr:ident, $m:ident, $op:expr) => {
        impl ops::$tr for Expr {
            type Output = Expr;
            fn $m(self, rhs: Expr) -> Expr {
                self.binary($op, rhs)
            }
        }
        impl ops::$tr<f64> for Expr {
            type Output = Expr;
            fn $m(self, rhs: f64) -> Expr {
                self.binary($op, Expr::Num(rhs))
            }
        }
    };
}
op_impl!(Add, add, Binary::Add);
op_impl!(Sub, sub, Binary::Sub);
op_impl!(Mul, mul, Binary::Mul);
op_impl!(Div, div, Binary::Div);

impl ops::Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        self.unary(Unary::Neg)
    }
}
