//! Test problems for the solvers, as PyAMG's gallery builds them: elliptic operators on
//! structured grids whose difficulty for multigrid is known.
//!
//! Grids number their points with the last coordinate varying fastest (`index = x * ny + y`),
//! as [`laplacian`](crate::laplacian) and PyAMG's `stencil_grid` do, and every operator has
//! Dirichlet boundaries (the boundary points are eliminated).
//!
//! | function | PyAMG / meaning |
//! |---|---|
//! | [`poisson_2d`], [`poisson_3d`] | `gallery.poisson((n, n))`, `gallery.poisson((n, n, n))` |
//! | [`stencil_grid_2d`] | `gallery.stencil_grid(S, (nx, ny))` for a 3 x 3 stencil |
//! | [`anisotropic_diffusion_2d`] | `stencil_grid(diffusion_stencil_2d(epsilon, theta, 'FE'), (n, n))` |
//! | [`jumping_coefficients_2d`] | `-div(k grad u)`, `k` a 4 x 4 checkerboard of `1` and `contrast` |
//! | [`linear_elasticity_2d`] | `gallery.linear_elasticity((n, n))`: Q1 plane strain with its rigid-body modes |
//! | [`convection_diffusion_2d`] | `-Δu + peclet (cos θ, sin θ)·∇u`, first-order upwind: a nonsymmetric M-matrix |

use crate::error::{Result, SparseError};
use crate::matrix::{CooMatrix, CsrMatrix};

/// The 5-point Laplacian on an `n x n` grid (`4` on the diagonal, `-1` beside it), PyAMG's
/// `poisson((n, n))`.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::gallery::poisson_2d(3)?;
/// assert_eq!((a.nrows(), a.nnz()), (9, 33));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when `n * n` overflows.
pub fn poisson_2d(n: usize) -> Result<CsrMatrix> {
    crate::laplacian(&[n, n])
}

/// The 7-point Laplacian on an `n x n x n` grid, PyAMG's `poisson((n, n, n))`.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::gallery::poisson_3d(2)?;
/// assert_eq!(a.get(0, 0), 6.0);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when `n³` overflows.
pub fn poisson_3d(n: usize) -> Result<CsrMatrix> {
    crate::laplacian(&[n, n, n])
}

fn grid_size(nx: usize, ny: usize) -> Result<usize> {
    nx.checked_mul(ny).ok_or_else(|| SparseError::IndexOverflow(format!("a {nx} x {ny} grid")))
}

/// The operator of a 3 x 3 stencil on an `nx x ny` grid: the point `(x, y)` couples to
/// `(x + dx, y + dy)` with `stencil[dx + 1][dy + 1]` where that point exists (PyAMG's
/// `stencil_grid`). Zero stencil entries are not stored.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::gallery::stencil_grid_2d;
/// let five_point = [[0.0, -1.0, 0.0], [-1.0, 4.0, -1.0], [0.0, -1.0, 0.0]];
/// assert_eq!(stencil_grid_2d(&five_point, 4, 4)?, fastsci_sparse::gallery::poisson_2d(4)?);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::IndexOverflow`] when `nx * ny` overflows.
pub fn stencil_grid_2d(stencil: &[[f64; 3]; 3], nx: usize, ny: usize) -> Result<CsrMatrix> {
    let n = grid_size(nx, ny)?;
    let per_row = stencil.iter().flatten().filter(|v| **v != 0.0).count();
    let mut indptr = Vec::with_capacity(n + 1);
    let mut indices = Vec::with_capacity(n * per_row);
    let mut data = Vec::with_capacity(n * per_row);
    indptr.push(0);
    for x in 0..nx {
        for y in 0..ny {
            // dx outer, dy inner: columns come out sorted.
            for (dx, row) in stencil.iter().enumerate() {
                for (dy, &v) in row.iter().enumerate() {
                    let (tx, ty) = ((x + dx).wrapping_sub(1), (y + dy).wrapping_sub(1));
                    if v != 0.0 && tx < nx && ty < ny {
                        indices.push(tx * ny + ty);
                        data.push(v);
                    }
                }
            }
            indptr.push(indices.len());
        }
    }
    CsrMatrix::new(n, n, indptr, indices, data)
}

/// Rotated anisotropic diffusion `-div(Q diag(1, ε) Qᵀ grad u)`, `Q` the rotation by
/// `theta`, as Q1 finite elements on an `n x n` grid: PyAMG's
/// `stencil_grid(diffusion_stencil_2d(epsilon, theta, type='FE'), (n, n))`. With
/// `epsilon = 0.001` and `theta = π/8` the strong direction follows no grid line, the hard
/// case for aggregation.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::gallery::anisotropic_diffusion_2d(10, 1e-3, std::f64::consts::PI / 8.0)?;
/// assert!(a.is_symmetric(1e-14));
/// assert!((a.get(11, 11) - 8.0 * 1.001 / 6.0).abs() < 1e-14);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::InvalidArgument`] for a non-positive or non-finite `epsilon`;
/// [`SparseError::IndexOverflow`] when `n * n` overflows.
pub fn anisotropic_diffusion_2d(n: usize, epsilon: f64, theta: f64) -> Result<CsrMatrix> {
    if !(epsilon > 0.0 && epsilon.is_finite() && theta.is_finite()) {
        return Err(SparseError::InvalidArgument(format!(
            "anisotropic diffusion needs a finite epsilon > 0 and a finite angle, got {epsilon} and {theta}"
        )));
    }
    let (c, s) = (theta.cos(), theta.sin());
    let (cs, cc, ss) = (c * s, c * c, s * s);
    let e = epsilon;
    let a = ((-e - 1.0) * cc + (-e - 1.0) * ss + (3.0 * e - 3.0) * cs) / 6.0;
    let b = ((2.0 * e - 4.0) * cc + (-4.0 * e + 2.0) * ss) / 6.0;
    let cc_ = ((-e - 1.0) * cc + (-e - 1.0) * ss + (-3.0 * e + 3.0) * cs) / 6.0;
    let d = ((-4.0 * e + 2.0) * cc + (2.0 * e - 4.0) * ss) / 6.0;
    let diag = ((8.0 * e + 8.0) * cc + (8.0 * e + 8.0) * ss) / 6.0;
    stencil_grid_2d(&[[a, b, cc_], [d, diag, d], [cc_, b, a]], n, n)
}

/// `-div(k grad u)` on the unit square, cell-centred finite volumes on an `n x n` grid
/// (`h = 1/n`), `k` a 4 x 4 checkerboard of `1` and `contrast`, each face's coefficient the
/// harmonic mean of the two cells' (the boundary faces take the cell's own, at distance
/// `h/2`). Scaled so the entries are `O(k)`.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::gallery::jumping_coefficients_2d(8, 1e3)?;
/// assert!(a.is_symmetric(0.0));
/// assert_eq!(a.get(0, 0), 1.0 + 1.0 + 2.0 + 2.0); // a corner cell of the unit block
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::InvalidArgument`] for a non-positive or non-finite `contrast`;
/// [`SparseError::IndexOverflow`] when `n * n` overflows.
pub fn jumping_coefficients_2d(n: usize, contrast: f64) -> Result<CsrMatrix> {
    if !(contrast > 0.0 && contrast.is_finite()) {
        return Err(SparseError::InvalidArgument(format!(
            "the contrast must be finite and > 0, got {contrast}"
        )));
    }
    let nn = grid_size(n, n)?;
    let coefficient = |x: usize, y: usize| {
        // Which of the 4 x 4 blocks the cell centre lies in.
        let (bx, by) = ((4 * x) / n, (4 * y) / n);
        if (bx + by) % 2 == 1 { contrast } else { 1.0 }
    };
    let harmonic = |p: f64, q: f64| 2.0 * p * q / (p + q);
    let mut coo = CooMatrix::new(nn, nn);
    for x in 0..n {
        for y in 0..n {
            let i = x * n + y;
            let k = coefficient(x, y);
            let mut diag = 0.0;
            let neighbours = [(x.wrapping_sub(1), y), (x + 1, y), (x, y.wrapping_sub(1)), (x, y + 1)];
            for (tx, ty) in neighbours {
                if tx < n && ty < n {
                    let face = harmonic(k, coefficient(tx, ty));
                    coo.push(i, tx * n + ty, -face)?;
                    diag += face;
                } else {
                    // Dirichlet wall half a cell away.
                    diag += 2.0 * k;
                }
            }
            coo.push(i, i, diag)?;
        }
    }
    coo.to_csr()
}

/// 2-D linear elasticity (plane strain, Young's modulus `e`, Poisson ratio `nu`) with
/// bilinear Q1 elements on an `n x n` grid of unit squares, Dirichlet on all sides: PyAMG's
/// `linear_elasticity((n, n), E=e, nu=nu)`. Returns the `2n² x 2n²` stiffness matrix (the
/// two displacements of a node adjacent) and its three rigid-body modes (translation in x,
/// in y, rotation), column after column (`2n² x 3`), the candidates smoothed aggregation
/// needs for this problem.
///
/// # Examples
///
/// ```
/// let (a, modes) = fastsci_sparse::gallery::linear_elasticity_2d(4, 1e5, 0.3)?;
/// assert_eq!((a.nrows(), modes.len()), (32, 96));
/// assert!(a.is_symmetric(1e-12));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::InvalidArgument`] when `n` is 0, `e <= 0` or `nu` is outside `(-1, 0.5)`.
pub fn linear_elasticity_2d(n: usize, e: f64, nu: f64) -> Result<(CsrMatrix, Vec<f64>)> {
    if n == 0 || !(e > 0.0 && e.is_finite()) || !(nu > -1.0 && nu < 0.5) {
        return Err(SparseError::InvalidArgument(format!(
            "linear elasticity needs n >= 1, E > 0 and -1 < nu < 0.5, got n = {n}, E = {e}, nu = {nu}"
        )));
    }
    grid_size(2 * (n + 2), n + 2)?;
    let lame = e * nu / ((1.0 + nu) * (1.0 - 2.0 * nu));
    let mu = e / (2.0 + 2.0 * nu);
    let k = q1_element_stiffness(lame, mu);
    // The grid with its boundary: (n + 2) x (n + 2) nodes, node = row * (n + 2) + column,
    // the column being the x coordinate.
    let side = n + 2;
    let interior = |node: usize| {
        let (r, c) = (node / side, node % side);
        (r >= 1 && r <= n && c >= 1 && c <= n).then(|| (r - 1) * n + (c - 1))
    };
    let dofs = 2 * n * n;
    let mut coo = CooMatrix::new(dofs, dofs);
    for r in 0..side - 1 {
        for c in 0..side - 1 {
            let ll = r * side + c;
            // Counter-clockwise: (x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1).
            let vertices = [ll, ll + 1, ll + side + 1, ll + side];
            for (a, &va) in vertices.iter().enumerate() {
                let Some(ia) = interior(va) else { continue };
                for (b, &vb) in vertices.iter().enumerate() {
                    let Some(ib) = interior(vb) else { continue };
                    for da in 0..2 {
                        for db in 0..2 {
                            coo.push(2 * ia + da, 2 * ib + db, k[2 * a + da][2 * b + db])?;
                        }
                    }
                }
            }
        }
    }
    let half = (n + 1) as f64 / 2.0;
    let mut modes = vec![0.0; 3 * dofs];
    for node in 0..n * n {
        let (r, c) = (node / n + 1, node % n + 1);
        let (x, y) = (c as f64 - half, r as f64 - half);
        modes[2 * node] = 1.0;
        modes[dofs + 2 * node + 1] = 1.0;
        modes[2 * dofs + 2 * node] = -y;
        modes[2 * dofs + 2 * node + 1] = x;
    }
    Ok((coo.to_csr()?, modes))
}

/// The 8 x 8 stiffness of a unit-square Q1 element, degrees of freedom `(x0, y0, x1, y1, ..)`
/// over the vertices counter-clockwise from the lower left.
fn q1_element_stiffness(lame: f64, mu: f64) -> [[f64; 8]; 8] {
    let m = lame + 2.0 * mu;
    let r11 =
        [[2.0, -2.0, -1.0, 1.0], [-2.0, 2.0, 1.0, -1.0], [-1.0, 1.0, 2.0, -2.0], [1.0, -1.0, -2.0, 2.0]];
    let r12 =
        [[1.0, 1.0, -1.0, -1.0], [-1.0, -1.0, 1.0, 1.0], [-1.0, -1.0, 1.0, 1.0], [1.0, 1.0, -1.0, -1.0]];
    let r22 =
        [[2.0, 1.0, -1.0, -2.0], [1.0, 2.0, -2.0, -1.0], [-1.0, -2.0, 2.0, 1.0], [-2.0, -1.0, 1.0, 2.0]];
    let mut k = [[0.0; 8]; 8];
    for a in 0..4 {
        for b in 0..4 {
            k[2 * a][2 * b] = (m * r11[a][b] + mu * r22[a][b]) / 6.0;
            k[2 * a + 1][2 * b + 1] = (mu * r11[a][b] + m * r22[a][b]) / 6.0;
            // The x-y coupling: mu * R12 + lame * R12ᵀ (rows y, columns x), and its transpose.
            let yx = (mu * r12[a][b] + lame * r12[b][a]) / 4.0;
            k[2 * a + 1][2 * b] = yx;
            k[2 * b][2 * a + 1] = yx;
        }
    }
    k
}

/// Convection–diffusion `-Δu + peclet (cos θ, sin θ)·∇u` on the unit square, `n x n`
/// interior points (`h = 1/(n+1)`), central differences for `Δ` and first-order upwind
/// differences for the convection, scaled by `h²`: a nonsymmetric M-matrix, the case for
/// Ruge–Stüben AMG under GMRES.
///
/// # Examples
///
/// ```
/// let a = fastsci_sparse::gallery::convection_diffusion_2d(10, 100.0, 0.5)?;
/// assert!(!a.is_symmetric(1e-3));
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::InvalidArgument`] for a non-finite or negative `peclet`;
/// [`SparseError::IndexOverflow`] when `n * n` overflows.
pub fn convection_diffusion_2d(n: usize, peclet: f64, theta: f64) -> Result<CsrMatrix> {
    if !(peclet >= 0.0 && peclet.is_finite() && theta.is_finite()) {
        return Err(SparseError::InvalidArgument(format!(
            "convection-diffusion needs a finite peclet >= 0 and a finite angle, got {peclet} and {theta}"
        )));
    }
    let h = 1.0 / (n as f64 + 1.0);
    let (wx, wy) = (peclet * h * theta.cos(), peclet * h * theta.sin());
    // x is the first grid coordinate (stride n), y the second.
    let stencil = [
        [0.0, -1.0 - wx.max(0.0), 0.0],
        [-1.0 - wy.max(0.0), 4.0 + wx.abs() + wy.abs(), -1.0 - (-wy).max(0.0)],
        [0.0, -1.0 - (-wx).max(0.0), 0.0],
    ];
    stencil_grid_2d(&stencil, n, n)
}
