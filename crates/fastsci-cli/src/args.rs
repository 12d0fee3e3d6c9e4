//! What the subcommands read from their arguments, parsed in one place: numbers (`inf`, `pi`,
//! `-e`), comma-separated lists of them, `LO:HI,...` bounds, kernels named `FILE.py:FUNC`,
//! and `--constraint` comparisons (parsed as the Python expressions they are).

use fastsci_expr::ast::{CmpOp, ExprKind};
use fastsci_jit::{Function, Module};

use crate::error::CliError;

/// Parses a number as typed on the command line: decimal, `inf`, `-inf`, `nan`, `pi`, `e`.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    let magnitude = match body.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        "pi" => std::f64::consts::PI,
        "e" => std::f64::consts::E,
        _ => body.parse::<f64>().map_err(|_| format!("'{text}' is not a number"))?,
    };
    Ok(sign * magnitude)
}

/// Parses a comma-separated list of numbers (`-1.2,1`).
pub fn parse_number_list(text: &str) -> Result<Vec<f64>, String> {
    text.split(',').map(parse_number).collect()
}

/// The number of option `what`, as bad input when it is not one.
pub fn number(text: &str, what: &str) -> Result<f64, CliError> {
    parse_number(text).map_err(|e| CliError::bad_input(format!("{what}: {e}")))
}

/// The comma-separated numbers of option `what`, as bad input when one is not a number.
pub fn numbers(text: &str, what: &str) -> Result<Vec<f64>, CliError> {
    parse_number_list(text).map_err(|e| CliError::bad_input(format!("{what}: {e}")))
}

/// Parses `LO:HI,LO:HI,...` for `n` variables (an empty side is unbounded; numbers as
/// [`parse_number`]).
pub fn parse_bounds(text: &str, n: usize) -> Result<Vec<(f64, f64)>, CliError> {
    let side =
        |s: &str, unbounded: f64| if s.trim().is_empty() { Ok(unbounded) } else { number(s, "--bounds") };
    let mut out = Vec::new();
    for pair in text.split(',') {
        let (lo, hi) = pair.split_once(':').ok_or_else(|| {
            CliError::bad_input(format!(
                "--bounds: '{pair}' is not LO:HI (use an empty side for no bound, e.g. 0: or :5)"
            ))
        })?;
        let (lo, hi) = (side(lo, f64::NEG_INFINITY)?, side(hi, f64::INFINITY)?);
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return Err(CliError::bad_input(format!(
                "--bounds: '{pair}' has its lower bound above its upper bound"
            )));
        }
        out.push((lo, hi));
    }
    if out.len() != n {
        return Err(CliError::bad_input(format!(
            "--bounds gives {} pairs but there are {n} variables",
            out.len()
        )));
    }
    Ok(out)
}

/// `FILE.py:FUNC` → (file, func), when the spec has that form (a formula never does), so that
/// a missing file is reported as one rather than as a formula's syntax error.
pub fn kernel_reference(spec: &str) -> Option<(&str, &str)> {
    let (file, func) = spec.rsplit_once(':')?;
    let identifier = func.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && func.chars().all(|c| c.is_alphanumeric() || c == '_');
    (file.ends_with(".py") && identifier).then_some((file, func))
}

/// Splits a required `FILE.py:FUNC` at its last colon.
pub fn split_kernel(spec: &str) -> Result<(&str, &str), CliError> {
    match spec.rsplit_once(':') {
        Some((file, func)) if !file.is_empty() && !func.is_empty() => Ok((file, func)),
        _ => Err(CliError::bad_input(format!(
            "'{spec}': expected FILE.py:FUNC, for example model.py:simulate"
        ))),
    }
}

/// The source of kernel file `file`, bounded in size.
pub fn kernel_source(file: &str) -> Result<String, CliError> {
    crate::output::read_text(file, crate::output::MAX_SOURCE_BYTES)
}

/// Compiles function `func` of kernel file `file` with the default options.
pub fn compile_kernel(file: &str, func: &str) -> Result<Function, CliError> {
    let module = Module::compile(&kernel_source(file)?, file)?;
    Ok(module.function(func)?)
}

/// Compiles the kernel named by a required `FILE.py:FUNC`.
pub fn load_kernel(spec: &str) -> Result<Function, CliError> {
    let (file, func) = split_kernel(spec)?;
    compile_kernel(file, func)
}

/// A `--constraint`: `lhs >= rhs`, `lhs <= rhs` or `lhs == rhs`, as source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Whether it is `==`.
    pub equality: bool,
    /// The constraint function `c` in Python, `c(x) = 0` or `c(x) ≥ 0`: `(lhs) - (rhs)` for
    /// `>=` and `==`, `(rhs) - (lhs)` for `<=`.
    pub function: String,
}

/// Parses `EXPR>=EXPR`, `EXPR<=EXPR` or `EXPR==EXPR` as the Python expression it is: exactly one
/// comparison at the top (a chained `a <= b <= c`, `<`, `>` or `!=` is refused).
pub fn parse_comparison(spec: &str) -> Result<Comparison, CliError> {
    let usage = || {
        CliError::bad_input(format!(
            "--constraint '{spec}': expected one comparison EXPR>=EXPR, EXPR<=EXPR or EXPR==EXPR, \
             e.g. --constraint 'x[0]+x[1]>=1'"
        ))
    };
    let tree = fastsci_expr::formula::parse_expression(spec)
        .map_err(|e| CliError::bad_input(format!("--constraint '{spec}': {e}")))?;
    let ExprKind::Compare { left, rest } = &tree.kind else {
        return Err(usage());
    };
    let [(op, right)] = rest.as_slice() else {
        return Err(usage());
    };
    let text = |span: fastsci_expr::ast::Span| &spec[span.start..span.end];
    let (lhs, rhs) = (text(left.span), text(right.span));
    let (equality, function) = match op {
        CmpOp::Ge => (false, format!("({lhs}) - ({rhs})")),
        CmpOp::Eq => (true, format!("({lhs}) - ({rhs})")),
        CmpOp::Le => (false, format!("({rhs}) - ({lhs})")),
        _ => return Err(usage()),
    };
    Ok(Comparison { equality, function })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_accept_named_constants_and_signs() {
        assert_eq!(parse_number("-inf").unwrap(), f64::NEG_INFINITY);
        assert_eq!(parse_number("pi").unwrap(), std::f64::consts::PI);
        assert_eq!(parse_number("-e").unwrap(), -std::f64::consts::E);
        assert!(parse_number("nan").unwrap().is_nan());
        assert_eq!(parse_number_list("-1.2,1").unwrap(), vec![-1.2, 1.0]);
        assert!(parse_number("x1").is_err());
    }

    #[test]
    fn comparisons_are_parsed_as_python() {
        let c = parse_comparison("x[0] + x[1] >= 1").unwrap();
        assert_eq!((c.equality, c.function.as_str()), (false, "(x[0] + x[1]) - (1)"));
        let c = parse_comparison("x[0]*x[1]==2").unwrap();
        assert_eq!((c.equality, c.function.as_str()), (true, "(x[0]*x[1]) - (2)"));
        // A comparison inside a call or parentheses is not the top one; `<=` flips the sides.
        let c = parse_comparison("max(x[0], x[1] >= 0) <= (x[1])").unwrap();
        assert_eq!(c.function, "(x[1]) - (max(x[0], x[1] >= 0))");
        for bad in ["x[0]", "x[0] > 1", "x[0] != 1", "0 <= x[0] <= 1", "x[0] >= ", "x[0] >= 1 >= 2"] {
            assert!(parse_comparison(bad).is_err(), "{bad}");
        }
    }
}
