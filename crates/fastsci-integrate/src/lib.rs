//! # fastsci-integrate: quadrature and numerical differentiation with honest error estimates
//!
//! Everything `scipy.integrate.quad` and `scipy.differentiate` do, on plain Rust closures,
//! without a callback crossing a language boundary on every evaluation.
//!
//! Integrands are `FnMut`: they are called one at a time, so they may count calls or keep a
//! cache. The exceptions follow the workspace's rule (see the `fastsci` crate): [`quad_vec`]'s
//! integrand is `Fn + Sync` because it may run on several threads at once, and a
//! [`Limit::Depends`] range is `Fn` because it is read through a shared reference.
//!
//! ## What is here
//!
//! | item | what it does | SciPy |
//! |---|---|---|
//! | [`quad`] + [`QuadOptions`] → [`QuadResult`] | adaptive quadrature, the QUADPACK family behind one entry | `scipy.integrate.quad` |
//! | [`tanh_sinh`] | double-exponential rule for end-point singularities | `mpmath.quad` (tanh-sinh) |
//! | [`quad_vec`] | vector-valued integrands on one shared subdivision, optionally parallel | `scipy.integrate.quad_vec` |
//! | [`GaussLegendre`], [`fixed_quad`] | Gauss–Legendre rules of any order | `numpy.polynomial.legendre.leggauss`, `fixed_quad` |
//! | [`dblquad`], [`tplquad`], [`nquad`] | nested adaptive rules over 2, 3, n dimensions | same names |
//! | [`trapezoid`], [`simpson`], [`cumulative_trapezoid`], [`romb`] | rules for sampled data | same names |
//! | [`derivative`], [`richardson_gradient`], [`richardson_jacobian`], [`richardson_hessian`] | Richardson-extrapolated differences with error estimates | `scipy.differentiate` |
//!
//! ## Algorithms
//!
//! - **QAGS** (finite ranges): the 21-point Gauss–Kronrod rule (error estimate from the
//!   difference to the embedded 10-point Gauss rule, scaled as in QUADPACK:
//!   `resasc · min(1, (200 |K - G| / resasc)^1.5)`), global adaptive bisection of the interval
//!   with the largest error, and Wynn's epsilon algorithm extrapolating the sequence of sums
//!   to remove end-point singularities.
//! - **QAGI** (infinite ranges): the same driver on `t ∈ (0, 1]` after `x = a + (1 - t)/t`
//!   (and `f(x) + f(-x)` for `(-∞, ∞)`), with the 15-point Kronrod rule.
//! - **QAGP**: break points given by the user; extrapolation decided by bisection level.
//! - **QAWO/QAWF**: modified Clenshaw–Curtis (25 Chebyshev points) with moments of
//!   `cos`/`sin`, and cycle-by-cycle summation with extrapolation over infinite ranges.
//! - **QAWC**: Cauchy principal values with moments of `1/(x - c)`.
//! - **QAWS**: algebraic–logarithmic end-point weights with the moments of QMOMO.
//! - **Tanh-sinh**: `x = c + h tanh(π/2 sinh t)` and the trapezoid rule in `t`, halving the
//!   step until two levels agree.
//! - **Derivatives**: central differences at steps `h, h/2, h/4, ...` and a Richardson
//!   (Neville) tableau in `h²`; the error estimate is the change between successive
//!   extrapolants plus the rounding error `ε |f| / h` of the differences.
//!
//! ## When not to use it
//!
//! For smooth integrands on a fixed grid of samples you already have, use the sampled-data
//! rules; for high-dimensional integrals (more than about 4 dimensions) nested adaptive
//! quadrature is too slow and Monte Carlo methods are the better tool.
//!
//! ## Example
//!
//! ```
//! use fastsci_integrate::{quad, QuadOptions, derivative, DerivativeOptions};
//! let r = quad(|x: f64| (-x * x).exp() * (1.0 + x * x).ln(), 0.0, 5.0, &QuadOptions::default())?;
//! assert!(r.success() && r.abserr < 1e-8);
//! let d = derivative(f64::sin, 1.0, &DerivativeOptions::default())?;
//! assert!((d.value - 1f64.cos()).abs() <= d.error);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod clenshaw;
mod derivative;
mod error;
mod gauss_legendre;
mod kronrod;
mod multi;
mod quad;
mod quad_vec;
mod quadpack;
mod sampled;
mod tanh_sinh;

/// An `FnMut` integrand behind a shared reference, for the rules that take it as `&F`: the
/// library calls it one call at a time and never from inside itself, so the borrow never
/// overlaps (the rule of the crate docs: `FnMut` for callbacks called one at a time).
pub(crate) fn shared(f: impl FnMut(f64) -> f64) -> impl Fn(f64) -> f64 {
    let cell = std::cell::RefCell::new(f);
    move |x| (cell.borrow_mut())(x)
}

/// [`shared`] for a function of several variables.
pub(crate) fn shared_slice<T>(f: impl FnMut(&[f64]) -> T) -> impl Fn(&[f64]) -> T {
    let cell = std::cell::RefCell::new(f);
    move |x| (cell.borrow_mut())(x)
}

pub use derivative::{
    DerivativeOptions, DerivativeResult, DerivativeStatus, GradientResult, JacobianResult, derivative,
    richardson_gradient, richardson_hessian, richardson_jacobian,
};
pub use error::IntegrateError;
pub use gauss_legendre::{GaussLegendre, fixed_quad};
pub use multi::{Limit, RangeFn, dblquad, nquad, tplquad};
pub use quad::{QuadOptions, QuadResult, QuadStatus, Weight, quad};
pub use quad_vec::{Norm, QuadVecOptions, QuadVecResult, quad_vec};
pub use sampled::{Spacing, cumulative_trapezoid, romb, simpson, trapezoid};
pub use tanh_sinh::tanh_sinh;
