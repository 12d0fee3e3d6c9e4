//! Rows for fastsci-jit: compile time, Monte Carlo pi, a 1-D stencil, bounds-check cost.
//!
//! The kernels are the same Python source on both sides (Numba compiles them with `@njit`).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, anyhow};
use fastsci::jit::{ArrayValue, CompileOptions, Module, Value};
use ndarray::ArrayD;
use ndarray_npy::read_npy;

use crate::timing::median_seconds;
use crate::{Measurement, Row};

/// The kernel beside workload 2's pi kernel (`fastsci::workloads::jit::PI_KERNEL`):
/// `stencil.py`, which `bench/py/rows_jit.py` hands to Numba as well.
const STENCIL_KERNEL: &str = include_str!("stencil.py");

/// The module the rows compile: the pi kernel, then the stencil.
fn kernels() -> String {
    format!("{}\n{STENCIL_KERNEL}", fastsci::workloads::jit::PI_KERNEL)
}

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "jit_compile_pi",
            what: "compile the Monte Carlo pi kernel, cold (first in the process)",
            anchor: "Numba",
            target: ">= 100x faster",
            run: compile_pi,
        },
        Row {
            name: "jit_pi_1e8",
            what: "Monte Carlo pi, 100,000,000 samples, compiled",
            anchor: "Numba",
            target: "<= 0.5x time",
            run: pi_1e8,
        },
        Row {
            name: "jit_pi_xoshiro",
            what: "the same pi run (fastsci draws from xoshiro256++)",
            anchor: "Numba, xoshiro256++ in Numba",
            target: "same generator kind",
            run: pi_1e8,
        },
        Row {
            name: "jit_stencil_1e7",
            what: "1-D three-point stencil over 10,000,000 f64 (new array), no bounds checks",
            anchor: "Numba",
            target: "<= 1.1x time",
            run: stencil_unchecked,
        },
        Row {
            name: "jit_stencil_boundscheck",
            what: "the same stencil with bounds checks on (fastsci's default)",
            anchor: "Numba (boundscheck=True)",
            target: "checks cost < 15%",
            run: stencil_checked,
        },
    ]
}

fn jit(e: fastsci::jit::JitError) -> anyhow::Error {
    anyhow!("{e}")
}

fn compile_pi(_data: &Path) -> anyhow::Result<Measurement> {
    let start = Instant::now();
    let m = Module::compile(&kernels(), "kernels.py").map_err(jit)?;
    let f = m.function("monte_carlo_pi").map_err(jit)?;
    f.compile_for(&[Value::Int(1)]).map_err(jit)?;
    let cold = start.elapsed().as_secs_f64();
    let estimate = f.call(&[Value::Int(PI_CHECK_SAMPLES)]).map_err(jit)?.as_f64().context("a float")?;
    let warm = median_seconds(1, 9, || {
        let m = Module::compile(&kernels(), "kernels.py").expect("compiled once already");
        let f = m.function("monte_carlo_pi").expect("defined");
        f.compile_for(&[Value::Int(1)]).expect("compiled once already");
        black_box(f);
    });
    Ok(Measurement::seconds(cold)
        .with("warm_seconds", warm)
        .answer(serde_json::json!({ "pi": estimate, "samples": PI_CHECK_SAMPLES }), 1))
}

/// Samples of the compiled kernel's check run in the compile row (untimed).
const PI_CHECK_SAMPLES: i64 = 1_000_000;

fn pi_1e8(_data: &Path) -> anyhow::Result<Measurement> {
    let m = Module::compile(&kernels(), "kernels.py").map_err(jit)?;
    let f = m.function("monte_carlo_pi").map_err(jit)?;
    f.compile_for(&[Value::Int(1)]).map_err(jit)?;
    let mut estimate = 0.0;
    let seconds = median_seconds(1, 5, || {
        estimate = f.call(&[Value::Int(100_000_000)]).ok().and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    });
    Ok(Measurement::seconds(seconds)
        .with("note", "xoshiro256++ draws (the Numba anchor: NumPy's Mersenne Twister)")
        .answer(serde_json::json!({ "pi": estimate, "samples": 100_000_000 }), 1))
}

fn stencil_seconds(data: &Path, boundscheck: bool) -> anyhow::Result<(f64, serde_json::Value)> {
    let path = data.join("normal_a_10m.npy");
    let a: ArrayD<f64> = read_npy(&path).with_context(|| format!("reading {}", path.display()))?;
    let m =
        Module::compile_with(&kernels(), "kernels.py", CompileOptions { boundscheck, ..Default::default() })
            .map_err(jit)?;
    let f = m.function("stencil").map_err(jit)?;
    let args = [Value::Array(ArrayValue::F64(a))];
    f.compile_for(&args).map_err(jit)?;
    let out = match f.call(&args).map_err(jit)? {
        Value::Array(ArrayValue::F64(out)) => out,
        _ => anyhow::bail!("the stencil returned something other than an f64 array"),
    };
    let answer = crate::vector_answer(out.as_slice().context("a contiguous result")?);
    let seconds = median_seconds(2, 11, || {
        black_box(f.call(&args).expect("the stencil runs"));
    });
    Ok((seconds, answer))
}

fn stencil_unchecked(data: &Path) -> anyhow::Result<Measurement> {
    let (seconds, answer) = stencil_seconds(data, false)?;
    Ok(Measurement::seconds(seconds).answer(answer, 1))
}

fn stencil_checked(data: &Path) -> anyhow::Result<Measurement> {
    let (checked, answer) = stencil_seconds(data, true)?;
    let (unchecked, _) = stencil_seconds(data, false)?;
    Ok(Measurement::seconds(checked)
        .answer(answer, 1)
        .with("unchecked_seconds", unchecked)
        .with("check_cost", checked / unchecked - 1.0))
}
