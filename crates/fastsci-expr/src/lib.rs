//! # fastsci-expr: the Python-subset front end shared by fastsci's two evaluators
//!
//! fastsci compiles numeric code written in Python syntax in two ways: fastsci-jit compiles
//! kernels and formulas to machine code, and fastsci-array evaluates array expressions block
//! by block on all cores. Both start here: the source is parsed (with `ruff_python_parser`,
//! whose types never leave [`parser`]) into our own [`ast`], formulas are checked against the
//! formula subset ([`formula`]) and differentiated symbolically ([`derivative`]), and every
//! math function either side knows stands once in [`functions`], with its aliases, arity,
//! derivative, runtime symbol and whether the SIMD vector math has it. Errors carry
//! `file:line:column`, the source line and a caret ([`SourceError`]). [`memory`] holds the
//! large-array allocation both evaluators use for their outputs.
//!
//! Not for: evaluating anything (use fastsci-jit or fastsci-array).
//!
//! ## Public API
//! - [`formula::parse_expression`]: a formula into an [`ast::Expr`], checked.
//! - [`parser::parse_module`]: a kernel module into an [`ast::ModuleAst`].
//! - [`derivative::diff`] with [`derivative::Target`]: exact symbolic derivatives.
//! - [`functions::MATH_FUNCTIONS`], [`functions::lookup`], [`functions::canonical_function`],
//!   [`functions::named_constant`], and the NumPy semantics of [`functions::fmod`],
//!   [`functions::fmin`], [`functions::fmax`].
//! - [`SourceError`], [`ErrorKind`].
//! - [`memory::zeroed_vec`].
//!
//! ## Example
//! ```
//! use fastsci_expr::{ast::ExprKind, derivative::{diff, Target}, formula::parse_expression};
//! let src = "exp(-x**2) * log(1 + x**2)";
//! let e = parse_expression(src)?;
//! assert!(matches!(e.kind, ExprKind::Binary { .. }));
//! let d = diff(&e, &Target::Scalar("x"), src)?;
//! assert!(d.to_string().contains("exp"));
//! # Ok::<(), fastsci_expr::SourceError>(())
//! ```

#![deny(missing_docs)]

pub mod ast;
pub mod derivative;
pub mod dtype;
pub mod error;
pub mod formula;
pub mod functions;
pub mod memory;
pub mod parser;

pub use error::{ErrorKind, SourceError};
