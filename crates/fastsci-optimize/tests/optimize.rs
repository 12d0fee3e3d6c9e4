//! Integration tests of fastsci-optimize against stored SciPy fixtures and known optima.

mod common;
mod edge;
mod hock_schittkowski;
mod lsq;
mod mgh_minimize;
mod scalar;
mod slsqp;
