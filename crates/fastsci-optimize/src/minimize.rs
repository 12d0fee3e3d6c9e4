//! `minimize`: one entry point for every method, with SciPy's names and defaults.

use std::rc::Rc;
use std::str::FromStr;

use ndarray::{Array2, ArrayViewMut2};

use crate::bfgs::{BfgsOptions, minimize_bfgs};
use crate::error::{OptimizeError, Result};
use crate::fd::FiniteDiff;
use crate::float::{Objective, dual_gradient, dual_hessian_vector_product};
use crate::lbfgsb::{LbfgsbOptions, minimize_lbfgsb};
use crate::neldermead::{NmOptions, minimize_neldermead};
use crate::result::{MinimizeStatus, OptimizeResult};
use crate::scalar_fn::{FunBox, GradBox, HessBox, HesspBox, ScalarFunction};
use crate::slsqp::{Constraint, ConstraintSet, SlsqpOptions, minimize_slsqp};

/// The minimization methods, named as in `scipy.optimize.minimize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// `Nelder-Mead`: derivative-free simplex search.
    NelderMead,
    /// `Powell`: derivative-free conjugate-direction search with Brent line minimizations.
    Powell,
    /// `CG`: nonlinear conjugate gradients (Polak–Ribière+).
    Cg,
    /// `BFGS`: quasi-Newton with a dense inverse-Hessian approximation.
    Bfgs,
    /// `L-BFGS-B`: limited-memory BFGS with bounds.
    LBfgsB,
    /// `Newton-CG`: truncated Newton with Hessian-vector products.
    NewtonCg,
    /// `trust-ncg`: Newton conjugate-gradient trust region (Steihaug).
    TrustNcg,
    /// `trust-exact`: trust region with the subproblem solved nearly exactly on the dense
    /// Hessian (Moré & Sorensen).
    TrustExact,
    /// `SLSQP`: sequential least squares programming with equality and inequality constraints
    /// ([`Problem::with_constraint`]) and bounds.
    Slsqp,
}

impl Method {
    /// SciPy's name of the method.
    pub fn name(self) -> &'static str {
        match self {
            Method::NelderMead => "Nelder-Mead",
            Method::Powell => "Powell",
            Method::Cg => "CG",
            Method::Bfgs => "BFGS",
            Method::LBfgsB => "L-BFGS-B",
            Method::NewtonCg => "Newton-CG",
            Method::TrustNcg => "trust-ncg",
            Method::TrustExact => "trust-exact",
            Method::Slsqp => "SLSQP",
        }
    }

    /// All methods.
    pub const ALL: [Method; 9] = [
        Method::NelderMead,
        Method::Powell,
        Method::Cg,
        Method::Bfgs,
        Method::LBfgsB,
        Method::NewtonCg,
        Method::TrustNcg,
        Method::TrustExact,
        Method::Slsqp,
    ];
}

impl FromStr for Method {
    type Err = OptimizeError;
    /// Parses SciPy's method names, case-insensitively (`nelder-mead`, `bfgs`, `l-bfgs-b`, ...).
    fn from_str(s: &str) -> Result<Method> {
        let key = s.trim().to_ascii_lowercase().replace('_', "-");
        Method::ALL.into_iter().find(|m| m.name().to_ascii_lowercase() == key).ok_or_else(|| {
            let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
            OptimizeError::InvalidArgument(format!(
                "unknown method '{s}'; expected one of {}",
                names.join(", ")
            ))
        })
    }
}

/// MinimizeOptions of [`Problem::minimize`]. `Default` gives SciPy's defaults for every method.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimizeOptions {
    /// SciPy's `tol`: sets the method's main tolerance (xatol/fatol, gtol, ftol, xtol).
    pub tol: Option<f64>,
    /// Maximum iterations (default per method as SciPy's; 100 for SLSQP).
    pub maxiter: Option<usize>,
    /// Maximum function evaluations (Nelder–Mead, Powell, L-BFGS-B).
    pub maxfev: Option<usize>,
    /// Gradient tolerance (BFGS, CG: inf-norm; L-BFGS-B: projected gradient; trust-ncg,
    /// trust-exact: 2-norm). Default 1e-5 (1e-4 for trust-ncg and trust-exact), as SciPy's.
    pub gtol: Option<f64>,
    /// Nelder–Mead `xatol` (1e-4) and Powell/Newton-CG `xtol`.
    pub xatol: Option<f64>,
    /// Nelder–Mead `fatol` (1e-4), L-BFGS-B `ftol` (2.22e-9), Powell `ftol`, SLSQP `ftol`
    /// (1e-6, the accuracy wanted on the objective).
    pub fatol: Option<f64>,
    /// Nelder–Mead: adapt the parameters to the dimension (Gao & Han).
    pub adaptive: bool,
    /// Nelder–Mead: the initial simplex, one point per row ((n + 1) × n).
    pub initial_simplex: Option<Array2<f64>>,
    /// L-BFGS-B: number of stored correction pairs (10).
    pub m: usize,
    /// L-BFGS-B: maximum line-search steps per iteration (20).
    pub maxls: usize,
    /// Finite-difference scheme when no gradient is given (default: SciPy's absolute step of
    /// `jac=None`: sqrt(eps) for BFGS/CG, 1e-8 for L-BFGS-B, 1.49e-8 for SLSQP, which uses it for
    /// the constraint Jacobians too, as forward differences).
    pub finite_diff: Option<FiniteDiff>,
}

impl Default for MinimizeOptions {
    fn default() -> Self {
        MinimizeOptions {
            tol: None,
            maxiter: None,
            maxfev: None,
            gtol: None,
            xatol: None,
            fatol: None,
            adaptive: false,
            initial_simplex: None,
            m: 10,
            maxls: 20,
            finite_diff: None,
        }
    }
}

/// An objective with its optional derivatives and bounds: what [`Problem::minimize`] solves.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::{Method, MinimizeOptions, Problem};
///
/// let rosen = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
/// let grad = |x: &[f64], g: &mut [f64]| {
///     g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
///     g[1] = 200.0 * (x[1] - x[0] * x[0]);
/// };
/// let res = Problem::new(rosen).with_gradient(grad).minimize(&[-1.2, 1.0], Method::Bfgs, &MinimizeOptions::default())?;
/// assert!(res.success());
/// assert!((res.x[0] - 1.0).abs() < 1e-5 && (res.x[1] - 1.0).abs() < 1e-5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Problem<'a> {
    fun: FunBox<'a>,
    grad: Option<GradBox<'a>>,
    hessp: Option<HesspBox<'a>>,
    hess: Option<HessBox<'a>>,
    bounds: Option<Vec<(f64, f64)>>,
    constraints: Vec<Constraint<'a>>,
}

impl<'a> Problem<'a> {
    /// A problem with objective `fun` and no derivatives (finite differences where needed).
    pub fn new(fun: impl FnMut(&[f64]) -> f64 + 'a) -> Self {
        Problem { fun: Box::new(fun), grad: None, hessp: None, hess: None, bounds: None, constraints: vec![] }
    }

    /// A problem whose gradient and Hessian-vector products come from forward-mode automatic
    /// differentiation of a generic objective.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::float::{Float, Objective};
    /// use fastsci_optimize::{Method, MinimizeOptions, Problem};
    ///
    /// struct Quad;
    /// impl Objective for Quad {
    ///     fn eval<T: Float>(&self, x: &[T]) -> T {
    ///         (x[0] - 3.0) * (x[0] - 3.0) + (x[1] + 1.0).powi(4)
    ///     }
    /// }
    /// let res = Problem::from_objective(Quad).minimize(&[0.0, 0.0], Method::NewtonCg, &MinimizeOptions::default())?;
    /// assert!((res.x[0] - 3.0).abs() < 1e-4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_objective<O: Objective + 'a>(objective: O) -> Self {
        let o = Rc::new(objective);
        let (o1, o2, o3) = (Rc::clone(&o), Rc::clone(&o), o);
        Problem {
            fun: Box::new(move |x: &[f64]| o1.eval(x)),
            grad: Some(Box::new(move |x: &[f64], g: &mut [f64]| {
                dual_gradient(&*o2, x, g);
            })),
            hessp: Some(Box::new(move |x: &[f64], v: &[f64], out: &mut [f64]| {
                dual_hessian_vector_product(&*o3, x, v, out)
            })),
            hess: None,
            bounds: None,
            constraints: vec![],
        }
    }

    /// Supplies the gradient: `grad(x, g)` writes ∇f(x) into `g`.
    pub fn with_gradient(mut self, grad: impl FnMut(&[f64], &mut [f64]) + 'a) -> Self {
        self.grad = Some(Box::new(grad));
        self
    }

    /// Supplies Hessian-vector products: `hessp(x, v, out)` writes ∇²f(x)·v into `out`.
    pub fn with_hessp(mut self, hessp: impl FnMut(&[f64], &[f64], &mut [f64]) + 'a) -> Self {
        self.hessp = Some(Box::new(hessp));
        self
    }

    /// Supplies the dense Hessian (SciPy's `hess=`), for trust-exact: `hess(x, h)` writes
    /// ∇²f(x) into the n × n view `h`. Without it trust-exact builds the Hessian from `n`
    /// Hessian-vector products, or from differences of the gradient.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Method, MinimizeOptions, Problem};
    /// use ndarray::{ArrayViewMut2, array};
    /// let res = Problem::new(|x: &[f64]| (x[0] - 1.0).powi(4) + x[1] * x[1])
    ///     .with_gradient(|x: &[f64], g: &mut [f64]| {
    ///         g[0] = 4.0 * (x[0] - 1.0).powi(3);
    ///         g[1] = 2.0 * x[1];
    ///     })
    ///     .with_hessian(|x: &[f64], mut h: ArrayViewMut2<f64>| {
    ///         h.assign(&array![[12.0 * (x[0] - 1.0).powi(2), 0.0], [0.0, 2.0]]);
    ///     })
    ///     .minimize(&[3.0, 1.0], Method::TrustExact, &MinimizeOptions::default())?;
    /// assert!(res.success() && (res.x[0] - 1.0).abs() < 0.05 && res.x[1].abs() < 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_hessian(mut self, mut hess: impl FnMut(&[f64], ArrayViewMut2<'_, f64>) + 'a) -> Self {
        self.hess = Some(Box::new(move |x: &[f64], h: &mut [f64]| {
            let n = x.len();
            hess(x, ArrayViewMut2::from_shape((n, n), h).expect("the Hessian buffer holds n x n entries"));
        }));
        self
    }

    /// Box bounds `(lower, upper)` per variable; infinite values mean unbounded. Used by
    /// L-BFGS-B, SLSQP, Nelder–Mead (by clipping), Powell (line searches kept inside the box;
    /// a start outside is not clipped, as SciPy's is not), and by finite differences.
    pub fn with_bounds(mut self, bounds: &[(f64, f64)]) -> Self {
        self.bounds = Some(bounds.to_vec());
        self
    }

    /// Adds a general constraint (`c(x) = 0` or `c(x) ≥ 0`), for [`Method::Slsqp`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// // HS 71 is harder; a small one: min (x - 1)² + (y - 2)² on the line x + y = 1.
    /// let res = Problem::new(|x: &[f64]| (x[0] - 1.0).powi(2) + (x[1] - 2.0).powi(2))
    ///     .with_constraint(Constraint::eq(|x: &[f64]| x[0] + x[1] - 1.0))
    ///     .minimize(&[0.0, 0.0], Method::Slsqp, &MinimizeOptions::default())?;
    /// assert!((res.x[0]).abs() < 1e-6 && (res.x[1] - 1.0).abs() < 1e-6);
    /// assert_eq!(res.message, "Optimization terminated successfully");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_constraint(mut self, constraint: Constraint<'a>) -> Self {
        self.constraints.push(constraint);
        self
    }

    /// Adds several general constraints at once (see [`Problem::with_constraint`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// // The corner of x ≥ 1, y ≥ 1 nearest the origin, with bounds y ≤ 5.
    /// let res = Problem::new(|x: &[f64]| x[0] * x[0] + x[1] * x[1])
    ///     .with_constraints([Constraint::ineq(|x: &[f64]| x[0] - 1.0), Constraint::ineq(|x: &[f64]| x[1] - 1.0)])
    ///     .with_bounds(&[(f64::NEG_INFINITY, f64::INFINITY), (f64::NEG_INFINITY, 5.0)])
    ///     .minimize(&[3.0, 3.0], Method::Slsqp, &MinimizeOptions::default())?;
    /// assert!((res.x[0] - 1.0).abs() < 1e-6 && (res.x[1] - 1.0).abs() < 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_constraints(mut self, constraints: impl IntoIterator<Item = Constraint<'a>>) -> Self {
        self.constraints.extend(constraints);
        self
    }

    /// Minimizes from `x0` with `method`.
    ///
    /// # Errors
    /// [`OptimizeError::EmptyStart`], [`OptimizeError::LengthMismatch`] when the bounds do not
    /// fit `x0`, [`OptimizeError::InvalidBounds`], and [`OptimizeError::Missing`] for methods
    /// that need derivatives not supplied (Newton-CG, trust-ncg and trust-exact need a gradient),
    /// [`OptimizeError::InvalidArgument`] for constraints given to a method other than SLSQP or
    /// a constraint with no components.
    pub fn minimize(&mut self, x0: &[f64], method: Method, opts: &MinimizeOptions) -> Result<OptimizeResult> {
        let n = x0.len();
        if n == 0 {
            return Err(OptimizeError::EmptyStart);
        }
        if let Some(b) = &self.bounds {
            if b.len() != n {
                return Err(OptimizeError::LengthMismatch { what: "bounds", expected: n, got: b.len() });
            }
            for (i, &(lo, hi)) in b.iter().enumerate() {
                if lo.is_nan() || hi.is_nan() || lo > hi {
                    return Err(OptimizeError::InvalidBounds { index: i, lower: lo, upper: hi });
                }
            }
        }
        if !self.constraints.is_empty() && method != Method::Slsqp {
            return Err(OptimizeError::InvalidArgument(format!(
                "method {} does not take constraints; use SLSQP",
                method.name()
            )));
        }
        if let Some(k) = self.constraints.iter().position(|c| c.is_empty()) {
            return Err(OptimizeError::InvalidArgument(format!("constraint {k} has no components")));
        }
        if matches!(method, Method::LBfgsB | Method::Powell)
            && let Some(b) = &self.bounds
            && b.iter().any(|(lo, hi)| lo == hi)
        {
            return self.minimize_without_fixed(x0, method, opts);
        }
        let bounds = self.bounds.as_deref();
        let default_gtol = if matches!(method, Method::TrustNcg | Method::TrustExact) { 1e-4 } else { 1e-5 };
        let gtol = opts.gtol.or(opts.tol).unwrap_or(default_gtol);
        let res = match method {
            Method::NelderMead => {
                if let Some(s) = &opts.initial_simplex
                    && s.dim() != (n + 1, n)
                {
                    return Err(OptimizeError::InvalidArgument(format!(
                        "initial_simplex must have {} points of length {n}",
                        n + 1
                    )));
                }
                let o = NmOptions {
                    xatol: opts.xatol.or(opts.tol).unwrap_or(1e-4),
                    fatol: opts.fatol.or(opts.tol).unwrap_or(1e-4),
                    maxiter: opts.maxiter,
                    maxfev: opts.maxfev,
                    adaptive: opts.adaptive,
                    initial_simplex: opts
                        .initial_simplex
                        .as_ref()
                        .map(|s| s.rows().into_iter().map(|point| point.to_vec()).collect()),
                };
                Ok(minimize_neldermead(&mut *self.fun, x0, bounds, &o))
            }
            Method::Powell => Ok(crate::powell::minimize_powell(
                &mut *self.fun,
                x0,
                bounds,
                opts.xatol.or(opts.tol).unwrap_or(1e-4),
                opts.fatol.or(opts.tol).unwrap_or(1e-4),
                opts.maxiter,
                opts.maxfev,
            )),
            Method::Bfgs | Method::Cg => {
                let fd = opts.finite_diff.unwrap_or(FiniteDiff::Absolute(f64::EPSILON.sqrt()));
                let mut sf = ScalarFunction::new(&mut self.fun, self.grad.as_mut(), fd, bounds);
                let maxiter = opts.maxiter.unwrap_or(200 * n);
                if method == Method::Bfgs {
                    let o = BfgsOptions { gtol, maxiter, c1: 1e-4, c2: 0.9, xrtol: 0.0 };
                    Ok(minimize_bfgs(&mut sf, x0, &o))
                } else {
                    Ok(crate::cg::minimize_cg(&mut sf, x0, gtol, maxiter))
                }
            }
            Method::Slsqp => {
                let fd = opts.finite_diff.unwrap_or(FiniteDiff::Absolute(1.4901161193847656e-08));
                let all: Vec<(f64, f64)> =
                    bounds.map_or_else(|| vec![(f64::NEG_INFINITY, f64::INFINITY); n], <[_]>::to_vec);
                let mut sf = ScalarFunction::new(&mut self.fun, self.grad.as_mut(), fd, bounds);
                let mut cons = ConstraintSet::new(&mut self.constraints, fd);
                let o = SlsqpOptions {
                    maxiter: opts.maxiter.unwrap_or(100),
                    acc: opts.fatol.or(opts.tol).unwrap_or(1e-6),
                };
                Ok(minimize_slsqp(&mut sf, &mut cons, x0, &all, &o))
            }
            Method::LBfgsB => {
                let fd = opts.finite_diff.unwrap_or(FiniteDiff::Absolute(1e-8));
                let mut sf = ScalarFunction::new(&mut self.fun, self.grad.as_mut(), fd, bounds);
                let o = LbfgsbOptions {
                    m: opts.m.max(1),
                    ftol: opts.fatol.or(opts.tol).unwrap_or(2.220446049250313e-09),
                    pgtol: gtol,
                    maxfun: opts.maxfev.unwrap_or(15000),
                    maxiter: opts.maxiter.unwrap_or(15000),
                    maxls: opts.maxls,
                };
                Ok(minimize_lbfgsb(&mut sf, x0, bounds, &o))
            }
            Method::NewtonCg | Method::TrustNcg | Method::TrustExact => {
                if self.grad.is_none() {
                    return Err(OptimizeError::Missing { method: method.name(), what: "a gradient (jac)" });
                }
                let fd = FiniteDiff::TwoPoint;
                let mut sf = ScalarFunction::new(&mut self.fun, self.grad.as_mut(), fd, bounds);
                let maxiter = opts.maxiter.unwrap_or(200 * n);
                let hessp = self.hessp.as_mut();
                Ok(match method {
                    Method::NewtonCg => {
                        let xtol = opts.xatol.or(opts.tol).unwrap_or(1e-5);
                        crate::newton::minimize_newton_cg(&mut sf, hessp, x0, xtol, maxiter)
                    }
                    Method::TrustNcg => crate::newton::minimize_trust_ncg(&mut sf, hessp, x0, gtol, maxiter),
                    _ => {
                        let hess = self.hess.as_mut();
                        crate::trust_exact::minimize_trust_exact(&mut sf, hess, hessp, x0, gtol, maxiter)
                    }
                })
            }
        }?;
        Ok(nan_is_never_success(res))
    }
}

/// A method that ends "successfully" on a NaN objective or gradient has compared NaN and
/// found nothing to do (a gradient norm that is not ≥ gtol, a simplex spread that is not
/// > fatol): that is a failure, whatever the method's own test said.
fn nan_is_never_success(mut r: OptimizeResult) -> OptimizeResult {
    let nan_jac = r.jac.as_ref().is_some_and(|j| j.iter().any(|v| v.is_nan()));
    if r.success() && (r.fun.is_nan() || nan_jac) {
        r.stop(MinimizeStatus::NotFinite, 3);
        r.message = crate::result::messages::NAN.into();
    }
    r
}

impl Problem<'_> {
    /// As SciPy's `minimize` does for L-BFGS-B and Powell: variables fixed by equal bounds are
    /// removed, the rest minimized, and the fixed values put back (their `jac` entries NaN).
    fn minimize_without_fixed(
        &mut self,
        x0: &[f64],
        method: Method,
        opts: &MinimizeOptions,
    ) -> Result<OptimizeResult> {
        let bounds = self.bounds.clone().unwrap_or_default();
        let n = x0.len();
        let fixed: Vec<Option<f64>> = bounds.iter().map(|&(lo, hi)| (lo == hi).then_some(lo)).collect();
        let expand = move |xr: &[f64], full: &mut Vec<f64>| {
            let mut k = 0;
            for i in 0..n {
                full[i] = match fixed[i] {
                    Some(v) => v,
                    None => {
                        k += 1;
                        xr[k - 1]
                    }
                };
            }
        };
        let free: Vec<usize> = (0..n).filter(|&i| bounds[i].0 != bounds[i].1).collect();
        let mut full = vec![0.0; n];
        if free.is_empty() {
            expand(&[], &mut full);
            let fun = (self.fun)(&full);
            let mut r = OptimizeResult::new(full, fun);
            r.nfev = 1;
            r.message = "All independent variables were fixed by bounds.".into();
            return Ok(r);
        }
        let fun = &mut self.fun;
        let grad = self.grad.as_mut();
        let full_f = std::cell::RefCell::new(vec![0.0; n]);
        let mut reduced = Problem::new(|xr: &[f64]| {
            let mut xf = full_f.borrow_mut();
            expand(xr, &mut xf);
            fun(&xf)
        });
        if let Some(g) = grad {
            let expand = &expand;
            let free_g = free.clone();
            let mut xf = vec![0.0; n];
            let mut gf = vec![0.0; n];
            reduced = reduced.with_gradient(move |xr: &[f64], gr: &mut [f64]| {
                expand(xr, &mut xf);
                g(&xf, &mut gf);
                for (o, &i) in gr.iter_mut().zip(&free_g) {
                    *o = gf[i];
                }
            });
        }
        let rb: Vec<(f64, f64)> = free.iter().map(|&i| bounds[i]).collect();
        let xr0: Vec<f64> = free.iter().map(|&i| x0[i]).collect();
        let mut r = reduced.with_bounds(&rb).minimize(&xr0, method, opts)?;
        expand(&r.x, &mut full);
        r.x = full;
        if let Some(j) = r.jac.take() {
            let mut jf = vec![f64::NAN; n];
            for (v, &i) in j.iter().zip(&free) {
                jf[i] = *v;
            }
            r.jac = Some(jf);
        }
        r.hess_inv = None;
        Ok(r)
    }
}

/// Minimizes `fun` from `x0` with `method` and default options, finite-difference gradients
/// where the method needs them. A shortcut for [`Problem::new`]`(fun).minimize(...)`.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::{minimize, Method};
/// let res = minimize(|x: &[f64]| (x[0] - 2.0).powi(2) + (x[1] + 1.0).powi(2), &[0.0, 0.0], Method::NelderMead)?;
/// assert!((res.x[0] - 2.0).abs() < 1e-3 && (res.x[1] + 1.0).abs() < 1e-3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`Problem::minimize`].
pub fn minimize(fun: impl FnMut(&[f64]) -> f64, x0: &[f64], method: Method) -> Result<OptimizeResult> {
    Problem::new(fun).minimize(x0, method, &MinimizeOptions::default())
}
