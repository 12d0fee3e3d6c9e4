//! Scalar problems: `minimize_scalar` (Brent, bounded) and `root_scalar` (brentq, ridder,
//! bisect, newton, secant, halley), with SciPy's algorithms and defaults.

use crate::error::{OptimizeError, Result};

/// The result of a one-dimensional minimization.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimizeScalarResult {
    /// The minimizer.
    pub x: f64,
    /// f at `x`.
    pub fun: f64,
    /// Iterations.
    pub nit: usize,
    /// Function evaluations.
    pub nfev: usize,
    /// Why it stopped.
    pub status: MinimizeScalarStatus,
    /// Why it stopped, in SciPy's words.
    pub message: String,
}

impl MinimizeScalarResult {
    /// True when the tolerance was met.
    pub fn success(&self) -> bool {
        self.status == MinimizeScalarStatus::Converged
    }
}

/// Why [`minimize_scalar`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MinimizeScalarStatus {
    /// The tolerance was met.
    Converged,
    /// The iteration limit (Brent, golden) was reached.
    MaxIterations,
    /// The evaluation limit (bounded) was reached.
    MaxFunctionEvaluations,
    /// The downhill search found no bracket around a minimum.
    NoBracket,
    /// f or the point became NaN.
    NotFinite,
}

/// How [`minimize_scalar`] searches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarMethod {
    /// Brent's method from a bracket found by downhill search from `(a, b)` (SciPy's
    /// default bracket `(0, 1)`).
    Brent {
        /// Two starting points of the bracket search.
        bracket: (f64, f64),
    },
    /// Golden-section search from a bracket found as for `Brent` (`method='golden'`,
    /// `tol = sqrt(eps)`).
    Golden {
        /// Two starting points of the bracket search.
        bracket: (f64, f64),
    },
    /// Brent's method on the interval `[lo, hi]` (`method='bounded'`, `xatol = 1e-5`).
    Bounded {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
}

/// A bracket `(xa, xb, xc)` with f(xb) below f(xa), f(xc), from SciPy's `bracket`.
pub(crate) struct Bracket {
    pub xa: f64,
    pub xb: f64,
    pub xc: f64,
    pub fa: f64,
    pub fb: f64,
    pub fc: f64,
    pub nfev: usize,
    pub valid: bool,
}

/// SciPy's `bracket`: golden-ratio growth with parabolic extrapolation.
pub(crate) fn bracket(f: &mut dyn FnMut(f64) -> f64, xa: f64, xb: f64) -> Bracket {
    const GOLD: f64 = 1.618034;
    const SMALL: f64 = 1e-21;
    const GROW: f64 = 110.0;
    let (mut xa, mut xb) = (xa, xb);
    let mut fa = f(xa);
    let mut fb = f(xb);
    if fa < fb {
        std::mem::swap(&mut xa, &mut xb);
        std::mem::swap(&mut fa, &mut fb);
    }
    let mut xc = xb + GOLD * (xb - xa);
    let mut fc = f(xc);
    let mut nfev = 3;
    let mut iter = 0;
    while fc < fb {
        let tmp1 = (xb - xa) * (fb - fc);
        let tmp2 = (xb - xc) * (fb - fa);
        let val = tmp2 - tmp1;
        let denom = if val.abs() < SMALL { 2.0 * SMALL } else { 2.0 * val };
        let mut w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom;
        let wlim = xb + GROW * (xc - xb);
        if iter > 1000 {
            break;
        }
        iter += 1;
        let mut fw;
        if (w - xc) * (xb - w) > 0.0 {
            fw = f(w);
            nfev += 1;
            if fw < fc {
                xa = xb;
                xb = w;
                fa = fb;
                fb = fw;
                break;
            } else if fw > fb {
                xc = w;
                fc = fw;
                break;
            }
            w = xc + GOLD * (xc - xb);
            fw = f(w);
            nfev += 1;
        } else if (w - wlim) * (wlim - xc) >= 0.0 {
            w = wlim;
            fw = f(w);
            nfev += 1;
        } else if (w - wlim) * (xc - w) > 0.0 {
            fw = f(w);
            nfev += 1;
            if fw < fc {
                xb = xc;
                xc = w;
                w = xc + GOLD * (xc - xb);
                fb = fc;
                fc = fw;
                fw = f(w);
                nfev += 1;
            }
        } else {
            w = xc + GOLD * (xc - xb);
            fw = f(w);
            nfev += 1;
        }
        xa = xb;
        xb = xc;
        xc = w;
        fa = fb;
        fb = fc;
        fc = fw;
    }
    let cond1 = (fb < fc && fb <= fa) || (fb < fa && fb <= fc);
    let cond2 = (xa < xb && xb < xc) || (xc < xb && xb < xa);
    let cond3 = xa.is_finite() && xb.is_finite() && xc.is_finite();
    Bracket { xa, xb, xc, fa, fb, fc, nfev, valid: cond1 && cond2 && cond3 }
}

/// The points Brent's minimizer keeps: the best point `x`, the two before it (`w` second best,
/// `v` third) and the interval `[a, b]` known to hold the minimum. SciPy writes this algorithm
/// twice (`Brent.optimize` for a bracket, `_minimize_scalar_bounded` for an interval), with
/// different tolerances and stopping rules but the same steps, which live here.
struct BrentPoints {
    a: f64,
    b: f64,
    x: f64,
    fx: f64,
    w: f64,
    fw: f64,
    v: f64,
    fv: f64,
}

impl BrentPoints {
    /// Sets `rat`, the step from `x`, and `e`, the step before it. The parabola through x, w and v
    /// is tried when the step before last was longer than `tol1`; its vertex is taken when it lies
    /// inside (a, b) and less than half that step away, else a golden-section step (fraction
    /// `golden` of the larger part of the interval) is taken.
    fn choose_step(&self, e: &mut f64, rat: &mut f64, xm: f64, tol1: f64, tol2: f64, golden: f64) {
        let (x, a, b) = (self.x, self.a, self.b);
        if e.abs() > tol1 {
            let r = (x - self.w) * (self.fx - self.fv);
            let mut q = (x - self.v) * (self.fx - self.fw);
            let mut p = (x - self.v) * q - (x - self.w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            let before_last = *e;
            *e = *rat;
            if p.abs() < (0.5 * q * before_last).abs() && p > q * (a - x) && p < q * (b - x) {
                *rat = p / q;
                let u = x + *rat;
                // Never evaluate within tol2 of an end: step tol1 towards the middle instead.
                // (SciPy's bounded loop writes the sign as sign(d) + (d == 0); the same here,
                // where d = xm - x cannot be NaN since a, b and x passed the tests above.)
                if (u - a) < tol2 || (b - u) < tol2 {
                    *rat = if xm - x >= 0.0 { tol1 } else { -tol1 };
                }
                return;
            }
        }
        *e = if x >= xm { a - x } else { b - x };
        *rat = golden * *e;
    }

    /// Where f is evaluated next: `rat` from x, but never closer than `tol1` (as SciPy's
    /// bounded loop's sign(rat) * max(|rat|, tol1); `rat` is never NaN).
    fn next_point(&self, rat: f64, tol1: f64) -> f64 {
        if rat.abs() < tol1 { if rat >= 0.0 { self.x + tol1 } else { self.x - tol1 } } else { self.x + rat }
    }

    /// Takes f(u) in: when `better`, u becomes the best point and the interval closes on the
    /// side of the old x; otherwise u closes the interval on its side and may replace w or v.
    fn take(&mut self, u: f64, fu: f64, better: bool) {
        if better {
            if u >= self.x {
                self.a = self.x;
            } else {
                self.b = self.x;
            }
            (self.v, self.fv) = (self.w, self.fw);
            (self.w, self.fw) = (self.x, self.fx);
            (self.x, self.fx) = (u, fu);
        } else {
            if u < self.x {
                self.a = u;
            } else {
                self.b = u;
            }
            if fu <= self.fw || self.w == self.x {
                (self.v, self.fv) = (self.w, self.fw);
                (self.w, self.fw) = (u, fu);
            } else if fu <= self.fv || self.v == self.x || self.v == self.w {
                (self.v, self.fv) = (u, fu);
            }
        }
    }
}

/// The result of a minimizer that searches a bracket (Brent, golden): a success when it stopped
/// before `maxiter` iterations on a number. `xtol` is the tolerance as SciPy's message prints it.
fn bracket_search_result(
    x: f64,
    fun: f64,
    nit: usize,
    nfev: usize,
    maxiter: usize,
    xtol: &str,
) -> MinimizeScalarResult {
    let status = if x.is_nan() || fun.is_nan() {
        MinimizeScalarStatus::NotFinite
    } else if nit < maxiter {
        MinimizeScalarStatus::Converged
    } else {
        MinimizeScalarStatus::MaxIterations
    };
    let message = if status == MinimizeScalarStatus::Converged {
        format!(
            "Optimization terminated successfully;\nThe returned value satisfies the termination criteria\n(using xtol = {xtol} )"
        )
    } else {
        "Maximum number of iterations exceeded".into()
    };
    MinimizeScalarResult { x, fun, nit, nfev, status, message }
}

/// Brent's minimization in a bracket (SciPy's `Brent.optimize`), `tol` relative.
pub(crate) fn brent_core(
    f: &mut dyn FnMut(f64) -> f64,
    br: &Bracket,
    tol: f64,
    maxiter: usize,
) -> MinimizeScalarResult {
    const MINTOL: f64 = 1.0e-11;
    const CG: f64 = 0.381_966_0;
    let (a, b) = if br.xa < br.xc { (br.xa, br.xc) } else { (br.xc, br.xa) };
    let mut pts = BrentPoints { a, b, x: br.xb, fx: br.fb, w: br.xb, fw: br.fb, v: br.xb, fv: br.fb };
    let mut deltax: f64 = 0.0;
    let mut rat: f64 = 0.0;
    let mut nfev = br.nfev;
    let mut iter = 0;
    while iter < maxiter {
        let tol1 = tol * pts.x.abs() + MINTOL;
        let tol2 = 2.0 * tol1;
        let xmid = 0.5 * (pts.a + pts.b);
        if (pts.x - xmid).abs() < tol2 - 0.5 * (pts.b - pts.a) {
            break;
        }
        pts.choose_step(&mut deltax, &mut rat, xmid, tol1, tol2, CG);
        let u = pts.next_point(rat, tol1);
        let fu = f(u);
        nfev += 1;
        // SciPy tests `fu > fx`, so a NaN on either side counts as better here.
        let better = fu <= pts.fx || fu.is_nan() || pts.fx.is_nan();
        pts.take(u, fu, better);
        iter += 1;
    }
    bracket_search_result(pts.x, pts.fx, iter, nfev, maxiter, "1.48e-08")
}

/// SciPy's `_minimize_scalar_golden`: golden-section search in a bracket.
fn golden_core(
    f: &mut dyn FnMut(f64) -> f64,
    br: &Bracket,
    tol: f64,
    maxiter: usize,
) -> MinimizeScalarResult {
    const GR: f64 = 0.61803399;
    const GC: f64 = 1.0 - GR;
    let (mut x0, xb, mut x3) = (br.xa, br.xb, br.xc);
    let (mut x1, mut x2) = if (br.xc - xb).abs() > (xb - br.xa).abs() {
        (xb, xb + GC * (br.xc - xb))
    } else {
        (xb - GC * (xb - br.xa), xb)
    };
    let mut f1 = f(x1);
    let mut f2 = f(x2);
    let mut nfev = br.nfev + 2;
    let mut nit = 0;
    for _ in 0..maxiter {
        if (x3 - x0).abs() <= tol * (x1.abs() + x2.abs()) {
            break;
        }
        if f2 < f1 {
            x0 = x1;
            x1 = x2;
            x2 = GR * x1 + GC * x3;
            f1 = f2;
            f2 = f(x2);
        } else {
            x3 = x2;
            x2 = x1;
            x1 = GR * x2 + GC * x0;
            f2 = f1;
            f1 = f(x1);
        }
        nfev += 1;
        nit += 1;
    }
    let (x, fun) = if f1 < f2 { (x1, f1) } else { (x2, f2) };
    bracket_search_result(x, fun, nit, nfev, maxiter, "1.4901161193847656e-08")
}

/// SciPy's `_minimize_scalar_bounded` (Brent's fmin on an interval).
pub(crate) fn bounded_core(
    f: &mut dyn FnMut(f64) -> f64,
    lo: f64,
    hi: f64,
    xatol: f64,
    maxfun: usize,
) -> MinimizeScalarResult {
    let sqrt_eps = 2.2e-16f64.sqrt();
    let golden_mean = 0.5 * (3.0 - 5f64.sqrt());
    let x = lo + golden_mean * (hi - lo);
    let fx = f(x);
    let mut pts = BrentPoints { a: lo, b: hi, x, fx, w: x, fw: fx, v: x, fv: fx };
    let mut rat: f64 = 0.0;
    let mut e: f64 = 0.0;
    let mut num = 1;
    let mut fu = f64::INFINITY;
    let mut xm = 0.5 * (lo + hi);
    let mut tol1 = sqrt_eps * x.abs() + xatol / 3.0;
    let mut tol2 = 2.0 * tol1;
    let mut flag = 0;
    while (pts.x - xm).abs() > tol2 - 0.5 * (pts.b - pts.a) {
        pts.choose_step(&mut e, &mut rat, xm, tol1, tol2, golden_mean);
        let u = pts.next_point(rat, tol1);
        fu = f(u);
        num += 1;
        pts.take(u, fu, fu <= pts.fx);
        xm = 0.5 * (pts.a + pts.b);
        tol1 = sqrt_eps * pts.x.abs() + xatol / 3.0;
        tol2 = 2.0 * tol1;
        if num >= maxfun {
            flag = 1;
            break;
        }
    }
    if pts.x.is_nan() || pts.fx.is_nan() || fu.is_nan() {
        flag = 2;
    }
    MinimizeScalarResult {
        x: pts.x,
        fun: pts.fx,
        nit: num,
        nfev: num,
        status: match flag {
            0 => MinimizeScalarStatus::Converged,
            1 => MinimizeScalarStatus::MaxFunctionEvaluations,
            _ => MinimizeScalarStatus::NotFinite,
        },
        message: match flag {
            0 => "Solution found.",
            1 => "Maximum number of function calls reached.",
            _ => "NaN result encountered.",
        }
        .into(),
    }
}

/// Minimizes a function of one variable, as `scipy.optimize.minimize_scalar`.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::scalar::{minimize_scalar, ScalarMethod};
/// let r = minimize_scalar(|x| (x - 2.0).powi(2) + 1.0, ScalarMethod::Brent { bracket: (0.0, 1.0) })?;
/// assert!((r.x - 2.0).abs() < 1e-7 && (r.fun - 1.0).abs() < 1e-12);
/// let r = minimize_scalar(|x: f64| x.sin(), ScalarMethod::Bounded { lo: 0.0, hi: 6.0 })?;
/// assert!((r.x - 3.0 * std::f64::consts::FRAC_PI_2).abs() < 1e-4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`OptimizeError::InvalidBounds`] when `lo > hi` or not finite for `Bounded`.
pub fn minimize_scalar(mut f: impl FnMut(f64) -> f64, method: ScalarMethod) -> Result<MinimizeScalarResult> {
    match method {
        ScalarMethod::Brent { bracket: (a, b) } | ScalarMethod::Golden { bracket: (a, b) } => {
            let br = bracket(&mut f, a, b);
            if !br.valid {
                let (x, fun) = best_of(&br);
                return Ok(MinimizeScalarResult {
                    x,
                    fun,
                    nit: 0,
                    nfev: br.nfev,
                    status: MinimizeScalarStatus::NoBracket,
                    message: "The algorithm terminated without finding a valid bracket. Consider trying different initial points.".into(),
                });
            }
            if matches!(method, ScalarMethod::Golden { .. }) {
                return Ok(golden_core(&mut f, &br, f64::EPSILON.sqrt(), 5000));
            }
            Ok(brent_core(&mut f, &br, 1.48e-8, 500))
        }
        ScalarMethod::Bounded { lo, hi } => {
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(OptimizeError::InvalidBounds { index: 0, lower: lo, upper: hi });
            }
            Ok(bounded_core(&mut f, lo, hi, 1e-5, 500))
        }
    }
}

pub(crate) fn best_of(br: &Bracket) -> (f64, f64) {
    let mut best = (br.xa, br.fa);
    for (x, fx) in [(br.xb, br.fb), (br.xc, br.fc)] {
        if fx < best.1 {
            best = (x, fx);
        }
    }
    best
}

/// The result of a scalar root search (`RootResults`).
#[derive(Debug, Clone, PartialEq)]
pub struct RootResult {
    /// The root.
    pub root: f64,
    /// Iterations.
    pub iterations: usize,
    /// Function (and derivative) evaluations.
    pub function_calls: usize,
    /// Why it stopped.
    pub status: RootStatus,
}

impl RootResult {
    /// True when the tolerance was met.
    pub fn success(&self) -> bool {
        self.status == RootStatus::Converged
    }
}

/// Why [`root_scalar`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RootStatus {
    /// The tolerance was met.
    Converged,
    /// `maxiter` iterations without meeting the tolerance.
    MaxIterations,
    /// Newton's method met a zero derivative.
    ZeroDerivative,
    /// The secant method met two equal function values at different points.
    EqualValues,
}

impl RootStatus {
    /// SciPy's `flag` of `RootResults`, word for word.
    pub fn flag(self) -> &'static str {
        match self {
            RootStatus::Converged => "converged",
            RootStatus::MaxIterations => "convergence error",
            RootStatus::ZeroDerivative => "Derivative was zero.",
            RootStatus::EqualValues => "Tolerance reached; f(x0) == f(x1).",
        }
    }
}

/// The scalar root finders of `scipy.optimize.root_scalar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootMethod {
    /// Brent's method with inverse quadratic interpolation (bracket).
    Brentq,
    /// Ridders' method (bracket).
    Ridder,
    /// Bisection (bracket).
    Bisect,
    /// Newton–Raphson (needs f').
    Newton,
    /// Secant method from x0 (and x1).
    Secant,
    /// Halley's method (needs f' and f'').
    Halley,
}

/// Tolerances of [`root_scalar`] (SciPy's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RootOptions {
    /// Absolute tolerance (2e-12 for bracketing methods, 1.48e-8 for Newton-type).
    pub xtol: Option<f64>,
    /// Relative tolerance (4 eps for bracketing methods, 0 for Newton-type).
    pub rtol: Option<f64>,
    /// Maximum iterations (100 bracketing, 50 Newton-type).
    pub maxiter: Option<usize>,
}

/// Where a scalar root search starts and the derivatives it may use.
pub struct RootProblem<'a> {
    /// The function.
    pub f: Box<dyn FnMut(f64) -> f64 + 'a>,
    /// Its first derivative (Newton, Halley).
    pub fprime: Option<Box<dyn FnMut(f64) -> f64 + 'a>>,
    /// Its second derivative (Halley).
    pub fprime2: Option<Box<dyn FnMut(f64) -> f64 + 'a>>,
    /// A bracket `[a, b]` with a sign change (brentq, ridder, bisect).
    pub bracket: Option<(f64, f64)>,
    /// A starting point (newton, secant, halley).
    pub x0: Option<f64>,
    /// A second starting point (secant).
    pub x1: Option<f64>,
}

impl<'a> RootProblem<'a> {
    /// A problem for `f` and nothing else set.
    pub fn new(f: impl FnMut(f64) -> f64 + 'a) -> Self {
        RootProblem { f: Box::new(f), fprime: None, fprime2: None, bracket: None, x0: None, x1: None }
    }
    /// Sets the bracket.
    pub fn with_bracket(mut self, a: f64, b: f64) -> Self {
        self.bracket = Some((a, b));
        self
    }
    /// Sets the starting point.
    pub fn with_x0(mut self, x0: f64) -> Self {
        self.x0 = Some(x0);
        self
    }
    /// Sets the second starting point (secant).
    pub fn with_x1(mut self, x1: f64) -> Self {
        self.x1 = Some(x1);
        self
    }
    /// Sets f'.
    pub fn with_fprime(mut self, d: impl FnMut(f64) -> f64 + 'a) -> Self {
        self.fprime = Some(Box::new(d));
        self
    }
    /// Sets f''.
    pub fn with_fprime2(mut self, d: impl FnMut(f64) -> f64 + 'a) -> Self {
        self.fprime2 = Some(Box::new(d));
        self
    }
}

fn root_result(root: f64, iterations: usize, calls: usize, status: RootStatus) -> RootResult {
    RootResult { root, iterations, function_calls: calls, status }
}

/// A root finder that met its tolerance.
fn converged(root: f64, iterations: usize, calls: usize) -> RootResult {
    root_result(root, iterations, calls, RootStatus::Converged)
}

/// A root finder that used up `maxiter` iterations without meeting its tolerance.
fn not_converged(root: f64, maxiter: usize, calls: usize) -> RootResult {
    root_result(root, maxiter, calls, RootStatus::MaxIterations)
}

/// An end of a bracket and f there.
#[derive(Clone, Copy)]
struct End {
    x: f64,
    f: f64,
}

/// Finds a root of a scalar function, as `scipy.optimize.root_scalar`.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::scalar::{root_scalar, RootMethod, RootOptions, RootProblem};
/// let p = RootProblem::new(|x: f64| x * x - 2.0).with_bracket(0.0, 2.0);
/// let r = root_scalar(p, RootMethod::Brentq, &RootOptions::default())?;
/// assert!(r.success() && (r.root - 2f64.sqrt()).abs() < 1e-12);
/// let p = RootProblem::new(|x: f64| x * x - 2.0).with_fprime(|x| 2.0 * x).with_x0(1.0);
/// let r = root_scalar(p, RootMethod::Newton, &RootOptions::default())?;
/// assert!((r.root - 2f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`OptimizeError::Missing`] when the method needs a bracket, start or derivative that was not
/// given; [`OptimizeError::NoSignChange`] when the bracket has no sign change.
pub fn root_scalar(mut p: RootProblem<'_>, method: RootMethod, o: &RootOptions) -> Result<RootResult> {
    match method {
        RootMethod::Brentq | RootMethod::Ridder | RootMethod::Bisect => {
            let (a, b) = p
                .bracket
                .ok_or(OptimizeError::Missing { method: "bracketing root finders", what: "a bracket" })?;
            let xtol = o.xtol.unwrap_or(2e-12);
            let rtol = o.rtol.unwrap_or(4.0 * f64::EPSILON);
            let maxiter = o.maxiter.unwrap_or(100);
            if xtol.is_nan() || xtol <= 0.0 || rtol < 4.0 * f64::EPSILON {
                return Err(OptimizeError::InvalidArgument("xtol must be > 0 and rtol >= 4 eps".into()));
            }
            let f = &mut *p.f;
            // The three C solvers SciPy wraps all open the same way: f at both ends (2 calls),
            // a sign change required, and an end where f is exactly zero is the root.
            let (fa, fb) = (f(a), f(b));
            check_bracket(fa, fb)?;
            if fa == 0.0 {
                return Ok(converged(a, 0, 2));
            }
            if fb == 0.0 {
                return Ok(converged(b, 0, 2));
            }
            let (a, b) = (End { x: a, f: fa }, End { x: b, f: fb });
            Ok(match method {
                RootMethod::Brentq => brentq(f, a, b, xtol, rtol, maxiter),
                RootMethod::Ridder => ridder(f, a, b, xtol, rtol, maxiter),
                _ => bisect(f, a, b, xtol, rtol, maxiter),
            })
        }
        RootMethod::Newton | RootMethod::Halley | RootMethod::Secant => {
            let x0 = p.x0.ok_or(OptimizeError::Missing { method: "Newton-type root finders", what: "x0" })?;
            let tol = o.xtol.unwrap_or(1.48e-8);
            let rtol = o.rtol.unwrap_or(0.0);
            let maxiter = o.maxiter.unwrap_or(50);
            if method == RootMethod::Secant {
                return Ok(secant(&mut *p.f, x0, p.x1, tol, rtol, maxiter));
            }
            let fp = p
                .fprime
                .as_deref_mut()
                .ok_or(OptimizeError::Missing { method: "newton/halley", what: "fprime" })?;
            let fp2 = if method == RootMethod::Halley {
                Some(
                    p.fprime2
                        .as_deref_mut()
                        .ok_or(OptimizeError::Missing { method: "halley", what: "fprime2" })?,
                )
            } else {
                None
            };
            Ok(newton(&mut *p.f, fp, fp2, x0, tol, rtol, maxiter))
        }
    }
}

fn check_bracket(fa: f64, fb: f64) -> Result<()> {
    if fa.is_nan() || fb.is_nan() || fa.signum() == fb.signum() && fa != 0.0 && fb != 0.0 {
        return Err(OptimizeError::NoSignChange { fa, fb });
    }
    Ok(())
}

/// SciPy's `brentq` from a checked bracket (f already evaluated at both ends, neither zero).
fn brentq(f: &mut dyn FnMut(f64) -> f64, a: End, b: End, xtol: f64, rtol: f64, iter: usize) -> RootResult {
    let (mut xpre, mut xcur) = (a.x, b.x);
    let (mut fpre, mut fcur) = (a.f, b.f);
    let (mut xblk, mut fblk, mut spre, mut scur) = (0.0, 0.0, 0.0, 0.0);
    let mut calls = 2;
    for i in 0..iter {
        if fpre != 0.0 && fcur != 0.0 && (fpre.is_sign_negative() != fcur.is_sign_negative()) {
            xblk = xpre;
            fblk = fpre;
            spre = xcur - xpre;
            scur = spre;
        }
        if fblk.abs() < fcur.abs() {
            xpre = xcur;
            xcur = xblk;
            xblk = xpre;
            fpre = fcur;
            fcur = fblk;
            fblk = fpre;
        }
        let delta = (xtol + rtol * xcur.abs()) / 2.0;
        let sbis = (xblk - xcur) / 2.0;
        if fcur == 0.0 || sbis.abs() < delta {
            return converged(xcur, i + 1, calls);
        }
        if spre.abs() > delta && fcur.abs() < fpre.abs() {
            let stry = if xpre == xblk {
                -fcur * (xcur - xpre) / (fcur - fpre)
            } else {
                let dpre = (fpre - fcur) / (xpre - xcur);
                let dblk = (fblk - fcur) / (xblk - xcur);
                -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            };
            if 2.0 * stry.abs() < spre.abs().min(3.0 * sbis.abs() - delta) {
                spre = scur;
                scur = stry;
            } else {
                spre = sbis;
                scur = sbis;
            }
        } else {
            spre = sbis;
            scur = sbis;
        }
        xpre = xcur;
        fpre = fcur;
        if scur.abs() > delta {
            xcur += scur;
        } else {
            xcur += if sbis > 0.0 { delta } else { -delta };
        }
        fcur = f(xcur);
        calls += 1;
    }
    not_converged(xcur, iter, calls)
}

/// SciPy's `bisect` from a checked bracket (f already evaluated at both ends, neither zero).
fn bisect(f: &mut dyn FnMut(f64) -> f64, a: End, b: End, xtol: f64, rtol: f64, iter: usize) -> RootResult {
    let fa = a.f;
    let mut calls = 2;
    let mut xa = a.x;
    let mut dm = b.x - xa;
    let mut xm = xa;
    for i in 0..iter {
        dm *= 0.5;
        xm = xa + dm;
        let fm = f(xm);
        calls += 1;
        // Signs compared, not multiplied: the product of two small values underflows to 0 and
        // would read as "same sign", walking the bracket to one end (1e-200·x on [-0.5, 0.4]).
        if same_sign(fm, fa) {
            xa = xm;
        }
        if fm == 0.0 || dm.abs() < xtol + rtol * xm.abs() {
            return converged(xm, i + 1, calls);
        }
    }
    not_converged(xm, iter, calls)
}

/// Whether two function values have the same sign bit (a product would underflow).
fn same_sign(a: f64, b: f64) -> bool {
    a.is_sign_negative() == b.is_sign_negative()
}

/// SciPy's `ridder` from a checked bracket (f already evaluated at both ends, neither zero).
fn ridder(f: &mut dyn FnMut(f64) -> f64, a: End, b: End, xtol: f64, rtol: f64, iter: usize) -> RootResult {
    let (mut xa, mut xb) = (a.x, b.x);
    let (mut fa, mut fb) = (a.f, b.f);
    let mut calls = 2;
    let mut tol = xtol;
    let mut xn = xa;
    for i in 0..iter {
        let dm = 0.5 * (xb - xa);
        let xm = xa + dm;
        let fm = f(xm);
        // Ridder's step dm·fm/sqrt(fm² − fa·fb), with the three values scaled by the largest
        // so that neither the squares nor the product underflow (x¹⁹ near its root) or
        // overflow; the step is unchanged by the scale.
        let scale = fa.abs().max(fb.abs()).max(fm.abs());
        let (sa, sb, sm) = (fa / scale, fb / scale, fm / scale);
        let dn = (fb - fa).signum() * dm * sm / (sm * sm - sa * sb).sqrt();
        // A NaN step (0/0) falls back to bisection, as the C code's MIN does.
        let dn = if dn.is_nan() { dm } else { dn };
        xn = xm - dn.signum() * dn.abs().min(dm.abs() - 0.5 * tol);
        let fnv = f(xn);
        calls += 2;
        if !same_sign(fnv, fm) {
            xa = xn;
            fa = fnv;
            xb = xm;
            fb = fm;
        } else if !same_sign(fnv, fa) {
            xb = xn;
            fb = fnv;
        } else {
            xa = xn;
            fa = fnv;
        }
        tol = xtol + rtol * xn.abs();
        if fnv == 0.0 || (xb - xa).abs() < tol {
            return converged(xn, i + 1, calls);
        }
    }
    not_converged(xn, iter, calls)
}

/// SciPy's `newton` with f' (and with f'' Halley's correction to each step).
fn newton(
    f: &mut dyn FnMut(f64) -> f64,
    fp: &mut dyn FnMut(f64) -> f64,
    mut fp2: Option<&mut (dyn FnMut(f64) -> f64 + '_)>,
    x0: f64,
    tol: f64,
    rtol: f64,
    maxiter: usize,
) -> RootResult {
    let mut p0 = x0;
    let mut calls = 0;
    for itr in 0..maxiter {
        let fval = f(p0);
        calls += 1;
        if fval == 0.0 {
            return converged(p0, itr + 1, calls);
        }
        let fder = fp(p0);
        calls += 1;
        if fder == 0.0 {
            return root_result(p0, itr + 1, calls, RootStatus::ZeroDerivative);
        }
        let mut step = fval / fder;
        if let Some(d2) = fp2.as_mut() {
            let fder2 = d2(p0);
            calls += 1;
            let adj = step * fder2 / fder / 2.0;
            if adj.abs() < 1.0 {
                step /= 1.0 - adj;
            }
        }
        let pn = p0 - step;
        if (pn - p0).abs() <= tol + rtol * p0.abs() {
            return converged(pn, itr + 1, calls);
        }
        p0 = pn;
    }
    not_converged(p0, maxiter, calls)
}

fn secant(
    f: &mut dyn FnMut(f64) -> f64,
    x0: f64,
    x1: Option<f64>,
    tol: f64,
    rtol: f64,
    maxiter: usize,
) -> RootResult {
    let mut p0 = x0;
    let mut p1 = x1.unwrap_or_else(|| {
        let eps = 1e-4;
        let p = x0 * (1.0 + eps);
        p + if p >= 0.0 { eps } else { -eps }
    });
    let mut q0 = f(p0);
    let mut q1 = f(p1);
    let mut calls = 2;
    if q1.abs() < q0.abs() {
        std::mem::swap(&mut p0, &mut p1);
        std::mem::swap(&mut q0, &mut q1);
    }
    for itr in 0..maxiter {
        if q1 == q0 {
            let p = (p1 + p0) / 2.0;
            let status = if p1 == p0 { RootStatus::Converged } else { RootStatus::EqualValues };
            return root_result(p, itr + 1, calls, status);
        }
        let p = if q1.abs() > q0.abs() {
            (-q0 / q1 * p1 + p0) / (1.0 - q0 / q1)
        } else {
            (-q1 / q0 * p0 + p1) / (1.0 - q1 / q0)
        };
        if (p - p1).abs() <= tol + rtol * p1.abs() {
            return converged(p, itr + 1, calls);
        }
        p0 = p1;
        q0 = q1;
        p1 = p;
        q1 = f(p1);
        calls += 1;
    }
    not_converged(p1, maxiter, calls)
}
