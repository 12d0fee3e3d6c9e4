//! Memory-mapped files: create, fill chunk by chunk, flush, reopen, reduce with a bounded footprint.

use fastsci_array::{DType, NpyMmap, NpyMmapMut, read_npy_as, reduce};

/// Resident set size of this process in bytes: `VmRSS` of /proc/self/status, which the kernel
/// gives in kB whatever the page size (statm counts pages, and pages are not 4096 bytes on
/// every Linux machine). On Linux a missing or unreadable value is an error, not a skip.
#[cfg(target_os = "linux")]
fn rss_bytes() -> Option<u64> {
    let status =
        std::fs::read_to_string("/proc/self/status").expect("/proc/self/status is readable on Linux");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS in /proc/self/status");
    let kb: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("VmRSS in kB");
    Some(kb * 1024)
}

/// Elsewhere there is no portable way to read it: the footprint checks are skipped, and say so.
#[cfg(not(target_os = "linux"))]
fn rss_bytes() -> Option<u64> {
    eprintln!("skipped: the resident set size is read from /proc, which this system does not have");
    None
}

#[test]
fn create_fill_flush_reopen_and_reduce() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.npy");
    let (r, c) = (1000, 257);
    let mut m = NpyMmapMut::create(&p, DType::F64, &[r, c], false).unwrap();
    m.fill_chunks::<f64>(100 * c, |start, chunk| {
        for (k, v) in chunk.iter_mut().enumerate() {
            *v = ((start + k) % 1000) as f64;
        }
    })
    .unwrap();
    m.flush().unwrap();
    drop(m);
    let back = read_npy_as::<f64>(&p).unwrap();
    assert_eq!(back.shape(), &[r, c]);
    assert_eq!(back[[999, 256]], ((999 * c + 256) % 1000) as f64);
    let ro = NpyMmap::open(&p).unwrap();
    let want: f64 = (0..r * c).map(|k| (k % 1000) as f64).sum::<f64>() / (r * c) as f64;
    assert_eq!(reduce::mean_raw(&ro.raw()), want);
    // Read-write reopen changes the file.
    let mut rw = NpyMmapMut::open(&p).unwrap();
    rw.as_mut_slice::<f64>().unwrap()[0] = -5.0;
    rw.flush().unwrap();
    drop(rw);
    assert_eq!(read_npy_as::<f64>(&p).unwrap()[[0, 0]], -5.0);
    assert!(ro.as_slice::<f32>().is_err());
}

#[test]
fn sweeping_a_mapped_file_keeps_the_footprint_bounded() {
    // 96 MB file; the sweep must not keep it resident (budget: 48 MB above the start).
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.npy");
    let n = 12_000_000usize;
    let mut m = NpyMmapMut::create(&p, DType::F64, &[n], false).unwrap();
    let before = rss_bytes();
    m.fill_chunks::<f64>(1 << 20, |start, chunk| {
        for (k, v) in chunk.iter_mut().enumerate() {
            *v = ((start + k) % 7) as f64;
        }
    })
    .unwrap();
    let after_fill = rss_bytes();
    m.flush().unwrap();
    drop(m);
    let ro = NpyMmap::open(&p).unwrap();
    let s = reduce::describe(&ro.raw());
    let after_sweep = rss_bytes();
    assert_eq!(s.len(), n);
    assert_eq!(s.max(), Some(6.0));
    if let (Some(b), Some(f), Some(a)) = (before, after_fill, after_sweep) {
        let budget = 48u64 << 20;
        assert!(f.saturating_sub(b) < budget, "fill grew RSS by {} MB", (f - b) >> 20);
        assert!(a.saturating_sub(b) < budget, "sweep grew RSS by {} MB", (a - b) >> 20);
    }
}
