//! Rules for sampled data: `trapezoid`, `simpson`, `cumulative_trapezoid`, `romb`, as in
//! `scipy.integrate`.

use crate::error::IntegrateError;

/// Where the samples are: equally spaced `dx` apart, or at given abscissae.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spacing<'a> {
    /// Equally spaced samples `dx` apart (SciPy's `dx=`).
    Uniform(f64),
    /// Samples at these abscissae (SciPy's `x=`), one per sample.
    Points(&'a [f64]),
}

impl Spacing<'_> {
    fn check(&self, n: usize) -> Result<(), IntegrateError> {
        match self {
            Spacing::Uniform(dx) if !dx.is_finite() => {
                Err(IntegrateError::InvalidInput(format!("the spacing dx must be finite, got {dx}")))
            }
            Spacing::Points(x) if x.len() != n => Err(IntegrateError::InvalidInput(format!(
                "x has {} abscissae but y has {n} samples",
                x.len()
            ))),
            _ => Ok(()),
        }
    }

    /// Width of interval `i` (between samples i and i + 1).
    #[inline]
    fn width(&self, i: usize) -> f64 {
        match self {
            Spacing::Uniform(dx) => *dx,
            Spacing::Points(x) => x[i + 1] - x[i],
        }
    }
}

/// `∫ y dx` by the composite trapezoid rule (`scipy.integrate.trapezoid`).
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{trapezoid, Spacing};
/// assert_eq!(trapezoid(&[1.0, 2.0, 3.0], Spacing::Uniform(1.0))?, 4.0);
/// assert_eq!(trapezoid(&[1.0, 2.0, 3.0], Spacing::Points(&[0.0, 1.0, 3.0]))?, 6.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] when `x` and `y` differ in length or `dx` is not finite.
pub fn trapezoid(y: &[f64], spacing: Spacing<'_>) -> Result<f64, IntegrateError> {
    spacing.check(y.len())?;
    Ok((0..y.len().saturating_sub(1)).map(|i| 0.5 * spacing.width(i) * (y[i] + y[i + 1])).sum())
}

/// Running integrals `∫_{x_0}^{x_i} y dx` by the trapezoid rule
/// (`scipy.integrate.cumulative_trapezoid`): `n - 1` values, or `n` starting with `initial`.
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{cumulative_trapezoid, Spacing};
/// let c = cumulative_trapezoid(&[1.0, 2.0, 3.0], Spacing::Uniform(1.0), Some(0.0))?;
/// assert_eq!(c, vec![0.0, 1.5, 4.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] when `x` and `y` differ in length or `dx` is not finite.
pub fn cumulative_trapezoid(
    y: &[f64],
    spacing: Spacing<'_>,
    initial: Option<f64>,
) -> Result<Vec<f64>, IntegrateError> {
    spacing.check(y.len())?;
    let mut out = Vec::with_capacity(y.len());
    let mut acc = 0.0;
    if let Some(v) = initial {
        out.push(v);
        acc = v;
    }
    for i in 0..y.len().saturating_sub(1) {
        acc += 0.5 * spacing.width(i) * (y[i] + y[i + 1]);
        out.push(acc);
    }
    Ok(out)
}

/// Simpson's rule on the interval pair (h0, h1) with samples y0, y1, y2 (any spacing).
#[inline]
fn simpson_pair(h0: f64, h1: f64, y0: f64, y1: f64, y2: f64) -> f64 {
    let hs = h0 + h1;
    hs / 6.0 * ((2.0 - h1 / h0) * y0 + hs * hs / (h0 * h1) * y1 + (2.0 - h0 / h1) * y2)
}

/// `∫ y dx` by composite Simpson's rule (`scipy.integrate.simpson`, SciPy ≥ 1.11): pairs of
/// intervals by Simpson's rule (also for uneven spacing); with an even number of samples the
/// last interval gets Cartwright's correction, exact for quadratics.
///
/// # Examples
///
/// ```
/// use fastsci_integrate::{simpson, Spacing};
/// let x: Vec<f64> = (0..=6).map(|i| i as f64 / 6.0).collect();
/// let y: Vec<f64> = x.iter().map(|x| x * x).collect();
/// assert!((simpson(&y, Spacing::Points(&x))? - 1.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] when `x` and `y` differ in length or `dx` is not finite.
pub fn simpson(y: &[f64], spacing: Spacing<'_>) -> Result<f64, IntegrateError> {
    spacing.check(y.len())?;
    let n = y.len();
    match n {
        0 | 1 => return Ok(0.0),
        2 => return Ok(0.5 * spacing.width(0) * (y[0] + y[1])),
        _ => {}
    }
    let pairs_end = if n % 2 == 1 { n - 1 } else { n - 2 };
    let mut s = 0.0;
    let mut i = 0;
    while i + 2 <= pairs_end {
        s += simpson_pair(spacing.width(i), spacing.width(i + 1), y[i], y[i + 1], y[i + 2]);
        i += 2;
    }
    if n.is_multiple_of(2) {
        let h0 = spacing.width(n - 3);
        let h1 = spacing.width(n - 2);
        let alpha = (2.0 * h1 * h1 + 3.0 * h0 * h1) / (6.0 * (h0 + h1));
        let beta = (h1 * h1 + 3.0 * h0 * h1) / (6.0 * h0);
        let eta = h1 * h1 * h1 / (6.0 * h0 * (h0 + h1));
        s += alpha * y[n - 1] + beta * y[n - 2] - eta * y[n - 3];
    }
    Ok(s)
}

/// Romberg integration of `2^k + 1` equally spaced samples (`scipy.integrate.romb`):
/// trapezoid sums at strides `2^k, ..., 2, 1`, extrapolated by Richardson's rule.
///
/// # Examples
///
/// ```
/// let y: Vec<f64> = (0..=16).map(|i| (i as f64 / 16.0).exp()).collect();
/// let v = fastsci_integrate::romb(&y, 1.0 / 16.0)?;
/// assert!((v - (1f64.exp() - 1.0)).abs() < 1e-13);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`IntegrateError::InvalidInput`] unless the number of samples is `2^k + 1` (k ≥ 0) and
/// `dx` is finite.
pub fn romb(y: &[f64], dx: f64) -> Result<f64, IntegrateError> {
    let n = y.len();
    let intervals = n.wrapping_sub(1);
    if n < 1 || !(intervals == 0 || intervals.is_power_of_two()) {
        return Err(IntegrateError::InvalidInput(format!("romb needs 2^k + 1 samples, got {n}")));
    }
    if !dx.is_finite() {
        return Err(IntegrateError::InvalidInput(format!("the spacing dx must be finite, got {dx}")));
    }
    if intervals == 0 {
        return Ok(0.0);
    }
    let k = intervals.trailing_zeros() as usize;
    let width = intervals as f64 * dx;
    let mut r = vec![vec![0.0; k + 1]; k + 1];
    r[0][0] = 0.5 * width * (y[0] + y[n - 1]);
    let mut stride = intervals;
    for i in 1..=k {
        stride /= 2;
        let h = width / (1usize << i) as f64;
        let new: f64 = (stride..intervals).step_by(2 * stride).map(|j| y[j]).sum();
        r[i][0] = 0.5 * r[i - 1][0] + h * new;
        let mut factor = 1.0;
        for j in 1..=i {
            factor *= 4.0;
            r[i][j] = r[i][j - 1] + (r[i][j - 1] - r[i - 1][j - 1]) / (factor - 1.0);
        }
    }
    Ok(r[k][k])
}
