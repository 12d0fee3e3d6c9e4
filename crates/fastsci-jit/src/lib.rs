//! # fastsci-jit: numeric kernels in a Python subset, compiled to native code
//!
//! Users write the loop-and-branch numeric code that vectorization cannot express as
//! ordinary Python functions; this crate parses them (with `ruff_python_parser`, whose types
//! never leave the front end), infers types per call signature, and compiles them to machine
//! code with Cranelift, in milliseconds. Numba does the same with LLVM in hundreds of ms.
//!
//! Two entry points:
//!
//! - [`Expression`]: one formula in named variables (`exp(-x**2)*log(1+x**2)`,
//!   `100*(x[1]-x[0]**2)**2`) compiled into a `Send + Sync` closure, with exact symbolic
//!   derivatives. Used by `fastsci quad`, `minimize`, `eval`.
//! - [`Module`]: a source of `def`s; [`Module::function`] gives a [`Function`] that is
//!   specialized and compiled per argument signature on first call (cached), then called
//!   with [`Value`]s.
//!
//! Stages: parse (front end) -> kernel AST -> typed IR (type inference to a fixpoint, one
//! specialization per signature) -> Cranelift machine code (the `backend` module, the only
//! one that touches Cranelift). A reference interpreter of the same IR
//! ([`Function::call_interpreted`]) runs the kernels a second way, with the compiled code's
//! semantics to the bit; the differential tests require both ways to agree.
//!
//! Not for: code that needs Python objects, strings, lists or classes; vectorized array
//! expressions (use fastsci-array).

#![deny(missing_docs)]

mod analysis;
mod backend;
mod calling_convention;
mod expression;
mod interp;
mod ir;
mod kernel;
mod lower;
mod runtime;
mod value;

pub use expression::{Expression, VarKind};
pub use fastsci_expr::{ErrorKind, SourceError as JitError};
pub use kernel::{CompileOptions, Function, Module, Source, seed};
pub use value::{ArrayValue, DType, RawArg, RawArray, Value};

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
