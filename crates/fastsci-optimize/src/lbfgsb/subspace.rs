//! Subspace minimization: the quadratic model minimized over the variables the Cauchy point
//! left free, by the direct primal method (`formk`, `subsm` of the reference code, version 3.0).

use super::{Bounds, Memory, dpofa, dtrsl};
use crate::scalar_fn::dot_lanes;

/// `formk`: the LEL^T factorization of the 2col x 2col matrix K of the subspace problem.
pub(super) fn formk(mem: &Memory, free: &[usize], active: &[usize]) -> Option<Vec<f64>> {
    let col = mem.col();
    let theta = mem.theta;
    let k2 = 2 * col;
    let sum_over =
        |set: &[usize], a: &Vec<f64>, b: &Vec<f64>| -> f64 { set.iter().map(|&k| a[k] * b[k]).sum() };
    let mut wn = vec![0.0; k2 * k2];
    for iy in 0..col {
        for jy in 0..=iy {
            let yzzy =
                if active.is_empty() { mem.yy[iy][jy] } else { sum_over(free, &mem.y[iy], &mem.y[jy]) };
            wn[jy * k2 + iy] = yzzy / theta;
            let saas = sum_over(active, &mem.s[iy], &mem.s[jy]);
            wn[(col + jy) * k2 + col + iy] = saas * theta;
        }
        for jy in 0..col {
            // cross(iy, jy): i > j active part of SᵀY, i <= j free part.
            let v = if iy > jy {
                -sum_over(active, &mem.s[iy], &mem.y[jy])
            } else if active.is_empty() {
                mem.sy[iy][jy]
            } else {
                sum_over(free, &mem.s[iy], &mem.y[jy])
            };
            wn[jy * k2 + col + iy] = v;
        }
        wn[iy * k2 + iy] += mem.sy[iy][iy];
    }
    // Cholesky of the (1,1) block.
    let mut b11 = vec![0.0; col * col];
    for i in 0..col {
        for j in 0..col {
            b11[i * col + j] = wn[i * k2 + j];
        }
    }
    if !dpofa(&mut b11, col) {
        return None;
    }
    for i in 0..col {
        for j in 0..col {
            wn[i * k2 + j] = if j >= i { b11[i * col + j] } else { 0.0 };
        }
    }
    // L⁻¹(−L_aᵀ + R_zᵀ) in the (1,2) block.
    let mut colv = vec![0.0; col];
    for js in col..k2 {
        for i in 0..col {
            colv[i] = wn[i * k2 + js];
        }
        if !dtrsl(&b11, col, col, &mut colv, true) {
            return None;
        }
        for i in 0..col {
            wn[i * k2 + js] = colv[i];
        }
    }
    for is in col..k2 {
        for js in is..k2 {
            let mut s = 0.0;
            for i in 0..col {
                s += wn[i * k2 + is] * wn[i * k2 + js];
            }
            wn[is * k2 + js] += s;
        }
    }
    let mut b22 = vec![0.0; col * col];
    for i in 0..col {
        for j in 0..col {
            b22[i * col + j] = wn[(col + i) * k2 + col + j];
        }
    }
    if !dpofa(&mut b22, col) {
        return None;
    }
    for i in 0..col {
        for j in 0..col {
            wn[(col + i) * k2 + col + j] = if j >= i { b22[i * col + j] } else { 0.0 };
            wn[(col + i) * k2 + j] = 0.0;
        }
    }
    Some(wn)
}

/// `subsm`: minimizes the model over the free variables from the Cauchy point `z`
/// (direct primal method), then projects (version 3.0). `d` holds the reduced gradient r.
#[allow(clippy::too_many_arguments)]
pub(super) fn subsm(
    b: &Bounds,
    mem: &Memory,
    wn: &[f64],
    free: &[usize],
    z: &mut [f64],
    d: &mut [f64],
    xx: &[f64],
    gg: &[f64],
) -> bool {
    let col = mem.col();
    let k2 = 2 * col;
    let theta = mem.theta;
    let nsub = free.len();
    if nsub == 0 {
        return true;
    }
    let mut wv = vec![0.0; k2];
    let all_free = nsub == z.len();
    for i in 0..col {
        let (t1, t2) = if all_free {
            (dot_lanes(&mem.y[i], &d[..nsub]), dot_lanes(&mem.s[i], &d[..nsub]))
        } else {
            free.iter()
                .enumerate()
                .fold((0.0, 0.0), |(t1, t2), (j, &k)| (t1 + mem.y[i][k] * d[j], t2 + mem.s[i][k] * d[j]))
        };
        wv[i] = t1;
        wv[col + i] = theta * t2;
    }
    if !dtrsl(wn, k2, k2, &mut wv, true) {
        return false;
    }
    for v in &mut wv[..col] {
        *v = -*v;
    }
    if !dtrsl(wn, k2, k2, &mut wv, false) {
        return false;
    }
    for jy in 0..col {
        let (wy, ws) = (wv[jy] / theta, wv[col + jy]);
        if all_free {
            for ((di, y), s) in d.iter_mut().zip(&mem.y[jy]).zip(&mem.s[jy]) {
                *di += y * wy + s * ws;
            }
        } else {
            for (i, &k) in free.iter().enumerate() {
                d[i] += mem.y[jy][k] * wy + mem.s[jy][k] * ws;
            }
        }
    }
    for v in d.iter_mut().take(nsub) {
        *v /= theta;
    }
    // Projection of the Newton point.
    let xp: Vec<f64> = z.to_vec();
    let mut iword = false;
    for (i, &k) in free.iter().enumerate() {
        let dk = d[i];
        let xk = z[k];
        match b.nbd[k] {
            0 => z[k] = xk + dk,
            1 => {
                z[k] = b.l[k].max(xk + dk);
                iword |= z[k] == b.l[k];
            }
            2 => {
                z[k] = b.u[k].min(b.l[k].max(xk + dk));
                iword |= z[k] == b.l[k] || z[k] == b.u[k];
            }
            _ => {
                z[k] = b.u[k].min(xk + dk);
                iword |= z[k] == b.u[k];
            }
        }
    }
    if !iword {
        return true;
    }
    let dd_p: f64 = (0..z.len()).map(|i| (z[i] - xx[i]) * gg[i]).sum();
    if dd_p > 0.0 {
        z.copy_from_slice(&xp);
        let mut alpha: f64 = 1.0;
        let mut temp1 = alpha;
        let mut ibd = None;
        for (i, &k) in free.iter().enumerate() {
            let dk = d[i];
            if b.nbd[k] != 0 {
                if dk < 0.0 && b.nbd[k] <= 2 {
                    let temp2 = b.l[k] - z[k];
                    if temp2 >= 0.0 {
                        temp1 = 0.0;
                    } else if dk * alpha < temp2 {
                        temp1 = temp2 / dk;
                    }
                } else if dk > 0.0 && b.nbd[k] >= 2 {
                    let temp2 = b.u[k] - z[k];
                    if temp2 <= 0.0 {
                        temp1 = 0.0;
                    } else if dk * alpha > temp2 {
                        temp1 = temp2 / dk;
                    }
                }
                if temp1 < alpha {
                    alpha = temp1;
                    ibd = Some(i);
                }
            }
        }
        if alpha < 1.0
            && let Some(i) = ibd
        {
            let k = free[i];
            let dk = d[i];
            if dk > 0.0 {
                z[k] = b.u[k];
                d[i] = 0.0;
            } else if dk < 0.0 {
                z[k] = b.l[k];
                d[i] = 0.0;
            }
        }
        for (i, &k) in free.iter().enumerate() {
            z[k] += alpha * d[i];
        }
    }
    true
}
