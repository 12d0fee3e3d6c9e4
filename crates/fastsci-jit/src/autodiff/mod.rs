//! Automatic differentiation of kernels, as transformations of the typed IR into new typed-IR
//! functions that the same code generator compiles (so derivatives get every optimization
//! the kernels get).
//!
//! - `reverse`: reverse mode (the gradient of a float result), with a tape.
//! - `forward`: forward mode (Jacobian-vector products), tangents beside the values.
//! - `normalize`: structured control flow for the reverse sweep.
//! - `partials`: the derivatives of the math functions.
//! - `build`: constructors of IR nodes.

mod build;
mod forward;
mod normalize;
mod partials;
mod reverse;

pub(crate) use forward::jvp;
pub(crate) use reverse::gradient;
