//! Nonlinear least squares: `least_squares` (trust-region reflective with bounds, and
//! Levenberg–Marquardt) with robust losses and `x_scale`, and `curve_fit` on top.
//!
//! TRF follows Branch, Coleman & Li (1999) as SciPy implements it: the trust-region
//! subproblem in Coleman–Li scaled variables solved exactly through an SVD (Moré's iteration
//! on the Levenberg–Marquardt parameter), steps kept strictly feasible by reflection from the
//! bounds. LM follows MINPACK's `lmder` (Moré 1978), as SciPy runs it: column scaling by
//! Jacobian norms, the same trust-region radius rules, ratio and convergence tests, and `lmpar`'s
//! iteration for the Levenberg–Marquardt parameter (its bounds and Newton corrections) carried
//! out on an SVD of the scaled Jacobian; without a Jacobian, SciPy's `2-point` differences.
//!
//! The files follow the work: this module holds the problem, its options and result, and the
//! pieces both solvers use; `trf.rs` and `lm.rs` hold the two methods, `covariance.rs` the
//! covariance of fitted parameters (which the pipeline's fit reuses), and `curve_fit.rs`
//! SciPy's `curve_fit` on top.

mod covariance;
mod curve_fit;
mod lm;
mod trf;

use ndarray::{Array2, ArrayViewMut2};

use crate::error::{OptimizeError, Result};
use crate::linalg::Matrix;

pub use covariance::{RankDeficiency, covariance};
pub use curve_fit::{CurveFitOptions, CurveFitResult, curve_fit};

/// Robust loss ρ applied to squared residuals, as `least_squares(loss=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loss {
    /// ρ(z) = z: ordinary least squares.
    #[default]
    Linear,
    /// ρ(z) = 2((1 + z)^½ − 1).
    SoftL1,
    /// ρ(z) = z for z ≤ 1, 2 z^½ − 1 beyond.
    Huber,
    /// ρ(z) = ln(1 + z).
    Cauchy,
    /// ρ(z) = arctan(z).
    Arctan,
}

impl std::str::FromStr for Loss {
    type Err = OptimizeError;
    fn from_str(s: &str) -> Result<Loss> {
        match s.to_ascii_lowercase().as_str() {
            "linear" => Ok(Loss::Linear),
            "soft_l1" => Ok(Loss::SoftL1),
            "huber" => Ok(Loss::Huber),
            "cauchy" => Ok(Loss::Cauchy),
            "arctan" => Ok(Loss::Arctan),
            _ => Err(OptimizeError::InvalidArgument(format!(
                "unknown loss '{s}'; expected linear, soft_l1, huber, cauchy or arctan"
            ))),
        }
    }
}

impl Loss {
    /// ρ, ρ′, ρ″ at z.
    fn rho(self, z: f64) -> (f64, f64, f64) {
        match self {
            Loss::Linear => (z, 1.0, 0.0),
            Loss::SoftL1 => {
                let t = 1.0 + z;
                (2.0 * (t.sqrt() - 1.0), 1.0 / t.sqrt(), -0.5 * t.powf(-1.5))
            }
            Loss::Huber => {
                if z <= 1.0 {
                    (z, 1.0, 0.0)
                } else {
                    (2.0 * z.sqrt() - 1.0, 1.0 / z.sqrt(), -0.5 * z.powf(-1.5))
                }
            }
            Loss::Cauchy => {
                let t = 1.0 + z;
                (z.ln_1p(), 1.0 / t, -1.0 / (t * t))
            }
            Loss::Arctan => {
                let t = 1.0 + z * z;
                (z.atan(), 1.0 / t, -2.0 * z / (t * t))
            }
        }
    }
}

/// The solver of [`LsqProblem::solve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LsqMethod {
    /// Trust-region reflective (bounds allowed).
    #[default]
    Trf,
    /// Levenberg–Marquardt (MINPACK); no bounds, linear loss only.
    Lm,
}

/// Characteristic scales of the variables (`x_scale`).
#[derive(Debug, Clone, PartialEq)]
pub enum XScale {
    /// From the inverse column norms of the Jacobian, updated as they grow (`'jac'`).
    Jac,
    /// Fixed scales, one per variable (or one for all).
    Values(Vec<f64>),
}

/// Options of [`LsqProblem::solve`]: SciPy's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct LsqOptions {
    /// The method (TRF).
    pub method: LsqMethod,
    /// Relative tolerance on the cost (1e-8).
    pub ftol: f64,
    /// Relative tolerance on x (1e-8).
    pub xtol: f64,
    /// Tolerance on the scaled gradient (1e-8).
    pub gtol: f64,
    /// Variable scales; `None` is SciPy's default: 1 for TRF, `Jac` for LM.
    pub x_scale: Option<XScale>,
    /// Robust loss (linear).
    pub loss: Loss,
    /// Soft margin between inlier and outlier residuals (1).
    pub f_scale: f64,
    /// Maximum function evaluations (100 n for TRF; for LM 100 (n + 1) with a Jacobian,
    /// 200 (n + 1) without, counting the difference evaluations as MINPACK does).
    pub max_nfev: Option<usize>,
    /// Relative finite-difference step (default sqrt(eps)).
    pub diff_step: Option<f64>,
}

impl Default for LsqOptions {
    fn default() -> Self {
        LsqOptions {
            method: LsqMethod::Trf,
            ftol: 1e-8,
            xtol: 1e-8,
            gtol: 1e-8,
            x_scale: None,
            loss: Loss::Linear,
            f_scale: 1.0,
            max_nfev: None,
            diff_step: None,
        }
    }
}

/// The outcome of [`LsqProblem::solve`] (`scipy.optimize.OptimizeResult` of `least_squares`).
#[derive(Debug, Clone, PartialEq)]
pub struct LsqResult {
    /// The solution.
    pub x: Vec<f64>,
    /// ½ Σ ρ(fᵢ²).
    pub cost: f64,
    /// Residuals at x.
    pub fun: Vec<f64>,
    /// Jacobian at x (m × n, scaled by the loss, as SciPy's).
    pub jac: Array2<f64>,
    /// Gradient of the cost at x.
    pub grad: Vec<f64>,
    /// First-order optimality (scaled gradient infinity norm).
    pub optimality: f64,
    /// −1 at a lower bound, +1 at an upper bound, 0 free.
    pub active_mask: Vec<i8>,
    /// Residual evaluations (finite-difference evaluations excluded, as SciPy's).
    pub nfev: usize,
    /// Jacobian evaluations.
    pub njev: usize,
    /// Which test stopped it.
    pub status: LsqStatus,
    /// SciPy's message for the status.
    pub message: String,
}

impl LsqResult {
    /// True when a tolerance test stopped the solver (not the evaluation limit).
    pub fn success(&self) -> bool {
        self.status != LsqStatus::MaxFunctionEvaluations
    }
}

/// Which test stopped [`LsqProblem::solve`] (SciPy's `status` of `least_squares`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LsqStatus {
    /// `max_nfev` evaluations were used up (status 0).
    MaxFunctionEvaluations,
    /// The `gtol` test was met (status 1).
    Gtol,
    /// The `ftol` test was met (status 2).
    Ftol,
    /// The `xtol` test was met (status 3).
    Xtol,
    /// Both the `ftol` and `xtol` tests were met (status 4).
    FtolAndXtol,
}

impl LsqStatus {
    /// SciPy's status number.
    pub fn code(self) -> i32 {
        match self {
            LsqStatus::MaxFunctionEvaluations => 0,
            LsqStatus::Gtol => 1,
            LsqStatus::Ftol => 2,
            LsqStatus::Xtol => 3,
            LsqStatus::FtolAndXtol => 4,
        }
    }

    fn from_code(code: i32) -> LsqStatus {
        match code {
            0 => LsqStatus::MaxFunctionEvaluations,
            1 => LsqStatus::Gtol,
            3 => LsqStatus::Xtol,
            4 => LsqStatus::FtolAndXtol,
            _ => LsqStatus::Ftol,
        }
    }

    /// SciPy's message for the status.
    pub fn message(self) -> &'static str {
        match self {
            LsqStatus::MaxFunctionEvaluations => "The maximum number of function evaluations is exceeded.",
            LsqStatus::Gtol => "`gtol` termination condition is satisfied.",
            LsqStatus::Ftol => "`ftol` termination condition is satisfied.",
            LsqStatus::Xtol => "`xtol` termination condition is satisfied.",
            LsqStatus::FtolAndXtol => "Both `ftol` and `xtol` termination conditions are satisfied.",
        }
    }
}

type ResidualBox<'a> = Box<dyn FnMut(&[f64], &mut [f64]) + 'a>;
type JacobianBox<'a> = Box<dyn FnMut(&[f64], ArrayViewMut2<'_, f64>) + 'a>;

/// A least-squares problem: residuals `f: Rⁿ → Rᵐ`, optional Jacobian and bounds.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::lsq::{LsqOptions, LsqProblem};
/// // Fit y = a exp(b t) to exact data.
/// let t: Vec<f64> = (0..10).map(|i| i as f64 * 0.3).collect();
/// let y: Vec<f64> = t.iter().map(|t| 2.0 * (-1.3 * t).exp()).collect();
/// let mut p = LsqProblem::new(10, |x: &[f64], r: &mut [f64]| {
///     for i in 0..10 {
///         r[i] = x[0] * (x[1] * t[i]).exp() - y[i];
///     }
/// });
/// let res = p.solve(&[1.0, -1.0], &LsqOptions::default())?;
/// assert!(res.success() && (res.x[0] - 2.0).abs() < 1e-6 && (res.x[1] + 1.3).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LsqProblem<'a> {
    m: usize,
    fun: ResidualBox<'a>,
    jac: Option<JacobianBox<'a>>,
    bounds: Option<Vec<(f64, f64)>>,
}

impl<'a> LsqProblem<'a> {
    /// `m` residuals computed by `fun(x, r)`.
    pub fn new(m: usize, fun: impl FnMut(&[f64], &mut [f64]) + 'a) -> Self {
        LsqProblem { m, fun: Box::new(fun), jac: None, bounds: None }
    }
    /// Supplies the Jacobian: `jac(x, J)` fills the m × n view `J` (entries it leaves are 0).
    pub fn with_jacobian(mut self, jac: impl FnMut(&[f64], ArrayViewMut2<'_, f64>) + 'a) -> Self {
        self.jac = Some(Box::new(jac));
        self
    }
    /// Box bounds per variable.
    pub fn with_bounds(mut self, bounds: &[(f64, f64)]) -> Self {
        self.bounds = Some(bounds.to_vec());
        self
    }

    /// Minimizes ½ Σ ρ(fᵢ(x)²) from `x0`.
    ///
    /// # Errors
    /// Empty `x0`, bounds of the wrong length or inverted, LM with bounds or a robust loss,
    /// x_scale not positive, `x0` outside the bounds, or residuals not finite at `x0`.
    pub fn solve(&mut self, x0: &[f64], o: &LsqOptions) -> Result<LsqResult> {
        let n = x0.len();
        if n == 0 {
            return Err(OptimizeError::EmptyStart);
        }
        let (lb, ub): (Vec<f64>, Vec<f64>) = match &self.bounds {
            Some(b) => {
                if b.len() != n {
                    return Err(OptimizeError::LengthMismatch { what: "bounds", expected: n, got: b.len() });
                }
                for (i, &(lo, hi)) in b.iter().enumerate() {
                    if lo.is_nan() || hi.is_nan() || lo >= hi {
                        return Err(OptimizeError::InvalidBounds { index: i, lower: lo, upper: hi });
                    }
                    // As SciPy: a start outside the box is the caller's mistake, not something
                    // to move inside silently (the fit would start from a point nobody chose).
                    if !(lo..=hi).contains(&x0[i]) {
                        return Err(OptimizeError::InvalidArgument(format!(
                            "initial guess is outside of provided bounds: x0[{i}] = {} not in [{lo}, {hi}]",
                            x0[i]
                        )));
                    }
                }
                b.iter().copied().unzip()
            }
            None => (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]),
        };
        let bounded = lb.iter().any(|v| v.is_finite()) || ub.iter().any(|v| v.is_finite());
        let x_scale = match &o.x_scale {
            None => {
                if o.method == LsqMethod::Lm {
                    XScale::Jac
                } else {
                    XScale::Values(vec![1.0; n])
                }
            }
            Some(XScale::Values(v)) if v.len() == 1 => XScale::Values(vec![v[0]; n]),
            Some(s) => s.clone(),
        };
        if let XScale::Values(v) = &x_scale {
            if v.len() != n {
                return Err(OptimizeError::LengthMismatch { what: "x_scale", expected: n, got: v.len() });
            }
            if v.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
                return Err(OptimizeError::InvalidArgument("x_scale must be positive and finite".into()));
            }
        }
        if o.f_scale.is_nan() || o.f_scale <= 0.0 {
            return Err(OptimizeError::InvalidArgument("f_scale must be positive".into()));
        }
        match o.method {
            LsqMethod::Lm => {
                if bounded {
                    return Err(OptimizeError::InvalidArgument("method 'lm' does not support bounds".into()));
                }
                if o.loss != Loss::Linear {
                    return Err(OptimizeError::InvalidArgument(
                        "method 'lm' supports only the linear loss".into(),
                    ));
                }
                if self.m < n {
                    return Err(OptimizeError::InvalidArgument(format!(
                        "method 'lm' needs at least as many residuals ({}) as variables ({n})",
                        self.m
                    )));
                }
                Ok(self.lm(x0, o, &x_scale))
            }
            LsqMethod::Trf => {
                let x0 = if bounded { trf::make_strictly_feasible(x0, &lb, &ub, 1e-10) } else { x0.to_vec() };
                self.trf(&x0, &lb, &ub, bounded, o, &x_scale)
            }
        }
    }

    /// The Jacobian at x: the user's, or SciPy's `2-point` forward differences with relative
    /// step `rel`, each step kept inside `[lb, ub]`.
    fn jacobian(&mut self, x: &[f64], f: &[f64], lb: &[f64], ub: &[f64], rel: f64) -> Matrix {
        let (m, n) = (self.m, x.len());
        let mut j = Matrix::zeros(m, n);
        if let Some(jf) = self.jac.as_mut() {
            jf(x, ArrayViewMut2::from_shape((m, n), &mut j.data).expect("m x n entries"));
            return j;
        }
        let mut xt = x.to_vec();
        let mut ft = vec![0.0; m];
        for k in 0..n {
            xt[k] = x[k] + crate::fd::forward_step(x[k], rel, lb[k], ub[k]);
            let dx = xt[k] - x[k];
            (self.fun)(&xt, &mut ft);
            for i in 0..m {
                j.set(i, k, (ft[i] - f[i]) / dx);
            }
            xt[k] = x[k];
        }
        j
    }
}

/// The Euclidean norm of `it`.
fn norm(it: impl Iterator<Item = f64>) -> f64 {
    it.map(|v| v * v).sum::<f64>().sqrt()
}

/// y(α) = −V (s ⊙ uf / (s² + α)).
fn step_for(uf: &[f64], s: &[f64], v: &Matrix, alpha: f64) -> Vec<f64> {
    let k = s.len();
    let w: Vec<f64> =
        (0..k).map(|i| if s[i] > 0.0 { s[i] * uf[i] / (s[i] * s[i] + alpha) } else { 0.0 }).collect();
    (0..v.rows).map(|r| -(0..k).map(|c| v.get(r, c) * w[c]).sum::<f64>()).collect()
}

/// ‖y(α)‖ − Δ and its derivative in α, from the SVD's `s` and `s ⊙ uf`.
fn phi_and_derivative(alpha: f64, suf: &[f64], s: &[f64], delta: f64) -> (f64, f64) {
    let mut p2 = 0.0;
    let mut d3 = 0.0;
    for i in 0..s.len() {
        let den = s[i] * s[i] + alpha;
        if suf[i] != 0.0 {
            p2 += (suf[i] / den).powi(2);
            d3 += suf[i] * suf[i] / den.powi(3);
        }
    }
    let pn = p2.sqrt();
    (pn - delta, -d3 / pn)
}
