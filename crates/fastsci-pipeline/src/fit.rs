//! Stage 5, the fit: nonlinear least squares from the sweep's best point, standard errors from
//! the covariance of the fitted parameters.

use fastsci_optimize::lsq::{LsqStatus, RankDeficiency, covariance};

use crate::{Cleaned, Model, Params, PipelineError};

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
