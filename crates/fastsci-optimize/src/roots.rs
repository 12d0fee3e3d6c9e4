//! `root` for systems of equations F(x) = 0: Powell's hybrid method (`hybr`, as MINPACK's
//! `hybrd`: dogleg steps in a trust region, Broyden rank-one updates of the Jacobian between
//! re-evaluations) and Levenberg–Marquardt (`lm`, least squares on F).

use crate::error::{OptimizeError, Result};
use crate::linalg::{Matrix, svd};
use crate::lsq::{LsqMethod, LsqOptions, LsqProblem};

/// The solvers of [`root`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RootSystemMethod {
    /// Powell's hybrid (dogleg) method.
    #[default]
    Hybr,
    /// Levenberg–Marquardt on ½‖F‖².
    Lm,
}

/// The outcome of [`root`].
#[derive(Debug, Clone, PartialEq)]
pub struct RootSystemResult {
    /// The solution.
    pub x: Vec<f64>,
    /// F at x.
    pub fun: Vec<f64>,
    /// Why it stopped.
    pub status: RootSystemStatus,
    /// SciPy's number for the status: MINPACK's `info` for `hybr`, `least_squares`' status
    /// for `lm`.
    pub code: i32,
    /// Why it stopped.
    pub message: String,
    /// Evaluations of F (finite differences included, as MINPACK counts).
    pub nfev: usize,
}

impl RootSystemResult {
    /// True when the method converged.
    pub fn success(&self) -> bool {
        self.status == RootSystemStatus::Converged
    }
}

/// Why [`root`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RootSystemStatus {
    /// The solution met the tolerance.
    Converged,
    /// The limit on evaluations of F was reached.
    MaxFunctionEvaluations,
    /// `xtol` is too small: no further improvement is possible.
    XtolTooSmall,
    /// The iteration stopped making progress.
    NoProgress,
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}

/// Solves F(x) = 0 for F: Rⁿ → Rⁿ from `x0`, as `scipy.optimize.root` (xtol 1.49012e-8).
///
/// # Examples
///
/// ```
/// use fastsci_optimize::roots::{root, RootSystemMethod};
/// // x² + y² = 4, x = y.
/// let r = root(|x: &[f64], f: &mut [f64]| {
///     f[0] = x[0] * x[0] + x[1] * x[1] - 4.0;
///     f[1] = x[0] - x[1];
/// }, &[1.0, 0.5], RootSystemMethod::Hybr)?;
/// assert!(r.success() && (r.x[0] - 2f64.sqrt()).abs() < 1e-10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An empty `x0`.
pub fn root(
    mut fun: impl FnMut(&[f64], &mut [f64]),
    x0: &[f64],
    method: RootSystemMethod,
) -> Result<RootSystemResult> {
    let n = x0.len();
    if n == 0 {
        return Err(OptimizeError::EmptyStart);
    }
    match method {
        RootSystemMethod::Lm => {
            let mut calls = 0usize;
            let res = {
                let mut p = LsqProblem::new(n, |x: &[f64], f: &mut [f64]| {
                    calls += 1;
                    fun(x, f)
                });
                let opts = LsqOptions {
                    method: LsqMethod::Lm,
                    ftol: 1.49012e-8,
                    xtol: 1.49012e-8,
                    gtol: 0.0,
                    ..LsqOptions::default()
                };
                p.solve(x0, &opts)?
            };
            let status = if res.success() {
                RootSystemStatus::Converged
            } else {
                RootSystemStatus::MaxFunctionEvaluations
            };
            Ok(RootSystemResult {
                x: res.x,
                fun: res.fun,
                status,
                code: res.status.code(),
                message: res.message,
                nfev: calls,
            })
        }
        RootSystemMethod::Hybr => Ok(hybrid(&mut fun, x0, 1.49012e-8, 200 * (n + 1))),
    }
}

fn fd_jacobian(fun: &mut dyn FnMut(&[f64], &mut [f64]), x: &[f64], f: &[f64]) -> Matrix {
    let n = x.len();
    let mut j = Matrix::zeros(n, n);
    let mut xt = x.to_vec();
    let mut ft = vec![0.0; n];
    let eps = f64::EPSILON.sqrt();
    for k in 0..n {
        let h = if x[k] == 0.0 { eps } else { eps * x[k].abs() };
        xt[k] = x[k] + h;
        fun(&xt, &mut ft);
        for i in 0..n {
            j.set(i, k, (ft[i] - f[i]) / h);
        }
        xt[k] = x[k];
    }
    j
}

/// Powell's dogleg step in the scaled trust region ‖D p‖ ≤ Δ.
fn dogleg(j: &Matrix, f: &[f64], diag: &[f64], delta: f64) -> Vec<f64> {
    let n = f.len();
    // Gauss-Newton direction by the pseudo-inverse (robust to a singular Jacobian).
    let sv = svd(j);
    let tol = f64::EPSILON * n as f64 * sv.s.first().copied().unwrap_or(0.0);
    let uf = sv.u.tmatvec(f);
    let mut gn = vec![0.0; n];
    for k in 0..n {
        if sv.s[k] > tol {
            let c = uf[k] / sv.s[k];
            for r in 0..n {
                gn[r] -= sv.v.get(r, k) * c;
            }
        }
    }
    let qnorm = norm(&(0..n).map(|i| diag[i] * gn[i]).collect::<Vec<_>>());
    if qnorm <= delta {
        return gn;
    }
    // Scaled steepest descent direction and the Cauchy point.
    let g = j.tmatvec(f);
    let wa: Vec<f64> = (0..n).map(|i| g[i] / diag[i]).collect();
    let gnorm = norm(&wa);
    let sgd: Vec<f64> = (0..n).map(|i| -wa[i] / gnorm / diag[i]).collect();
    if gnorm == 0.0 {
        let s = delta / qnorm;
        return gn.iter().map(|v| v * s).collect();
    }
    let jsg = j.matvec(&sgd);
    let temp = norm(&jsg);
    let sgnorm = gnorm / (temp * temp);
    if sgnorm >= delta {
        return sgd.iter().map(|v| v * delta).collect();
    }
    // The point on the dogleg path at distance Δ.
    let bnorm = norm(f);
    let temp = (bnorm / gnorm) * (bnorm / qnorm) * (sgnorm / delta);
    let temp = temp - (delta / qnorm) * (sgnorm / delta).powi(2)
        + ((temp - delta / qnorm).powi(2)
            + (1.0 - (delta / qnorm).powi(2)) * (1.0 - (sgnorm / delta).powi(2)))
        .sqrt();
    let alpha = ((delta / qnorm) * (1.0 - (sgnorm / delta).powi(2))) / temp;
    let beta = (1.0 - alpha) * sgnorm.min(delta);
    (0..n).map(|i| alpha * gn[i] + beta * sgd[i]).collect()
}

fn hybrid(fun: &mut dyn FnMut(&[f64], &mut [f64]), x0: &[f64], xtol: f64, maxfev: usize) -> RootSystemResult {
    let n = x0.len();
    let factor = 100.0;
    let mut x = x0.to_vec();
    let mut f = vec![0.0; n];
    fun(&x, &mut f);
    let mut nfev = 1;
    let mut fnorm = norm(&f);
    let mut diag = vec![1.0; n];
    let mut delta = 0.0;
    let mut xnorm;
    let mut iter = 1;
    let mut nslow1 = 0;
    let mut nslow2 = 0;
    let mut info = 0;
    let mut first = true;
    'outer: while info == 0 {
        let mut j = fd_jacobian(fun, &x, &f);
        nfev += n;
        let cn: Vec<f64> = (0..n).map(|k| (0..n).map(|i| j.get(i, k).powi(2)).sum::<f64>().sqrt()).collect();
        if first {
            for k in 0..n {
                diag[k] = if cn[k] == 0.0 { 1.0 } else { cn[k] };
            }
            xnorm = norm(&(0..n).map(|k| diag[k] * x[k]).collect::<Vec<_>>());
            delta = factor * xnorm;
            if delta == 0.0 {
                delta = factor;
            }
            first = false;
        } else {
            for k in 0..n {
                diag[k] = diag[k].max(cn[k]);
            }
        }
        let mut ncsuc = 0;
        let mut ncfail = 0;
        let mut jeval = true;
        loop {
            if fnorm == 0.0 {
                info = 1;
                break 'outer;
            }
            let p = dogleg(&j, &f, &diag, delta);
            let pnorm = norm(&(0..n).map(|k| diag[k] * p[k]).collect::<Vec<_>>());
            if iter == 1 {
                delta = delta.min(pnorm);
            }
            let xt: Vec<f64> = (0..n).map(|k| x[k] + p[k]).collect();
            let mut ft = vec![0.0; n];
            fun(&xt, &mut ft);
            nfev += 1;
            let fnorm1 = if ft.iter().all(|v| v.is_finite()) { norm(&ft) } else { f64::INFINITY };
            let actred = if fnorm1 < fnorm { 1.0 - (fnorm1 / fnorm).powi(2) } else { -1.0 };
            let jp = j.matvec(&p);
            let r: Vec<f64> = (0..n).map(|i| f[i] + jp[i]).collect();
            let temp = norm(&r);
            let prered = if temp < fnorm { 1.0 - (temp / fnorm).powi(2) } else { 0.0 };
            let ratio = if prered > 0.0 { actred / prered } else { 0.0 };
            if ratio < 0.1 {
                ncsuc = 0;
                ncfail += 1;
                delta *= 0.5;
            } else {
                ncfail = 0;
                ncsuc += 1;
                if ratio >= 0.5 || ncsuc > 1 {
                    delta = delta.max(pnorm / 0.5);
                }
                if (ratio - 1.0).abs() <= 0.1 {
                    delta = pnorm / 0.5;
                }
            }
            let f_old = f.clone();
            if ratio >= 1e-4 {
                x = xt.clone();
                f = ft.clone();
                fnorm = fnorm1;
                iter += 1;
            }
            xnorm = norm(&(0..n).map(|k| diag[k] * x[k]).collect::<Vec<_>>());
            nslow1 += 1;
            if actred >= 0.001 {
                nslow1 = 0;
            }
            if jeval {
                nslow2 += 1;
            }
            if actred >= 0.1 {
                nslow2 = 0;
            }
            if delta <= xtol * xnorm || fnorm == 0.0 {
                info = 1;
            }
            if info != 0 {
                break 'outer;
            }
            if nfev >= maxfev {
                info = 2;
            }
            if 0.1 * (0.1 * delta).max(pnorm) <= f64::EPSILON * xnorm {
                info = 3;
            }
            if nslow2 == 5 {
                info = 4;
            }
            if nslow1 == 10 {
                info = 5;
            }
            if info != 0 {
                break 'outer;
            }
            if ncfail == 2 {
                continue 'outer;
            }
            // Broyden's rank-one update of the Jacobian with the trial step.
            let pp: f64 = p.iter().map(|v| v * v).sum();
            if pp > 0.0 {
                let jp = j.matvec(&p);
                for i in 0..n {
                    let c = (ft[i] - f_old[i] - jp[i]) / pp;
                    for k in 0..n {
                        let v = j.get(i, k) + c * p[k];
                        j.set(i, k, v);
                    }
                }
            }
            jeval = false;
        }
    }
    let message = match info {
        1 => "The solution converged.".to_string(),
        2 => format!("The number of calls to function has reached maxfev = {maxfev}."),
        3 => format!("xtol={xtol} is too small, no further improvement in the approximate solution is possible."),
        4 => "The iteration is not making good progress, as measured by the improvement from the last five Jacobian evaluations.".to_string(),
        _ => "The iteration is not making good progress, as measured by the improvement from the last ten iterations.".to_string(),
    };
    let status = match info {
        1 => RootSystemStatus::Converged,
        2 => RootSystemStatus::MaxFunctionEvaluations,
        3 => RootSystemStatus::XtolTooSmall,
        _ => RootSystemStatus::NoProgress,
    };
    RootSystemResult { x, fun: f, status, code: info, message, nfev }
}
