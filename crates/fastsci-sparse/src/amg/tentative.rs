//! The tentative prolongator: near-null-space candidates restricted to each aggregate and
//! orthonormalized there (PyAMG's `fit_candidates`).
//!
//! For an aggregate with unknowns `D` and candidates `B` (`n x k`), the thin QR factorization
//! `B[D, :] = Q R` gives the aggregate's `k` columns of the prolongator `T` (`Q`, supported on
//! `D`) and its `k` rows of the coarse candidates (`R`), so `T B_c = B` exactly and `Tᵀ T = I`.
//! Modified Gram–Schmidt; a column that is dependent on the ones before it (its remaining
//! norm below `1e-10` of its norm) gets a zero column, as in PyAMG.

use crate::error::Result;
use crate::matrix::CsrMatrix;

use super::aggregation::UNAGGREGATED;

/// Relative norm below which a candidate is taken as dependent on the previous ones.
const DEPENDENT: f64 = 1e-10;

/// `T` (`n x aggregates·k`) and the coarse candidates (`aggregates·k x k`, column after column).
///
/// `aggregate[node]` for `block` unknowns per node; `candidates` is `n x k` column after column.
pub(crate) fn fit_candidates(
    aggregate: &[usize],
    aggregates: usize,
    block: usize,
    candidates: &[f64],
    k: usize,
) -> Result<(CsrMatrix, Vec<f64>)> {
    let n = aggregate.len() * block;
    // The unknowns of each aggregate, in increasing order (counting sort by aggregate).
    let mut start = vec![0usize; aggregates + 1];
    for &a in aggregate {
        if a != UNAGGREGATED {
            start[a + 1] += block;
        }
    }
    for a in 0..aggregates {
        start[a + 1] += start[a];
    }
    let mut members = vec![0usize; start[aggregates]];
    let mut fill = start.clone();
    for (node, &a) in aggregate.iter().enumerate() {
        if a != UNAGGREGATED {
            for d in 0..block {
                members[fill[a]] = node * block + d;
                fill[a] += 1;
            }
        }
    }
    // q[row * k + j]: the row's value in its aggregate's j-th column.
    let mut q = vec![0.0f64; n * k];
    let mut coarse = vec![0.0f64; aggregates * k * k];
    let ncoarse = aggregates * k;
    let mut column = Vec::new();
    for a in 0..aggregates {
        let rows = &members[start[a]..start[a + 1]];
        for j in 0..k {
            column.clear();
            column.extend(rows.iter().map(|&r| candidates[j * n + r]));
            let original = norm(&column);
            for i in 0..j {
                let r_ij: f64 = rows.iter().zip(&column).map(|(&r, v)| q[r * k + i] * v).sum();
                coarse[j * ncoarse + a * k + i] = r_ij;
                for (&r, v) in rows.iter().zip(column.iter_mut()) {
                    *v -= r_ij * q[r * k + i];
                }
            }
            let remaining = norm(&column);
            let (scale, r_jj) =
                if remaining > DEPENDENT * original { (1.0 / remaining, remaining) } else { (0.0, 0.0) };
            coarse[j * ncoarse + a * k + j] = r_jj;
            for (&r, v) in rows.iter().zip(&column) {
                q[r * k + j] = v * scale;
            }
        }
    }
    let mut indptr = Vec::with_capacity(n + 1);
    let mut indices = Vec::with_capacity(n * k);
    let mut data = Vec::with_capacity(n * k);
    indptr.push(0);
    for r in 0..n {
        let a = aggregate[r / block];
        if a != UNAGGREGATED {
            for j in 0..k {
                let v = q[r * k + j];
                if v != 0.0 {
                    indices.push(a * k + j);
                    data.push(v);
                }
            }
        }
        indptr.push(indices.len());
    }
    Ok((CsrMatrix::new(n, ncoarse, indptr, indices, data)?, coarse))
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
