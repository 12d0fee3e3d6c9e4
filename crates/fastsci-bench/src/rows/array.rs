//! Rows for fastsci-array: elementwise product, the fused compound expression, and the mean
//! of the 800 MB memory-mapped file of workload 3.

use std::hint::black_box;
use std::path::Path;

use anyhow::Context;
use fastsci::array::eval::{ArrayInput, Program};
use fastsci::array::expr::var;
use fastsci::array::{NpyMmap, RawData, read_npy_as, reduce, zeroed_vec};

use super::machine;
use crate::timing::median_seconds;
use crate::{Measurement, Row, vector_answer};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "mul",
            what: "a*b, 10,000,000 f64 into a new array",
            anchor: "NumPy",
            target: "no slower; >= 90% bandwidth",
            run: multiply,
        },
        Row {
            name: "mul-into",
            what: "a*b, 10,000,000 f64 into a preallocated array",
            anchor: "NumPy (out=)",
            target: "no slower; >= 90% bandwidth",
            run: multiply_into,
        },
        Row {
            name: "compound",
            what: "a*b + c*2 - sin(a), 10,000,000 f64, all cores",
            anchor: "numexpr",
            target: "<= 0.5x time",
            run: compound,
        },
        Row {
            name: "mmap-mean",
            what: "mean of the 800 MB mapped .npy (10,000 x 10,000)",
            anchor: "np.memmap mean",
            target: "no slower; closer to exact",
            run: mapped_mean,
        },
    ]
}

fn load(data: &Path, name: &str) -> anyhow::Result<Vec<f64>> {
    let path = data.join(name);
    let a = read_npy_as::<f64>(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(a.into_raw_vec_and_offset().0)
}

fn input(v: &[f64]) -> anyhow::Result<ArrayInput<'_>> {
    Ok(ArrayInput::new(RawData::from_slice(v), &[v.len()], false)?)
}

fn multiply(data: &Path) -> anyhow::Result<Measurement> {
    multiply_beside_stream(data, false)
}

fn multiply_into(data: &Path) -> anyhow::Result<Measurement> {
    multiply_beside_stream(data, true)
}

/// `a*b` into a new array, or `into` a preallocated one, timed alternately with the STREAM
/// kernel on the same arrays; reports the bytes `a*b` moves (two reads, one write) and the
/// kernel's bandwidth. Into a new array, the STREAM kernel is also timed writing into a new
/// array each time, since the kernel's zeroing of fresh pages bounds any program there.
fn multiply_beside_stream(data: &Path, into: bool) -> anyhow::Result<Measurement> {
    let a = load(data, "normal_a_10m.npy")?;
    let b = load(data, "normal_b_10m.npy")?;
    let p = Program::compile(&(var("a") * var("b")))?;
    let inputs = [("a", input(&a)?), ("b", input(&b)?)];
    let mut reference = vec![0.0; a.len()];
    let answer = vector_answer(p.eval(&inputs)?.as_slice().context("a contiguous result")?);
    let threads = rayon::current_num_threads();
    let mut stream = || machine::stream_multiply(&a, &b, &mut reference);
    let bytes = (3 * a.len() * std::mem::size_of::<f64>()) as f64;
    let gb_per_s = |seconds: f64| bytes / seconds / 1e9;
    if into {
        let mut out = vec![0.0; a.len()];
        let [seconds, stream_seconds] = crate::timing::interleaved_medians([
            &mut || {
                p.eval_into(&inputs, &mut out).expect("inputs are bound");
                black_box(&mut out);
            },
            &mut stream,
        ]);
        Ok(Measurement::seconds(seconds)
            .with("bytes", bytes)
            .with("reference_gb_per_s", gb_per_s(stream_seconds))
            .answer(answer, threads))
    } else {
        let [seconds, stream_seconds, fresh_seconds] = crate::timing::interleaved_medians([
            &mut || {
                black_box(p.eval(&inputs).expect("inputs are bound"));
            },
            &mut stream,
            &mut || {
                let mut fresh = zeroed_vec(a.len());
                machine::stream_multiply(&a, &b, &mut fresh);
                black_box(fresh);
            },
        ]);
        Ok(Measurement::seconds(seconds)
            .with("bytes", bytes)
            .with("reference_gb_per_s", gb_per_s(stream_seconds))
            .with("fresh_reference_gb_per_s", gb_per_s(fresh_seconds))
            .answer(answer, threads))
    }
}

fn compound(data: &Path) -> anyhow::Result<Measurement> {
    let a = load(data, "normal_a_10m.npy")?;
    let b = load(data, "normal_b_10m.npy")?;
    let c = load(data, "normal_c_10m.npy")?;
    let p = Program::compile(&fastsci::array::parse::parse("a*b + c*2 - sin(a)")?)?;
    let inputs = [("a", input(&a)?), ("b", input(&b)?), ("c", input(&c)?)];
    let answer = vector_answer(p.eval(&inputs)?.as_slice().context("a contiguous result")?);
    let seconds = median_seconds(2, 15, || {
        black_box(p.eval(&inputs).expect("inputs are bound"));
    });
    Ok(Measurement::seconds(seconds).answer(answer, rayon::current_num_threads()))
}

fn mapped_mean(data: &Path) -> anyhow::Result<Measurement> {
    let path = data.join("mmap_800mb.npy");
    let exact_path = data.join("mmap_800mb.exact.json");
    let mut mean = 0.0;
    let seconds = median_seconds(1, 7, || {
        let map = NpyMmap::open(&path).expect("the prepared file opens");
        mean = reduce::mean_raw(&map.raw());
        black_box(mean);
    });
    let mut m = Measurement::seconds(seconds)
        .with("mean", mean)
        .answer(serde_json::json!({ "mean": mean }), rayon::current_num_threads());
    if let Ok(text) = std::fs::read_to_string(&exact_path) {
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let exact: f64 = v["exact_mean"].as_str().unwrap_or("nan").parse()?;
        let numpy: f64 = v["numpy_mean"].as_str().unwrap_or("nan").parse()?;
        let (mine, theirs) = ((mean - exact).abs(), (numpy - exact).abs());
        m = m
            .with("abs_error", mine)
            .with("numpy_abs_error", theirs)
            .with("note", format!("|mean - fsum mean|: fastsci {mine:.3e}, NumPy {theirs:.3e}"));
    }
    Ok(m)
}
