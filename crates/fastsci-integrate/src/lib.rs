//! # fastsci-integrate: quadrature and numerical differentiation
//!
//! Adaptive quadrature from the QUADPACK family with honest error estimates, fixed and
//! sampled-data rules, and derivatives by Richardson extrapolation with error estimates.
//! Integrands are plain Rust closures.
