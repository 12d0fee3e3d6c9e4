//! Stage 2, cleaning: the memory-mapped dataset averaged onto the model's time grid, window by
//! window on all cores, each block's NaNs and outliers dropped.

use std::path::Path;

use rayon::prelude::*;

use crate::{PipelineError, dataset};

/// The dataset averaged onto the model's time grid, row-major `(steps, sensors)`.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// Cleaned readings; NaN where a block had no valid sample.
    pub values: Vec<f64>,
    /// Model steps.
    pub steps: usize,
    /// Sensors.
    pub sensors: usize,
    /// Rows of the raw dataset.
    pub raw_rows: usize,
}

/// Step blocks cleaned between page releases: the window of the file resident at once.
const CLEAN_WINDOW_BYTES: usize = 64 << 20;

/// Memory-maps the dataset at `path` and cleans it onto a grid of `steps` model steps.
///
/// # Errors
/// [`PipelineError::Data`] when the file is not a 2-D f64 array whose rows divide into `steps`.
pub fn clean(path: &Path, steps: usize) -> Result<Cleaned, PipelineError> {
    let file = fastsci_array::NpyMmap::open(path)?;
    let shape = file.header().shape.clone();
    let [rows, sensors] = shape[..] else {
        return Err(PipelineError::Data(format!(
            "{}: expected a 2-D array, found shape {shape:?}",
            path.display()
        )));
    };
    if steps == 0 || sensors == 0 || rows % steps != 0 || rows == 0 {
        return Err(PipelineError::Data(format!(
            "{}: {rows} rows do not divide into {steps} model steps of {sensors} sensors",
            path.display()
        )));
    }
    let data: &[f64] = file.as_slice()?;
    let block_len = rows / steps * sensors;
    let blocks_per_window = (CLEAN_WINDOW_BYTES / (block_len * 8)).max(1);
    let mut values = vec![0.0; steps * sensors];
    for (w, out) in values.chunks_mut(blocks_per_window * sensors).enumerate() {
        let first = w * blocks_per_window;
        let window = &data[first * block_len..(first + out.len() / sensors) * block_len];
        out.par_chunks_mut(sensors)
            .zip(window.par_chunks(block_len))
            .for_each_init(dataset::CleanScratch::default, |scratch, (out, block)| {
                dataset::clean_block(block, out, scratch)
            });
        fastsci_array::mmap::Release::release(&file, first * block_len * 8, window.len() * 8);
    }
    Ok(Cleaned { values, steps, sensors, raw_rows: rows })
}
