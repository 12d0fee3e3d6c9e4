//! The result of a minimization, with the fields of `scipy.optimize.OptimizeResult`.

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

/// The outcome of [`crate::minimize`] and the other minimizers.
///
/// Field names follow `scipy.optimize.OptimizeResult`. A run that stops without meeting its
/// tolerance still returns a result, with `success == false`, a nonzero `status` and a message.
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
    pub hess_inv: Option<Vec<f64>>,
    /// Number of objective evaluations (finite-difference evaluations included).
    pub nfev: usize,
    /// Number of gradient evaluations.
    pub njev: usize,
    /// Number of Hessian (or Hessian-vector product) evaluations.
    pub nhev: usize,
    /// Number of iterations.
    pub nit: usize,
    /// 0 on success; method-specific codes otherwise (as SciPy's).
    pub status: i32,
    /// Whether the method met its tolerance.
    pub success: bool,
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
            status: 0,
            success: true,
            message: messages::SUCCESS.to_string(),
            multipliers: None,
        }
    }
}
