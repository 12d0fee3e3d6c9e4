//! Timing inside the process: warm-up runs, then the median of repeated runs.

use std::time::Instant;

/// Runs `f` `warmup` times untimed, then `reps` times timed; returns the median seconds.
pub fn median_seconds(warmup: usize, reps: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    median(&mut times)
}

/// Repeats `f` until at least `min_seconds` pass and returns the mean seconds per call; for
/// calls too short to time one at a time.
pub fn seconds_per_call(min_seconds: f64, mut f: impl FnMut()) -> f64 {
    let mut calls = 1usize;
    loop {
        let start = Instant::now();
        for _ in 0..calls {
            f();
        }
        let elapsed = start.elapsed().as_secs_f64();
        if elapsed >= min_seconds {
            return elapsed / calls as f64;
        }
        calls *= 2;
    }
}

/// The median over `reps` of [`seconds_per_call`] with `min_seconds` each.
pub fn median_seconds_per_call(reps: usize, min_seconds: f64, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..reps.max(1)).map(|_| seconds_per_call(min_seconds, &mut f)).collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Runs `f` once and returns its value with the wall time in seconds.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed().as_secs_f64())
}

/// The median of `times` (sorted in place; the upper middle one for an even count).
pub fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Median seconds of `ours` and of `reference`, run alternately (2 warm-up rounds, 15 timed),
/// so that both see the same state of a shared machine.
pub fn interleaved_medians(mut ours: impl FnMut(), mut reference: impl FnMut()) -> (f64, f64) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for round in 0..17 {
        let ((), t) = timed(&mut ours);
        let ((), u) = timed(&mut reference);
        if round >= 2 {
            a.push(t);
            b.push(u);
        }
    }
    (median(&mut a), median(&mut b))
}
