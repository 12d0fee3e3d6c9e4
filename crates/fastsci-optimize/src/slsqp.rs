//! SLSQP: sequential least squares programming (Kraft 1988), as
//! `scipy.optimize.minimize(method='SLSQP')` runs it, for objectives with equality and
//! inequality constraints (`c(x) = 0`, `c(x) ≥ 0`) and bounds.
//!
//! Each iteration linearizes the constraints at `x` and solves the quadratic subproblem
//!
//! ```text
//! min ½ sᵀBs + ∇f·s   s.t.  ∇cⱼ·s + cⱼ = 0 (j < meq),  ∇cⱼ·s + cⱼ ≥ 0,  l − x ≤ s ≤ u − x
//! ```
//!
//! as a least-squares problem with constraints ([`qp`]: LSQ → LSEI → LSI → LDP → NNLS of
//! Lawson & Hanson). `B = L D Lᵀ` is a BFGS approximation of the Hessian of the Lagrangian
//! `f − λᵀc`, kept as factors and updated by two rank-one modifications (Fletcher & Powell's
//! composite-t method) with Powell's damping: when `sᵀy < 0.2 sᵀBs`, `y` is replaced by
//! `θy + (1 − θ)Bs`, `θ = 0.8 sᵀBs / (sᵀBs − sᵀy)`, which keeps `B` positive definite.
//!
//! When the linearized constraints are inconsistent, the subproblem is augmented by a variable
//! `ξ ∈ [0, 1]` relaxing the violated constraints (`∇cⱼ·s + (1 − ξ)cⱼ`), with `(ρξ)²` added to
//! the objective, `ρ = 100`, tenfold on each failure (at most five).
//!
//! The step is accepted by an Armijo backtracking line search on the L1 exact penalty
//! `φ(x) = f(x) + Σ μⱼ |cⱼ(x)|₋` (violations only), with `μⱼ = max(|λⱼ|, (μⱼ + |λⱼ|)/2)`:
//! `φ(x + αs) − φ(x) ≤ 0.1 α Dφ(s)`, the next `α` from the quadratic interpolant, kept in
//! `[0.1, 1]` of the previous one, at most ten reductions. It stops when
//! `|f − f₀| < acc` (or `‖s‖ < acc`) with constraint violation below `acc`, or when the
//! multiplier-weighted predicted change and the violation at the start of an iteration are both
//! below `acc`. A non-descent direction resets `B` to the identity (five times at most: then
//! status 8, or success if the violation is below `10 acc`).

mod nnls;
mod qp;

use crate::fd::{FiniteDiff, forward_step_of};
use crate::linalg::Matrix;
use crate::result::{MinimizeStatus, OptimizeResult};
use crate::scalar_fn::{ScalarFunction, dot, norm2};
use qp::{Subproblem, lsq};

/// SciPy's exit messages of SLSQP, by status.
pub(crate) fn exit_message(status: i32) -> &'static str {
    match status {
        0 => "Optimization terminated successfully",
        2 => "More equality constraints than independent variables",
        3 => "More than 3*n iterations in LSQ subproblem",
        4 => "Inequality constraints incompatible",
        5 => "Singular matrix E in LSQ subproblem",
        6 => "Singular matrix C in LSQ subproblem",
        7 => "Rank-deficient equality constraint subproblem HFTI",
        8 => "Positive directional derivative for linesearch",
        _ => "Iteration limit reached",
    }
}

/// Whether a constraint is an equality `c(x) = 0` or an inequality `c(x) ≥ 0`.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::{Constraint, ConstraintKind};
/// assert_eq!(Constraint::ineq(|x: &[f64]| 1.0 - x[0]).kind(), ConstraintKind::Ineq);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    /// `c(x) = 0` (SciPy's `'eq'`).
    Eq,
    /// `c(x) ≥ 0` (SciPy's `'ineq'`).
    Ineq,
}

type VecFunBox<'a> = Box<dyn FnMut(&[f64], &mut [f64]) + 'a>;

/// A general constraint of [`crate::Method::Slsqp`]: a scalar or vector function with an
/// optional Jacobian, attached with [`crate::Problem::with_constraint`]. As SciPy's
/// `{'type': 'eq' | 'ineq', 'fun': ..., 'jac': ...}`: inequalities mean `c(x) ≥ 0`. Without a
/// Jacobian, forward differences stand in, with the step of [`crate::MinimizeOptions::finite_diff`]:
/// SciPy's absolute `1.49e-8` by default, `sqrt(ε)·max(1, |xₖ|)` for the relative schemes.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
///
/// // min x² + y² subject to x + y = 1 and x ≥ 0.7 (given as a vector constraint with Jacobian).
/// let res = Problem::new(|x: &[f64]| x[0] * x[0] + x[1] * x[1])
///     .with_constraint(Constraint::eq(|x: &[f64]| x[0] + x[1] - 1.0))
///     .with_constraint(
///         Constraint::ineq_vec(1, |x: &[f64], c: &mut [f64]| c[0] = x[0] - 0.7)
///             .with_jacobian(|_x: &[f64], mut j: ndarray::ArrayViewMut2<f64>| j.assign(&ndarray::array![[1.0, 0.0]])),
///     )
///     .minimize(&[0.0, 0.0], Method::Slsqp, &MinimizeOptions::default())?;
/// assert!(res.success());
/// assert!((res.x[0] - 0.7).abs() < 1e-6 && (res.x[1] - 0.3).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Constraint<'a> {
    kind: ConstraintKind,
    len: usize,
    fun: VecFunBox<'a>,
    jac: Option<VecFunBox<'a>>,
}

impl<'a> Constraint<'a> {
    /// The scalar equality `fun(x) = 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// let res = Problem::new(|x: &[f64]| (x[0] - 2.0).powi(2) + x[1] * x[1])
    ///     .with_constraint(Constraint::eq(|x: &[f64]| x[0] - x[1]))
    ///     .minimize(&[0.0, 0.0], Method::Slsqp, &MinimizeOptions::default())?;
    /// assert!((res.x[0] - 1.0).abs() < 1e-6 && (res.x[1] - 1.0).abs() < 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn eq(mut fun: impl FnMut(&[f64]) -> f64 + 'a) -> Self {
        Self::eq_vec(1, move |x: &[f64], c: &mut [f64]| c[0] = fun(x))
    }

    /// The scalar inequality `fun(x) ≥ 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// // Stay inside the unit disc.
    /// let res = Problem::new(|x: &[f64]| -x[0] - x[1])
    ///     .with_constraint(Constraint::ineq(|x: &[f64]| 1.0 - x[0] * x[0] - x[1] * x[1]))
    ///     .minimize(&[0.0, 0.0], Method::Slsqp, &MinimizeOptions::default())?;
    /// let h = 0.5f64.sqrt();
    /// assert!((res.x[0] - h).abs() < 1e-5 && (res.x[1] - h).abs() < 1e-5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ineq(mut fun: impl FnMut(&[f64]) -> f64 + 'a) -> Self {
        Self::ineq_vec(1, move |x: &[f64], c: &mut [f64]| c[0] = fun(x))
    }

    /// `len` equalities at once: `fun(x, c)` writes `c(x)` (length `len`), all to be zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// let res = Problem::new(|x: &[f64]| x.iter().map(|v| v * v).sum())
    ///     .with_constraint(Constraint::eq_vec(2, |x: &[f64], c: &mut [f64]| {
    ///         c[0] = x[0] + x[1] - 2.0;
    ///         c[1] = x[1] + x[2] - 2.0;
    ///     }))
    ///     .minimize(&[0.0; 3], Method::Slsqp, &MinimizeOptions::default())?;
    /// // The nearest point to 0 on both planes: (2/3, 4/3, 2/3).
    /// assert!((res.x[1] - 4.0 / 3.0).abs() < 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn eq_vec(len: usize, fun: impl FnMut(&[f64], &mut [f64]) + 'a) -> Self {
        Constraint { kind: ConstraintKind::Eq, len, fun: Box::new(fun), jac: None }
    }

    /// `len` inequalities at once: `fun(x, c)` writes `c(x)` (length `len`), all to be `≥ 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// // x ≥ 1 and y ≥ 2 as one constraint.
    /// let res = Problem::new(|x: &[f64]| x[0] * x[0] + x[1] * x[1])
    ///     .with_constraint(Constraint::ineq_vec(2, |x: &[f64], c: &mut [f64]| {
    ///         c[0] = x[0] - 1.0;
    ///         c[1] = x[1] - 2.0;
    ///     }))
    ///     .minimize(&[5.0, 5.0], Method::Slsqp, &MinimizeOptions::default())?;
    /// assert!((res.x[0] - 1.0).abs() < 1e-6 && (res.x[1] - 2.0).abs() < 1e-6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ineq_vec(len: usize, fun: impl FnMut(&[f64], &mut [f64]) + 'a) -> Self {
        Constraint { kind: ConstraintKind::Ineq, len, fun: Box::new(fun), jac: None }
    }

    /// Supplies the Jacobian: `jac(x, j)` writes the `len × n` matrix `∂cᵢ/∂xₖ` into the view
    /// `j` (for a scalar constraint, its gradient as the one row).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, Method, MinimizeOptions, Problem};
    /// let res = Problem::new(|x: &[f64]| x[0] + x[1])
    ///     .with_gradient(|_x: &[f64], g: &mut [f64]| g.fill(1.0))
    ///     .with_constraint(
    ///         Constraint::ineq(|x: &[f64]| 2.0 - x[0] * x[0] - x[1] * x[1])
    ///             .with_jacobian(|x: &[f64], mut j: ndarray::ArrayViewMut2<f64>| {
    ///                 j[[0, 0]] = -2.0 * x[0];
    ///                 j[[0, 1]] = -2.0 * x[1];
    ///             }),
    ///     )
    ///     .minimize(&[0.5, 0.0], Method::Slsqp, &MinimizeOptions::default())?;
    /// assert!((res.x[0] + 1.0).abs() < 1e-5 && (res.x[1] + 1.0).abs() < 1e-5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_jacobian(
        mut self,
        mut jac: impl FnMut(&[f64], ndarray::ArrayViewMut2<'_, f64>) + 'a,
    ) -> Self {
        let len = self.len;
        self.jac = Some(Box::new(move |x: &[f64], rows: &mut [f64]| {
            let view = ndarray::ArrayViewMut2::from_shape((len, x.len()), rows);
            jac(x, view.expect("the Jacobian rows hold len x n entries"));
        }));
        self
    }

    /// Equality or inequality.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Constraint, ConstraintKind};
    /// assert_eq!(Constraint::eq(|x: &[f64]| x[0]).kind(), ConstraintKind::Eq);
    /// ```
    pub fn kind(&self) -> ConstraintKind {
        self.kind
    }

    /// The number of components.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::Constraint;
    /// assert_eq!(Constraint::ineq_vec(3, |x: &[f64], c: &mut [f64]| c.copy_from_slice(&x[..3])).len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the constraint has no components (an error for [`crate::Problem::minimize`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::Constraint;
    /// assert!(Constraint::eq_vec(0, |_x: &[f64], _c: &mut [f64]| {}).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// All constraints of a problem in SciPy's order (equalities, then inequalities), with finite
/// differences for those without a Jacobian.
pub(crate) struct ConstraintSet<'p, 'a> {
    /// Equalities first, then inequalities, each with the row where its components start.
    order: Vec<(&'p mut Constraint<'a>, usize)>,
    pub m: usize,
    pub meq: usize,
    fd: FiniteDiff,
}

impl<'p, 'a> ConstraintSet<'p, 'a> {
    pub fn new(constraints: &'p mut [Constraint<'a>], fd: FiniteDiff) -> Self {
        let (mut eqs, mut ineqs): (Vec<_>, Vec<_>) =
            constraints.iter_mut().partition(|c| c.kind == ConstraintKind::Eq);
        let meq = eqs.iter().map(|c| c.len).sum();
        let mut order = Vec::with_capacity(eqs.len() + ineqs.len());
        let mut row = 0;
        for c in eqs.drain(..).chain(ineqs.drain(..)) {
            let len = c.len;
            order.push((c, row));
            row += len;
        }
        ConstraintSet { order, m: row, meq, fd }
    }

    /// `c(x)` into `out` (length m).
    pub fn values(&mut self, x: &[f64], out: &mut [f64]) {
        for (c, row) in &mut self.order {
            (c.fun)(x, &mut out[*row..*row + c.len]);
        }
    }

    /// The Jacobian at `x` into `a` (m × n), where `c` holds `c(x)`.
    pub fn jacobian(&mut self, x: &[f64], c: &[f64], bounds: &[(f64, f64)], a: &mut Matrix) {
        let n = x.len();
        for (con, row) in &mut self.order {
            let rows = &mut a.data[*row * n..(*row + con.len) * n];
            if let Some(jac) = con.jac.as_mut() {
                jac(x, rows);
                continue;
            }
            let c0 = &c[*row..*row + con.len];
            let mut xh = x.to_vec();
            let mut c1 = vec![0.0; con.len];
            for k in 0..n {
                let h = forward_step_of(self.fd, x[k], bounds[k].0, bounds[k].1);
                xh[k] = x[k] + h;
                let dx = xh[k] - x[k];
                if dx == 0.0 {
                    (0..con.len).for_each(|i| rows[i * n + k] = 0.0);
                } else {
                    (con.fun)(&xh, &mut c1);
                    for i in 0..con.len {
                        rows[i * n + k] = (c1[i] - c0[i]) / dx;
                    }
                }
                xh[k] = x[k];
            }
        }
    }
}

/// Options of SLSQP (SciPy's defaults in [`crate::MinimizeOptions`]).
pub(crate) struct SlsqpOptions {
    pub maxiter: usize,
    /// SciPy's `ftol` (Kraft's `acc`).
    pub acc: f64,
}

/// The violation `Σ_eq |cⱼ| + Σ_ineq max(−cⱼ, 0)`, weighted by `w` when given.
fn violation(c: &[f64], meq: usize, w: Option<&[f64]>) -> f64 {
    c.iter()
        .enumerate()
        .map(|(j, &cj)| {
            let v = if j < meq { cj.abs() } else { (-cj).max(0.0) };
            w.map_or(v, |w| w[j] * v)
        })
        .sum()
}

/// `L D Lᵀ ← L D Lᵀ + σ z zᵀ` by Fletcher & Powell's composite-t method (Kraft's `LDL`);
/// `z` is overwritten, `w` is workspace. A downdate that would lose positive definiteness is
/// kept positive by replacing the final `t` with `ε/σ`.
fn ldl_update(l: &mut Matrix, d: &mut [f64], z: &mut [f64], sigma: f64, w: &mut [f64]) {
    let n = d.len();
    if sigma == 0.0 {
        return;
    }
    let mut t = 1.0 / sigma;
    if sigma < 0.0 {
        // The t values of the downdate, from the solution of L w = z.
        w.copy_from_slice(z);
        for i in 0..n {
            let v = w[i];
            t += v * v / d[i];
            for j in i + 1..n {
                w[j] -= v * l.get(j, i);
            }
        }
        if t >= 0.0 {
            t = f64::EPSILON / sigma;
        }
        for i in (0..n).rev() {
            let u = w[i];
            w[i] = t;
            t -= u * u / d[i];
        }
    }
    for i in 0..n {
        let v = z[i];
        let delta = v / d[i];
        let tp = if sigma < 0.0 { w[i] } else { t + delta * v };
        let alpha = tp / t;
        d[i] *= alpha;
        if i + 1 == n {
            break;
        }
        let beta = delta / tp;
        if alpha > 4.0 {
            let gamma = t / tp;
            for j in i + 1..n {
                let u = l.get(j, i);
                l.set(j, i, gamma * u + beta * z[j]);
                z[j] -= v * u;
            }
        } else {
            for j in i + 1..n {
                z[j] -= v * l.get(j, i);
                l.set(j, i, l.get(j, i) + beta * z[j]);
            }
        }
        t = tp;
    }
}

/// `B s = L D Lᵀ s`.
fn ldl_times(l: &Matrix, d: &[f64], s: &[f64]) -> Vec<f64> {
    let n = d.len();
    let v: Vec<f64> =
        (0..n).map(|i| d[i] * (s[i] + (i + 1..n).map(|j| l.get(j, i) * s[j]).sum::<f64>())).collect();
    (0..n).map(|i| v[i] + (0..i).map(|j| l.get(i, j) * v[j]).sum::<f64>()).collect()
}

/// `∇f − Aᵀλ`.
fn lagrangian_gradient(g: &[f64], a: &Matrix, r: &[f64]) -> Vec<f64> {
    (0..g.len()).map(|i| g[i] - (0..r.len()).map(|j| a.get(j, i) * r[j]).sum::<f64>()).collect()
}

/// The quasi-Newton factors of SLSQP: unit lower-triangular `L` and diagonal `D`.
struct Factors {
    l: Matrix,
    d: Vec<f64>,
}

impl Factors {
    fn identity(n: usize) -> Self {
        let mut l = Matrix::zeros(n, n);
        for i in 0..n {
            l.set(i, i, 1.0);
        }
        Factors { l, d: vec![1.0; n] }
    }

    /// The damped BFGS update with step `s` and change of the Lagrangian gradient `u`; false
    /// when `sᵀu` or `sᵀBs` is zero (the factors are then left alone).
    fn update(&mut self, s: &[f64], mut u: Vec<f64>) -> bool {
        let mut v = ldl_times(&self.l, &self.d, s);
        let mut h1 = dot(s, &u);
        let h2 = dot(s, &v);
        let h3 = 0.2 * h2;
        if h1 < h3 {
            let theta = (h2 - h3) / (h2 - h1);
            h1 = h3;
            for (ui, vi) in u.iter_mut().zip(&v) {
                *ui = theta * *ui + (1.0 - theta) * vi;
            }
        }
        if h1 == 0.0 || h2 == 0.0 {
            return false;
        }
        let mut w = vec![0.0; s.len()];
        ldl_update(&mut self.l, &mut self.d, &mut u, 1.0 / h1, &mut w);
        ldl_update(&mut self.l, &mut self.d, &mut v, -1.0 / h2, &mut w);
        true
    }
}

/// The outcome of one QP subproblem: the step, the multipliers, and `1 − ξ` (1 unless the
/// problem had to be augmented).
type QpStep = (Vec<f64>, Vec<f64>, f64);

/// Solves the subproblem at `x`; on an inconsistent linearization retries with the augmented
/// problem. `Err` carries SLSQP's exit mode.
fn search_direction(
    fac: &Factors,
    g: &[f64],
    a: &Matrix,
    c: &[f64],
    meq: usize,
    x: &[f64],
    bounds: &[(f64, f64)],
) -> Result<QpStep, i32> {
    let n = x.len();
    let lower: Vec<f64> = (0..n).map(|i| bounds[i].0 - x[i]).collect();
    let upper: Vec<f64> = (0..n).map(|i| bounds[i].1 - x[i]).collect();
    let plain =
        Subproblem { l: &fac.l, d: &fac.d, g, a, c, meq, lower: &lower, upper: &upper, augment: None };
    let fail = match lsq(&plain) {
        Ok((s, r)) => return Ok((s, r, 1.0)),
        Err(e) => e,
    };
    let mode = fail as i32;
    if mode != 4 && !(mode == 6 && n == meq) {
        return Err(mode);
    }
    let col: Vec<f64> = (0..c.len()).map(|j| if j < meq { -c[j] } else { (-c[j]).max(0.0) }).collect();
    let (lower1, upper1) = ([lower.as_slice(), &[0.0]].concat(), [upper.as_slice(), &[1.0]].concat());
    let mut rho = 100.0;
    for _ in 0..6 {
        let p = Subproblem { lower: &lower1, upper: &upper1, augment: Some((&col, rho)), ..plain };
        match lsq(&p) {
            Ok((mut s, r)) => {
                let xi = s.pop().unwrap_or(0.0);
                return Ok((s, r, 1.0 - xi));
            }
            Err(nnls::QpFail::Incompatible) => rho *= 10.0,
            Err(e) => return Err(e as i32),
        }
    }
    Err(4)
}

/// Runs SLSQP from `x0` (clipped into the bounds). `bounds` has one pair per variable,
/// infinite where there is none.
pub(crate) fn minimize_slsqp(
    sf: &mut ScalarFunction<'_, '_>,
    cons: &mut ConstraintSet<'_, '_>,
    x0: &[f64],
    bounds: &[(f64, f64)],
    o: &SlsqpOptions,
) -> OptimizeResult {
    let n = x0.len();
    let (m, meq) = (cons.m, cons.meq);
    let acc = o.acc;
    let mut x: Vec<f64> = x0.iter().zip(bounds).map(|(&v, &(lo, hi))| clip(v, lo, hi)).collect();
    let mut f = sf.fun(&x);
    let mut g = vec![0.0; n];
    sf.grad(&x, &mut g);
    let mut c = vec![0.0; m];
    cons.values(&x, &mut c);
    let mut a = Matrix::zeros(m, n);
    cons.jacobian(&x, &c, bounds, &mut a);

    let mut fac = Factors::identity(n);
    let mut s = vec![0.0; n];
    let mut mu = vec![0.0; m];
    let mut r = vec![0.0; m];
    let mut f0 = 0.0;
    let (mut iter, mut resets) = (0, 0);
    let mut reset = true;
    let status = loop {
        if reset {
            resets += 1;
            if resets > 5 {
                // Relaxed test after repeated non-descent directions.
                let tol = 10.0 * acc;
                let small = (f - f0).abs() < tol || norm2(&s) < tol;
                break if small && violation(&c, meq, None) < tol { 0 } else { 8 };
            }
            fac = Factors::identity(n);
            reset = false;
        }
        if iter >= o.maxiter {
            break 9;
        }
        iter += 1;
        let h4;
        (s, r, h4) = match search_direction(&fac, &g, &a, &c, meq, &x, bounds) {
            Ok(step) => step,
            Err(mode) => break mode,
        };
        let lag0 = lagrangian_gradient(&g, &a, &r);
        f0 = f;
        let x_start = x.clone();
        let gs = dot(&g, &s);
        let mut h1 = gs.abs();
        for j in 0..m {
            let rj = r[j].abs();
            mu[j] = rj.max((mu[j] + rj) / 2.0);
            h1 += rj * c[j].abs();
        }
        if h1 < acc && violation(&c, meq, None) < acc {
            break 0;
        }
        let penalty = violation(&c, meq, Some(&mu));
        let t0 = f + penalty;
        let mut h3 = gs - penalty * h4;
        if h3 >= 0.0 {
            reset = true;
            continue;
        }
        // Backtracking on the L1 merit function.
        let mut alpha = 1.0;
        let mut line = 0;
        loop {
            line += 1;
            h3 *= alpha;
            for i in 0..n {
                s[i] *= alpha;
                x[i] = clip(x_start[i] + s[i], bounds[i].0, bounds[i].1);
            }
            f = sf.fun(&x);
            cons.values(&x, &mut c);
            let h1 = f + violation(&c, meq, Some(&mu)) - t0;
            if h1 <= h3 / 10.0 || line > 10 {
                break;
            }
            alpha = (h3 / (2.0 * (h3 - h1))).max(0.1);
        }
        if ((f - f0).abs() < acc || norm2(&s) < acc) && violation(&c, meq, None) < acc {
            break 0;
        }
        sf.grad(&x, &mut g);
        cons.jacobian(&x, &c, bounds, &mut a);
        let lag1 = lagrangian_gradient(&g, &a, &r);
        let y: Vec<f64> = lag1.iter().zip(&lag0).map(|(p, q)| p - q).collect();
        if !fac.update(&s, y) {
            reset = true;
        }
    };
    let mut res = OptimizeResult::new(x, f);
    res.jac = Some(g);
    res.nit = iter;
    res.nfev = sf.nfev;
    res.njev = sf.ngev;
    let meaning = match status {
        0 => MinimizeStatus::Converged,
        4 => MinimizeStatus::IncompatibleConstraints,
        8 => MinimizeStatus::PrecisionLoss,
        9 => MinimizeStatus::MaxIterations,
        _ => MinimizeStatus::SubproblemFailed,
    };
    res.stop(meaning, status);
    res.message = exit_message(status).to_string();
    res.multipliers = Some(r);
    res
}

/// `v` clipped into `[lo, hi]`; NaN stays NaN.
fn clip(v: f64, lo: f64, hi: f64) -> f64 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldl_update_matches_the_dense_rank_one_change() {
        // B = I, then B + z zᵀ / 2, then minus v vᵀ / 4, checked against the dense product.
        let n = 3;
        let mut fac = Factors::identity(n);
        let mut dense = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let changes = [([1.0, 2.0, -1.0], 0.5), ([0.3, -0.2, 0.5], -0.25)];
        for (z, sigma) in changes {
            for i in 0..n {
                for j in 0..n {
                    dense[i][j] += sigma * z[i] * z[j];
                }
            }
            let mut zz = z.to_vec();
            let mut w = vec![0.0; n];
            ldl_update(&mut fac.l, &mut fac.d, &mut zz, sigma, &mut w);
            for k in 0..n {
                let mut e = vec![0.0; n];
                e[k] = 1.0;
                let col = ldl_times(&fac.l, &fac.d, &e);
                for i in 0..n {
                    assert!((col[i] - dense[i][k]).abs() < 1e-13, "{col:?} vs column {k} of {dense:?}");
                }
            }
        }
    }
}
