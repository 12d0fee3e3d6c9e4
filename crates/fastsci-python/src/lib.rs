//! # fastsci-python: the extension module behind `import fastsci`
//!
//! The private module `fastsci._fastsci`, built by maturin (a mixed project: the public names,
//! docstrings and typing stubs live in the pure-Python package under `python/fastsci`). It only
//! converts at the boundary: Python numbers, tuples and NumPy arrays in, the same out; the work
//! is done by fastsci-jit (kernels), fastsci-array (the fused evaluator, `.npy` files, exactly
//! rounded reductions) and fastsci-par (the parallel map and sweeps), with the GIL released
//! while Rust runs.
//!
//! Not for: Rust users, who call those crates directly (or the `fastsci` facade).
//!
//! ## Core types
//! - [`kernel::Kernel`]: a `@fastsci.jit` function, compiled per argument signature on first
//!   call; its errors become Python exceptions naming the user's file and line.
//! - [`arrays`]: `evaluate`, `.npy` saving, reductions over arrays and files, `stats`.
//! - [`par`]: `map` of a kernel over items on threads without the GIL, and `sweep`.

#![deny(missing_docs)]

use pyo3::prelude::*;

pub mod arrays;
pub mod callable;
pub mod convert;
pub mod errors;
pub mod integrate;
pub mod interrupt;
pub mod kernel;
pub mod optimize;
pub mod par;
pub mod sparse;

/// Chains fastsci's SIGINT handler in front of the current one (again, after `signal.signal`).
#[pyfunction]
fn install_interrupt_handler() {
    interrupt::install();
}

/// The extension module `fastsci._fastsci`.
#[pymodule]
fn _fastsci(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("CompileError", py.get_type::<errors::CompileError>())?;
    m.add_class::<kernel::Kernel>()?;
    m.add_function(wrap_pyfunction!(install_interrupt_handler, m)?)?;
    interrupt::install();
    arrays::register(m)?;
    par::register(m)?;
    integrate::register(m)?;
    optimize::register(m)?;
    sparse::register(m)?;
    Ok(())
}
