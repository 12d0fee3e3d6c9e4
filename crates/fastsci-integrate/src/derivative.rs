//! Numerical derivatives with error estimates, after `scipy.differentiate`.
//!
//! Central differences `D(h) = (f(x+h) - f(x-h)) / 2h` are taken at `h_i = h_0 / c^i`
//! (`c` = `step_factor`), and a Richardson (Neville) tableau in `h²` removes the leading error
//! terms: `D_{i,j} = D_{i,j-1} + (D_{i,j-1} - D_{i-1,j-1}) / (c^{2j} - 1)`, up to
//! `order / 2` columns, so the final formula has error `O(h^order)`. Each iteration costs two
//! evaluations. The error estimate is the change between successive extrapolants plus the
//! rounding error of the differences, `≈ ε (|f(x+h)| + |f(x-h)|) / h` times the growth of the
//! tableau. Iteration stops when the estimate meets `atol + rtol |value|`, when it grows
//! (rounding has taken over: the previous value is returned), or after `maxiter`.

use ndarray::Array2;

use crate::error::IntegrateError;

/// Options of [`derivative`] and friends, with `scipy.differentiate`'s defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivativeOptions {
    /// First step `h_0` (default 0.5).
    pub initial_step: f64,
    /// Factor by which the step shrinks each iteration (default 2).
    pub step_factor: f64,
    /// Order of accuracy of the finite-difference formula (default 8; odd values round up).
    pub order: usize,
    /// Maximum number of iterations (default 10).
    pub maxiter: usize,
    /// Absolute tolerance (default: the smallest normal f64).
    pub atol: f64,
    /// Relative tolerance (default `sqrt(ε)`).
    pub rtol: f64,
}

impl Default for DerivativeOptions {
    fn default() -> DerivativeOptions {
        DerivativeOptions {
            initial_step: 0.5,
            step_factor: 2.0,
            order: 8,
            maxiter: 10,
            atol: f64::MIN_POSITIVE,
            rtol: f64::EPSILON.sqrt(),
        }
    }
}

impl DerivativeOptions {
    fn check(&self) -> Result<(), IntegrateError> {
        if !(self.initial_step > 0.0 && self.initial_step.is_finite()) {
            return Err(IntegrateError::InvalidInput(format!(
                "initial_step must be positive and finite, got {}",
                self.initial_step
            )));
        }
        if !(self.step_factor > 1.0 && self.step_factor.is_finite()) {
            return Err(IntegrateError::InvalidInput(format!(
                "step_factor must be greater than 1, got {}",
                self.step_factor
            )));
        }
        if self.order == 0 || self.maxiter == 0 {
            return Err(IntegrateError::InvalidInput("order and maxiter must be at least 1".into()));
        }
        if !(self.atol >= 0.0 && self.rtol >= 0.0) {
            return Err(IntegrateError::InvalidInput("tolerances must be non-negative".into()));
        }
        Ok(())
    }
}

/// How a derivative computation ended (`scipy.differentiate`'s `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DerivativeStatus {
    /// The error estimate met the tolerance (status 0).
    Converged,
    /// The error estimate grew, so rounding dominates; the best value is returned (status -1).
    ErrorIncreased,
    /// `maxiter` iterations without meeting the tolerance (status -2).
    MaxIterations,
    /// The function returned NaN or infinity (status -3).
    NonFinite,
}

impl DerivativeStatus {
    /// SciPy's status code.
    pub fn code(self) -> i32 {
        match self {
            DerivativeStatus::Converged => 0,
            DerivativeStatus::ErrorIncreased => -1,
            DerivativeStatus::MaxIterations => -2,
            DerivativeStatus::NonFinite => -3,
        }
    }
}

/// The result of [`derivative`].
#[derive(Debug, Clone, PartialEq)]
pub struct DerivativeResult {
    /// The estimate of `f'(x)`.
    pub value: f64,
    /// An estimate of `|value - f'(x)|`.
    pub error: f64,
    /// Number of function evaluations.
    pub nfev: usize,
    /// Number of iterations.
    pub nit: usize,
    /// How it ended.
    pub status: DerivativeStatus,
}

impl DerivativeResult {
    /// True when the tolerance was met.
    pub fn success(&self) -> bool {
        self.status == DerivativeStatus::Converged
    }
}

/// Richardson iteration on vector-valued central differences. `diff(h, plus, minus)` fills
/// `f(x+h)` and `f(x-h)` for all `m` outputs. Returns per-output value, error, status and the
/// number of iterations.
fn richardson<D: FnMut(f64, &mut [f64], &mut [f64])>(
    m: usize,
    mut diff: D,
    o: &DerivativeOptions,
) -> (Vec<f64>, Vec<f64>, Vec<DerivativeStatus>, usize) {
    let cols = o.order.div_ceil(2).max(1);
    let c2 = o.step_factor * o.step_factor;
    // prev_row[k][j]: tableau row of output k.
    let mut prev_row: Vec<Vec<f64>> = vec![Vec::new(); m];
    let mut value = vec![f64::NAN; m];
    let mut error = vec![f64::INFINITY; m];
    let mut status = vec![DerivativeStatus::MaxIterations; m];
    let mut done = vec![false; m];
    let mut plus = vec![0.0; m];
    let mut minus = vec![0.0; m];
    let mut h = o.initial_step;
    let mut nit = 0;
    for i in 0..o.maxiter {
        nit = i + 1;
        diff(h, &mut plus, &mut minus);
        for k in 0..m {
            if done[k] {
                continue;
            }
            if !plus[k].is_finite() || !minus[k].is_finite() {
                status[k] = DerivativeStatus::NonFinite;
                done[k] = true;
                if value[k].is_nan() {
                    error[k] = f64::INFINITY;
                }
                continue;
            }
            let d0 = (plus[k] - minus[k]) / (2.0 * h);
            let width = cols.min(i + 1);
            let mut row = Vec::with_capacity(width);
            row.push(d0);
            let mut factor = 1.0;
            for j in 1..width {
                factor *= c2;
                let prev = prev_row[k][j - 1];
                let cur = row[j - 1];
                row.push(cur + (cur - prev) / (factor - 1.0));
            }
            let est = row[width - 1];
            // Rounding: each difference carries about ε (|f+| + |f-|) / 2h, amplified by the
            // tableau (its weights sum in magnitude to less than 3 for c = 2).
            let rounding = 3.0 * f64::EPSILON * (plus[k].abs() + minus[k].abs()) / (2.0 * h)
                + 4.0 * f64::EPSILON * est.abs();
            if i > 0 {
                let prev_est = prev_row[k][prev_row[k].len() - 1];
                let err = (est - prev_est).abs() + rounding;
                if i >= cols.max(2) && err > error[k] {
                    // Rounding has taken over; keep the previous value and its estimate.
                    status[k] = if error[k] <= o.atol + o.rtol * value[k].abs() {
                        DerivativeStatus::Converged
                    } else {
                        DerivativeStatus::ErrorIncreased
                    };
                    done[k] = true;
                    continue;
                }
                value[k] = est;
                error[k] = err;
                if err <= o.atol + o.rtol * est.abs() && i + 1 >= width.min(2) {
                    status[k] = DerivativeStatus::Converged;
                    done[k] = true;
                }
            } else {
                value[k] = est;
            }
            prev_row[k] = row;
        }
        if done.iter().all(|&d| d) {
            break;
        }
        h /= o.step_factor;
    }
    (value, error, status, nit)
}

/// `f'(x)` by central differences with Richardson extrapolation
/// (`scipy.differentiate.derivative`), with an error estimate.
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{derivative, DerivativeOptions};
/// let d = derivative(f64::exp, 1.0, &DerivativeOptions::default())?;
/// assert!(d.success());
/// assert!((d.value - 1f64.exp()).abs() <= d.error && d.error < 1e-10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] for a non-finite `x` or invalid options.
pub fn derivative<F: FnMut(f64) -> f64>(
    mut f: F,
    x: f64,
    options: &DerivativeOptions,
) -> Result<DerivativeResult, IntegrateError> {
    options.check()?;
    if !x.is_finite() {
        return Err(IntegrateError::InvalidInput(format!("the point must be finite, got {x}")));
    }
    let mut nfev = 0;
    let (v, e, s, nit) = richardson(
        1,
        |h, p, m| {
            p[0] = f(x + h);
            m[0] = f(x - h);
            nfev += 2;
        },
        options,
    );
    Ok(DerivativeResult { value: v[0], error: e[0], nfev, nit, status: s[0] })
}

/// The result of [`richardson_gradient`]: one derivative per coordinate.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientResult {
    /// The estimates.
    pub value: Vec<f64>,
    /// Their error estimates.
    pub error: Vec<f64>,
    /// Total function evaluations.
    pub nfev: usize,
    /// [`DerivativeStatus::Converged`] when every component met the tolerance, otherwise the
    /// status of the first that did not.
    pub status: DerivativeStatus,
}

impl GradientResult {
    /// True when every component met the tolerance.
    pub fn success(&self) -> bool {
        self.status == DerivativeStatus::Converged
    }
}

/// The result of [`richardson_jacobian`] and [`richardson_hessian`], rows first (`value[[i, j]] = ∂f_i/∂x_j`).
#[derive(Debug, Clone, PartialEq)]
pub struct JacobianResult {
    /// The estimates.
    pub value: Array2<f64>,
    /// Their error estimates.
    pub error: Array2<f64>,
    /// Total function evaluations.
    pub nfev: usize,
    /// [`DerivativeStatus::Converged`] when every entry met the tolerance, otherwise the
    /// status of the first that did not.
    pub status: DerivativeStatus,
}

impl JacobianResult {
    /// True when every entry met the tolerance.
    pub fn success(&self) -> bool {
        self.status == DerivativeStatus::Converged
    }
}

fn check_point(x: &[f64]) -> Result<(), IntegrateError> {
    if x.is_empty() || x.iter().any(|v| !v.is_finite()) {
        return Err(IntegrateError::InvalidInput("the point must be non-empty and finite".into()));
    }
    Ok(())
}

/// The gradient of a scalar function of several variables, each component by [`derivative`].
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{richardson_gradient, DerivativeOptions};
/// let g = richardson_gradient(|x: &[f64]| x[0] * x[0] * x[1], &[3.0, 2.0], &DerivativeOptions::default())?;
/// assert!((g.value[0] - 12.0).abs() < 1e-9 && (g.value[1] - 9.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] for an empty or non-finite point or invalid options.
pub fn richardson_gradient<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x: &[f64],
    options: &DerivativeOptions,
) -> Result<GradientResult, IntegrateError> {
    let j = richardson_jacobian(|y: &[f64]| vec![f(y)], x, options)?;
    Ok(GradientResult {
        value: j.value.row(0).to_vec(),
        error: j.error.row(0).to_vec(),
        nfev: j.nfev,
        status: j.status,
    })
}

/// The Jacobian of a vector function (`scipy.differentiate.jacobian`): column `j` by one
/// Richardson iteration shared by all outputs.
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{richardson_jacobian, DerivativeOptions};
/// let j = richardson_jacobian(|x: &[f64]| vec![x[0] * x[1], x[0].sin()], &[1.0, 2.0], &DerivativeOptions::default())?;
/// assert!((j.value[[0, 1]] - 1.0).abs() < 1e-9);
/// assert!((j.value[[1, 0]] - 1f64.cos()).abs() <= j.error[[1, 0]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] for an empty or non-finite point, invalid options, or a
/// function whose output length changes.
pub fn richardson_jacobian<F: FnMut(&[f64]) -> Vec<f64>>(
    mut f: F,
    x: &[f64],
    options: &DerivativeOptions,
) -> Result<JacobianResult, IntegrateError> {
    options.check()?;
    check_point(x)?;
    let m = f(x).len();
    let n = x.len();
    let mut nfev = 1;
    let mut value = Array2::zeros((m, n));
    let mut error = Array2::zeros((m, n));
    let mut status = DerivativeStatus::Converged;
    let mut mismatch = false;
    let mut y = x.to_vec();
    for j in 0..n {
        let (v, e, s, _) = richardson(
            m,
            |h, p, mi| {
                y[j] = x[j] + h;
                let fp = f(&y);
                y[j] = x[j] - h;
                let fm = f(&y);
                y[j] = x[j];
                nfev += 2;
                if fp.len() != m || fm.len() != m {
                    mismatch = true;
                    p.fill(f64::NAN);
                    mi.fill(f64::NAN);
                    return;
                }
                p.copy_from_slice(&fp);
                mi.copy_from_slice(&fm);
            },
            options,
        );
        for i in 0..m {
            value[[i, j]] = v[i];
            error[[i, j]] = e[i];
            if status == DerivativeStatus::Converged {
                status = s[i];
            }
        }
    }
    if mismatch {
        return Err(IntegrateError::InvalidInput(
            "the function's output length changed between evaluations".into(),
        ));
    }
    Ok(JacobianResult { value, error, nfev, status })
}

/// The Hessian of a scalar function: the Jacobian of its gradient, symmetrized, with the
/// inner gradients' largest error added to every entry's estimate.
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{richardson_hessian, DerivativeOptions};
/// let h = richardson_hessian(|x: &[f64]| x[0] * x[0] * x[1] + x[1].exp(), &[1.0, 0.5], &DerivativeOptions::default())?;
/// assert!((h.value[[0, 0]] - 1.0).abs() < 1e-7 && (h.value[[0, 1]] - 2.0).abs() < 1e-7);
/// assert!((h.value[[1, 1]] - 0.5f64.exp()).abs() <= h.error[[1, 1]]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] for an empty or non-finite point or invalid options.
pub fn richardson_hessian<F: FnMut(&[f64]) -> f64>(
    f: F,
    x: &[f64],
    options: &DerivativeOptions,
) -> Result<JacobianResult, IntegrateError> {
    let f = crate::shared_slice(f);
    options.check()?;
    check_point(x)?;
    let inner_err = std::cell::Cell::new(0.0f64);
    let inner_nfev = std::cell::Cell::new(0usize);
    let inner_ok = std::cell::Cell::new(true);
    let inner = DerivativeOptions { rtol: options.rtol * 1e-3, ..options.clone() };
    let outer = richardson_jacobian(
        |y: &[f64]| match richardson_gradient(&f, y, &inner) {
            Ok(g) => {
                let worst = g.error.iter().fold(0.0f64, |a, &b| a.max(b));
                inner_err.set(inner_err.get().max(worst));
                inner_nfev.set(inner_nfev.get() + g.nfev);
                inner_ok.set(inner_ok.get() && g.error.iter().all(|e| e.is_finite()));
                g.value
            }
            Err(_) => vec![f64::NAN; y.len()],
        },
        x,
        options,
    )?;
    let n = x.len();
    let mut value = outer.value.clone();
    let mut error = outer.error.clone();
    let extra = inner_err.get();
    for i in 0..n {
        for j in 0..n {
            value[[i, j]] = 0.5 * (outer.value[[i, j]] + outer.value[[j, i]]);
            let asym = 0.5 * (outer.value[[i, j]] - outer.value[[j, i]]).abs();
            error[[i, j]] = outer.error[[i, j]].max(outer.error[[j, i]]) + asym + extra;
        }
    }
    // An inner gradient without a finite error estimate met a NaN or infinity.
    let status = if outer.status == DerivativeStatus::Converged && !inner_ok.get() {
        DerivativeStatus::NonFinite
    } else {
        outer.status
    };
    Ok(JacobianResult { value, error, nfev: inner_nfev.get(), status })
}
