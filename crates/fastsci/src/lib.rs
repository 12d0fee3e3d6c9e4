//! # fastsci: fast numerical computing in one toolkit
//!
//! The one dependency users add. It re-exports the technique crates:
//!
//! | module | technique | replaces |
//! |---|---|---|
//! | [`jit`] | kernels in a Python subset compiled to native code | Numba `@jit` |
//! | [`array`](mod@array) | fused elementwise work, reductions, memory-mapped `.npy` | NumPy, numexpr, `np.memmap` |
//! | [`par`] | parallel map and parameter sweeps | `concurrent.futures` |
//! | [`sparse`] | sparse formats, SpMV, iterative and direct solvers | `scipy.sparse` |
//! | [`integrate`] | adaptive quadrature, derivatives | `scipy.integrate`, `scipy.differentiate` |
//! | [`optimize`] | minimize, least squares, curve fit, roots | `scipy.optimize` |
//! | [`pipeline`] | the end-to-end job of reference workload 8 | a NumPy + Numba + SciPy script |

pub use fastsci_array as array;
pub use fastsci_integrate as integrate;
pub use fastsci_jit as jit;
pub use fastsci_optimize as optimize;
pub use fastsci_par as par;
pub use fastsci_pipeline as pipeline;
pub use fastsci_sparse as sparse;
