//! The Moré–Garbow–Hillstrom set for every method against SciPy's results.

use fastsci_optimize::{Method, MinimizeOptions, Problem};

use crate::common::mgh::Mgh;
use crate::common::{fixture, vec_f64};

struct Row {
    name: String,
    x: Vec<f64>,
    sp_x: Vec<f64>,
    method: &'static str,
    fun: f64,
    sp_fun: f64,
    nfev: usize,
    sp_nfev: usize,
    success: bool,
    sp_success: bool,
    nit: usize,
    sp_nit: usize,
    njev: usize,
    sp_njev: usize,
}

fn run(method: Method) -> Vec<Row> {
    let fx = fixture("mgh_minimize.json");
    let mut rows = vec![];
    for p in fx["problems"].as_array().expect("problems") {
        let name = p["name"].as_str().expect("name");
        let Some(sp) = p["methods"].get(method.name()) else { continue };
        let prob = Mgh::by_name(name);
        let x0 = vec_f64(&p["x0"]);
        let mut opts = MinimizeOptions::default();
        if method == Method::NelderMead {
            opts.maxiter = Some(20000);
            opts.maxfev = Some(20000);
        }
        let mut problem = match method {
            Method::NelderMead | Method::Powell => {
                Problem::new(|x: &[f64]| fastsci_optimize::float::Objective::eval(&prob, x))
            }
            _ => Problem::from_objective(prob),
        };
        let r = problem.minimize(&x0, method, &opts).expect("runs");
        rows.push(Row {
            name: name.to_string(),
            x: r.x.clone(),
            sp_x: vec_f64(&sp["x"]),
            method: method.name(),
            fun: r.fun,
            sp_fun: sp.get("fun_stable_sort").unwrap_or(&sp["fun"]).as_f64().unwrap_or(f64::NAN),
            nfev: r.nfev,
            // Nelder-Mead: the run with a stable argsort (see make_fixtures.py).
            sp_nfev: sp.get("nfev_stable_sort").unwrap_or(&sp["nfev"]).as_u64().unwrap_or(0) as usize,
            success: r.success(),
            sp_success: sp["success"].as_bool().unwrap_or(false),
            nit: r.nit,
            sp_nit: sp["nit"].as_u64().unwrap_or(0) as usize,
            njev: r.njev,
            sp_njev: sp["njev"].as_u64().unwrap_or(0) as usize,
        });
    }
    rows
}

fn report(rows: &[Row]) {
    for r in rows {
        eprintln!(
            "{:<22} {:<12} fun {:>14.6e} scipy {:>14.6e}   nfev {:>6} scipy {:>6} ({:+.0}%) {}",
            r.name,
            r.method,
            r.fun,
            r.sp_fun,
            r.nfev,
            r.sp_nfev,
            100.0 * (r.nfev as f64 - r.sp_nfev as f64) / r.sp_nfev.max(1) as f64,
            r.success
        );
    }
}

/// Same minimum: equal values to 1e-6 relative, or both below 1e-9 (zero residual).
fn same_min(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs()) || (a.abs() < 1e-9 && b.abs() < 1e-9)
}

/// `known_different`: problems where both runs stop away from any minimum (SciPy included)
/// and the stopping point depends on rounding; listed with the reason at the call.
fn check(method: Method, count_tol: Option<f64>, known_different: &[&str]) {
    let rows = run(method);
    report(&rows);
    assert!(rows.len() >= 18, "{}: only {} problems", method.name(), rows.len());
    let mut bad = vec![];
    for r in &rows {
        if known_different.contains(&r.name.as_str()) {
            continue;
        }
        let x_close = r.x.iter().zip(&r.sp_x).all(|(a, b)| (a - b).abs() <= 1e-3 * (1.0 + b.abs()));
        // Where SciPy failed, ours only has to be no worse.
        let no_worse = !r.sp_success && r.fun <= r.sp_fun + 1e-6 * (1.0 + r.sp_fun.abs());
        if r.sp_fun.is_finite() && !same_min(r.fun, r.sp_fun) && !x_close && !no_worse {
            bad.push(format!("{}: fun {:e} vs SciPy {:e}", r.name, r.fun, r.sp_fun));
        }
        if let Some(tol) = count_tol {
            let rel = (r.nfev as f64 - r.sp_nfev as f64).abs() / r.sp_nfev as f64;
            if rel > tol {
                bad.push(format!("{}: nfev {} vs SciPy {}", r.name, r.nfev, r.sp_nfev));
            }
        }
    }
    assert!(bad.is_empty(), "{}: {bad:#?}", method.name());
}

#[test]
fn nelder_mead_matches_scipy_minima_and_counts() {
    check(Method::NelderMead, Some(0.10), &[]);
}

#[test]
fn bfgs_matches_scipy_minima_and_counts() {
    check(Method::Bfgs, Some(0.10), &[]);
}

#[test]
fn lbfgsb_matches_scipy_minima_and_counts() {
    check(Method::LBfgsB, Some(0.10), &[]);
}

#[test]
fn cg_matches_scipy_minima() {
    // Powell's badly scaled function: both stop at gtol = 1e-5 far from the minimum (f = 0),
    // at values (1.9e-6 and 8.4e-7) decided by rounding.
    check(Method::Cg, None, &["powell_badly_scaled"]);
}

#[test]
fn powell_matches_scipy_minima() {
    check(Method::Powell, None, &[]);
}

#[test]
fn newton_cg_matches_scipy_minima() {
    // fastsci uses exact Hessian-vector products (dual numbers), SciPy differences of the
    // gradient. On Powell's badly scaled function both stop on the step-size test at
    // f ≈ 0.09, far from the minimum f = 0.
    check(Method::NewtonCg, None, &["powell_badly_scaled"]);
}

/// The problems on which trust-ncg with its default gtol 1e-4 stops short of the minimum
/// SciPy's BFGS (gtol 1e-5) reaches, each with why.
const TRUST_NCG_EXCUSED: [(&str, &str); 4] = [
    ("biggs_exp6", "a flat valley: ‖g‖ < 1e-4 at f 5.68e-3, above the local minimum 5.66e-3"),
    ("powell_badly_scaled", "variables of scale 1e-5 and 10: ‖g‖ < 1e-4 at f 3.4e-5, far from f = 0"),
    ("brown_badly_scaled", "variables of scale 1e6 and 2e-6: maxiter reached with the radius capped at 1000"),
    ("gulf", "a plateau: ‖g‖ < 1e-4 at f 2.7e-5, before the valley to f = 0"),
];

/// trust-ncg with exact Hessian-vector products reaches the minimum SciPy's BFGS finds, except
/// on the problems named in TRUST_NCG_EXCUSED, which must be exactly those it misses.
#[test]
fn trust_ncg_reaches_bfgs_minima() {
    let fx = fixture("mgh_minimize.json");
    let mut bad = vec![];
    for p in fx["problems"].as_array().expect("problems") {
        let name = p["name"].as_str().expect("name");
        let sp = &p["methods"]["BFGS"];
        let prob = Mgh::by_name(name);
        let x0 = vec_f64(&p["x0"]);
        let r = Problem::from_objective(prob)
            .minimize(&x0, Method::TrustNcg, &MinimizeOptions::default())
            .expect("runs");
        let target = sp["fun"].as_f64().unwrap_or(f64::NAN);
        eprintln!(
            "{name:<22} trust-ncg fun {:e} (BFGS in SciPy {target:e}) nfev {} nhev {} {}",
            r.fun, r.nfev, r.nhev, r.message
        );
        if !(same_min(r.fun, target) || r.fun < target) {
            bad.push(name);
        }
    }
    let excused: Vec<&str> = TRUST_NCG_EXCUSED.iter().map(|(name, _)| *name).collect();
    assert_eq!(bad, excused, "trust-ncg missed these minima; the excused list names {TRUST_NCG_EXCUSED:?}");
}

/// Nelder–Mead with `adaptive=True` (Gao & Han's coefficients): the same evaluation counts as
/// SciPy (stable-sort run) on every problem.
#[test]
fn adaptive_nelder_mead_matches_scipy_counts() {
    let fx = fixture("mgh_minimize.json");
    let mut bad = vec![];
    for p in fx["problems"].as_array().expect("problems") {
        let name = p["name"].as_str().expect("name");
        let sp = &p["methods"]["Nelder-Mead"];
        let prob = Mgh::by_name(name);
        let x0 = vec_f64(&p["x0"]);
        let opts = MinimizeOptions {
            adaptive: true,
            maxiter: Some(20000),
            maxfev: Some(20000),
            ..MinimizeOptions::default()
        };
        let r = Problem::new(|x: &[f64]| fastsci_optimize::float::Objective::eval(&prob, x))
            .minimize(&x0, Method::NelderMead, &opts)
            .expect("runs");
        let want = sp["adaptive_nfev_stable_sort"].as_u64().expect("fixture") as usize;
        let fun = sp["adaptive_fun_stable_sort"].as_f64().unwrap_or(f64::NAN);
        eprintln!("{name:<22} adaptive nfev {} scipy {want}  fun {:e} scipy {fun:e}", r.nfev, r.fun);
        if (r.nfev as f64 - want as f64).abs() > 0.1 * want as f64 || !(same_min(r.fun, fun) || fun.is_nan())
        {
            bad.push(name);
        }
    }
    assert!(bad.is_empty(), "{bad:?}");
}

/// SLSQP without constraints or bounds. The evaluation counts equal SciPy's on 20 of the 22
/// (brown_badly_scaled included: both stop at the second iteration with status 7, the
/// subproblem's condition number 1e11 being above 1/√ε); on extended Rosenbrock and extended
/// Powell the objective values differ in the last bit from the fifth to seventh evaluation
/// (sums in another order than SciPy's BLAS) and the paths separate after.
#[test]
fn slsqp_matches_scipy_minima() {
    // Extended Rosenbrock: both stop on `|f − f₀| < 1e-6` far from the minimum f = 0, at
    // values (4.9e-5 and 1.3e-4) decided by those rounding differences.
    check(Method::Slsqp, None, &["extended_rosenbrock"]);
    let rows = run(Method::Slsqp);
    let same = rows.iter().filter(|r| r.nfev == r.sp_nfev).count();
    assert!(same >= 20, "SLSQP: {same} of {} evaluation counts as SciPy's", rows.len());
}

/// trust-exact with exact Hessians (nested dual numbers on both sides): SciPy's minima and its
/// `nfev`, `nit` and `njev` on all 22 (Brown badly scaled: both at `maxiter = 400`, with
/// the same value).
#[test]
fn trust_exact_matches_scipy_minima_and_counts() {
    check(Method::TrustExact, Some(0.0), &[]);
    let rows = run(Method::TrustExact);
    let differ: Vec<_> = rows
        .iter()
        .filter(|r| (r.nit, r.njev) != (r.sp_nit, r.sp_njev))
        .map(|r| format!("{}: nit {} njev {} vs SciPy {} {}", r.name, r.nit, r.njev, r.sp_nit, r.sp_njev))
        .collect();
    assert!(differ.is_empty(), "{differ:#?}");
}
