//! # fastsci-jit: numeric kernels in a Python subset, compiled to native code
//!
//! Users write the loop-and-branch numeric code that vectorization cannot express as
//! ordinary Python functions; this crate parses them (with `ruff_python_parser`, whose types
//! never leave the front end), infers types per call signature, and compiles them to machine
//! code with Cranelift. Its first milestone compiles a single expression in named variables
//! (`exp(-x**2)*log(1+x**2)`) into a `Send + Sync` Rust closure.
