//! least_squares and curve_fit against SciPy fixtures.

use fastsci_optimize::lsq::{CurveFitOptions, Loss, LsqMethod, LsqOptions, LsqProblem, XScale, curve_fit};
use ndarray::ArrayViewMut2;

use crate::common::{fixture, vec_f64};

fn close(a: f64, b: f64, rtol: f64, atol: f64) -> bool {
    (a - b).abs() <= atol + rtol * b.abs()
}

#[test]
fn least_squares_matches_scipy_for_losses_scales_bounds_and_lm() {
    let fx = fixture("least_squares.json");
    let t = vec_f64(&fx["t"]);
    let y = vec_f64(&fx["y"]);
    let mut failures = vec![];
    for case in fx["cases"].as_array().expect("cases") {
        let o = &case["options"];
        let mut opts = LsqOptions::default();
        if let Some(l) = o.get("loss") {
            opts.loss = l.as_str().expect("loss").parse().expect("known loss");
        }
        if let Some(fs) = o.get("f_scale") {
            opts.f_scale = fs.as_f64().expect("f_scale");
        }
        match o.get("x_scale") {
            Some(v) if v.is_string() => opts.x_scale = Some(XScale::Jac),
            Some(v) => opts.x_scale = Some(XScale::Values(vec_f64(v))),
            None => {}
        }
        if o.get("method").is_some() {
            opts.method = LsqMethod::Lm;
        }
        let mut p = LsqProblem::new(t.len(), |x: &[f64], r: &mut [f64]| {
            for i in 0..t.len() {
                r[i] = x[0] * (-x[1] * t[i]).exp() + x[2] - y[i];
            }
        });
        if let Some(b) = o.get("bounds") {
            let lo = vec_f64(&b[0]);
            let hi = vec_f64(&b[1]);
            let bs: Vec<(f64, f64)> = lo.into_iter().zip(hi).collect();
            p = p.with_bounds(&bs);
        }
        let r = p.solve(&[1.0, 1.0, 0.0], &opts).expect("solves");
        let sx = vec_f64(&case["x"]);
        let ok = r.success() && r.x.iter().zip(&sx).all(|(a, b)| close(*a, *b, 1e-5, 1e-7));
        eprintln!(
            "{o} x {:?} scipy {sx:?} nfev {} scipy {} status {} {}",
            r.x,
            r.nfev,
            case["nfev"],
            r.status.code(),
            ok
        );
        if !ok {
            failures.push(o.to_string());
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn curve_fit_matches_scipy_popt_and_pcov() {
    let fx = fixture("curve_fit.json");
    let mut failures = vec![];
    let mut models = std::collections::BTreeSet::new();
    for fit in fx["fits"].as_array().expect("fits") {
        let name = fit["model"].as_str().expect("model");
        let case = fit["case"].as_str().expect("case");
        let model: fn(f64, &[f64]) -> f64 = match name {
            "exp_decay" => |x, p| p[0] * (-p[1] * x).exp() + p[2],
            "gaussian_peak" => |x, p| p[0] * (-(x - p[1]).powi(2) / (2.0 * p[2] * p[2])).exp(),
            "logistic" => |x, p| p[0] / (1.0 + (-p[1] * (x - p[2])).exp()),
            "damped_sine" => |x, p| p[0] * (-p[1] * x).exp() * (p[2] * x + p[3]).sin(),
            "power_law" => |x, p| p[0] * x.powf(p[1]),
            "michaelis_menten" => |x, p| p[0] * x / (p[1] + x),
            other => panic!("unknown model {other}"),
        };
        let x = vec_f64(&fit["x"]);
        let y = vec_f64(&fit["y"]);
        let sigma = vec_f64(&fit["sigma"]);
        let p0 = vec_f64(&fit["p0"]);
        let bounds: Option<Vec<(f64, f64)>> =
            fit["bounds"].as_array().map(|b| vec_f64(&b[0]).into_iter().zip(vec_f64(&b[1])).collect());
        let opts = CurveFitOptions {
            sigma: (case == "sigma" || case == "absolute_sigma").then_some(sigma.as_slice()),
            absolute_sigma: case == "absolute_sigma",
            bounds: bounds.as_deref(),
        };
        let r = curve_fit(model, &x, &y, &p0, &opts).expect("fits");
        let popt = vec_f64(&fit["popt"]);
        let pcov: Vec<f64> = fit["pcov"].as_array().expect("pcov").iter().flat_map(vec_f64).collect();
        let popt_ok = r.popt.iter().zip(&popt).all(|(a, b)| close(*a, *b, 1e-6, 1e-9));
        let scale = pcov.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let pcov_ok = r.pcov.iter().zip(&pcov).all(|(a, b)| close(*a, *b, 1e-4, 1e-6 * scale));
        eprintln!(
            "{name:<18} {case:<15} popt {popt_ok} pcov {pcov_ok} nfev {} scipy {}",
            r.nfev, fit["nfev"]
        );
        if !(popt_ok && pcov_ok && r.success()) {
            failures
                .push(format!("{name} {case}: popt {:?} vs {popt:?}; pcov {:?} vs {pcov:?}", r.popt, r.pcov));
        }
        models.insert(name.to_string());
    }
    assert!(models.len() >= 5);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn robust_loss_downweights_outliers() {
    // A line with one gross outlier: soft_l1 stays near the truth, linear does not.
    let x: Vec<f64> = (0..20).map(|i| i as f64).collect();
    let mut y: Vec<f64> = x.iter().map(|x| 2.0 * x + 1.0).collect();
    y[10] += 100.0;
    let solve = |loss: Loss| {
        let mut p = LsqProblem::new(20, |q: &[f64], r: &mut [f64]| {
            for i in 0..20 {
                r[i] = q[0] * x[i] + q[1] - y[i];
            }
        });
        p.solve(&[0.0, 0.0], &LsqOptions { loss, ..LsqOptions::default() }).expect("solves")
    };
    let lin = solve(Loss::Linear);
    let rob = solve(Loss::SoftL1);
    assert!((rob.x[0] - 2.0).abs() < 0.05 && (rob.x[1] - 1.0).abs() < 1.0, "{:?}", rob.x);
    assert!((lin.x[1] - 1.0).abs() > 3.0, "{:?}", lin.x);
}

#[test]
fn least_squares_rejects_bad_input() {
    let mut p = LsqProblem::new(2, |x: &[f64], r: &mut [f64]| {
        r[0] = x[0];
        r[1] = x[0] - 1.0;
    });
    assert!(p.solve(&[], &LsqOptions::default()).is_err());
    let opts = LsqOptions { method: LsqMethod::Lm, loss: Loss::Huber, ..LsqOptions::default() };
    assert!(p.solve(&[1.0], &opts).is_err());
    let mut q = LsqProblem::new(1, |x: &[f64], r: &mut [f64]| r[0] = x[0]).with_bounds(&[(1.0, 0.0)]);
    assert!(q.solve(&[0.5], &LsqOptions::default()).is_err());
}

mod systems {
    use fastsci_optimize::roots::{RootSystemMethod, root};

    fn check(method: RootSystemMethod) {
        // Circle and line.
        let r = root(
            |x: &[f64], f: &mut [f64]| {
                f[0] = x[0] * x[0] + x[1] * x[1] - 4.0;
                f[1] = x[0] - x[1];
            },
            &[1.0, 0.5],
            method,
        )
        .expect("runs");
        assert!(r.success(), "{method:?}: {}", r.message);
        assert!((r.x[0] - 2f64.sqrt()).abs() < 1e-8 && (r.x[1] - 2f64.sqrt()).abs() < 1e-8, "{:?}", r.x);
        // The example of scipy.optimize.root's documentation: root (0.8411639, 0.1588361).
        let r = root(
            |x: &[f64], f: &mut [f64]| {
                f[0] = x[0] + 0.5 * (x[0] - x[1]).powi(3) - 1.0;
                f[1] = 0.5 * (x[1] - x[0]).powi(3) + x[1];
            },
            &[0.0, 0.0],
            method,
        )
        .expect("runs");
        assert!(r.success(), "{method:?}: {}", r.message);
        assert!(
            (r.x[0] - 0.8411639).abs() < 1e-6 && (r.x[1] - 0.1588361).abs() < 1e-6,
            "{method:?} {:?}",
            r.x
        );
        // Broyden's tridiagonal function, n = 10 (MGH 30), from x = -1.
        let n = 10;
        let r = root(
            |x: &[f64], f: &mut [f64]| {
                for i in 0..n {
                    let xm = if i > 0 { x[i - 1] } else { 0.0 };
                    let xp = if i + 1 < n { x[i + 1] } else { 0.0 };
                    f[i] = (3.0 - 2.0 * x[i]) * x[i] - xm - 2.0 * xp + 1.0;
                }
            },
            &vec![-1.0; n],
            method,
        )
        .expect("runs");
        assert!(r.success(), "{method:?}: {}", r.message);
        assert!(r.fun.iter().all(|v| v.abs() < 1e-8), "{method:?} {:?}", r.fun);
    }

    #[test]
    fn hybr_solves_systems() {
        check(RootSystemMethod::Hybr);
    }

    #[test]
    fn lm_solves_systems() {
        check(RootSystemMethod::Lm);
    }
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

/// A model that ignores a parameter has a rank-deficient Jacobian: SciPy (defects.json) returns
/// inf for the whole covariance, not a finite variance for the parameter nobody can estimate.
#[test]
fn curve_fit_with_an_unused_parameter_has_infinite_covariance_as_scipy() {
    let fx = fixture("defects.json");
    let case = &fx["unused_parameter"];
    let (x, y, p0) = (numbers(&case["x"]), numbers(&case["y"]), numbers(&case["p0"]));
    let r =
        curve_fit(|x, p| p[0] * (-p[1] * x).exp(), &x, &y, &p0, &CurveFitOptions::default()).expect("fits");
    for (a, b) in r.popt.iter().zip(numbers(&case["popt"])) {
        assert!((a - b).abs() <= 1e-7 * b.abs().max(1.0), "{:?}", r.popt);
    }
    let all_inf = case["pcov"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|r| r.as_array().expect("row"))
        .all(|v| v == "inf");
    assert!(all_inf, "the fixture is SciPy's all-inf matrix");
    assert!(r.pcov.iter().all(|v| *v == f64::INFINITY), "{:?}", r.pcov);
}

/// A start outside the bounds is rejected, as SciPy ("Initial guess is outside of provided
/// bounds"), by curve_fit and least_squares alike, instead of being moved inside silently.
#[test]
fn a_start_outside_the_bounds_is_an_error_as_in_scipy() {
    let fx = fixture("defects.json");
    let case = &fx["outside_bounds"];
    assert_eq!(case["error"], "Initial guess is outside of provided bounds");
    let p0 = numbers(&case["p0"]);
    let bounds: Vec<(f64, f64)> = case["bounds"]
        .as_array()
        .expect("bounds")
        .iter()
        .map(|b| {
            let b = numbers(b);
            (b[0], b[1])
        })
        .collect();
    let x: Vec<f64> = (0..25).map(|i| i as f64 / 6.0).collect();
    let y: Vec<f64> = x.iter().map(|x| 2.5 * (-1.3 * x).exp()).collect();
    let opts = CurveFitOptions { bounds: Some(&bounds), ..CurveFitOptions::default() };
    let err = curve_fit(|x, p| p[0] * (-p[1] * x).exp(), &x, &y, &p0, &opts).expect_err("rejected");
    assert!(err.to_string().contains("outside of provided bounds"), "{err}");
    let mut p = LsqProblem::new(1, |x: &[f64], r: &mut [f64]| r[0] = x[0] - 1.0).with_bounds(&[(0.0, 2.0)]);
    assert!(p.solve(&[2.5], &LsqOptions::default()).is_err());
    assert!(p.solve(&[2.0], &LsqOptions::default()).is_ok(), "a start on the bound is inside");
}

/// Residuals and Jacobian of the three `lm` problems of defects.json (Moré, Garbow & Hillstrom
/// 1, 2 and 3) by name.
type Residuals = fn(&[f64], &mut [f64]);
type Jacobian = fn(&[f64], ArrayViewMut2<f64>);

fn mgh_residuals(name: &str) -> (Residuals, Jacobian) {
    match name {
        "rosenbrock" => (
            |x, r| {
                r[0] = 10.0 * (x[1] - x[0] * x[0]);
                r[1] = 1.0 - x[0];
            },
            |x, mut j| {
                j[[0, 0]] = -20.0 * x[0];
                j[[0, 1]] = 10.0;
                j[[1, 0]] = -1.0;
                j[[1, 1]] = 0.0;
            },
        ),
        "freudenstein_roth" => (
            |x, r| {
                r[0] = -13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1];
                r[1] = -29.0 + x[0] + ((x[1] + 1.0) * x[1] - 14.0) * x[1];
            },
            |x, mut j| {
                j[[0, 0]] = 1.0;
                j[[0, 1]] = -3.0 * x[1] * x[1] + 10.0 * x[1] - 2.0;
                j[[1, 0]] = 1.0;
                j[[1, 1]] = 3.0 * x[1] * x[1] + 2.0 * x[1] - 14.0;
            },
        ),
        "powell_badly_scaled" => (
            |x, r| {
                r[0] = 1e4 * x[0] * x[1] - 1.0;
                r[1] = (-x[0]).exp() + (-x[1]).exp() - 1.0001;
            },
            |x, mut j| {
                j[[0, 0]] = 1e4 * x[1];
                j[[0, 1]] = 1e4 * x[0];
                j[[1, 0]] = -(-x[0]).exp();
                j[[1, 1]] = -(-x[1]).exp();
            },
        ),
        other => panic!("no problem {other}"),
    }
}

/// `method = lm` takes MINPACK `lmder`'s steps (defects.json: SciPy's counts, with the
/// analytic Jacobian and with SciPy's `2-point` differences): the same evaluations, the same
/// status and the same point. Before, a lower bound of the Levenberg–Marquardt parameter taken
/// from the TRF solver (smaller than `lmpar`'s by Δ/‖p‖) and `lmdif`'s difference steps made
/// Freudenstein–Roth stop 2.9e-4 from SciPy's point in 15 evaluations (SciPy 14) and Powell's
/// badly scaled problem take 58 (SciPy 19).
#[test]
fn least_squares_lm_takes_minpack_steps() {
    let fx = fixture("defects.json");
    let cases = fx["least_squares_lm"].as_object().expect("cases");
    assert_eq!(cases.len(), 6);
    let mut wrong = vec![];
    for (key, want) in cases {
        let (name, jac) = key.split_once('/').expect("name/jac");
        let (fun, jacobian) = mgh_residuals(name);
        let mut p = LsqProblem::new(2, fun);
        if jac == "analytic" {
            p = p.with_jacobian(jacobian);
        }
        let r = p
            .solve(&vec_f64(&want["x0"]), &LsqOptions { method: LsqMethod::Lm, ..LsqOptions::default() })
            .expect("solves");
        let sx = vec_f64(&want["x"]);
        let same_point = r.x.iter().zip(&sx).all(|(a, b)| close(*a, *b, 1e-7, 1e-12));
        if r.nfev as u64 != want["nfev"].as_u64().expect("nfev")
            || i64::from(r.status.code()) != want["status"].as_i64().expect("status")
            || !same_point
        {
            wrong.push(format!(
                "{key}: nfev {} status {} x {:?}; SciPy {want}",
                r.nfev,
                r.status.code(),
                r.x
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
