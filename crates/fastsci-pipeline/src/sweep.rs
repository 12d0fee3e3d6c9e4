//! Stage 4, the coarse sweep: the model's misfit over a grid of parameters on all cores.

use crate::{Cleaned, Model, Params, PipelineError};

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
