//! Array expressions from text: parsed by `fastsci_expr::formula::parse_expression` (Python
//! syntax) and lowered to this crate's [`Expr`].

use fastsci_expr::ast::{BinOp, BoolOp, CmpOp, Expr as JExpr, ExprKind, UnaryOp};
use fastsci_expr::{ErrorKind, SourceError};

use crate::error::{ArrayError, Result};
use crate::expr::{Binary, Expr, Unary};

/// Parses a Python expression over named arrays (`a*b + c*2 - np.sin(a)`,
/// `where(x > 0, x, 0)`, `x if x > 0 else -x`, `(a < 1) & (b > 2)`).
///
/// # Examples
/// ```
/// use fastsci_array::parse::parse;
/// let e = parse("a*b + c*2 - np.sin(a)")?;
/// assert_eq!(e.names(), vec!["a", "b", "c"]);
/// let err = parse("a +* b").unwrap_err().to_string();
/// assert!(err.starts_with("1:"), "{err}");
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// # Errors
/// [`ArrayError::Parse`] with `LINE:COL: message`, the source line and a caret, for syntax
/// errors, indexing, and functions array expressions do not have.
pub fn parse(source: &str) -> Result<Expr> {
    let tree = fastsci_expr::formula::parse_expression(source)?;
    lower(&tree, source, 0)
}

/// `LINE:COL: message` with the source line and a caret under byte `offset`.
/// The deepest expression tree accepted: levels of operators and calls, counted as Python
/// nests them (`-(-(-x))` is three, `a + b + c` two, `max(a, b, c)` three).
pub const MAX_NESTING: usize = 1000;

fn located(source: &str, offset: usize, message: &str) -> ArrayError {
    ArrayError::Parse(SourceError::at(ErrorKind::Unsupported, source, offset, message))
}

fn lower(e: &JExpr, src: &str, depth: usize) -> Result<Expr> {
    let err = |msg: &str| located(src, e.span.start, msg);
    // The lowered tree is walked recursively (compiled, dropped): its depth is bounded here,
    // including the chains that folding `a or b or ...` and `max(a, b, ...)` builds.
    let too_deep = |extra: usize| {
        (depth + extra > MAX_NESTING).then(|| {
            err(&format!(
                "expression too deeply nested (more than {MAX_NESTING} levels of operators and calls)"
            ))
        })
    };
    if let Some(e) = too_deep(0) {
        return Err(e);
    }
    Ok(match &e.kind {
        ExprKind::Int(i) => Expr::Num(*i as f64),
        ExprKind::Float(x) => Expr::Num(*x),
        ExprKind::Bool(b) => Expr::Num(f64::from(u8::from(*b))),
        ExprKind::Name(n) => Expr::Var(n.clone()),
        ExprKind::Index { .. } => {
            return Err(err("indexing is not supported in array expressions (name whole arrays)"));
        }
        ExprKind::Attribute { .. } | ExprKind::Tuple(_) => {
            return Err(err("not supported in array expressions"));
        }
        ExprKind::Unary { op, operand } => {
            let a = lower(operand, src, depth + 1)?;
            match op {
                UnaryOp::Neg => a.unary(Unary::Neg),
                UnaryOp::Plus => a,
                UnaryOp::Not | UnaryOp::Invert => a.unary(Unary::Not),
            }
        }
        ExprKind::Binary { op, left, right } => {
            let (a, b) = (lower(left, src, depth + 1)?, lower(right, src, depth + 1)?);
            match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Pow => a.pow(b),
                BinOp::Mod => a.binary(Binary::Mod, b),
                BinOp::FloorDiv => (a / b).unary(Unary::Floor),
                BinOp::BitAnd => a.binary(Binary::And, b),
                BinOp::BitOr => a.binary(Binary::Or, b),
                BinOp::BitXor => a
                    .binary(Binary::Ne, Expr::Num(0.0))
                    .binary(Binary::Ne, b.binary(Binary::Ne, Expr::Num(0.0))),
                _ => return Err(err("shift operators are not supported in array expressions")),
            }
        }
        ExprKind::Compare { left, rest } => {
            if let Some(e) = too_deep(rest.len()) {
                return Err(e);
            }
            let mut prev = lower(left, src, depth + 1)?;
            let mut out: Option<Expr> = None;
            for (op, right) in rest {
                let r = lower(right, src, depth + 1)?;
                let bop = match op {
                    CmpOp::Eq => Binary::Eq,
                    CmpOp::Ne => Binary::Ne,
                    CmpOp::Lt => Binary::Lt,
                    CmpOp::Le => Binary::Le,
                    CmpOp::Gt => Binary::Gt,
                    CmpOp::Ge => Binary::Ge,
                };
                let c = prev.binary(bop, r.clone());
                out = Some(match out {
                    None => c,
                    Some(o) => o.binary(Binary::And, c),
                });
                prev = r;
            }
            out.ok_or_else(|| err("empty comparison"))?
        }
        ExprKind::BoolOp { op, values } => {
            let bop = match op {
                BoolOp::And => Binary::And,
                BoolOp::Or => Binary::Or,
            };
            if let Some(e) = too_deep(values.len()) {
                return Err(e);
            }
            let mut it = values.iter();
            let first = it.next().ok_or_else(|| err("empty boolean operation"))?;
            let mut acc = lower(first, src, depth + 1)?;
            for v in it {
                acc = acc.binary(bop, lower(v, src, depth + 1)?);
            }
            acc
        }
        ExprKind::IfElse { test, body, orelse } => Expr::select(
            lower(test, src, depth + 1)?,
            lower(body, src, depth + 1)?,
            lower(orelse, src, depth + 1)?,
        ),
        ExprKind::Call { func, func_span, args } => {
            let args: Vec<Expr> = args.iter().map(|a| lower(a, src, depth + 1)).collect::<Result<_>>()?;
            // min/max of two or more values fold pairwise.
            // (The parser gives canonical names: `minimum` is `min`.)
            if matches!(func.as_str(), "min" | "max") && args.len() > 2 {
                if let Some(e) = too_deep(args.len()) {
                    return Err(e);
                }
                let op = if func.contains("min") { Binary::Min } else { Binary::Max };
                let mut it = args.into_iter();
                let first = it.next().ok_or_else(|| err("no arguments"))?;
                return Ok(it.fold(first, |acc, x| acc.binary(op, x)));
            }
            Expr::call(func, args).map_err(|m| located(src, func_span.start, &m))?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_with_the_limit_not_a_stack_overflow() {
        let ok = format!("max({})", vec!["-a"; MAX_NESTING / 2].join(", "));
        assert!(parse(&ok).is_ok());
        // Flat in the parser's tree, but a chain MAX_NESTING + 10 deep once folded.
        let wide = format!("max({})", vec!["a"; MAX_NESTING + 10].join(", "));
        let e = parse(&wide).unwrap_err().to_string();
        assert!(e.contains("too deeply nested") && e.contains("1000"), "{e}");
        // 100,000 arguments folded into a chain used to overflow the stack when compiled.
        let huge = format!("max({})", vec!["a"; 100_000].join(","));
        assert!(parse(&huge).unwrap_err().to_string().contains("too deeply nested"));
        let ors = vec!["a"; MAX_NESTING + 10].join(" or ");
        assert!(parse(&ors).unwrap_err().to_string().contains("too deeply nested"));
    }
}
