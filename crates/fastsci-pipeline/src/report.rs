//! What the job measured: each stage's time and peak memory, the sweep and the fit, and the
//! report for people.

use std::path::PathBuf;
use std::time::Instant;

use crate::{FitResult, Params, SweepBest, memory};

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

/// Everything [`run`](crate::run) measured and found.
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
