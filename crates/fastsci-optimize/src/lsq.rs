//! Nonlinear least squares: `least_squares` (trust-region reflective with bounds, and
//! Levenberg–Marquardt) with robust losses and `x_scale`, and `curve_fit` on top.
//!
//! TRF follows Branch, Coleman & Li (1999) as SciPy implements it: the trust-region
//! subproblem in Coleman–Li scaled variables solved exactly through an SVD (Moré's iteration
//! on the Levenberg–Marquardt parameter), steps kept strictly feasible by reflection from the
//! bounds. LM follows MINPACK's `lmder` (Moré 1978), as SciPy runs it: column scaling by
//! Jacobian norms, the same trust-region radius rules, ratio and convergence tests, and `lmpar`'s
//! iteration for the Levenberg–Marquardt parameter (its bounds and Newton corrections) carried
//! out on an SVD of the scaled Jacobian; without a Jacobian, SciPy's `2-point` differences.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::error::{OptimizeError, Result};
use crate::linalg::{Matrix, svd};

/// Robust loss ρ applied to squared residuals, as `least_squares(loss=...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loss {
    /// ρ(z) = z: ordinary least squares.
    #[default]
    Linear,
    /// ρ(z) = 2((1 + z)^½ − 1).
    SoftL1,
    /// ρ(z) = z for z ≤ 1, 2 z^½ − 1 beyond.
    Huber,
    /// ρ(z) = ln(1 + z).
    Cauchy,
    /// ρ(z) = arctan(z).
    Arctan,
}

impl std::str::FromStr for Loss {
    type Err = OptimizeError;
    fn from_str(s: &str) -> Result<Loss> {
        match s.to_ascii_lowercase().as_str() {
            "linear" => Ok(Loss::Linear),
            "soft_l1" => Ok(Loss::SoftL1),
            "huber" => Ok(Loss::Huber),
            "cauchy" => Ok(Loss::Cauchy),
            "arctan" => Ok(Loss::Arctan),
            _ => Err(OptimizeError::InvalidArgument(format!(
                "unknown loss '{s}'; expected linear, soft_l1, huber, cauchy or arctan"
            ))),
        }
    }
}

impl Loss {
    /// ρ, ρ′, ρ″ at z.
    fn rho(self, z: f64) -> (f64, f64, f64) {
        match self {
            Loss::Linear => (z, 1.0, 0.0),
            Loss::SoftL1 => {
                let t = 1.0 + z;
                (2.0 * (t.sqrt() - 1.0), 1.0 / t.sqrt(), -0.5 * t.powf(-1.5))
            }
            Loss::Huber => {
                if z <= 1.0 {
                    (z, 1.0, 0.0)
                } else {
                    (2.0 * z.sqrt() - 1.0, 1.0 / z.sqrt(), -0.5 * z.powf(-1.5))
                }
            }
            Loss::Cauchy => {
                let t = 1.0 + z;
                (z.ln_1p(), 1.0 / t, -1.0 / (t * t))
            }
            Loss::Arctan => {
                let t = 1.0 + z * z;
                (z.atan(), 1.0 / t, -2.0 * z / (t * t))
            }
        }
    }
}

/// The solver of [`LsqProblem::solve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LsqMethod {
    /// Trust-region reflective (bounds allowed).
    #[default]
    Trf,
    /// Levenberg–Marquardt (MINPACK); no bounds, linear loss only.
    Lm,
}

/// Characteristic scales of the variables (`x_scale`).
#[derive(Debug, Clone, PartialEq)]
pub enum XScale {
    /// From the inverse column norms of the Jacobian, updated as they grow (`'jac'`).
    Jac,
    /// Fixed scales, one per variable (or one for all).
    Values(Vec<f64>),
}

/// Options of [`LsqProblem::solve`]: SciPy's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct LsqOptions {
    /// The method (TRF).
    pub method: LsqMethod,
    /// Relative tolerance on the cost (1e-8).
    pub ftol: f64,
    /// Relative tolerance on x (1e-8).
    pub xtol: f64,
    /// Tolerance on the scaled gradient (1e-8).
    pub gtol: f64,
    /// Variable scales; `None` is SciPy's default: 1 for TRF, `Jac` for LM.
    pub x_scale: Option<XScale>,
    /// Robust loss (linear).
    pub loss: Loss,
    /// Soft margin between inlier and outlier residuals (1).
    pub f_scale: f64,
    /// Maximum function evaluations (100 n for TRF; for LM 100 (n + 1) with a Jacobian,
    /// 200 (n + 1) without, counting the difference evaluations as MINPACK does).
    pub max_nfev: Option<usize>,
    /// Relative finite-difference step (default sqrt(eps)).
    pub diff_step: Option<f64>,
}

impl Default for LsqOptions {
    fn default() -> Self {
        LsqOptions {
            method: LsqMethod::Trf,
            ftol: 1e-8,
            xtol: 1e-8,
            gtol: 1e-8,
            x_scale: None,
            loss: Loss::Linear,
            f_scale: 1.0,
            max_nfev: None,
            diff_step: None,
        }
    }
}

/// The outcome of [`LsqProblem::solve`] (`scipy.optimize.OptimizeResult` of `least_squares`).
#[derive(Debug, Clone, PartialEq)]
pub struct LsqResult {
    /// The solution.
    pub x: Vec<f64>,
    /// ½ Σ ρ(fᵢ²).
    pub cost: f64,
    /// Residuals at x.
    pub fun: Vec<f64>,
    /// Jacobian at x (m × n, scaled by the loss, as SciPy's).
    pub jac: Array2<f64>,
    /// Gradient of the cost at x.
    pub grad: Vec<f64>,
    /// First-order optimality (scaled gradient infinity norm).
    pub optimality: f64,
    /// −1 at a lower bound, +1 at an upper bound, 0 free.
    pub active_mask: Vec<i8>,
    /// Residual evaluations (finite-difference evaluations excluded, as SciPy's).
    pub nfev: usize,
    /// Jacobian evaluations.
    pub njev: usize,
    /// Which test stopped it.
    pub status: LsqStatus,
    /// SciPy's message for the status.
    pub message: String,
}

impl LsqResult {
    /// True when a tolerance test stopped the solver (not the evaluation limit).
    pub fn success(&self) -> bool {
        self.status != LsqStatus::MaxFunctionEvaluations
    }
}

/// Which test stopped [`LsqProblem::solve`] (SciPy's `status` of `least_squares`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LsqStatus {
    /// `max_nfev` evaluations were used up (status 0).
    MaxFunctionEvaluations,
    /// The `gtol` test was met (status 1).
    Gtol,
    /// The `ftol` test was met (status 2).
    Ftol,
    /// The `xtol` test was met (status 3).
    Xtol,
    /// Both the `ftol` and `xtol` tests were met (status 4).
    FtolAndXtol,
}

impl LsqStatus {
    /// SciPy's status number.
    pub fn code(self) -> i32 {
        match self {
            LsqStatus::MaxFunctionEvaluations => 0,
            LsqStatus::Gtol => 1,
            LsqStatus::Ftol => 2,
            LsqStatus::Xtol => 3,
            LsqStatus::FtolAndXtol => 4,
        }
    }

    fn from_code(code: i32) -> LsqStatus {
        match code {
            0 => LsqStatus::MaxFunctionEvaluations,
            1 => LsqStatus::Gtol,
            3 => LsqStatus::Xtol,
            4 => LsqStatus::FtolAndXtol,
            _ => LsqStatus::Ftol,
        }
    }

    /// SciPy's message for the status.
    pub fn message(self) -> &'static str {
        match self {
            LsqStatus::MaxFunctionEvaluations => "The maximum number of function evaluations is exceeded.",
            LsqStatus::Gtol => "`gtol` termination condition is satisfied.",
            LsqStatus::Ftol => "`ftol` termination condition is satisfied.",
            LsqStatus::Xtol => "`xtol` termination condition is satisfied.",
            LsqStatus::FtolAndXtol => "Both `ftol` and `xtol` termination conditions are satisfied.",
        }
    }
}

type ResidualBox<'a> = Box<dyn FnMut(&[f64], &mut [f64]) + 'a>;
type JacobianBox<'a> = Box<dyn FnMut(&[f64], ArrayViewMut2<'_, f64>) + 'a>;

/// A least-squares problem: residuals `f: Rⁿ → Rᵐ`, optional Jacobian and bounds.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::lsq::{LsqOptions, LsqProblem};
/// // Fit y = a exp(b t) to exact data.
/// let t: Vec<f64> = (0..10).map(|i| i as f64 * 0.3).collect();
/// let y: Vec<f64> = t.iter().map(|t| 2.0 * (-1.3 * t).exp()).collect();
/// let mut p = LsqProblem::new(10, |x: &[f64], r: &mut [f64]| {
///     for i in 0..10 {
///         r[i] = x[0] * (x[1] * t[i]).exp() - y[i];
///     }
/// });
/// let res = p.solve(&[1.0, -1.0], &LsqOptions::default())?;
/// assert!(res.success() && (res.x[0] - 2.0).abs() < 1e-6 && (res.x[1] + 1.3).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LsqProblem<'a> {
    m: usize,
    fun: ResidualBox<'a>,
    jac: Option<JacobianBox<'a>>,
    bounds: Option<Vec<(f64, f64)>>,
}

impl<'a> LsqProblem<'a> {
    /// `m` residuals computed by `fun(x, r)`.
    pub fn new(m: usize, fun: impl FnMut(&[f64], &mut [f64]) + 'a) -> Self {
        LsqProblem { m, fun: Box::new(fun), jac: None, bounds: None }
    }
    /// Supplies the Jacobian: `jac(x, J)` fills the m × n view `J` (entries it leaves are 0).
    pub fn with_jacobian(mut self, jac: impl FnMut(&[f64], ArrayViewMut2<'_, f64>) + 'a) -> Self {
        self.jac = Some(Box::new(jac));
        self
    }
    /// Box bounds per variable.
    pub fn with_bounds(mut self, bounds: &[(f64, f64)]) -> Self {
        self.bounds = Some(bounds.to_vec());
        self
    }

    /// Minimizes ½ Σ ρ(fᵢ(x)²) from `x0`.
    ///
    /// # Errors
    /// Empty `x0`, bounds of the wrong length or inverted, LM with bounds or a robust loss,
    /// x_scale not positive, `x0` outside the bounds, or residuals not finite at `x0`.
    pub fn solve(&mut self, x0: &[f64], o: &LsqOptions) -> Result<LsqResult> {
        let n = x0.len();
        if n == 0 {
            return Err(OptimizeError::EmptyStart);
        }
        let (lb, ub): (Vec<f64>, Vec<f64>) = match &self.bounds {
            Some(b) => {
                if b.len() != n {
                    return Err(OptimizeError::LengthMismatch { what: "bounds", expected: n, got: b.len() });
                }
                for (i, &(lo, hi)) in b.iter().enumerate() {
                    if lo.is_nan() || hi.is_nan() || lo >= hi {
                        return Err(OptimizeError::InvalidBounds { index: i, lower: lo, upper: hi });
                    }
                    // As SciPy: a start outside the box is the caller's mistake, not something
                    // to move inside silently (the fit would start from a point nobody chose).
                    if !(lo..=hi).contains(&x0[i]) {
                        return Err(OptimizeError::InvalidArgument(format!(
                            "initial guess is outside of provided bounds: x0[{i}] = {} not in [{lo}, {hi}]",
                            x0[i]
                        )));
                    }
                }
                b.iter().copied().unzip()
            }
            None => (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]),
        };
        let bounded = lb.iter().any(|v| v.is_finite()) || ub.iter().any(|v| v.is_finite());
        let x_scale = match &o.x_scale {
            None => {
                if o.method == LsqMethod::Lm {
                    XScale::Jac
                } else {
                    XScale::Values(vec![1.0; n])
                }
            }
            Some(XScale::Values(v)) if v.len() == 1 => XScale::Values(vec![v[0]; n]),
            Some(s) => s.clone(),
        };
        if let XScale::Values(v) = &x_scale {
            if v.len() != n {
                return Err(OptimizeError::LengthMismatch { what: "x_scale", expected: n, got: v.len() });
            }
            if v.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
                return Err(OptimizeError::InvalidArgument("x_scale must be positive and finite".into()));
            }
        }
        if o.f_scale.is_nan() || o.f_scale <= 0.0 {
            return Err(OptimizeError::InvalidArgument("f_scale must be positive".into()));
        }
        match o.method {
            LsqMethod::Lm => {
                if bounded {
                    return Err(OptimizeError::InvalidArgument("method 'lm' does not support bounds".into()));
                }
                if o.loss != Loss::Linear {
                    return Err(OptimizeError::InvalidArgument(
                        "method 'lm' supports only the linear loss".into(),
                    ));
                }
                if self.m < n {
                    return Err(OptimizeError::InvalidArgument(format!(
                        "method 'lm' needs at least as many residuals ({}) as variables ({n})",
                        self.m
                    )));
                }
                Ok(self.lm(x0, o, &x_scale))
            }
            LsqMethod::Trf => {
                let x0 = if bounded { make_strictly_feasible(x0, &lb, &ub, 1e-10) } else { x0.to_vec() };
                self.trf(&x0, &lb, &ub, bounded, o, &x_scale)
            }
        }
    }

    /// The Jacobian at x: the user's, or SciPy's `2-point` forward differences with relative
    /// step `rel`, each step kept inside `[lb, ub]`.
    fn jacobian(&mut self, x: &[f64], f: &[f64], lb: &[f64], ub: &[f64], rel: f64) -> Matrix {
        let (m, n) = (self.m, x.len());
        let mut j = Matrix::zeros(m, n);
        if let Some(jf) = self.jac.as_mut() {
            jf(x, ArrayViewMut2::from_shape((m, n), &mut j.data).expect("m x n entries"));
            return j;
        }
        let mut xt = x.to_vec();
        let mut ft = vec![0.0; m];
        for k in 0..n {
            xt[k] = x[k] + crate::fd::forward_step(x[k], rel, lb[k], ub[k]);
            let dx = xt[k] - x[k];
            (self.fun)(&xt, &mut ft);
            for i in 0..m {
                j.set(i, k, (ft[i] - f[i]) / dx);
            }
            xt[k] = x[k];
        }
        j
    }

    fn trf(
        &mut self,
        x0: &[f64],
        lb: &[f64],
        ub: &[f64],
        bounded: bool,
        o: &LsqOptions,
        xs: &XScale,
    ) -> Result<LsqResult> {
        let (m, n) = (self.m, x0.len());
        let rel = o.diff_step.unwrap_or(f64::EPSILON.sqrt());
        let loss = o.loss;
        let fs = o.f_scale;
        let cost_of = |f: &[f64]| -> f64 {
            if loss == Loss::Linear {
                0.5 * f.iter().map(|v| v * v).sum::<f64>()
            } else {
                0.5 * fs * fs * f.iter().map(|v| loss.rho((v / fs).powi(2)).0).sum::<f64>()
            }
        };
        // Scales J's rows and f for a robust loss (`scale_for_robust_loss_function`).
        let robust_scale = |j: &mut Matrix, f: &mut [f64]| {
            if loss == Loss::Linear {
                return;
            }
            for i in 0..f.len() {
                let z = (f[i] / fs).powi(2);
                let (_, r1, r2) = loss.rho(z);
                let r2 = r2 / (fs * fs);
                let mut js = r1 + 2.0 * r2 * f[i] * f[i];
                if js < f64::EPSILON {
                    js = f64::EPSILON;
                }
                let js = js.sqrt();
                f[i] *= r1 / js;
                for k in 0..j.cols {
                    let v = j.get(i, k) * js;
                    j.set(i, k, v);
                }
            }
        };
        let mut x = x0.to_vec();
        let mut f = vec![0.0; m];
        (self.fun)(&x, &mut f);
        if f.iter().any(|v| !v.is_finite()) {
            return Err(OptimizeError::NotFinite);
        }
        let mut f_true = f.clone();
        let mut nfev = 1;
        let mut jm = self.jacobian(&x, &f, lb, ub, rel);
        let mut njev = 1;
        let mut cost = cost_of(&f);
        robust_scale(&mut jm, &mut f);
        let mut g = jm.tmatvec(&f);
        let jac_scale = matches!(xs, XScale::Jac);
        let col_norms = |j: &Matrix| -> Vec<f64> {
            (0..j.cols).map(|k| (0..j.rows).map(|i| j.get(i, k).powi(2)).sum::<f64>().sqrt()).collect()
        };
        let (mut scale, mut scale_inv): (Vec<f64>, Vec<f64>) = match xs {
            XScale::Jac => {
                let si: Vec<f64> =
                    col_norms(&jm).into_iter().map(|v| if v == 0.0 { 1.0 } else { v }).collect();
                (si.iter().map(|v| 1.0 / v).collect(), si)
            }
            XScale::Values(v) => (v.clone(), v.iter().map(|s| 1.0 / s).collect()),
        };
        let cl_scaling = |x: &[f64], g: &[f64]| -> (Vec<f64>, Vec<f64>) {
            let mut v = vec![1.0; n];
            let mut dv = vec![0.0; n];
            for i in 0..n {
                if g[i] < 0.0 && ub[i].is_finite() {
                    v[i] = ub[i] - x[i];
                    dv[i] = -1.0;
                }
                if g[i] > 0.0 && lb[i].is_finite() {
                    v[i] = x[i] - lb[i];
                    dv[i] = 1.0;
                }
            }
            (v, dv)
        };
        let mut delta = if bounded {
            let (mut v, dv) = cl_scaling(&x, &g);
            for i in 0..n {
                if dv[i] != 0.0 {
                    v[i] *= scale_inv[i];
                }
            }
            norm((0..n).map(|i| x0[i] * scale_inv[i] / v[i].sqrt()))
        } else {
            norm((0..n).map(|i| x0[i] * scale_inv[i]))
        };
        if delta == 0.0 {
            delta = 1.0;
        }
        let max_nfev = o.max_nfev.unwrap_or(100 * n);
        let mut alpha = 0.0;
        let mut status: Option<i32> = None;
        let mut g_norm;
        loop {
            let (mut v, dv) = if bounded { cl_scaling(&x, &g) } else { (vec![1.0; n], vec![0.0; n]) };
            g_norm = (0..n).map(|i| (g[i] * v[i]).abs()).fold(0.0, f64::max);
            if g_norm < o.gtol {
                status = Some(1);
            }
            if status.is_some() || nfev == max_nfev {
                break;
            }
            for i in 0..n {
                if dv[i] != 0.0 {
                    v[i] *= scale_inv[i];
                }
            }
            let d: Vec<f64> = (0..n).map(|i| v[i].sqrt() * scale[i]).collect();
            let diag_h: Vec<f64> = (0..n).map(|i| g[i] * dv[i] * scale[i]).collect();
            let g_h: Vec<f64> = (0..n).map(|i| d[i] * g[i]).collect();
            let rows = if bounded { m + n } else { m };
            let mut ja = Matrix::zeros(rows, n);
            for i in 0..m {
                for k in 0..n {
                    ja.set(i, k, jm.get(i, k) * d[k]);
                }
            }
            let mut j_h = Matrix::zeros(m, n);
            j_h.data.copy_from_slice(&ja.data[..m * n]);
            let mut f_aug = vec![0.0; rows];
            f_aug[..m].copy_from_slice(&f);
            if bounded {
                for k in 0..n {
                    ja.set(m + k, k, diag_h[k].sqrt());
                }
            }
            let sv = svd(&ja);
            let uf = sv.u.tmatvec(&f_aug);
            let theta = 0.995f64.max(1.0 - g_norm);
            let mut actual_reduction = -1.0;
            let mut x_new = x.clone();
            let mut f_new = vec![0.0; m];
            let mut cost_new = cost;
            while actual_reduction <= 0.0 && nfev < max_nfev {
                let (p_h, a) = solve_lsq_trust_region(rows, &uf, &sv.s, &sv.v, delta, alpha);
                alpha = a;
                let (step, step_h, predicted_reduction) = if bounded {
                    let p: Vec<f64> = (0..n).map(|i| d[i] * p_h[i]).collect();
                    select_step(&x, &j_h, &diag_h, &g_h, p, p_h, &d, delta, lb, ub, theta)
                } else {
                    let pred = -evaluate_quadratic(&j_h, &g_h, &p_h, None);
                    ((0..n).map(|i| d[i] * p_h[i]).collect(), p_h, pred)
                };
                for i in 0..n {
                    x_new[i] = x[i] + step[i];
                }
                if bounded {
                    x_new = make_strictly_feasible(&x_new, lb, ub, 0.0);
                }
                (self.fun)(&x_new, &mut f_new);
                nfev += 1;
                let step_h_norm = norm(step_h.iter().copied());
                if f_new.iter().any(|v| !v.is_finite()) {
                    delta = 0.25 * step_h_norm;
                    continue;
                }
                cost_new = cost_of(&f_new);
                actual_reduction = cost - cost_new;
                let (delta_new, ratio) = update_tr_radius(
                    delta,
                    actual_reduction,
                    predicted_reduction,
                    step_h_norm,
                    step_h_norm > 0.95 * delta,
                );
                let step_norm = norm(step.iter().copied());
                status = check_termination(
                    actual_reduction,
                    cost,
                    step_norm,
                    norm(x.iter().copied()),
                    ratio,
                    o.ftol,
                    o.xtol,
                );
                if status.is_some() {
                    break;
                }
                alpha *= delta / delta_new;
                delta = delta_new;
            }
            if actual_reduction > 0.0 {
                x.copy_from_slice(&x_new);
                f.copy_from_slice(&f_new);
                f_true.copy_from_slice(&f_new);
                cost = cost_new;
                jm = self.jacobian(&x, &f, lb, ub, rel);
                njev += 1;
                robust_scale(&mut jm, &mut f);
                g = jm.tmatvec(&f);
                if jac_scale {
                    let cn = col_norms(&jm);
                    for i in 0..n {
                        scale_inv[i] = scale_inv[i].max(cn[i]);
                        scale[i] = 1.0 / scale_inv[i];
                    }
                }
            }
        }
        let status = LsqStatus::from_code(status.unwrap_or(0));
        let active_mask = if bounded { find_active_constraints(&x, lb, ub, o.xtol) } else { vec![0; n] };
        Ok(LsqResult {
            x,
            cost,
            fun: f_true,
            jac: to_array(jm),
            grad: g,
            optimality: g_norm,
            active_mask,
            nfev,
            njev,
            status,
            message: status.message().into(),
        })
    }

    /// MINPACK's Levenberg–Marquardt (`lmder`; differences by SciPy's `2-point` scheme).
    fn lm(&mut self, x0: &[f64], o: &LsqOptions, xs: &XScale) -> LsqResult {
        let (m, n) = (self.m, x0.len());
        // SciPy (since 1.16) runs `lmder` whether or not a Jacobian is given, differencing in
        // its own `2-point` scheme (steps `rel·max(1, |x|)`, not `lmdif`'s `sqrt(epsfcn)·|x|`),
        // and `lmder` counts only its own evaluations against `100 n`: so do we.
        let rel = o.diff_step.unwrap_or(f64::EPSILON.sqrt());
        let maxfev = o.max_nfev.unwrap_or(100 * n);
        let unbounded = vec![f64::INFINITY; n];
        let below: Vec<f64> = unbounded.iter().map(|v| -v).collect();
        let epsmch = f64::EPSILON;
        let factor = 100.0;
        let mut x = x0.to_vec();
        let mut fvec = vec![0.0; m];
        (self.fun)(&x, &mut fvec);
        let mut nfev = 1;
        let mut njev = 0;
        let mut fnorm = norm(fvec.iter().copied());
        let mut par = 0.0;
        let mut iter = 1;
        let mut diag = vec![0.0; n];
        let mut delta = 0.0;
        let mut xnorm = 0.0;
        let mut info = 0;
        let mut jm;
        let mut gnorm;
        let nan = |v: &[f64]| v.iter().any(|a| !a.is_finite());
        'outer: loop {
            jm = self.jacobian(&x, &fvec, &below, &unbounded, rel);
            njev += 1;
            let cn: Vec<f64> =
                (0..n).map(|k| (0..m).map(|i| jm.get(i, k).powi(2)).sum::<f64>().sqrt()).collect();
            if iter == 1 {
                match xs {
                    XScale::Jac => {
                        for k in 0..n {
                            diag[k] = if cn[k] == 0.0 { 1.0 } else { cn[k] };
                        }
                    }
                    XScale::Values(v) => {
                        for k in 0..n {
                            diag[k] = 1.0 / v[k];
                        }
                    }
                }
                xnorm = norm((0..n).map(|k| diag[k] * x[k]));
                delta = factor * xnorm;
                if delta == 0.0 {
                    delta = factor;
                }
            }
            // The scaled gradient test.
            gnorm = 0.0f64;
            if fnorm != 0.0 {
                let jtf = jm.tmatvec(&fvec);
                for k in 0..n {
                    if cn[k] != 0.0 {
                        gnorm = gnorm.max((jtf[k] / fnorm / cn[k]).abs());
                    }
                }
            }
            if gnorm <= o.gtol {
                info = 4;
            }
            if info != 0 {
                break;
            }
            if matches!(xs, XScale::Jac) {
                for k in 0..n {
                    diag[k] = diag[k].max(cn[k]);
                }
            }
            // SVD of J D⁻¹ for the Levenberg-Marquardt parameter.
            let mut jd = jm.clone();
            for i in 0..m {
                for k in 0..n {
                    let v = jd.get(i, k) / diag[k];
                    jd.set(i, k, v);
                }
            }
            let sv = svd(&jd);
            let uf = sv.u.tmatvec(&fvec);
            loop {
                par = lmpar(&uf, &sv.s, &sv.v, delta, par);
                let y = step_for(&uf, &sv.s, &sv.v, par);
                let p: Vec<f64> = (0..n).map(|k| y[k] / diag[k]).collect();
                let pnorm = norm(y.iter().copied());
                if iter == 1 {
                    delta = delta.min(pnorm);
                }
                let xt: Vec<f64> = (0..n).map(|k| x[k] + p[k]).collect();
                let mut ft = vec![0.0; m];
                (self.fun)(&xt, &mut ft);
                nfev += 1;
                let fnorm1 = if nan(&ft) { f64::INFINITY } else { norm(ft.iter().copied()) };
                let mut actred = -1.0;
                if 0.1 * fnorm1 < fnorm {
                    actred = 1.0 - (fnorm1 / fnorm).powi(2);
                }
                let jp = jm.matvec(&p);
                let temp1 = norm(jp.iter().copied()) / fnorm;
                let temp2 = par.sqrt() * pnorm / fnorm;
                let prered = temp1 * temp1 + temp2 * temp2 / 0.5;
                let dirder = -(temp1 * temp1 + temp2 * temp2);
                let ratio = if prered != 0.0 { actred / prered } else { 0.0 };
                if ratio <= 0.25 {
                    let mut temp = if actred >= 0.0 { 0.5 } else { 0.5 * dirder / (dirder + 0.5 * actred) };
                    if 0.1 * fnorm1 >= fnorm || temp < 0.1 {
                        temp = 0.1;
                    }
                    delta = temp * delta.min(pnorm / 0.1);
                    par /= temp;
                } else if par == 0.0 || ratio >= 0.75 {
                    delta = pnorm / 0.5;
                    par *= 0.5;
                }
                if ratio >= 1e-4 {
                    x = xt;
                    fvec = ft;
                    xnorm = norm((0..n).map(|k| diag[k] * x[k]));
                    fnorm = fnorm1;
                    iter += 1;
                }
                if actred.abs() <= o.ftol && prered <= o.ftol && 0.5 * ratio <= 1.0 {
                    info = 1;
                }
                if delta <= o.xtol * xnorm {
                    info = if info == 1 { 3 } else { 2 };
                }
                if info != 0 {
                    break 'outer;
                }
                if nfev >= maxfev {
                    info = 5;
                }
                if actred.abs() <= epsmch && prered <= epsmch && 0.5 * ratio <= 1.0 {
                    info = 6;
                }
                if delta <= epsmch * xnorm {
                    info = 7;
                }
                if gnorm <= epsmch {
                    info = 8;
                }
                if info != 0 {
                    break 'outer;
                }
                if ratio >= 1e-4 {
                    break;
                }
            }
        }
        // SciPy maps MINPACK's info to least_squares statuses.
        let status = match info {
            1 => LsqStatus::Ftol,
            2 => LsqStatus::Xtol,
            3 => LsqStatus::FtolAndXtol,
            4 => LsqStatus::Gtol,
            5 => LsqStatus::MaxFunctionEvaluations,
            _ => LsqStatus::Ftol,
        };
        let g = jm.tmatvec(&fvec);
        let optimality = g.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        LsqResult {
            cost: 0.5 * fvec.iter().map(|v| v * v).sum::<f64>(),
            x,
            fun: fvec,
            jac: to_array(jm),
            grad: g,
            optimality,
            active_mask: vec![0; n],
            nfev,
            njev,
            status,
            message: status.message().into(),
        }
    }
}

fn norm(it: impl Iterator<Item = f64>) -> f64 {
    it.map(|v| v * v).sum::<f64>().sqrt()
}

/// y(α) = −V (s ⊙ uf / (s² + α)).
fn step_for(uf: &[f64], s: &[f64], v: &Matrix, alpha: f64) -> Vec<f64> {
    let k = s.len();
    let w: Vec<f64> =
        (0..k).map(|i| if s[i] > 0.0 { s[i] * uf[i] / (s[i] * s[i] + alpha) } else { 0.0 }).collect();
    (0..v.rows).map(|r| -(0..k).map(|c| v.get(r, c) * w[c]).sum::<f64>()).collect()
}

fn phi_and_derivative(alpha: f64, suf: &[f64], s: &[f64], delta: f64) -> (f64, f64) {
    let mut p2 = 0.0;
    let mut d3 = 0.0;
    for i in 0..s.len() {
        let den = s[i] * s[i] + alpha;
        if suf[i] != 0.0 {
            p2 += (suf[i] / den).powi(2);
            d3 += suf[i] * suf[i] / den.powi(3);
        }
    }
    let pn = p2.sqrt();
    (pn - delta, -d3 / pn)
}

/// SciPy's `solve_lsq_trust_region`: the step minimizing ‖J p + f‖ with ‖p‖ ≤ Δ, from the SVD
/// of J. Returns (p, α).
fn solve_lsq_trust_region(
    m: usize,
    uf: &[f64],
    s: &[f64],
    v: &Matrix,
    delta: f64,
    initial_alpha: f64,
) -> (Vec<f64>, f64) {
    let n = v.rows;
    let k = s.len();
    let suf: Vec<f64> = (0..k).map(|i| s[i] * uf[i]).collect();
    let full_rank = m >= n && k > 0 && s[k - 1] > f64::EPSILON * m as f64 * s[0];
    if full_rank {
        let w: Vec<f64> = (0..k).map(|i| uf[i] / s[i]).collect();
        let p: Vec<f64> = (0..n).map(|r| -(0..k).map(|c| v.get(r, c) * w[c]).sum::<f64>()).collect();
        if norm(p.iter().copied()) <= delta {
            return (p, 0.0);
        }
    }
    let mut alpha_upper = norm(suf.iter().copied()) / delta;
    let mut alpha_lower = if full_rank {
        let (phi, dphi) = phi_and_derivative(0.0, &suf, s, delta);
        -phi / dphi
    } else {
        0.0
    };
    let mut alpha = if !full_rank && initial_alpha == 0.0 {
        (0.001 * alpha_upper).max((alpha_lower * alpha_upper).sqrt())
    } else {
        initial_alpha
    };
    for _ in 0..10 {
        if alpha < alpha_lower || alpha > alpha_upper {
            alpha = (0.001 * alpha_upper).max((alpha_lower * alpha_upper).sqrt());
        }
        let (phi, dphi) = phi_and_derivative(alpha, &suf, s, delta);
        if phi < 0.0 {
            alpha_upper = alpha;
        }
        let ratio = phi / dphi;
        alpha_lower = alpha_lower.max(alpha - ratio);
        alpha -= (phi + delta) * ratio / delta;
        if phi.abs() < 0.01 * delta {
            break;
        }
    }
    let mut p = step_for(uf, s, v, alpha);
    let pn = norm(p.iter().copied());
    if pn > 0.0 {
        for x in p.iter_mut() {
            *x *= delta / pn;
        }
    }
    (p, alpha)
}

/// MINPACK `lmpar` on an SVD: the Levenberg–Marquardt parameter with ‖y‖ within 10 % of Δ.
fn lmpar(uf: &[f64], s: &[f64], v: &Matrix, delta: f64, par0: f64) -> f64 {
    let k = s.len();
    let dwarf = f64::MIN_POSITIVE;
    let suf: Vec<f64> = (0..k).map(|i| s[i] * uf[i]).collect();
    let full_rank = k > 0 && s[k - 1] > f64::EPSILON * s[0] * k as f64;
    let mut parl = 0.0;
    if full_rank {
        let y = step_for(uf, s, v, 0.0);
        let dxnorm = norm(y.iter().copied());
        let fp = dxnorm - delta;
        if fp <= 0.1 * delta {
            return 0.0;
        }
        // MINPACK's lower bound is the Newton step on 1/‖y(α)‖ − 1/Δ, the same correction as
        // the iteration's below; the Newton step on ‖y(α)‖ − Δ (what the TRF solver starts
        // from) is smaller by Δ/‖y(0)‖ and made the first iterations start too low.
        let (phi, dphi) = phi_and_derivative(0.0, &suf, s, delta);
        parl = -(phi + delta) / delta * phi / dphi;
    }
    let gnorm = norm(suf.iter().copied());
    let mut paru = gnorm / delta;
    if paru == 0.0 {
        paru = dwarf / delta.min(0.1);
    }
    let mut par = par0.max(parl).min(paru);
    if par == 0.0 {
        let y = step_for(uf, s, v, 0.0);
        let dxnorm = norm(y.iter().copied());
        par = if dxnorm > 0.0 { gnorm / dxnorm } else { 0.0 };
    }
    let mut prev_fp = f64::NAN;
    for it in 1..=10 {
        if par == 0.0 {
            par = dwarf.max(0.001 * paru);
        }
        let (phi, dphi) = phi_and_derivative(par, &suf, s, delta);
        let fp = phi;
        if fp.abs() <= 0.1 * delta || (parl == 0.0 && fp <= prev_fp && prev_fp < 0.0) || it == 10 {
            break;
        }
        let parc = -(phi + delta) / delta * fp / dphi;
        if fp > 0.0 {
            parl = parl.max(par);
        }
        if fp < 0.0 {
            paru = paru.min(par);
        }
        par = parl.max(par + parc);
        prev_fp = fp;
    }
    par
}

fn update_tr_radius(delta: f64, actual: f64, predicted: f64, step_norm: f64, bound_hit: bool) -> (f64, f64) {
    let ratio = if predicted > 0.0 {
        actual / predicted
    } else if predicted == actual && actual == 0.0 {
        1.0
    } else {
        0.0
    };
    let delta = if ratio < 0.25 {
        0.25 * step_norm
    } else if ratio > 0.75 && bound_hit {
        delta * 2.0
    } else {
        delta
    };
    (delta, ratio)
}

fn check_termination(
    df: f64,
    f: f64,
    dx_norm: f64,
    x_norm: f64,
    ratio: f64,
    ftol: f64,
    xtol: f64,
) -> Option<i32> {
    let ftol_ok = df < ftol * f && ratio > 0.25;
    let xtol_ok = dx_norm < xtol * (xtol + x_norm);
    match (ftol_ok, xtol_ok) {
        (true, true) => Some(4),
        (true, false) => Some(2),
        (false, true) => Some(3),
        _ => None,
    }
}

fn evaluate_quadratic(j: &Matrix, g: &[f64], s: &[f64], diag: Option<&[f64]>) -> f64 {
    let js = j.matvec(s);
    let mut q: f64 = js.iter().map(|v| v * v).sum();
    if let Some(d) = diag {
        q += s.iter().zip(d).map(|(a, b)| a * b * a).sum::<f64>();
    }
    let l: f64 = s.iter().zip(g).map(|(a, b)| a * b).sum();
    0.5 * q + l
}

fn build_quadratic_1d(j: &Matrix, g: &[f64], s: &[f64], diag: &[f64], s0: Option<&[f64]>) -> (f64, f64, f64) {
    let v = j.matvec(s);
    let mut a: f64 = v.iter().map(|x| x * x).sum();
    a += s.iter().zip(diag).map(|(x, d)| x * d * x).sum::<f64>();
    a *= 0.5;
    let mut b: f64 = g.iter().zip(s).map(|(x, y)| x * y).sum();
    let mut c = 0.0;
    if let Some(s0) = s0 {
        let u = j.matvec(s0);
        b += u.iter().zip(&v).map(|(x, y)| x * y).sum::<f64>();
        c = 0.5 * u.iter().map(|x| x * x).sum::<f64>() + g.iter().zip(s0).map(|(x, y)| x * y).sum::<f64>();
        b += s0.iter().zip(diag).zip(s).map(|((x, d), y)| x * d * y).sum::<f64>();
        c += 0.5 * s0.iter().zip(diag).map(|(x, d)| x * d * x).sum::<f64>();
    }
    (a, b, c)
}

fn minimize_quadratic_1d(a: f64, b: f64, lb: f64, ub: f64, c: f64) -> (f64, f64) {
    let mut ts = vec![lb, ub];
    if a != 0.0 {
        let e = -0.5 * b / a;
        if lb < e && e < ub {
            ts.push(e);
        }
    }
    let mut best = (ts[0], ts[0] * (a * ts[0] + b) + c);
    for &t in &ts[1..] {
        let y = t * (a * t + b) + c;
        if y < best.1 {
            best = (t, y);
        }
    }
    best
}

/// Smallest step along s to a bound from x, and which components hit (sign).
fn step_size_to_bound(x: &[f64], s: &[f64], lb: &[f64], ub: &[f64]) -> (f64, Vec<f64>) {
    let n = x.len();
    let steps: Vec<f64> = (0..n)
        .map(|i| if s[i] != 0.0 { ((lb[i] - x[i]) / s[i]).max((ub[i] - x[i]) / s[i]) } else { f64::INFINITY })
        .collect();
    let min = steps.iter().copied().fold(f64::INFINITY, f64::min);
    let hits = (0..n)
        .map(|i| if steps[i] == min { s[i].signum() * (s[i] != 0.0) as i32 as f64 } else { 0.0 })
        .collect();
    (min, hits)
}

fn intersect_trust_region(x: &[f64], s: &[f64], delta: f64) -> (f64, f64) {
    let a: f64 = s.iter().map(|v| v * v).sum();
    let b: f64 = x.iter().zip(s).map(|(p, q)| p * q).sum();
    let c: f64 = x.iter().map(|v| v * v).sum::<f64>() - delta * delta;
    let d = (b * b - a * c).max(0.0).sqrt();
    let q = -(b + d.copysign(b));
    let (t1, t2) = (q / a, c / q);
    if t1 < t2 { (t1, t2) } else { (t2, t1) }
}

/// SciPy's `select_step` of TRF with bounds: the best of the trust-region step, its
/// reflection from the first bound hit, and the scaled anti-gradient.
fn select_step(
    x: &[f64],
    j_h: &Matrix,
    diag_h: &[f64],
    g_h: &[f64],
    mut p: Vec<f64>,
    mut p_h: Vec<f64>,
    d: &[f64],
    delta: f64,
    lb: &[f64],
    ub: &[f64],
    theta: f64,
) -> (Vec<f64>, Vec<f64>, f64) {
    let n = x.len();
    let inside = (0..n).all(|i| x[i] + p[i] >= lb[i] && x[i] + p[i] <= ub[i]);
    if inside {
        let v = evaluate_quadratic(j_h, g_h, &p_h, Some(diag_h));
        return (p, p_h, -v);
    }
    let (p_stride, hits) = step_size_to_bound(x, &p, lb, ub);
    let mut r_h = p_h.clone();
    for i in 0..n {
        if hits[i] != 0.0 {
            r_h[i] = -r_h[i];
        }
    }
    let r: Vec<f64> = (0..n).map(|i| d[i] * r_h[i]).collect();
    for i in 0..n {
        p[i] *= p_stride;
        p_h[i] *= p_stride;
    }
    let x_on_bound: Vec<f64> = (0..n).map(|i| x[i] + p[i]).collect();
    let (_, to_tr) = intersect_trust_region(&p_h, &r_h, delta);
    let (to_bound, _) = step_size_to_bound(&x_on_bound, &r, lb, ub);
    let r_stride = to_bound.min(to_tr);
    let (r_l, r_u) = if r_stride > 0.0 {
        ((1.0 - theta) * p_stride / r_stride, if r_stride == to_bound { theta * to_bound } else { to_tr })
    } else {
        (0.0, -1.0)
    };
    let mut r_value = f64::INFINITY;
    let mut r_h_out = r_h.clone();
    if r_l <= r_u {
        let (a, b, c) = build_quadratic_1d(j_h, g_h, &r_h, diag_h, Some(&p_h));
        let (rs, rv) = minimize_quadratic_1d(a, b, r_l, r_u, c);
        r_value = rv;
        for i in 0..n {
            r_h_out[i] = r_h[i] * rs + p_h[i];
        }
    }
    let r_out: Vec<f64> = (0..n).map(|i| r_h_out[i] * d[i]).collect();
    for i in 0..n {
        p[i] *= theta;
        p_h[i] *= theta;
    }
    let p_value = evaluate_quadratic(j_h, g_h, &p_h, Some(diag_h));
    let ag_h: Vec<f64> = g_h.iter().map(|v| -v).collect();
    let ag: Vec<f64> = (0..n).map(|i| d[i] * ag_h[i]).collect();
    let to_tr = delta / norm(ag_h.iter().copied());
    let (to_bound, _) = step_size_to_bound(x, &ag, lb, ub);
    let ag_stride = if to_bound < to_tr { theta * to_bound } else { to_tr };
    let (a, b, _) = build_quadratic_1d(j_h, g_h, &ag_h, diag_h, None);
    let (ag_stride, ag_value) = minimize_quadratic_1d(a, b, 0.0, ag_stride, 0.0);
    let ag_h: Vec<f64> = ag_h.iter().map(|v| v * ag_stride).collect();
    let ag: Vec<f64> = ag.iter().map(|v| v * ag_stride).collect();
    if p_value < r_value && p_value < ag_value {
        (p, p_h, -p_value)
    } else if r_value < p_value && r_value < ag_value {
        (r_out, r_h_out, -r_value)
    } else {
        (ag, ag_h, -ag_value)
    }
}

fn find_active_constraints(x: &[f64], lb: &[f64], ub: &[f64], rtol: f64) -> Vec<i8> {
    (0..x.len())
        .map(|i| {
            if rtol == 0.0 {
                return if x[i] <= lb[i] {
                    -1
                } else if x[i] >= ub[i] {
                    1
                } else {
                    0
                };
            }
            let ld = x[i] - lb[i];
            let ud = ub[i] - x[i];
            let lt = rtol * lb[i].abs().max(1.0);
            let ut = rtol * ub[i].abs().max(1.0);
            if ub[i].is_finite() && ud <= ld.min(ut) {
                1
            } else if lb[i].is_finite() && ld <= ud.min(lt) {
                -1
            } else {
                0
            }
        })
        .collect()
}

fn make_strictly_feasible(x: &[f64], lb: &[f64], ub: &[f64], rstep: f64) -> Vec<f64> {
    let active = find_active_constraints(x, lb, ub, rstep);
    (0..x.len())
        .map(|i| {
            let mut v = x[i];
            if active[i] == -1 {
                v = if rstep == 0.0 {
                    next_toward(lb[i], ub[i])
                } else {
                    lb[i] + rstep * lb[i].abs().max(1.0)
                };
            } else if active[i] == 1 {
                v = if rstep == 0.0 {
                    next_toward(ub[i], lb[i])
                } else {
                    ub[i] - rstep * ub[i].abs().max(1.0)
                };
            }
            if v < lb[i] || v > ub[i] { 0.5 * (lb[i] + ub[i]) } else { v }
        })
        .collect()
}

fn next_toward(a: f64, b: f64) -> f64 {
    if a == b || a.is_nan() || b.is_nan() {
        return a;
    }
    if a == 0.0 {
        return if b > 0.0 { f64::from_bits(1) } else { -f64::from_bits(1) };
    }
    let bits = a.to_bits();
    let up = (b > a) == (a > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

/// The result of [`curve_fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFitResult {
    /// Fitted parameters.
    pub popt: Vec<f64>,
    /// Their covariance (n × n); infinite everywhere where it cannot be estimated
    /// (no more points than parameters, or, without bounds, a rank-deficient Jacobian, as SciPy).
    pub pcov: Array2<f64>,
    /// Standard errors, the square roots of the diagonal of `pcov`.
    pub perr: Vec<f64>,
    /// Σ rᵢ² of the weighted residuals at `popt` (SciPy's `cost` of curve_fit, twice the
    /// least-squares cost).
    pub cost: f64,
    /// Model evaluations of the whole data set: with LM (no bounds) all of them, as
    /// `leastsq`; with TRF (bounds) those outside finite differences, as `least_squares`.
    pub nfev: usize,
    /// Which test stopped the least-squares solver.
    pub status: LsqStatus,
    /// The solver's message.
    pub message: String,
}

impl CurveFitResult {
    /// True when the least-squares solver converged.
    pub fn success(&self) -> bool {
        self.status != LsqStatus::MaxFunctionEvaluations
    }
}

/// What [`covariance`] reports for a rank-deficient Jacobian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankDeficiency {
    /// Infinity everywhere, as `leastsq` (SciPy's `curve_fit` without bounds): a parameter the
    /// model ignores has no finite variance.
    Infinite,
    /// The pseudo-inverse, as SciPy's `least_squares` branch (with bounds).
    PseudoInverse,
}

/// The covariance of least-squares parameters from the Jacobian `J` (m x n) at the solution:
/// the Moore–Penrose inverse of `JᵀJ` by the SVD of `J` (singular values below
/// `eps · max(m, n) · s_max` discarded, as SciPy), times `s² = sum_squares / (m − n)` when the
/// residuals' scale is estimated from the fit (`Some(Σ rᵢ²)`), unscaled for absolute weights
/// (`None`). Infinity everywhere when it cannot be estimated (`m ≤ n` with scaling, a NaN, or a
/// rank-deficient `J` under [`RankDeficiency::Infinite`]).
///
/// # Examples
///
/// ```
/// use fastsci_optimize::lsq::{RankDeficiency, covariance};
/// // Fitting a constant to 4 points: variance s² / m.
/// let j = ndarray::Array2::ones((4, 1));
/// let pcov = covariance(j.view(), Some(6.0), RankDeficiency::Infinite);
/// assert!((pcov[[0, 0]] - 6.0 / 3.0 / 4.0).abs() < 1e-15);
/// ```
pub fn covariance(jac: ArrayView2<'_, f64>, sum_squares: Option<f64>, rank: RankDeficiency) -> Array2<f64> {
    let (m, n) = jac.dim();
    let sv = svd(&Matrix { rows: m, cols: n, data: jac.iter().copied().collect() });
    let threshold = f64::EPSILON * m.max(n) as f64 * sv.s.first().copied().unwrap_or(0.0);
    let mut pcov = Matrix::zeros(n, n);
    for k in 0..sv.s.len() {
        if sv.s[k] > threshold {
            let w = 1.0 / (sv.s[k] * sv.s[k]);
            for i in 0..n {
                for j in 0..n {
                    let v = pcov.get(i, j) + sv.v.get(i, k) * w * sv.v.get(j, k);
                    pcov.set(i, j, v);
                }
            }
        }
    }
    // leastsq's covariance, inv(R) inv(R)ᵀ from the pivoted QR of J, fails (and SciPy returns
    // inf everywhere) when J is rank-deficient, as when the model ignores a parameter; the
    // pseudo-inverse would instead report a finite, meaningless variance for it.
    let rank_deficient =
        rank == RankDeficiency::Infinite && (sv.s.len() < n || sv.s.iter().any(|&s| s <= threshold));
    let bad = rank_deficient || pcov.data.iter().any(|v| v.is_nan());
    match sum_squares {
        _ if bad => pcov.data.fill(f64::INFINITY),
        Some(_) if m <= n => pcov.data.fill(f64::INFINITY),
        Some(sum_squares) => {
            let s_sq = sum_squares / (m - n) as f64;
            pcov.data.iter_mut().for_each(|v| *v *= s_sq);
        }
        None => {}
    }
    to_array(pcov)
}

/// The public form of an internal row-major matrix.
fn to_array(m: Matrix) -> Array2<f64> {
    Array2::from_shape_vec((m.rows, m.cols), m.data).expect("rows x cols entries")
}

/// Options of [`curve_fit`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CurveFitOptions<'s> {
    /// Uncertainties of y (one per point): the residuals are divided by them.
    pub sigma: Option<&'s [f64]>,
    /// Whether sigma is absolute (pcov not rescaled by the residual variance).
    pub absolute_sigma: bool,
    /// Bounds per parameter (then TRF is used, otherwise LM, as SciPy).
    pub bounds: Option<&'s [(f64, f64)]>,
}

/// Fits `model(x, p)` to data `(x, y)` by least squares, as `scipy.optimize.curve_fit`.
///
/// # Examples
///
/// ```
/// use fastsci_optimize::lsq::{curve_fit, CurveFitOptions};
/// let x: Vec<f64> = (0..20).map(|i| i as f64 / 4.0).collect();
/// let y: Vec<f64> = x.iter().map(|x| 3.0 * (-0.7 * x).exp() + 0.5).collect();
/// let fit = curve_fit(|x, p| p[0] * (-p[1] * x).exp() + p[2], &x, &y, &[1.0, 1.0, 0.0], &CurveFitOptions::default())?;
/// assert!((fit.popt[0] - 3.0).abs() < 1e-6 && (fit.popt[1] - 0.7).abs() < 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Lengths that do not match, sigma not positive, or the errors of [`LsqProblem::solve`].
pub fn curve_fit(
    model: impl Fn(f64, &[f64]) -> f64,
    xdata: &[f64],
    ydata: &[f64],
    p0: &[f64],
    o: &CurveFitOptions<'_>,
) -> Result<CurveFitResult> {
    let m = xdata.len();
    let n = p0.len();
    if ydata.len() != m {
        return Err(OptimizeError::LengthMismatch { what: "ydata", expected: m, got: ydata.len() });
    }
    if let Some(s) = o.sigma {
        if s.len() != m {
            return Err(OptimizeError::LengthMismatch { what: "sigma", expected: m, got: s.len() });
        }
        if s.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(OptimizeError::InvalidArgument("sigma must be positive and finite".into()));
        }
    }
    let weights: Vec<f64> = match o.sigma {
        Some(s) => s.iter().map(|v| 1.0 / v).collect(),
        None => vec![1.0; m],
    };
    let mut calls = 0usize;
    let lm = o.bounds.is_none();
    let res = {
        let resid = |p: &[f64], r: &mut [f64]| {
            calls += 1;
            for i in 0..m {
                r[i] = (model(xdata[i], p) - ydata[i]) * weights[i];
            }
        };
        let mut prob = LsqProblem::new(m, resid);
        let mut opts = LsqOptions::default();
        if let Some(b) = o.bounds {
            prob = prob.with_bounds(b);
        } else {
            opts.method = LsqMethod::Lm;
            opts.ftol = 1.49012e-08;
            opts.xtol = 1.49012e-08;
            opts.gtol = 0.0;
        }
        prob.solve(p0, &opts)?
    };
    let cost = 2.0 * res.cost;
    let rank = if lm { RankDeficiency::Infinite } else { RankDeficiency::PseudoInverse };
    let pcov = covariance(res.jac.view(), if o.absolute_sigma { None } else { Some(cost) }, rank);
    let perr = (0..n).map(|i| pcov[[i, i]].sqrt()).collect();
    let nfev = if lm { calls } else { res.nfev };
    Ok(CurveFitResult { popt: res.x, pcov, perr, cost, nfev, status: res.status, message: res.message })
}
