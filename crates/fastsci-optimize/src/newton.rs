//! Newton-CG (truncated Newton with a line search, `_minimize_newtoncg`) and the Newton
//! conjugate-gradient trust-region method of Steihaug (`trust-ncg`).

use crate::bfgs::{Wolfe, line_search_wolfe12};
use crate::linesearch::StepLimits;

/// SciPy's Newton-CG passes only `c1`, `c2` to its line search: the searches' own step limits.
const NEWTON_CG_SEARCH: Wolfe = Wolfe { c1: 1e-4, c2: 0.9, limits: StepLimits::SEARCH_DEFAULTS };
use crate::result::{MinimizeStatus, OptimizeResult, messages};
use crate::scalar_fn::{HesspBox, ScalarFunction, dot, norm2};

/// Hessian-vector products: the user's, or forward differences of the gradient.
pub(crate) struct Hessp<'h, 'a> {
    pub user: Option<&'h mut HesspBox<'a>>,
    pub nhev: usize,
}

impl Hessp<'_, '_> {
    pub fn apply(
        &mut self,
        sf: &mut ScalarFunction<'_, '_>,
        x: &[f64],
        g: &[f64],
        v: &[f64],
        out: &mut [f64],
    ) {
        match self.user.as_mut() {
            Some(h) => {
                h(x, v, out);
                self.nhev += 1;
            }
            None => {
                let eps = f64::EPSILON.sqrt();
                let xt: Vec<f64> = x.iter().zip(v).map(|(a, b)| a + eps * b).collect();
                sf.grad(&xt, out);
                for (o, gi) in out.iter_mut().zip(g) {
                    *o = (*o - gi) / eps;
                }
            }
        }
    }
}

pub(crate) fn minimize_newton_cg(
    sf: &mut ScalarFunction<'_, '_>,
    hessp: Option<&mut HesspBox<'_>>,
    x0: &[f64],
    avextol: f64,
    maxiter: usize,
) -> OptimizeResult {
    let n = x0.len();
    let mut hp = Hessp { user: hessp, nhev: 0 };
    let xtol = n as f64 * avextol;
    let mut update_l1norm = 2.0 * xtol;
    let mut xk = x0.to_vec();
    let mut k = 0;
    let mut old_fval = sf.fun(&xk);
    let mut old_old_fval = f64::NAN;
    let mut gfk = vec![0.0; n];
    let mut ap = vec![0.0; n];
    let finish =
        |status: i32, msg: &str, xk: Vec<f64>, f: f64, gfk: Vec<f64>, k, sf: &ScalarFunction, nhev| {
            let mut r = OptimizeResult::new(xk, f);
            let meaning = match status {
                0 => MinimizeStatus::Converged,
                1 => MinimizeStatus::MaxIterations,
                2 => MinimizeStatus::PrecisionLoss,
                _ if msg == messages::NAN => MinimizeStatus::NotFinite,
                _ => MinimizeStatus::NotPositiveDefinite,
            };
            r.stop(meaning, status);
            r.message = msg.into();
            r.jac = Some(gfk);
            r.nit = k;
            r.nfev = sf.nfev;
            r.njev = sf.ngev;
            r.nhev = nhev;
            r
        };
    while update_l1norm > xtol {
        if k >= maxiter {
            return finish(
                1,
                "Warning: Maximum number of iterations has been exceeded.",
                xk,
                old_fval,
                gfk,
                k,
                sf,
                hp.nhev,
            );
        }
        sf.grad(&xk, &mut gfk);
        let b: Vec<f64> = gfk.iter().map(|g| -g).collect();
        let maggrad: f64 = b.iter().map(|v| v.abs()).sum();
        let eta = 0.5f64.min(maggrad.sqrt());
        let termcond = eta * maggrad;
        let mut xsupi = vec![0.0; n];
        let mut ri = gfk.clone();
        let mut psupi: Vec<f64> = b.clone();
        let mut dri0 = dot(&ri, &ri);
        let mut converged_cg = false;
        for i in 0..20 * n {
            if ri.iter().map(|v| v.abs()).sum::<f64>() <= termcond {
                converged_cg = true;
                break;
            }
            hp.apply(sf, &xk, &gfk, &psupi, &mut ap);
            let curv = dot(&psupi, &ap);
            if (0.0..=3.0 * f64::EPSILON).contains(&curv) {
                converged_cg = true;
                break;
            } else if curv < 0.0 {
                if i == 0 {
                    for j in 0..n {
                        xsupi[j] = dri0 / (-curv) * b[j];
                    }
                }
                converged_cg = true;
                break;
            }
            let alphai = dri0 / curv;
            for j in 0..n {
                xsupi[j] += alphai * psupi[j];
                ri[j] += alphai * ap[j];
            }
            let dri1 = dot(&ri, &ri);
            let betai = dri1 / dri0;
            for j in 0..n {
                psupi[j] = -ri[j] + betai * psupi[j];
            }
            dri0 = dri1;
        }
        if !converged_cg {
            return finish(
                3,
                "Warning: CG iterations didn't converge. The Hessian is not positive definite.",
                xk,
                old_fval,
                gfk,
                k,
                sf,
                hp.nhev,
            );
        }
        let pk = xsupi;
        let ls = line_search_wolfe12(sf, &xk, &pk, &gfk, (old_fval, old_old_fval), NEWTON_CG_SEARCH, None);
        let Some((alpha, fnew)) = ls else {
            let msg = format!("Warning: {}", messages::PR_LOSS);
            return finish(2, &msg, xk, old_fval, gfk, k, sf, hp.nhev);
        };
        old_old_fval = old_fval;
        old_fval = fnew;
        update_l1norm = 0.0;
        for j in 0..n {
            let u = alpha * pk[j];
            xk[j] += u;
            update_l1norm += u.abs();
        }
        k += 1;
    }
    sf.grad(&xk, &mut gfk);
    if old_fval.is_nan() || update_l1norm.is_nan() {
        return finish(3, messages::NAN, xk, old_fval, gfk, k, sf, hp.nhev);
    }
    finish(0, messages::SUCCESS, xk, old_fval, gfk, k, sf, hp.nhev)
}

/// `get_boundaries_intersections`: t with ||z + t d|| = r, sorted.
pub(crate) fn boundaries(z: &[f64], d: &[f64], r: f64) -> (f64, f64) {
    let a = dot(d, d);
    let b = 2.0 * dot(z, d);
    let c = dot(z, z) - r * r;
    let sd = (b * b - 4.0 * a * c).sqrt();
    let aux = b + sd.copysign(b);
    let ta = -aux / (2.0 * a);
    let tb = -2.0 * c / aux;
    if ta <= tb { (ta, tb) } else { (tb, ta) }
}

/// What a trust-region subproblem solver sees: the current point, its value and gradient,
/// the radius, and whether the point is new since the last call (a step was accepted).
pub(crate) struct TrState<'s> {
    pub x: &'s [f64],
    pub fx: f64,
    pub g: &'s [f64],
    pub radius: f64,
    pub new_point: bool,
}

/// A step `p`, whether it reaches the boundary, and the model's value `m(p)`.
pub(crate) type TrStep = (Vec<f64>, bool, f64);

/// SciPy's `_minimize_trust_region`: the radius update (¼ on `ρ < ¼`, doubled up to
/// `max_trust_radius` on `ρ > ¾` at the boundary), acceptance at `ρ > η`, and stops on
/// `‖g‖₂ < gtol`, `maxiter` or a model that predicts no decrease. `nhev` is the caller's.
pub(crate) fn trust_region(
    sf: &mut ScalarFunction<'_, '_>,
    x0: &[f64],
    gtol: f64,
    maxiter: usize,
    mut solve: impl FnMut(&mut ScalarFunction<'_, '_>, &TrState<'_>) -> TrStep,
) -> OptimizeResult {
    let n = x0.len();
    let mut trust_radius: f64 = 1.0;
    let max_trust_radius = 1000.0;
    let eta = 0.15;
    let mut x = x0.to_vec();
    let mut fx = sf.fun(&x);
    let mut g = vec![0.0; n];
    sf.grad(&x, &mut g);
    let mut k = 0;
    let mut warnflag = 0;
    let mut new_point = true;
    while norm2(&g) >= gtol {
        let state = TrState { x: &x, fx, g: &g, radius: trust_radius, new_point };
        let (p, hits_boundary, predicted_value) = solve(sf, &state);
        new_point = false;
        let x_proposed: Vec<f64> = x.iter().zip(&p).map(|(a, b)| a + b).collect();
        let f_proposed = sf.fun(&x_proposed);
        let actual_reduction = fx - f_proposed;
        let predicted_reduction = fx - predicted_value;
        if predicted_reduction <= 0.0 {
            warnflag = 2;
            break;
        }
        let rho = actual_reduction / predicted_reduction;
        if rho < 0.25 {
            trust_radius *= 0.25;
        } else if rho > 0.75 && hits_boundary {
            trust_radius = (2.0 * trust_radius).min(max_trust_radius);
        }
        if rho > eta {
            x = x_proposed;
            fx = f_proposed;
            sf.grad(&x, &mut g);
            new_point = true;
        }
        k += 1;
        if norm2(&g) < gtol {
            break;
        }
        if k >= maxiter {
            warnflag = 1;
            break;
        }
    }
    let mut res = OptimizeResult::new(x, fx);
    let status = match warnflag {
        0 => MinimizeStatus::Converged,
        1 => MinimizeStatus::MaxIterations,
        _ => MinimizeStatus::NoPredictedDecrease,
    };
    res.stop(status, warnflag);
    res.message = match warnflag {
        0 => messages::SUCCESS,
        1 => messages::MAXITER,
        _ => "A bad approximation caused failure to predict improvement.",
    }
    .into();
    res.jac = Some(g);
    res.nit = k;
    res.nfev = sf.nfev;
    res.njev = sf.ngev;
    res
}

pub(crate) fn minimize_trust_ncg(
    sf: &mut ScalarFunction<'_, '_>,
    hessp: Option<&mut HesspBox<'_>>,
    x0: &[f64],
    gtol: f64,
    maxiter: usize,
) -> OptimizeResult {
    let n = x0.len();
    let mut hp = Hessp { user: hessp, nhev: 0 };
    let mut bd = vec![0.0; n];
    let mut res = trust_region(sf, x0, gtol, maxiter, |sf, st| {
        let (x, g, fx, trust_radius) = (st.x, st.g, st.fx, st.radius);
        // Steihaug's truncated CG on the model m(p) = f + g·p + p·Hp/2.
        let jac_mag = norm2(g);
        let tolerance = 0.5f64.min(jac_mag.sqrt()) * jac_mag;
        let model = |p: &[f64], sf: &mut ScalarFunction, hp: &mut Hessp| {
            let mut hv = vec![0.0; n];
            hp.apply(sf, x, g, p, &mut hv);
            fx + dot(g, p) + 0.5 * dot(p, &hv)
        };
        let (p, hits_boundary) = {
            let mut z = vec![0.0; n];
            let mut r = g.to_vec();
            let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
            loop {
                hp.apply(sf, x, g, &d, &mut bd);
                let dbd = dot(&d, &bd);
                if dbd <= 0.0 {
                    let (ta, tb) = boundaries(&z, &d, trust_radius);
                    let pa: Vec<f64> = z.iter().zip(&d).map(|(a, b)| a + ta * b).collect();
                    let pb: Vec<f64> = z.iter().zip(&d).map(|(a, b)| a + tb * b).collect();
                    let ma = model(&pa, sf, &mut hp);
                    let mb = model(&pb, sf, &mut hp);
                    break (if ma < mb { pa } else { pb }, true);
                }
                let r2 = dot(&r, &r);
                let alpha = r2 / dbd;
                let z_next: Vec<f64> = z.iter().zip(&d).map(|(a, b)| a + alpha * b).collect();
                if norm2(&z_next) >= trust_radius {
                    let (_, tb) = boundaries(&z, &d, trust_radius);
                    break (z.iter().zip(&d).map(|(a, b)| a + tb * b).collect(), true);
                }
                let r_next: Vec<f64> = r.iter().zip(&bd).map(|(a, b)| a + alpha * b).collect();
                let rn2 = dot(&r_next, &r_next);
                if rn2.sqrt() < tolerance {
                    break (z_next, false);
                }
                let beta = rn2 / r2;
                for j in 0..n {
                    d[j] = -r_next[j] + beta * d[j];
                }
                z = z_next;
                r = r_next;
            }
        };
        let predicted_value = model(&p, sf, &mut hp);
        (p, hits_boundary, predicted_value)
    });
    res.nhev = hp.nhev;
    res
}
