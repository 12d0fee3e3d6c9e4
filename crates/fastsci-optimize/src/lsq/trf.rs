//! Trust-region reflective (Branch, Coleman & Li 1999) as SciPy's `least_squares` runs it:
//! the subproblem in Coleman–Li scaled variables solved exactly through an SVD, steps kept
//! strictly feasible by reflection from the bounds.

use super::covariance::to_array;
use super::{Loss, LsqOptions, LsqProblem, LsqResult, LsqStatus, XScale, norm, phi_and_derivative, step_for};
use crate::error::{OptimizeError, Result};
use crate::linalg::{Matrix, svd};

impl LsqProblem<'_> {
    pub(super) fn trf(
        &mut self,
        x0: &[f64],
        lb: &[f64],
        ub: &[f64],
        bounded: bool,
        o: &LsqOptions,
        xs: &XScale,
    ) -> Result<LsqResult> {
        let (m, n) = (self.m, x0.len());
        let rel = o.diff_step.unwrap_or(f64::EPSILON.sqrt());
        let loss = o.loss;
        let fs = o.f_scale;
        let cost_of = |f: &[f64]| -> f64 {
            if loss == Loss::Linear {
                0.5 * f.iter().map(|v| v * v).sum::<f64>()
            } else {
                0.5 * fs * fs * f.iter().map(|v| loss.rho((v / fs).powi(2)).0).sum::<f64>()
            }
        };
        // Scales J's rows and f for a robust loss (`scale_for_robust_loss_function`).
        let robust_scale = |j: &mut Matrix, f: &mut [f64]| {
            if loss == Loss::Linear {
                return;
            }
            for i in 0..f.len() {
                let z = (f[i] / fs).powi(2);
                let (_, r1, r2) = loss.rho(z);
                let r2 = r2 / (fs * fs);
                let mut js = r1 + 2.0 * r2 * f[i] * f[i];
                if js < f64::EPSILON {
                    js = f64::EPSILON;
                }
                let js = js.sqrt();
                f[i] *= r1 / js;
                for k in 0..j.cols {
                    let v = j.get(i, k) * js;
                    j.set(i, k, v);
                }
            }
        };
        let mut x = x0.to_vec();
        let mut f = vec![0.0; m];
        (self.fun)(&x, &mut f);
        if f.iter().any(|v| !v.is_finite()) {
            return Err(OptimizeError::NotFinite);
        }
        let mut f_true = f.clone();
        let mut nfev = 1;
        let mut jm = self.jacobian(&x, &f, lb, ub, rel);
        let mut njev = 1;
        let mut cost = cost_of(&f);
        robust_scale(&mut jm, &mut f);
        let mut g = jm.tmatvec(&f);
        let jac_scale = matches!(xs, XScale::Jac);
        let col_norms = |j: &Matrix| -> Vec<f64> {
            (0..j.cols).map(|k| (0..j.rows).map(|i| j.get(i, k).powi(2)).sum::<f64>().sqrt()).collect()
        };
        let (mut scale, mut scale_inv): (Vec<f64>, Vec<f64>) = match xs {
            XScale::Jac => {
                let si: Vec<f64> =
                    col_norms(&jm).into_iter().map(|v| if v == 0.0 { 1.0 } else { v }).collect();
                (si.iter().map(|v| 1.0 / v).collect(), si)
            }
            XScale::Values(v) => (v.clone(), v.iter().map(|s| 1.0 / s).collect()),
        };
        let cl_scaling = |x: &[f64], g: &[f64]| -> (Vec<f64>, Vec<f64>) {
            let mut v = vec![1.0; n];
            let mut dv = vec![0.0; n];
            for i in 0..n {
                if g[i] < 0.0 && ub[i].is_finite() {
                    v[i] = ub[i] - x[i];
                    dv[i] = -1.0;
                }
                if g[i] > 0.0 && lb[i].is_finite() {
                    v[i] = x[i] - lb[i];
                    dv[i] = 1.0;
                }
            }
            (v, dv)
        };
        let mut delta = if bounded {
            let (mut v, dv) = cl_scaling(&x, &g);
            for i in 0..n {
                if dv[i] != 0.0 {
                    v[i] *= scale_inv[i];
                }
            }
            norm((0..n).map(|i| x0[i] * scale_inv[i] / v[i].sqrt()))
        } else {
            norm((0..n).map(|i| x0[i] * scale_inv[i]))
        };
        if delta == 0.0 {
            delta = 1.0;
        }
        let max_nfev = o.max_nfev.unwrap_or(100 * n);
        let mut alpha = 0.0;
        let mut status: Option<i32> = None;
        let mut g_norm;
        loop {
            let (mut v, dv) = if bounded { cl_scaling(&x, &g) } else { (vec![1.0; n], vec![0.0; n]) };
            g_norm = (0..n).map(|i| (g[i] * v[i]).abs()).fold(0.0, f64::max);
            if g_norm < o.gtol {
                status = Some(1);
            }
            if status.is_some() || nfev == max_nfev {
                break;
            }
            for i in 0..n {
                if dv[i] != 0.0 {
                    v[i] *= scale_inv[i];
                }
            }
            let d: Vec<f64> = (0..n).map(|i| v[i].sqrt() * scale[i]).collect();
            let diag_h: Vec<f64> = (0..n).map(|i| g[i] * dv[i] * scale[i]).collect();
            let g_h: Vec<f64> = (0..n).map(|i| d[i] * g[i]).collect();
            let rows = if bounded { m + n } else { m };
            let mut ja = Matrix::zeros(rows, n);
            for i in 0..m {
                for k in 0..n {
                    ja.set(i, k, jm.get(i, k) * d[k]);
                }
            }
            let mut j_h = Matrix::zeros(m, n);
            j_h.data.copy_from_slice(&ja.data[..m * n]);
            let mut f_aug = vec![0.0; rows];
            f_aug[..m].copy_from_slice(&f);
            if bounded {
                for k in 0..n {
                    ja.set(m + k, k, diag_h[k].sqrt());
                }
            }
            let sv = svd(&ja);
            let uf = sv.u.tmatvec(&f_aug);
            let theta = 0.995f64.max(1.0 - g_norm);
            let mut actual_reduction = -1.0;
            let mut x_new = x.clone();
            let mut f_new = vec![0.0; m];
            let mut cost_new = cost;
            while actual_reduction <= 0.0 && nfev < max_nfev {
                let (p_h, a) = solve_lsq_trust_region(rows, &uf, &sv.s, &sv.v, delta, alpha);
                alpha = a;
                let (step, step_h, predicted_reduction) = if bounded {
                    let p: Vec<f64> = (0..n).map(|i| d[i] * p_h[i]).collect();
                    select_step(&x, &j_h, &diag_h, &g_h, p, p_h, &d, delta, lb, ub, theta)
                } else {
                    let pred = -evaluate_quadratic(&j_h, &g_h, &p_h, None);
                    ((0..n).map(|i| d[i] * p_h[i]).collect(), p_h, pred)
                };
                for i in 0..n {
                    x_new[i] = x[i] + step[i];
                }
                if bounded {
                    x_new = make_strictly_feasible(&x_new, lb, ub, 0.0);
                }
                (self.fun)(&x_new, &mut f_new);
                nfev += 1;
                let step_h_norm = norm(step_h.iter().copied());
                if f_new.iter().any(|v| !v.is_finite()) {
                    delta = 0.25 * step_h_norm;
                    continue;
                }
                cost_new = cost_of(&f_new);
                actual_reduction = cost - cost_new;
                let (delta_new, ratio) = update_tr_radius(
                    delta,
                    actual_reduction,
                    predicted_reduction,
                    step_h_norm,
                    step_h_norm > 0.95 * delta,
                );
                let step_norm = norm(step.iter().copied());
                status = check_termination(
                    actual_reduction,
                    cost,
                    step_norm,
                    norm(x.iter().copied()),
                    ratio,
                    o.ftol,
                    o.xtol,
                );
                if status.is_some() {
                    break;
                }
                alpha *= delta / delta_new;
                delta = delta_new;
            }
            if actual_reduction > 0.0 {
                x.copy_from_slice(&x_new);
                f.copy_from_slice(&f_new);
                f_true.copy_from_slice(&f_new);
                cost = cost_new;
                jm = self.jacobian(&x, &f, lb, ub, rel);
                njev += 1;
                robust_scale(&mut jm, &mut f);
                g = jm.tmatvec(&f);
                if jac_scale {
                    let cn = col_norms(&jm);
                    for i in 0..n {
                        scale_inv[i] = scale_inv[i].max(cn[i]);
                        scale[i] = 1.0 / scale_inv[i];
                    }
                }
            }
        }
        let status = LsqStatus::from_code(status.unwrap_or(0));
        let active_mask = if bounded { find_active_constraints(&x, lb, ub, o.xtol) } else { vec![0; n] };
        Ok(LsqResult {
            x,
            cost,
            fun: f_true,
            jac: to_array(jm),
            grad: g,
            optimality: g_norm,
            active_mask,
            nfev,
            njev,
            status,
            message: status.message().into(),
        })
    }
}

/// SciPy's `solve_lsq_trust_region`: the step minimizing ‖J p + f‖ with ‖p‖ ≤ Δ, from the SVD
/// of J. Returns (p, α).
fn solve_lsq_trust_region(
    m: usize,
    uf: &[f64],
    s: &[f64],
    v: &Matrix,
    delta: f64,
    initial_alpha: f64,
) -> (Vec<f64>, f64) {
    let n = v.rows;
    let k = s.len();
    let suf: Vec<f64> = (0..k).map(|i| s[i] * uf[i]).collect();
    let full_rank = m >= n && k > 0 && s[k - 1] > f64::EPSILON * m as f64 * s[0];
    if full_rank {
        let w: Vec<f64> = (0..k).map(|i| uf[i] / s[i]).collect();
        let p: Vec<f64> = (0..n).map(|r| -(0..k).map(|c| v.get(r, c) * w[c]).sum::<f64>()).collect();
        if norm(p.iter().copied()) <= delta {
            return (p, 0.0);
        }
    }
    let mut alpha_upper = norm(suf.iter().copied()) / delta;
    let mut alpha_lower = if full_rank {
        let (phi, dphi) = phi_and_derivative(0.0, &suf, s, delta);
        -phi / dphi
    } else {
        0.0
    };
    let mut alpha = if !full_rank && initial_alpha == 0.0 {
        (0.001 * alpha_upper).max((alpha_lower * alpha_upper).sqrt())
    } else {
        initial_alpha
    };
    for _ in 0..10 {
        if alpha < alpha_lower || alpha > alpha_upper {
            alpha = (0.001 * alpha_upper).max((alpha_lower * alpha_upper).sqrt());
        }
        let (phi, dphi) = phi_and_derivative(alpha, &suf, s, delta);
        if phi < 0.0 {
            alpha_upper = alpha;
        }
        let ratio = phi / dphi;
        alpha_lower = alpha_lower.max(alpha - ratio);
        alpha -= (phi + delta) * ratio / delta;
        if phi.abs() < 0.01 * delta {
            break;
        }
    }
    let mut p = step_for(uf, s, v, alpha);
    let pn = norm(p.iter().copied());
    if pn > 0.0 {
        for x in p.iter_mut() {
            *x *= delta / pn;
        }
    }
    (p, alpha)
}

fn update_tr_radius(delta: f64, actual: f64, predicted: f64, step_norm: f64, bound_hit: bool) -> (f64, f64) {
    let ratio = if predicted > 0.0 {
        actual / predicted
    } else if predicted == actual && actual == 0.0 {
        1.0
    } else {
        0.0
    };
    let delta = if ratio < 0.25 {
        0.25 * step_norm
    } else if ratio > 0.75 && bound_hit {
        delta * 2.0
    } else {
        delta
    };
    (delta, ratio)
}

fn check_termination(
    df: f64,
    f: f64,
    dx_norm: f64,
    x_norm: f64,
    ratio: f64,
    ftol: f64,
    xtol: f64,
) -> Option<i32> {
    let ftol_ok = df < ftol * f && ratio > 0.25;
    let xtol_ok = dx_norm < xtol * (xtol + x_norm);
    match (ftol_ok, xtol_ok) {
        (true, true) => Some(4),
        (true, false) => Some(2),
        (false, true) => Some(3),
        _ => None,
    }
}

fn evaluate_quadratic(j: &Matrix, g: &[f64], s: &[f64], diag: Option<&[f64]>) -> f64 {
    let js = j.matvec(s);
    let mut q: f64 = js.iter().map(|v| v * v).sum();
    if let Some(d) = diag {
        q += s.iter().zip(d).map(|(a, b)| a * b * a).sum::<f64>();
    }
    let l: f64 = s.iter().zip(g).map(|(a, b)| a * b).sum();
    0.5 * q + l
}

fn build_quadratic_1d(j: &Matrix, g: &[f64], s: &[f64], diag: &[f64], s0: Option<&[f64]>) -> (f64, f64, f64) {
    let v = j.matvec(s);
    let mut a: f64 = v.iter().map(|x| x * x).sum();
    a += s.iter().zip(diag).map(|(x, d)| x * d * x).sum::<f64>();
    a *= 0.5;
    let mut b: f64 = g.iter().zip(s).map(|(x, y)| x * y).sum();
    let mut c = 0.0;
    if let Some(s0) = s0 {
        let u = j.matvec(s0);
        b += u.iter().zip(&v).map(|(x, y)| x * y).sum::<f64>();
        c = 0.5 * u.iter().map(|x| x * x).sum::<f64>() + g.iter().zip(s0).map(|(x, y)| x * y).sum::<f64>();
        b += s0.iter().zip(diag).zip(s).map(|((x, d), y)| x * d * y).sum::<f64>();
        c += 0.5 * s0.iter().zip(diag).map(|(x, d)| x * d * x).sum::<f64>();
    }
    (a, b, c)
}

fn minimize_quadratic_1d(a: f64, b: f64, lb: f64, ub: f64, c: f64) -> (f64, f64) {
    let mut ts = vec![lb, ub];
    if a != 0.0 {
        let e = -0.5 * b / a;
        if lb < e && e < ub {
            ts.push(e);
        }
    }
    let mut best = (ts[0], ts[0] * (a * ts[0] + b) + c);
    for &t in &ts[1..] {
        let y = t * (a * t + b) + c;
        if y < best.1 {
            best = (t, y);
        }
    }
    best
}

/// Smallest step along s to a bound from x, and which components hit (sign).
fn step_size_to_bound(x: &[f64], s: &[f64], lb: &[f64], ub: &[f64]) -> (f64, Vec<f64>) {
    let n = x.len();
    let steps: Vec<f64> = (0..n)
        .map(|i| if s[i] != 0.0 { ((lb[i] - x[i]) / s[i]).max((ub[i] - x[i]) / s[i]) } else { f64::INFINITY })
        .collect();
    let min = steps.iter().copied().fold(f64::INFINITY, f64::min);
    let hits = (0..n)
        .map(|i| if steps[i] == min { s[i].signum() * (s[i] != 0.0) as i32 as f64 } else { 0.0 })
        .collect();
    (min, hits)
}

fn intersect_trust_region(x: &[f64], s: &[f64], delta: f64) -> (f64, f64) {
    let a: f64 = s.iter().map(|v| v * v).sum();
    let b: f64 = x.iter().zip(s).map(|(p, q)| p * q).sum();
    let c: f64 = x.iter().map(|v| v * v).sum::<f64>() - delta * delta;
    let d = (b * b - a * c).max(0.0).sqrt();
    let q = -(b + d.copysign(b));
    let (t1, t2) = (q / a, c / q);
    if t1 < t2 { (t1, t2) } else { (t2, t1) }
}

/// SciPy's `select_step` of TRF with bounds: the best of the trust-region step, its
/// reflection from the first bound hit, and the scaled anti-gradient.
fn select_step(
    x: &[f64],
    j_h: &Matrix,
    diag_h: &[f64],
    g_h: &[f64],
    mut p: Vec<f64>,
    mut p_h: Vec<f64>,
    d: &[f64],
    delta: f64,
    lb: &[f64],
    ub: &[f64],
    theta: f64,
) -> (Vec<f64>, Vec<f64>, f64) {
    let n = x.len();
    let inside = (0..n).all(|i| x[i] + p[i] >= lb[i] && x[i] + p[i] <= ub[i]);
    if inside {
        let v = evaluate_quadratic(j_h, g_h, &p_h, Some(diag_h));
        return (p, p_h, -v);
    }
    let (p_stride, hits) = step_size_to_bound(x, &p, lb, ub);
    let mut r_h = p_h.clone();
    for i in 0..n {
        if hits[i] != 0.0 {
            r_h[i] = -r_h[i];
        }
    }
    let r: Vec<f64> = (0..n).map(|i| d[i] * r_h[i]).collect();
    for i in 0..n {
        p[i] *= p_stride;
        p_h[i] *= p_stride;
    }
    let x_on_bound: Vec<f64> = (0..n).map(|i| x[i] + p[i]).collect();
    let (_, to_tr) = intersect_trust_region(&p_h, &r_h, delta);
    let (to_bound, _) = step_size_to_bound(&x_on_bound, &r, lb, ub);
    let r_stride = to_bound.min(to_tr);
    let (r_l, r_u) = if r_stride > 0.0 {
        ((1.0 - theta) * p_stride / r_stride, if r_stride == to_bound { theta * to_bound } else { to_tr })
    } else {
        (0.0, -1.0)
    };
    let mut r_value = f64::INFINITY;
    let mut r_h_out = r_h.clone();
    if r_l <= r_u {
        let (a, b, c) = build_quadratic_1d(j_h, g_h, &r_h, diag_h, Some(&p_h));
        let (rs, rv) = minimize_quadratic_1d(a, b, r_l, r_u, c);
        r_value = rv;
        for i in 0..n {
            r_h_out[i] = r_h[i] * rs + p_h[i];
        }
    }
    let r_out: Vec<f64> = (0..n).map(|i| r_h_out[i] * d[i]).collect();
    for i in 0..n {
        p[i] *= theta;
        p_h[i] *= theta;
    }
    let p_value = evaluate_quadratic(j_h, g_h, &p_h, Some(diag_h));
    let ag_h: Vec<f64> = g_h.iter().map(|v| -v).collect();
    let ag: Vec<f64> = (0..n).map(|i| d[i] * ag_h[i]).collect();
    let to_tr = delta / norm(ag_h.iter().copied());
    let (to_bound, _) = step_size_to_bound(x, &ag, lb, ub);
    let ag_stride = if to_bound < to_tr { theta * to_bound } else { to_tr };
    let (a, b, _) = build_quadratic_1d(j_h, g_h, &ag_h, diag_h, None);
    let (ag_stride, ag_value) = minimize_quadratic_1d(a, b, 0.0, ag_stride, 0.0);
    let ag_h: Vec<f64> = ag_h.iter().map(|v| v * ag_stride).collect();
    let ag: Vec<f64> = ag.iter().map(|v| v * ag_stride).collect();
    if p_value < r_value && p_value < ag_value {
        (p, p_h, -p_value)
    } else if r_value < p_value && r_value < ag_value {
        (r_out, r_h_out, -r_value)
    } else {
        (ag, ag_h, -ag_value)
    }
}

fn find_active_constraints(x: &[f64], lb: &[f64], ub: &[f64], rtol: f64) -> Vec<i8> {
    (0..x.len())
        .map(|i| {
            if rtol == 0.0 {
                return if x[i] <= lb[i] {
                    -1
                } else if x[i] >= ub[i] {
                    1
                } else {
                    0
                };
            }
            let ld = x[i] - lb[i];
            let ud = ub[i] - x[i];
            let lt = rtol * lb[i].abs().max(1.0);
            let ut = rtol * ub[i].abs().max(1.0);
            if ub[i].is_finite() && ud <= ld.min(ut) {
                1
            } else if lb[i].is_finite() && ld <= ud.min(lt) {
                -1
            } else {
                0
            }
        })
        .collect()
}

pub(super) fn make_strictly_feasible(x: &[f64], lb: &[f64], ub: &[f64], rstep: f64) -> Vec<f64> {
    let active = find_active_constraints(x, lb, ub, rstep);
    (0..x.len())
        .map(|i| {
            let mut v = x[i];
            if active[i] == -1 {
                v = if rstep == 0.0 {
                    next_toward(lb[i], ub[i])
                } else {
                    lb[i] + rstep * lb[i].abs().max(1.0)
                };
            } else if active[i] == 1 {
                v = if rstep == 0.0 {
                    next_toward(ub[i], lb[i])
                } else {
                    ub[i] - rstep * ub[i].abs().max(1.0)
                };
            }
            if v < lb[i] || v > ub[i] { 0.5 * (lb[i] + ub[i]) } else { v }
        })
        .collect()
}

fn next_toward(a: f64, b: f64) -> f64 {
    if a == b || a.is_nan() || b.is_nan() {
        return a;
    }
    if a == 0.0 {
        return if b > 0.0 { f64::from_bits(1) } else { -f64::from_bits(1) };
    }
    let bits = a.to_bits();
    let up = (b > a) == (a > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}
