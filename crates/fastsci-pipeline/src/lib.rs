//! # fastsci-pipeline: every technique in one scientific job (reference workload 8)
//!
//! Heat conduction in a rod with two unknown physical parameters, the diffusivity `D` and a
//! surface heat-loss coefficient `h`, recovered from a large, dirty measured dataset:
//!
//! 1. **Data** ([`generate`]): temperatures from evenly spaced sensors over a long time, a
//!    `.npy` file of `(steps x samples_per_step, sensors)` f64 (2.1 GB at the default size),
//!    synthesized out of core, in parallel and reproducibly from a seed, from known parameters,
//!    with Gaussian noise, NaN dropouts and outliers ([`dataset`]).
//! 2. **Cleaning** ([`clean`]): the file is memory-mapped and swept window by window on all
//!    cores; each model step's block of raw samples loses its NaNs and its outliers (median /
//!    MAD rejection) and is averaged onto the model's time grid. Pages are handed back after each
//!    window, so the footprint is bounded by the window, not the file.
//! 3. **Model** ([`model`]): backward-Euler time stepping of `u_t = D u_xx - h u + s(x, t)`, a
//!    sparse tridiagonal system factorized once per parameter set (sparse Cholesky from
//!    fastsci-sparse) and solved at every step; the source `s` is a Python kernel with a loop
//!    and branches (`heater.py`), compiled by fastsci-jit.
//! 4. **Sweep** ([`sweep`]): a coarse grid of at least 1,000 `(D, h)` points on all cores with
//!    progress (fastsci-par), to find a starting point.
//! 5. **Fit** ([`fit`]): nonlinear least squares from there (fastsci-optimize), reporting the
//!    parameters with standard errors from the Jacobian at the optimum.
//!
//! [`run`] does all five and reports each stage's time and peak resident memory.
//!
//! ## Public API
//!
//! | item | what it is |
//! |---|---|
//! | [`JobConfig`] ([`JobConfig::full`], [`JobConfig::reduced`]) → [`run_default`] / [`run`] → [`JobResult`] | the whole job, and what it measured and found |
//! | [`generate`], [`ensure_dataset`], [`default_cache_dir`], [`dataset`] | stage 1: the synthetic dataset |
//! | [`clean`] → [`Cleaned`] | stage 2 |
//! | [`build_model`] → [`Model`], [`HEATER_SOURCE`], [`physics`], [`Params`] | stage 3: the model and its heater kernel |
//! | [`misfit`], [`sweep`] → [`SweepBest`] | stage 4 |
//! | [`fit`] → [`FitResult`] | stage 5 |
//! | [`stage`], [`Stage`], [`StageKind`], [`memory`] | each stage's time and peak memory |
//! | [`PipelineError`] | the one error type |
//!
//! The source follows the stages: `dataset.rs` (1), `clean.rs` (2), `model.rs` with the heater
//! kernel `heater.py` (3), `sweep.rs` (4), `fit.rs` (5) and `report.rs` (times, memory and the
//! report for people); this file holds the job's configuration, errors and [`run`].

#![deny(missing_docs)]

mod clean;
pub mod dataset;
mod fit;
pub mod memory;
pub mod model;
pub mod physics;
mod report;
mod sweep;

use std::path::{Path, PathBuf};

pub use crate::clean::{Cleaned, clean};
pub use crate::fit::{FitResult, fit};
pub use crate::model::Model;
pub use crate::physics::Params;
pub use crate::report::{JobResult, Stage, StageKind, stage};
pub use crate::sweep::{SweepBest, misfit, sweep};

/// Source of the heater kernel, compiled at run time by fastsci-jit.
pub const HEATER_SOURCE: &str = include_str!("heater.py");

/// What can go wrong in the job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The dataset file is missing, unreadable or of the wrong layout.
    #[error("{0}")]
    Data(String),
    /// Reading or writing the dataset failed.
    #[error(transparent)]
    Array(#[from] fastsci_array::ArrayError),
    /// A directory the job needs could not be created.
    #[error("{}: {source}", path.display())]
    Io {
        /// The directory.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The heater kernel did not compile or failed at run time.
    #[error("heater kernel: {0}")]
    Kernel(#[from] fastsci_jit::JitError),
    /// The heater kernel returned something other than a float.
    #[error("heater kernel: returned {0}, not a float")]
    KernelValue(String),
    /// The model's linear system could not be built or solved.
    #[error("model: {0}")]
    Model(#[from] fastsci_sparse::SparseError),
    /// The thread pool of the sweep could not be built.
    #[error(transparent)]
    Executor(#[from] fastsci_par::ParError),
    /// The least-squares solver rejected the fit.
    #[error("least squares: {0}")]
    LeastSquares(#[from] fastsci_optimize::OptimizeError),
    /// The data leave the sweep or the fit nothing to work with: every sweep point failed, too
    /// few readings, parameters that are not identifiable.
    #[error("{0}")]
    Solver(String),
}

/// The size and truth of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobConfig {
    /// Model time steps.
    pub steps: usize,
    /// Raw samples per model step.
    pub samples_per_step: usize,
    /// Sensors along the rod.
    pub sensors: usize,
    /// Seed of the synthetic dataset.
    pub seed: u64,
    /// The parameters the dataset is synthesized from.
    pub truth: Params,
    /// Diffusivity values of the coarse sweep (geometrically spaced).
    pub sweep_diffusivity: (f64, f64, usize),
    /// Heat-loss values of the coarse sweep (linearly spaced).
    pub sweep_loss: (f64, f64, usize),
}

impl JobConfig {
    /// The default job of `fastsci tour --only 8`: 2,000 steps of 8,192 samples from 16
    /// sensors, a 2.1 GB dataset, and a 40 x 25 sweep.
    pub fn full(seed: u64) -> JobConfig {
        JobConfig {
            steps: 2000,
            samples_per_step: 8192,
            sensors: 16,
            seed,
            truth: Params { diffusivity: 0.02, loss: 0.3 },
            sweep_diffusivity: (0.002, 0.2, 40),
            sweep_loss: (0.0, 1.0, 25),
        }
    }

    /// A reduced job for tests: 200 steps of 64 samples (1.6 MB), same sweep.
    pub fn reduced(seed: u64) -> JobConfig {
        JobConfig { steps: 200, samples_per_step: 64, ..JobConfig::full(seed) }
    }

    /// Rows of the dataset.
    pub fn rows(&self) -> usize {
        self.steps * self.samples_per_step
    }

    /// Size of the dataset in bytes.
    pub fn dataset_bytes(&self) -> u64 {
        (self.rows() * self.sensors * 8) as u64
    }

    /// The sweep's parameter sets, diffusivity-major.
    pub fn sweep_grid(&self) -> Vec<Params> {
        let (d0, d1, nd) = self.sweep_diffusivity;
        let (h0, h1, nh) = self.sweep_loss;
        let ds = (0..nd).map(move |i| d0 * (d1 / d0).powf(i as f64 / (nd - 1).max(1) as f64));
        ds.flat_map(|d| {
            (0..nh).map(move |j| Params {
                diffusivity: d,
                loss: h0 + (h1 - h0) * j as f64 / (nh - 1).max(1) as f64,
            })
        })
        .collect()
    }
}

/// Compiles the heater kernel and samples the source term for a run of `steps` steps.
///
/// # Errors
/// [`PipelineError::Kernel`] when the kernel does not compile or fails,
/// [`PipelineError::KernelValue`] when it returns something other than a float.
pub fn build_model(steps: usize, sensors: usize) -> Result<Model, PipelineError> {
    let module = fastsci_jit::Module::compile(HEATER_SOURCE, "heater.py")?;
    let heater = module.function("heater")?;
    let failure = std::cell::RefCell::new(None);
    let model = Model::new(steps, sensors, |x, t| {
        match heater.call(&[fastsci_jit::Value::Float(x), fastsci_jit::Value::Float(t)]) {
            Ok(fastsci_jit::Value::Float(v)) => v,
            Ok(other) => {
                failure.borrow_mut().get_or_insert_with(|| PipelineError::KernelValue(format!("{other:?}")));
                f64::NAN
            }
            Err(e) => {
                failure.borrow_mut().get_or_insert(PipelineError::Kernel(e));
                f64::NAN
            }
        }
    });
    match failure.into_inner() {
        Some(error) => Err(error),
        None => Ok(model),
    }
}

/// Writes the synthetic dataset of `config` to `path` (through a temporary name, so an
/// interrupted run leaves nothing half-written in its place), in parallel, one step block per
/// task, with pages released as blocks are done.
///
/// # Errors
/// I/O errors, and kernel errors from [`build_model`].
pub fn generate(path: &Path, config: &JobConfig) -> Result<(), PipelineError> {
    let model = build_model(config.steps, config.sensors)?;
    let truth = model.simulate(config.truth)?;
    let block_len = config.samples_per_step * config.sensors;
    fastsci_array::replace_atomically(path, |temporary| {
        let mut file = fastsci_array::NpyMmapMut::create(
            temporary,
            fastsci_array::DType::F64,
            &[config.rows(), config.sensors],
            false,
        )?;
        file.fill_chunks::<f64>(block_len, |start, block| {
            let n = start / block_len;
            let readings = &truth[n * config.sensors..(n + 1) * config.sensors];
            dataset::synthesize_block(config.seed, n, readings, block);
        })?;
        Ok(file.flush()?)
    })
}

/// Runs stages 2-5 of the job on the dataset at `path`: clean, compile the model, sweep, fit.
///
/// # Errors
/// Any stage's error.
pub fn run(path: &Path, steps: usize, grid: &[Params], progress: bool) -> Result<JobResult, PipelineError> {
    let mut stages = Vec::new();
    let cleaned = stage(&mut stages, StageKind::Clean, || clean(path, steps))?;
    let model = stage(&mut stages, StageKind::Compile, || build_model(steps, cleaned.sensors))?;
    let start = stage(&mut stages, StageKind::Sweep, || sweep(&model, &cleaned, grid, progress))?;
    let fit = stage(&mut stages, StageKind::Fit, || fit(&model, &cleaned, start.params))?;
    Ok(JobResult {
        data: path.to_path_buf(),
        shape: (cleaned.raw_rows, cleaned.sensors),
        steps,
        stages,
        start,
        fit,
    })
}

/// The cache folder for generated datasets: `$FASTSCI_CACHE`, else `$XDG_CACHE_HOME/fastsci`,
/// else `~/.cache/fastsci`, else the system's temporary folder.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FASTSCI_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("fastsci");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache").join("fastsci"),
        None => std::env::temp_dir().join("fastsci"),
    }
}

/// The dataset of `config` in `cache`, generated (as a timed stage) when not there yet.
///
/// # Errors
/// I/O errors creating the folder or the file.
pub fn ensure_dataset(
    config: &JobConfig,
    cache: &Path,
    stages: &mut Vec<Stage>,
) -> Result<PathBuf, PipelineError> {
    std::fs::create_dir_all(cache)
        .map_err(|source| PipelineError::Io { path: cache.to_path_buf(), source })?;
    let path = cache.join(format!(
        "rod-seed{}-{}x{}x{}.npy",
        config.seed, config.steps, config.samples_per_step, config.sensors
    ));
    if !path.exists() {
        stage(stages, StageKind::Generate, || generate(&path, config))?;
    }
    Ok(path)
}

/// Generates (or reuses) the dataset of `config` in `cache` and runs the whole job on it.
///
/// # Errors
/// Any stage's error.
pub fn run_default(config: &JobConfig, cache: &Path, progress: bool) -> Result<JobResult, PipelineError> {
    let mut generated = Vec::new();
    let path = ensure_dataset(config, cache, &mut generated)?;
    let mut report = run(&path, config.steps, &config.sweep_grid(), progress)?;
    generated.append(&mut report.stages);
    report.stages = generated;
    Ok(report)
}
