//! Fill-reducing orderings for sparse Cholesky: nested dissection by level-structure separators.
//!
//! Nested dissection (George 1973) cuts the graph of a symmetric matrix with a small vertex
//! separator, orders the two halves first and the separator last, and recurses on the halves.
//! Eliminating a half then never fills entries into the other half, so on meshes the factor has
//! O(n log n) entries and takes O(n^1.5) operations on 2-D grids, where minimum-degree orderings
//! leave more fill and cost a global, sequential analysis.
//!
//! Separators come from breadth-first level structures (George & Liu 1981): from a
//! pseudo-peripheral vertex, the vertices are grouped by distance; every edge joins two
//! neighbouring levels, so any single level separates the ones before it from the ones after.
//! The level with the fewest vertices whose sides are both at least a third of the part is taken,
//! and its vertices without a neighbour on the far side move to the near side. Disconnected parts
//! are ordered one after another, with no separator. Parts of at most [`LEAF`] vertices, and
//! parts too shallow to split (a clique), keep their original order.
//!
//! The work is O(|E| log n): every level of the recursion visits each vertex and edge a bounded
//! number of times.

use std::ops::Range;

/// Parts with at most this many vertices are not split further.
pub const LEAF: usize = 8;

/// How many times the search for a pseudo-peripheral vertex restarts from the far end.
const PERIPHERAL_SWEEPS: usize = 3;

/// A nested dissection ordering of the symmetric pattern `indptr`/`indices` (compressed rows
/// or columns of an `n x n` matrix with a symmetric pattern; diagonal entries are ignored).
/// Returns `perm` with `perm[new] = old`: position `new` of the reordered matrix is row `old`.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_2d, ordering::nested_dissection};
/// let a = laplacian_2d(20, 20)?;
/// let (indptr, indices) = (a.indptr().to_usize(), a.indices().to_usize());
/// let perm = nested_dissection(400, &indptr, &indices);
/// let mut seen = perm.clone();
/// seen.sort_unstable();
/// assert!(seen.iter().copied().eq(0..400));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Panics
/// If `indptr` does not have `n + 1` nondecreasing offsets into `indices` or an index is not
/// below `n` (a [`crate::CsrMatrix`] always satisfies both).
pub fn nested_dissection(n: usize, indptr: &[usize], indices: &[usize]) -> Vec<usize> {
    assert_eq!(indptr.len(), n + 1, "indptr must hold n + 1 offsets");
    let graph = Graph { indptr, indices };
    let mut perm = vec![0; n];
    let mut work = Workspace { stamp: vec![0; n], level: vec![0; n], generation: 0, queue: Vec::new() };
    // (vertices, their positions, whether the first vertex is known to be nearly peripheral)
    let mut tasks: Vec<(Vec<usize>, Range<usize>, bool)> = vec![((0..n).collect(), 0..n, false)];
    while let Some((part, range, peripheral)) = tasks.pop() {
        match work.split(&graph, &part, peripheral) {
            Split::Leaf => perm[range].copy_from_slice(&part),
            Split::Components(components) => {
                let mut at = range.start;
                for c in components {
                    let next = at + c.len();
                    tasks.push((c, at..next, false));
                    at = next;
                }
            }
            Split::Separated { low, high, separator } => {
                let (a, b) = (range.start + low.len(), range.start + low.len() + high.len());
                perm[b..range.end].copy_from_slice(&separator);
                tasks.push((low, range.start..a, true));
                tasks.push((high, a..b, true));
            }
        }
    }
    perm
}

/// The inverse of a permutation: `inverse[perm[i]] = i`.
pub(crate) fn inverse(perm: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; perm.len()];
    for (new, &old) in perm.iter().enumerate() {
        inv[old] = new;
    }
    inv
}

struct Graph<'a> {
    indptr: &'a [usize],
    indices: &'a [usize],
}

impl Graph<'_> {
    fn neighbours(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.indices[self.indptr[v]..self.indptr[v + 1]].iter().copied().filter(move |&w| w != v)
    }
}

enum Split {
    /// Order the part as it is.
    Leaf,
    /// The part's connected components, each ordered on its own.
    Components(Vec<Vec<usize>>),
    /// `low` and `high` are not adjacent; `separator` goes last.
    Separated { low: Vec<usize>, high: Vec<usize>, separator: Vec<usize> },
}

/// Scratch shared by every split: `stamp[v] == generation` marks the vertices of the current
/// part, so a search never leaves it; `level[v]` is a distance within the latest search.
struct Workspace {
    stamp: Vec<u32>,
    level: Vec<u32>,
    generation: u32,
    queue: Vec<usize>,
}

impl Workspace {
    /// Splits `part`, searching from `part[0]`; unless `peripheral` says that vertex is already
    /// nearly peripheral, first looks for a farther one.
    fn split(&mut self, graph: &Graph, part: &[usize], peripheral: bool) -> Split {
        if part.len() <= LEAF {
            return Split::Leaf;
        }
        self.mark(part);
        if self.search(graph, part[0]) < part.len() {
            return Split::Components(self.components(graph, part));
        }
        if !peripheral {
            self.peripheral(graph, part[0]);
        }
        let depth = self.depth();
        if depth < 3 {
            return Split::Leaf;
        }
        let mut sizes = vec![0usize; depth];
        for &v in &self.queue {
            sizes[self.level[v] as usize] += 1;
        }
        let cut = Self::separating_level(&sizes);
        let (mut low, mut high, mut separator) = (Vec::new(), Vec::new(), Vec::new());
        for &v in &self.queue {
            let l = self.level[v] as usize;
            if l < cut {
                low.push(v);
            } else if l > cut {
                high.push(v);
            } else if graph
                .neighbours(v)
                .any(|w| self.level[w] as usize > cut && self.stamp[w] == self.generation)
            {
                separator.push(v);
            } else {
                low.push(v);
            }
        }
        // Each side starts with a vertex far from the cut (the root; the deepest vertex), which
        // is where the side's own search starts: a nearly peripheral vertex for free.
        high.reverse();
        Split::Separated { low, high, separator }
    }

    /// The level to cut at: the smallest one leaving at least a third of the vertices on each
    /// side, else the median level.
    fn separating_level(sizes: &[usize]) -> usize {
        let total: usize = sizes.iter().sum();
        let mut best: Option<(usize, usize)> = None;
        let mut median = 1;
        let mut before = 0;
        for (l, &s) in sizes.iter().enumerate() {
            let after = total - before - s;
            if before * 2 < total {
                median = l;
            }
            let balanced = 3 * before.min(after) >= total;
            if l > 0 && l + 1 < sizes.len() && balanced && best.is_none_or(|(_, b)| s < b) {
                best = Some((l, s));
            }
            before += s;
        }
        best.map_or(median.clamp(1, sizes.len() - 2), |(l, _)| l)
    }

    fn mark(&mut self, part: &[usize]) {
        self.generation += 1;
        // A search stamps `generation + 1` and `components` `generation + 2`: keep room.
        if self.generation > u32::MAX - 3 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        for &v in part {
            self.stamp[v] = self.generation;
        }
    }

    /// Breadth-first search inside the marked part from `root`; leaves the visit order in
    /// `queue` and distances in `level`, and returns how many vertices it reached. Visited
    /// vertices are re-stamped `generation + 1` during the search and restored afterwards.
    fn search(&mut self, graph: &Graph, root: usize) -> usize {
        let (inside, seen) = (self.generation, self.generation + 1);
        self.queue.clear();
        self.queue.push(root);
        self.stamp[root] = seen;
        self.level[root] = 0;
        let mut head = 0;
        while head < self.queue.len() {
            let v = self.queue[head];
            head += 1;
            for w in graph.neighbours(v) {
                if self.stamp[w] == inside {
                    self.stamp[w] = seen;
                    self.level[w] = self.level[v] + 1;
                    self.queue.push(w);
                }
            }
        }
        for &v in &self.queue {
            self.stamp[v] = inside;
        }
        self.queue.len()
    }

    /// Leaves in `queue` and `level` the search from a vertex of nearly maximal eccentricity
    /// (George & Liu): restarts from a vertex of least degree in the last level while the depth
    /// grows. Expects the search from `root` to be there already.
    fn peripheral(&mut self, graph: &Graph, mut root: usize) {
        let mut depth = self.depth();
        for _ in 0..PERIPHERAL_SWEEPS {
            let degree = |v: usize| graph.neighbours(v).count();
            let last = (depth - 1) as u32;
            let far = self
                .queue
                .iter()
                .rev()
                .take_while(|&&v| self.level[v] == last)
                .copied()
                .min_by_key(|&v| degree(v));
            match far {
                Some(v) if v != root => root = v,
                _ => return,
            }
            self.search(graph, root);
            let reached = self.depth();
            if reached <= depth {
                return;
            }
            depth = reached;
        }
    }

    /// Number of levels of the latest search.
    fn depth(&self) -> usize {
        self.queue.last().map_or(0, |&v| self.level[v] as usize + 1)
    }

    /// The connected components of the marked part, each in search order.
    fn components(&mut self, graph: &Graph, part: &[usize]) -> Vec<Vec<usize>> {
        let mut components = Vec::new();
        let done = self.generation + 2;
        for &v in part {
            if self.stamp[v] == self.generation {
                self.search(graph, v);
                let component = self.queue.clone();
                for &w in &component {
                    self.stamp[w] = done;
                }
                components.push(component);
            }
        }
        self.generation = done;
        components
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{laplacian_2d, laplacian_3d};

    fn is_permutation(perm: &[usize]) -> bool {
        let mut seen = vec![false; perm.len()];
        perm.iter().all(|&p| p < perm.len() && !std::mem::replace(&mut seen[p], true))
    }

    #[test]
    fn orders_grids_and_cubes_as_permutations() {
        for a in [laplacian_2d(37, 23).unwrap(), laplacian_3d(9, 11, 7).unwrap()] {
            let (indptr, indices) = (a.indptr().to_usize(), a.indices().to_usize());
            let perm = nested_dissection(a.nrows(), &indptr, &indices);
            assert!(is_permutation(&perm));
            assert_eq!(inverse(&perm)[perm[5]], 5);
        }
    }

    #[test]
    fn separator_of_a_grid_splits_it_and_goes_last() {
        let a = laplacian_2d(30, 30).unwrap();
        let (indptr, indices) = (a.indptr().to_usize(), a.indices().to_usize());
        let perm = nested_dissection(900, &indptr, &indices);
        // The top-level separator is a line across the grid: no more than a diagonal's worth of
        // vertices, numbered last, and removing it disconnects the rest.
        let mut work =
            Workspace { stamp: vec![0; 900], level: vec![0; 900], generation: 0, queue: Vec::new() };
        let graph = Graph { indptr: &indptr, indices: &indices };
        let Split::Separated { low, high, separator } =
            work.split(&graph, &(0..900).collect::<Vec<_>>(), false)
        else {
            panic!("a 30 x 30 grid must be separated");
        };
        assert!(separator.len() <= 31 && low.len() >= 300 && high.len() >= 300, "{}", separator.len());
        assert_eq!(&perm[900 - separator.len()..], &separator[..]);
        let in_high: Vec<bool> = (0..900).map(|v| high.contains(&v)).collect();
        assert!(low.iter().all(|&v| graph.neighbours(v).all(|w| !in_high[w])));
    }

    #[test]
    fn disconnected_and_tiny_graphs() {
        // Two separate paths of 100 vertices, and graphs of 0, 1 and 2 vertices.
        let mut indptr = vec![0];
        let mut indices = Vec::new();
        for v in 0..200usize {
            for w in [v.wrapping_sub(1), v + 1] {
                if w < 200 && (w < 100) == (v < 100) {
                    indices.push(w);
                }
            }
            indptr.push(indices.len());
        }
        assert!(is_permutation(&nested_dissection(200, &indptr, &indices)));
        assert!(nested_dissection(0, &[0], &[]).is_empty());
        assert_eq!(nested_dissection(1, &[0, 1], &[0]), vec![0]);
        assert!(is_permutation(&nested_dissection(2, &[0, 1, 2], &[1, 0])));
    }

    #[test]
    fn a_star_puts_its_centre_last() {
        // Vertex 0 joined to all others: the centre alone separates the leaves, and eliminating
        // it last leaves no fill at all.
        let n = 500;
        let mut indptr = vec![0, n - 1];
        let mut indices: Vec<usize> = (1..n).collect();
        for _ in 1..n {
            indices.push(0);
            indptr.push(indices.len());
        }
        let perm = nested_dissection(n, &indptr, &indices);
        assert!(is_permutation(&perm));
        assert_eq!(perm[n - 1], 0);
    }
}
