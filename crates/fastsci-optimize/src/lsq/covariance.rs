//! The covariance of least-squares parameters, shared by `curve_fit` and the pipeline's fit.

use ndarray::{Array2, ArrayView2};

use crate::linalg::{Matrix, svd};

/// What [`covariance`] reports for a rank-deficient Jacobian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankDeficiency {
    /// Infinity everywhere, as `leastsq` (SciPy's `curve_fit` without bounds): a parameter the
    /// model ignores has no finite variance.
    Infinite,
    /// The pseudo-inverse, as SciPy's `least_squares` branch (with bounds).
    PseudoInverse,
}

/// The covariance of least-squares parameters from the Jacobian `J` (m x n) at the solution:
/// the Moore–Penrose inverse of `JᵀJ` by the SVD of `J` (singular values below
/// `eps · max(m, n) · s_max` discarded, as SciPy), times `s² = sum_squares / (m − n)` when the
/// residuals' scale is estimated from the fit (`Some(Σ rᵢ²)`), unscaled for absolute weights
/// (`None`). Infinity everywhere when it cannot be estimated (`m ≤ n` with scaling, a NaN, or a
/// rank-deficient `J` under [`RankDeficiency::Infinite`]).
///
/// # Examples
///
/// ```
/// use fastsci_optimize::lsq::{RankDeficiency, covariance};
/// // Fitting a constant to 4 points: variance s² / m.
/// let j = ndarray::Array2::ones((4, 1));
/// let pcov = covariance(j.view(), Some(6.0), RankDeficiency::Infinite);
/// assert!((pcov[[0, 0]] - 6.0 / 3.0 / 4.0).abs() < 1e-15);
/// ```
pub fn covariance(jac: ArrayView2<'_, f64>, sum_squares: Option<f64>, rank: RankDeficiency) -> Array2<f64> {
    let (m, n) = jac.dim();
    let sv = svd(&Matrix { rows: m, cols: n, data: jac.iter().copied().collect() });
    let threshold = f64::EPSILON * m.max(n) as f64 * sv.s.first().copied().unwrap_or(0.0);
    let mut pcov = Matrix::zeros(n, n);
    for k in 0..sv.s.len() {
        if sv.s[k] > threshold {
            let w = 1.0 / (sv.s[k] * sv.s[k]);
            for i in 0..n {
                for j in 0..n {
                    let v = pcov.get(i, j) + sv.v.get(i, k) * w * sv.v.get(j, k);
                    pcov.set(i, j, v);
                }
            }
        }
    }
    // leastsq's covariance, inv(R) inv(R)ᵀ from the pivoted QR of J, fails (and SciPy returns
    // inf everywhere) when J is rank-deficient, as when the model ignores a parameter; the
    // pseudo-inverse would instead report a finite, meaningless variance for it.
    let rank_deficient =
        rank == RankDeficiency::Infinite && (sv.s.len() < n || sv.s.iter().any(|&s| s <= threshold));
    let bad = rank_deficient || pcov.data.iter().any(|v| v.is_nan());
    match sum_squares {
        _ if bad => pcov.data.fill(f64::INFINITY),
        Some(_) if m <= n => pcov.data.fill(f64::INFINITY),
        Some(sum_squares) => {
            let s_sq = sum_squares / (m - n) as f64;
            pcov.data.iter_mut().for_each(|v| *v *= s_sq);
        }
        None => {}
    }
    to_array(pcov)
}

/// The public form of an internal row-major matrix.
pub(super) fn to_array(m: Matrix) -> Array2<f64> {
    Array2::from_shape_vec((m.rows, m.cols), m.data).expect("rows x cols entries")
}
