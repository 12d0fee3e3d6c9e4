//! minimize_scalar and root_scalar against SciPy: same answers and the same evaluation counts.

use fastsci_optimize::{RootMethod, RootOptions, RootProblem, ScalarMethod, minimize_scalar, root_scalar};

use crate::common::fixture;

type F = fn(f64) -> f64;

fn root_fns(name: &str) -> (F, F, F) {
    match name {
        "cubic" => (|x| x * x * x - 2.0 * x - 5.0, |x| 3.0 * x * x - 2.0, |x| 6.0 * x),
        "cos_minus_x" => (|x: f64| x.cos() - x, |x: f64| -x.sin() - 1.0, |x: f64| -x.cos()),
        "exp_minus_3" => (|x: f64| x.exp() - 3.0, f64::exp, f64::exp),
        other => panic!("unknown {other}"),
    }
}

#[test]
fn root_scalar_matches_scipy_roots_and_counts() {
    let fx = fixture("scalar.json");
    for case in fx["roots"].as_array().expect("roots") {
        let name = case["name"].as_str().expect("name");
        let method = case["method"].as_str().expect("method");
        let (f, d1, d2) = root_fns(name);
        let x0 = match name {
            "cubic" => 2.0,
            "cos_minus_x" => 0.5,
            _ => 1.5,
        };
        let (a, b) = match name {
            "cubic" => (2.0, 3.0),
            "cos_minus_x" => (0.0, 1.0),
            _ => (0.0, 2.0),
        };
        let (p, m) = match method {
            "brentq" => (RootProblem::new(f).with_bracket(a, b), RootMethod::Brentq),
            "ridder" => (RootProblem::new(f).with_bracket(a, b), RootMethod::Ridder),
            "bisect" => (RootProblem::new(f).with_bracket(a, b), RootMethod::Bisect),
            "newton" => (RootProblem::new(f).with_x0(x0).with_fprime(d1), RootMethod::Newton),
            "secant" => (RootProblem::new(f).with_x0(x0), RootMethod::Secant),
            "halley" => {
                (RootProblem::new(f).with_x0(x0).with_fprime(d1).with_fprime2(d2), RootMethod::Halley)
            }
            other => panic!("unknown {other}"),
        };
        let r = root_scalar(p, m, &RootOptions::default()).expect("runs");
        let root = case["root"].as_f64().expect("root");
        assert!(r.success(), "{name} {method}");
        assert!((r.root - root).abs() <= 4e-12 * (1.0 + root.abs()), "{name} {method}: {} vs {root}", r.root);
        assert_eq!(
            r.iterations as u64,
            case["iterations"].as_u64().expect("iterations"),
            "{name} {method} iterations"
        );
        assert_eq!(
            r.function_calls as u64,
            case["function_calls"].as_u64().expect("calls"),
            "{name} {method} function calls"
        );
    }
}

#[test]
fn minimize_scalar_matches_scipy() {
    let fx = fixture("scalar.json");
    for case in fx["minima"].as_array().expect("minima") {
        let name = case["name"].as_str().expect("name");
        let f: F = match name {
            "quartic" => |x| (x - 1.3).powi(4) + 0.1 * (x - 1.3).powi(2) - x * 0.01,
            "sin" => f64::sin,
            _ => |x: f64| (-x).exp() + x * x,
        };
        let method = match case["method"].as_str() {
            Some("brent") => ScalarMethod::Brent { bracket: (0.0, 1.0) },
            Some("golden") => ScalarMethod::Golden { bracket: (0.0, 1.0) },
            _ => {
                let b = case["bounds"].as_array().expect("bounds");
                ScalarMethod::Bounded { lo: b[0].as_f64().expect("lo"), hi: b[1].as_f64().expect("hi") }
            }
        };
        let r = minimize_scalar(f, method).expect("runs");
        let x = case["x"].as_f64().expect("x");
        assert!((r.x - x).abs() <= 1e-9 * (1.0 + x.abs()), "{name} {method:?}: {} vs {x}", r.x);
        assert_eq!(r.nfev as u64, case["nfev"].as_u64().expect("nfev"), "{name} {method:?}");
    }
}

/// Bracketing finders decide which half keeps the sign change by the signs of f, not by the
/// product of two values, which underflows to 0: on 1e-200·x over [-0.5, 0.4] a product-based
/// bisection walked to 0.39999999999, and Ridder's sqrt(fm² − fa·fb) underflowed on x¹⁹. The
/// root of both is exactly 0 (closed form); every finder must land within its xtol (2e-12).
#[test]
fn bracketing_finders_survive_underflowing_products() {
    let cases: [(&str, F, (f64, f64)); 6] = [
        ("1e-200 x", |x| 1e-200 * x, (-0.5, 0.4)),
        ("1e-200 x", |x| 1e-200 * x, (-3.0, 1.0)),
        ("x^19", |x| x.powi(19), (-0.5, 0.4)),
        ("x^19", |x| x.powi(19), (-1.0, 2.0)),
        ("x^19", |x| x.powi(19), (-3.0, 0.7)),
        ("1e-300 x", |x| 1e-300 * x, (-2.0, 1.5)),
    ];
    for (name, f, (a, b)) in cases {
        for m in [RootMethod::Bisect, RootMethod::Ridder, RootMethod::Brentq] {
            let r = root_scalar(RootProblem::new(f).with_bracket(a, b), m, &RootOptions::default())
                .expect("runs");
            assert!(r.success() && r.root.abs() <= 2e-12, "{name} on [{a}, {b}] by {m:?}: {r:?}");
        }
    }
}
