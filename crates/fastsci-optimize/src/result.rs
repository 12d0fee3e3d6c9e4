//! The result of a minimization, with the fields of `scipy.optimize.OptimizeResult`.

use ndarray::Array2;

/// SciPy's status messages, word for word.
pub mod messages {
    /// Converged.
    pub const SUCCESS: &str = "Optimization terminated successfully.";
    /// Too many function evaluations.
    pub const MAXFEV: &str = "Maximum number of function evaluations has been exceeded.";
    /// Too many iterations.
    pub const MAXITER: &str = "Maximum number of iterations has been exceeded.";
    /// The line search failed.
    pub const PR_LOSS: &str = "Desired error not necessarily achieved due to precision loss.";
    /// NaN appeared.
    pub const NAN: &str = "NaN result encountered.";
}

/// Why a minimizer stopped. SciPy reports a method-specific number (kept in
/// [`OptimizeResult::code`]); this names what the number means, the same for every method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MinimizeStatus {
    /// The method met its tolerance.
    Converged,
    /// The limit on objective evaluations was reached.
    MaxFunctionEvaluations,
    /// The limit on iterations was reached.
    MaxIterations,
    /// The line search found no acceptable step: rounding limits the accuracy.
    PrecisionLoss,
    /// The objective, its gradient or the point became NaN.
    NotFinite,
    /// Powell's method ended outside the bounds.
    OutOfBounds,
    /// Newton-CG met a Hessian that is not positive definite.
    NotPositiveDefinite,
    /// A trust-region model predicted no decrease.
    NoPredictedDecrease,
    /// L-BFGS-B's line search failed repeatedly ("ABNORMAL").
    Abnormal,
    /// SLSQP: the linearized constraints have no common point.
    IncompatibleConstraints,
    /// SLSQP: its least-squares subproblem failed (singular, rank deficient, too many
    /// equalities or iterations).
    SubproblemFailed,
}

/// The outcome of [`crate::minimize`] and the other minimizers.
///
/// Field names follow `scipy.optimize.OptimizeResult`. A run that stops without meeting its
/// tolerance still returns a result, with [`success`](Self::success) false, a `status` other
/// than [`MinimizeStatus::Converged`] and a message.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::{MinimizeStatus, Method, minimize};
/// let res = minimize(|x: &[f64]| (x[0] - 3.0).powi(2), &[0.0], Method::Bfgs)?;
/// assert!(res.success() && res.status == MinimizeStatus::Converged && res.code == 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizeResult {
    /// The solution (the best point found).
    pub x: Vec<f64>,
    /// The objective at `x`.
    pub fun: f64,
    /// The gradient at `x`, where the method computes one.
    pub jac: Option<Vec<f64>>,
    /// The inverse-Hessian approximation (row-major, n x n), where the method keeps one: BFGS,
    /// and L-BFGS-B for n ≤ 200 (SciPy's `LbfgsInvHessProduct` made dense).
    pub hess_inv: Option<Array2<f64>>,
    /// Number of objective evaluations (finite-difference evaluations included).
    pub nfev: usize,
    /// Number of gradient evaluations.
    pub njev: usize,
    /// Number of Hessian (or Hessian-vector product) evaluations.
    pub nhev: usize,
    /// Number of iterations.
    pub nit: usize,
    /// Why it stopped.
    pub status: MinimizeStatus,
    /// SciPy's number for the status: 0 on success, method-specific otherwise.
    pub code: i32,
    /// Why it stopped, in SciPy's words.
    pub message: String,
    /// SLSQP: the Lagrange multipliers of the last QP subproblem, one per constraint component
    /// (equalities first, then inequalities; SciPy's `multipliers`).
    pub multipliers: Option<Vec<f64>>,
}

impl OptimizeResult {
    pub(crate) fn new(x: Vec<f64>, fun: f64) -> Self {
        OptimizeResult {
            x,
            fun,
            jac: None,
            hess_inv: None,
            nfev: 0,
            njev: 0,
            nhev: 0,
            nit: 0,
            status: MinimizeStatus::Converged,
            code: 0,
            message: messages::SUCCESS.to_string(),
            multipliers: None,
        }
    }

    /// True when the method met its tolerance.
    pub fn success(&self) -> bool {
        self.status == MinimizeStatus::Converged
    }

    pub(crate) fn stop(&mut self, status: MinimizeStatus, code: i32) {
        self.status = status;
        self.code = code;
    }
}
