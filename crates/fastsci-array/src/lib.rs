//! # fastsci-array: vectorized work over arrays in memory and on disk
//!
//! Fused, multi-threaded elementwise evaluation of array expressions, accurate chunked
//! reductions, `.npy` reading and writing, and memory-mapped `.npy` arrays larger than RAM.
//!
//! Use it where NumPy would make a temporary per operator (fused evaluation), where a sum must
//! be accurate (compensated reductions), or where the data does not fit in memory (mapped
//! files with a bounded footprint). Do not use it for linear algebra or general n-d indexing:
//! use `ndarray` (whose arrays it reads and writes) for that.
//!
//! ## Core types
//! - [`input`]: every input file is checked to be a regular file of bounded size before it is
//!   read, and a `.npy` header's declared size against the file's length before allocating.
//! - [`NpyArray`], [`read_npy`], [`write_npy`]: `.npy` files of every NumPy numeric dtype,
//!   both byte orders, C and Fortran order, format versions 1.0 to 3.0 ([`npy`]).
//! - [`NpyMmap`], [`NpyMmapMut`]: files mapped read-only or read-write, created with a shape
//!   and dtype and filled chunk by chunk ([`mmap`], which states the memory bound).
//! - [`zeroed_vec`]: a large output buffer backed by huge pages, as NumPy allocates them.
//! - [`RawData`]: a view of real elements of any dtype, read block by block as `f64`.
//! - [`reduce::Summary`], [`reduce::describe`], [`reduce::describe_axis`],
//!   [`reduce::histogram`]: every statistic in one parallel, compensated pass.
//! - [`expr::Expr`], [`parse::parse`], [`eval::Program`]: expressions from Rust or Python
//!   syntax, compiled to a register program over blocks and run on all cores.
//! - [`vmath`]: SIMD-friendly `exp`, `log`, `sin`, `cos`, `tan`, `tanh`, `sqrt`, `pow`, `erf`
//!   within 2 ulp.
//! - [`random`]: uniform, normal and integer arrays, reproducible on any thread count.
//!
//! ## Example
//! ```
//! use fastsci_array::{eval::{ArrayInput, Program}, parse::parse, random, reduce, RawData};
//! let n = 100_000;
//! let a = random::array(&random::Distribution::Normal { mean: 0.0, std: 1.0 }, 1, n)?;
//! let b = random::array(&random::Distribution::Uniform { low: 0.0, high: 1.0 }, 2, n)?;
//! let program = Program::compile(&parse("a*b + 2*a - sin(a)")?)?;
//! let inputs = [
//!     ("a", ArrayInput::new(RawData::from_slice(&a), &[n], false)?),
//!     ("b", ArrayInput::new(RawData::from_slice(&b), &[n], false)?),
//! ];
//! let out = program.eval(&inputs)?;
//! let s = reduce::describe(&RawData::from_slice(out.as_slice().unwrap()));
//! assert_eq!(s.len(), n);
//! assert!(s.mean().abs() < 0.1);
//! # Ok::<(), fastsci_array::ArrayError>(())
//! ```
#![deny(missing_docs)]

pub mod atomic;
pub mod dtype;
pub mod error;
pub mod eval;
pub mod expr;
pub mod input;
pub mod mmap;
pub mod npy;
pub mod parse;
pub mod random;
pub mod raw;
pub mod reduce;
mod simd;
pub mod vmath;
mod vmath_coeffs;

pub use atomic::replace_atomically;
pub use dtype::{ByteOrder, Complex, DType, Element, Real};
pub use error::{ArrayError, FileKind, Result};
pub use fastsci_expr::memory::zeroed_vec;
pub use mmap::{NpyMmap, NpyMmapMut};
pub use npy::{NpyArray, NpyHeader, WriteOptions, read_npy, read_npy_as, write_npy, write_npy_with};
pub use raw::RawData;
