//! `fastsci minimize`, `fastsci fit` and `fastsci root`, run as the built binary.

use std::process::{Command, Output};

fn fastsci(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fastsci")).args(args).output().expect("runs the fastsci binary")
}

fn json_of(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {text}"))
}

const ROSEN: &str = "100*(x[1]-x[0]**2)**2 + (1-x[0])**2";

#[test]
fn minimize_rosenbrock_bfgs_json_has_scipy_fields_and_counts() {
    let out = fastsci(&["minimize", ROSEN, "--x0", "-1.2,1", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    for key in ["x", "fun", "nfev", "njev", "nit", "success", "status", "message"] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
    let x = v["x"].as_array().unwrap();
    assert!((x[0].as_f64().unwrap() - 1.0).abs() < 1e-6 && (x[1].as_f64().unwrap() - 1.0).abs() < 1e-6);
    // SciPy's BFGS with the analytic gradient: 39 evaluations (WORKLOADS.md).
    assert_eq!(v["nfev"], 39);
    assert_eq!(v["success"], true);
}

#[test]
fn minimize_accepts_negative_numbers_both_ways_and_any_method_case() {
    let a = json_of(&fastsci(&["minimize", ROSEN, "--x0=-1.2,1", "--method", "NELDER-MEAD", "--json"]));
    let b = json_of(&fastsci(&["minimize", ROSEN, "--x0", "-1.2,1", "--method", "nelder-mead", "--json"]));
    assert_eq!(a, b);
    // SciPy: 159 evaluations, 85 iterations.
    assert_eq!(a["nfev"], 159);
    assert_eq!(a["nit"], 85);
}

#[test]
fn minimize_with_bounds_uses_lbfgsb_and_stops_on_the_bound() {
    let out = fastsci(&[
        "minimize",
        "(x[0]-3)**2 + (x[1]+1)**2",
        "--x0",
        "0,0",
        "--bounds",
        "0:2,-inf:inf",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["x"][0].as_f64(), Some(2.0));
    assert!((v["x"][1].as_f64().unwrap() + 1.0).abs() < 1e-6);
    assert!(v["message"].as_str().unwrap().starts_with("CONVERGENCE"));
}

#[test]
fn minimize_not_converged_exits_3_with_the_result() {
    let out = fastsci(&["minimize", ROSEN, "--x0", "-1.2,1", "--maxiter", "3", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v = json_of(&out);
    assert_eq!(v["success"], false);
    assert_eq!(v["nit"], 3);
}

#[test]
fn minimize_bad_input_exits_2() {
    for args in [
        vec!["minimize", "x[0]**2 + x[2]", "--x0", "1,2"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--method", "simplex"],
        vec!["minimize", "x[0]**", "--x0", "1"],
        vec!["minimize", "x[0]**2", "--x0", "one"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--bounds", "2:1"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--method", "bfgs", "--bounds", "0:1"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--method", "bfgs", "--constraint", "x[0]>=1"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--constraint", "x[0]>=1>=2"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--constraint", "x[0]+1"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--constraint", "x[3]>=1"],
        vec!["minimize", "x[0]**2", "--x0", "1", "--constraint", "x[0]**>=1"],
    ] {
        let out = fastsci(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        // One line, or for formula errors the line with a caret under the column.
        assert!(err.starts_with("fastsci: ") && err.lines().count() <= 3, "{err}");
    }
}

/// `fastsci fit` against SciPy's `curve_fit` on the same CSV (tests/fixtures/exp_decay.csv),
/// plain and with `--sigma`, `--absolute-sigma` and `--bounds`: popt and pcov as stored by
/// tests/fixtures/make_fit.py.
#[test]
fn fit_exponential_matches_scipy_from_csv_and_npy() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let csv = fixtures.join("exp_decay.csv");
    let scipy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("fit_scipy.json")).unwrap()).unwrap();
    let model = scipy["model"].as_str().unwrap();
    let floats = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .flat_map(|x| match x.as_array() {
                Some(row) => row.iter().map(|y| y.as_f64().unwrap()).collect(),
                None => vec![x.as_f64().unwrap()],
            })
            .collect()
    };
    let close = |a: &[f64], b: &[f64], rtol: f64| {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| (a - b).abs() <= rtol * b.abs().max(1e-12))
    };
    let cases = scipy["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    let mut plain = None;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut args = vec!["fit", model, csv.to_str().unwrap()];
        args.extend(case["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()));
        args.push("--json");
        let out = fastsci(&args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let v = json_of(&out);
        for key in ["popt", "perr", "pcov", "cost", "nfev", "success", "message"] {
            assert!(v.get(key).is_some(), "{name}: missing {key}");
        }
        let (popt, pcov) = (floats(&v["popt"]), floats(&v["pcov"]));
        // Both stop on a relative step of 1.49e-8; they agree far closer than that here.
        assert!(
            close(&popt, &floats(&case["popt"]), 1e-8),
            "{name}: popt {popt:?} vs SciPy {}",
            case["popt"]
        );
        assert!(
            close(&pcov, &floats(&case["pcov"]), 1e-5),
            "{name}: pcov {pcov:?} vs SciPy {}",
            case["pcov"]
        );
        let perr = floats(&v["perr"]);
        assert!(perr.iter().enumerate().all(|(i, e)| (e * e - pcov[4 * i]).abs() <= 1e-12 * pcov[4 * i]));
        if name == "plain" {
            plain = Some(v);
        }
    }

    // The same data as a two-column .npy gives the same fit.
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("data.npy");
    let rows: Vec<f64> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .skip(1)
        .flat_map(|l| l.split(',').take(2).map(|c| c.parse::<f64>().unwrap()).collect::<Vec<_>>())
        .collect();
    let arr = ndarray::Array2::from_shape_vec((30, 2), rows).unwrap();
    fastsci_array::write_npy(&npy, &arr.into_dyn()).unwrap();
    let w = json_of(&fastsci(&["fit", model, npy.to_str().unwrap(), "--p0", "1,1,0", "--json"]));
    assert_eq!(w["popt"], plain.expect("the plain case")["popt"]);
}

#[test]
fn fit_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    std::fs::write(&csv, "a,b\n1,2\nthree,4\n").unwrap();
    let c = csv.to_str().unwrap();
    for args in [
        vec!["fit", "p[0]*x", c, "--p0", "1"],
        vec!["fit", "p[0]*x + p[3]", c, "--p0", "1"],
        vec!["fit", "p[0]*x", "/nonexistent/file.csv", "--p0", "1"],
        vec!["fit", "p[0]*x", c, "--p0", "1", "--sigma", "nope"],
    ] {
        let out = fastsci(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn root_brentq_and_newton() {
    let v = json_of(&fastsci(&["root", "cos(x) - x", "--bracket", "0,1", "--json"]));
    assert!((v["root"].as_f64().unwrap() - 0.7390851332151607).abs() < 1e-11);
    assert_eq!(v["converged"], true);
    let w = json_of(&fastsci(&["root", "x**3 - 2", "--x0", "1", "--method", "newton", "--json"]));
    assert!((w["root"].as_f64().unwrap() - 2f64.cbrt()).abs() < 1e-12);
    let out = fastsci(&["root", "x**2 + 1", "--bracket", "-1,1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = fastsci(&["root", "x - 1", "--bracket=-3,5", "--json"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn minimize_a_kernel_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k.py");
    std::fs::write(
        &file,
        "def energy(x):\n    s = 0.0\n    for i in range(len(x) - 1):\n        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2\n    return s\n",
    )
    .unwrap();
    let spec = format!("{}:energy", file.display());
    let out = fastsci(&["minimize", &spec, "--x0", "-1.2,1,-1.2,1", "--method", "l-bfgs-b", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    for xi in v["x"].as_array().unwrap() {
        assert!((xi.as_f64().unwrap() - 1.0).abs() < 1e-4, "{v}");
    }
}

#[test]
fn minimize_a_kernel_file_uses_its_exact_gradient() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rosen.py");
    std::fs::write(&file, "def rosen(x):\n    return 100.0 * (x[1] - x[0] ** 2) ** 2 + (1.0 - x[0]) ** 2\n")
        .unwrap();
    let spec = format!("{}:rosen", file.display());
    let out = fastsci(&["minimize", &spec, "--x0", "-1.2,1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("(exact derivatives)"), "{text}");
    let v = json_of(&fastsci(&["minimize", &spec, "--x0", "-1.2,1", "--json"]));
    // SciPy's BFGS with the analytic gradient: 39 evaluations (WORKLOADS.md), as the formula.
    assert_eq!((v["nfev"].as_u64(), v["success"].as_bool()), (Some(39), Some(true)), "{v}");
    // Newton-CG needs a gradient: the kernel's.
    let v = json_of(&fastsci(&["minimize", &spec, "--x0", "-1.2,1", "--method", "newton-cg", "--json"]));
    let x = v["x"].as_array().unwrap();
    assert!((x[0].as_f64().unwrap() - 1.0).abs() < 1e-4, "{v}");
}

/// SciPy's SLSQP example (`minimize` docs): min (x−1)² + (y−2.5)² over three inequalities and
/// x, y ≥ 0, at (1.4, 1.7) after 3 iterations as SciPy's.
#[test]
fn minimize_with_constraints_uses_slsqp() {
    let out = fastsci(&[
        "minimize",
        "(x[0]-1)**2 + (x[1]-2.5)**2",
        "--x0",
        "2,0",
        "--constraint",
        "x[0] - 2*x[1] + 2 >= 0",
        "--constraint",
        "x[0] + 2*x[1] <= 6",
        "--constraint=-x[0]+2*x[1]+2>=0",
        "--bounds",
        "0:,0:",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert!(
        (v["x"][0].as_f64().unwrap() - 1.4).abs() < 1e-6 && (v["x"][1].as_f64().unwrap() - 1.7).abs() < 1e-6
    );
    assert_eq!(v["nit"], 3);
    assert_eq!(v["message"], "Optimization terminated successfully");
    // An equality, with the method named in any case.
    let out = fastsci(&[
        "minimize",
        "x[0]**2 + x[1]**2",
        "--x0",
        "1,3",
        "--constraint",
        "x[0]*x[1] == 2",
        "--method",
        "SLSQP",
        "--json",
    ]);
    let v = json_of(&out);
    assert!((v["fun"].as_f64().unwrap() - 4.0).abs() < 1e-6, "{v}");
}
