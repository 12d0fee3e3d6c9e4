//! CLI tests of `fastsci sparse info`, `fastsci spmv` and `fastsci solve`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fastsci(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fastsci")).args(args).output().expect("the binary runs")
}

fn json_of(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {text}"))
}

/// The 1-D Laplacian of size 4 (symmetric, lower triangle stored) and a nonsymmetric matrix.
fn write_inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let spd = dir.join("spd.mtx");
    std::fs::write(
        &spd,
        "%%MatrixMarket matrix coordinate real symmetric\n% 1-D Laplacian\n4 4 7\n1 1 2\n2 1 -1\n2 2 2\n3 2 -1\n3 3 2\n4 3 -1\n4 4 2\n",
    )
    .unwrap();
    let general = dir.join("general.mtx");
    std::fs::write(
        &general,
        "%%MatrixMarket matrix coordinate real general\n3 3 5\n1 1 4\n1 2 1\n2 2 3\n3 1 -1\n3 3 2\n",
    )
    .unwrap();
    (spd, general)
}

/// A 1-D float64 .npy file, written by hand (format version 1.0).
fn write_npy(path: &Path, values: &[f64]) {
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({},), }}", values.len());
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    for v in values {
        bytes.extend(v.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

fn read_npy(path: &Path) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = String::from_utf8_lossy(&bytes[10..10 + hlen]);
    assert!(header.contains("'<f8'"), "{header}");
    bytes[10 + hlen..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()
}

#[test]
fn info_reports_shape_symmetry_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (spd, general) = write_inputs(dir.path());
    let out = fastsci(&["sparse", "info", spd.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!(v["rows"], 4);
    assert_eq!(v["cols"], 4);
    assert_eq!(v["nnz"], 10);
    assert_eq!(v["symmetry"], "symmetric");
    assert_eq!(v["dense_bytes"].as_f64().unwrap(), 128.0);
    assert_eq!(v["csr_bytes"], 10 * 12 + 5 * 4);
    let v = json_of(&fastsci(&["--json", "sparse", "info", general.to_str().unwrap()]));
    assert_eq!(v["symmetry"], "general");
    let text = fastsci(&["sparse", "info", general.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("3 x 3") && text.contains("CSR"), "{text}");
}

#[test]
fn malformed_matrix_is_bad_input_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.mtx");
    std::fs::write(&bad, "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 5 1.0\n").unwrap();
    let out = fastsci(&["sparse", "info", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.mtx") && err.contains("line 3") && err.contains("column index 5"), "{err}");
    assert!(!err.contains("panicked"));
    let out = fastsci(&["sparse", "info", dir.path().join("missing.mtx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn spmv_writes_the_product() {
    let dir = tempfile::tempdir().unwrap();
    let (_, general) = write_inputs(dir.path());
    let x = dir.path().join("x.npy");
    write_npy(&x, &[1.0, 2.0, 3.0]);
    let y = dir.path().join("y.npy");
    let out =
        fastsci(&["spmv", general.to_str().unwrap(), x.to_str().unwrap(), "--out", y.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(read_npy(&y), vec![6.0, 6.0, 5.0]);
    let out = fastsci(&[
        "spmv",
        general.to_str().unwrap(),
        x.to_str().unwrap(),
        "--out",
        y.to_str().unwrap(),
        "--transpose",
        "--json",
    ]);
    assert_eq!(json_of(&out)["len"], 3);
    assert_eq!(read_npy(&y), vec![1.0, 7.0, 6.0]);
    // A vector of the wrong length is bad input and leaves the old output alone.
    write_npy(&x, &[1.0, 2.0]);
    let out =
        fastsci(&["spmv", general.to_str().unwrap(), x.to_str().unwrap(), "--out", y.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x has 2 values"));
    assert_eq!(read_npy(&y), vec![1.0, 7.0, 6.0]);
}

#[test]
fn solve_every_method_reaches_the_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let (spd, general) = write_inputs(dir.path());
    let x = dir.path().join("x.npy");
    let cases: &[(&Path, &str, &str, &str)] = &[
        (&spd, "auto", "none", "cholesky"),
        (&spd, "cholesky", "none", "cholesky"),
        (&spd, "lu", "none", "lu"),
        (&spd, "cg", "ic0", "cg"),
        (&spd, "cg", "jacobi", "cg"),
        (&spd, "minres", "none", "minres"),
        (&general, "auto", "none", "lu"),
        (&general, "gmres", "ilu0", "gmres"),
        (&general, "bicgstab", "ssor", "bicgstab"),
        (&spd, "cg", "amg", "cg"),
        (&spd, "amg", "none", "amg"),
        (&general, "gmres", "amg", "gmres"),
    ];
    for &(matrix, method, precond, used) in cases {
        let out = fastsci(&[
            "solve",
            matrix.to_str().unwrap(),
            "--rhs",
            "ones",
            "--method",
            method,
            "--precond",
            precond,
            "--rtol",
            "1e-10",
            "--out",
            x.to_str().unwrap(),
            "--json",
        ]);
        assert!(out.status.success(), "{method}: {}", String::from_utf8_lossy(&out.stderr));
        let v = json_of(&out);
        for key in [
            "method",
            "precond",
            "iterations",
            "residual_norm",
            "relative_residual",
            "converged",
            "factor_seconds",
            "solve_seconds",
        ] {
            assert!(v.get(key).is_some(), "{method}: no {key} in {v}");
        }
        assert_eq!(v["method"], used);
        assert_eq!(v["converged"], true);
        assert!(v["relative_residual"].as_f64().unwrap() <= 1e-10);
    }
    // The SPD solution of L x = 1 is x_i = i (n + 1 - i) / 2.
    let b = dir.path().join("b.npy");
    write_npy(&b, &[1.0; 4]);
    let out = fastsci(&["solve", spd.to_str().unwrap(), b.to_str().unwrap(), "--out", x.to_str().unwrap()]);
    assert!(out.status.success());
    let got = read_npy(&x);
    for (i, g) in got.iter().enumerate() {
        let k = (i + 1) as f64;
        assert!((g - k * (5.0 - k) / 2.0).abs() < 1e-12, "{got:?}");
    }
}

#[test]
fn solve_not_converging_exits_3_and_bad_options_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (spd, general) = write_inputs(dir.path());
    let x = dir.path().join("x.npy");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let out = fastsci(&[
        "solve",
        &s(&spd),
        "--rhs",
        "ones",
        "--method",
        "cg",
        "--maxiter",
        "1",
        "--out",
        &s(&x),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json_of(&out)["converged"], false);
    assert!(x.exists(), "the result is still written");
    for bad in [
        vec!["--method", "magic"],
        vec!["--precond", "ilu9"],
        vec!["--rtol", "-1"],
        vec!["--method", "cholesky"],
        vec!["--method", "amg", "--precond", "ic0"],
        vec!["--method", "lu", "--precond", "amg"],
        vec!["--method", "cg", "--precond", "amg", "--amg", "ml"],
    ] {
        let mut args =
            vec!["solve".to_string(), s(&general), "--rhs".into(), "ones".into(), "--out".into(), s(&x)];
        args.extend(bad.iter().map(|a| a.to_string()));
        let out = Command::new(env!("CARGO_BIN_EXE_fastsci")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let out = fastsci(&["solve", &s(&general), "--out", &s(&x)]);
    assert_eq!(out.status.code(), Some(2), "a right-hand side is required");
}

#[test]
fn solve_with_algebraic_multigrid_reports_its_hierarchy() {
    let dir = tempfile::tempdir().unwrap();
    // The 5-point Laplacian on a 40 x 40 grid: 1,600 rows, several multigrid levels.
    let n: usize = 40;
    let mut entries = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let r = i * n + j + 1;
            entries.push((r, r, 4.0));
            for (ok, c) in [
                (i > 0, r.wrapping_sub(n)),
                (i + 1 < n, r + n),
                (j > 0, r.wrapping_sub(1)),
                (j + 1 < n, r + 1),
            ] {
                if ok {
                    entries.push((r, c, -1.0));
                }
            }
        }
    }
    let mut text =
        format!("%%MatrixMarket matrix coordinate real general\n{} {} {}\n", n * n, n * n, entries.len());
    for (r, c, v) in &entries {
        text += &format!("{r} {c} {v}\n");
    }
    let matrix = dir.path().join("lap2d.mtx");
    std::fs::write(&matrix, text).unwrap();
    let x = dir.path().join("x.npy");
    for (method, precond, most) in [("cg", "amg", 15), ("amg", "none", 30)] {
        let out = fastsci(&[
            "solve",
            matrix.to_str().unwrap(),
            "--rhs",
            "ones",
            "--method",
            method,
            "--precond",
            precond,
            "--out",
            x.to_str().unwrap(),
            "--json",
        ]);
        assert!(out.status.success(), "{method}: {}", String::from_utf8_lossy(&out.stderr));
        let v = json_of(&out);
        assert_eq!(v["converged"], true);
        assert!(v["relative_residual"].as_f64().unwrap() <= 1e-8);
        assert!(v["iterations"].as_u64().unwrap() <= most, "{v}");
        let h = &v["hierarchy"];
        assert_eq!(h["method"], "smoothed-aggregation");
        let levels = h["levels"].as_array().unwrap();
        assert!(levels.len() >= 3, "{h}");
        assert_eq!(levels[0]["rows"], 1600);
        let complexity = h["operator_complexity"].as_f64().unwrap();
        assert!(complexity > 1.0 && complexity < 2.0, "{h}");
    }
    // The text report ends with the hierarchy's table.
    let out = fastsci(&[
        "solve",
        matrix.to_str().unwrap(),
        "--rhs",
        "ones",
        "--method",
        "amg",
        "--out",
        x.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("operator complexity"));
}
