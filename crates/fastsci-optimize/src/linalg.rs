//! Small dense linear algebra for the least-squares solvers: a thin SVD by one-sided Jacobi
//! rotations (accurate to working precision for the few columns these problems have).

/// A row-major dense matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Entries, row-major.
    pub data: Vec<f64>,
}

impl Matrix {
    /// A zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix { rows, cols, data: vec![0.0; rows * cols] }
    }
    /// Entry (i, j).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }
    /// Sets entry (i, j).
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.cols + j] = v;
    }
    /// `self · v`.
    pub fn matvec(&self, v: &[f64]) -> Vec<f64> {
        (0..self.rows)
            .map(|i| self.data[i * self.cols..(i + 1) * self.cols].iter().zip(v).map(|(a, b)| a * b).sum())
            .collect()
    }
    /// `selfᵀ · v`.
    pub fn tmatvec(&self, v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.cols];
        for i in 0..self.rows {
            let row = &self.data[i * self.cols..(i + 1) * self.cols];
            for (o, a) in out.iter_mut().zip(row) {
                *o += a * v[i];
            }
        }
        out
    }
}

/// Thin SVD `A = U diag(s) Vᵀ` with `s` descending; `u` is rows x k, `v` is cols x k with
/// k = cols. Columns of `u` for zero singular values are zero.
pub struct Svd {
    /// Left singular vectors (rows x k, row-major).
    pub u: Matrix,
    /// Singular values, descending.
    pub s: Vec<f64>,
    /// Right singular vectors (cols x k, row-major).
    pub v: Matrix,
}

/// One-sided Jacobi SVD of `a`.
pub fn svd(a: &Matrix) -> Svd {
    let (m, n) = (a.rows, a.cols);
    // Work on columns: w[j] is column j of A.
    let mut w: Vec<Vec<f64>> = (0..n).map(|j| (0..m).map(|i| a.get(i, j)).collect()).collect();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let mut e = vec![0.0; n];
            e[j] = 1.0;
            e
        })
        .collect();
    for _sweep in 0..60 {
        let mut rotated = false;
        for i in 0..n {
            for j in i + 1..n {
                let alpha: f64 = w[i].iter().map(|x| x * x).sum();
                let beta: f64 = w[j].iter().map(|x| x * x).sum();
                let gamma: f64 = w[i].iter().zip(&w[j]).map(|(x, y)| x * y).sum();
                if gamma == 0.0 || gamma.abs() <= f64::EPSILON * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let t = if zeta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                for k in 0..m {
                    let (x, y) = (w[i][k], w[j][k]);
                    w[i][k] = c * x - s * y;
                    w[j][k] = s * x + c * y;
                }
                for k in 0..n {
                    let (x, y) = (v[i][k], v[j][k]);
                    v[i][k] = c * x - s * y;
                    v[j][k] = s * x + c * y;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let norms: Vec<f64> = w.iter().map(|c| c.iter().map(|x| x * x).sum::<f64>().sqrt()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| norms[b].partial_cmp(&norms[a]).unwrap_or(std::cmp::Ordering::Equal));
    let mut u = Matrix::zeros(m, n);
    let mut vm = Matrix::zeros(n, n);
    let mut s = Vec::with_capacity(n);
    let smax = norms.iter().copied().fold(0.0, f64::max);
    for (k, &j) in order.iter().enumerate() {
        let sj = norms[j];
        s.push(sj);
        if sj > smax * f64::EPSILON * 1e-3 && sj > 0.0 {
            for i in 0..m {
                u.set(i, k, w[j][i] / sj);
            }
        }
        for i in 0..n {
            vm.set(i, k, v[j][i]);
        }
    }
    Svd { u, s, v: vm }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svd_reconstructs() {
        let a = Matrix {
            rows: 4,
            cols: 3,
            data: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, -1.0, 0.5, 2.0],
        };
        let d = svd(&a);
        for i in 0..4 {
            for j in 0..3 {
                let r: f64 = (0..3).map(|k| d.u.get(i, k) * d.s[k] * d.v.get(j, k)).sum();
                assert!((r - a.get(i, j)).abs() < 1e-12, "{r} vs {}", a.get(i, j));
            }
        }
        assert!(d.s[0] >= d.s[1] && d.s[1] >= d.s[2]);
    }
}
