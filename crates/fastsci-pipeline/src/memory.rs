//! Peak resident memory per stage, from Linux's `/proc/self` accounting.

/// Resets the process's peak resident set size so the next reading covers one stage only.
/// Does nothing where `/proc/self/clear_refs` is unavailable.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size since the last [`reset_peak`], in bytes (`VmHWM`), if known.
pub fn peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
