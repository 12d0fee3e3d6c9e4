//! # fastsci: fast numerical computing in one toolkit
//!
//! The one dependency users add. One formula, compiled once, serves every technique:
//!
//! ```
//! use fastsci::prelude::*;
//!
//! // JIT compilation: a Python formula becomes machine code, and its derivative too.
//! let formula = "exp(-x**2) * log(1 + x**2)";
//! let f = Expression::compile(formula, &[("x", VarKind::Scalar)])?;
//! let df = f.derivative("x", None)?;
//! let integrand = |x: f64| f.eval(&[x], &[]);
//!
//! // Integration and differentiation: adaptive quadrature, Richardson differences.
//! let integral = quad(integrand, 0.0, 5.0, &QuadOptions::default())?;
//! assert!(integral.success() && (integral.value - 0.293_309_373_286_686_1).abs() < 1e-12); // mpmath
//! let slope = derivative(integrand, 1.0, &DerivativeOptions::default())?;
//! assert!((slope.value - df.eval(&[1.0], &[])).abs() <= 1e-9);
//!
//! // Optimization: the formula's own maximum (minimize its negative, exact gradient).
//! let res = Problem::new(|x: &[f64]| -f.eval(&[x[0]], &[]))
//!     .with_gradient(|x: &[f64], g: &mut [f64]| g[0] = -df.eval(&[x[0]], &[]))
//!     .minimize(&[1.0], Method::Bfgs, &MinimizeOptions::default())?;
//! assert!(res.success() && (res.x[0] - 0.873_626_255_530_302).abs() < 1e-5); // mpmath
//!
//! // Vectorization: the same formula fused over a whole array.
//! let xs = fastsci::ndarray::Array1::linspace(0.0, 5.0, 1001).into_dyn();
//! let ys = evaluate(&fastsci::array::parse::parse(formula)?, &[("x", xs.view())])?;
//! assert!((ys[200] - integrand(1.0)).abs() < 1e-14);
//!
//! // Parallel processing: a map over all cores, results in input order.
//! let peaks = Executor::new()?.progress(Progress::Never).map(&[0.5, 1.0, 2.0], |&x: &f64| integrand(x));
//! assert_eq!(peaks.into_values()?[1], integrand(1.0));
//!
//! // Sparse matrices: the 1-D Laplacian, solved directly and by conjugate gradients.
//! let a = laplacian_1d(100)?;
//! let b = a.mul_vec(&vec![1.0; 100])?;
//! for method in [SolveMethod::Auto, SolveMethod::Cg] {
//!     let sol = solve(&a, &b, method, PrecondKind::None, &IterativeOptions::with_rtol(1e-10))?;
//!     assert!(sol.success() && sol.x.iter().all(|v| (v - 1.0).abs() < 1e-6));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Memory mapping ([`array::NpyMmap`]) and the end-to-end [`pipeline`] work on files; see
//! `examples/` for each technique's reference workload at full size.
//!
//! ## The crates
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
//!
//! ## One vocabulary
//!
//! - Options are `XxxOptions` structs built by struct literal over `Default` (SciPy's
//!   defaults): `MinimizeOptions { maxiter: Some(100), ..Default::default() }`.
//! - Results are `XxxResult` with a `status` enum saying why the method stopped and a
//!   `success()` method; SciPy's numbers are kept beside (`code`, `code()`).
//! - Problems with optional parts are built with `with_*` methods ([`optimize::Problem`],
//!   [`optimize::LsqProblem`], [`optimize::RootProblem`]).
//! - Four kinds of derivative, named by how they are computed:
//!   [`integrate::richardson_gradient`] (differences with an error estimate),
//!   [`optimize::finite_difference_gradient`] (SciPy's `approx_fprime` steps),
//!   [`optimize::dual_gradient`] (exact, by forward-mode dual numbers) and
//!   [`jit::Expression::derivative`] (symbolic, compiled).
//! - Dense matrices at the public boundaries are [`ndarray::Array2<f64>`] (results such as
//!   `hess_inv`, `jac`, `pcov`); callbacks that fill a matrix get an `ArrayViewMut2` over the
//!   solver's buffer.
//! - Callbacks follow one rule, the weakest bound the call pattern allows: a callback the
//!   library calls **one call at a time** is `FnMut` (objectives, gradients, residuals,
//!   integrands, models: they may count calls or keep a cache without a `Cell`); a callback it
//!   may call **from several threads at once** is `Fn + Sync` ([`par::Executor::map`],
//!   [`par::Sweep`], [`integrate::quad_vec`]). The one exception is a callback stored in a value
//!   the library reads through a shared reference, [`integrate::Limit::Depends`], which is `Fn`
//!   (`dblquad`/`tplquad` take `FnMut` range functions and adapt them).
//! - Errors keep their cause: a variant that wraps another crate's error holds it as its
//!   `source()`, not as text.

pub use fastsci_array as array;
pub use fastsci_integrate as integrate;
pub use fastsci_jit as jit;
pub use fastsci_optimize as optimize;
pub use fastsci_par as par;
pub use fastsci_pipeline as pipeline;
pub use fastsci_sparse as sparse;
/// The array crate of every public boundary (dense matrices are `ndarray::Array2<f64>`).
pub use ndarray;

/// The names most programs need, in one `use fastsci::prelude::*;`.
pub mod prelude {
    pub use fastsci_array::eval::evaluate;
    pub use fastsci_array::{NpyArray, NpyMmap, NpyMmapMut, read_npy, write_npy};
    pub use fastsci_integrate::{
        DerivativeOptions, QuadOptions, QuadResult, QuadStatus, derivative, quad, richardson_gradient,
    };
    pub use fastsci_jit::{Expression, Function, Module, Value, VarKind};
    pub use fastsci_optimize::{
        Constraint, CurveFitOptions, LsqOptions, LsqProblem, Method, MinimizeOptions, MinimizeStatus,
        OptimizeResult, Problem, curve_fit, minimize, minimize_scalar, root, root_scalar,
    };
    pub use fastsci_par::{Axis, Executor, Progress, Sweep};
    pub use fastsci_sparse::{
        CooMatrix, CscMatrix, CsrMatrix, IterativeOptions, PrecondKind, SolveMethod, SolveStatus,
        laplacian_1d, laplacian_2d, solve,
    };
}
