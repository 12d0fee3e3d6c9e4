//! Integration tests of fastsci-jit (one binary, one module per area).

mod expression;
mod kernels;
