//! Objectives that compute their value and gradient together (a kernel's reverse-mode
//! gradient, `fastsci_jit::Function::to_value_and_gradient_slice`, a hand-written adjoint),
//! as SciPy's `jac=True`: one evaluation per point serves both the value and the gradient.

use std::cell::RefCell;
use std::rc::Rc;

use crate::minimize::Problem;

/// The last point evaluated, with its value and gradient.
struct Memo<F> {
    fg: F,
    x: Vec<f64>,
    f: f64,
    g: Vec<f64>,
}

impl<F: FnMut(&[f64], &mut [f64]) -> f64> Memo<F> {
    /// Evaluates at `x` unless it is the last point.
    fn at(&mut self, x: &[f64]) {
        if self.x.as_slice() != x || self.g.len() != x.len() {
            self.x.clear();
            self.x.extend_from_slice(x);
            self.g.resize(x.len(), 0.0);
            self.f = (self.fg)(x, &mut self.g);
        }
    }
}

impl<'a> Problem<'a> {
    /// A problem whose objective computes its value and gradient at once: `fg(x, g)` writes
    /// ∇f(x) into `g` and returns f(x). The optimizer asks for the value and the gradient at
    /// the same points; each point is evaluated once (the last one is remembered).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_optimize::{Method, MinimizeOptions, Problem};
    /// let mut evaluations = 0;
    /// let fg = |x: &[f64], g: &mut [f64]| {
    ///     evaluations += 1;
    ///     g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
    ///     g[1] = 200.0 * (x[1] - x[0] * x[0]);
    ///     100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2)
    /// };
    /// let res = Problem::from_value_and_gradient(fg).minimize(&[-1.2, 1.0], Method::LBfgsB, &MinimizeOptions::default())?;
    /// assert!(res.success() && (res.x[0] - 1.0).abs() < 1e-4);
    /// assert!(evaluations <= res.nfev.max(res.njev));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value_and_gradient(fg: impl FnMut(&[f64], &mut [f64]) -> f64 + 'a) -> Self {
        let memo = Rc::new(RefCell::new(Memo { fg, x: Vec::new(), f: f64::NAN, g: Vec::new() }));
        let for_grad = Rc::clone(&memo);
        Problem::new(move |x: &[f64]| {
            let mut m = memo.borrow_mut();
            m.at(x);
            m.f
        })
        .with_gradient(move |x: &[f64], g: &mut [f64]| {
            let mut m = for_grad.borrow_mut();
            m.at(x);
            g.copy_from_slice(&m.g);
        })
    }
}
