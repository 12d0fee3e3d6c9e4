//! `fastsci run`: kernels from files, arguments, JSON output, .npy in and out, errors.

use std::process::Command;

fn fastsci() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fastsci"))
}

const KERNELS: &str = "\
import numpy as np
from numba import prange

def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

def scale(a, k):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = a[i] * k
    return out

def stats(a):
    s = 0.0
    m = a[0]
    for x in a:
        s += x
        m = max(m, x)
    return s / len(a), m

def signs(x, flag):
    return -x if flag else x

def oops(a, i):
    return a[i]

def harmonic(n):
    s = 0.0
    for i in prange(n):
        s += 1.0 / (i + 1)
    return s

def racy(n):
    s = 0.0
    for i in prange(n):
        s = i
    return s
";

fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.py");
    std::fs::write(&path, KERNELS).unwrap();
    let p = path.display().to_string();
    (dir, p)
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write_npy(path: &std::path::Path, v: &[f64]) {
    let a = ndarray::Array1::from(v.to_vec()).into_dyn();
    fastsci_array::write_npy(path, &a).unwrap();
}

#[test]
fn scalars_and_json() {
    let (_d, k) = setup();
    let out = fastsci().args(["run", &format!("{k}:fib"), "50", "--json"]).output().unwrap();
    let j = json_of(&out);
    assert_eq!(j["result"], 12_586_269_025i64);
    assert!(j["compile_ms"].as_f64().unwrap() > 0.0);
    assert!(j["run_ms"].as_f64().is_some());
    let out = fastsci().args(["run", &format!("{k}:signs"), "-2.5", "True", "--json"]).output().unwrap();
    assert_eq!(json_of(&out)["result"], 2.5);
    let out = fastsci().args(["run", &format!("{k}:fib"), "10"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("55\n"));
}

#[test]
fn arrays_in_and_out() {
    let (d, k) = setup();
    let a = d.path().join("a.npy");
    write_npy(&a, &[1.0, 2.0, 4.0]);
    let arg = format!("@{}", a.display());
    let out = fastsci().args(["run", &format!("{k}:stats"), &arg, "--json"]).output().unwrap();
    let j = json_of(&out);
    assert_eq!(j["result"], serde_json::json!([7.0 / 3.0, 4.0]));
    let out = fastsci().args(["run", &format!("{k}:scale"), &arg, "3", "--json"]).output().unwrap();
    assert_eq!(json_of(&out)["result"], serde_json::json!([3.0, 6.0, 12.0]));
    let o = d.path().join("o.npy");
    let out = fastsci()
        .args([
            "run",
            &format!("{k}:scale"),
            &arg,
            "0.5",
            "--out",
            &o.display().to_string(),
            "--json",
            "--no-boundscheck",
        ])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["result"], serde_json::json!(o.display().to_string()));
    let back = fastsci_array::read_npy_as::<f64>(&o).unwrap();
    assert_eq!(back.as_slice().unwrap(), &[0.5, 1.0, 2.0]);
}

#[test]
fn errors_exit_2_with_positions() {
    let (d, k) = setup();
    let a = d.path().join("a.npy");
    write_npy(&a, &[1.0]);
    let out =
        fastsci().args(["run", &format!("{k}:oops"), &format!("@{}", a.display()), "5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("k.py:28:12: IndexError"), "{err}");
    let bad = d.path().join("bad.py");
    std::fs::write(&bad, "def f(x):\n    return x +* 2\n").unwrap();
    let out = fastsci().args(["run", &format!("{}:f", bad.display()), "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.py:2:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cases = [
        vec![format!("{k}:nope"), "1".into()],
        vec![format!("{k}:fib")],
        vec![format!("{k}:fib"), "x1".into()],
        vec!["nofile.py:f".into()],
    ];
    for args in cases {
        let out = fastsci().arg("run").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn parallel_loops_give_the_same_bits_with_and_without_threads() {
    let (_d, k) = setup();
    let serial = fastsci().args(["run", &format!("{k}:harmonic"), "1000000", "--json"]).output().unwrap();
    let parallel = fastsci()
        .args(["run", &format!("{k}:harmonic"), "1000000", "--json", "--parallel"])
        .output()
        .unwrap();
    let (s, p) = (json_of(&serial)["result"].clone(), json_of(&parallel)["result"].clone());
    assert_eq!(s, p);
    // H(n) = ln n + gamma + 1/(2n) - 1/(12 n^2) + ...
    let n = 1e6f64;
    let want = n.ln() + 0.577_215_664_901_532_9 + 0.5 / n - 1.0 / (12.0 * n * n);
    assert!((s.as_f64().unwrap() - want).abs() < 1e-12, "{s}");

    let out = fastsci().args(["run", &format!("{k}:racy"), "10", "--parallel"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("k.py:39:13") && err.contains("race"), "{err}");
}

#[test]
fn eval_vectorize_applies_a_kernel_elementwise_with_broadcasting() {
    let d = tempfile::tempdir().unwrap();
    let k = d.path().join("u.py");
    std::fs::write(&k, "import math\ndef gauss(x, s):\n    return math.exp(-x * x / (2 * s * s))\n").unwrap();
    let (x, s) = (d.path().join("x.npy"), d.path().join("s.npy"));
    write_npy(&x, &[0.0, 1.0, 2.0]);
    let sigma = ndarray::Array2::from_shape_vec((2, 1), vec![1.0, 2.0]).unwrap().into_dyn();
    fastsci_array::write_npy(&s, &sigma).unwrap();
    let target = format!("{}:gauss", k.display());
    let (xa, sa) = (format!("x={}", x.display()), format!("s={}", s.display()));
    let out = fastsci()
        .args(["eval", "--vectorize", &target, "--in", &xa, "--in", &sa, "--json"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert_eq!(v["shape"], serde_json::json!([2, 3]));
    let got: Vec<f64> = v["values"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let want: Vec<f64> = [1.0f64, 2.0]
        .iter()
        .flat_map(|s| [0.0f64, 1.0, 2.0].map(|x| (-x * x / (2.0 * s * s)).exp()))
        .collect();
    assert_eq!(got, want);
    let out = fastsci().args(["eval", "--vectorize", &target, "--in", &xa]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give it with --in s="));
}
