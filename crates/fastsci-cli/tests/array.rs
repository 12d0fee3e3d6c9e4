//! CLI tests of `fastsci stats`, `fastsci eval` and `fastsci random` (issue 7).

use std::path::Path;
use std::process::{Command, Output};

fn fastsci(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fastsci")).args(args).output().expect("run fastsci")
}

fn json_of(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[test]
fn random_then_stats_is_reproducible_and_plausible() {
    let dir = tempfile::tempdir().unwrap();
    let a = p(dir.path(), "a.npy");
    let b = p(dir.path(), "b.npy");
    let made =
        json_of(&fastsci(&["random", "normal", "--shape", "400,250", "--seed", "7", "--out", &a, "--json"]));
    assert_eq!(made["shape"], serde_json::json!([400, 250]));
    fastsci(&["random", "normal", "--shape", "400,250", "--seed", "7", "--out", &b]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same seed, same bytes");
    let s = json_of(&fastsci(&["stats", &a, "--json"]));
    assert_eq!(s["shape"], serde_json::json!([400, 250]));
    assert_eq!(s["dtype"], "float64");
    assert_eq!(s["count"], 100_000);
    assert_eq!(s["nan_count"], 0);
    assert!(s["mean"].as_f64().unwrap().abs() < 0.02);
    assert!((s["std"].as_f64().unwrap() - 1.0).abs() < 0.02);
    let var = s["var"].as_f64().unwrap();
    assert!((var - s["std"].as_f64().unwrap().powi(2)).abs() < 1e-12);
    assert!((s["sum"].as_f64().unwrap() - 100_000.0 * s["mean"].as_f64().unwrap()).abs() < 1e-6);
    for key in ["min", "max"] {
        assert!(s[key].as_f64().unwrap().abs() > 2.0);
    }
    let cols = json_of(&fastsci(&["stats", &a, "--axis", "0", "--json"]));
    assert_eq!(cols["mean"].as_array().unwrap().len(), 250);
    assert_eq!(cols["count"][0], 400);
    let rows = json_of(&fastsci(&["stats", &a, "--axis", "-1", "--json"]));
    assert_eq!(rows["sum"].as_array().unwrap().len(), 400);
    let total: f64 = rows["sum"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - s["sum"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn random_integers_and_uniform_respect_ranges_and_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let i = p(dir.path(), "i.npy");
    json_of(&fastsci(&[
        "random", "integers", "--shape", "1000", "--low", "-5", "--high", "5", "--dtype", "int16", "--out",
        &i, "--json",
    ]));
    let s = json_of(&fastsci(&["stats", &i, "--json"]));
    assert_eq!(s["dtype"], "int16");
    assert!(s["min"].as_f64().unwrap() >= -5.0 && s["max"].as_f64().unwrap() <= 4.0);
    let u = p(dir.path(), "u.npy");
    json_of(&fastsci(&[
        "random", "uniform", "--shape", "10,10,10", "--low", "-2", "--high", "-1", "--dtype", "float32",
        "--out", &u, "--json",
    ]));
    let s = json_of(&fastsci(&["stats", &u, "--json"]));
    assert_eq!((s["dtype"].as_str(), s["count"].as_u64()), (Some("float32"), Some(1000)));
    assert!(s["min"].as_f64().unwrap() >= -2.0 && s["max"].as_f64().unwrap() < -1.0);
}

#[test]
fn eval_fuses_an_expression_over_files_and_matches_elementwise_math() {
    let dir = tempfile::tempdir().unwrap();
    let a = p(dir.path(), "a.npy");
    let b = p(dir.path(), "b.npy");
    fastsci(&["random", "uniform", "--shape", "6,5", "--seed", "1", "--out", &a]);
    fastsci(&["random", "uniform", "--shape", "5", "--seed", "2", "--out", &b]);
    let av = json_of(&fastsci(&["eval", "a", "--in", &format!("a={a}"), "--json"]))["values"].clone();
    let bv = json_of(&fastsci(&["eval", "b", "--in", &format!("b={b}"), "--json"]))["values"].clone();
    let r = json_of(&fastsci(&[
        "eval",
        "a*b + a*2 - np.sin(a)",
        "--in",
        &format!("a={a}"),
        "--in",
        &format!("b={b}"),
        "--json",
    ]));
    assert_eq!(r["shape"], serde_json::json!([6, 5]));
    for i in 0..6 {
        for j in 0..5 {
            let x = av[i * 5 + j].as_f64().unwrap();
            let y = bv[j].as_f64().unwrap();
            let got = r["values"][i * 5 + j].as_f64().unwrap();
            assert!((got - (x * y + x * 2.0 - x.sin())).abs() < 1e-15, "({i}, {j})");
        }
    }
    // Into a file, with a conditional.
    let out = p(dir.path(), "out.npy");
    let w = json_of(&fastsci(&[
        "eval",
        "where(a > 0.5, 1, 0)",
        "--in",
        &format!("a={a}"),
        "--out",
        &out,
        "--json",
    ]));
    assert_eq!(w["shape"], serde_json::json!([6, 5]));
    let s = json_of(&fastsci(&["stats", &out, "--json"]));
    let above = av.as_array().unwrap().iter().filter(|v| v.as_f64().unwrap() > 0.5).count();
    assert_eq!(s["sum"].as_f64().unwrap(), above as f64);
}

#[test]
fn bad_input_exits_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = p(dir.path(), "a.npy");
    fastsci(&["random", "normal", "--shape", "3", "--out", &a]);
    let bad = p(dir.path(), "bad.npy");
    std::fs::write(&bad, b"\x93NUMPY\x01\x00\x10\x00{'descr': 'x'}  \n").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["stats".into(), p(dir.path(), "missing.npy")], "No such file"),
        (vec!["stats".into(), bad.clone()], "invalid .npy header"),
        (vec!["stats".into(), a.clone(), "--axis".into(), "1".into()], "--axis"),
        (vec!["eval".into(), "a +* 2".into(), "--in".into(), format!("a={a}")], "1:4"),
        (vec!["eval".into(), "a + q".into(), "--in".into(), format!("a={a}")], "--in q="),
        (vec!["eval".into(), "a".into(), "--in".into(), a.clone()], "NAME=PATH"),
        (
            vec!["random".into(), "normal".into(), "--shape".into(), "3,x".into(), "--out".into(), a.clone()],
            "--shape",
        ),
        (
            vec!["random".into(), "integers".into(), "--shape".into(), "3".into(), "--out".into(), a.clone()],
            "--high",
        ),
        (
            vec![
                "random".into(),
                "normal".into(),
                "--shape".into(),
                "3".into(),
                "--dtype".into(),
                "int8".into(),
                "--out".into(),
                a.clone(),
            ],
            "cannot draw",
        ),
    ];
    for (args, want) in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = fastsci(&refs);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // The failed random runs left the good file in place.
    assert_eq!(json_of(&fastsci(&["stats", &a, "--json"]))["count"], 3);
}
