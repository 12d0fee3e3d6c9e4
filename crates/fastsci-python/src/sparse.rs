//! `fastsci.optimize`.
use pyo3::prelude::*;
/// Adds the functions.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
