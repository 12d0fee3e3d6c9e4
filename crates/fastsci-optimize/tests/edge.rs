//! Edge cases: NaN objectives, fixed variables, one dimension, bad arguments — results or
//! errors, never panics.

use fastsci_optimize::{Method, MinimizeOptions, OptimizeError, Problem};

/// A NaN objective is never success, whatever the method (SciPy: Nelder–Mead runs to its
/// iteration limit with status 2, the gradient methods stop on abnormal termination); nor is a
/// NaN gradient beside a finite objective, for the methods that use the gradient, nor a gradient
/// by finite differences of a NaN objective.
#[test]
fn nan_objective_or_gradient_is_never_success_in_any_method() {
    type Obj = fn(&[f64]) -> f64;
    type Grad = fn(&[f64], &mut [f64]);
    let nan: Obj = |_| f64::NAN;
    let quad: Obj = |x| (x[0] - 3.0).powi(2) + (x[1] + 1.0).powi(2);
    let nan_grad: Grad = |_, g| g.fill(f64::NAN);
    let mut wrong = Vec::new();
    for m in Method::ALL {
        let derivative_free = matches!(m, Method::NelderMead | Method::Powell);
        let needs_gradient = matches!(m, Method::NewtonCg | Method::TrustNcg | Method::TrustExact);
        // (what, objective, gradient: None for finite differences, as the CLI runs these)
        let mut cases = vec![("NaN objective", nan, Some(nan_grad))];
        if !derivative_free {
            cases.push(("NaN gradient", quad, Some(nan_grad)));
        }
        if !derivative_free && !needs_gradient {
            cases.push(("NaN objective, finite differences", nan, None));
        }
        for (what, f, g) in cases {
            let mut p = Problem::new(f).with_hessian(|_x: &[f64], mut h: ndarray::ArrayViewMut2<f64>| {
                h.assign(&ndarray::array![[2.0, 0.0], [0.0, 2.0]]);
            });
            if let Some(g) = g {
                p = p.with_gradient(g);
            }
            let r = p.minimize(&[1.0, 2.0], m, &MinimizeOptions::default()).expect("runs");
            if r.success() || r.message.is_empty() {
                wrong.push(format!("{what}, {m:?}: {r:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Nelder–Mead on an objective NaN everywhere runs as SciPy's does (defects.json): the simplex
/// never passes the convergence test, and the run stops on the evaluation limit.
#[test]
fn nelder_mead_on_a_nan_objective_stops_where_scipy_does() {
    let fx = crate::common::fixture("defects.json");
    let want = &fx["nan_nelder_mead"];
    let r = Problem::new(|_x: &[f64]| f64::NAN)
        .minimize(&[1.0, 2.0], Method::NelderMead, &MinimizeOptions::default())
        .expect("runs");
    assert_eq!(r.success(), want["success"].as_bool().expect("success"));
    assert_eq!(i64::from(r.code), want["status"].as_i64().expect("status"));
    assert_eq!(r.nfev as u64, want["nfev"].as_u64().expect("nfev"));
    assert_eq!(r.nit as u64, want["nit"].as_u64().expect("nit"));
    assert_eq!(r.message, want["message"].as_str().expect("message"));
}

#[test]
fn fixed_variable_by_equal_bounds_stays_fixed() {
    for m in [Method::LBfgsB, Method::NelderMead, Method::Powell] {
        let mut p = Problem::new(|x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] - 4.0).powi(2))
            .with_bounds(&[(1.0, 1.0), (-10.0, 10.0)]);
        let r = p.minimize(&[1.0, 0.0], m, &MinimizeOptions::default()).expect("runs");
        assert_eq!(r.x[0], 1.0, "{m:?}");
        assert!((r.x[1] - 4.0).abs() < 1e-3, "{m:?}: {:?}", r.x);
    }
}

#[test]
fn one_dimension_works_for_every_method() {
    for m in Method::ALL {
        let mut p = Problem::new(|x: &[f64]| (x[0] - 0.5).powi(2) + 1.0)
            .with_gradient(|x: &[f64], g: &mut [f64]| g[0] = 2.0 * (x[0] - 0.5));
        let r = p.minimize(&[3.0], m, &MinimizeOptions::default()).expect("runs");
        assert!((r.x[0] - 0.5).abs() < 1e-3 && r.success(), "{m:?}: {r:?}");
    }
}

#[test]
fn bad_arguments_are_errors() {
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0]);
    assert_eq!(p.minimize(&[], Method::Bfgs, &MinimizeOptions::default()), Err(OptimizeError::EmptyStart));
    let mut q = Problem::new(|x: &[f64]| x[0] * x[0]).with_bounds(&[(0.0, 1.0), (0.0, 1.0)]);
    assert!(matches!(
        q.minimize(&[0.5], Method::LBfgsB, &MinimizeOptions::default()),
        Err(OptimizeError::LengthMismatch { .. })
    ));
    let mut r = Problem::new(|x: &[f64]| x[0] * x[0]).with_bounds(&[(2.0, 1.0)]);
    assert!(matches!(
        r.minimize(&[0.5], Method::LBfgsB, &MinimizeOptions::default()),
        Err(OptimizeError::InvalidBounds { .. })
    ));
    let mut s = Problem::new(|x: &[f64]| x[0] * x[0]);
    assert!(matches!(
        s.minimize(&[0.5], Method::NewtonCg, &MinimizeOptions::default()),
        Err(OptimizeError::Missing { .. })
    ));
    assert!("nelder_mead".parse::<Method>().is_ok());
    assert!("L-BFGS-B".parse::<Method>().is_ok());
    assert_eq!("slsqp".parse::<Method>(), Ok(Method::Slsqp));
    assert_eq!("Trust_Exact".parse::<Method>(), Ok(Method::TrustExact));
}

/// Rosenbrock from (-1.2, 1) without a gradient: SciPy 1.17.1 reports (nfev, njev, nit) of
/// (114, 38, 31) for BFGS with `jac=None` (absolute step sqrt(eps)), (132, 44, 36) for L-BFGS-B
/// (absolute step 1e-8), (120, 40, 31) for BFGS with `'2-point'` and (195, 39, 32) with
/// `'3-point'` (relative steps).
#[test]
fn finite_difference_gradients_match_scipy_counts() {
    use fastsci_optimize::FiniteDiff;
    let cases = [
        (Method::Bfgs, None, (114, 38, 31)),
        (Method::LBfgsB, None, (132, 44, 36)),
        (Method::Bfgs, Some(FiniteDiff::TwoPoint), (120, 40, 31)),
        (Method::Bfgs, Some(FiniteDiff::ThreePoint), (195, 39, 32)),
    ];
    for (m, fd, (nfev, njev, nit)) in cases {
        let mut p = Problem::new(|x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2));
        let r = p
            .minimize(&[-1.2, 1.0], m, &MinimizeOptions { finite_diff: fd, ..MinimizeOptions::default() })
            .expect("runs");
        assert!((r.x[0] - 1.0).abs() < 1e-4, "{m:?} {fd:?}: {r:?}");
        let close = |a: usize, b: usize| (a as f64 - b as f64).abs() <= 0.1 * b as f64;
        assert!(
            close(r.nfev, nfev) && close(r.njev, njev) && close(r.nit, nit),
            "{m:?} {fd:?}: {} {} {}",
            r.nfev,
            r.njev,
            r.nit
        );
    }
}

/// L-BFGS-B's `hess_inv` equals SciPy's `LbfgsInvHessProduct(...).todense()` on Rosenbrock from
/// (-1.2, 1) with the analytic gradient (SciPy 1.17.1: 44 evaluations).
#[test]
fn lbfgsb_hess_inv_matches_scipy() {
    let rosen = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
    let grad = |x: &[f64], g: &mut [f64]| {
        g[0] = -400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]);
        g[1] = 200.0 * (x[1] - x[0] * x[0]);
    };
    let r = Problem::new(rosen)
        .with_gradient(grad)
        .minimize(&[-1.2, 1.0], Method::LBfgsB, &MinimizeOptions::default())
        .expect("runs");
    assert_eq!(r.nfev, 44);
    let h = r.hess_inv.expect("dense hess_inv for small n");
    let want = [0.3758209552062298, 0.6942799836552961, 0.6942799836552966, 1.2868636269329445];
    for (a, b) in h.iter().zip(want) {
        assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{h:?}");
    }
}

/// As SciPy: variables fixed by equal bounds are removed for L-BFGS-B and Powell, and a problem
/// with every variable fixed is evaluated once.
#[test]
fn fixed_variables_are_removed_as_scipy_does() {
    let f = |x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] - 4.0).powi(2) + x[0] * x[1];
    let g = |x: &[f64], g: &mut [f64]| {
        g[0] = 2.0 * (x[0] - 3.0) + x[1];
        g[1] = 2.0 * (x[1] - 4.0) + x[0];
    };
    let r = Problem::new(f)
        .with_gradient(g)
        .with_bounds(&[(1.0, 1.0), (-10.0, 10.0)])
        .minimize(&[1.0, 0.0], Method::LBfgsB, &MinimizeOptions::default())
        .expect("runs");
    assert_eq!(r.x[0], 1.0);
    assert!((r.x[1] - 3.5).abs() < 1e-6, "{r:?}");
    let jac = r.jac.expect("jac");
    assert!(jac[0].is_nan() && jac[1].abs() < 1e-5);
    let all = Problem::new(f)
        .with_bounds(&[(1.0, 1.0), (2.0, 2.0)])
        .minimize(&[0.0, 0.0], Method::Powell, &MinimizeOptions::default())
        .expect("runs");
    assert_eq!((all.x.clone(), all.nfev, all.success()), (vec![1.0, 2.0], 1, true));
    assert_eq!(all.fun, f(&[1.0, 2.0]));
}

/// trust-exact's hard case: at (1, 0) the gradient (2, 0) is orthogonal to the Hessian's
/// negative-curvature direction e₂, so p(λ) never reaches the boundary along e₂ and the step
/// must be completed along the estimated null vector. Every Hessian source gives the minimum
/// f = −¼ at (0, ±1/√2).
#[test]
fn trust_exact_handles_the_hard_case_with_any_hessian() {
    let f = |x: &[f64]| x[0] * x[0] - x[1] * x[1] + x[1].powi(4);
    let g = |x: &[f64], g: &mut [f64]| {
        g[0] = 2.0 * x[0];
        g[1] = -2.0 * x[1] + 4.0 * x[1].powi(3);
    };
    let h = |x: &[f64], mut h: ndarray::ArrayViewMut2<f64>| {
        h.assign(&ndarray::array![[2.0, 0.0], [0.0, -2.0 + 12.0 * x[1] * x[1]]]);
    };
    let opts = MinimizeOptions::default();
    let dense =
        Problem::new(f).with_gradient(g).with_hessian(h).minimize(&[1.0, 0.0], Method::TrustExact, &opts);
    let hessp = Problem::new(f)
        .with_gradient(g)
        .with_hessp(|x: &[f64], v: &[f64], o: &mut [f64]| {
            o[0] = 2.0 * v[0];
            o[1] = (-2.0 + 12.0 * x[1] * x[1]) * v[1];
        })
        .minimize(&[1.0, 0.0], Method::TrustExact, &opts);
    let differences = Problem::new(f).with_gradient(g).minimize(&[1.0, 0.0], Method::TrustExact, &opts);
    for r in [dense, hessp, differences] {
        let r = r.expect("runs");
        assert!(r.success(), "{r:?}");
        assert!((r.fun + 0.25).abs() < 1e-9 && r.x[0].abs() < 1e-5, "{r:?}");
        assert!((r.x[1].abs() - 0.5f64.sqrt()).abs() < 1e-5, "{r:?}");
    }
    let no_gradient = Problem::new(f).minimize(&[1.0, 0.0], Method::TrustExact, &opts);
    assert!(matches!(no_gradient, Err(OptimizeError::Missing { .. })), "{no_gradient:?}");
}

/// Himmelblau's function from SciPy's test start with Newton-CG (defects.json): with SciPy's
/// line-search limits (`amin = 1e-8`, `amax = 50`, an unbounded fallback), the run succeeds
/// with SciPy's evaluation and iteration counts. With BFGS's wide limits it reported
/// precision loss after 28 evaluations at `tol = 1e-6` (SciPy: success with 24).
#[test]
fn newton_cg_on_himmelblau_takes_scipys_steps() {
    let fx = crate::common::fixture("defects.json");
    let want = &fx["newton_cg_himmelblau"];
    let f = |x: &[f64]| (x[0] * x[0] + x[1] - 11.0).powi(2) + (x[0] + x[1] * x[1] - 7.0).powi(2);
    let g = |x: &[f64], g: &mut [f64]| {
        g[0] = 4.0 * x[0] * (x[0] * x[0] + x[1] - 11.0) + 2.0 * (x[0] + x[1] * x[1] - 7.0);
        g[1] = 2.0 * (x[0] * x[0] + x[1] - 11.0) + 4.0 * x[1] * (x[0] + x[1] * x[1] - 7.0);
    };
    let hessp = |x: &[f64], v: &[f64], out: &mut [f64]| {
        let (h00, h01) = (12.0 * x[0] * x[0] + 4.0 * x[1] - 42.0, 4.0 * x[0] + 4.0 * x[1]);
        let h11 = 12.0 * x[1] * x[1] + 4.0 * x[0] - 26.0;
        out[0] = h00 * v[0] + h01 * v[1];
        out[1] = h01 * v[0] + h11 * v[1];
    };
    let x0 = crate::common::vec_f64(&want["x0"]);
    let runs = want["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 4);
    for run in runs {
        let tol = run["tol"].as_f64();
        let mut p = Problem::new(f).with_gradient(g);
        if run["hessp"].as_bool().expect("hessp") {
            p = p.with_hessp(hessp);
        }
        let r = p
            .minimize(&x0, Method::NewtonCg, &MinimizeOptions { tol, ..MinimizeOptions::default() })
            .expect("runs");
        let what = format!("{run}: {r:?}");
        assert_eq!(i64::from(r.code), run["status"].as_i64().expect("status"), "{what}");
        assert_eq!(r.nfev as u64, run["nfev"].as_u64().expect("nfev"), "{what}");
        assert_eq!(r.nit as u64, run["nit"].as_u64().expect("nit"), "{what}");
        for (a, b) in r.x.iter().zip(crate::common::vec_f64(&run["x"])) {
            assert!((a - b).abs() < 1e-8, "{what}");
        }
    }
}

/// Bounded Powell from a start outside the bounds (defects.json): the start is not clipped,
/// as SciPy's is not, and the run follows SciPy's (509 evaluations to the minimum). Clipped to
/// the corner (2, 2, 2) it spent its 3,000 evaluations and failed.
#[test]
fn powell_from_outside_the_bounds_follows_scipy() {
    let fx = crate::common::fixture("defects.json");
    let want = &fx["powell_outside_bounds"];
    let rosen = |x: &[f64]| {
        (0..x.len() - 1).map(|i| 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2)).sum()
    };
    let bounds: Vec<(f64, f64)> = want["bounds"]
        .as_array()
        .expect("bounds")
        .iter()
        .map(|b| (b[0].as_f64().expect("lo"), b[1].as_f64().expect("hi")))
        .collect();
    let x0 = crate::common::vec_f64(&want["x0"]);
    let r = Problem::new(rosen)
        .with_bounds(&bounds)
        .minimize(&x0, Method::Powell, &MinimizeOptions::default())
        .expect("runs");
    assert!(r.success(), "{r:?}");
    assert_eq!(i64::from(r.code), want["status"].as_i64().expect("status"));
    assert_eq!(r.nfev as u64, want["nfev"].as_u64().expect("nfev"), "{r:?}");
    assert_eq!(r.nit as u64, want["nit"].as_u64().expect("nit"), "{r:?}");
    for (a, b) in r.x.iter().zip(crate::common::vec_f64(&want["x"])) {
        assert!((a - b).abs() < 1e-6, "{r:?}");
    }
}
