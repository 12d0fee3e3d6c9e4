//! Integration tests of fastsci-optimize against stored SciPy fixtures and known optima.

mod common;
mod mgh_minimize;
