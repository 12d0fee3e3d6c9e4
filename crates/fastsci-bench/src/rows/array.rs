//! Rows for fastsci-array.

use std::hint::black_box;
use std::path::Path;

use anyhow::Context;
use ndarray::{Array1, Zip};
use ndarray_npy::read_npy;

use crate::timing::median_seconds;
use crate::{Measurement, Row};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![Row {
        name: "mul",
        what: "a*b, 10,000,000 f64 into a new array",
        anchor: "NumPy",
        target: "no slower; >= 90% bandwidth",
        run: multiply,
    }]
}

fn load(data: &Path, name: &str) -> anyhow::Result<Array1<f64>> {
    let path = data.join(name);
    read_npy(&path).with_context(|| format!("reading {}", path.display()))
}

fn multiply(data: &Path) -> anyhow::Result<Measurement> {
    let a = load(data, "normal_a_10m.npy")?;
    let b = load(data, "normal_b_10m.npy")?;
    let seconds = median_seconds(2, 15, || {
        let mut c = Array1::<f64>::uninit(a.len());
        Zip::from(&mut c).and(&a).and(&b).par_for_each(|c, &a, &b| {
            c.write(a * b);
        });
        // SAFETY: every element was written by the loop above.
        black_box(unsafe { c.assume_init() });
    });
    let bytes = (3 * a.len() * std::mem::size_of::<f64>()) as f64;
    Ok(Measurement::seconds(seconds).with("bytes", bytes))
}
