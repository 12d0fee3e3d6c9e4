//! `fastsci quad` and `fastsci diff` on the command line: arguments in any position, JSON
//! fields, exit codes.

use std::process::Command;

fn fastsci(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fastsci")).args(args).output().expect("fastsci runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn quad_reference_integral_prints_all_fields() {
    let (code, j, err) = fastsci(&["quad", "exp(-x**2)*log(1+x**2)", "0", "5", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - 0.293_309_373_286_686_1).abs() < 1e-12);
    assert!(num(&j["abserr"]) < 1e-8);
    assert_eq!(j["neval"], 63);
    assert_eq!(j["intervals"], 2);
    assert_eq!(j["status"], 0);
    assert_eq!(j["success"], true);
    assert!(j["message"].as_str().is_some());
}

#[test]
fn quad_accepts_infinite_limits_and_options_anywhere() {
    let (code, j, err) = fastsci(&["quad", "exp(-x**2)", "-inf", "inf", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - std::f64::consts::PI.sqrt()).abs() < 1e-10);
    let (code, j, err) =
        fastsci(&["--json", "quad", "--epsabs", "1e-12", "exp(x)", "-pi", "--limit", "100", "0"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - (1.0 - (-std::f64::consts::PI).exp())).abs() < 1e-12);
}

#[test]
fn quad_integrates_where_scipy_returns_inf() {
    let (code, j, err) = fastsci(&["quad", "1/sqrt(abs(x))", "-1", "1", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - 4.0).abs() < 1e-10);
}

#[test]
fn quad_points_and_weights() {
    let (code, j, err) = fastsci(&["quad", "1/sqrt(abs(x-0.3))", "0", "1", "--points", "0.3", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - 2.0 * (0.3f64.sqrt() + 0.7f64.sqrt())).abs() < 1e-10);
    let (code, j, err) =
        fastsci(&["quad", "1/(1+x**2)", "0", "inf", "--weight", "cos", "--wvar", "1", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - std::f64::consts::FRAC_PI_2 * (-1f64).exp()).abs() < 1e-7);
    let (code, j, err) =
        fastsci(&["quad", "1", "0", "1", "--json", "--weight", "alg", "--wvar", "-0.5,-0.5"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - std::f64::consts::PI).abs() < 1e-10);
    let (code, j, err) =
        fastsci(&["quad", "exp(x)", "0", "1", "--weight", "cauchy", "--wvar", "0.3", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - 2.660_009_960_995_237).abs() < 1e-10);
}

#[test]
fn quad_not_meeting_tolerance_exits_3_with_the_result() {
    let (code, j, _) = fastsci(&["quad", "1/x", "0", "1", "--json"]);
    assert_eq!(code, 3);
    assert_eq!(j["success"], false);
    assert_ne!(j["status"], 0);
    let (code, j, _) = fastsci(&["quad", "sqrt(x)", "-1", "1", "--json"]);
    assert_eq!(code, 3);
    assert_eq!(j["value"], "nan");
}

#[test]
fn quad_bad_input_exits_2_with_one_clear_message() {
    let (code, _, err) = fastsci(&["quad", "exp(-x**", "0", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"));
    let (code, _, err) = fastsci(&["quad", "x", "0", "1", "--weight", "alg", "--wvar", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--wvar"), "{err}");
    let (code, _, _) = fastsci(&["quad", "x", "nan", "1"]);
    assert_eq!(code, 2);
    let (code, _, _) = fastsci(&["quad", "x", "zero", "1"]);
    assert_eq!(code, 2);
}

#[test]
fn quad_prints_for_people_without_json() {
    let out = Command::new(env!("CARGO_BIN_EXE_fastsci")).args(["quad", "x**2", "0", "3"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("value") && text.contains("9.0000000000000"), "{text}");
}

#[test]
fn diff_of_sin_at_one() {
    let (code, j, err) = fastsci(&["diff", "sin(x)", "1.0", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = num(&j["value"]);
    assert!((v - 1f64.cos()).abs() <= num(&j["error"]));
    assert!(num(&j["error"]) < 1e-10);
    assert!(j["nfev"].as_u64().unwrap() > 0);
    assert_eq!(j["success"], true);
    let (code, j, err) = fastsci(&["--json", "diff", "--order", "4", "exp(x)", "-2"]);
    assert_eq!(code, 0, "{err}");
    assert!((num(&j["value"]) - (-2f64).exp()).abs() < 1e-9);
    let (code, _, _) = fastsci(&["diff", "sin(", "1"]);
    assert_eq!(code, 2);
}
