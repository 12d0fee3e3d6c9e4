//! Workload 7: the Rosenbrock function `100 (y − x²)² + (1 − x)²` from (−1.2, 1), by
//! Nelder–Mead without derivatives and by BFGS with the analytic gradient.

use crate::optimize::{Method, MinimizeOptions, OptimizeError, OptimizeResult, Problem};

/// The starting point.
pub const START: [f64; 2] = [-1.2, 1.0];

/// The Rosenbrock function of two variables.
pub fn rosenbrock(x: &[f64]) -> f64 {
    100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2)
}

/// Its gradient, into `g`.
pub fn rosenbrock_gradient(x: &[f64], g: &mut [f64]) {
    g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
    g[1] = 200.0 * (x[1] - x[0] * x[0]);
}

/// Nelder–Mead from [`START`] with SciPy's defaults (SciPy: 159 evaluations).
///
/// # Examples
///
/// ```
/// let r = fastsci::workloads::optimization::nelder_mead()?;
/// assert!(r.success() && r.nfev == 159);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// None in practice: the arguments are valid.
pub fn nelder_mead() -> Result<OptimizeResult, OptimizeError> {
    Problem::new(rosenbrock).minimize(&START, Method::NelderMead, &MinimizeOptions::default())
}

/// BFGS with [`rosenbrock_gradient`] from [`START`] with SciPy's defaults (SciPy: 39
/// evaluations).
///
/// # Examples
///
/// ```
/// let r = fastsci::workloads::optimization::bfgs()?;
/// assert!(r.success() && r.nfev == 39);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// None in practice: the arguments are valid.
pub fn bfgs() -> Result<OptimizeResult, OptimizeError> {
    Problem::new(rosenbrock).with_gradient(rosenbrock_gradient).minimize(
        &START,
        Method::Bfgs,
        &MinimizeOptions::default(),
    )
}
