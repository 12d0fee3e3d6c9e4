//! # fastsci-optimize: minimization, least squares, curve fitting and root finding
//!
//! The algorithms of `scipy.optimize`, with its defaults, over plain Rust closures.
