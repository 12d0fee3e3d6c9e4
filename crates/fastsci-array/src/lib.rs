//! # fastsci-array: vectorized work over arrays in memory and on disk
//!
//! Fused, multi-threaded elementwise evaluation of array expressions, accurate chunked
//! reductions, `.npy` reading and writing, and memory-mapped `.npy` arrays larger than RAM.
