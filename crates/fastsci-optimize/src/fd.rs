//! Finite-difference gradients with SciPy's steps (`approx_derivative`).
//!
//! Relative steps `h = r · sign(x) · max(1, |x|)` with `r = sqrt(eps)` for `2-point` and
//! `r = cbrt(eps)` for `3-point`, or an absolute step; near bounds the stencil is turned or
//! shrunk so no point leaves the box, as SciPy does.

/// How a gradient is approximated when none is supplied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FiniteDiff {
    /// Forward differences with relative steps (`jac='2-point'`).
    TwoPoint,
    /// Central differences with relative steps (`jac='3-point'`).
    ThreePoint,
    /// Forward differences with this absolute step (SciPy's default when `jac=None`).
    Absolute(f64),
}

/// Sign convention of SciPy: +1 for x >= 0, -1 otherwise.
fn sign(x: f64) -> f64 {
    if x >= 0.0 { 1.0 } else { -1.0 }
}

/// SciPy's `_adjust_scheme_to_bounds` for a one-sided step h from xi inside [lo, hi].
fn adjust_one_sided(xi: f64, h: f64, lo: f64, hi: f64) -> f64 {
    let lb_dist = xi - lo;
    let ub_dist = hi - xi;
    let xt = xi + h;
    let violated = xt < lo || xt > hi;
    let fitting = h.abs() <= lb_dist.max(ub_dist);
    if violated && fitting {
        -h
    } else if !fitting {
        if ub_dist >= lb_dist { ub_dist } else { -lb_dist }
    } else {
        h
    }
}

/// The forward-difference step of SciPy's `2-point` scheme with relative step `rel` at `xi`,
/// kept inside `[lo, hi]`.
pub(crate) fn forward_step(xi: f64, rel: f64, lo: f64, hi: f64) -> f64 {
    let mut h = rel * sign(xi) * xi.abs().max(1.0);
    if (xi + h) - xi == 0.0 {
        h = f64::EPSILON.sqrt() * sign(xi) * xi.abs().max(1.0);
    }
    adjust_one_sided(xi, h, lo, hi)
}

/// The forward-difference step of a one-sided scheme (`2-point`, or an absolute step) at `xi`,
/// kept inside `[lo, hi]`: SciPy's `approx_derivative` steps for one variable.
pub(crate) fn forward_step_of(method: FiniteDiff, xi: f64, lo: f64, hi: f64) -> f64 {
    let relative = f64::EPSILON.sqrt() * sign(xi) * xi.abs().max(1.0);
    let mut h = match method {
        FiniteDiff::Absolute(step) => step,
        FiniteDiff::TwoPoint | FiniteDiff::ThreePoint => relative,
    };
    if (xi + h) - xi == 0.0 {
        h = relative;
    }
    adjust_one_sided(xi, h, lo, hi)
}

/// The gradient of `f` at `x0` (where `f(x0) = f0`) by finite differences, into `grad`.
///
/// `bounds`, when given, keeps every evaluation inside `[lo, hi]`. Returns the number of
/// evaluations of `f` made.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::fd::{finite_difference_gradient, FiniteDiff};
/// let mut f = |x: &[f64]| x[0] * x[0] + 3.0 * x[1];
/// let mut g = [0.0; 2];
/// let n = finite_difference_gradient(&mut f, &[1.0, 2.0], 7.0, FiniteDiff::ThreePoint, None, &mut g);
/// assert_eq!(n, 4);
/// assert!((g[0] - 2.0).abs() < 1e-8 && (g[1] - 3.0).abs() < 1e-8);
/// ```
pub fn finite_difference_gradient<F: FnMut(&[f64]) -> f64 + ?Sized>(
    f: &mut F,
    x0: &[f64],
    f0: f64,
    method: FiniteDiff,
    bounds: Option<&[(f64, f64)]>,
    grad: &mut [f64],
) -> usize {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut nfev = 0;
    let central = matches!(method, FiniteDiff::ThreePoint);
    for i in 0..n {
        let xi = x0[i];
        let (lo, hi) = bounds.map_or((f64::NEG_INFINITY, f64::INFINITY), |b| b[i]);
        if !central {
            x[i] = xi + forward_step_of(method, xi, lo, hi);
            let dx = x[i] - xi;
            if dx == 0.0 {
                // A variable fixed by its bounds (lo == hi): it cannot move, its slope is moot.
                grad[i] = 0.0;
                x[i] = xi;
                continue;
            }
            let f1 = f(&x);
            nfev += 1;
            grad[i] = (f1 - f0) / dx;
        } else {
            // 2-sided, one step each way.
            let mut h = f64::EPSILON.cbrt() * sign(xi) * xi.abs().max(1.0);
            let lower = xi - lo;
            let upper = hi - xi;
            let habs = h.abs();
            let is_central = lower >= habs && upper >= habs;
            let mut one_sided = false;
            if !is_central {
                if upper >= lower {
                    h = habs.min(0.5 * upper);
                } else {
                    h = -habs.min(0.5 * lower);
                }
                one_sided = true;
                let min_dist = upper.min(lower);
                if h.abs() <= min_dist {
                    h = min_dist;
                    one_sided = false;
                }
            }
            if h == 0.0 {
                // A variable fixed by its bounds.
                grad[i] = 0.0;
                x[i] = xi;
                continue;
            }
            if one_sided {
                x[i] = xi + h;
                let x1 = x[i];
                let f1 = f(&x);
                x[i] = xi + 2.0 * h;
                let x2 = x[i];
                let f2 = f(&x);
                nfev += 2;
                let dx = x2 - xi;
                let _ = x1;
                grad[i] = (-3.0 * f0 + 4.0 * f1 - f2) / dx;
            } else {
                x[i] = xi - h;
                let xm = x[i];
                let fm = f(&x);
                x[i] = xi + h;
                let xp = x[i];
                let fp = f(&x);
                nfev += 2;
                grad[i] = (fp - fm) / (xp - xm);
            }
        }
        x[i] = xi;
    }
    nfev
}
