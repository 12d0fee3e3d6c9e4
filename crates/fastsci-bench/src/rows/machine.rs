//! The machine's memory bandwidth, measured STREAM-like, which other rows quote as the limit.

use std::hint::black_box;
use std::path::Path;

use rayon::prelude::*;

use crate::timing::median_seconds;
use crate::{Measurement, Row};

/// Elements per array: 3 arrays of 20,000,000 f64 (480 MB), far beyond any cache.
const LEN: usize = 20_000_000;

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "bandwidth",
            what: "STREAM-like c = a*b, 1 thread (GB/s)",
            anchor: "-",
            target: "physical limit",
            run: bandwidth_one_thread,
        },
        Row {
            name: "bandwidth-all",
            what: "STREAM-like c = a*b, all cores (GB/s)",
            anchor: "-",
            target: "physical limit",
            run: bandwidth_all_threads,
        },
    ]
}

/// Bytes one `c = a*b` pass moves: two reads, one write (the output is already resident,
/// so no write-allocate read is counted, as STREAM does).
fn bytes_moved() -> f64 {
    (3 * LEN * std::mem::size_of::<f64>()) as f64
}

fn bandwidth_one_thread(_data: &Path) -> anyhow::Result<Measurement> {
    let a = vec![1.5f64; LEN];
    let b = vec![2.5f64; LEN];
    let mut c = vec![0.0f64; LEN];
    let seconds = median_seconds(2, 9, || {
        for ((c, a), b) in c.iter_mut().zip(&a).zip(&b) {
            *c = a * b;
        }
        black_box(&mut c);
    });
    Ok(Measurement::seconds(seconds).with("gb_per_s", bytes_moved() / seconds / 1e9))
}

fn bandwidth_all_threads(_data: &Path) -> anyhow::Result<Measurement> {
    let a = vec![1.5f64; LEN];
    let b = vec![2.5f64; LEN];
    let mut c = vec![0.0f64; LEN];
    let seconds = median_seconds(2, 9, || {
        stream_multiply(&a, &b, &mut c);
        black_box(&mut c);
    });
    Ok(Measurement::seconds(seconds).with("gb_per_s", bytes_moved() / seconds / 1e9))
}

/// The STREAM-like kernel of `bandwidth-all`: `c = a*b` on all cores in chunks of 64 Ki
/// elements. Other rows run it beside their own kernel, on the same arrays in the same loop, to
/// quote a bandwidth that saw the same machine state.
pub fn stream_multiply(a: &[f64], b: &[f64], c: &mut [f64]) {
    let chunk = 1 << 16;
    c.par_chunks_mut(chunk).zip(a.par_chunks(chunk)).zip(b.par_chunks(chunk)).for_each(|((c, a), b)| {
        for ((c, a), b) in c.iter_mut().zip(a).zip(b) {
            *c = a * b;
        }
    });
}
