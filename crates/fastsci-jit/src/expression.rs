//! Compiled formulas: a Python expression in named variables, compiled to a native function.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::codegen::{self, Code};
use crate::lower::{FormulaVar, lower_formula};
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::{Expr, ExprKind};
use fastsci_expr::derivative::{self as derive, Target};
use fastsci_expr::formula::parse_expression;

/// Whether a formula variable is a number or a vector indexed with constants (`x[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    /// A number, used by name: `x`.
    Scalar,
    /// A vector of numbers, used by component: `x[0]`, `x[1]`.
    Vector,
}

type RawFn = unsafe extern "C" fn(*mut u8, *const f64, *const *const f64) -> f64;

/// Calls compiled formula code with a context of its own. The code stores a run-time error in
/// it (an integer raised to a negative power, an integer division by zero), and a formula gives
/// NaN for those, as outside a function's domain; with a null context, `0**~0` wrote to
/// address 0 (found by fastsci-array's `formulas` fuzz target).
///
/// # Safety
/// As calling `fptr` directly: `scalars` and `vectors` must hold what the formula reads.
unsafe fn call(fptr: RawFn, scalars: *const f64, vectors: *const *const f64) -> f64 {
    let mut arena = crate::runtime::Arena::default();
    let mut ctx = crate::runtime::Ctx {
        err: 0,
        err_pos: 0,
        rng: [0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB, 1],
        depth: 0,
        arena: &mut arena,
        cancel: (&crate::runtime::NEVER_CANCELLED as *const std::sync::atomic::AtomicBool).cast::<u8>(),
    };
    // SAFETY: the caller's guarantee; the context outlives the call.
    let r = unsafe { fptr(&mut ctx as *mut crate::runtime::Ctx as *mut u8, scalars, vectors) };
    if ctx.err != 0 { f64::NAN } else { r }
}

struct Inner {
    /// Keeps the machine code alive.
    _code: Code,
    fptr: RawFn,
    source: String,
    tree: Expr,
    vars: Vec<(String, VarKind)>,
    n_scalars: usize,
    /// For each vector (in order), the highest index used.
    max_index: Vec<Option<usize>>,
}

/// A formula compiled to machine code; cheap to clone, `Send + Sync`.
///
/// # Examples
///
/// ```
/// use fastsci_jit::{Expression, VarKind};
/// let f = Expression::compile("exp(-x**2)*log(1+x**2)", &[("x", VarKind::Scalar)])?;
/// let g = f.to_fn1();
/// assert!((g(1.0) - (-1.0f64).exp() * 2f64.ln()).abs() < 1e-15);
///
/// let r = Expression::compile("100*(x[1]-x[0]**2)**2 + (1-x[0])**2", &[("x", VarKind::Vector)])?;
/// assert_eq!(r.eval(&[], &[&[1.0, 1.0]]), 0.0);
/// let dr = r.derivative("x", Some(0))?;
/// // d/dx0 = -400 x0 (x1 - x0^2) - 2 (1 - x0) = -215.6 at (-1.2, 1)
/// assert!((dr.eval(&[], &[&[-1.2, 1.0]]) + 215.6).abs() < 1e-12);
/// # Ok::<(), fastsci_jit::JitError>(())
/// ```
#[derive(Clone)]
pub struct Expression {
    inner: Arc<Inner>,
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expression")
            .field("source", &self.inner.source)
            .field("vars", &self.inner.vars)
            .finish()
    }
}

impl Expression {
    /// Compiles a Python expression in the named variables.
    ///
    /// Formulas are Python: `**` for powers, `math.`/`np.` prefixes optional, the constants
    /// `pi`, `e`, `inf`, `nan`, and the functions of [`fastsci_expr::functions::MATH_FUNCTIONS`].
    /// Division by zero gives IEEE results (`inf`, `nan`), not errors, and math functions give
    /// NaN outside their domain (as NumPy does).
    ///
    /// # Errors
    ///
    /// Unknown names, unsupported syntax, indexing a scalar, a vector used without index,
    /// duplicate variable names: a [`JitError`] with line:column and a caret.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Expression, VarKind};
    /// let e = Expression::compile("hypot(x[0], x[1]) * k", &[("x", VarKind::Vector), ("k", VarKind::Scalar)])?;
    /// assert_eq!(e.eval(&[2.0], &[&[3.0, 4.0]]), 10.0);
    /// assert!(Expression::compile("y + 1", &[("x", VarKind::Scalar)]).is_err());
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn compile(source: &str, vars: &[(&str, VarKind)]) -> Result<Expression, JitError> {
        let tree = parse_expression(source)?;
        let vars: Vec<(String, VarKind)> = vars.iter().map(|(n, k)| (n.to_string(), *k)).collect();
        Self::from_tree(source.to_string(), tree, vars)
    }

    fn from_tree(source: String, tree: Expr, vars: Vec<(String, VarKind)>) -> Result<Expression, JitError> {
        let mut map = HashMap::new();
        let (mut ns, mut nv) = (0, 0);
        for (n, k) in &vars {
            let v = match k {
                VarKind::Scalar => {
                    ns += 1;
                    FormulaVar::Scalar(ns - 1)
                }
                VarKind::Vector => {
                    nv += 1;
                    FormulaVar::Vector(nv - 1)
                }
            };
            if map.insert(n.clone(), v).is_some() {
                return Err(JitError::plain(
                    ErrorKind::Argument,
                    format!("variable `{n}` is declared twice"),
                ));
            }
        }
        let func = lower_formula(&source, &tree, &map)?;
        let code = codegen::compile(&[func], &[], false)?;
        // SAFETY: the formula function has the signature (ctx, scalars, vectors) -> f64.
        let fptr: RawFn = unsafe { std::mem::transmute::<*const u8, RawFn>(code.funcs[0]) };
        let mut max_index = vec![None; nv];
        let vec_names: Vec<&str> =
            vars.iter().filter(|v| v.1 == VarKind::Vector).map(|v| v.0.as_str()).collect();
        for (i, name) in vec_names.iter().enumerate() {
            max_index[i] = max_index_of(&tree, name);
        }
        Ok(Expression {
            inner: Arc::new(Inner { _code: code, fptr, source, tree, vars, n_scalars: ns, max_index }),
        })
    }

    /// The formula's source text (for derivatives, the derivative written as Python).
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// The parsed tree.
    pub fn tree(&self) -> &Expr {
        &self.inner.tree
    }

    /// The declared variables, in order.
    pub fn vars(&self) -> impl Iterator<Item = (&str, VarKind)> {
        self.inner.vars.iter().map(|(n, k)| (n.as_str(), *k))
    }

    /// Evaluates the formula. `scalars` are the values of the `Scalar` variables in
    /// declaration order, `vectors` the `Vector` variables in order.
    ///
    /// Returns NaN (never reads out of bounds) when the counts do not match the declaration or
    /// a vector is too short for the indices the formula uses.
    pub fn eval(&self, scalars: &[f64], vectors: &[&[f64]]) -> f64 {
        let inner = &*self.inner;
        if scalars.len() != inner.n_scalars || vectors.len() != inner.max_index.len() {
            return f64::NAN;
        }
        for (v, m) in vectors.iter().zip(&inner.max_index) {
            if let Some(m) = m
                && v.len() <= *m
            {
                return f64::NAN;
            }
        }
        let ptrs: Vec<*const f64> = vectors.iter().map(|v| v.as_ptr()).collect();
        // SAFETY: counts and lengths are checked above; the code only reads those elements.
        unsafe { call(inner.fptr, scalars.as_ptr(), ptrs.as_ptr()) }
    }

    /// Highest constant index used on the `Vector` variable `name` (`x[0]`, `x[2]` give
    /// `Some(2)`); `None` when it is not indexed or not a vector.
    pub fn max_index(&self, name: &str) -> Option<usize> {
        let inner = &*self.inner;
        let pos = inner.vars.iter().filter(|v| v.1 == VarKind::Vector).position(|v| v.0 == name)?;
        inner.max_index[pos]
    }

    /// A closure for a formula with exactly one variable, a `Scalar`.
    ///
    /// # Panics
    ///
    /// When the formula was not declared with exactly one `Scalar` variable.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Expression, VarKind};
    /// let f = Expression::compile("exp(-x**2)", &[("x", VarKind::Scalar)])?.to_fn1();
    /// assert_eq!(f(0.0), 1.0);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn to_fn1(&self) -> impl Fn(f64) -> f64 + Send + Sync + Clone + 'static + use<> {
        let inner = self.inner.clone();
        assert!(
            inner.vars.len() == 1 && inner.vars[0].1 == VarKind::Scalar,
            "to_fn1 needs an expression with exactly one Scalar variable"
        );
        move |x: f64| {
            // SAFETY: one scalar variable, read from `&x`; no vectors.
            unsafe { call(inner.fptr, &x, std::ptr::null()) }
        }
    }

    /// A closure for a formula with exactly one variable, a `Vector`. Slices too short for
    /// the indices used give NaN.
    ///
    /// # Panics
    ///
    /// When the formula was not declared with exactly one `Vector` variable.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Expression, VarKind};
    /// let r = Expression::compile("100*(x[1]-x[0]**2)**2 + (1-x[0])**2", &[("x", VarKind::Vector)])?.to_fn_slice();
    /// assert_eq!(r(&[1.0, 1.0]), 0.0);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn to_fn_slice(&self) -> impl Fn(&[f64]) -> f64 + Send + Sync + Clone + 'static + use<> {
        let inner = self.inner.clone();
        assert!(
            inner.vars.len() == 1 && inner.vars[0].1 == VarKind::Vector,
            "to_fn_slice needs an expression with exactly one Vector variable"
        );
        move |x: &[f64]| {
            if let Some(m) = inner.max_index[0]
                && x.len() <= m
            {
                return f64::NAN;
            }
            let p = x.as_ptr();
            // SAFETY: the length is checked above.
            unsafe { call(inner.fptr, std::ptr::null(), &p) }
        }
    }

    /// The exact symbolic derivative with respect to the `Scalar` variable `var`
    /// (`index: None`) or the component `var[index]` of a `Vector` variable, compiled the
    /// same way, with the same variables.
    ///
    /// # Errors
    ///
    /// Unknown variable, a kind that does not match `index`, or a function whose derivative
    /// is not available (`digamma`).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Expression, VarKind};
    /// let r = Expression::compile("100*(x[1]-x[0]**2)**2 + (1-x[0])**2", &[("x", VarKind::Vector)])?;
    /// let d0 = r.derivative("x", Some(0))?.to_fn_slice();
    /// assert_eq!(d0(&[1.0, 1.0]), 0.0);
    /// assert_eq!(d0(&[0.0, 0.0]), -2.0);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn derivative(&self, var: &str, index: Option<usize>) -> Result<Expression, JitError> {
        let inner = &*self.inner;
        let kind = inner.vars.iter().find(|v| v.0 == var).map(|v| v.1).ok_or_else(|| {
            JitError::plain(ErrorKind::Argument, format!("`{var}` is not a variable of this expression"))
        })?;
        let target = match (kind, index) {
            (VarKind::Scalar, None) => Target::Scalar(var),
            (VarKind::Vector, Some(i)) => Target::Component(var, i),
            (VarKind::Scalar, Some(_)) => {
                return Err(JitError::plain(
                    ErrorKind::Argument,
                    format!("`{var}` is a scalar: differentiate without an index"),
                ));
            }
            (VarKind::Vector, None) => {
                return Err(JitError::plain(
                    ErrorKind::Argument,
                    format!("`{var}` is a vector: give the component index"),
                ));
            }
        };
        let d = derive::diff(&inner.tree, &target, &inner.source)?;
        let text = d.to_string();
        // Positions in the derivative tree refer to the original source.
        let mut e = Self::from_tree(inner.source.clone(), d, inner.vars.clone())?;
        if let Some(m) = Arc::get_mut(&mut e.inner) {
            m.source = text;
        }
        Ok(e)
    }
}

fn max_index_of(e: &Expr, name: &str) -> Option<usize> {
    let mut best: Option<usize> = None;
    e.walk(&mut |x| {
        if let ExprKind::Index { value, indices } = &x.kind
            && let (ExprKind::Name(n), [Expr { kind: ExprKind::Int(k), .. }]) =
                (&value.kind, indices.as_slice())
            && n == name
            && let Ok(k) = usize::try_from(*k)
        {
            best = Some(best.map_or(k, |b| b.max(k)));
        }
    });
    best
}
