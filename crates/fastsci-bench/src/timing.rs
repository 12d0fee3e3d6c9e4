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

/// The median seconds of each of `kernels`, run in turn (2 warm-up rounds, 15 timed), so that
/// all of them see the same state of a shared machine.
pub fn interleaved_medians<const N: usize>(mut kernels: [&mut dyn FnMut(); N]) -> [f64; N] {
    let mut times = [(); N].map(|()| Vec::new());
    for round in 0..17 {
        for (kernel, times) in kernels.iter_mut().zip(&mut times) {
            let ((), t) = timed(&mut **kernel);
            if round >= 2 {
                times.push(t);
            }
        }
    }
    times.map(|mut t| median(&mut t))
}
