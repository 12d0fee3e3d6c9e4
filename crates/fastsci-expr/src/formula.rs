//! Formulas: one Python expression such as `exp(-x**2)*log(1+x**2)`, parsed into the
//! [`crate::ast`] tree and checked against the formula subset.
//!
//! Other crates (fastsci-array's SIMD block evaluator, fastsci-jit's formula compiler) lower
//! this tree into their own evaluators. [`parse_expression`] returns a tree that has passed
//! the *formula* checks:
//!
//! - numbers are [`ExprKind::Int`] / [`ExprKind::Float`] / [`ExprKind::Bool`]; the constants
//!   `pi`, `e`, `inf`, `nan` (bare or as `math.pi`, `np.pi`, ...) are already [`ExprKind::Float`];
//! - [`ExprKind::Name`] is a variable; [`ExprKind::Index`] is always `name[k]` with a single
//!   non-negative constant [`ExprKind::Int`] index;
//! - [`ExprKind::Call`] names one of [`MATH_FUNCTIONS`] (canonical name) (with `math.`/`np.`/`numpy.` stripped)
//!   with an allowed number of arguments;
//! - [`ExprKind::Attribute`] and [`ExprKind::Tuple`] never occur (they appear only in kernels).
//!
//! Every node carries its [`Span`] (byte offsets into the source) for error messages.
//!
//! # Examples
//!
//! ```
//! use fastsci_expr::{ast::{BinOp, ExprKind}, formula::parse_expression};
//! let e = parse_expression("100*(x[1]-x[0]**2)**2")?;
//! assert!(matches!(e.kind, ExprKind::Binary { op: BinOp::Mul, .. }));
//! # Ok::<(), fastsci_expr::SourceError>(())
//! ```

use crate::ast::{Expr, ExprKind, Span};
use crate::error::{ErrorKind, SourceError};
use crate::functions::{Arity, MATH_FUNCTIONS, lookup};

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
/// use fastsci_expr::{ast::ExprKind, formula::parse_expression};
/// let e = parse_expression("np.sqrt(pi)")?;
/// let ExprKind::Call { func, args, .. } = e.kind else { panic!() };
/// assert_eq!(func, "sqrt");
/// assert_eq!(args[0].kind, ExprKind::Float(std::f64::consts::PI));
/// assert!(parse_expression("x +").is_err());
/// # Ok::<(), fastsci_expr::SourceError>(())
/// ```
pub fn parse_expression(source: &str) -> Result<Expr, SourceError> {
    let e = crate::parser::parse_formula(source)?;
    check_formula(&e, source)?;
    Ok(e)
}

fn check_formula(e: &Expr, src: &str) -> Result<(), SourceError> {
    let err = |span: Span, msg: String| Err(SourceError::at(ErrorKind::Unsupported, src, span.start, msg));
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
///
/// # Errors
///
/// [`ErrorKind::Name`] for an unknown function (listing the known ones), [`ErrorKind::Type`]
/// for a wrong number of arguments; both point at `span` of `src`.
pub fn check_call_arity(func: &str, span: Span, n: usize, src: &str) -> Result<(), SourceError> {
    let at = |kind, msg: String| Err(SourceError::at(kind, src, span.start, msg));
    match lookup(func).map(|f| f.arity) {
        None => at(
            ErrorKind::Name,
            format!(
                "unknown function `{func}`; supported: {}",
                MATH_FUNCTIONS.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
            ),
        ),
        Some(arity) if arity.accepts(n) => Ok(()),
        Some(Arity::AtLeast(k)) => {
            at(ErrorKind::Type, format!("`{func}` takes {} or more arguments, got {n}", words(k)))
        }
        Some(Arity::Exactly(k)) => at(
            ErrorKind::Type,
            format!("`{func}` takes {k} argument{}, got {n}", if k == 1 { "" } else { "s" }),
        ),
    }
}

/// `2` as `two` (the one count error messages spell out).
fn words(k: usize) -> String {
    if k == 2 { "two".to_string() } else { k.to_string() }
}
