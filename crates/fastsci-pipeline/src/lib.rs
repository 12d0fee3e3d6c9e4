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

#![deny(missing_docs)]

pub mod dataset;
pub mod memory;
pub mod model;
pub mod physics;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use fastsci_optimize::lsq::{LsqStatus, RankDeficiency, covariance};

pub use crate::model::Model;
pub use crate::physics::Params;

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

/// Sum of squared differences between the model's sensors and the cleaned data, skipping NaNs.
pub fn misfit(
    model: &Model,
    cleaned: &Cleaned,
    params: Params,
    buffer: &mut Vec<f64>,
) -> Result<f64, PipelineError> {
    buffer.resize(cleaned.values.len(), 0.0);
    model.simulate_into(params, buffer)?;
    Ok(buffer.iter().zip(&cleaned.values).filter(|(_, c)| !c.is_nan()).map(|(m, c)| (m - c) * (m - c)).sum())
}

/// The best point of the coarse sweep and its misfit.
#[derive(Debug, Clone, Copy)]
pub struct SweepBest {
    /// The best parameters on the grid.
    pub params: Params,
    /// Their misfit.
    pub misfit: f64,
    /// Points evaluated.
    pub points: usize,
}

/// Evaluates the misfit at every grid point on all cores (with a progress bar on a terminal
/// when `progress`) and returns the best.
///
/// # Errors
/// [`PipelineError::Solver`] when every point fails.
pub fn sweep(
    model: &Model,
    cleaned: &Cleaned,
    grid: &[Params],
    progress: bool,
) -> Result<SweepBest, PipelineError> {
    let progress = if progress { fastsci_par::Progress::Auto } else { fastsci_par::Progress::Never };
    let exec = fastsci_par::Executor::new()?.progress(progress).label("sweep");
    let mapped = exec.try_map(grid, |&p| {
        let mut buffer = Vec::new();
        misfit(model, cleaned, p, &mut buffer)
    });
    let best = mapped
        .results()
        .iter()
        .zip(grid)
        .filter_map(|(r, p)| r.as_ref().ok().map(|m| (*p, *m)))
        .filter(|(_, m)| m.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((params, misfit)) => Ok(SweepBest { params, misfit, points: grid.len() }),
        None => Err(PipelineError::Solver("every point of the sweep failed".into())),
    }
}

/// The stages of the job, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StageKind {
    /// The synthetic dataset written out of core (only when it is not cached yet).
    Generate,
    /// Memory-mapped cleaning and filtering of the raw samples.
    Clean,
    /// The heater kernel compiled and the model's source term built.
    Compile,
    /// The coarse parameter sweep on all cores.
    Sweep,
    /// The least-squares fit from the sweep's best point.
    Fit,
}

impl StageKind {
    /// What the stage does, as the report prints it.
    pub fn label(self) -> &'static str {
        match self {
            StageKind::Generate => "generate dataset (out of core, all cores)",
            StageKind::Clean => "clean (memory-mapped, fused, all cores)",
            StageKind::Compile => "compile heater kernel + source term",
            StageKind::Sweep => "coarse sweep (all cores)",
            StageKind::Fit => "least-squares fit",
        }
    }
}

/// One stage's figures.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Which stage.
    pub kind: StageKind,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Peak resident memory during the stage, in bytes, where the system reports it.
    pub peak_bytes: Option<u64>,
}

/// Runs `f` as a named stage, timing it and measuring its peak resident memory.
pub fn stage<T>(stages: &mut Vec<Stage>, kind: StageKind, f: impl FnOnce() -> T) -> T {
    memory::reset_peak();
    let start = Instant::now();
    let value = f();
    stages.push(Stage { kind, seconds: start.elapsed().as_secs_f64(), peak_bytes: memory::peak_bytes() });
    value
}

/// The fitted parameters with their standard errors.
#[derive(Debug, Clone)]
pub struct FitResult {
    /// Best-fit parameters.
    pub params: Params,
    /// One standard error of each, from `s^2 (J^T J)^-1` at the optimum.
    pub stderr: Params,
    /// Half the sum of squared residuals at the optimum.
    pub cost: f64,
    /// Model evaluations the fit made.
    pub nfev: usize,
    /// Which test stopped the least-squares solver.
    pub status: LsqStatus,
    /// The optimizer's message.
    pub message: String,
}

impl FitResult {
    /// True when the least-squares solver met a tolerance.
    pub fn success(&self) -> bool {
        self.status != LsqStatus::MaxFunctionEvaluations
    }

    /// Whether `truth` lies within two standard errors of the fit in both parameters.
    pub fn within_two_stderr(&self, truth: Params) -> bool {
        (self.params.diffusivity - truth.diffusivity).abs() <= 2.0 * self.stderr.diffusivity
            && (self.params.loss - truth.loss).abs() <= 2.0 * self.stderr.loss
    }
}

/// Fits `(D, h)` to the cleaned data by Levenberg–Marquardt (fastsci-optimize's MINPACK-style
/// `least_squares`, finite-difference Jacobian, `x_scale = 'jac'`) from `start`, with standard
/// errors `sqrt(diag(s^2 (J^T J)^-1))`, `s^2 = 2 cost / (m - 2)`, by
/// [`fastsci_optimize::lsq::covariance`].
///
/// # Errors
/// [`PipelineError::Solver`] when the solver rejects the problem or the Jacobian is singular.
pub fn fit(model: &Model, cleaned: &Cleaned, start: Params) -> Result<FitResult, PipelineError> {
    let observed: Vec<usize> = (0..cleaned.values.len()).filter(|&i| !cleaned.values[i].is_nan()).collect();
    let m = observed.len();
    if m <= 2 {
        return Err(PipelineError::Solver(format!("only {m} cleaned readings; need more than 2")));
    }
    // Constant readings carry no information on the parameters: the fit would only drive them
    // to where the model's response vanishes.
    let first = cleaned.values[observed[0]];
    if observed.iter().all(|&i| cleaned.values[i] == first) {
        return Err(PipelineError::Solver(format!(
            "every cleaned reading is {first}: nothing to identify the parameters from"
        )));
    }
    let mut simulated = vec![0.0; cleaned.values.len()];
    let mut failure: Option<PipelineError> = None;
    let mut problem = fastsci_optimize::lsq::LsqProblem::new(m, |x: &[f64], r: &mut [f64]| {
        let params = Params { diffusivity: x[0], loss: x[1] };
        match model.simulate_into(params, &mut simulated) {
            Ok(()) => {
                for (r, &i) in r.iter_mut().zip(&observed) {
                    *r = simulated[i] - cleaned.values[i];
                }
            }
            Err(e) => {
                // A rejected step (a matrix that is no longer positive definite) reads as an
                // infinitely bad point, so the solver shrinks its trust region.
                r.fill(f64::INFINITY);
                failure.get_or_insert(e);
            }
        }
    });
    let options = fastsci_optimize::lsq::LsqOptions {
        method: fastsci_optimize::lsq::LsqMethod::Lm,
        x_scale: Some(fastsci_optimize::lsq::XScale::Jac),
        ..Default::default()
    };
    let result = problem.solve(&[start.diffusivity, start.loss], &options)?;
    drop(problem);
    if !result.cost.is_finite() {
        let why = failure.map(|e| e.to_string()).unwrap_or_else(|| "non-finite residuals".into());
        return Err(PipelineError::Solver(format!("least squares ended at an invalid point: {why}")));
    }
    let pcov = covariance(result.jac.view(), Some(2.0 * result.cost), RankDeficiency::Infinite);
    if pcov.iter().any(|v| !v.is_finite()) {
        return Err(PipelineError::Solver(
            "the Jacobian at the fit is singular: parameters not identifiable".into(),
        ));
    }
    Ok(FitResult {
        params: Params { diffusivity: result.x[0], loss: result.x[1] },
        stderr: Params { diffusivity: pcov[[0, 0]].sqrt(), loss: pcov[[1, 1]].sqrt() },
        cost: result.cost,
        nfev: result.nfev,
        status: result.status,
        message: result.message,
    })
}

/// Everything [`run`] measured and found.
#[derive(Debug, Clone)]
pub struct JobResult {
    /// The dataset used.
    pub data: PathBuf,
    /// Its shape: rows and sensors.
    pub shape: (usize, usize),
    /// Model steps.
    pub steps: usize,
    /// Each stage's time and peak memory, in order.
    pub stages: Vec<Stage>,
    /// The sweep's best grid point.
    pub start: SweepBest,
    /// The fit.
    pub fit: FitResult,
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

impl JobResult {
    /// The report for people: each stage's time and memory, then the fit beside `truth`.
    pub fn lines(&self, truth: Option<Params>) -> Vec<String> {
        let mut lines = vec![format!(
            "dataset {}: {} rows x {} sensors ({:.2} GB), {} model steps",
            self.data.display(),
            self.shape.0,
            self.shape.1,
            (self.shape.0 * self.shape.1 * 8) as f64 / 1e9,
            self.steps
        )];
        for stage in &self.stages {
            let memory =
                stage.peak_bytes.map(|b| format!("{:>8.1} MB peak RSS", b as f64 / 1e6)).unwrap_or_default();
            lines.push(format!("  {:<46} {:>9.3} s  {memory}", stage.kind.label(), stage.seconds));
        }
        let total: f64 = self.stages.iter().map(|s| s.seconds).sum();
        lines.push(format!("  {:<46} {total:>9.3} s", "total"));
        lines.push(format!(
            "sweep: best of {} points D = {:.5}, h = {:.4}",
            self.start.points, self.start.params.diffusivity, self.start.params.loss
        ));
        let f = &self.fit;
        let truth_d = truth.map(|t| format!("   (true {:.5})", t.diffusivity)).unwrap_or_default();
        let truth_h = truth.map(|t| format!("   (true {:.5})", t.loss)).unwrap_or_default();
        lines.push(format!("fit: D = {:.6} +/- {:.6}{truth_d}", f.params.diffusivity, f.stderr.diffusivity));
        lines.push(format!("     h = {:.6} +/- {:.6}{truth_h}", f.params.loss, f.stderr.loss));
        lines.push(format!("     {} model evaluations, success {}: {}", f.nfev, f.success(), f.message));
        if let Some(t) = truth {
            lines.push(format!("     truth within two standard errors: {}", f.within_two_stderr(t)));
        }
        lines
    }
}
