//! Integration tests of fastsci-jit (one binary, one module per area).

mod corpus;
mod errors;
mod expression;
mod functions;
mod gradient;
mod interp;
mod kernels;
mod nesting;
mod parallel;
mod raw;
mod vectorize;
