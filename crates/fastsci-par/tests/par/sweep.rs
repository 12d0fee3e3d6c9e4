//! Sweeps: grids, CSV and .npy output, failures, and resume after a cancel or a kill.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fastsci_par::{Axis, CancelToken, ParError, ParamSets, Sweep};
use rand::RngExt;

use super::executor;

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

fn model(p: &[f64]) -> Vec<f64> {
    vec![p[0] * p[0] + p[1], (p[0] - p[1]).sin()]
}

fn grid() -> ParamSets {
    ParamSets::grid([Axis::linspace("alpha", -1.0, 1.0, 9), Axis::new("beta", vec![0.0, 0.5, 2.0])]).unwrap()
}

/// Data lines of a CSV journal: index -> the rest of the line.
fn data_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let (index, rest) = line.split_once(',').unwrap();
            (index.parse().unwrap(), rest.to_string())
        })
        .collect()
}

/// The CSV an uninterrupted sweep writes.
fn reference_csv(dir: &Path, params: &ParamSets) -> String {
    let path = dir.join("reference.csv");
    Sweep::new(params.clone()).run(&executor(1), &path, |p| Ok::<_, String>(model(p))).unwrap();
    std::fs::read_to_string(path).unwrap()
}

/// Reads a 2-D f64 .npy file: shape and values.
fn read_npy(path: &Path) -> (Vec<usize>, Vec<f64>) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
    assert!(header.contains("'descr': '<f8'") && header.contains("'fortran_order': False"));
    assert_eq!((10 + header_len) % 64, 0);
    let shape_text = header.split("'shape': (").nth(1).unwrap().split(')').next().unwrap();
    let shape =
        shape_text.split(',').filter(|s| !s.trim().is_empty()).map(|s| s.trim().parse().unwrap()).collect();
    let values =
        bytes[10 + header_len..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
    (shape, values)
}

#[test]
fn a_grid_sweep_writes_every_task_in_order() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    let params = grid();
    let report = Sweep::new(params.clone())
        .outputs(["energy", "phase"])
        .run(&executor(3), &out, |p| Ok::<_, String>(model(p)))
        .unwrap();
    assert!(report.is_complete() && !report.cancelled && report.failures.is_empty());
    assert_eq!((report.tasks, report.ran, report.already_done), (27, 27, 0));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("index,alpha,beta,energy,phase"));
    for (i, line) in lines.enumerate() {
        let fields: Vec<f64> = line.split(',').map(|f| f.parse().unwrap()).collect();
        assert_eq!(fields[0], i as f64);
        let p = params.get(i);
        assert_eq!(&fields[1..3], p);
        assert_eq!(&fields[3..], model(p).as_slice(), "values round-trip exactly");
    }
    assert_eq!(params.get(4), &[-0.75, 0.5]);
}

#[test]
fn an_existing_output_is_never_overwritten_without_resume() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    std::fs::write(&out, "precious\n").unwrap();
    let err = Sweep::new(grid()).run(&executor(1), &out, |p| Ok::<_, String>(model(p))).unwrap_err();
    assert!(matches!(err, ParError::Output { .. }), "{err}");
    assert!(err.to_string().contains("--resume"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    // Resuming a file that is not this sweep's journal is refused too.
    let err =
        Sweep::new(grid()).resume(true).run(&executor(1), &out, |p| Ok::<_, String>(model(p))).unwrap_err();
    assert!(err.to_string().contains("different sweep"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
    let err = Sweep::new(grid()).run(&executor(1), &dir.path().join("r.txt"), |p| Ok::<_, String>(model(p)));
    assert!(err.unwrap_err().to_string().contains(".csv or .npy"));
}

#[test]
fn resume_after_a_cancel_runs_only_the_missing_tasks() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    let params =
        ParamSets::grid([Axis::linspace("x", 0.0, 1.0, 50), Axis::new("y", vec![1.0, 2.0])]).unwrap();
    let token = CancelToken::new();
    let calls = AtomicUsize::new(0);
    let exec = executor(2).cancel_token(token.clone());
    let first = Sweep::new(params.clone())
        .run(&exec, &out, |p| {
            if calls.fetch_add(1, Ordering::SeqCst) + 1 == 30 {
                token.cancel();
            }
            std::thread::sleep(Duration::from_micros(300));
            Ok::<_, String>(model(p))
        })
        .unwrap();
    assert!(first.cancelled && !first.is_complete());
    assert_eq!(first.ran + first.not_run, 100);
    let done: BTreeSet<usize> = data_lines(&out).into_iter().map(|(i, _)| i).collect();
    assert_eq!(done.len(), first.ran);

    token.reset();
    let seen = std::sync::Mutex::new(BTreeSet::new());
    let second = Sweep::new(params.clone())
        .resume(true)
        .run(&exec, &out, |p| {
            let x = p[0];
            seen.lock().unwrap().insert((x.to_bits(), p[1].to_bits()));
            Ok::<_, String>(model(p))
        })
        .unwrap();
    assert!(second.is_complete() && !second.cancelled);
    assert_eq!(second.already_done, first.ran);
    assert_eq!(second.ran, 100 - first.ran);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 100 - first.ran);
    for i in 0..100 {
        let p = params.get(i);
        assert_eq!(seen.contains(&(p[0].to_bits(), p[1].to_bits())), !done.contains(&i), "task {i}");
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), reference_csv(dir.path(), &params));
}

#[test]
fn failed_tasks_are_reported_left_out_and_rerun_on_resume() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    let params = grid();
    let report = Sweep::new(params.clone())
        .run(&executor(2), &out, |p| {
            if p[1] == 2.0 && p[0] > 0.0 {
                return Err(format!("diverged at alpha={}", p[0]));
            }
            if p[0] == -1.0 && p[1] == 0.5 {
                panic!("kernel bug");
            }
            Ok(model(p))
        })
        .unwrap();
    let failed: Vec<usize> = report.failures.iter().map(|f| f.index).collect();
    assert_eq!(failed, vec![1, 17, 20, 23, 26]);
    assert_eq!(report.failures[0].message, "panicked: kernel bug");
    assert_eq!(report.failures[1].to_string(), "task 17 (0.25, 2.0): diverged at alpha=0.25");
    assert_eq!(report.ran, 22);
    assert!(!report.is_complete());
    let present: BTreeSet<usize> = data_lines(&out).into_iter().map(|(i, _)| i).collect();
    assert!(failed.iter().all(|i| !present.contains(i)));

    let calls = AtomicUsize::new(0);
    let again = Sweep::new(params.clone())
        .resume(true)
        .run(&executor(2), &out, |p| {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(model(p))
        })
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    assert!(again.is_complete());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), reference_csv(dir.path(), &params));
}

#[test]
fn a_task_returning_the_wrong_number_of_values_fails_alone() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    let params = ParamSets::list(vec!["n".into()], (0..6).map(|i| vec![f64::from(i)]).collect()).unwrap();
    let report = Sweep::new(params)
        .outputs(["a", "b"])
        .run(&executor(1), &out, |p| Ok::<_, String>(if p[0] == 3.0 { vec![1.0] } else { vec![p[0], -p[0]] }))
        .unwrap();
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].index, 3);
    assert!(report.failures[0].message.contains("returned 1 values for the 2 outputs"));
    assert_eq!(report.ran, 5);
}

#[test]
fn resuming_with_a_changed_grid_is_refused() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    Sweep::new(grid()).run(&executor(1), &out, |p| Ok::<_, String>(model(p))).unwrap();
    let before = std::fs::read_to_string(&out).unwrap();
    let changed =
        ParamSets::grid([Axis::linspace("alpha", -1.0, 1.0, 5), Axis::new("beta", vec![0.0, 0.5, 2.0])])
            .unwrap();
    let err =
        Sweep::new(changed).resume(true).run(&executor(1), &out, |p| Ok::<_, String>(model(p))).unwrap_err();
    assert!(err.to_string().contains("grid changed"), "{err}");
    let renamed = ParamSets::grid([Axis::new("a", vec![1.0]), Axis::new("beta", vec![0.0])]).unwrap();
    let err =
        Sweep::new(renamed).resume(true).run(&executor(1), &out, |p| Ok::<_, String>(model(p))).unwrap_err();
    assert!(err.to_string().contains("different sweep"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), before);
}

#[test]
fn npy_output_keeps_a_journal_until_complete_and_is_written_atomically() {
    let dir = scratch();
    let out = dir.path().join("r.npy");
    let journal = dir.path().join("r.npy.journal");
    let params = grid();
    let token = CancelToken::new();
    let calls = AtomicUsize::new(0);
    let exec = executor(1).cancel_token(token.clone());
    let first = Sweep::new(params.clone())
        .run(&exec, &out, |p| {
            if calls.fetch_add(1, Ordering::SeqCst) == 10 {
                token.cancel();
            }
            Ok::<_, String>(model(p))
        })
        .unwrap();
    assert!(first.cancelled);
    assert!(journal.exists() && !out.exists(), "no .npy until the run ends");
    token.reset();
    let second =
        Sweep::new(params.clone()).resume(true).run(&exec, &out, |p| Ok::<_, String>(model(p))).unwrap();
    assert_eq!(second.already_done + second.ran, 27);
    assert_eq!(second.ran, 27 - first.ran);
    assert!(!journal.exists(), "the journal goes once every task succeeded");
    let (shape, values) = read_npy(&out);
    assert_eq!(shape, vec![27, 4]);
    for i in 0..27 {
        let row = &values[4 * i..4 * i + 4];
        assert_eq!(&row[..2], params.get(i));
        assert_eq!(&row[2..], model(params.get(i)).as_slice());
    }
    // A finished .npy resumes to "nothing to do"; without resume it is left alone.
    let third = Sweep::new(params.clone())
        .resume(true)
        .run(&exec, &out, |_| Err::<Vec<f64>, _>("not called"))
        .unwrap();
    assert_eq!((third.already_done, third.ran, third.outputs.len()), (27, 0, 2));
    assert!(Sweep::new(params).run(&exec, &out, |p| Ok::<_, String>(model(p))).is_err());
}

#[test]
fn npy_output_marks_failed_tasks_with_nan_and_keeps_the_journal() {
    let dir = scratch();
    let out = dir.path().join("r.npy");
    let params = ParamSets::list(vec!["k".into()], (0..4).map(|i| vec![f64::from(i)]).collect()).unwrap();
    let report = Sweep::new(params.clone())
        .run(&executor(2), &out, |p| if p[0] == 2.0 { Err("no") } else { Ok(vec![10.0 * p[0]]) })
        .unwrap();
    assert_eq!(report.failures.len(), 1);
    let (shape, values) = read_npy(&out);
    assert_eq!(shape, vec![4, 2]);
    assert_eq!(values[..4], [0.0, 0.0, 1.0, 10.0]);
    assert!(values[5].is_nan());
    assert!(dir.path().join("r.npy.journal").exists());
    let fixed = Sweep::new(params)
        .resume(true)
        .run(&executor(2), &out, |p| Ok::<_, String>(vec![10.0 * p[0]]))
        .unwrap();
    assert_eq!(fixed.ran, 1);
    assert_eq!(read_npy(&out).1[5], 20.0);
    assert!(!dir.path().join("r.npy.journal").exists());
}

#[test]
fn sweep_seeds_do_not_depend_on_thread_count_or_resume() {
    let dir = scratch();
    let params = ParamSets::grid([Axis::linspace("s", 0.0, 1.0, 40)]).unwrap();
    let draw = |threads: usize, name: &str| {
        let out = dir.path().join(name);
        Sweep::new(params.clone())
            .run_tasks(&executor(threads).seed(5), &out, |task, p| {
                Ok::<_, String>(vec![p[0] + task.rng().random::<f64>()])
            })
            .unwrap();
        std::fs::read_to_string(out).unwrap()
    };
    assert_eq!(draw(1, "a.csv"), draw(4, "b.csv"));
}

/// The child process run by `killing_a_sweep_mid_way_then_resuming_runs_only_the_missing_tasks`.
fn child_params() -> ParamSets {
    ParamSets::grid([Axis::linspace("x", 0.0, 3.0, 120)]).unwrap()
}

fn child_model(p: &[f64]) -> Vec<f64> {
    vec![p[0] * p[0], p[0].exp()]
}

#[test]
#[ignore = "helper: run as a child process by the kill and Ctrl-C tests"]
fn child_process() {
    match std::env::var("FASTSCI_PAR_CHILD").as_deref() {
        Ok("sweep") => {
            let out = PathBuf::from(std::env::var("FASTSCI_PAR_OUT").unwrap());
            Sweep::new(child_params())
                .outputs(["square", "exp"])
                .run(&executor(2), &out, |p| {
                    std::thread::sleep(Duration::from_millis(15));
                    Ok::<_, String>(child_model(p))
                })
                .unwrap();
        }
        Ok("ctrl-c") => {
            // 2,000 tasks of 10 ms on two threads: ten seconds of work, so the signal, sent as
            // soon as two tasks have finished, lands mid-run however loaded the machine.
            let inputs: Vec<u64> = (0..CTRL_C_TASKS).collect();
            let finished = AtomicUsize::new(0);
            let out = executor(2).ctrl_c(true).map(&inputs, |&x| {
                std::thread::sleep(Duration::from_millis(10));
                if finished.fetch_add(1, Ordering::SeqCst) + 1 == 2 {
                    println!("two finished");
                }
                x * 2
            });
            let kept_right = out
                .results()
                .iter()
                .enumerate()
                .all(|(i, r)| r.as_ref().map_or(true, |&v| v == 2 * i as u64));
            println!(
                "cancelled={} succeeded={} not_run={} kept_right={kept_right}",
                out.was_cancelled(),
                out.succeeded(),
                out.not_run()
            );
        }
        _ => {}
    }
}

fn spawn_child(mode: &str, out: Option<&Path>) -> std::process::Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "sweep::child_process", "--ignored", "--nocapture", "--test-threads=1"])
        .env("FASTSCI_PAR_CHILD", mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(out) = out {
        command.env("FASTSCI_PAR_OUT", out);
    }
    // A harness started in the background runs with SIGINT ignored, and children inherit that
    // (Ctrl-C handling then rightly stays off). Ctrl-C in a terminal reaches a foreground job
    // with the default disposition, so the child gets that back.
    #[cfg(unix)]
    // SAFETY: `signal` is async-signal-safe, as code between fork and exec must be.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            signal(SIGINT, SIG_DFL);
            Ok(())
        });
    }
    command.spawn().unwrap()
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

#[test]
fn killing_a_sweep_mid_way_then_resuming_runs_only_the_missing_tasks() {
    let dir = scratch();
    let out = dir.path().join("killed.csv");
    let mut child = spawn_child("sweep", Some(&out));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let lines = std::fs::read_to_string(&out).map(|t| t.lines().count()).unwrap_or(0);
        if lines > 12 {
            break;
        }
        assert!(Instant::now() < deadline, "the child sweep made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    // Simulate a line torn by the kill: a partial line without its newline.
    std::fs::OpenOptions::new().append(true).open(&out).unwrap().write_all(b"119,3.0,9.").unwrap();
    let survived: BTreeSet<usize> = {
        let text = std::fs::read_to_string(&out).unwrap();
        let complete = &text[..text.rfind('\n').unwrap() + 1];
        complete.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect()
    };
    assert!(survived.len() >= 12 && survived.len() < 120, "{} tasks survived", survived.len());

    let ran = std::sync::Mutex::new(Vec::new());
    let params = child_params();
    let report = Sweep::new(params.clone())
        .outputs(["square", "exp"])
        .resume(true)
        .run(&executor(2), &out, |p| {
            ran.lock().unwrap().push(p[0]);
            Ok::<_, String>(child_model(p))
        })
        .unwrap();
    assert!(report.is_complete());
    assert_eq!(report.already_done, survived.len());
    let ran = ran.into_inner().unwrap();
    assert_eq!(ran.len(), 120 - survived.len(), "only the missing tasks ran");
    for x in &ran {
        let index = (0..120).find(|&i| params.get(i)[0] == *x).unwrap();
        assert!(!survived.contains(&index), "task {index} ran twice");
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 121);
    for (i, line) in text.lines().skip(1).enumerate() {
        let expected = format!(
            "{i},{:?},{:?},{:?}",
            params.get(i)[0],
            child_model(params.get(i))[0],
            child_model(params.get(i))[1]
        );
        assert_eq!(line, expected);
    }
}

/// Tasks of the Ctrl-C child's map.
const CTRL_C_TASKS: u64 = 2000;

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_map_and_keeps_what_finished() {
    let mut child = spawn_child("ctrl-c", None);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    // Waits on the child's word that two tasks have finished, not on a clock: a started task
    // always finishes and is kept, so the report must count at least those two.
    while !line.contains("two finished") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the child ended before two tasks finished");
    }
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: `kill` touches no memory; `pid` is our child, not yet reaped.
    assert_eq!(unsafe { kill(pid, SIGINT) }, 0);
    let mut rest = String::new();
    let report = loop {
        rest.clear();
        assert!(stdout.read_line(&mut rest).unwrap() > 0, "no report from the child");
        if let Some(at) = rest.find("cancelled=") {
            break rest[at..].trim().to_string();
        }
    };
    assert!(child.wait().unwrap().success());
    let fields: std::collections::HashMap<&str, &str> =
        report.split(' ').filter_map(|kv| kv.split_once('=')).collect();
    assert_eq!(fields["cancelled"], "true", "{report}");
    assert_eq!(fields["kept_right"], "true", "{report}");
    let succeeded: usize = fields["succeeded"].parse().unwrap();
    let not_run: usize = fields["not_run"].parse().unwrap();
    assert!(succeeded >= 2 && not_run > 0 && succeeded + not_run == CTRL_C_TASKS as usize, "{report}");
}

#[test]
fn a_malformed_last_line_is_cut_but_a_malformed_middle_line_is_an_error() {
    let dir = scratch();
    let out = dir.path().join("r.csv");
    let params = ParamSets::list(vec!["x".into()], (0..4).map(|i| vec![f64::from(i)]).collect()).unwrap();
    let sweep = Sweep::new(params.clone()).outputs(["y"]).resume(true);
    // A complete-looking last line with too few fields, as a crash inside a write can leave.
    std::fs::write(&out, "index,x,y\n1,1.0,10.0\n3,3.0\n").unwrap();
    let calls = AtomicUsize::new(0);
    let report = sweep
        .run(&executor(1), &out, |p| {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(vec![10.0 * p[0]])
        })
        .unwrap();
    assert_eq!((report.already_done, calls.load(Ordering::SeqCst)), (1, 3));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "index,x,y\n0,0.0,0.0\n1,1.0,10.0\n2,2.0,20.0\n3,3.0,30.0\n"
    );

    std::fs::write(&out, "index,x,y\n1,1.0,ten\n2,2.0,20.0\n").unwrap();
    let err = sweep.run(&executor(1), &out, |p| Ok::<_, String>(vec![p[0]])).unwrap_err();
    assert!(err.to_string().contains("line 2: 'ten' is not a number"), "{err}");
}

#[test]
fn npy_output_removes_the_partial_a_killed_run_left() {
    let dir = scratch();
    let out = dir.path().join("r.npy");
    // The pid of a process that has ended: its partial is what `kill -9` mid-write leaves.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = dir.path().join(format!(".r.npy.{dead}.partial"));
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    let live = dir.path().join(format!(".r.npy.{}.partial", std::process::id()));
    Sweep::new(grid()).run(&executor(1), &out, |p| Ok::<_, String>(model(p))).unwrap();
    assert!(out.exists());
    assert!(!stale.exists(), "a dead process's partial is removed by the next write");
    assert!(!live.exists(), "this run's own temporary was renamed into place");
}
