//! Jacobi smoothing of the tentative prolongator (Vaněk–Mandel–Brezina):
//! `P = (I - ω/ρ D⁻¹ A) T`, `ρ` the estimated spectral radius of `D⁻¹ A`, PyAMG's
//! `jacobi_prolongation_smoother` with its default `ω = 4/3`. The smoothing widens each
//! aggregate's basis functions by one ring of neighbours and lowers their energy, which is
//! what makes smoothed aggregation converge independently of the grid size.

use crate::error::Result;
use crate::matrix::CsrMatrix;
use crate::spgemm::spgemm;

/// `T - (ω/ρ) D⁻¹ A T`.
pub(crate) fn jacobi_smoothed(
    a: &CsrMatrix,
    dinv: &[f64],
    rho: f64,
    omega: f64,
    t: &CsrMatrix,
) -> Result<CsrMatrix> {
    let mut at = spgemm(a, t)?;
    let step = omega / rho;
    let ptr = at.indptr().to_usize();
    let data = at.data_mut();
    for i in 0..dinv.len() {
        let s = step * dinv[i];
        for v in &mut data[ptr[i]..ptr[i + 1]] {
            *v *= s;
        }
    }
    t.sub(&at)
}
