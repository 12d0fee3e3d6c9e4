//! # fastsci-array: vectorized work over arrays in memory and on disk
//!
//! Fused, multi-threaded elementwise evaluation of array expressions, accurate chunked
//! reductions, `.npy` reading and writing, and memory-mapped `.npy` arrays larger than RAM.
#![deny(missing_docs)]

pub mod dtype;
pub mod error;
pub mod eval;
pub mod expr;
pub mod mmap;
pub mod npy;
pub mod parse;
pub mod random;
pub mod raw;
pub mod reduce;
pub mod vmath;
mod vmath_coeffs;

pub use dtype::{ByteOrder, Complex, DType, Element, Real};
pub use error::{ArrayError, Result};
pub use mmap::{NpyMmap, NpyMmapMut};
pub use npy::{NpyArray, NpyHeader, WriteOptions, read_npy, read_npy_as, write_npy, write_npy_with};
pub use raw::RawData;
