//! Reference workload 3, memory mapping: a 10,000 x 10,000 f64 `.npy` file (800 MB) created
//! in a temporary directory, filled with standard normal numbers 1,000 rows at a time, flushed,
//! reopened read-only, and its mean computed through the mapping without loading it whole.
//! The file is removed at the end.
//!
//! `cargo run --release -p fastsci --example workload3_memory_mapping [-- ROWS]`
//! (default 10,000 rows; fewer for a smaller file).

use std::path::PathBuf;
use std::time::Instant;

use fastsci::array::random::{Distribution, fill};
use fastsci::array::{DType, NpyMmap, NpyMmapMut, reduce};

const COLS: usize = 10_000;
const ROWS_PER_CHUNK: usize = 1_000;

/// Removes the file when dropped, so a failed run leaves nothing behind either.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(s) => s.parse().map_err(|e| format!("ROWS must be a row count, not {s:?}: {e}"))?,
        None => 10_000,
    };
    if rows == 0 {
        return Err("ROWS must be positive".into());
    }
    let file =
        RemoveOnDrop(std::env::temp_dir().join(format!("fastsci-workload3-{}.npy", std::process::id())));
    let path = &file.0;
    let normal = Distribution::Normal { mean: 0.0, std: 1.0 };
    // The fill closure cannot return an error, so the one error `fill` has is ruled out here.
    normal.validate()?;

    let start = Instant::now();
    let mut map = NpyMmapMut::create(path, DType::F64, &[rows, COLS], false)?;
    map.fill_chunks::<f64>(ROWS_PER_CHUNK * COLS, |first, chunk| {
        fill(&normal, 3, first, chunk).expect("the distribution was validated");
    })?;
    map.flush()?;
    drop(map);
    println!(
        "{rows} x {COLS} f64 ({} MB) created, filled {ROWS_PER_CHUNK} rows at a time, flushed: {:.2} s, {}",
        rows * COLS * 8 / 1_000_000,
        start.elapsed().as_secs_f64(),
        path.display()
    );

    let map = NpyMmap::open(path)?;
    assert_eq!(map.header().shape, [rows, COLS]);
    let start = Instant::now();
    let mean = reduce::mean_raw(&map.raw());
    let t_mean = start.elapsed().as_secs_f64();
    let summary = reduce::describe(&map.raw());
    println!(
        "mapped mean {mean:+.3e} in {:.1} ms ({:.1} GB/s); std {:.6}",
        t_mean * 1e3,
        (rows * COLS * 8) as f64 / t_mean / 1e9,
        summary.std(0.0)
    );
    // Standard normal data: the mean is 0 within 5 standard errors, the standard deviation 1.
    let count = (rows * COLS) as f64;
    assert!(mean.abs() < 5.0 / count.sqrt(), "mean {mean} is too far from 0");
    assert!((summary.std(0.0) - 1.0).abs() < 5.0 / (2.0 * count).sqrt(), "std is not 1");
    drop(map);
    std::fs::remove_file(path).map_err(|e| format!("removing {}: {e}", path.display()))?;
    println!("removed {}", path.display());
    Ok(())
}
