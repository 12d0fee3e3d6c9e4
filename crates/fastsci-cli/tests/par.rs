//! `fastsci sweep`: grids, outputs, failures (exit 3), bad input (exit 2), seeds, and resume
//! after the sweep is killed or interrupted mid-way.

use std::io::{BufRead, BufReader};
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MODEL: &str = "\
import math

def damped(k, c, t):
    return math.exp(-c * t) * math.cos(k * t)

def pair(x, n):
    s = 0.0
    for i in range(n):
        s += x
    return s, x + n

def inverse(x):
    return 1.0 / (x - 2.0)

def noisy(x):
    return x + np.random.random()

def slow(x, n):
    s = 0.0
    for i in range(n):
        s += 1.0
    return 2.0 * x + (s - n)
";

fn fastsci() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fastsci"))
}

/// A scratch folder holding `model.py`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("model.py"), MODEL).unwrap();
    dir
}

fn sweep(dir: &Path, args: &[&str]) -> Output {
    fastsci().current_dir(dir).arg("sweep").args(args).output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not one JSON object ({e}): {text}"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Rows of a results CSV, as numbers, header checked.
fn csv_rows(path: &Path, header: &str) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(header));
    lines.map(|l| l.split(',').map(|f| f.parse().unwrap()).collect()).collect()
}

fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| if i + 1 == n { b } else { a + i as f64 * (b - a) / (n - 1) as f64 }).collect()
}

#[test]
fn a_grid_sweep_writes_every_parameter_set_with_its_result() {
    let dir = workspace();
    let out = sweep(
        dir.path(),
        &[
            "model.py:damped",
            "--grid",
            "k=0:10:11",
            "--grid",
            "c=-0.5:1:4",
            "--set",
            "t=2.5",
            "--out",
            "d.csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("44 tasks"));
    let rows = csv_rows(&dir.path().join("d.csv"), "index,k,c,t,result");
    assert_eq!(rows.len(), 44);
    let (ks, cs) = (linspace(0.0, 10.0, 11), linspace(-0.5, 1.0, 4));
    for (i, row) in rows.iter().enumerate() {
        let (k, c) = (ks[i / 4], cs[i % 4]);
        assert_eq!(row[..4], [i as f64, k, c, 2.5]);
        let expected = (-c * 2.5).exp() * (k * 2.5).cos();
        assert!(
            (row[4] - expected).abs() <= 1e-14 * expected.abs().max(1.0),
            "task {i}: {} vs {expected}",
            row[4]
        );
    }
}

#[test]
fn json_output_and_npy_results() {
    let dir = workspace();
    let out = sweep(
        dir.path(),
        &["model.py:pair", "--grid", "x=-1:1:5", "--set", "n=10", "--out", "p.npy", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["tasks"], 5);
    assert_eq!(report["done"], 5);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["out"], "p.npy");
    assert!(report["seconds"].as_f64().unwrap() >= 0.0);
    let bytes = std::fs::read(dir.path().join("p.npy")).unwrap();
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
    assert!(header.contains("'shape': (5, 4)"), "{header}");
    let values: Vec<f64> =
        bytes[10 + header_len..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    for (i, x) in linspace(-1.0, 1.0, 5).into_iter().enumerate() {
        assert_eq!(values[4 * i..4 * i + 4], [x, 10.0, 10.0 * x, x + 10.0]);
    }
    assert!(!dir.path().join("p.npy.journal").exists());
}

#[test]
fn failed_tasks_exit_3_are_listed_and_rerun_alone_on_resume() {
    let dir = workspace();
    let out = sweep(dir.path(), &["model.py:inverse", "--grid", "x=0:4:5", "--out", "i.csv", "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!((report["done"].as_u64(), report["failed"].as_u64()), (Some(4), Some(1)));
    let err = stderr(&out);
    assert!(err.contains("task 2 (2.0)") && err.contains("ZeroDivisionError"), "{err}");
    let rows = csv_rows(&dir.path().join("i.csv"), "index,x,result");
    assert_eq!(rows.iter().map(|r| r[0]).collect::<Vec<_>>(), [0.0, 1.0, 3.0, 4.0]);

    // Fix the kernel; resume runs only the failed task.
    let fixed = MODEL.replace("1.0 / (x - 2.0)", "1.0 / (x - 2.5)");
    std::fs::write(dir.path().join("model.py"), fixed).unwrap();
    let out =
        sweep(dir.path(), &["model.py:inverse", "--grid", "x=0:4:5", "--out", "i.csv", "--resume", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!((report["done"].as_u64(), report["already_done"].as_u64()), (Some(5), Some(4)));
    let rows = csv_rows(&dir.path().join("i.csv"), "index,x,result");
    assert_eq!(rows[2], [2.0, 2.0, -2.0]);
    assert_eq!(rows[0], [0.0, 0.0, -0.5], "results from the first run are kept");
}

#[test]
fn bad_input_exits_2_and_never_touches_an_existing_output() {
    let dir = workspace();
    std::fs::write(dir.path().join("keep.csv"), "precious\n").unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["model.py:damped", "--grid", "k=0:1:3", "--set", "t=1", "--out", "x.csv"], "parameter 'c'"),
        (
            &[
                "model.py:damped",
                "--grid",
                "k=0:1:3",
                "--set",
                "c=1",
                "--set",
                "t=1",
                "--set",
                "z=1",
                "--out",
                "x.csv",
            ],
            "no parameter 'z'",
        ),
        (
            &["model.py:damped", "--grid", "k=0:1", "--set", "c=1", "--set", "t=1", "--out", "x.csv"],
            "NAME=START:STOP:NUM",
        ),
        (&["model.py:damped", "--grid", "k=0:1:0", "--set", "c=1", "--set", "t=1", "--out", "x.csv"], ">= 1"),
        (&["model.py:nope", "--grid", "k=0:1:3", "--out", "x.csv"], "nope"),
        (
            &["model.py:damped", "--grid", "k=0:1:3", "--set", "c=1", "--set", "t=1", "--out", "x.txt"],
            ".csv or .npy",
        ),
        (
            &["model.py:damped", "--grid", "k=0:1:3", "--set", "c=1", "--set", "t=1", "--out", "keep.csv"],
            "--resume",
        ),
    ];
    for (args, message) in cases {
        let out = sweep(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "one line: {}", stderr(&out));
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("keep.csv")).unwrap(), "precious\n");
    assert!(!dir.path().join("x.csv").exists());
}

#[test]
fn random_kernels_give_the_same_results_for_any_job_count() {
    let dir = workspace();
    for (jobs, file) in [("1", "a.csv"), ("3", "b.csv")] {
        let out = sweep(
            dir.path(),
            &["model.py:noisy", "--grid", "x=0:1:40", "--seed", "9", "--jobs", jobs, "--out", file],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let a = std::fs::read_to_string(dir.path().join("a.csv")).unwrap();
    assert_eq!(a, std::fs::read_to_string(dir.path().join("b.csv")).unwrap());
    let draws: Vec<f64> =
        csv_rows(&dir.path().join("a.csv"), "index,x,result").iter().map(|r| r[2] - r[1]).collect();
    assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
}

/// Arguments of a sweep slow enough to interrupt: 300 tasks of a few milliseconds.
const SLOW: [&str; 7] = ["model.py:slow", "--grid", "x=0:299:300", "--set", "n=5000000", "--jobs", "2"];

fn data_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|t| t.lines().count().saturating_sub(1)).unwrap_or(0)
}

fn wait_for_lines(path: &Path, lines: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while data_lines(path) < lines {
        assert!(Instant::now() < deadline, "the sweep made no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Resumes the slow sweep and checks it ran only the missing tasks and the file is complete.
fn resume_slow_sweep(dir: &Path, out: &str, survived: usize) {
    let mut args = SLOW.to_vec();
    args.extend(["--out", out, "--resume", "--json"]);
    let resumed = sweep(dir, &args);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let report = json(&resumed);
    assert_eq!(report["already_done"].as_u64(), Some(survived as u64), "only the missing tasks ran");
    assert_eq!(report["done"].as_u64(), Some(300));
    let rows = csv_rows(&dir.join(out), "index,x,n,result");
    assert_eq!(rows.len(), 300);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[..], [i as f64, i as f64, 5e6, 2.0 * i as f64]);
    }
}

#[test]
fn a_killed_sweep_resumes_with_only_the_missing_tasks() {
    let dir = workspace();
    let out = dir.path().join("slow.csv");
    let mut args = SLOW.to_vec();
    args.extend(["--out", "slow.csv"]);
    let mut child =
        fastsci().current_dir(dir.path()).arg("sweep").args(&args).stderr(Stdio::null()).spawn().unwrap();
    wait_for_lines(&out, 10);
    child.kill().unwrap();
    child.wait().unwrap();
    let survived = {
        let text = std::fs::read_to_string(&out).unwrap();
        text[..text.rfind('\n').unwrap() + 1].lines().count() - 1
    };
    assert!((10..300).contains(&survived), "{survived} tasks survived the kill");
    resume_slow_sweep(dir.path(), "slow.csv", survived);
}

#[cfg(unix)]
unsafe extern "C" {
    fn signal(signal: i32, handler: usize) -> usize;
    fn kill(pid: i32, signal: i32) -> i32;
}
#[cfg(unix)]
const SIGINT: i32 = 2;
#[cfg(unix)]
const SIG_DFL: usize = 0;

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_sweep_with_exit_3_and_resume_finishes_it() {
    let dir = workspace();
    let out = dir.path().join("int.csv");
    let mut args = SLOW.to_vec();
    args.extend(["--out", "int.csv", "--no-progress"]);
    let mut command = fastsci();
    command.current_dir(dir.path()).arg("sweep").args(&args).stderr(Stdio::piped());
    // A harness started in the background runs with SIGINT ignored, and children inherit that
    // (fastsci then rightly leaves it ignored). Ctrl-C in a terminal reaches a foreground job
    // with the default disposition, so the child gets that back.
    // SAFETY: `signal` is async-signal-safe, as code between fork and exec must be.
    unsafe {
        command.pre_exec(|| {
            signal(SIGINT, SIG_DFL);
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    wait_for_lines(&out, 5);
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: `kill` touches no memory; `pid` is our child, not yet reaped.
    assert_eq!(unsafe { kill(pid, SIGINT) }, 0);
    let mut err = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        err.push_str(&line.unwrap());
        err.push('\n');
    }
    assert_eq!(child.wait().unwrap().code(), Some(3), "{err}");
    assert!(err.contains("--resume"), "{err}");
    let survived = data_lines(&out);
    assert!((5..300).contains(&survived), "{survived} tasks done before Ctrl-C");
    resume_slow_sweep(dir.path(), "int.csv", survived);
}
