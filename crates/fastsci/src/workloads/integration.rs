//! Workload 6: the integral of `exp(-x²) log(1 + x²)` over [0, 5] with an error estimate.

use crate::integrate::{IntegrateError, QuadOptions, QuadResult, quad};

/// The integrand as a formula, for the JIT and the command line.
pub const FORMULA: &str = "exp(-x**2)*log(1+x**2)";

/// The range of integration.
pub const RANGE: (f64, f64) = (0.0, 5.0);

/// The integral to 16 digits, from mpmath (`mp.quad` at 30 digits).
pub const MPMATH_VALUE: f64 = 0.293_309_373_286_686_1;

/// The integrand as a Rust function.
pub fn integrand(x: f64) -> f64 {
    (-x * x).exp() * (1.0 + x * x).ln()
}

/// The workload: QAGS over [`RANGE`] with `options` (SciPy's tolerances by default).
///
/// # Examples
///
/// ```
/// use fastsci::workloads::integration::{MPMATH_VALUE, integral};
/// let r = integral(&Default::default())?;
/// assert!(r.success() && (r.value - MPMATH_VALUE).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Only for invalid `options`.
pub fn integral(options: &QuadOptions) -> Result<QuadResult, IntegrateError> {
    quad(integrand, RANGE.0, RANGE.1, options)
}
