//! Levenberg–Marquardt as MINPACK's `lmder` (Moré 1978) takes its steps: column scaling by
//! Jacobian norms, `lmpar`'s iteration for the Levenberg–Marquardt parameter (on an SVD of the
//! scaled Jacobian), the trust-region radius rules and the convergence tests.

use super::covariance::to_array;
use super::{LsqOptions, LsqProblem, LsqResult, LsqStatus, XScale, norm, phi_and_derivative, step_for};
use crate::linalg::{Matrix, svd};

impl LsqProblem<'_> {
    /// MINPACK's Levenberg–Marquardt (`lmder`; differences by SciPy's `2-point` scheme).
    pub(super) fn lm(&mut self, x0: &[f64], o: &LsqOptions, xs: &XScale) -> LsqResult {
        let (m, n) = (self.m, x0.len());
        // SciPy (since 1.16) runs `lmder` whether or not a Jacobian is given, differencing in
        // its own `2-point` scheme (steps `rel·max(1, |x|)`, not `lmdif`'s `sqrt(epsfcn)·|x|`),
        // and `lmder` counts only its own evaluations against `100 n`: so do we.
        let rel = o.diff_step.unwrap_or(f64::EPSILON.sqrt());
        let maxfev = o.max_nfev.unwrap_or(100 * n);
        let unbounded = vec![f64::INFINITY; n];
        let below: Vec<f64> = unbounded.iter().map(|v| -v).collect();
        let epsmch = f64::EPSILON;
        let factor = 100.0;
        let mut x = x0.to_vec();
        let mut fvec = vec![0.0; m];
        (self.fun)(&x, &mut fvec);
        let mut nfev = 1;
        let mut njev = 0;
        let mut fnorm = norm(fvec.iter().copied());
        let mut par = 0.0;
        let mut iter = 1;
        let mut diag = vec![0.0; n];
        let mut delta = 0.0;
        let mut xnorm = 0.0;
        let mut info = 0;
        let mut jm;
        let mut gnorm;
        let nan = |v: &[f64]| v.iter().any(|a| !a.is_finite());
        'outer: loop {
            jm = self.jacobian(&x, &fvec, &below, &unbounded, rel);
            njev += 1;
            let cn: Vec<f64> =
                (0..n).map(|k| (0..m).map(|i| jm.get(i, k).powi(2)).sum::<f64>().sqrt()).collect();
            if iter == 1 {
                match xs {
                    XScale::Jac => {
                        for k in 0..n {
                            diag[k] = if cn[k] == 0.0 { 1.0 } else { cn[k] };
                        }
                    }
                    XScale::Values(v) => {
                        for k in 0..n {
                            diag[k] = 1.0 / v[k];
                        }
                    }
                }
                xnorm = norm((0..n).map(|k| diag[k] * x[k]));
                delta = factor * xnorm;
                if delta == 0.0 {
                    delta = factor;
                }
            }
            // The scaled gradient test.
            gnorm = 0.0f64;
            if fnorm != 0.0 {
                let jtf = jm.tmatvec(&fvec);
                for k in 0..n {
                    if cn[k] != 0.0 {
                        gnorm = gnorm.max((jtf[k] / fnorm / cn[k]).abs());
                    }
                }
            }
            if gnorm <= o.gtol {
                info = 4;
            }
            if info != 0 {
                break;
            }
            if matches!(xs, XScale::Jac) {
                for k in 0..n {
                    diag[k] = diag[k].max(cn[k]);
                }
            }
            // SVD of J D⁻¹ for the Levenberg-Marquardt parameter.
            let mut jd = jm.clone();
            for i in 0..m {
                for k in 0..n {
                    let v = jd.get(i, k) / diag[k];
                    jd.set(i, k, v);
                }
            }
            let sv = svd(&jd);
            let uf = sv.u.tmatvec(&fvec);
            loop {
                par = lmpar(&uf, &sv.s, &sv.v, delta, par);
                let y = step_for(&uf, &sv.s, &sv.v, par);
                let p: Vec<f64> = (0..n).map(|k| y[k] / diag[k]).collect();
                let pnorm = norm(y.iter().copied());
                if iter == 1 {
                    delta = delta.min(pnorm);
                }
                let xt: Vec<f64> = (0..n).map(|k| x[k] + p[k]).collect();
                let mut ft = vec![0.0; m];
                (self.fun)(&xt, &mut ft);
                nfev += 1;
                let fnorm1 = if nan(&ft) { f64::INFINITY } else { norm(ft.iter().copied()) };
                let mut actred = -1.0;
                if 0.1 * fnorm1 < fnorm {
                    actred = 1.0 - (fnorm1 / fnorm).powi(2);
                }
                let jp = jm.matvec(&p);
                let temp1 = norm(jp.iter().copied()) / fnorm;
                let temp2 = par.sqrt() * pnorm / fnorm;
                let prered = temp1 * temp1 + temp2 * temp2 / 0.5;
                let dirder = -(temp1 * temp1 + temp2 * temp2);
                let ratio = if prered != 0.0 { actred / prered } else { 0.0 };
                if ratio <= 0.25 {
                    let mut temp = if actred >= 0.0 { 0.5 } else { 0.5 * dirder / (dirder + 0.5 * actred) };
                    if 0.1 * fnorm1 >= fnorm || temp < 0.1 {
                        temp = 0.1;
                    }
                    delta = temp * delta.min(pnorm / 0.1);
                    par /= temp;
                } else if par == 0.0 || ratio >= 0.75 {
                    delta = pnorm / 0.5;
                    par *= 0.5;
                }
                if ratio >= 1e-4 {
                    x = xt;
                    fvec = ft;
                    xnorm = norm((0..n).map(|k| diag[k] * x[k]));
                    fnorm = fnorm1;
                    iter += 1;
                }
                if actred.abs() <= o.ftol && prered <= o.ftol && 0.5 * ratio <= 1.0 {
                    info = 1;
                }
                if delta <= o.xtol * xnorm {
                    info = if info == 1 { 3 } else { 2 };
                }
                if info != 0 {
                    break 'outer;
                }
                if nfev >= maxfev {
                    info = 5;
                }
                if actred.abs() <= epsmch && prered <= epsmch && 0.5 * ratio <= 1.0 {
                    info = 6;
                }
                if delta <= epsmch * xnorm {
                    info = 7;
                }
                if gnorm <= epsmch {
                    info = 8;
                }
                if info != 0 {
                    break 'outer;
                }
                if ratio >= 1e-4 {
                    break;
                }
            }
        }
        // SciPy maps MINPACK's info to least_squares statuses.
        let status = match info {
            1 => LsqStatus::Ftol,
            2 => LsqStatus::Xtol,
            3 => LsqStatus::FtolAndXtol,
            4 => LsqStatus::Gtol,
            5 => LsqStatus::MaxFunctionEvaluations,
            _ => LsqStatus::Ftol,
        };
        let g = jm.tmatvec(&fvec);
        let optimality = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        LsqResult {
            cost: 0.5 * fvec.iter().map(|v| v * v).sum::<f64>(),
            x,
            fun: fvec,
            jac: to_array(jm),
            grad: g,
            optimality,
            active_mask: vec![0; n],
            nfev,
            njev,
            status,
            message: status.message().into(),
        }
    }
}

/// MINPACK `lmpar` on an SVD: the Levenberg–Marquardt parameter with ‖y‖ within 10 % of Δ.
fn lmpar(uf: &[f64], s: &[f64], v: &Matrix, delta: f64, par0: f64) -> f64 {
    let k = s.len();
    let dwarf = f64::MIN_POSITIVE;
    let suf: Vec<f64> = (0..k).map(|i| s[i] * uf[i]).collect();
    let full_rank = k > 0 && s[k - 1] > f64::EPSILON * s[0] * k as f64;
    let mut parl = 0.0;
    if full_rank {
        let y = step_for(uf, s, v, 0.0);
        let dxnorm = norm(y.iter().copied());
        let fp = dxnorm - delta;
        if fp <= 0.1 * delta {
            return 0.0;
        }
        // MINPACK's lower bound is the Newton step on 1/‖y(α)‖ − 1/Δ, the same correction as
        // the iteration's below; the Newton step on ‖y(α)‖ − Δ (what the TRF solver starts
        // from) is smaller by Δ/‖y(0)‖ and made the first iterations start too low.
        let (phi, dphi) = phi_and_derivative(0.0, &suf, s, delta);
        parl = -(phi + delta) / delta * phi / dphi;
    }
    let gnorm = norm(suf.iter().copied());
    let mut paru = gnorm / delta;
    if paru == 0.0 {
        paru = dwarf / delta.min(0.1);
    }
    let mut par = par0.max(parl).min(paru);
    if par == 0.0 {
        let y = step_for(uf, s, v, 0.0);
        let dxnorm = norm(y.iter().copied());
        par = if dxnorm > 0.0 { gnorm / dxnorm } else { 0.0 };
    }
    let mut prev_fp = f64::NAN;
    for it in 1..=10 {
        if par == 0.0 {
            par = dwarf.max(0.001 * paru);
        }
        let (phi, dphi) = phi_and_derivative(par, &suf, s, delta);
        let fp = phi;
        if fp.abs() <= 0.1 * delta || (parl == 0.0 && fp <= prev_fp && prev_fp < 0.0) || it == 10 {
            break;
        }
        let parc = -(phi + delta) / delta * fp / dphi;
        if fp > 0.0 {
            parl = parl.max(par);
        }
        if fp < 0.0 {
            paru = paru.min(par);
        }
        par = parl.max(par + parc);
        prev_fp = fp;
    }
    par
}
