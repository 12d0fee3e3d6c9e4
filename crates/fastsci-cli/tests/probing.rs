//! Defects found by probing the CLI as a new user (issue 19), each kept as a regression test.

use std::process::{Command, Output};

fn fastsci(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fastsci")).args(args).output().expect("runs the fastsci binary")
}

/// An objective that is NaN everywhere (the square root of a negative number) is never
/// reported as a success, whatever the method: `success: false`, and the exit code of a
/// minimization that did not converge (3).
#[test]
fn a_nan_objective_is_never_success_in_any_method() {
    for method in ["nelder-mead", "powell", "cg", "bfgs", "l-bfgs-b", "newton-cg", "trust-ncg", "slsqp"] {
        let out =
            fastsci(&["minimize", "sqrt(-1 - x[0]**2) + x[1]", "--x0=1,2", "--method", method, "--json"]);
        let text = String::from_utf8_lossy(&out.stdout);
        let v: serde_json::Value = serde_json::from_str(text.trim())
            .unwrap_or_else(|e| panic!("{method}: not one JSON object ({e}): {text}"));
        assert_eq!(v["success"], false, "{method}: {v}");
        assert_eq!(out.status.code(), Some(3), "{method}: {v}");
    }
}

/// A starting point outside the bounds is rejected as SciPy does ("Initial guess is outside of
/// provided bounds"), with exit code 2, instead of being moved inside silently.
#[test]
fn fit_rejects_a_start_outside_the_bounds() {
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exp_decay.csv");
    let out =
        fastsci(&["fit", "p[0]*exp(-p[1]*x)", csv.to_str().unwrap(), "--p0", "3,1", "--bounds", "0:2,0:5"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("fastsci: ") && err.contains("outside of provided bounds"), "{err}");
    let inside =
        fastsci(&["fit", "p[0]*exp(-p[1]*x)", csv.to_str().unwrap(), "--p0", "2,1", "--bounds", "0:2,0:5"]);
    assert_eq!(inside.status.code(), Some(0), "a start on the bound is inside");
}
