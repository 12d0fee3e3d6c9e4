//! Objectives given on the command line: a formula in `x[0]`, `x[1]`, ... compiled by
//! fastsci-jit (with exact partial derivatives where it offers them), or `FILE.py:FUNC`.

use std::cell::RefCell;
use std::rc::Rc;

use fastsci_jit::{ArrayValue, Expression, Value, VarKind};

use crate::error::CliError;

/// A function of a vector.
pub type VectorFn = Box<dyn Fn(&[f64]) -> f64>;

/// A function of a vector that also writes its gradient.
pub type ValueAndGradientFn = Box<dyn Fn(&[f64], &mut [f64]) -> f64>;

/// A compiled objective of a vector and, when available, its exact gradient.
pub struct Objective {
    /// f(x).
    pub fun: VectorFn,
    /// ∂f/∂x_i for each i, when every partial derivative compiled.
    pub grad: Option<Vec<Expression>>,
    /// A kernel objective's exact gradient (reverse-mode automatic differentiation), when
    /// the kernel is differentiable: `fg(x, grad) -> f(x)`.
    pub kernel_grad: Option<ValueAndGradientFn>,
    /// The first error a kernel objective raised (`ZeroDivisionError` with its line), which
    /// `fun` can only return as NaN.
    pub raised: Rc<RefCell<Option<String>>>,
}

impl Objective {
    /// The error the kernel raised, as bad input, if it raised one.
    pub fn check_raised(&self) -> Result<(), CliError> {
        match self.raised.borrow().as_ref() {
            Some(message) => Err(CliError::bad_input(message.clone())),
            None => Ok(()),
        }
    }
}

/// Compiles `spec` (a formula or `FILE.py:FUNC`) as a function of a vector of length `n`.
pub fn objective(spec: &str, n: usize) -> Result<Objective, CliError> {
    if let Some((file, func)) = crate::args::kernel_reference(spec) {
        let function = crate::args::compile_kernel(file, func)?;
        let f = function.to_fn_slice()?;
        // A kernel outside what is differentiated still minimizes, with finite differences.
        let kernel_grad = match function.to_value_and_gradient_slice() {
            Ok(fg) => Some(Box::new(fg) as ValueAndGradientFn),
            Err(_) => None,
        };
        let raised = Rc::new(RefCell::new(None));
        let seen = Rc::clone(&raised);
        let fun = move |xs: &[f64]| {
            let v = f(xs);
            if v.is_nan() && seen.borrow().is_none() {
                // The fast path returns NaN for a raised error too: run the kernel once more
                // through `call` to learn whether it raised, and what.
                let arg = Value::Array(ArrayValue::F64(ndarray::Array1::from(xs.to_vec()).into_dyn()));
                if let Err(e) = function.call(&[arg]) {
                    *seen.borrow_mut() = Some(e.to_string());
                }
            }
            v
        };
        return Ok(Objective { fun: Box::new(fun), grad: None, kernel_grad, raised });
    }
    formula(spec, n, "the objective")
}

/// Compiles a formula in `x[0]`, `x[1]`, ... (`what` names it in error messages).
fn formula(spec: &str, n: usize, what: &str) -> Result<Objective, CliError> {
    let expr = Expression::compile(spec, &[("x", VarKind::Vector)])
        .map_err(|e| CliError::from(e).context(format!("in {what}")))?;
    if let Some(m) = expr.max_index("x")
        && m >= n
    {
        return Err(CliError::bad_input(format!(
            "{what} uses x[{m}] but --x0 has {n} value{}; give at least {} values",
            if n == 1 { "" } else { "s" },
            m + 1
        )));
    }
    let grad: Option<Vec<Expression>> = (0..n).map(|i| expr.derivative("x", Some(i)).ok()).collect();
    let f = expr.to_fn_slice();
    Ok(Objective { fun: Box::new(f), grad, kernel_grad: None, raised: Rc::default() })
}

/// The gradient of a compiled formula as one function writing every partial derivative.
pub fn gradient_fn(grad: &[Expression]) -> impl Fn(&[f64], &mut [f64]) + use<> {
    let parts: Vec<_> = grad.iter().map(|d| d.to_fn_slice()).collect();
    move |x: &[f64], g: &mut [f64]| {
        for (gi, d) in g.iter_mut().zip(&parts) {
            *gi = d(x);
        }
    }
}

/// A constraint of `--constraint`: `c(x) = 0` (`equality`) or `c(x) ≥ 0`.
pub struct ConstraintFormula {
    /// Whether it is `==`.
    pub equality: bool,
    /// `c`, compiled: `lhs − rhs` for `>=` and `==`, `rhs − lhs` for `<=`.
    pub fun: Objective,
}

/// Compiles a `--constraint` (`LHS>=RHS`, `LHS<=RHS` or `LHS==RHS`, parsed as Python).
pub fn constraint(spec: &str, n: usize) -> Result<ConstraintFormula, CliError> {
    let comparison = crate::args::parse_comparison(spec)?;
    let fun = formula(&comparison.function, n, &format!("--constraint '{spec}'"))?;
    Ok(ConstraintFormula { equality: comparison.equality, fun })
}
