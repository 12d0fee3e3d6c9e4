//! An objective with counting and one-point caches, like SciPy's `ScalarFunction`.

use crate::fd::{FiniteDiff, finite_difference_gradient};

/// A boxed objective.
pub(crate) type FunBox<'a> = Box<dyn FnMut(&[f64]) -> f64 + 'a>;
/// A boxed gradient: writes the gradient at x into the slice.
pub(crate) type GradBox<'a> = Box<dyn FnMut(&[f64], &mut [f64]) + 'a>;
/// A boxed Hessian-vector product: (x, v, out).
pub(crate) type HesspBox<'a> = Box<dyn FnMut(&[f64], &[f64], &mut [f64]) + 'a>;
/// A boxed dense Hessian: writes ∇²f(x) row-major (n × n) into the slice.
pub(crate) type HessBox<'a> = Box<dyn FnMut(&[f64], &mut [f64]) + 'a>;

/// The objective of one run: evaluations counted, the last value and gradient cached.
pub(crate) struct ScalarFunction<'p, 'a> {
    fun: &'p mut FunBox<'a>,
    grad: Option<&'p mut GradBox<'a>>,
    fd: FiniteDiff,
    bounds: Option<&'p [(f64, f64)]>,
    pub nfev: usize,
    pub ngev: usize,
    fx: Option<(Vec<f64>, f64)>,
    gx: Option<(Vec<f64>, Vec<f64>)>,
}

impl<'p, 'a> ScalarFunction<'p, 'a> {
    pub fn new(
        fun: &'p mut FunBox<'a>,
        grad: Option<&'p mut GradBox<'a>>,
        fd: FiniteDiff,
        bounds: Option<&'p [(f64, f64)]>,
    ) -> Self {
        ScalarFunction { fun, grad, fd, bounds, nfev: 0, ngev: 0, fx: None, gx: None }
    }

    /// f(x), cached at the last point.
    pub fn fun(&mut self, x: &[f64]) -> f64 {
        if let Some((cx, v)) = &self.fx
            && cx.as_slice() == x
        {
            return *v;
        }
        let v = (self.fun)(x);
        self.nfev += 1;
        match &mut self.fx {
            Some((cx, cv)) => {
                cx.copy_from_slice(x);
                *cv = v;
            }
            None => self.fx = Some((x.to_vec(), v)),
        }
        v
    }

    /// The gradient at x into `g`, cached at the last point.
    pub fn grad(&mut self, x: &[f64], g: &mut [f64]) {
        if let Some((cx, cg)) = &self.gx
            && cx.as_slice() == x
        {
            g.copy_from_slice(cg);
            return;
        }
        self.ngev += 1;
        if let Some(gf) = self.grad.as_mut() {
            gf(x, g);
        } else {
            let f0 = self.fun(x);
            let fun = &mut *self.fun;
            let n = finite_difference_gradient(fun, x, f0, self.fd, self.bounds, g);
            self.nfev += n;
        }
        match &mut self.gx {
            Some((cx, cg)) => {
                cx.copy_from_slice(x);
                cg.copy_from_slice(g);
            }
            None => self.gx = Some((x.to_vec(), g.to_vec())),
        }
    }
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `a · b` in four interleaved partial sums, for long vectors: a single running sum waits on
/// each addition's latency, which dominates L-BFGS-B at n = 1000.
pub(crate) fn dot_lanes(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for j in 0..4 {
            acc[j] += x[j] * y[j];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

pub(crate) fn norm_inf(a: &[f64]) -> f64 {
    let mut m: f64 = 0.0;
    for &v in a {
        if v.is_nan() {
            return f64::NAN;
        }
        m = m.max(v.abs());
    }
    m
}

pub(crate) fn norm2(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}
