//! `fastsci tour`: the eight reference workloads of WORKLOADS.md, each at full size beside its
//! naive baseline, with both times and the speedup.
//!
//! Each section lives in its own module and returns a [`Report`]; this module runs them in
//! order, prints them for people or collects them into one JSON object.

mod s1_vectorization;
mod s2_jit;
mod s3_memory_mapping;
mod s4_parallel;
mod s5_sparse;
mod s6_integration;
mod s7_optimization;
mod s8_pipeline;

use std::time::Instant;

use serde_json::{Map, Value, json};

use crate::error::{CliError, CliResult, Outcome};

/// Arguments of `fastsci tour`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run only section N (1-8) of the tour.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=8))]
    only: Option<u8>,
}

/// A section's entry point.
type Section = fn() -> Result<Report, CliError>;

const SECTIONS: [(u8, &str, Section); 8] = [
    (1, "Vectorization", s1_vectorization::run),
    (2, "JIT compilation", s2_jit::run),
    (3, "Memory mapping", s3_memory_mapping::run),
    (4, "Parallel processing", s4_parallel::run),
    (5, "Sparse matrices", s5_sparse::run),
    (6, "Integration and differentiation", s6_integration::run),
    (7, "Optimization", s7_optimization::run),
    (8, "All together", s8_pipeline::run),
];

/// What one section computed: lines for people and figures for `--json`.
#[derive(Debug, Default)]
pub struct Report {
    lines: Vec<String>,
    figures: Map<String, Value>,
}

impl Report {
    /// An empty report, to be filled with lines and figures.
    pub fn new() -> Report {
        Report::default()
    }

    /// Adds a line of text for people.
    pub fn line(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }

    /// Adds a figure to the JSON output.
    pub fn figure(&mut self, key: &str, value: impl Into<Value>) {
        self.figures.insert(key.to_string(), value.into());
    }

    /// Records a timed comparison: the baseline and fastsci's time, and the speedup, as both a
    /// line and figures under `key`.
    pub fn compare(&mut self, key: &str, what: &str, baseline: (&str, f64), fast: (&str, f64)) {
        let speedup = baseline.1 / fast.1;
        self.line(format!(
            "{what}: {} {:>10}   {} {:>10}   speedup {speedup:.1}x",
            baseline.0,
            format_seconds(baseline.1),
            fast.0,
            format_seconds(fast.1),
        ));
        self.figure(
            key,
            json!({
                "baseline": baseline.0, "baseline_seconds": baseline.1,
                "fastsci": fast.0, "fastsci_seconds": fast.1, "speedup": speedup,
            }),
        );
    }
}

/// Runs `f` once and returns its value with the wall time in seconds.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed().as_secs_f64())
}

/// A duration for people: `812 ns`, `3.41 ms`, `2.07 s`.
pub fn format_seconds(seconds: f64) -> String {
    let s = seconds.abs();
    if s < 1e-6 {
        format!("{:.0} ns", seconds * 1e9)
    } else if s < 1e-3 {
        format!("{:.2} us", seconds * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{seconds:.2} s")
    }
}

/// Runs `fastsci tour`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let mut sections = Vec::new();
    let mut failed = false;
    for (number, title, section) in SECTIONS {
        if args.only.is_some_and(|only| only != number) {
            continue;
        }
        if !json {
            println!("== {number}. {title} ==");
        }
        let mut entry = Map::new();
        entry.insert("section".into(), json!(number));
        entry.insert("title".into(), json!(title));
        match section() {
            Ok(report) => {
                entry.insert("figures".into(), Value::Object(report.figures));
                if !json {
                    for line in &report.lines {
                        println!("{line}");
                    }
                }
            }
            Err(err) => {
                failed = true;
                entry.insert("error".into(), json!(err.message));
                eprintln!("fastsci: tour section {number} failed: {err}");
            }
        }
        if !json {
            println!();
        }
        sections.push(Value::Object(entry));
    }
    if json {
        crate::output::print_json(&json!({ "sections": sections }));
    }
    if failed { Err(CliError::internal("some tour sections failed")) } else { Ok(Outcome::Done) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_carry_units() {
        assert_eq!(format_seconds(2.5e-8), "25 ns");
        assert_eq!(format_seconds(3.5e-5), "35.00 us");
        assert_eq!(format_seconds(0.0123), "12.30 ms");
        assert_eq!(format_seconds(2.0), "2.00 s");
    }
}
