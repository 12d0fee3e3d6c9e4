//! `quad_vec`: adaptive quadrature of vector-valued integrands on one shared subdivision
//! (`scipy.integrate.quad_vec`).
//!
//! Every interval carries the 21-point Gauss–Kronrod estimate of all components and an error
//! `‖K - G‖ · |h|` in the chosen norm. The intervals with the largest errors are bisected
//! (one at a time, or a batch of one per thread in parallel with rayon) until the summed error
//! meets `max(epsabs, epsrel ‖value‖)`. Infinite ranges are mapped to finite ones
//! (`x = a + t/(1-t)`, `x = t/(1-t²)`).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::error::IntegrateError;
use crate::kronrod::{WG10, WGK21, XGK21};
use crate::quad::QuadStatus;

/// The norm that turns a vector error into one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Norm {
    /// Largest absolute component (SciPy's `norm='max'`, the default).
    #[default]
    Max,
    /// Euclidean norm (`norm='2'`).
    L2,
}

impl Norm {
    fn of(self, v: &[f64]) -> f64 {
        match self {
            Norm::Max => v.iter().fold(0.0f64, |m, x| m.max(x.abs())),
            Norm::L2 => v.iter().map(|x| x * x).sum::<f64>().sqrt(),
        }
    }
}

/// Options of [`quad_vec`], with SciPy's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct QuadVecOptions {
    /// Absolute tolerance (default `1e-200`, i.e. relative only).
    pub epsabs: f64,
    /// Relative tolerance (default `1e-8`).
    pub epsrel: f64,
    /// Norm for errors (default [`Norm::Max`]).
    pub norm: Norm,
    /// Maximum number of subintervals (default 10,000).
    pub limit: usize,
    /// Evaluate intervals in parallel with rayon (default false).
    pub parallel: bool,
    /// Break points inside a finite range.
    pub points: Vec<f64>,
}

impl Default for QuadVecOptions {
    fn default() -> QuadVecOptions {
        QuadVecOptions {
            epsabs: 1e-200,
            epsrel: 1e-8,
            norm: Norm::Max,
            limit: 10_000,
            parallel: false,
            points: Vec::new(),
        }
    }
}

/// The result of [`quad_vec`].
#[derive(Debug, Clone, PartialEq)]
pub struct QuadVecResult {
    /// The integral of each component.
    pub value: Vec<f64>,
    /// The error estimate, in the chosen norm.
    pub abserr: f64,
    /// Number of calls of the integrand.
    pub neval: usize,
    /// Number of subintervals.
    pub intervals: usize,
    /// How it ended.
    pub status: QuadStatus,
    /// The status for people.
    pub message: String,
}

impl QuadVecResult {
    /// True when the requested accuracy was reached.
    pub fn success(&self) -> bool {
        self.status == QuadStatus::Success
    }
}

struct Piece {
    a: f64,
    b: f64,
    value: Vec<f64>,
    err: f64,
    bad: bool,
}

impl PartialEq for Piece {
    fn eq(&self, other: &Self) -> bool {
        self.err.total_cmp(&other.err) == Ordering::Equal
    }
}
impl Eq for Piece {}
impl PartialOrd for Piece {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Piece {
    fn cmp(&self, other: &Self) -> Ordering {
        self.err.total_cmp(&other.err)
    }
}

/// GK21 on [a, b] for all components.
fn gk21_vec<F: Fn(f64, &mut [f64]) + ?Sized>(f: &F, n: usize, norm: Norm, a: f64, b: f64) -> Piece {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let mut k = vec![0.0; n];
    let mut g = vec![0.0; n];
    let mut buf = vec![0.0; n];
    let mut bad = false;
    let mut add = |x: f64, wk: f64, wg: f64, buf: &mut [f64], k: &mut [f64], g: &mut [f64]| {
        f(x, buf);
        for i in 0..n {
            if !buf[i].is_finite() {
                bad = true;
            }
            k[i] += wk * buf[i];
            g[i] += wg * buf[i];
        }
    };
    add(c, WGK21[10], 0.0, &mut buf, &mut k, &mut g);
    for j in 0..10 {
        let wg = if j % 2 == 1 { WG10[j / 2] } else { 0.0 };
        let d = h * XGK21[j];
        add(c - d, WGK21[j], wg, &mut buf, &mut k, &mut g);
        add(c + d, WGK21[j], wg, &mut buf, &mut k, &mut g);
    }
    let diff: Vec<f64> = k.iter().zip(&g).map(|(k, g)| (k - g) * h).collect();
    let value: Vec<f64> = k.iter().map(|k| k * h).collect();
    let err = norm.of(&diff) + 50.0 * f64::EPSILON * norm.of(&value);
    Piece { a, b, value, err, bad }
}

/// `∫_a^b f(x) dx` for a vector-valued `f` that writes its `n` components into the slice
/// it is given (`scipy.integrate.quad_vec`).
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{quad_vec, QuadVecOptions};
/// // ∫_0^1 (x, x², x³) dx
/// let r = quad_vec(|x: f64, out: &mut [f64]| { out[0] = x; out[1] = x * x; out[2] = x * x * x; }, 3, 0.0, 1.0,
///                  &QuadVecOptions::default())?;
/// assert!((r.value[1] - 1.0 / 3.0).abs() < 1e-14 && r.status.code() == 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] for NaN limits, `n = 0`, invalid tolerances or `limit = 0`.
pub fn quad_vec<F: Fn(f64, &mut [f64]) + Sync>(
    f: F,
    n: usize,
    a: f64,
    b: f64,
    options: &QuadVecOptions,
) -> Result<QuadVecResult, IntegrateError> {
    let o = options;
    if a.is_nan() || b.is_nan() {
        return Err(IntegrateError::InvalidInput("the limits of integration must not be NaN".into()));
    }
    if n == 0 || o.limit == 0 || !(o.epsabs >= 0.0 && o.epsrel >= 0.0) || (o.epsabs == 0.0 && o.epsrel == 0.0)
    {
        return Err(IntegrateError::InvalidInput(
            "quad_vec needs n >= 1, limit >= 1 and non-negative tolerances, not both zero".into(),
        ));
    }
    if a == b {
        return Ok(QuadVecResult {
            value: vec![0.0; n],
            abserr: 0.0,
            neval: 0,
            intervals: 0,
            status: QuadStatus::Success,
            message: QuadStatus::Success.message(o.limit),
        });
    }
    let (lo, hi, sign) = if a < b { (a, b, 1.0) } else { (b, a, -1.0) };
    let mut r = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => run(&f, n, lo, hi, o.points.clone(), o),
        (true, false) => {
            let g = |t: f64, out: &mut [f64]| {
                let d = 1.0 - t;
                f(lo + t / d, out);
                out.iter_mut().for_each(|v| *v /= d * d);
            };
            run(&g, n, 0.0, 1.0, Vec::new(), o)
        }
        (false, true) => {
            let g = |t: f64, out: &mut [f64]| {
                let d = 1.0 - t;
                f(hi - t / d, out);
                out.iter_mut().for_each(|v| *v /= d * d);
            };
            run(&g, n, 0.0, 1.0, Vec::new(), o)
        }
        (false, false) => {
            let g = |t: f64, out: &mut [f64]| {
                let d = 1.0 - t * t;
                f(t / d, out);
                let j = (1.0 + t * t) / (d * d);
                out.iter_mut().for_each(|v| *v *= j);
            };
            run(&g, n, -1.0, 1.0, Vec::new(), o)
        }
    };
    r.value.iter_mut().for_each(|v| *v *= sign);
    Ok(r)
}

fn run<F: Fn(f64, &mut [f64]) + Sync + ?Sized>(
    f: &F,
    n: usize,
    a: f64,
    b: f64,
    points: Vec<f64>,
    o: &QuadVecOptions,
) -> QuadVecResult {
    let mut cuts = vec![a];
    let mut inner: Vec<f64> = points.into_iter().filter(|p| *p > a && *p < b).collect();
    inner.sort_by(f64::total_cmp);
    cuts.extend(inner);
    cuts.push(b);
    let eval = |pairs: Vec<(f64, f64)>| -> Vec<Piece> {
        if o.parallel {
            pairs.into_par_iter().map(|(x, y)| gk21_vec(f, n, o.norm, x, y)).collect()
        } else {
            pairs.into_iter().map(|(x, y)| gk21_vec(f, n, o.norm, x, y)).collect()
        }
    };
    let first = eval(cuts.windows(2).map(|w| (w[0], w[1])).collect());
    let mut neval = 21 * first.len();
    let mut heap: BinaryHeap<Piece> = first.into_iter().collect();
    let batch = if o.parallel { rayon::current_num_threads().max(1) } else { 1 };
    let totals = |heap: &BinaryHeap<Piece>| {
        let mut v = vec![0.0; n];
        let mut e = 0.0;
        let mut bad = false;
        for p in heap.iter() {
            v.iter_mut().zip(&p.value).for_each(|(s, x)| *s += x);
            e += p.err;
            bad |= p.bad;
        }
        (v, e, bad)
    };
    let mut status = QuadStatus::Success;
    loop {
        let (value, err, bad) = totals(&heap);
        if bad {
            status = QuadStatus::NonFinite;
            break;
        }
        if err <= o.epsabs.max(o.epsrel * o.norm.of(&value)) {
            break;
        }
        if heap.len() >= o.limit {
            status = QuadStatus::MaxSubdivisions;
            break;
        }
        let take = batch.min(o.limit - heap.len()).max(1);
        let mut pairs = Vec::with_capacity(2 * take);
        let mut tiny = false;
        for _ in 0..take {
            let Some(p) = heap.pop() else { break };
            let m = 0.5 * (p.a + p.b);
            if !(m > p.a && m < p.b) {
                tiny = true;
                heap.push(p);
                break;
            }
            pairs.push((p.a, m));
            pairs.push((m, p.b));
        }
        if tiny && pairs.is_empty() {
            status = QuadStatus::Roundoff;
            break;
        }
        neval += 21 * pairs.len();
        for p in eval(pairs) {
            heap.push(p);
        }
    }
    let intervals = heap.len();
    let (mut value, mut abserr, _) = totals(&heap);
    if status == QuadStatus::NonFinite {
        value.iter_mut().for_each(|v| *v = f64::NAN);
        abserr = f64::INFINITY;
    }
    QuadVecResult { value, abserr, neval, intervals, status, message: status.message(o.limit) }
}
