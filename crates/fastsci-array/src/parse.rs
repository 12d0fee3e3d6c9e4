//! Array expressions from text: parsed by `fastsci_jit::expr::parse_expression` (Python
//! syntax) and lowered to this crate's [`Expr`].

use fastsci_jit::expr::{BinOp, BoolOp, CmpOp, Expr as JExpr, ExprKind, UnaryOp};

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
    let tree = fastsci_jit::expr::parse_expression(source).map_err(|e| ArrayError::Parse(e.to_string()))?;
    lower(&tree, source)
}

/// `LINE:COL: message` with the source line and a caret under byte `offset`.
fn located(source: &str, offset: usize, message: &str) -> ArrayError {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[line_start..].find('\n').map_or(source.len(), |i| line_start + i);
    let col = source[line_start..offset].chars().count() + 1;
    ArrayError::Parse(format!(
        "{line_no}:{col}: {message}\n  {}\n  {}^",
        &source[line_start..line_end],
        " ".repeat(col - 1)
    ))
}

fn lower(e: &JExpr, src: &str) -> Result<Expr> {
    let err = |msg: &str| located(src, e.span.start, msg);
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
            let a = lower(operand, src)?;
            match op {
                UnaryOp::Neg => a.unary(Unary::Neg),
                UnaryOp::Plus => a,
                UnaryOp::Not | UnaryOp::Invert => a.unary(Unary::Not),
            }
        }
        ExprKind::Binary { op, left, right } => {
            let (a, b) = (lower(left, src)?, lower(right, src)?);
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
            let mut prev = lower(left, src)?;
            let mut out: Option<Expr> = None;
            for (op, right) in rest {
                let r = lower(right, src)?;
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
            let mut it = values.iter();
            let first = it.next().ok_or_else(|| err("empty boolean operation"))?;
            let mut acc = lower(first, src)?;
            for v in it {
                acc = acc.binary(bop, lower(v, src)?);
            }
            acc
        }
        ExprKind::IfElse { test, body, orelse } => {
            Expr::select(lower(test, src)?, lower(body, src)?, lower(orelse, src)?)
        }
        ExprKind::Call { func, func_span, args } => {
            let args: Vec<Expr> = args.iter().map(|a| lower(a, src)).collect::<Result<_>>()?;
            // min/max of two or more values fold pairwise.
            if matches!(func.as_str(), "min" | "max" | "minimum" | "maximum" | "fmin" | "fmax")
                && args.len() > 2
            {
                let op = if func.contains("min") { Binary::Min } else { Binary::Max };
                let mut it = args.into_iter();
                let first = it.next().ok_or_else(|| err("no arguments"))?;
                return Ok(it.fold(first, |acc, x| acc.binary(op, x)));
            }
            Expr::call(func, args).map_err(|m| located(src, func_span.start, &m))?
        }
    })
}
