//! The reference workloads of `WORKLOADS.md`, each written once: the example programs in
//! `examples/`, the sections of `fastsci tour` and the rows of `bench/compare` call these
//! definitions, so the three always run the same work.
//!
//! They live in the facade crate because it is the one crate all three can depend on: the
//! examples are this crate's, and the CLI and `fastsci-bench` are binaries no one can depend on.
//!
//! | module | workload |
//! |---|---|
//! | [`jit`](crate::workloads::jit) | 2: Monte Carlo pi, a Python kernel compiled by fastsci-jit |
//! | [`parallel`](crate::workloads::parallel) | 4: 100 tasks of 10 ms, serially and on all cores |
//! | [`sparse`](crate::workloads::sparse) | 5: tridiagonal and 2-D Laplacian matrices, SpMV and solves |
//! | [`integration`](crate::workloads::integration) | 6: `∫_0^5 exp(-x²) log(1 + x²) dx` with its error estimate |
//! | [`optimization`](crate::workloads::optimization) | 7: the Rosenbrock function from (−1.2, 1), Nelder–Mead and BFGS |

pub mod integration;
pub mod jit;
pub mod optimization;
pub mod parallel;
pub mod sparse;
