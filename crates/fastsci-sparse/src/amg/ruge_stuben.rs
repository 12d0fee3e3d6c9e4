//! Classical (Ruge–Stüben) coarsening and interpolation, for M-matrices that need not be
//! symmetric (convection–diffusion).
//!
//! - C/F splitting, first pass of Ruge and Stüben (1987): repeatedly the free point that
//!   most free points depend on strongly becomes a C point, the free points depending on it
//!   become F points, and the free points these F points depend on gain weight. Every F
//!   point so made depends strongly on some C point. Points that no free point depends on
//!   (weight 0) end as F points, as in PyAMG; one without a strong C point has no
//!   interpolation (the smoother resolves it).
//! - Classical interpolation (Stüben 2001, eq. 3.14, in the "modified" form PyAMG uses):
//!   an F point `i` interpolates from its strong C points `C_i`; the couplings to strong F
//!   points `k` that depend strongly on a point of `C_i` are distributed over `C_i` in
//!   proportion to `a_km` (entries of the sign opposite to `a_kk` only); weak couplings, and
//!   strong F points sharing no strong C point with `i`, are lumped into the diagonal:
//!   `w_ij = -(a_ij + Σ_k a_ik a_kj / Σ_{m∈C_i} a_km) / (a_ii + Σ_{weak} a_in)`.

use super::Graph;
use crate::error::Result;
use crate::matrix::CsrMatrix;

const FREE: u8 = 0;
const COARSE: u8 = 1;
const FINE: u8 = 2;

/// The C/F splitting (`true` = C point) of the strength graph `s` (row `i`: the points `i`
/// depends on strongly).
///
/// The free points wait in buckets by weight, laid out as consecutive intervals of one
/// permutation, so that picking the heaviest point and moving a point one bucket up or down
/// are O(1). Ties go as in PyAMG's `rs_cf_splitting`, which matters on nonsymmetric
/// graphs: the last point of the heaviest bucket is taken, a point gaining weight enters its
/// new bucket at the front (taken last), one losing weight at the back (taken first).
pub(crate) fn split(s: &Graph) -> Vec<bool> {
    let n = s.rows();
    let st = s.transpose();
    let mut state = vec![FREE; n];
    let mut weight: Vec<usize> = (0..n).map(|i| st.row(i).len()).collect();
    let buckets = (2 * weight.iter().copied().max().unwrap_or(0)).max(n + 1);
    let mut start = vec![0usize; buckets + 1];
    let mut count = vec![0usize; buckets + 1];
    for &w in &weight {
        count[w] += 1;
    }
    let mut sum = 0;
    for w in 0..=buckets {
        start[w] = sum;
        sum += count[w];
        count[w] = 0;
    }
    let mut order = vec![0usize; n];
    let mut position = vec![0usize; n];
    for i in 0..n {
        let w = weight[i];
        let at = start[w] + count[w];
        order[at] = i;
        position[i] = at;
        count[w] += 1;
    }
    // A point no other point depends on strongly is never worth a C point (as in PyAMG).
    for i in 0..n {
        if weight[i] == 0 {
            state[i] = FINE;
        }
    }
    let swap = |order: &mut Vec<usize>, position: &mut Vec<usize>, a: usize, b: usize| {
        let (na, nb) = (order[a], order[b]);
        order.swap(a, b);
        position[na] = b;
        position[nb] = a;
    };
    for top in (0..n).rev() {
        let i = order[top];
        count[weight[i]] -= 1;
        if weight[i] == 0 {
            break; // The free points left influence no free point: F points.
        }
        if state[i] != FREE {
            continue;
        }
        state[i] = COARSE;
        for &j in st.row(i) {
            if state[j] == FREE {
                state[j] = FINE;
                for &k in s.row(j) {
                    if state[k] == FREE && weight[k] + 1 < buckets {
                        // To the back of its bucket, which then becomes the front of the next.
                        let w = weight[k];
                        let last = start[w] + count[w] - 1;
                        let at = position[k];
                        swap(&mut order, &mut position, at, last);
                        count[w] -= 1;
                        count[w + 1] += 1;
                        start[w + 1] = last;
                        weight[k] += 1;
                    }
                }
            }
        }
        for &j in s.row(i) {
            if state[j] == FREE && weight[j] > 0 {
                // To the front of its bucket, which then becomes the back of the previous.
                let w = weight[j];
                let first = start[w];
                let at = position[j];
                swap(&mut order, &mut position, at, first);
                count[w] -= 1;
                count[w - 1] += 1;
                start[w] += 1;
                start[w - 1] = start[w] - count[w - 1];
                weight[j] -= 1;
            }
        }
    }
    state.iter().map(|&s| s == COARSE).collect()
}

/// The classical interpolation from the C points of `coarse` (`n x` number of C points).
pub(crate) fn interpolation(a: &CsrMatrix, s: &Graph, coarse: &[bool]) -> Result<CsrMatrix> {
    let n = a.nrows();
    let ptr = a.indptr().to_usize();
    let idx = a.indices().to_usize();
    let val = a.data();
    let mut coarse_index = vec![usize::MAX; n];
    let mut nc = 0;
    for i in 0..n {
        if coarse[i] {
            coarse_index[i] = nc;
            nc += 1;
        }
    }
    // Per row scratch: which columns are strong for i, and slot of each strong C point.
    let mut strong_mark = vec![usize::MAX; n];
    let mut slot = vec![usize::MAX; n];
    let mut weights: Vec<f64> = Vec::new();
    let mut points: Vec<usize> = Vec::new();
    let (mut indptr, mut indices, mut data) = (vec![0usize], Vec::new(), Vec::new());
    for i in 0..n {
        if coarse[i] {
            indices.push(coarse_index[i]);
            data.push(1.0);
            indptr.push(indices.len());
            continue;
        }
        points.clear();
        weights.clear();
        for &j in s.row(i) {
            strong_mark[j] = i;
            if coarse[j] {
                slot[j] = points.len();
                points.push(j);
                weights.push(0.0);
            }
        }
        if points.is_empty() {
            indptr.push(indices.len());
            continue;
        }
        let mut diagonal = 0.0;
        for k in ptr[i]..ptr[i + 1] {
            let j = idx[k];
            let aij = val[k];
            if j == i {
                diagonal += aij;
            } else if strong_mark[j] != i {
                diagonal += aij; // weak: lumped
            } else if coarse[j] {
                weights[slot[j]] += aij;
            } else if !s.row(j).iter().any(|&m| coarse[m] && strong_mark[m] == i) {
                // A strong F neighbour sharing no strong C point with i counts as weak.
                diagonal += aij;
            } else {
                // Strong F neighbour: distribute a_ij over C_i through row j.
                let ajj = a_diagonal(&ptr, &idx, val, j);
                let opposite = |v: f64| v.signum() != ajj.signum() && v != 0.0;
                let in_ci = |m: usize| m != i && coarse[m] && strong_mark[m] == i;
                let total: f64 = (ptr[j]..ptr[j + 1])
                    .filter(|&kk| in_ci(idx[kk]) && opposite(val[kk]))
                    .map(|kk| val[kk])
                    .sum();
                if total != 0.0 {
                    for kk in ptr[j]..ptr[j + 1] {
                        let m = idx[kk];
                        if in_ci(m) && opposite(val[kk]) {
                            weights[slot[m]] += aij * val[kk] / total;
                        }
                    }
                }
            }
        }
        let mut entries: Vec<(usize, f64)> =
            points.iter().zip(&weights).map(|(&j, &w)| (coarse_index[j], -w / diagonal)).collect();
        entries.sort_unstable_by_key(|e| e.0);
        for (j, w) in entries {
            indices.push(j);
            data.push(w);
        }
        indptr.push(indices.len());
    }
    CsrMatrix::new(n, nc, indptr, indices, data)
}

fn a_diagonal(ptr: &[usize], idx: &[usize], val: &[f64], j: usize) -> f64 {
    (ptr[j]..ptr[j + 1]).find(|&k| idx[k] == j).map_or(0.0, |k| val[k])
}
