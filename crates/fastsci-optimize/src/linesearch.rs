//! Line searches: the Moré–Thuente search of MINPACK-2 (`dcsrch`/`dcstep`, as SciPy's
//! `line_search_wolfe1`) and the bracketing-zoom strong-Wolfe search of Nocedal & Wright
//! (Algorithms 3.5/3.6, as SciPy's `line_search_wolfe2`), used as a fallback.

/// What `dcsrch` asks for next, or why it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Task {
    /// Start a new search.
    Start,
    /// Evaluate f and g at the new step.
    Fg,
    /// The strong Wolfe conditions hold.
    Convergence,
    /// Stopped with a warning (rounding errors, xtol, stpmax or stpmin reached).
    Warning,
    /// Bad input.
    Error,
}

/// State of the Moré–Thuente search (MINPACK-2 `dcsrch`).
#[derive(Debug, Clone)]
pub(crate) struct Dcsrch {
    ftol: f64,
    gtol: f64,
    xtol: f64,
    stpmin: f64,
    stpmax: f64,
    brackt: bool,
    stage: u8,
    ginit: f64,
    gtest: f64,
    gx: f64,
    gy: f64,
    finit: f64,
    fx: f64,
    fy: f64,
    stx: f64,
    sty: f64,
    stmin: f64,
    stmax: f64,
    width: f64,
    width1: f64,
}

impl Dcsrch {
    pub fn new(ftol: f64, gtol: f64, xtol: f64, stpmin: f64, stpmax: f64) -> Self {
        Dcsrch {
            ftol,
            gtol,
            xtol,
            stpmin,
            stpmax,
            brackt: false,
            stage: 1,
            ginit: 0.0,
            gtest: 0.0,
            gx: 0.0,
            gy: 0.0,
            finit: 0.0,
            fx: 0.0,
            fy: 0.0,
            stx: 0.0,
            sty: 0.0,
            stmin: 0.0,
            stmax: 0.0,
            width: 0.0,
            width1: 0.0,
        }
    }

    /// One step of the reverse-communication search: given f and g = phi'(stp) at `stp`,
    /// returns the next step and what to do.
    pub fn iterate(&mut self, stp: f64, f: f64, g: f64, task: Task) -> (f64, Task) {
        const P5: f64 = 0.5;
        const P66: f64 = 0.66;
        const XTRAPL: f64 = 1.1;
        const XTRAPU: f64 = 4.0;
        if task == Task::Start {
            if stp < self.stpmin || stp > self.stpmax || g >= 0.0 {
                return (stp, Task::Error);
            }
            self.brackt = false;
            self.stage = 1;
            self.finit = f;
            self.ginit = g;
            self.gtest = self.ftol * self.ginit;
            self.width = self.stpmax - self.stpmin;
            self.width1 = self.width / P5;
            self.stx = 0.0;
            self.fx = self.finit;
            self.gx = self.ginit;
            self.sty = 0.0;
            self.fy = self.finit;
            self.gy = self.ginit;
            self.stmin = 0.0;
            self.stmax = stp + XTRAPU * stp;
            return (stp, Task::Fg);
        }
        let ftest = self.finit + stp * self.gtest;
        if self.stage == 1 && f <= ftest && g >= 0.0 {
            self.stage = 2;
        }
        let mut out = None;
        if self.brackt && (stp <= self.stmin || stp >= self.stmax) {
            out = Some(Task::Warning);
        }
        if self.brackt && self.stmax - self.stmin <= self.xtol * self.stmax {
            out = Some(Task::Warning);
        }
        if stp == self.stpmax && f <= ftest && g <= self.gtest {
            out = Some(Task::Warning);
        }
        if stp == self.stpmin && (f > ftest || g >= self.gtest) {
            out = Some(Task::Warning);
        }
        if f <= ftest && g.abs() <= self.gtol * (-self.ginit) {
            out = Some(Task::Convergence);
        }
        if let Some(t) = out {
            return (stp, t);
        }
        let mut stp = stp;
        if self.stage == 1 && f <= self.fx && f > ftest {
            let fm = f - stp * self.gtest;
            let mut fxm = self.fx - self.stx * self.gtest;
            let mut fym = self.fy - self.sty * self.gtest;
            let gm = g - self.gtest;
            let mut gxm = self.gx - self.gtest;
            let mut gym = self.gy - self.gtest;
            dcstep(
                &mut self.stx,
                &mut fxm,
                &mut gxm,
                &mut self.sty,
                &mut fym,
                &mut gym,
                &mut stp,
                fm,
                gm,
                &mut self.brackt,
                self.stmin,
                self.stmax,
            );
            self.fx = fxm + self.stx * self.gtest;
            self.fy = fym + self.sty * self.gtest;
            self.gx = gxm + self.gtest;
            self.gy = gym + self.gtest;
        } else {
            dcstep(
                &mut self.stx,
                &mut self.fx,
                &mut self.gx,
                &mut self.sty,
                &mut self.fy,
                &mut self.gy,
                &mut stp,
                f,
                g,
                &mut self.brackt,
                self.stmin,
                self.stmax,
            );
        }
        if self.brackt {
            if (self.sty - self.stx).abs() >= P66 * self.width1 {
                stp = self.stx + P5 * (self.sty - self.stx);
            }
            self.width1 = self.width;
            self.width = (self.sty - self.stx).abs();
            self.stmin = self.stx.min(self.sty);
            self.stmax = self.stx.max(self.sty);
        } else {
            self.stmin = stp + XTRAPL * (stp - self.stx);
            self.stmax = stp + XTRAPU * (stp - self.stx);
        }
        stp = stp.max(self.stpmin).min(self.stpmax);
        if self.brackt
            && (stp <= self.stmin || stp >= self.stmax || self.stmax - self.stmin <= self.xtol * self.stmax)
        {
            stp = self.stx;
        }
        (stp, Task::Fg)
    }
}

fn signum(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// MINPACK-2 `dcstep`: a safeguarded cubic/quadratic step and the update of the interval of
/// uncertainty.
#[allow(clippy::too_many_arguments)]
fn dcstep(
    stx: &mut f64,
    fx: &mut f64,
    dx: &mut f64,
    sty: &mut f64,
    fy: &mut f64,
    dy: &mut f64,
    stp: &mut f64,
    fp: f64,
    dp: f64,
    brackt: &mut bool,
    stpmin: f64,
    stpmax: f64,
) {
    let sgnd = signum(dp) * signum(*dx);
    let stpf;
    if fp > *fx {
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp < *stx {
            gamma = -gamma;
        }
        let p = (gamma - *dx) + theta;
        let q = ((gamma - *dx) + gamma) + dp;
        let r = p / q;
        let stpc = *stx + r * (*stp - *stx);
        let stpq = *stx + ((*dx / ((*fx - fp) / (*stp - *stx) + *dx)) / 2.0) * (*stp - *stx);
        stpf = if (stpc - *stx).abs() <= (stpq - *stx).abs() { stpc } else { stpc + (stpq - stpc) / 2.0 };
        *brackt = true;
    } else if sgnd < 0.0 {
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp > *stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + *dx;
        let r = p / q;
        let stpc = *stp + r * (*stx - *stp);
        let stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        stpf = if (stpc - *stp).abs() > (stpq - *stp).abs() { stpc } else { stpq };
        *brackt = true;
    } else if dp.abs() < dx.abs() {
        let theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        let s = theta.abs().max(dx.abs()).max(dp.abs());
        let mut gamma = s * (0f64).max((theta / s).powi(2) - (*dx / s) * (dp / s)).sqrt();
        if *stp > *stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (*dx - dp)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            *stp + r * (*stx - *stp)
        } else if *stp > *stx {
            stpmax
        } else {
            stpmin
        };
        let stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        if *brackt {
            let mut s = if (stpc - *stp).abs() < (stpq - *stp).abs() { stpc } else { stpq };
            if *stp > *stx {
                s = s.min(*stp + 0.66 * (*sty - *stp));
            } else {
                s = s.max(*stp + 0.66 * (*sty - *stp));
            }
            stpf = s;
        } else {
            let s = if (stpc - *stp).abs() > (stpq - *stp).abs() { stpc } else { stpq };
            stpf = s.min(stpmax).max(stpmin);
        }
    } else if *brackt {
        let theta = 3.0 * (fp - *fy) / (*sty - *stp) + *dy + dp;
        let s = theta.abs().max(dy.abs()).max(dp.abs());
        let mut gamma = s * ((theta / s).powi(2) - (*dy / s) * (dp / s)).sqrt();
        if *stp > *sty {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + *dy;
        let r = p / q;
        stpf = *stp + r * (*sty - *stp);
    } else if *stp > *stx {
        stpf = stpmax;
    } else {
        stpf = stpmin;
    }
    if fp > *fx {
        *sty = *stp;
        *fy = fp;
        *dy = dp;
    } else {
        if sgnd < 0.0 {
            *sty = *stx;
            *fy = *fx;
            *dy = *dx;
        }
        *stx = *stp;
        *fx = fp;
        *dx = dp;
    }
    *stp = stpf;
}

/// SciPy's initial step: `min(1, 1.01 · 2 (phi0 − old_phi0) / derphi0)`, or 1.
fn initial_step(phi0: f64, old_phi0: f64, derphi0: f64) -> f64 {
    if derphi0 != 0.0 {
        let a = (1.01 * 2.0 * (phi0 - old_phi0) / derphi0).min(1.0);
        if a < 0.0 || a.is_nan() { 1.0 } else { a }
    } else {
        1.0
    }
}

/// The step lengths a line search may take. SciPy's callers differ here, and the difference
/// shows in their evaluation counts: BFGS and CG pass `amin = 1e-100`, `amax = 1e100` to both
/// searches ([`StepLimits::WIDE`]); Newton-CG passes nothing, so the Moré–Thuente search keeps
/// its defaults `amin = 1e-8`, `amax = 50` and the zoom search is unbounded
/// ([`StepLimits::SEARCH_DEFAULTS`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepLimits {
    /// Smallest step of the Moré–Thuente search.
    pub amin: f64,
    /// Largest step of the Moré–Thuente search.
    pub amax: f64,
    /// Largest step of the zoom search it falls back to.
    pub fallback_amax: f64,
}

impl StepLimits {
    /// BFGS's and CG's limits.
    pub const WIDE: StepLimits = StepLimits { amin: 1e-100, amax: 1e100, fallback_amax: 1e100 };
    /// `line_search_wolfe1`'s and `line_search_wolfe2`'s own defaults (Newton-CG).
    pub const SEARCH_DEFAULTS: StepLimits =
        StepLimits { amin: 1e-8, amax: 50.0, fallback_amax: f64::INFINITY };
}

/// `line_search_wolfe1` with `c1`, `c2`, the Moré–Thuente limits of `limits`, `xtol = 1e-14`.
/// `phi_derphi(alpha)` returns phi(alpha) and phi'(alpha) (and records the gradient).
pub(crate) fn wolfe1(
    phi_derphi: &mut dyn FnMut(f64) -> (f64, f64),
    phi0: f64,
    old_phi0: f64,
    derphi0: f64,
    c1: f64,
    c2: f64,
    limits: StepLimits,
) -> Option<(f64, f64)> {
    let alpha1 = initial_step(phi0, old_phi0, derphi0);
    let mut ls = Dcsrch::new(c1, c2, 1e-14, limits.amin, limits.amax);
    let mut stp = alpha1;
    let mut phi1 = phi0;
    let mut derphi1 = derphi0;
    let mut task = Task::Start;
    for _ in 0..100 {
        let (s, t) = ls.iterate(stp, phi1, derphi1, task);
        stp = s;
        task = t;
        if !stp.is_finite() {
            return None;
        }
        if task == Task::Fg {
            let (p, d) = phi_derphi(stp);
            phi1 = p;
            derphi1 = d;
        } else {
            break;
        }
    }
    if task == Task::Convergence { Some((stp, phi1)) } else { None }
}

fn cubicmin(a: f64, fa: f64, fpa: f64, b: f64, fb: f64, c: f64, fc: f64) -> Option<f64> {
    let cc = fpa;
    let db = b - a;
    let dc = c - a;
    let denom = (db * dc).powi(2) * (db - dc);
    if denom == 0.0 {
        return None;
    }
    let r1 = fb - fa - cc * db;
    let r2 = fc - fa - cc * dc;
    let aa = (dc * dc * r1 - db * db * r2) / denom;
    let bb = (-dc.powi(3) * r1 + db.powi(3) * r2) / denom;
    let radical = bb * bb - 3.0 * aa * cc;
    if radical < 0.0 || aa == 0.0 {
        return None;
    }
    let xmin = a + (-bb + radical.sqrt()) / (3.0 * aa);
    xmin.is_finite().then_some(xmin)
}

fn quadmin(a: f64, fa: f64, fpa: f64, b: f64, fb: f64) -> Option<f64> {
    let db = b - a;
    if db == 0.0 {
        return None;
    }
    let bb = (fb - fa - fpa * db) / (db * db);
    if bb == 0.0 {
        return None;
    }
    let xmin = a - fpa / (2.0 * bb);
    xmin.is_finite().then_some(xmin)
}

/// `line_search_wolfe2` (bracketing and zoom). `phi(alpha)` evaluates f;
/// `derphi(alpha)` evaluates the directional derivative.
pub(crate) fn wolfe2(
    phi: &mut dyn FnMut(f64) -> f64,
    derphi: &mut dyn FnMut(f64) -> f64,
    phi0: f64,
    old_phi0: f64,
    derphi0: f64,
    c1: f64,
    c2: f64,
    amax: f64,
    extra: &mut dyn FnMut(f64) -> bool,
) -> Option<(f64, f64, bool)> {
    let mut alpha0 = 0.0;
    let mut alpha1 = initial_step(phi0, old_phi0, derphi0).min(amax);
    let mut phi_a1 = phi(alpha1);
    let mut phi_a0 = phi0;
    let mut derphi_a0 = derphi0;
    for i in 0..10 {
        if alpha1 == 0.0 || alpha0 > amax {
            return None;
        }
        if phi_a1 > phi0 + c1 * alpha1 * derphi0 || (phi_a1 >= phi_a0 && i > 0) {
            return zoom(
                alpha0, alpha1, phi_a0, phi_a1, derphi_a0, phi, derphi, phi0, derphi0, c1, c2, extra,
            )
            .map(|(a, p)| (a, p, true));
        }
        let derphi_a1 = derphi(alpha1);
        if derphi_a1.abs() <= -c2 * derphi0 && extra(alpha1) {
            return Some((alpha1, phi_a1, true));
        }
        if derphi_a1 >= 0.0 {
            return zoom(
                alpha1, alpha0, phi_a1, phi_a0, derphi_a1, phi, derphi, phi0, derphi0, c1, c2, extra,
            )
            .map(|(a, p)| (a, p, true));
        }
        let alpha2 = (2.0 * alpha1).min(amax);
        alpha0 = alpha1;
        alpha1 = alpha2;
        phi_a0 = phi_a1;
        phi_a1 = phi(alpha1);
        derphi_a0 = derphi_a1;
    }
    // Not converged: SciPy still returns the last step, without a gradient.
    Some((alpha1, phi_a1, false))
}

#[allow(clippy::too_many_arguments)]
fn zoom(
    mut a_lo: f64,
    mut a_hi: f64,
    mut phi_lo: f64,
    mut phi_hi: f64,
    mut derphi_lo: f64,
    phi: &mut dyn FnMut(f64) -> f64,
    derphi: &mut dyn FnMut(f64) -> f64,
    phi0: f64,
    derphi0: f64,
    c1: f64,
    c2: f64,
    extra: &mut dyn FnMut(f64) -> bool,
) -> Option<(f64, f64)> {
    let delta1 = 0.2;
    let delta2 = 0.1;
    let mut phi_rec = phi0;
    let mut a_rec = 0.0;
    let mut i = 0;
    loop {
        let dalpha = a_hi - a_lo;
        let (a, b) = if dalpha < 0.0 { (a_hi, a_lo) } else { (a_lo, a_hi) };
        let mut a_j = None;
        if i > 0 {
            let cchk = delta1 * dalpha;
            a_j = cubicmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi, a_rec, phi_rec)
                .filter(|&aj| !(aj > b - cchk || aj < a + cchk));
        }
        let a_j = match a_j {
            Some(v) => v,
            None => {
                let qchk = delta2 * dalpha;
                match quadmin(a_lo, phi_lo, derphi_lo, a_hi, phi_hi) {
                    Some(v) if !(v > b - qchk || v < a + qchk) => v,
                    _ => a_lo + 0.5 * dalpha,
                }
            }
        };
        let phi_aj = phi(a_j);
        if phi_aj > phi0 + c1 * a_j * derphi0 || phi_aj >= phi_lo {
            phi_rec = phi_hi;
            a_rec = a_hi;
            a_hi = a_j;
            phi_hi = phi_aj;
        } else {
            let derphi_aj = derphi(a_j);
            if derphi_aj.abs() <= -c2 * derphi0 && extra(a_j) {
                return Some((a_j, phi_aj));
            }
            if derphi_aj * (a_hi - a_lo) >= 0.0 {
                phi_rec = phi_hi;
                a_rec = a_hi;
                a_hi = a_lo;
                phi_hi = phi_lo;
            } else {
                phi_rec = phi_lo;
                a_rec = a_lo;
            }
            a_lo = a_j;
            phi_lo = phi_aj;
            derphi_lo = derphi_aj;
        }
        i += 1;
        if i > 10 {
            return None;
        }
    }
}
