//! Workload 2: estimate pi by Monte Carlo with a plain Python loop, an `if` and random draws.

use crate::jit::{Function, JitError, Module, Value};

/// The kernel, exactly as a user writes it for Numba's `@njit`: the one copy of its source,
/// `pi.py` beside this file, which `bench/py/rows_jit.py` hands to Numba as well.
pub const PI_KERNEL: &str = include_str!("pi.py");

/// The kernel's function name in [`PI_KERNEL`].
pub const PI_FUNCTION: &str = "monte_carlo_pi";

/// [`PI_KERNEL`]'s `monte_carlo_pi`, compiled for an integer sample count.
///
/// # Examples
///
/// ```
/// use fastsci::jit::Value;
/// let pi = fastsci::workloads::jit::compile_pi()?;
/// fastsci::jit::seed(7);
/// let estimate = pi.call(&[Value::Int(100_000)])?.as_f64().unwrap();
/// assert!((estimate - std::f64::consts::PI).abs() < 5.0 * fastsci::workloads::jit::pi_sigma(100_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Only if the compiler rejects the kernel (a bug).
pub fn compile_pi() -> Result<Function, JitError> {
    let function = Module::compile(PI_KERNEL, "pi.py")?.function(PI_FUNCTION)?;
    function.compile_for(&[Value::Int(1)])?;
    Ok(function)
}

/// The standard deviation of the estimate from `n` samples: the count of hits is binomial, so
/// it is `4 sqrt(p (1 − p) / n)` with `p = π/4`.
pub fn pi_sigma(n: i64) -> f64 {
    let p = std::f64::consts::FRAC_PI_4;
    4.0 * (p * (1.0 - p) / n as f64).sqrt()
}
