//! Tour section: reference workload 3, the mean of an 800 MB memory-mapped .npy file.

use fastsci_array::random::{Distribution, fill};
use fastsci_array::{DType, NpyMmap, NpyMmapMut, reduce};

use super::{Report, timed};
use crate::error::CliError;

const ROWS: usize = 10_000;
const COLS: usize = 10_000;
const ROWS_PER_CHUNK: usize = 1_000;

fn internal(e: fastsci_array::ArrayError) -> CliError {
    CliError::internal(e.to_string())
}

/// This process's resident and peak resident memory in MB (Linux), if known.
fn rss_mb() -> (Option<f64>, Option<f64>) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|k| k.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Removes the file when dropped, whatever happens.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let dir = std::env::temp_dir();
    let file = TempFile(dir.join(format!("fastsci-tour-{}.npy", std::process::id())));
    let path = &file.0;
    let mut r = Report::new();
    let (_, t_create) = timed(|| -> Result<(), CliError> {
        let mut m = NpyMmapMut::create(path, DType::F64, &[ROWS, COLS], false).map_err(internal)?;
        let normal = Distribution::Normal { mean: 0.0, std: 1.0 };
        m.fill_chunks::<f64>(ROWS_PER_CHUNK * COLS, |start, chunk| {
            let _ = fill(&normal, 3, start, chunk);
        })
        .map_err(internal)?;
        m.flush().map_err(internal)
    });
    r.line(format!(
        "{ROWS} x {COLS} f64 ({} MB) created at {}, filled {ROWS_PER_CHUNK} rows at a time, flushed: {}",
        ROWS * COLS * 8 / 1_000_000,
        path.display(),
        super::format_seconds(t_create)
    ));
    r.figure("create_fill_flush_seconds", t_create);

    let map = NpyMmap::open(path).map_err(internal)?;
    let rss_before = rss_mb().0;
    let (mean, t_mapped) = timed(|| reduce::mean_raw(&map.raw()));
    let (mean2, t_mapped2) = timed(|| reduce::mean_raw(&map.raw()));
    let rss_after = rss_mb().0;
    if mean != mean2 {
        return Err(CliError::internal("mapped mean is not reproducible"));
    }
    drop(map);

    // Baseline: read the whole file into memory, then a plain loop sum.
    let (naive, t_naive) = timed(|| -> Result<f64, CliError> {
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::internal(format!("reading {}: {e}", path.display())))?;
        let h = fastsci_array::npy::parse_header(&bytes).map_err(internal)?;
        let data = &bytes[h.data_offset..];
        let mut s = 0.0;
        for chunk in data.chunks_exact(8) {
            let mut le = [0u8; 8];
            le.copy_from_slice(chunk);
            s += f64::from_le_bytes(le);
        }
        Ok(s / (data.len() / 8) as f64)
    });
    let naive_mean = naive?;
    r.compare(
        "mean",
        "mean of the mapped file (page cache warm)",
        ("read whole + loop", t_naive),
        ("fastsci mmap", t_mapped2.min(t_mapped)),
    );
    r.line(format!(
        "means: fastsci {mean:.17e} (compensated), naive loop {naive_mean:.17e}; difference {:.3e}",
        (mean - naive_mean).abs()
    ));
    if let (Some(b), Some(a)) = (rss_before, rss_after) {
        r.line(format!("resident memory during the mapped mean: {b:.0} MB before, {a:.0} MB after (the file is 800 MB; pages are released chunk by chunk)"));
        r.figure("rss_growth_mb", a - b);
    }
    r.figure("fastsci_mean", mean);
    r.figure("naive_mean", naive_mean);
    Ok(r)
}
