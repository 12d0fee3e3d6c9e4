//! Powell's conjugate-direction method with Brent line minimizations (`_minimize_powell`).

use crate::result::{MinimizeStatus, OptimizeResult, messages};
use crate::scalar::{best_of, bounded_core, bracket, brent_core};

struct MaxFev;

struct Counted<'f> {
    f: &'f mut dyn FnMut(&[f64]) -> f64,
    n: usize,
    max: usize,
    hit: bool,
}

impl Counted<'_> {
    fn call(&mut self, x: &[f64]) -> Result<f64, MaxFev> {
        if self.n >= self.max {
            self.hit = true;
            return Err(MaxFev);
        }
        self.n += 1;
        Ok((self.f)(x))
    }
}

/// `_line_for_search`: the range of t keeping x + t d inside the bounds.
fn line_for_search(x: &[f64], d: &[f64], lb: &[f64], ub: &[f64]) -> (f64, f64) {
    let mut lmin = f64::NEG_INFINITY;
    let mut lmax = f64::INFINITY;
    let mut any = false;
    for i in 0..x.len() {
        if d[i] == 0.0 {
            continue;
        }
        any = true;
        let low = (lb[i] - x[i]) / d[i];
        let high = (ub[i] - x[i]) / d[i];
        let (a, b) = if d[i] > 0.0 { (low, high) } else { (high, low) };
        lmin = lmin.max(a);
        lmax = lmax.min(b);
    }
    if !any {
        return (0.0, 0.0);
    }
    if lmax >= lmin { (lmin, lmax) } else { (0.0, 0.0) }
}

/// `_linesearch_powell`: minimizes along `xi` from `p`; returns (f, new p, step vector).
fn linesearch(
    cf: &mut Counted,
    p: &[f64],
    xi: &[f64],
    tol: f64,
    bounds: Option<(&[f64], &[f64])>,
    fval: f64,
) -> Result<(f64, Vec<f64>, Vec<f64>), MaxFev> {
    if xi.iter().all(|&v| v == 0.0) {
        return Ok((fval, p.to_vec(), xi.to_vec()));
    }
    let mut err = false;
    let mut xt = vec![0.0; p.len()];
    let mut along = |t: f64, cf: &mut Counted, err: &mut bool| -> f64 {
        for i in 0..p.len() {
            xt[i] = p[i] + t * xi[i];
        }
        match cf.call(&xt) {
            Ok(v) => v,
            Err(MaxFev) => {
                *err = true;
                f64::INFINITY
            }
        }
    };
    let bound = bounds.map(|(lb, ub)| line_for_search(p, xi, lb, ub));
    let (alpha, fret) = match bound {
        Some((lo, hi)) if lo.is_finite() || hi.is_finite() => {
            let (map_tan, lo2, hi2) =
                if lo.is_finite() && hi.is_finite() { (false, lo, hi) } else { (true, lo.atan(), hi.atan()) };
            let r = bounded_core(
                &mut |t| along(if map_tan { t.tan() } else { t }, cf, &mut err),
                lo2,
                hi2,
                tol / 100.0,
                500,
            );
            (if map_tan { r.x.tan() } else { r.x }, r.fun)
        }
        _ => {
            let mut g = |t| along(t, cf, &mut err);
            let br = bracket(&mut g, 0.0, 1.0);
            if br.valid {
                let r = brent_core(&mut g, &br, tol, 500);
                (r.x, r.fun)
            } else {
                best_of(&br)
            }
        }
    };
    if err {
        return Err(MaxFev);
    }
    let step: Vec<f64> = xi.iter().map(|v| alpha * v).collect();
    let newp: Vec<f64> = p.iter().zip(&step).map(|(a, b)| a + b).collect();
    Ok((fret, newp, step))
}

pub(crate) fn minimize_powell(
    fun: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    bounds: Option<&[(f64, f64)]>,
    xtol: f64,
    ftol: f64,
    maxiter: Option<usize>,
    maxfev: Option<usize>,
) -> OptimizeResult {
    let n = x0.len();
    let (maxiter, maxfun) = match (maxiter, maxfev) {
        (None, None) => (n * 1000, n * 1000),
        (None, Some(f)) => (usize::MAX, f),
        (Some(i), None) => (i, usize::MAX),
        (Some(i), Some(f)) => (i, f),
    };
    let lbub: Option<(Vec<f64>, Vec<f64>)> = bounds.map(|b| b.iter().copied().unzip());
    let bref = lbub.as_ref().map(|(l, u)| (l.as_slice(), u.as_slice()));
    // A start outside the bounds is not clipped, as SciPy's is not: each coordinate's first
    // line search then ranges over the whole feasible interval of that coordinate and lands
    // inside. Clipping instead put the start on a face or corner, where the first sweeps could
    // only slide along the boundary (3,000 evaluations and failure where SciPy takes 234).
    let mut x = x0.to_vec();
    let mut cf = Counted { f: fun, n: 0, max: maxfun, hit: false };
    let mut direc: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut e = vec![0.0; n];
            e[i] = 1.0;
            e
        })
        .collect();
    let mut fval = cf.call(&x).unwrap_or(f64::INFINITY);
    let mut x1 = x.clone();
    let mut iter = 0;
    if cf.n > 0 {
        loop {
            let step = (|| -> Result<bool, MaxFev> {
                let fx = fval;
                let mut bigind = 0;
                let mut delta = 0.0;
                for i in 0..n {
                    let fx2 = fval;
                    let (f1, xn, _) = linesearch(&mut cf, &x, &direc[i], xtol * 100.0, bref, fval)?;
                    fval = f1;
                    x = xn;
                    if fx2 - fval > delta {
                        delta = fx2 - fval;
                        bigind = i;
                    }
                }
                iter += 1;
                let bnd = ftol * (fx.abs() + fval.abs()) + 1e-20;
                if 2.0 * (fx - fval) <= bnd
                    || cf.n >= maxfun
                    || iter >= maxiter
                    || (fx.is_nan() && fval.is_nan())
                {
                    return Ok(true);
                }
                let direc1: Vec<f64> = x.iter().zip(&x1).map(|(a, b)| a - b).collect();
                x1 = x.clone();
                let lmax = match bref {
                    None => 1.0,
                    Some((lb, ub)) => line_for_search(&x, &direc1, lb, ub).1,
                };
                let x2: Vec<f64> = x.iter().zip(&direc1).map(|(a, d)| a + lmax.min(1.0) * d).collect();
                let fx2 = cf.call(&x2)?;
                if fx > fx2 {
                    let mut t = 2.0 * (fx + fx2 - 2.0 * fval);
                    let temp = fx - fval - delta;
                    t *= temp * temp;
                    let temp = fx - fx2;
                    t -= delta * temp * temp;
                    if t < 0.0 {
                        let (f1, xn, d1) = linesearch(&mut cf, &x, &direc1, xtol * 100.0, bref, fval)?;
                        fval = f1;
                        x = xn;
                        if d1.iter().any(|&v| v != 0.0) {
                            direc[bigind] = direc[n - 1].clone();
                            direc[n - 1] = d1;
                        }
                    }
                }
                Ok(false)
            })();
            match step {
                Ok(true) | Err(MaxFev) => break,
                Ok(false) => {}
            }
        }
    }
    let mut res = OptimizeResult::new(x, fval);
    let out = bref.is_some_and(|(lb, ub)| res.x.iter().enumerate().any(|(i, &v)| v < lb[i] || v > ub[i]));
    if out {
        res.stop(MinimizeStatus::OutOfBounds, 4);
        res.message = "The result is outside of the provided bounds.".into();
    } else if cf.n >= maxfun || cf.hit {
        res.stop(MinimizeStatus::MaxFunctionEvaluations, 1);
        res.message = messages::MAXFEV.into();
    } else if iter >= maxiter {
        res.stop(MinimizeStatus::MaxIterations, 2);
        res.message = messages::MAXITER.into();
    } else if fval.is_nan() || res.x.iter().any(|v| v.is_nan()) {
        res.stop(MinimizeStatus::NotFinite, 3);
        res.message = messages::NAN.into();
    }
    res.nit = iter;
    res.nfev = cf.n;
    res
}
