//! BFGS with SciPy's line search (`_minimize_bfgs`).

use std::cell::RefCell;

use crate::linesearch::{StepLimits, wolfe1, wolfe2};
use crate::result::{MinimizeStatus, OptimizeResult, messages};
use crate::scalar_fn::{ScalarFunction, dot, norm_inf, norm2};

/// The Wolfe conditions' constants (sufficient decrease `c1`, curvature `c2`) and the step
/// limits of one method's line searches.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wolfe {
    pub c1: f64,
    pub c2: f64,
    pub limits: StepLimits,
}

/// Line search along `p` from `x` with SciPy's `_line_search_wolfe12`: Moré–Thuente first,
/// the zoom search if that fails. `fvals` are f at `x` and at the previous point (for the
/// initial step). Returns (alpha, f(x + alpha p)).
pub(crate) fn line_search_wolfe12(
    sf: &mut ScalarFunction<'_, '_>,
    x: &[f64],
    p: &[f64],
    g: &[f64],
    (old_fval, old_old_fval): (f64, f64),
    Wolfe { c1, c2, limits }: Wolfe,
    mut extra: Option<&mut dyn FnMut(f64, &[f64]) -> bool>,
) -> Option<(f64, f64)> {
    let n = x.len();
    let derphi0 = dot(g, p);
    let cell = RefCell::new((sf, vec![0.0; n], vec![0.0; n]));
    let point = |st: &mut (&mut ScalarFunction<'_, '_>, Vec<f64>, Vec<f64>), a: f64| {
        for i in 0..n {
            st.1[i] = x[i] + a * p[i];
        }
    };
    let mut both = |a: f64| {
        let mut st = cell.borrow_mut();
        point(&mut st, a);
        let (sf, xt, gt) = &mut *st;
        let f = sf.fun(xt);
        sf.grad(xt, gt);
        (f, dot(gt, p))
    };
    if let Some(r) = wolfe1(&mut both, old_fval, old_old_fval, derphi0, c1, c2, limits) {
        match extra.as_mut() {
            None => return Some(r),
            Some(e) => {
                let st = cell.borrow();
                if e(r.0, &st.2) {
                    return Some(r);
                }
            }
        }
    }
    let mut phi = |a: f64| {
        let mut st = cell.borrow_mut();
        point(&mut st, a);
        let (sf, xt, _) = &mut *st;
        sf.fun(xt)
    };
    let mut derphi = |a: f64| {
        let mut st = cell.borrow_mut();
        point(&mut st, a);
        let (sf, xt, gt) = &mut *st;
        sf.grad(xt, gt);
        dot(gt, p)
    };
    let mut extra2 = |a: f64| match extra.as_mut() {
        None => true,
        Some(e) => {
            let mut st = cell.borrow_mut();
            point(&mut st, a);
            let (sf, xt, gt) = &mut *st;
            sf.grad(xt, gt);
            e(a, gt)
        }
    };
    wolfe2(&mut phi, &mut derphi, old_fval, old_old_fval, derphi0, c1, c2, limits.fallback_amax, &mut extra2)
        .map(|(a, f, _)| (a, f))
}

/// Options of BFGS.
pub(crate) struct BfgsOptions {
    pub gtol: f64,
    pub maxiter: usize,
    pub c1: f64,
    pub c2: f64,
    pub xrtol: f64,
}

pub(crate) fn minimize_bfgs(sf: &mut ScalarFunction<'_, '_>, x0: &[f64], o: &BfgsOptions) -> OptimizeResult {
    let n = x0.len();
    let mut xk = x0.to_vec();
    let mut old_fval = sf.fun(&xk);
    let mut gfk = vec![0.0; n];
    sf.grad(&xk, &mut gfk);
    let mut hk = vec![0.0; n * n];
    for i in 0..n {
        hk[i * n + i] = 1.0;
    }
    let mut old_old_fval = old_fval + norm2(&gfk) / 2.0;
    let mut k = 0;
    let mut warnflag = 0;
    let mut gnorm = norm_inf(&gfk);
    let mut pk = vec![0.0; n];
    let mut sk = vec![0.0; n];
    let mut yk = vec![0.0; n];
    let mut gnew = vec![0.0; n];
    let mut hy = vec![0.0; n];
    while gnorm > o.gtol && k < o.maxiter {
        for i in 0..n {
            pk[i] = -dot(&hk[i * n..(i + 1) * n], &gfk);
        }
        let Some((alpha, fnew)) = line_search_wolfe12(
            sf,
            &xk,
            &pk,
            &gfk,
            (old_fval, old_old_fval),
            Wolfe { c1: o.c1, c2: o.c2, limits: StepLimits::WIDE },
            None,
        ) else {
            warnflag = 2;
            break;
        };
        old_old_fval = old_fval;
        old_fval = fnew;
        for i in 0..n {
            sk[i] = alpha * pk[i];
            xk[i] += sk[i];
        }
        sf.grad(&xk, &mut gnew);
        for i in 0..n {
            yk[i] = gnew[i] - gfk[i];
        }
        gfk.copy_from_slice(&gnew);
        k += 1;
        gnorm = norm_inf(&gfk);
        if gnorm <= o.gtol {
            break;
        }
        if alpha * norm2(&pk) <= o.xrtol * (o.xrtol + norm2(&xk)) {
            break;
        }
        if !old_fval.is_finite() {
            warnflag = 2;
            break;
        }
        let rhok_inv = dot(&yk, &sk);
        let rhok = if rhok_inv == 0.0 { 1000.0 } else { 1.0 / rhok_inv };
        // H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T, expanded:
        // H - rho (s (H y)^T + (H y) s^T) + (rho^2 y^T H y + rho) s s^T   (H symmetric)
        for i in 0..n {
            hy[i] = dot(&hk[i * n..(i + 1) * n], &yk);
        }
        let yhy = dot(&yk, &hy);
        let c = rhok * rhok * yhy + rhok;
        for i in 0..n {
            for j in 0..n {
                hk[i * n + j] += -rhok * (sk[i] * hy[j] + hy[i] * sk[j]) + c * sk[i] * sk[j];
            }
        }
    }
    let fval = old_fval;
    let mut res = OptimizeResult::new(xk, fval);
    if warnflag == 2 {
        res.message = messages::PR_LOSS.into();
    } else if k >= o.maxiter {
        warnflag = 1;
        res.message = messages::MAXITER.into();
    } else if gnorm.is_nan() || fval.is_nan() || res.x.iter().any(|v| v.is_nan()) {
        warnflag = 3;
        res.message = messages::NAN.into();
    }
    res.stop(warnflag_status(warnflag), warnflag);
    res.jac = Some(gfk);
    res.hess_inv = Some(ndarray::Array2::from_shape_vec((n, n), hk).expect("hk holds n x n entries"));
    res.nit = k;
    res.nfev = sf.nfev;
    res.njev = sf.ngev;
    res
}

/// The meaning of the `warnflag` that BFGS and CG share with SciPy.
pub(crate) fn warnflag_status(warnflag: i32) -> MinimizeStatus {
    match warnflag {
        0 => MinimizeStatus::Converged,
        1 => MinimizeStatus::MaxIterations,
        2 => MinimizeStatus::PrecisionLoss,
        _ => MinimizeStatus::NotFinite,
    }
}
