//! Nonlinear conjugate gradients, Polak–Ribière+ with a sufficient-descent check
//! (`_minimize_cg`).

use crate::bfgs::{Wolfe, line_search_wolfe12, warnflag_status};
use crate::linesearch::StepLimits;

/// SciPy's CG: `c2 = 0.4`, BFGS's wide step limits.
const CG_SEARCH: Wolfe = Wolfe { c1: 1e-4, c2: 0.4, limits: StepLimits::WIDE };
use crate::result::{OptimizeResult, messages};
use crate::scalar_fn::{ScalarFunction, dot, norm_inf, norm2};

pub(crate) fn minimize_cg(
    sf: &mut ScalarFunction<'_, '_>,
    x0: &[f64],
    gtol: f64,
    maxiter: usize,
) -> OptimizeResult {
    let n = x0.len();
    let mut xk = x0.to_vec();
    let mut old_fval = sf.fun(&xk);
    let mut gfk = vec![0.0; n];
    sf.grad(&xk, &mut gfk);
    let mut old_old_fval = old_fval + norm2(&gfk) / 2.0;
    let mut pk: Vec<f64> = gfk.iter().map(|g| -g).collect();
    let mut gnorm = norm_inf(&gfk);
    let mut k = 0;
    let mut warnflag = 0;
    let sigma_3 = 0.01;
    while gnorm > gtol && k < maxiter {
        let deltak = dot(&gfk, &gfk);
        // The Polak-Ribiere-Powell step for a trial alpha with gradient g1 there.
        let pr_step = |alpha: f64, g1: &[f64], xk: &[f64], pk: &[f64], gfk: &[f64]| {
            let xkp1: Vec<f64> = xk.iter().zip(pk).map(|(x, p)| x + alpha * p).collect();
            let beta = (g1.iter().zip(gfk).map(|(a, b)| (a - b) * a).sum::<f64>() / deltak).max(0.0);
            let pkp1: Vec<f64> = g1.iter().zip(pk).map(|(g, p)| -g + beta * p).collect();
            (xkp1, pkp1, g1.to_vec(), norm_inf(g1))
        };
        let mut cached: Option<(f64, (Vec<f64>, Vec<f64>, Vec<f64>, f64))> = None;
        let ls = {
            let (xr, pr, gr) = (&xk, &pk, &gfk);
            let mut descent = |alpha: f64, g1: &[f64]| -> bool {
                let st = pr_step(alpha, g1, xr, pr, gr);
                let ok = st.3 <= gtol || dot(&st.1, &st.2) <= -sigma_3 * dot(&st.2, &st.2);
                cached = Some((alpha, st));
                ok
            };
            line_search_wolfe12(sf, &xk, &pk, &gfk, (old_fval, old_old_fval), CG_SEARCH, Some(&mut descent))
        };
        let Some((alpha, fnew)) = ls else {
            warnflag = 2;
            break;
        };
        old_old_fval = old_fval;
        old_fval = fnew;
        let st = match cached {
            Some((a, st)) if a == alpha => st,
            _ => {
                let xt: Vec<f64> = xk.iter().zip(&pk).map(|(x, p)| x + alpha * p).collect();
                let mut g1 = vec![0.0; n];
                sf.grad(&xt, &mut g1);
                pr_step(alpha, &g1, &xk, &pk, &gfk)
            }
        };
        xk = st.0;
        pk = st.1;
        gfk = st.2;
        gnorm = st.3;
        k += 1;
    }
    let mut res = OptimizeResult::new(xk, old_fval);
    if warnflag == 2 {
        res.message = messages::PR_LOSS.into();
    } else if k >= maxiter {
        warnflag = 1;
        res.message = messages::MAXITER.into();
    } else if gnorm.is_nan() || old_fval.is_nan() || res.x.iter().any(|v| v.is_nan()) {
        warnflag = 3;
        res.message = messages::NAN.into();
    }
    res.stop(warnflag_status(warnflag), warnflag);
    res.jac = Some(gfk);
    res.nit = k;
    res.nfev = sf.nfev;
    res.njev = sf.ngev;
    res
}
