//! `curve_fit`: a model fitted to data by least squares, with the parameters' covariance.

use ndarray::Array2;

use super::{LsqMethod, LsqOptions, LsqProblem, LsqStatus, RankDeficiency, covariance};
use crate::error::{OptimizeError, Result};

/// The result of [`curve_fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFitResult {
    /// Fitted parameters.
    pub popt: Vec<f64>,
    /// Their covariance (n × n); infinite everywhere where it cannot be estimated
    /// (no more points than parameters, or, without bounds, a rank-deficient Jacobian, as SciPy).
    pub pcov: Array2<f64>,
    /// Standard errors, the square roots of the diagonal of `pcov`.
    pub perr: Vec<f64>,
    /// Σ rᵢ² of the weighted residuals at `popt` (SciPy's `cost` of curve_fit, twice the
    /// least-squares cost).
    pub cost: f64,
    /// Model evaluations of the whole data set: with LM (no bounds) all of them, as
    /// `leastsq`; with TRF (bounds) those outside finite differences, as `least_squares`.
    pub nfev: usize,
    /// Which test stopped the least-squares solver.
    pub status: LsqStatus,
    /// The solver's message.
    pub message: String,
}

impl CurveFitResult {
    /// True when the least-squares solver converged.
    pub fn success(&self) -> bool {
        self.status != LsqStatus::MaxFunctionEvaluations
    }
}

/// Options of [`curve_fit`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CurveFitOptions<'s> {
    /// Uncertainties of y (one per point): the residuals are divided by them.
    pub sigma: Option<&'s [f64]>,
    /// Whether sigma is absolute (pcov not rescaled by the residual variance).
    pub absolute_sigma: bool,
    /// Bounds per parameter (then TRF is used, otherwise LM, as SciPy).
    pub bounds: Option<&'s [(f64, f64)]>,
}

/// Fits `model(x, p)` to data `(x, y)` by least squares, as `scipy.optimize.curve_fit`.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::lsq::{curve_fit, CurveFitOptions};
/// let x: Vec<f64> = (0..20).map(|i| i as f64 / 4.0).collect();
/// let y: Vec<f64> = x.iter().map(|x| 3.0 * (-0.7 * x).exp() + 0.5).collect();
/// let fit = curve_fit(|x, p| p[0] * (-p[1] * x).exp() + p[2], &x, &y, &[1.0, 1.0, 0.0], &CurveFitOptions::default())?;
/// assert!((fit.popt[0] - 3.0).abs() < 1e-6 && (fit.popt[1] - 0.7).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Lengths that do not match, sigma not positive, or the errors of [`LsqProblem::solve`].
pub fn curve_fit(
    mut model: impl FnMut(f64, &[f64]) -> f64,
    xdata: &[f64],
    ydata: &[f64],
    p0: &[f64],
    o: &CurveFitOptions<'_>,
) -> Result<CurveFitResult> {
    let m = xdata.len();
    let n = p0.len();
    if ydata.len() != m {
        return Err(OptimizeError::LengthMismatch { what: "ydata", expected: m, got: ydata.len() });
    }
    if let Some(s) = o.sigma {
        if s.len() != m {
            return Err(OptimizeError::LengthMismatch { what: "sigma", expected: m, got: s.len() });
        }
        if s.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(OptimizeError::InvalidArgument("sigma must be positive and finite".into()));
        }
    }
    let weights: Vec<f64> = match o.sigma {
        Some(s) => s.iter().map(|v| 1.0 / v).collect(),
        None => vec![1.0; m],
    };
    let mut calls = 0usize;
    let lm = o.bounds.is_none();
    let res = {
        let resid = |p: &[f64], r: &mut [f64]| {
            calls += 1;
            for i in 0..m {
                r[i] = (model(xdata[i], p) - ydata[i]) * weights[i];
            }
        };
        let mut prob = LsqProblem::new(m, resid);
        let mut opts = LsqOptions::default();
        if let Some(b) = o.bounds {
            prob = prob.with_bounds(b);
        } else {
            opts.method = LsqMethod::Lm;
            opts.ftol = 1.49012e-08;
            opts.xtol = 1.49012e-08;
            opts.gtol = 0.0;
        }
        prob.solve(p0, &opts)?
    };
    let cost = 2.0 * res.cost;
    let rank = if lm { RankDeficiency::Infinite } else { RankDeficiency::PseudoInverse };
    let pcov = covariance(res.jac.view(), if o.absolute_sigma { None } else { Some(cost) }, rank);
    let perr = (0..n).map(|i| pcov[[i, i]].sqrt()).collect();
    let nfev = if lm { calls } else { res.nfev };
    Ok(CurveFitResult { popt: res.x, pcov, perr, cost, nfev, status: res.status, message: res.message })
}
