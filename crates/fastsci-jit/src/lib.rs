//! # fastsci-jit: numeric kernels in a Python subset, compiled to native code
//!
//! Users write the loop-and-branch numeric code that vectorization cannot express as
//! ordinary Python functions; this crate compiles them: the source is parsed by
//! [`fastsci_expr`] (with `ruff_python_parser`, whose types never leave that front end),
//! types are inferred per call signature, and Cranelift makes machine code, in milliseconds.
//! Numba does the same with LLVM in hundreds of ms.
//!
//! ```
//! use fastsci_jit::{Expression, Module, Value, VarKind};
//! // A kernel: compiled for (int) on the first call, then cached.
//! let src = "def harmonic(n):\n    s = 0.0\n    for k in range(1, n + 1):\n        s += 1.0 / k\n    return s\n";
//! let harmonic = Module::compile(src, "h.py")?.function("harmonic")?;
//! assert_eq!(harmonic.call(&[Value::Int(4)])?, Value::Float(1.0 + 0.5 + 1.0 / 3.0 + 0.25));
//! assert_eq!(harmonic.signatures(), ["(int64) -> float64"]);
//! // A formula: a `Send + Sync` closure, with an exact derivative.
//! let f = Expression::compile("exp(-x**2) * x", &[("x", VarKind::Scalar)])?;
//! let df = f.derivative("x", None)?.to_fn1();
//! assert!((df(0.5) - (1.0 - 2.0 * 0.25) * (-0.25f64).exp()).abs() < 1e-15);
//! # Ok::<(), fastsci_jit::JitError>(())
//! ```
//!
//! ## Public API
//!
//! - [`Module`] (from source: [`Module::compile`], [`Module::compile_with`] and
//!   [`CompileOptions`], [`Module::compile_parts`] with [`Source`]) gives a [`Function`] per
//!   `def`: [`Function::call`], [`Function::call_mut`] (writes into argument arrays),
//!   [`Function::call_raw`] and [`Function::call_raw_if_brief`] (borrowed memory, as
//!   [`RawArg`]/[`RawArray`]), [`Function::compile_for`], [`Function::signatures`],
//!   [`Function::inspect_types`], [`Function::call_interpreted`] (the reference
//!   interpreter), [`Function::to_fn1`], [`Function::to_fn_slice`].
//! - [`Expression`] with [`VarKind`]: one formula compiled into a closure, with
//!   [`Expression::derivative`].
//! - [`Value`], [`ArrayValue`], [`DType`]: arguments and results; [`seed`] the kernels'
//!   random generator.
//! - [`JitError`] with [`ErrorKind`]: every compile and runtime error, positioned.
//! - [`expr`] and [`memory`]: paths kept for [`fastsci_expr`]'s formula tree and memory.
//!
//! ## Stages, one module each, in the order of a kernel's journey
//!
//! front end ([`fastsci_expr`]) -> `lower` (type inference to a fixpoint, one specialization
//! per signature; `lower/` has a file each for expressions, builtin calls, statements, whole-array
//! expressions and views) -> `ir` (the typed IR) with `analysis` beside it -> `optimize_loops` (loop unrolling on the typed IR) -> `codegen` (the only
//! module that touches Cranelift; statements, expressions and operations in a file each) -> `calling_convention` (arguments and results as 64-bit
//! slots) -> `kernel` and `expression` (the public API). A reference interpreter of the same
//! IR, `interp` ([`Function::call_interpreted`]), runs the kernels a second way, with the
//! compiled code's semantics to the bit; the differential tests require both ways to agree.
//!
//! Not for: code that needs Python objects, strings, lists or classes; vectorized array
//! expressions (use fastsci-array).

#![deny(missing_docs)]

mod analysis;
mod autodiff;
mod calling_convention;
mod codegen;
mod expression;
mod interp;
mod ir;
mod kernel;
mod lower;
mod optimize_loops;
mod parallel;
mod runtime;
mod value;
mod vectorize;

pub use expression::{Expression, VarKind};
pub use fastsci_expr::{ErrorKind, SourceError as JitError};
pub use kernel::{CompileOptions, Function, Module, Source, seed};
pub use value::{ArrayValue, DType, RawArg, RawArray, RawArrayRef, Value};
pub use vectorize::Ufunc;

/// The formula tree and its parser, from [`fastsci_expr`] (kept at this path for the crates
/// that used it here).
pub mod expr {
    pub use fastsci_expr::ast::{BinOp, BoolOp, CmpOp, Expr, ExprKind, Span, UnaryOp};
    pub use fastsci_expr::formula::parse_expression;
    pub use fastsci_expr::functions::MATH_FUNCTIONS;
}

/// Large zeroed arrays backed by huge pages, from [`fastsci_expr::memory`].
pub mod memory {
    pub use fastsci_expr::memory::*;
}
