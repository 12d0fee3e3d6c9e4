//! Strength of connection: which couplings of a matrix count when coarsening.
//!
//! - Symmetric (smoothed aggregation, Vaněk–Mandel–Brezina): `i` and `j` are strongly
//!   connected when `|a_ij|² >= θ² |a_ii| |a_jj|`. With a block size `b > 1` (systems such as
//!   elasticity, `b` unknowns per node) the test runs on the nodes, with the Frobenius norms
//!   of the `b x b` blocks in place of the entries, as PyAMG does for BSR matrices.
//! - Classical (Ruge–Stüben): `i` depends strongly on `j` when
//!   `|a_ij| >= θ max_{k≠i} |a_ik|`, PyAMG's `classical_strength_of_connection(norm='abs')`.
//!
//! Both return the strong couplings as a pattern (row pointers and sorted columns) without
//! the diagonal.

use super::Graph;
use crate::index::{Ix, with_ix2};
use crate::matrix::CsrMatrix;

/// The symmetric strength graph on the nodes of `a` (`block` unknowns per node).
pub(crate) fn symmetric(a: &CsrMatrix, theta: f64, block: usize) -> Graph {
    if block == 1 {
        return with_ix2!(&a.0.indptr, &a.0.indices, |p, j| pointwise(p, j, a.data(), theta));
    }
    let ptr = a.indptr().to_usize();
    let idx = a.indices().to_usize();
    let val = a.data();
    let nodes = a.nrows() / block;
    // Squared Frobenius norm of each diagonal block.
    let mut diag_norm2 = vec![0.0f64; nodes];
    for r in 0..a.nrows() {
        let node = r / block;
        for k in ptr[r]..ptr[r + 1] {
            if idx[k] / block == node {
                diag_norm2[node] += val[k] * val[k];
            }
        }
    }
    let theta2 = theta * theta;
    let mut block_norm2 = vec![0.0f64; nodes];
    let mut mark = vec![usize::MAX; nodes];
    let mut found: Vec<usize> = Vec::new();
    let mut graph = Graph::with_capacity(nodes, idx.len() / (block * block).max(1));
    for node in 0..nodes {
        found.clear();
        for r in node * block..(node + 1) * block {
            for k in ptr[r]..ptr[r + 1] {
                let other = idx[k] / block;
                if other == node {
                    continue;
                }
                if mark[other] != node {
                    mark[other] = node;
                    block_norm2[other] = 0.0;
                    found.push(other);
                }
                block_norm2[other] += val[k] * val[k];
            }
        }
        found.sort_unstable();
        for &other in &found {
            // |B_ij|_F^2 >= θ² |B_ii|_F |B_jj|_F, squared on both sides.
            let lhs = block_norm2[other] * block_norm2[other];
            if lhs >= theta2 * theta2 * diag_norm2[node] * diag_norm2[other] {
                graph.idx.push(other);
            }
        }
        graph.close_row();
    }
    graph
}

/// [`symmetric`] with one unknown per node, on the stored index widths.
fn pointwise<P: Ix, J: Ix>(ptr: &[P], idx: &[J], val: &[f64], theta: f64) -> Graph {
    let n = ptr.len() - 1;
    let diag: Vec<f64> = (0..n)
        .map(|i| (ptr[i].us()..ptr[i + 1].us()).find(|&k| idx[k].us() == i).map_or(0.0, |k| val[k].abs()))
        .collect();
    let theta2 = theta * theta;
    let mut graph = Graph::with_capacity(n, idx.len());
    for i in 0..n {
        for k in ptr[i].us()..ptr[i + 1].us() {
            let j = idx[k].us();
            if j != i && val[k] * val[k] >= theta2 * diag[i] * diag[j] {
                graph.idx.push(j);
            }
        }
        graph.close_row();
    }
    graph
}

/// The classical strong dependencies of each row of `a`.
pub(crate) fn classical(a: &CsrMatrix, theta: f64) -> Graph {
    let ptr = a.indptr().to_usize();
    let idx = a.indices().to_usize();
    let val = a.data();
    let n = a.nrows();
    let mut graph = Graph::with_capacity(n, idx.len());
    for i in 0..n {
        let row = ptr[i]..ptr[i + 1];
        let largest = row.clone().filter(|&k| idx[k] != i).fold(0.0f64, |m, k| m.max(val[k].abs()));
        for k in row {
            let v = val[k].abs();
            if idx[k] != i && v > 0.0 && v >= theta * largest {
                graph.idx.push(idx[k]);
            }
        }
        graph.close_row();
    }
    graph
}
