//! The Galerkin coarse operator `A_c = R A P` with `R = Pᵀ`: two sparse products, each
//! multi-threaded ([`crate::spgemm::spgemm`]). For symmetric `A` the coarse operator is
//! symmetric and the coarse correction is the `A`-orthogonal projection onto `range(P)`.

use crate::error::Result;
use crate::matrix::CsrMatrix;
use crate::spgemm::spgemm;

/// `(Pᵀ A P, Pᵀ)`.
pub(crate) fn coarse_operator(a: &CsrMatrix, p: &CsrMatrix) -> Result<(CsrMatrix, CsrMatrix)> {
    let ap = spgemm(a, p)?;
    let r = p.transpose();
    let coarse = spgemm(&r, &ap)?;
    Ok((coarse, r))
}
