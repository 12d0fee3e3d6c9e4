//! Standard aggregation (Vaněk, Mandel, Brezina 1996), PyAMG's `standard_aggregation`.
//!
//! 1. Each node whose strong neighbours are all free forms an aggregate with them.
//! 2. Each node still free joins the aggregate of a strong neighbour (the first one).
//! 3. Each node still free forms an aggregate with its free strong neighbours.
//!
//! A node without strong neighbours (a Dirichlet row, say) belongs to no aggregate: the
//! coarse levels do not see it and the smoother resolves it alone.

use super::Graph;

/// A node's aggregate, or none.
pub(crate) const UNAGGREGATED: usize = usize::MAX;

/// Aggregate of every node (or [`UNAGGREGATED`]) and the number of aggregates.
pub(crate) fn standard(strength: &Graph) -> (Vec<usize>, usize) {
    let n = strength.rows();
    // 0 = free; > 0 = aggregate + 1 (a root or its pass-1 neighbour); < 0 = -(aggregate + 1)
    // for nodes that joined in pass 2; ISOLATED for nodes without neighbours.
    const ISOLATED: i64 = i64::MIN;
    let mut state = vec![0i64; n];
    let mut next: i64 = 1;
    for i in 0..n {
        if state[i] != 0 {
            continue;
        }
        let neighbours = strength.row(i);
        if neighbours.is_empty() {
            state[i] = ISOLATED;
        } else if neighbours.iter().all(|&j| state[j] == 0) {
            state[i] = next;
            for &j in neighbours {
                state[j] = next;
            }
            next += 1;
        }
    }
    for i in 0..n {
        if state[i] != 0 {
            continue;
        }
        if let Some(&j) = strength.row(i).iter().find(|&&j| state[j] > 0) {
            state[i] = -state[j];
        }
    }
    let mut aggregate = vec![UNAGGREGATED; n];
    let mut count = (next - 1) as usize;
    for i in 0..n {
        match state[i] {
            ISOLATED => {}
            s if s > 0 => aggregate[i] = (s - 1) as usize,
            s if s < 0 => aggregate[i] = (-s - 1) as usize,
            _ => {
                // Still free: a new aggregate with its free neighbours.
                aggregate[i] = count;
                state[i] = (count + 1) as i64;
                for &j in strength.row(i) {
                    if state[j] == 0 {
                        state[j] = (count + 1) as i64;
                        aggregate[j] = count;
                    }
                }
                count += 1;
            }
        }
    }
    (aggregate, count)
}
