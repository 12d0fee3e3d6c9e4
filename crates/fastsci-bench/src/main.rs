//! The fastsci half of `bench/compare`.
//!
//! `fastsci-bench list` prints the registered rows, one JSON object per line;
//! `fastsci-bench run NAME --data DIR` runs one row's fastsci side on the inputs that
//! `bench/py/run.py prepare` wrote into DIR and prints one JSON object: the median time in
//! seconds and any extra figures. Each area of fastsci owns one module under `rows/`.

mod rows;
mod timing;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::json;

/// One side-by-side benchmark: its fastsci side lives here, its Python side in `bench/py/`.
pub struct Row {
    /// Unique name, also the Python side's name.
    pub name: &'static str,
    /// What it measures, for the table.
    pub what: &'static str,
    /// The Python tool it is compared against.
    pub anchor: &'static str,
    /// The target, for the table (`>= 10x faster`, `<= 0.7x time`).
    pub target: &'static str,
    /// Runs the fastsci side on the inputs in the data folder.
    pub run: fn(&std::path::Path) -> anyhow::Result<Measurement>,
}

/// The fastsci side's figures for one row.
pub struct Measurement {
    /// Median wall time of one repetition, in seconds.
    pub seconds: f64,
    /// Anything else worth reporting (bytes moved, evaluations, the answer).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Measurement {
    /// A measurement with no extra figures.
    pub fn seconds(seconds: f64) -> Measurement {
        Measurement { seconds, extra: serde_json::Map::new() }
    }

    /// Adds an extra figure.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Measurement {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// Adds what this side computed (`bench/compare` checks it against the anchor's answer
    /// under the row's stated tolerance) and how many threads computed it.
    pub fn answer(self, answer: serde_json::Value, threads: usize) -> Measurement {
        self.with("answer", answer).with("threads", threads)
    }
}

/// A long vector's answer as `bench/compare` checks it: entries at fixed spread positions and
/// the sum of squares (well conditioned, so summation order barely matters); the Python side's
/// `common.vector_answer` picks the same positions.
pub fn vector_answer(v: &[f64]) -> serde_json::Value {
    let n = v.len();
    let samples: Vec<f64> = if n == 0 { Vec::new() } else { (0..=8).map(|k| v[k * (n - 1) / 8]).collect() };
    json!({"samples": samples, "sumsq": v.iter().map(|x| x * x).sum::<f64>(), "len": n})
}

fn run_cli() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows = rows::all();
    match args.first().map(String::as_str) {
        Some("list") => {
            for row in &rows {
                println!(
                    "{}",
                    json!({"name": row.name, "what": row.what, "anchor": row.anchor, "target": row.target})
                );
            }
            Ok(())
        }
        Some("run") => {
            let name = args.get(1).context("usage: fastsci-bench run NAME --data DIR")?;
            let data = match (args.get(2).map(String::as_str), args.get(3)) {
                (Some("--data"), Some(dir)) => PathBuf::from(dir),
                _ => bail!("usage: fastsci-bench run NAME --data DIR"),
            };
            let row =
                rows.iter().find(|r| r.name == name).with_context(|| format!("no row named '{name}'"))?;
            let m = (row.run)(&data).with_context(|| format!("row {name}"))?;
            let mut out = m.extra;
            out.insert("seconds".into(), json!(m.seconds));
            println!("{}", serde_json::Value::Object(out));
            Ok(())
        }
        _ => bail!("usage: fastsci-bench list | fastsci-bench run NAME --data DIR"),
    }
}

fn main() -> ExitCode {
    match run_cli() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fastsci-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}
