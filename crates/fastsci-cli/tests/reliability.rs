//! Issue 18: no abort, no crash, nothing clobbered, on inputs a careless or hostile user gives.
//! Every input is generated small here; each test names the failure it guards against.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn fastsci_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fastsci"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the fastsci binary runs")
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a clean bad-input failure: exit 2, one line on stderr, containing `needle`.
fn assert_bad_input(out: &Output, needle: &str) {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
}

/// A `.npy` file with the given header fields and data bytes.
fn npy(path: &Path, descr: &str, shape: &str, data: &[u8]) {
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    let mut header = dict.into_bytes();
    let pad = 64 - (10 + header.len() + 1) % 64;
    header.extend(std::iter::repeat_n(b' ', pad % 64));
    header.push(b'\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(data);
    std::fs::write(path, bytes).unwrap();
}

fn f64_bytes(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let scene = Scene { dir: tempfile::tempdir().unwrap() };
        let d = scene.dir.path();
        npy(&d.join("huge.npy"), "<f8", "(1000000000000000,)", &[]);
        npy(&d.join("huge2.npy"), "<f8", "(1000000000000000, 2)", &[]);
        npy(&d.join("v3.npy"), "<f8", "(3,)", &f64_bytes(&[1.0, 2.0, 3.0]));
        std::fs::write(
            d.join("k.py"),
            "def f(a):\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i]\n    return s\n",
        )
        .unwrap();
        std::fs::write(
            d.join("m.mtx"),
            "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 2.0\n2 2 2.0\n3 3 2.0\n",
        )
        .unwrap();
        scene
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        fastsci_in(self.path(), args)
    }
}

#[test]
fn a_tiny_npy_declaring_10_to_the_15_elements_is_refused_by_every_reader() {
    let s = Scene::new();
    for args in [
        &["run", "k.py:f", "@huge.npy"][..],
        &["spmv", "m.mtx", "huge.npy", "--out", "y.npy"],
        &["solve", "m.mtx", "huge.npy", "--out", "x.npy"],
        &["fit", "p[0]*x", "huge2.npy", "--p0", "1"],
        &["stats", "huge.npy"],
        &["eval", "a+1", "--in", "a=huge.npy", "--out", "o.npy"],
    ] {
        let out = s.run(args);
        assert_bad_input(&out, "000000000000000 bytes of data but the file holds 0");
        assert!(stderr_of(&out).contains("huge"), "the file is named: {}", stderr_of(&out));
    }
}

#[test]
fn stats_along_an_axis_of_empty_data_is_refused_with_the_limit() {
    let s = Scene::new();
    for shape in ["(0, 10000000)", "(0, 1000000000000000)"] {
        npy(&s.path().join("e.npy"), "<f8", shape, &[]);
        let t = Instant::now();
        let out = s.run(&["stats", "--axis", "0", "e.npy"]);
        assert_bad_input(&out, "65536");
        assert!(t.elapsed() < Duration::from_secs(10));
    }
    // Empty data with few columns still gives its NaN summaries, as NumPy does.
    npy(&s.path().join("e.npy"), "<f8", "(0, 3)", &[]);
    let out = s.run(&["--json", "stats", "--axis", "0", "e.npy"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn sweeps_beyond_the_task_or_thread_limits_are_refused_at_once() {
    let s = Scene::new();
    std::fs::write(s.path().join("g.py"), "def g(a, b, c):\n    return a + b + c\n").unwrap();
    let t = Instant::now();
    let out = s.run(&[
        "sweep",
        "g.py:g",
        "--grid",
        "a=0:1:100000",
        "--grid",
        "b=0:1:100000",
        "--grid",
        "c=0:1:100000",
        "--out",
        "r.csv",
    ]);
    assert_bad_input(&out, "1073741824");
    let out = s.run(&["sweep", "g.py:g", "--jobs", "100000", "--grid", "a=0:1:3", "--out", "r.csv"]);
    assert_bad_input(&out, "--jobs 100000");
    assert!(t.elapsed() < Duration::from_secs(10));
}

#[test]
fn non_regular_inputs_are_refused_up_front_with_exit_2() {
    let s = Scene::new();
    std::fs::create_dir(s.path().join("adir")).unwrap();
    let fifo = s.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (args, needle) in [
        (&["sparse", "info", "/dev/zero"][..], "character device"),
        (&["run", "/dev/zero:f"], "character device"),
        (&["stats", "/dev/zero"], "character device"),
        (&["eval", "a+1", "--in", "a=/dev/zero", "--out", "o.npy"], "character device"),
        (&["fit", "p[0]*x", "/dev/zero", "--p0", "1"], "character device"),
        (&["sparse", "info", "fifo"], "FIFO"),
        (&["stats", "fifo"], "FIFO"),
        (&["stats", "adir"], "directory"),
        (&["run", "adir:f"], "directory"),
        (&["solve", "adir", "v3.npy", "--out", "x.npy"], "directory"),
    ] {
        let t = Instant::now();
        let out = s.run(args);
        assert_bad_input(&out, needle);
        assert!(t.elapsed() < Duration::from_secs(10), "{args:?} took {:?}", t.elapsed());
    }
}

#[test]
fn a_symlink_loop_is_bad_input() {
    let s = Scene::new();
    std::os::unix::fs::symlink("loop2.npy", s.path().join("loop1.npy")).unwrap();
    std::os::unix::fs::symlink("loop1.npy", s.path().join("loop2.npy")).unwrap();
    assert_bad_input(&s.run(&["stats", "loop1.npy"]), "loop1.npy");
    assert_bad_input(&s.run(&["run", "loop1.npy:f"]), "loop1.npy");
}

#[test]
fn out_never_renames_over_a_device_fifo_or_directory() {
    let s = Scene::new();
    let fifo = s.path().join("fifo.npy");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::create_dir(s.path().join("adir.npy")).unwrap();
    for target in ["fifo.npy", "adir.npy"] {
        let out = s.run(&["random", "uniform", "--shape", "10", "--out", target]);
        assert_bad_input(&out, "not a regular file");
        let out = s.run(&["eval", "a*2", "--in", "a=v3.npy", "--out", target]);
        assert_bad_input(&out, "not a regular file");
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(std::fs::metadata(s.path().join("adir.npy")).unwrap().is_dir());
    let out = s.run(&["random", "uniform", "--shape", "10", "--out", "/dev/null"]);
    assert_bad_input(&out, "not a regular file");
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}

/// Runs `fastsci ARGS` under `sh` after the shell command `limits` (`ulimit ...`).
fn under_limits(dir: &Path, limits: &str, args: &str) -> Output {
    let script = format!("{limits}; exec \"$0\" {args}");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_fastsci"))
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Runs fastsci with a file-size limit of `kib` KiB and SIGXFSZ ignored, so a write beyond it
/// fails as a full disk would (EFBIG instead of ENOSPC), without root.
fn with_file_size_limit(dir: &Path, kib: u64, args: &str) -> Output {
    under_limits(dir, &format!("trap '' XFSZ; ulimit -f {kib}"), args)
}

#[test]
fn an_output_the_disk_cannot_hold_is_an_error_and_the_old_file_stays() {
    let s = Scene::new();
    std::fs::write(s.path().join("old.npy"), b"the old file").unwrap();
    // 2 MB of output under a 64 KiB limit: reserving the space fails before any mapped write.
    let out = with_file_size_limit(s.path(), 64, "random uniform --shape 250000 --out old.npy");
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("too large") || err.contains("No space left"), "{err}");
    assert_eq!(std::fs::read(s.path().join("old.npy")).unwrap(), b"the old file");
    npy(&s.path().join("big.npy"), "<f8", "(250000,)", &f64_bytes(&vec![1.0; 250_000]));
    let out = with_file_size_limit(s.path(), 2100, "eval a*2 --in a=big.npy --out old.npy");
    // The input itself fits the limit; the output does not.
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(std::fs::read(s.path().join("old.npy")).unwrap(), b"the old file");
    let partials: Vec<PathBuf> = std::fs::read_dir(s.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(partials.is_empty(), "{partials:?}");
}

#[test]
fn stale_partials_of_dead_processes_are_removed_by_the_next_run() {
    let s = Scene::new();
    // A process id above the kernel's pid_max cannot be running.
    let stale = s.path().join(".out.npy.4194305.partial");
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    let out = s.run(&["random", "uniform", "--shape", "10", "--out", "out.npy"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stale.exists());
}

#[test]
fn sigterm_during_a_write_removes_the_partial_and_keeps_the_old_file() {
    let s = Scene::new();
    std::fs::write(s.path().join("old.npy"), b"the old file").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fastsci"))
        .args(["random", "uniform", "--shape", "100000000", "--out", "old.npy"])
        .current_dir(s.path())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the temporary exists, then interrupt.
    let started = Instant::now();
    let partial = loop {
        let found = std::fs::read_dir(s.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(".partial"));
        if let Some(p) = found {
            break p;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no partial file appeared");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap().success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(!partial.exists());
    assert_eq!(std::fs::read(s.path().join("old.npy")).unwrap(), b"the old file");
}

#[test]
fn a_broken_pipe_ends_quietly() {
    let s = Scene::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fastsci"))
        .args(["run", "k.py:f", "@v3.npy"])
        .current_dir(s.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before fastsci prints.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(stderr_of(&out), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_and_unknown_options_are_named() {
    let s = Scene::new();
    assert_bad_input(&s.run(&["spmv", "m.mtx", "v3.npy"]), "--out");
    assert_bad_input(&s.run(&["fit", "p[0]*x", "d.csv"]), "--p0");
    assert_bad_input(&s.run(&["stats", "v3.npy", "--frobnicate"]), "unknown option '--frobnicate'");
}

#[test]
fn no_boundscheck_help_says_it_can_crash() {
    let s = Scene::new();
    let out = s.run(&["run", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("crash"), "{help}");
}

#[test]
fn kernel_and_data_files_that_do_not_exist_say_so() {
    let s = Scene::new();
    assert_bad_input(&s.run(&["run", "nosuch.py:f", "1"]), "No such file");
    assert_bad_input(
        &s.run(&["sweep", "nosuch.py:f", "--grid", "a=0:1:3", "--out", "r.csv"]),
        "No such file",
    );
    assert_bad_input(&s.run(&["fit", "p[0]*x", "nosuch.csv", "--p0", "1"]), "No such file");
}

/// Runs fastsci under `ulimit -v` (address space), so that memory taken per declared row
/// instead of per entry read makes the command fail rather than pass unnoticed.
fn with_memory_limit(dir: &Path, mib: u64, args: &str) -> Output {
    under_limits(dir, &format!("ulimit -v {}", mib * 1024), args)
}

#[test]
fn matrix_market_memory_follows_the_entries_read_not_the_declared_size() {
    let s = Scene::new();
    std::fs::write(
        s.path().join("wide.mtx"),
        "%%MatrixMarket matrix coordinate real general\n100000000 100000000 2\n1 1 1.0\n99999999 5 2.0\n",
    )
    .unwrap();
    // 10^8 declared rows took 800 MB of row counts and as much in row pointers before; 1000 MiB of
    // address space is plenty for the binary and two entries.
    let out = with_memory_limit(s.path(), 1000, "--json sparse info wide.mtx");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"], 100_000_000);
    assert_eq!(v["nnz"], 2);
    assert_eq!(v["min_row_nnz"], 0);
    assert_eq!(v["max_row_nnz"], 1);
    assert_eq!(v["symmetry"], "general");
    // CSR would hold 10^8 + 1 four-byte pointers and two (index, value) pairs.
    assert_eq!(v["csr_bytes"], 400_000_004u64 + 2 * 12);
    npy(&s.path().join("b3.npy"), "<f8", "(3,)", &f64_bytes(&[1.0, 1.0, 1.0]));
    let out = with_memory_limit(s.path(), 1000, "solve wide.mtx b3.npy --out x.npy");
    assert_bad_input(&out, "b has 3 values");
    std::fs::write(
        s.path().join("sq.mtx"),
        "%%MatrixMarket matrix coordinate real general\n100000000 100000000 1\n1 1 1.0\n",
    )
    .unwrap();
    let out = with_memory_limit(s.path(), 1000, "solve sq.mtx --rhs ones --out x.npy");
    assert_bad_input(&out, "singular");
    let out = with_memory_limit(s.path(), 1000, "spmv wide.mtx b3.npy --out y.npy");
    assert_bad_input(&out, "x has 3 values");
}

#[test]
fn sparse_info_of_a_small_matrix_is_unchanged_by_the_compaction() {
    let s = Scene::new();
    std::fs::write(
        s.path().join("sym.mtx"),
        "%%MatrixMarket matrix coordinate real symmetric\n4 4 3\n1 1 4.0\n3 1 -1.0\n4 4 2.0\n",
    )
    .unwrap();
    let out = s.run(&["--json", "sparse", "info", "sym.mtx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["symmetry"], "symmetric");
    assert_eq!(v["nnz"], 4);
    assert_eq!(v["min_row_nnz"], 0); // row 2 is empty
    assert_eq!(v["max_row_nnz"], 2);
    assert_eq!(v["csr_bytes"], 5 * 4 + 4 * 12);
    std::fs::write(
        s.path().join("skew.mtx"),
        "%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 1.0\n3 2 5.0\n",
    )
    .unwrap();
    let out = s.run(&["--json", "sparse", "info", "skew.mtx"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["symmetry"], "skew-symmetric");
    assert_eq!(v["min_row_nnz"], 1);
}

#[test]
fn nan_or_inf_in_a_system_is_named_not_called_singular() {
    let s = Scene::new();
    std::fs::write(
        s.path().join("nan.mtx"),
        "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 nan\n2 2 1.0\n",
    )
    .unwrap();
    npy(&s.path().join("b2.npy"), "<f8", "(2,)", &f64_bytes(&[1.0, 1.0]));
    assert_bad_input(&s.run(&["solve", "nan.mtx", "b2.npy", "--out", "x.npy"]), "NaN at entry (1, 1)");
    npy(&s.path().join("binf.npy"), "<f8", "(3,)", &f64_bytes(&[1.0, f64::INFINITY, 1.0]));
    assert_bad_input(&s.run(&["solve", "m.mtx", "binf.npy", "--out", "x.npy"]), "inf at index 1");
}

#[test]
fn an_error_raised_in_a_kernel_objective_is_reported_as_that_error() {
    let s = Scene::new();
    std::fs::write(s.path().join("obj.py"), "def f(x):\n    return 1.0 / (x[0] - x[0])\n").unwrap();
    let out = s.run(&["minimize", "obj.py:f", "--x0", "1,2"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("ZeroDivisionError") && err.contains("obj.py:2:"), "{err}");
    assert_bad_input(&s.run(&["minimize", "nosuch.py:f", "--x0", "1"]), "No such file");
}

#[test]
fn a_pipeline_on_degenerate_data_is_bad_input() {
    let s = Scene::new();
    // The reduced layout (200 steps of 64 samples, 16 sensors), every reading zero: nothing to
    // identify the parameters from.
    npy(&s.path().join("zeros.npy"), "<f8", "(12800, 16)", &vec![0u8; 12800 * 16 * 8]);
    let out = s.run(&["pipeline", "--data", "zeros.npy", "--steps", "200", "--no-progress"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

#[test]
fn text_inputs_over_their_limit_are_refused_without_reading_them() {
    let s = Scene::new();
    // Sparse files: the size is there, the blocks are not.
    let big = std::fs::File::create(s.path().join("big.py")).unwrap();
    big.set_len(65 << 20).unwrap();
    assert_bad_input(&s.run(&["run", "big.py:f", "1"]), "67108864 bytes");
    let csv = std::fs::File::create(s.path().join("big.csv")).unwrap();
    csv.set_len((1 << 30) + 1).unwrap();
    assert_bad_input(&s.run(&["fit", "p[0]*x", "big.csv", "--p0", "1"]), "1073741824 bytes");
}

#[test]
fn an_input_truncated_while_mapped_never_kills_the_process_with_a_signal() {
    use std::os::unix::process::ExitStatusExt;
    let s = Scene::new();
    let path = s.path().join("big.npy");
    let rows = 64usize << 20; // 512 MiB of float64 zeros, as a sparse file
    npy(&path, "<f8", &format!("({rows},)"), &[]);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let header_len = file.metadata().unwrap().len();
    for delay_ms in [0u64, 5, 20, 60] {
        file.set_len(header_len + 8 * rows as u64).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_fastsci"))
            .args(["stats", "big.npy"])
            .current_dir(s.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        file.set_len(header_len + 4096).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = stderr_of(&out);
        // Finished before the cut (0), refused as truncated at open (2), or the cut met while
        // mapped: one line and exit 1. Never a signal.
        assert_eq!(out.status.signal(), None, "killed by a signal: {err}");
        match out.status.code() {
            Some(0) => {}
            Some(2) => assert!(err.contains("truncated"), "{err}"),
            Some(1) => assert!(err.contains("SIGBUS"), "{err}"),
            other => panic!("exit {other:?}: {err}"),
        }
    }
}

#[test]
fn a_formula_whose_integer_arithmetic_fails_at_run_time_is_nan_not_a_segfault() {
    use std::os::unix::process::ExitStatusExt;
    // Found by the `formulas` fuzz target: `0**~0` (an int to the power -1) wrote its error
    // into a null context.
    let s = Scene::new();
    for args in [
        &["quad", "0**~0/8 + x", "0", "1"][..],
        &["diff", "2**~0 * x", "1"],
        &["root", "x - 1 + 0**~0", "--bracket", "0,2"],
    ] {
        let out = s.run(args);
        assert_eq!(out.status.signal(), None, "{args:?}: {}", stderr_of(&out));
        assert!(matches!(out.status.code(), Some(2 | 3)), "{args:?}: {}", stderr_of(&out));
    }
}
