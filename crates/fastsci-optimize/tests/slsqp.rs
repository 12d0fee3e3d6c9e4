//! SLSQP on Hock–Schittkowski problems with general constraints, from their standard starts:
//! the optima of Hock & Schittkowski (1981), and SciPy 1.17.1's results stored by
//! `fixtures/make_slsqp.py` (`slsqp.json`). Derivatives come from dual numbers here and from
//! complex steps there (both exact to rounding), or from forward differences on both sides.

use fastsci_optimize::float::{Float, Objective, dual_gradient};
use fastsci_optimize::{
    Constraint, FiniteDiff, Method, MinimizeOptions, OptimizeError, OptimizeResult, Problem,
};

use crate::common::{fixture, vec_f64};

/// Objective of HS problem `.0`.
struct F(u32);
/// Constraint `.1` of HS problem `.0`, in the order of `make_slsqp.py`.
struct C(u32, usize);

fn k<T: Float>(v: f64) -> T {
    T::from_f64(v)
}

fn rosen<T: Float>(x: &[T]) -> T {
    (x[1] - x[0] * x[0]).powi(2) * 100.0 + (k::<T>(1.0) - x[0]).powi(2)
}

impl Objective for F {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let one = k::<T>(1.0);
        match self.0 {
            6 => (one - x[0]).powi(2),
            7 => (x[0] * x[0] + 1.0).ln() - x[1],
            9 => {
                let pi = std::f64::consts::PI;
                (x[0] * (pi / 12.0)).sin() * (x[1] * (pi / 16.0)).cos()
            }
            10 => x[0] - x[1],
            11 => (x[0] - 5.0).powi(2) + x[1] * x[1] - 25.0,
            12 => x[0] * x[0] * 0.5 + x[1] * x[1] - x[0] * x[1] - x[0] * 7.0 - x[1] * 7.0,
            14 | 22 => (x[0] - 2.0).powi(2) + (x[1] - 1.0).powi(2),
            15 | 16 => rosen(x),
            18 => x[0] * x[0] * 0.01 + x[1] * x[1],
            19 => (x[0] - 10.0).powi(3) + (x[1] - 20.0).powi(3),
            21 => x[0] * x[0] * 0.01 + x[1] * x[1] - 100.0,
            23 => x[0] * x[0] + x[1] * x[1],
            26 => (x[0] - x[1]).powi(2) + (x[1] - x[2]).powi(4),
            27 => (x[0] - 1.0).powi(2) * 0.01 + (x[1] - x[0] * x[0]).powi(2),
            28 => (x[0] + x[1]).powi(2) + (x[1] + x[2]).powi(2),
            29 | 36 | 37 => -(x[0] * x[1] * x[2]),
            30 => x[0] * x[0] + x[1] * x[1] + x[2] * x[2],
            32 => (x[0] + x[1] * 3.0 + x[2]).powi(2) + (x[0] - x[1]).powi(2) * 4.0,
            35 => {
                -(x[0] * 8.0) - x[1] * 6.0 - x[2] * 4.0
                    + x[0] * x[0] * 2.0
                    + x[1] * x[1] * 2.0
                    + x[2] * x[2]
                    + x[0] * x[1] * 2.0
                    + x[0] * x[2] * 2.0
                    + 9.0
            }
            39 => -x[0],
            40 => -(x[0] * x[1] * x[2] * x[3]),
            42 => (x[0] - 1.0).powi(2) + (x[1] - 2.0).powi(2) + (x[2] - 3.0).powi(2) + (x[3] - 4.0).powi(2),
            43 => {
                x[0] * x[0] + x[1] * x[1] + x[2] * x[2] * 2.0 + x[3] * x[3]
                    - x[0] * 5.0
                    - x[1] * 5.0
                    - x[2] * 21.0
                    + x[3] * 7.0
            }
            47 => {
                (x[0] - x[1]).powi(2) + (x[1] - x[2]).powi(3) + (x[2] - x[3]).powi(4) + (x[3] - x[4]).powi(4)
            }
            48 => (x[0] - 1.0).powi(2) + (x[1] - x[2]).powi(2) + (x[3] - x[4]).powi(2),
            50 => {
                (x[0] - x[1]).powi(2) + (x[1] - x[2]).powi(2) + (x[2] - x[3]).powi(4) + (x[3] - x[4]).powi(2)
            }
            51 | 53 => {
                (x[0] - x[1]).powi(2)
                    + (x[1] + x[2] - 2.0).powi(2)
                    + (x[3] - 1.0).powi(2)
                    + (x[4] - 1.0).powi(2)
            }
            52 => {
                (x[0] * 4.0 - x[1]).powi(2)
                    + (x[1] + x[2] - 2.0).powi(2)
                    + (x[3] - 1.0).powi(2)
                    + (x[4] - 1.0).powi(2)
            }
            60 => (x[0] - 1.0).powi(2) + (x[0] - x[1]).powi(2) + (x[1] - x[2]).powi(4),
            63 => -(x[0] * x[0]) - x[1] * x[1] * 2.0 - x[2] * x[2] - x[0] * x[1] - x[0] * x[2] + 1000.0,
            65 => (x[0] - x[1]).powi(2) + (x[0] + x[1] - 10.0).powi(2) / 9.0 + (x[2] - 5.0).powi(2),
            71 => x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2],
            76 => {
                x[0] * x[0] + x[1] * x[1] * 0.5 + x[2] * x[2] + x[3] * x[3] * 0.5 - x[0] * x[2] + x[2] * x[3]
                    - x[0]
                    - x[1] * 3.0
                    + x[2]
                    - x[3]
            }
            77 => {
                (x[0] - 1.0).powi(2)
                    + (x[0] - x[1]).powi(2)
                    + (x[2] - 1.0).powi(2)
                    + (x[3] - 1.0).powi(4)
                    + (x[4] - 1.0).powi(6)
            }
            78 => x[0] * x[1] * x[2] * x[3] * x[4],
            79 => {
                (x[0] - 1.0).powi(2)
                    + (x[0] - x[1]).powi(2)
                    + (x[1] - x[2]).powi(2)
                    + (x[2] - x[3]).powi(4)
                    + (x[3] - x[4]).powi(4)
            }
            80 => (x[0] * x[1] * x[2] * x[3] * x[4]).exp(),
            p => panic!("HS{p} is not defined"),
        }
    }
}

impl Objective for C {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let s2 = 2f64.sqrt();
        let sq = |v: T| v * v;
        match (self.0, self.1) {
            (6, _) => (x[1] - x[0] * x[0]) * 10.0,
            (7, _) => sq(x[0] * x[0] + 1.0) + x[1] * x[1] - 4.0,
            (9, _) => x[0] * 4.0 - x[1] * 3.0,
            (10, _) => -(x[0] * x[0] * 3.0) + x[0] * x[1] * 2.0 - x[1] * x[1] + 1.0,
            (11, _) => -(x[0] * x[0]) + x[1],
            (12, _) => -(x[0] * x[0] * 4.0) - x[1] * x[1] + 25.0,
            (14, 0) => x[0] - x[1] * 2.0 + 1.0,
            (14, _) => -(x[0] * x[0]) / 4.0 - x[1] * x[1] + 1.0,
            (15, 0) => x[0] * x[1] - 1.0,
            (15, _) | (16, 0) => x[0] + x[1] * x[1],
            (16, _) => x[0] * x[0] + x[1],
            (18, 0) => x[0] * x[1] - 25.0,
            (18, _) => x[0] * x[0] + x[1] * x[1] - 25.0,
            (19, 0) => sq(x[0] - 5.0) + sq(x[1] - 5.0) - 100.0,
            (19, _) => -sq(x[1] - 5.0) - sq(x[0] - 6.0) + 82.81,
            (21, _) => x[0] * 10.0 - x[1] - 10.0,
            (22, 0) => -x[0] - x[1] + 2.0,
            (22, _) => -(x[0] * x[0]) + x[1],
            (23, 0) => x[0] + x[1] - 1.0,
            (23, 1) => x[0] * x[0] + x[1] * x[1] - 1.0,
            (23, 2) => x[0] * x[0] * 9.0 + x[1] * x[1] - 9.0,
            (23, 3) => x[0] * x[0] - x[1],
            (23, _) => x[1] * x[1] - x[0],
            (26, _) => (x[1] * x[1] + 1.0) * x[0] + x[2].powi(4) - 3.0,
            (27, _) => x[0] + x[2] * x[2] + 1.0,
            (28, _) => x[0] + x[1] * 2.0 + x[2] * 3.0 - 1.0,
            (29, _) => -(x[0] * x[0]) - x[1] * x[1] * 2.0 - x[2] * x[2] * 4.0 + 48.0,
            (30, _) => x[0] * x[0] + x[1] * x[1] - 1.0,
            (32, 0) => -x[0] - x[1] - x[2] + 1.0,
            (32, _) => x[1] * 6.0 + x[2] * 4.0 - x[0].powi(3) - 3.0,
            (35, _) => -x[0] - x[1] - x[2] * 2.0 + 3.0,
            (36, _) | (37, 0) => -x[0] - x[1] * 2.0 - x[2] * 2.0 + 72.0,
            (37, _) => x[0] + x[1] * 2.0 + x[2] * 2.0,
            (39, 0) => x[1] - x[0].powi(3) - x[2] * x[2],
            (39, _) => x[0] * x[0] - x[1] - x[3] * x[3],
            (40, 0) => x[0].powi(3) + x[1] * x[1] - 1.0,
            (40, 1) => x[0] * x[0] * x[3] - x[2],
            (40, _) => x[3] * x[3] - x[1],
            (42, 0) => x[0] - 2.0,
            (42, _) => x[2] * x[2] + x[3] * x[3] - 2.0,
            (43, 0) => {
                -(x[0] * x[0]) - x[1] * x[1] - x[2] * x[2] - x[3] * x[3] - x[0] + x[1] - x[2] + x[3] + 8.0
            }
            (43, 1) => {
                -(x[0] * x[0]) - x[1] * x[1] * 2.0 - x[2] * x[2] - x[3] * x[3] * 2.0 + x[0] + x[3] + 10.0
            }
            (43, _) => -(x[0] * x[0] * 2.0) - x[1] * x[1] - x[2] * x[2] - x[0] * 2.0 + x[1] + x[3] + 5.0,
            (47, 0) => x[0] + x[1] * x[1] + x[2].powi(3) - 3.0,
            (47, 1) => x[1] - x[2] * x[2] + x[3] - 1.0,
            (47, _) => x[0] * x[4] - 1.0,
            (48, 0) => x[0] + x[1] + x[2] + x[3] + x[4] - 5.0,
            (48, _) => x[2] - (x[3] + x[4]) * 2.0 + 3.0,
            (50, j) => x[j] + x[j + 1] * 2.0 + x[j + 2] * 3.0 - 6.0,
            (51, 0) => x[0] + x[1] * 3.0 - 4.0,
            (52 | 53, 0) => x[0] + x[1] * 3.0,
            (51..=53, 1) => x[2] + x[3] - x[4] * 2.0,
            (51..=53, _) => x[1] - x[4],
            (60, _) => x[0] * (x[1] * x[1] + 1.0) + x[2].powi(4) - (4.0 + 3.0 * s2),
            (63, 0) => x[0] * 8.0 + x[1] * 14.0 + x[2] * 7.0 - 56.0,
            (63, _) => x[0] * x[0] + x[1] * x[1] + x[2] * x[2] - 25.0,
            (65, _) => -(x[0] * x[0]) - x[1] * x[1] - x[2] * x[2] + 48.0,
            (71, 0) => x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + x[3] * x[3] - 40.0,
            (71, _) => x[0] * x[1] * x[2] * x[3] - 25.0,
            (76, 0) => -x[0] - x[1] * 2.0 - x[2] - x[3] + 5.0,
            (76, 1) => -(x[0] * 3.0) - x[1] - x[2] * 2.0 + x[3] + 4.0,
            (76, _) => x[1] + x[2] * 4.0 - 1.5,
            (77, 0) => x[0] * x[0] * x[3] + (x[3] - x[4]).sin() - 2.0 * s2,
            (77, _) => x[1] + x[2].powi(4) * x[3] * x[3] - (8.0 + s2),
            (78 | 80, 0) => x.iter().fold(k::<T>(0.0), |a, &v| a + v * v) - 10.0,
            (78 | 80, 1) => x[1] * x[2] - x[3] * x[4] * 5.0,
            (78 | 80, _) => x[0].powi(3) + x[1].powi(3) + 1.0,
            (79, 0) => x[0] + x[1] * x[1] + x[2].powi(3) - (2.0 + 3.0 * s2),
            (79, 1) => x[1] - x[2] * x[2] + x[3] + (2.0 - 2.0 * s2),
            (79, _) => x[0] * x[4] - 2.0,
            (p, j) => panic!("constraint {j} of HS{p} is not defined"),
        }
    }
}

/// The constraint kinds of each problem, in order: `e` equality, `i` inequality.
fn kinds(p: u32) -> &'static str {
    match p {
        6 | 7 | 9 | 26 | 27 | 28 | 60 => "e",
        10 | 11 | 12 | 21 | 29 | 30 | 35 | 36 | 65 => "i",
        14 | 32 => "ei",
        71 => "ei",
        15 | 16 | 18 | 19 | 22 | 37 => "ii",
        23 => "iiiii",
        39 | 42 | 63 | 77 => "ee",
        43 | 76 => "iii",
        40 | 47 | 50 | 51 | 52 | 53 | 78 | 79 | 80 => "eee",
        48 => "ee",
        p => panic!("HS{p} has no constraints listed"),
    }
}

/// Builds HS problem `p` with exact derivatives (or forward differences when `exact` is false).
fn problem(p: u32, bounds: Option<&[(f64, f64)]>, exact: bool) -> Problem<'static> {
    let mut prob =
        if exact { Problem::from_objective(F(p)) } else { Problem::new(move |x: &[f64]| F(p).eval(x)) };
    for (j, kind) in kinds(p).chars().enumerate() {
        let fun = move |x: &[f64]| C(p, j).eval(x);
        let mut con = if kind == 'e' { Constraint::eq(fun) } else { Constraint::ineq(fun) };
        if exact {
            con = con.with_jacobian(move |x: &[f64], mut g: ndarray::ArrayViewMut2<f64>| {
                let row = g.as_slice_mut().expect("one contiguous row");
                dual_gradient(&C(p, j), x, row);
            });
        }
        prob = prob.with_constraint(con);
    }
    if let Some(b) = bounds {
        prob = prob.with_bounds(b);
    }
    prob
}

/// The fixture's bounds: `null` for none, infinite sides as `null` too.
fn bounds_of(v: &serde_json::Value) -> Option<Vec<(f64, f64)>> {
    let arr = v.as_array()?;
    Some(
        arr.iter()
            .map(|b| {
                let lo = b[0].as_f64().unwrap_or(f64::NEG_INFINITY);
                let hi = b[1].as_f64().unwrap_or(f64::INFINITY);
                (lo, hi)
            })
            .collect(),
    )
}

struct Case {
    hs: u32,
    x0: Vec<f64>,
    bounds: Option<Vec<(f64, f64)>>,
    fstar: f64,
    xstar: Vec<f64>,
    scipy: serde_json::Value,
}

fn cases() -> Vec<Case> {
    let fx = fixture("slsqp.json");
    fx["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| Case {
            hs: p["hs"].as_u64().expect("hs") as u32,
            x0: vec_f64(&p["x0"]),
            bounds: bounds_of(&p["bounds"]),
            fstar: p["fstar"].as_f64().expect("fstar"),
            xstar: vec_f64(&p["xstar"]),
            scipy: p.clone(),
        })
        .collect()
}

fn solve(c: &Case, exact: bool) -> OptimizeResult {
    problem(c.hs, c.bounds.as_deref(), exact)
        .minimize(&c.x0, Method::Slsqp, &MinimizeOptions::default())
        .expect("runs")
}

fn rel_close(a: f64, b: f64, rtol: f64) -> bool {
    (a - b).abs() <= rtol * b.abs().max(1.0)
}

/// Every problem reaches the optimum of Hock & Schittkowski, except HS16, whose standard start
/// (clipped into the bounds to (−0.5, 1)) leads SciPy and fastsci alike to the local minimum
/// f = 23.1447 at (−0.5, 1/√2) on the constraint x₁ + x₂² ≥ 0.
#[test]
fn hock_schittkowski_optima_are_reached() {
    let mut failures = vec![];
    let all = cases();
    for c in &all {
        let r = solve(c, true);
        let (fstar, xstar) =
            if c.hs == 16 { (23.144660815, vec![-0.5, 0.5f64.sqrt()]) } else { (c.fstar, c.xstar.clone()) };
        let f_ok = rel_close(r.fun, fstar, 1e-5);
        let x_ok = r.x.iter().zip(&xstar).all(|(a, b)| (a - b).abs() <= 2e-3 * b.abs().max(1.0));
        eprintln!(
            "HS{:<3} f {:<22} f* {:<14} nit {:>3} nfev {:>3} {}",
            c.hs, r.fun, fstar, r.nit, r.nfev, r.message
        );
        if !(r.success() && f_ok && x_ok) {
            failures
                .push(format!("HS{}: f {} vs {fstar}, x {:?} vs {xstar:?}: {}", c.hs, r.fun, r.x, r.message));
        }
    }
    assert!(all.len() >= 14);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Problems (and derivative modes) where fastsci's path leaves SciPy's: each time an iterate
/// lands on a vertex of active constraints and bounds (or, for HS16, converges onto one), where
/// the LDP solution carries rounding errors of order `ε‖y‖²` (1e-10 here) in both codes, and
/// the two round differently: SciPy's step overshoots a bound and is clipped onto it, fastsci's
/// stops 6e-10 short (HS36), and the following line searches differ. Same minima.
const ROUNDING_DIVERGES: [(u32, &str); 7] =
    [(16, "exact"), (23, "exact"), (29, "fd"), (36, "exact"), (36, "fd"), (37, "exact"), (37, "fd")];

/// The same minimum as SciPy's SLSQP (x to 1e-4, f to 1e-6 relative) and the same iteration
/// and evaluation counts, with exact derivatives and with SciPy's default forward differences;
/// on the cases of [`ROUNDING_DIVERGES`], iterations within 4 of SciPy's.
#[test]
fn slsqp_matches_scipy() {
    let mut report = vec![];
    let mut failures = vec![];
    let mut identical = 0;
    let all = cases();
    for c in &all {
        for (exact, key) in [(true, "exact"), (false, "fd")] {
            let sp = &c.scipy[key];
            let r = solve(c, exact);
            let sp_x = vec_f64(&sp["x"]);
            let sp_f = sp["fun"].as_f64().expect("fun");
            let count = |k: &str| sp[k].as_u64().expect("count") as usize;
            let (nit, nfev, njev) = (count("nit"), count("nfev"), count("njev"));
            let same_min = rel_close(r.fun, sp_f, 1e-6)
                && r.x.iter().zip(&sp_x).all(|(a, b)| (a - b).abs() <= 1e-4 * b.abs().max(1.0));
            report.push(format!(
                "HS{:<3} {key:<5} nit {:>3}/{:<3} nfev {:>3}/{:<3} njev {:>3}/{:<3} (fastsci/SciPy)",
                c.hs, r.nit, nit, r.nfev, nfev, r.njev, njev
            ));
            if !same_min || r.code != sp["status"].as_i64().unwrap_or(-1) as i32 {
                failures
                    .push(format!("HS{} {key}: x {:?} f {} vs SciPy x {sp_x:?} f {sp_f}", c.hs, r.x, r.fun));
            }
            if ROUNDING_DIVERGES.contains(&(c.hs, key)) {
                if r.nit.abs_diff(nit) > 4 {
                    failures.push(format!("HS{} {key}: nit {} vs SciPy {nit}", c.hs, r.nit));
                }
            } else if (r.nit, r.nfev, r.njev) != (nit, nfev, njev) {
                failures.push(format!("HS{} {key}: counts differ", c.hs));
            } else {
                identical += 1;
            }
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(identical, 2 * all.len() - ROUNDING_DIVERGES.len());
}

#[test]
fn incompatible_constraints_fail_without_panicking() {
    // x ≥ 1 and x ≤ −1: the augmented subproblem stays feasible, so SciPy (and fastsci) end
    // with a positive directional derivative (status 8), not success.
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0] + x[1] * x[1])
        .with_constraint(Constraint::ineq(|x: &[f64]| x[0] - 1.0))
        .with_constraint(Constraint::ineq(|x: &[f64]| -x[0] - 1.0));
    let r = p.minimize(&[0.0, 0.0], Method::Slsqp, &MinimizeOptions::default()).expect("runs");
    assert!(!r.success() && r.code == 8, "{r:?}");
    assert_eq!(r.message, "Positive directional derivative for linesearch");
    // A constraint that is NaN makes every subproblem incompatible: status 4 at iteration 1,
    // as SciPy.
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0] + x[1] * x[1])
        .with_constraint(Constraint::ineq(|_x: &[f64]| f64::NAN));
    let r = p.minimize(&[0.5, 0.5], Method::Slsqp, &MinimizeOptions::default()).expect("runs");
    assert_eq!((r.code, r.nit, r.success()), (4, 1, false), "{r:?}");
    assert_eq!(r.message, "Inequality constraints incompatible");
    // More equalities than variables: status 2.
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0] + x[1] * x[1]).with_constraint(Constraint::eq_vec(
        3,
        |x: &[f64], c: &mut [f64]| {
            c[0] = x[0] - 1.0;
            c[1] = x[0] + x[1];
            c[2] = x[1] - 3.0;
        },
    ));
    let r = p.minimize(&[0.0, 0.0], Method::Slsqp, &MinimizeOptions::default()).expect("runs");
    assert_eq!((r.code, r.nit), (2, 1), "{r:?}");
}

#[test]
fn iteration_limit_gives_status_9() {
    // Rosenbrock without constraints: SciPy reports nit = maxiter and status 9 (nfev 10 for
    // maxiter 1 with forward differences).
    for (maxiter, nfev) in [(1, 10), (2, 14), (3, 18), (5, 24)] {
        let mut p = Problem::new(|x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2));
        let o = MinimizeOptions { maxiter: Some(maxiter), ..MinimizeOptions::default() };
        let r = p.minimize(&[-1.2, 1.0], Method::Slsqp, &o).expect("runs");
        assert_eq!((r.code, r.nit, r.nfev), (9, maxiter, nfev), "{r:?}");
        assert_eq!(r.message, "Iteration limit reached");
    }
    // Without a limit: SciPy's (nit, nfev, njev) = (34, 115, 34).
    let mut p = Problem::new(|x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2));
    let r = p.minimize(&[-1.2, 1.0], Method::Slsqp, &MinimizeOptions::default()).expect("runs");
    assert!(r.success() && (r.x[0] - 1.0).abs() < 1e-3, "{r:?}");
    assert_eq!((r.nit, r.nfev, r.njev), (34, 115, 34));
}

#[test]
fn nan_objective_is_a_failed_result() {
    // SciPy: status 7 with no inequalities (the rank check sees NaN), 4 with bounds.
    let mut p =
        Problem::new(|_x: &[f64]| f64::NAN).with_gradient(|_x: &[f64], g: &mut [f64]| g.fill(f64::NAN));
    let r = p.minimize(&[1.0, 2.0], Method::Slsqp, &MinimizeOptions::default()).expect("runs");
    assert!(!r.success() && r.code == 7, "{r:?}");
    let mut p = Problem::new(|_x: &[f64]| f64::NAN).with_bounds(&[(0.0, 1.0), (0.0, 1.0)]);
    let r = p.minimize(&[0.5, 0.5], Method::Slsqp, &MinimizeOptions::default()).expect("runs");
    assert_eq!((r.code, r.nit, r.success()), (4, 1, false), "{r:?}");
}

#[test]
fn bad_arguments_are_errors() {
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0])
        .with_constraint(Constraint::ineq(|x: &[f64]| x[0]))
        .with_bounds(&[(0.0, 1.0), (0.0, 1.0)]);
    assert!(matches!(
        p.minimize(&[0.5], Method::Slsqp, &MinimizeOptions::default()),
        Err(OptimizeError::LengthMismatch { what: "bounds", .. })
    ));
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0]).with_constraint(Constraint::ineq(|x: &[f64]| x[0]));
    assert!(matches!(
        p.minimize(&[0.5], Method::Bfgs, &MinimizeOptions::default()),
        Err(OptimizeError::InvalidArgument(_))
    ));
    let mut p = Problem::new(|x: &[f64]| x[0] * x[0]).with_constraint(Constraint::eq_vec(0, |_x, _c| {}));
    assert!(matches!(
        p.minimize(&[0.5], Method::Slsqp, &MinimizeOptions::default()),
        Err(OptimizeError::InvalidArgument(_))
    ));
    assert_eq!(p.minimize(&[], Method::Slsqp, &MinimizeOptions::default()), Err(OptimizeError::EmptyStart));
}

#[test]
fn finite_difference_step_is_scipys() {
    // The default is SciPy's absolute 1.49e-8; a relative `2-point` scheme gives the same
    // minimum.
    let c = cases().into_iter().find(|c| c.hs == 71).expect("HS71");
    let o = MinimizeOptions { finite_diff: Some(FiniteDiff::TwoPoint), ..MinimizeOptions::default() };
    let r = problem(71, c.bounds.as_deref(), false).minimize(&c.x0, Method::Slsqp, &o).expect("runs");
    assert!(r.success() && rel_close(r.fun, c.fstar, 1e-6), "{r:?}");
}
