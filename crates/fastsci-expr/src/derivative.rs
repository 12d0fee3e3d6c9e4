//! Exact symbolic differentiation of formula trees.

use crate::ast::{BinOp, BoolOp, CmpOp, Expr, ExprKind, Span, UnaryOp};
use crate::error::{ErrorKind, SourceError};

/// What to differentiate with respect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A scalar variable, by name.
    Scalar(&'a str),
    /// One component `x[k]` of a vector variable.
    Component(&'a str, usize),
}

fn mk(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn is_zero(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Float(v) if v == 0.0) || matches!(e.kind, ExprKind::Int(0))
}

fn is_one(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Float(v) if v == 1.0) || matches!(e.kind, ExprKind::Int(1))
}

fn num(v: f64, s: Span) -> Expr {
    mk(ExprKind::Float(v), s)
}

fn bin(op: BinOp, a: Expr, b: Expr, s: Span) -> Expr {
    mk(ExprKind::Binary { op, left: Box::new(a), right: Box::new(b) }, s)
}

fn add(a: Expr, b: Expr, s: Span) -> Expr {
    if is_zero(&a) {
        b
    } else if is_zero(&b) {
        a
    } else {
        bin(BinOp::Add, a, b, s)
    }
}

fn sub(a: Expr, b: Expr, s: Span) -> Expr {
    if is_zero(&b) {
        a
    } else if is_zero(&a) {
        neg(b, s)
    } else {
        bin(BinOp::Sub, a, b, s)
    }
}

fn mul(a: Expr, b: Expr, s: Span) -> Expr {
    if is_zero(&a) || is_zero(&b) {
        num(0.0, s)
    } else if is_one(&a) {
        b
    } else if is_one(&b) {
        a
    } else {
        bin(BinOp::Mul, a, b, s)
    }
}

fn div(a: Expr, b: Expr, s: Span) -> Expr {
    if is_zero(&a) {
        num(0.0, s)
    } else if is_one(&b) {
        a
    } else {
        bin(BinOp::Div, a, b, s)
    }
}

fn neg(a: Expr, s: Span) -> Expr {
    if is_zero(&a) {
        return num(0.0, s);
    }
    mk(ExprKind::Unary { op: UnaryOp::Neg, operand: Box::new(a) }, s)
}

fn call(f: &str, args: Vec<Expr>, s: Span) -> Expr {
    mk(ExprKind::Call { func: f.to_string(), func_span: s, args }, s)
}

fn pow(a: Expr, b: Expr, s: Span) -> Expr {
    bin(BinOp::Pow, a, b, s)
}

fn ifelse(test: Expr, body: Expr, orelse: Expr, s: Span) -> Expr {
    if is_zero(&body) && is_zero(&orelse) {
        return num(0.0, s);
    }
    mk(ExprKind::IfElse { test: Box::new(test), body: Box::new(body), orelse: Box::new(orelse) }, s)
}

/// The derivative of `e` (a formula parsed from `src`) with respect to `t`, as a new tree,
/// simplified where a factor is 0 or 1. Every function marked `derivative` in
/// [`crate::functions::MATH_FUNCTIONS`] has a rule here.
///
/// # Examples
///
/// ```
/// use fastsci_expr::derivative::{diff, Target};
/// use fastsci_expr::formula::parse_expression;
/// let src = "sin(x) * y";
/// let d = diff(&parse_expression(src)?, &Target::Scalar("x"), src)?;
/// assert_eq!(d.to_string(), "cos(x) * y");
/// # Ok::<(), fastsci_expr::SourceError>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Unsupported`] for a function without a derivative rule (`digamma`), and for
/// attributes and tuples, which formulas do not have; positioned in `src`.
pub fn diff(e: &Expr, t: &Target<'_>, src: &str) -> Result<Expr, SourceError> {
    let s = e.span;
    let d = |x: &Expr| diff(x, t, src);
    Ok(match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) => num(0.0, s),
        ExprKind::Name(n) => num(if matches!(t, Target::Scalar(v) if v == n) { 1.0 } else { 0.0 }, s),
        ExprKind::Index { value, indices } => {
            let hit = match (&value.kind, indices.as_slice(), t) {
                (ExprKind::Name(n), [Expr { kind: ExprKind::Int(k), .. }], Target::Component(v, i)) => {
                    n == v && usize::try_from(*k).ok() == Some(*i)
                }
                _ => false,
            };
            num(if hit { 1.0 } else { 0.0 }, s)
        }
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Neg => neg(d(operand)?, s),
            UnaryOp::Plus => d(operand)?,
            UnaryOp::Not | UnaryOp::Invert => num(0.0, s),
        },
        ExprKind::Binary { op, left, right } => {
            let (u, v) = (left.as_ref().clone(), right.as_ref().clone());
            let (du, dv) = (d(left)?, d(right)?);
            match op {
                BinOp::Add => add(du, dv, s),
                BinOp::Sub => sub(du, dv, s),
                BinOp::Mul => add(mul(du, v, s), mul(u, dv, s), s),
                BinOp::Div => {
                    if is_zero(&dv) {
                        div(du, v, s)
                    } else {
                        div(sub(mul(du, v.clone(), s), mul(u, dv, s), s), pow(v, num(2.0, s), s), s)
                    }
                }
                BinOp::FloorDiv => num(0.0, s),
                BinOp::Mod => {
                    let q = call("floor", vec![bin(BinOp::Div, u, v, s)], s);
                    sub(du, mul(q, dv, s), s)
                }
                BinOp::Pow => pow_rule(u, v, du, dv, s),
                _ => num(0.0, s),
            }
        }
        ExprKind::Compare { .. } => num(0.0, s),
        ExprKind::BoolOp { op, values } => {
            // `a and b` is `b if a else a`; `a or b` is `a if a else b`.
            let mut acc = values[0].clone();
            let mut dacc = d(&values[0])?;
            for x in &values[1..] {
                let dx = d(x)?;
                let (body, orelse) = if *op == BoolOp::And { (dx, dacc) } else { (dacc, dx) };
                dacc = ifelse(acc.clone(), body, orelse, s);
                acc = mk(ExprKind::BoolOp { op: *op, values: vec![acc, x.clone()] }, s);
            }
            dacc
        }
        ExprKind::IfElse { test, body, orelse } => ifelse(test.as_ref().clone(), d(body)?, d(orelse)?, s),
        ExprKind::Call { func, args, func_span } => {
            let u = args.first().cloned().unwrap_or_else(|| num(0.0, s));
            let du = match args.first() {
                Some(a) => d(a)?,
                None => num(0.0, s),
            };
            let two = || num(2.0, s);
            let one = || num(1.0, s);
            let c = |f: &str, a: Expr| call(f, vec![a], s);
            match func.as_str() {
                "sqrt" => div(du, mul(two(), c("sqrt", u), s), s),
                "exp" | "expm1" => mul(c("exp", u), du, s),
                "log" => div(du, u, s),
                "log1p" => div(du, add(one(), u, s), s),
                "log2" => div(du, mul(u, num(std::f64::consts::LN_2, s), s), s),
                "log10" => div(du, mul(u, num(std::f64::consts::LN_10, s), s), s),
                "pow" => {
                    let v = args[1].clone();
                    let dv = d(&args[1])?;
                    pow_rule(u, v, du, dv, s)
                }
                "sin" => mul(c("cos", u), du, s),
                "cos" => neg(mul(c("sin", u), du, s), s),
                "tan" => div(du, pow(c("cos", u), two(), s), s),
                "asin" => div(du, c("sqrt", sub(one(), pow(u, two(), s), s)), s),
                "acos" => neg(div(du, c("sqrt", sub(one(), pow(u, two(), s), s)), s), s),
                "atan" => div(du, add(one(), pow(u, two(), s), s), s),
                "atan2" => {
                    let v = args[1].clone();
                    let dv = d(&args[1])?;
                    let den = add(pow(u.clone(), two(), s), pow(v.clone(), two(), s), s);
                    div(sub(mul(v, du, s), mul(u, dv, s), s), den, s)
                }
                "sinh" => mul(c("cosh", u), du, s),
                "cosh" => mul(c("sinh", u), du, s),
                "tanh" => mul(sub(one(), pow(c("tanh", u), two(), s), s), du, s),
                "asinh" => div(du, c("sqrt", add(pow(u, two(), s), one(), s)), s),
                "acosh" => div(du, c("sqrt", sub(pow(u, two(), s), one(), s)), s),
                "atanh" => div(du, sub(one(), pow(u, two(), s), s), s),
                "hypot" => {
                    let v = args[1].clone();
                    let dv = d(&args[1])?;
                    let h = call("hypot", vec![u.clone(), v.clone()], s);
                    div(add(mul(u, du, s), mul(v, dv, s), s), h, s)
                }
                "floor" | "ceil" | "trunc" | "isnan" | "isinf" | "isfinite" => num(0.0, s),
                "fabs" | "abs" => mul(call("copysign", vec![one(), u], s), du, s),
                "copysign" => {
                    let sv = call("copysign", vec![one(), args[1].clone()], s);
                    mul(mul(call("copysign", vec![one(), u], s), sv, s), du, s)
                }
                "erf" | "erfc" => {
                    let k = num(2.0 / std::f64::consts::PI.sqrt(), s);
                    let g = mul(mul(k, c("exp", neg(pow(u, two(), s), s)), s), du, s);
                    if func == "erf" { g } else { neg(g, s) }
                }
                "gamma" => mul(mul(c("gamma", u.clone()), c("digamma", u), s), du, s),
                "lgamma" => mul(c("digamma", u), du, s),
                "min" | "max" => {
                    // Python: min(a, b) is b if b < a else a (max with >), folded left.
                    let cmp = if func == "min" { CmpOp::Lt } else { CmpOp::Gt };
                    let mut acc = args[0].clone();
                    let mut dacc = d(&args[0])?;
                    for x in &args[1..] {
                        let dx = d(x)?;
                        let test = mk(
                            ExprKind::Compare { left: Box::new(x.clone()), rest: vec![(cmp, acc.clone())] },
                            s,
                        );
                        dacc = ifelse(test, dx, dacc, s);
                        acc = call(func, vec![acc, x.clone()], s);
                    }
                    dacc
                }
                "fmod" => {
                    // fmod(u, v) = u - trunc(u / v) * v, and trunc is piecewise constant.
                    let v = args[1].clone();
                    let dv = d(&args[1])?;
                    sub(du, mul(c("trunc", div(u, v, s)), dv, s), s)
                }
                "fmin" | "fmax" => {
                    // The other operand where it is chosen: strictly beyond, or `u` is NaN.
                    let v = args[1].clone();
                    let dv = d(&args[1])?;
                    let cmp = if func == "fmin" { CmpOp::Lt } else { CmpOp::Gt };
                    let beyond = mk(ExprKind::Compare { left: Box::new(v), rest: vec![(cmp, u.clone())] }, s);
                    let test =
                        mk(ExprKind::BoolOp { op: BoolOp::Or, values: vec![beyond, c("isnan", u)] }, s);
                    ifelse(test, dv, du, s)
                }
                "where" => {
                    let da = d(&args[1])?;
                    let db = d(&args[2])?;
                    if is_zero(&da) && is_zero(&db) {
                        num(0.0, s)
                    } else {
                        call("where", vec![args[0].clone(), da, db], s)
                    }
                }
                other => {
                    return Err(SourceError::at(
                        ErrorKind::Unsupported,
                        src,
                        func_span.start,
                        format!("the derivative of `{other}` is not supported"),
                    ));
                }
            }
        }
        ExprKind::Attribute { .. } | ExprKind::Tuple(_) => {
            return Err(SourceError::at(
                ErrorKind::Unsupported,
                src,
                s.start,
                "cannot differentiate this expression",
            ));
        }
    })
}

fn pow_rule(u: Expr, v: Expr, du: Expr, dv: Expr, s: Span) -> Expr {
    if is_zero(&dv) {
        // v * u**(v-1) * du
        let vm1 = match v.kind {
            ExprKind::Int(k) => mk(ExprKind::Int(k - 1), s),
            ExprKind::Float(k) => num(k - 1.0, s),
            _ => sub(v.clone(), num(1.0, s), s),
        };
        let p = if is_one(&vm1) {
            u
        } else if is_zero(&vm1) {
            num(1.0, s)
        } else {
            pow(u, vm1, s)
        };
        mul(mul(v, p, s), du, s)
    } else if is_zero(&du) {
        mul(mul(pow(u.clone(), v, s), call("log", vec![u], s), s), dv, s)
    } else {
        // u**v * (dv*log(u) + v*du/u)
        let a = mul(dv, call("log", vec![u.clone()], s), s);
        let b = div(mul(v.clone(), du, s), u.clone(), s);
        mul(pow(u, v, s), add(a, b, s), s)
    }
}
