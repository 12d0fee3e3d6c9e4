//! Integrals over 2, 3 and n dimensions by nested adaptive quadrature
//! (`scipy.integrate.dblquad`, `tplquad`, `nquad`).
//!
//! The innermost variable is integrated by [`quad`] for each value of the outer ones, and so
//! on outwards. The reported error is the outer integral's error plus the largest inner error
//! times the outer range's length (for infinite outer ranges, plus the largest inner error),
//! so inner inaccuracy is not hidden the way SciPy's outer-only estimate hides it.

use std::cell::Cell;

use crate::error::IntegrateError;
use crate::quad::{QuadOptions, QuadResult, QuadStatus, quad};

/// A range computed from the outer variables.
pub type RangeFn<'a> = Box<dyn Fn(&[f64]) -> (f64, f64) + 'a>;

/// The range of one variable in [`nquad`].
pub enum Limit<'a> {
    /// A fixed range `[lo, hi]`.
    Fixed(f64, f64),
    /// A range that depends on the outer variables (those after this one), given in order.
    Depends(RangeFn<'a>),
}

impl Limit<'_> {
    fn at(&self, outer: &[f64]) -> (f64, f64) {
        match self {
            Limit::Fixed(lo, hi) => (*lo, *hi),
            Limit::Depends(g) => g(outer),
        }
    }
}

struct Tally {
    neval: Cell<usize>,
    worst_inner: Cell<f64>,
    status: Cell<QuadStatus>,
}

fn level<F: Fn(&[f64]) -> f64>(
    f: &F,
    ranges: &[Limit<'_>],
    k: usize,
    outer: &[f64],
    o: &QuadOptions,
    tally: &Tally,
) -> Result<QuadResult, IntegrateError> {
    let (lo, hi) = ranges[k].at(outer);
    let failure: Cell<Option<IntegrateError>> = Cell::new(None);
    let g = |t: f64| -> f64 {
        let mut args = Vec::with_capacity(outer.len() + 1);
        args.push(t);
        args.extend_from_slice(outer);
        if k == 0 {
            tally.neval.set(tally.neval.get() + 1);
            f(&args)
        } else {
            match level(f, ranges, k - 1, &args, o, tally) {
                Ok(r) => {
                    tally.worst_inner.set(tally.worst_inner.get().max(r.abserr));
                    if r.status != QuadStatus::Success && tally.status.get() == QuadStatus::Success {
                        tally.status.set(r.status);
                    }
                    r.value
                }
                Err(e) => {
                    failure.set(Some(e));
                    f64::NAN
                }
            }
        }
    };
    let r = quad(g, lo, hi, o)?;
    if let Some(e) = failure.take() {
        return Err(e);
    }
    Ok(r)
}

/// `∫...∫ f(x_0, ..., x_{n-1})` over nested ranges (`scipy.integrate.nquad`): `ranges[0]` is
/// the innermost variable `x_0`; `ranges[i]` may depend on `x_{i+1}, ..., x_{n-1}`.
///
/// `neval` counts evaluations of `f`; `intervals` is the outermost integral's.
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{nquad, Limit, QuadOptions};
/// // ∫_0^1 ∫_0^x x*y dy dx = 1/8
/// let ranges = [Limit::Depends(Box::new(|o: &[f64]| (0.0, o[0]))), Limit::Fixed(0.0, 1.0)];
/// let r = nquad(|v: &[f64]| v[0] * v[1], &ranges, &QuadOptions::default())?;
/// assert!((r.value - 0.125).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] when `ranges` is empty, and any error of [`quad`] on a
/// range (NaN limits, invalid options).
pub fn nquad<F: FnMut(&[f64]) -> f64>(
    f: F,
    ranges: &[Limit<'_>],
    options: &QuadOptions,
) -> Result<QuadResult, IntegrateError> {
    let f = crate::shared_slice(f);
    if ranges.is_empty() {
        return Err(IntegrateError::InvalidInput("nquad needs at least one range".into()));
    }
    let tally =
        Tally { neval: Cell::new(0), worst_inner: Cell::new(0.0), status: Cell::new(QuadStatus::Success) };
    let mut r = level(&f, ranges, ranges.len() - 1, &[], options, &tally)?;
    if ranges.len() > 1 {
        let (lo, hi) = ranges[ranges.len() - 1].at(&[]);
        let width = (hi - lo).abs();
        let inner = tally.worst_inner.get();
        r.abserr += if width.is_finite() { inner * width } else { inner };
        if r.status == QuadStatus::Success && tally.status.get() != QuadStatus::Success {
            r.status = tally.status.get();
            r.message = format!("an inner integral: {}", r.status.message(options.limit));
        }
    }
    r.neval = tally.neval.get();
    Ok(r)
}

/// `∫_a^b ∫_{g(x)}^{h(x)} f(y, x) dy dx` (`scipy.integrate.dblquad`; note SciPy's argument
/// order: the inner variable `y` comes first).
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{dblquad, QuadOptions};
/// let r = dblquad(|y, x| x * y * y, 0.0, 2.0, |_| 0.0, |_| 1.0, &QuadOptions::default())?;
/// assert!((r.value - 2.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`nquad`].
pub fn dblquad<F, G, H>(
    f: F,
    a: f64,
    b: f64,
    gfun: G,
    hfun: H,
    options: &QuadOptions,
) -> Result<QuadResult, IntegrateError>
where
    F: FnMut(f64, f64) -> f64,
    G: FnMut(f64) -> f64,
    H: FnMut(f64) -> f64,
{
    let (gfun, hfun) = (crate::shared(gfun), crate::shared(hfun));
    let mut f = f;
    let ranges = [Limit::Depends(Box::new(|o: &[f64]| (gfun(o[0]), hfun(o[0])))), Limit::Fixed(a, b)];
    nquad(|v: &[f64]| f(v[0], v[1]), &ranges, options)
}

/// `∫_a^b ∫_{g(x)}^{h(x)} ∫_{q(x,y)}^{r(x,y)} f(z, y, x) dz dy dx` (`scipy.integrate.tplquad`).
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{tplquad, QuadOptions};
/// // Volume of the unit simplex: 1/6.
/// let r = tplquad(|_, _, _| 1.0, 0.0, 1.0, |_| 0.0, |x| 1.0 - x, |_, _| 0.0, |x, y| 1.0 - x - y,
///                 &QuadOptions::default())?;
/// assert!((r.value - 1.0 / 6.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`nquad`].
#[allow(clippy::too_many_arguments)]
pub fn tplquad<F, G, H, Q, R>(
    f: F,
    a: f64,
    b: f64,
    gfun: G,
    hfun: H,
    mut qfun: Q,
    mut rfun: R,
    options: &QuadOptions,
) -> Result<QuadResult, IntegrateError>
where
    F: FnMut(f64, f64, f64) -> f64,
    G: FnMut(f64) -> f64,
    H: FnMut(f64) -> f64,
    Q: FnMut(f64, f64) -> f64,
    R: FnMut(f64, f64) -> f64,
{
    let (gfun, hfun) = (crate::shared(gfun), crate::shared(hfun));
    let qfun = crate::shared_slice(move |o: &[f64]| qfun(o[1], o[0]));
    let rfun = crate::shared_slice(move |o: &[f64]| rfun(o[1], o[0]));
    let mut f = f;
    // outer = [y, x] for z's range, [x] for y's range.
    let ranges = [
        Limit::Depends(Box::new(|o: &[f64]| (qfun(o), rfun(o)))),
        Limit::Depends(Box::new(|o: &[f64]| (gfun(o[0]), hfun(o[0])))),
        Limit::Fixed(a, b),
    ];
    nquad(|v: &[f64]| f(v[0], v[1], v[2]), &ranges, options)
}
