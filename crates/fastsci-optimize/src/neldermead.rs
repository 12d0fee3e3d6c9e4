//! Nelder–Mead downhill simplex (`_minimize_neldermead`), with SciPy's initial simplex,
//! the `adaptive` parameters of Gao & Han (2012) and bounds by clipping.

use crate::result::{MinimizeStatus, OptimizeResult, messages};

/// Options of Nelder–Mead.
pub(crate) struct NmOptions {
    pub xatol: f64,
    pub fatol: f64,
    pub maxiter: Option<usize>,
    pub maxfev: Option<usize>,
    pub adaptive: bool,
    pub initial_simplex: Option<Vec<Vec<f64>>>,
}

struct MaxFev;

pub(crate) fn minimize_neldermead(
    fun: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    bounds: Option<&[(f64, f64)]>,
    o: &NmOptions,
) -> OptimizeResult {
    let n = x0.len();
    let (rho, chi, psi, sigma) = if o.adaptive {
        let d = n as f64;
        (1.0, 1.0 + 2.0 / d, 0.75 - 1.0 / (2.0 * d), 1.0 - 1.0 / d)
    } else {
        (1.0, 2.0, 0.5, 0.5)
    };
    let clip = |x: &mut [f64]| {
        if let Some(b) = bounds {
            for (xi, &(lo, hi)) in x.iter_mut().zip(b) {
                *xi = xi.max(lo).min(hi);
            }
        }
    };
    let mut x0 = x0.to_vec();
    clip(&mut x0);
    let mut sim: Vec<Vec<f64>> = match &o.initial_simplex {
        Some(s) => s.clone(),
        None => {
            let mut s = vec![x0.clone()];
            for k in 0..n {
                let mut y = x0.clone();
                y[k] = if y[k] != 0.0 { 1.05 * y[k] } else { 0.00025 };
                s.push(y);
            }
            s
        }
    };
    if let Some(b) = bounds {
        for p in sim.iter_mut() {
            for (xi, &(lo, hi)) in p.iter_mut().zip(b) {
                if *xi > hi {
                    *xi = 2.0 * hi - *xi;
                }
                *xi = xi.max(lo).min(hi);
            }
        }
    }
    let (maxiter, maxfun) = match (o.maxiter, o.maxfev) {
        (None, None) => (n * 200, n * 200),
        (None, Some(f)) => (usize::MAX, f),
        (Some(i), None) => (i, usize::MAX),
        (Some(i), Some(f)) => (i, f),
    };
    let mut fcalls = 0usize;
    let mut call = |x: &[f64], fcalls: &mut usize| -> Result<f64, MaxFev> {
        if *fcalls >= maxfun {
            return Err(MaxFev);
        }
        *fcalls += 1;
        Ok(fun(x))
    };
    let mut fsim = vec![f64::INFINITY; n + 1];
    for k in 0..=n {
        match call(&sim[k], &mut fcalls) {
            Ok(v) => fsim[k] = v,
            Err(MaxFev) => break,
        }
    }
    let sort = |sim: &mut Vec<Vec<f64>>, fsim: &mut Vec<f64>| {
        let mut ind: Vec<usize> = (0..fsim.len()).collect();
        ind.sort_by(|&a, &b| fsim[a].partial_cmp(&fsim[b]).unwrap_or(std::cmp::Ordering::Equal));
        *sim = ind.iter().map(|&i| sim[i].clone()).collect();
        *fsim = ind.iter().map(|&i| fsim[i]).collect();
    };
    sort(&mut sim, &mut fsim);
    let mut iterations = 1usize;
    let mut xbar = vec![0.0; n];
    let mut xr = vec![0.0; n];
    let mut xe = vec![0.0; n];
    while fcalls < maxfun && iterations < maxiter {
        let mut xdiff: f64 = 0.0;
        for p in &sim[1..] {
            for (a, b) in p.iter().zip(&sim[0]) {
                xdiff = xdiff.max((a - b).abs());
            }
        }
        // np.max propagates NaN, so a NaN vertex never passes the test below and SciPy runs
        // on to maxiter (status 2); f64::max would drop the NaN and report convergence.
        let fdiff = fsim[1..]
            .iter()
            .map(|f| (fsim[0] - f).abs())
            .fold(0.0, |m: f64, d| if m.is_nan() || d.is_nan() { f64::NAN } else { m.max(d) });
        if xdiff <= o.xatol && fdiff <= o.fatol {
            break;
        }
        let step = (|| -> Result<(), MaxFev> {
            for (j, xb) in xbar.iter_mut().enumerate() {
                *xb = sim[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64;
            }
            for j in 0..n {
                xr[j] = (1.0 + rho) * xbar[j] - rho * sim[n][j];
            }
            clip(&mut xr);
            let fxr = call(&xr, &mut fcalls)?;
            let mut doshrink = false;
            if fxr < fsim[0] {
                for j in 0..n {
                    xe[j] = (1.0 + rho * chi) * xbar[j] - rho * chi * sim[n][j];
                }
                clip(&mut xe);
                let fxe = call(&xe, &mut fcalls)?;
                if fxe < fxr {
                    sim[n].copy_from_slice(&xe);
                    fsim[n] = fxe;
                } else {
                    sim[n].copy_from_slice(&xr);
                    fsim[n] = fxr;
                }
            } else if fxr < fsim[n - 1] {
                sim[n].copy_from_slice(&xr);
                fsim[n] = fxr;
            } else if fxr < fsim[n] {
                for j in 0..n {
                    xe[j] = (1.0 + psi * rho) * xbar[j] - psi * rho * sim[n][j];
                }
                clip(&mut xe);
                let fxc = call(&xe, &mut fcalls)?;
                if fxc <= fxr {
                    sim[n].copy_from_slice(&xe);
                    fsim[n] = fxc;
                } else {
                    doshrink = true;
                }
            } else {
                for j in 0..n {
                    xe[j] = (1.0 - psi) * xbar[j] + psi * sim[n][j];
                }
                clip(&mut xe);
                let fxcc = call(&xe, &mut fcalls)?;
                if fxcc < fsim[n] {
                    sim[n].copy_from_slice(&xe);
                    fsim[n] = fxcc;
                } else {
                    doshrink = true;
                }
            }
            if doshrink {
                for j in 1..=n {
                    for k in 0..n {
                        sim[j][k] = sim[0][k] + sigma * (sim[j][k] - sim[0][k]);
                    }
                    clip(&mut sim[j]);
                    fsim[j] = call(&sim[j], &mut fcalls)?;
                }
            }
            iterations += 1;
            Ok(())
        })();
        sort(&mut sim, &mut fsim);
        if step.is_err() {
            break;
        }
    }
    // np.min: NaN if any value is NaN.
    let fval = if fsim.iter().any(|v| v.is_nan()) {
        f64::NAN
    } else {
        fsim.iter().copied().fold(f64::INFINITY, f64::min)
    };
    let mut res = OptimizeResult::new(sim[0].clone(), fval);
    if fcalls >= maxfun {
        res.stop(MinimizeStatus::MaxFunctionEvaluations, 1);
        res.message = messages::MAXFEV.into();
    } else if iterations >= maxiter {
        res.stop(MinimizeStatus::MaxIterations, 2);
        res.message = messages::MAXITER.into();
    }
    res.nit = iterations;
    res.nfev = fcalls;
    res
}
