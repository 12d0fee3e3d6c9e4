//! Reference workload 8, all together: generate (once, into `$FASTSCI_CACHE` or
//! `~/.cache/fastsci`) a 2.1 GB measured dataset of a heated rod, clean it memory-mapped,
//! compile the heater kernel, sweep 1,000 parameter pairs on all cores, fit by least squares,
//! and check the fit recovers the truth.
//!
//! `cargo run --release -p fastsci --example workload8_pipeline [-- --reduced]`
//! (`--reduced`: a 1.6 MB dataset, seconds).

use fastsci::pipeline::JobConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reduced = std::env::args().any(|a| a == "--reduced");
    let config = if reduced { JobConfig::reduced(1) } else { JobConfig::full(1) };
    let report = fastsci::pipeline::run_default(&config, &fastsci::pipeline::default_cache_dir(), true)?;
    for line in report.lines(Some(config.truth)) {
        println!("{line}");
    }
    assert!(report.fit.within_two_stderr(config.truth), "the fit missed the true parameters");
    Ok(())
}
