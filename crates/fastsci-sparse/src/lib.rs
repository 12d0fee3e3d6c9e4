//! # fastsci-sparse: sparse matrices and solvers
//!
//! COO, CSR and CSC formats, multi-threaded sparse matrix-vector products, Matrix Market
//! I/O, Krylov solvers with preconditioners, and direct Cholesky and LU through faer.
