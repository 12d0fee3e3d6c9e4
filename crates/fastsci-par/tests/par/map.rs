//! The parallel map: order, kept failures and panics, cancellation, seeds.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fastsci_par::{CancelToken, ParError, TaskError, task_rng};
use rand::RngExt;

use super::executor;

/// Work whose length varies a lot with the input, so tasks finish out of order.
fn uneven(x: u64) -> u64 {
    let mut h = x;
    for _ in 0..(x % 97) * 50 {
        h = h.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    }
    h
}

#[test]
fn results_come_back_in_input_order_for_any_thread_count() {
    let inputs: Vec<u64> = (0..20_000).collect();
    let expected: Vec<u64> = inputs.iter().map(|&x| uneven(x)).collect();
    for threads in [1, 2, 3, 8] {
        let out = executor(threads).map(&inputs, |&x| uneven(x));
        assert_eq!(out.len(), inputs.len());
        assert!(!out.was_cancelled());
        assert_eq!(out.into_values().unwrap(), expected, "threads = {threads}");
    }
}

#[test]
fn empty_and_single_inputs() {
    let exec = executor(2);
    let none: [f64; 0] = [];
    let out = exec.map(&none, |x| x * 2.0);
    assert!(out.is_empty());
    assert!(out.into_values().unwrap().is_empty());
    assert_eq!(exec.map(&[21], |x| x * 2).into_values().unwrap(), vec![42]);
}

#[test]
fn a_million_tiny_tasks_all_run_once() {
    let inputs: Vec<u32> = (0..1_000_000).collect();
    let calls = AtomicUsize::new(0);
    let out = executor(4).map(&inputs, |&x| {
        calls.fetch_add(1, Ordering::Relaxed);
        u64::from(x) * 3
    });
    assert_eq!(calls.load(Ordering::Relaxed), inputs.len());
    let values = out.into_values().unwrap();
    assert!(values.iter().enumerate().all(|(i, &v)| v == 3 * i as u64));
}

#[test]
fn failures_and_panics_are_kept_per_item_with_index_and_input() {
    let inputs: Vec<i64> = (0..1000).collect();
    let out = executor(3).try_map(&inputs, |&x| {
        if x % 11 == 5 {
            panic!("boom at {x}");
        }
        if x % 7 == 3 { Err(format!("bad input {x}")) } else { Ok(x * x) }
    });
    assert!(!out.was_cancelled());
    for (i, result) in out.results().iter().enumerate() {
        let x = i as i64;
        match result {
            Ok(v) => {
                assert!(x % 11 != 5 && x % 7 != 3);
                assert_eq!(*v, x * x);
            }
            Err(TaskError::Panicked(message)) => {
                assert_eq!(x % 11, 5);
                assert_eq!(message.as_str(), format!("boom at {x}"));
            }
            Err(TaskError::Failed(message)) => {
                assert!(x % 11 != 5 && x % 7 == 3);
                assert_eq!(message, &format!("bad input {x}"));
            }
            Err(TaskError::Cancelled) => panic!("task {i} was not run"),
        }
    }
    let failures: Vec<(usize, i64)> = out.failures().map(|f| (f.index, *f.input)).collect();
    let expected: Vec<(usize, i64)> =
        inputs.iter().filter(|&&x| x % 11 == 5 || x % 7 == 3).map(|&x| (x as usize, x)).collect();
    assert_eq!(failures, expected);
    let first = out.failures().next().unwrap();
    assert_eq!(first.to_string(), "task 3 (input 3): bad input 3");
    assert_eq!(out.succeeded(), 1000 - expected.len());
    match out.into_values() {
        Err(ParError::TaskFailed { index, message }) => {
            assert_eq!((index, message.as_str()), (3, "bad input 3"))
        }
        other => panic!("expected the first failure, got {other:?}"),
    }
}

#[test]
fn cancelling_from_a_task_keeps_every_finished_result() {
    let inputs: Vec<u64> = (0..5000).collect();
    let token = CancelToken::new();
    let exec = executor(2).cancel_token(token.clone());
    let out = exec.map(&inputs, |&x| {
        if x == 300 {
            token.cancel();
        }
        std::thread::sleep(Duration::from_micros(20));
        x + 1
    });
    assert!(out.was_cancelled());
    assert!(out.not_run() > 0);
    assert_eq!(out.succeeded() + out.not_run(), inputs.len());
    assert_eq!(out.results()[300], Ok(301));
    for (i, r) in out.results().iter().enumerate() {
        match r {
            Ok(v) => assert_eq!(*v, i as u64 + 1),
            Err(e) => assert_eq!(e, &TaskError::Cancelled),
        }
    }
    assert_eq!(out.failures().count(), 0);
    assert!(matches!(out.into_values(), Err(ParError::Cancelled { total: 5000, .. })));
}

#[test]
fn cancelling_from_another_thread_returns_what_finished() {
    let inputs: Vec<u64> = (0..400).collect();
    let token = CancelToken::new();
    let exec = executor(2).cancel_token(token.clone());
    let started = AtomicUsize::new(0);
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            while started.load(Ordering::SeqCst) < 10 {
                std::thread::sleep(Duration::from_millis(1));
            }
            token.cancel();
        });
        exec.map(&inputs, |&x| {
            started.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            // Tasks start in index order, so the first ten start before any of these, and
            // these wait for the cancel: on a machine however loaded, the map cannot finish
            // before the cancel arrives (a condition, not a race against the clock; the
            // deadline only keeps a broken cancel from hanging the test).
            if x >= 100 {
                let deadline = std::time::Instant::now() + Duration::from_secs(60);
                while !token.is_cancelled() && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            x * 10
        })
    });
    assert!(out.was_cancelled());
    assert!(out.succeeded() >= 10, "{} finished", out.succeeded());
    assert!(out.not_run() > 0);
    assert!(out.results().iter().enumerate().all(|(i, r)| r.as_ref().map_or(true, |&v| v == 10 * i as u64)));
    // The token can be reset and the same executor runs everything again.
    token.reset();
    assert_eq!(exec.map(&inputs, |&x| x).into_values().unwrap(), inputs);
}

#[test]
fn seeded_streams_do_not_depend_on_thread_count_or_scheduling() {
    let inputs: Vec<u64> = (0..3000).collect();
    let run = |threads: usize, seed: u64| {
        executor(threads)
            .seed(seed)
            .map_seeded(&inputs, |&x, rng| {
                // Uneven work so that tasks land on different threads in each run.
                std::hint::black_box(uneven(x));
                (0..3).map(|_| rng.random::<u64>()).fold(0u64, |a, b| a ^ b)
            })
            .into_values()
            .unwrap()
    };
    let serial: Vec<u64> = inputs
        .iter()
        .map(|&x| {
            let mut rng = task_rng(99, x as usize);
            (0..3).map(|_| rng.random::<u64>()).fold(0u64, |a, b| a ^ b)
        })
        .collect();
    for threads in [1, 2, 5] {
        assert_eq!(run(threads, 99), serial, "threads = {threads}");
    }
    let other = run(2, 100);
    assert!(other.iter().zip(&serial).filter(|(a, b)| a == b).count() < 3);
    // Streams of neighbouring tasks are unrelated.
    let distinct: std::collections::HashSet<u64> = serial.iter().copied().collect();
    assert_eq!(distinct.len(), serial.len());
}

#[test]
fn tasks_know_their_index_and_iterators_are_collected() {
    let exec = executor(3);
    let out = exec.map_tasks(&["a", "b", "c"], |task, s| Ok::<_, String>(format!("{}{s}", task.index())));
    assert_eq!(out.into_values().unwrap(), vec!["0a", "1b", "2c"]);
    let out = exec.map_iter((0..10).map(|i| i.to_string()), |s| s.len());
    assert_eq!(out.inputs()[9], "9");
    assert_eq!(out.into_values().unwrap(), vec![1; 10]);
}

#[test]
fn thread_count_is_honoured() {
    for threads in [1, 3] {
        let exec = executor(threads);
        assert_eq!(exec.threads(), threads);
        let inputs: Vec<u32> = (0..200).collect();
        let names = exec.map(&inputs, |_| {
            std::thread::sleep(Duration::from_micros(200));
            std::thread::current().name().map(str::to_string)
        });
        let distinct: std::collections::HashSet<Option<String>> =
            names.into_values().unwrap().into_iter().collect();
        assert!(distinct.len() <= threads);
        assert!(distinct.iter().all(|n| n.as_deref().is_some_and(|n| n.starts_with("fastsci-par-"))));
    }
}

#[test]
fn a_task_may_run_a_map_on_the_same_executor() {
    let exec = executor(2);
    let outer: Vec<u64> = (0..20).collect();
    let out = exec.map(&outer, |&k| {
        let inner: Vec<u64> = (0..100).collect();
        exec.map(&inner, |&x| x * k).into_values().unwrap().into_iter().sum::<u64>()
    });
    let expected: Vec<u64> = outer.iter().map(|k| k * 4950).collect();
    assert_eq!(out.into_values().unwrap(), expected);
}
