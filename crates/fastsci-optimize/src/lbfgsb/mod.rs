//! L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995; Morales & Nocedal 2011), following the structure of
//! the reference code version 3.0 that SciPy runs: the generalized Cauchy point along the
//! projected steepest descent path, subspace minimization over the free variables by the
//! direct primal method with the projection of version 3.0, and the Moré–Thuente line search
//! (`dcsrch`) with `ftol = 1e-3`, `gtol = 0.9`, `xtol = 0.1`.
//!
//! The files follow an iteration: this module holds the limited-memory matrices (the compact
//! representation `B = θI − W M Wᵀ`) and the outer loop with its line search; `cauchy.rs` finds
//! the generalized Cauchy point, `subspace.rs` minimizes the model over the free variables.

mod cauchy;
mod subspace;

use self::cauchy::cauchy;
use self::subspace::{formk, subsm};
use crate::linesearch::{Dcsrch, Task};
use crate::result::{MinimizeStatus, OptimizeResult};
use crate::scalar_fn::{ScalarFunction, dot, dot_lanes};

/// Options of L-BFGS-B (SciPy's defaults in [`crate::Options`]).
pub(crate) struct LbfgsbOptions {
    pub m: usize,
    pub ftol: f64,
    pub pgtol: f64,
    pub maxfun: usize,
    pub maxiter: usize,
    pub maxls: usize,
}

/// Kind of bounds of one variable: 0 none, 1 lower, 2 both, 3 upper (the code's `nbd`).
fn nbd_of(lo: f64, hi: f64) -> u8 {
    match (lo.is_finite(), hi.is_finite()) {
        (false, false) => 0,
        (true, false) => 1,
        (true, true) => 2,
        (false, true) => 3,
    }
}

/// LINPACK `dpofa`: Cholesky `A = Rᵀ R` of the upper triangle of the k x k row-major `a`.
fn dpofa(a: &mut [f64], k: usize) -> bool {
    for j in 0..k {
        let mut s = 0.0;
        for kk in 0..j {
            let mut t = a[kk * k + j];
            for i in 0..kk {
                t -= a[i * k + kk] * a[i * k + j];
            }
            t /= a[kk * k + kk];
            a[kk * k + j] = t;
            s += t * t;
        }
        let s = a[j * k + j] - s;
        if s <= 0.0 || s.is_nan() {
            return false;
        }
        a[j * k + j] = s.sqrt();
    }
    true
}

/// Solves `R x = b` (transpose = false) or `Rᵀ x = b` (true) for upper-triangular `R`
/// (k x k row-major, leading dimension `ld`), in place.
fn dtrsl(r: &[f64], ld: usize, k: usize, b: &mut [f64], transpose: bool) -> bool {
    for i in 0..k {
        if r[i * ld + i] == 0.0 {
            return false;
        }
    }
    if transpose {
        for i in 0..k {
            let mut s = b[i];
            for j in 0..i {
                s -= r[j * ld + i] * b[j];
            }
            b[i] = s / r[i * ld + i];
        }
    } else {
        for i in (0..k).rev() {
            let mut s = b[i];
            for j in i + 1..k {
                s -= r[i * ld + j] * b[j];
            }
            b[i] = s / r[i * ld + i];
        }
    }
    true
}

/// The limited-memory matrices: pairs oldest first and their inner products.
struct Memory {
    m: usize,
    s: Vec<Vec<f64>>,
    y: Vec<Vec<f64>>,
    /// sy[i][j] = s_i · y_j
    sy: Vec<Vec<f64>>,
    /// ss[i][j] = s_i · s_j
    ss: Vec<Vec<f64>>,
    /// yy[i][j] = y_i · y_j
    yy: Vec<Vec<f64>>,
    theta: f64,
    /// Updates since the last reset (the code's `iupdat`).
    iupdat: usize,
    /// Cholesky factor (upper) of T = theta SᵀS + L D⁻¹ Lᵀ, col x col row-major.
    wt: Vec<f64>,
}

impl Memory {
    fn new(m: usize) -> Self {
        Memory {
            m,
            s: vec![],
            y: vec![],
            sy: vec![],
            ss: vec![],
            yy: vec![],
            theta: 1.0,
            iupdat: 0,
            wt: vec![],
        }
    }
    fn col(&self) -> usize {
        self.s.len()
    }
    fn reset(&mut self) {
        self.s.clear();
        self.y.clear();
        self.sy.clear();
        self.ss.clear();
        self.yy.clear();
        self.theta = 1.0;
        self.iupdat = 0;
        self.wt.clear();
    }

    /// `matupd`: adds the pair (s, y) with s·s = sts and s·y = dr, y·y = rr.
    fn update(&mut self, s: Vec<f64>, y: Vec<f64>, sts: f64, dr: f64, rr: f64) {
        if self.s.len() == self.m {
            self.s.remove(0);
            self.y.remove(0);
            for mat in [&mut self.sy, &mut self.ss, &mut self.yy] {
                mat.remove(0);
                for row in mat.iter_mut() {
                    row.remove(0);
                }
            }
        }
        let k = self.s.len();
        let mut sy_row = Vec::with_capacity(k + 1);
        let mut ss_row = Vec::with_capacity(k + 1);
        let mut yy_row = Vec::with_capacity(k + 1);
        for j in 0..k {
            sy_row.push(dot_lanes(&s, &self.y[j]));
            ss_row.push(dot_lanes(&self.s[j], &s));
            yy_row.push(dot_lanes(&self.y[j], &y));
        }
        for j in 0..k {
            let v = dot_lanes(&self.s[j], &y);
            self.sy[j].push(v);
            self.ss[j].push(ss_row[j]);
            self.yy[j].push(yy_row[j]);
        }
        sy_row.push(dr);
        ss_row.push(sts);
        yy_row.push(rr);
        self.sy.push(sy_row);
        self.ss.push(ss_row);
        self.yy.push(yy_row);
        self.s.push(s);
        self.y.push(y);
        self.theta = rr / dr;
        self.iupdat += 1;
    }

    /// `formt`: T = theta SᵀS + L D⁻¹ Lᵀ and its Cholesky factor.
    fn formt(&mut self) -> bool {
        let col = self.col();
        let mut wt = vec![0.0; col * col];
        for j in 0..col {
            wt[j] = self.theta * self.ss[0][j];
        }
        for i in 1..col {
            for j in i..col {
                let mut ddum = 0.0;
                for k in 0..i {
                    ddum += self.sy[i][k] * self.sy[j][k] / self.sy[k][k];
                }
                wt[i * col + j] = ddum + self.theta * self.ss[i][j];
            }
        }
        let ok = dpofa(&mut wt, col);
        self.wt = wt;
        ok
    }

    /// `bmv`: the product of the 2col x 2col middle matrix M with v.
    fn bmv(&self, v: &[f64]) -> Option<Vec<f64>> {
        let col = self.col();
        let mut p = vec![0.0; 2 * col];
        if col == 0 {
            return Some(p);
        }
        p[col] = v[col];
        for i in 1..col {
            let mut sum = 0.0;
            for k in 0..i {
                sum += self.sy[i][k] * v[k] / self.sy[k][k];
            }
            p[col + i] = v[col + i] + sum;
        }
        if !dtrsl(&self.wt, col, col, &mut p[col..], true) {
            return None;
        }
        for i in 0..col {
            p[i] = v[i] / self.sy[i][i].sqrt();
        }
        if !dtrsl(&self.wt, col, col, &mut p[col..], false) {
            return None;
        }
        for i in 0..col {
            p[i] = -p[i] / self.sy[i][i].sqrt();
        }
        for i in 0..col {
            let mut sum = 0.0;
            for k in i + 1..col {
                sum += self.sy[k][i] * p[col + k] / self.sy[i][i];
            }
            p[i] += sum;
        }
        Some(p)
    }
}

/// Bounds data of one run.
struct Bounds {
    l: Vec<f64>,
    u: Vec<f64>,
    nbd: Vec<u8>,
}

/// `projgr`: the infinity norm of the projected gradient.
fn projgr(b: &Bounds, x: &[f64], g: &[f64]) -> f64 {
    let mut norm: f64 = 0.0;
    for i in 0..x.len() {
        let mut gi = g[i];
        if gi.is_nan() {
            return gi;
        }
        if b.nbd[i] != 0 {
            if gi < 0.0 {
                if b.nbd[i] >= 2 {
                    gi = gi.max(x[i] - b.u[i]);
                }
            } else if b.nbd[i] <= 2 {
                gi = gi.min(x[i] - b.l[i]);
            }
        }
        norm = norm.max(gi.abs());
    }
    norm
}

/// SciPy's messages of L-BFGS-B.
pub mod messages {
    /// Projected gradient small enough.
    pub const CONV_PGTOL: &str = "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL";
    /// Relative reduction of f small enough.
    pub const CONV_FACTR: &str = "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH";
    /// Line search failed.
    pub const ABNORMAL: &str = "ABNORMAL: ";
    /// Too many iterations.
    pub const MAXITER: &str = "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT";
    /// Too many evaluations.
    pub const MAXFUN: &str = "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT";
}

/// Largest dimension for which the dense `hess_inv` is formed.
const HESS_INV_MAX_N: usize = 200;

/// The limited-memory inverse Hessian as SciPy's `LbfgsInvHessProduct` defines it (two-loop
/// recursion from the identity over the stored pairs, taken in the order of the code's circular
/// buffer), as a dense row-major matrix.
fn dense_inverse_hessian(mem: &Memory, n: usize) -> Vec<f64> {
    let k = mem.col();
    // Chronological pair j sits in slot (iupdat - k + j) mod m of the buffer.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&j| (mem.iupdat + mem.m - k + j) % mem.m);
    let s: Vec<&Vec<f64>> = order.iter().map(|&j| &mem.s[j]).collect();
    let y: Vec<&Vec<f64>> = order.iter().map(|&j| &mem.y[j]).collect();
    let mem = (s, y);
    let rho: Vec<f64> = (0..k).map(|i| 1.0 / dot(mem.0[i], mem.1[i])).collect();
    let mut h = vec![0.0; n * n];
    let mut alpha = vec![0.0; k];
    for j in 0..n {
        let mut q = vec![0.0; n];
        q[j] = 1.0;
        for i in (0..k).rev() {
            alpha[i] = rho[i] * dot(mem.0[i], &q);
            for t in 0..n {
                q[t] -= alpha[i] * mem.1[i][t];
            }
        }
        for i in 0..k {
            let beta = rho[i] * dot(mem.1[i], &q);
            for t in 0..n {
                q[t] += mem.0[i][t] * (alpha[i] - beta);
            }
        }
        for t in 0..n {
            h[t * n + j] = q[t];
        }
    }
    h
}

enum Stop {
    Converged(&'static str),
    Limit(&'static str),
    Abnormal,
}

pub(crate) fn minimize_lbfgsb(
    sf: &mut ScalarFunction<'_, '_>,
    x0: &[f64],
    bounds: Option<&[(f64, f64)]>,
    o: &LbfgsbOptions,
) -> OptimizeResult {
    let n = x0.len();
    let (l, u): (Vec<f64>, Vec<f64>) = match bounds {
        Some(bs) => bs.iter().copied().unzip(),
        None => (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]),
    };
    let nbd: Vec<u8> = l.iter().zip(&u).map(|(&a, &b)| nbd_of(a, b)).collect();
    let b = Bounds { l, u, nbd };
    // `active`: project x0 and classify the variables.
    let mut x: Vec<f64> = x0.iter().enumerate().map(|(i, &v)| v.max(b.l[i]).min(b.u[i])).collect();
    let mut iwhere = vec![0i8; n];
    let mut cnstnd = false;
    let mut boxed = true;
    for i in 0..n {
        if b.nbd[i] != 2 {
            boxed = false;
        }
        if b.nbd[i] == 0 {
            iwhere[i] = -1;
        } else {
            cnstnd = true;
            iwhere[i] = if b.nbd[i] == 2 && b.u[i] - b.l[i] <= 0.0 { 3 } else { 0 };
        }
    }
    let mut f = sf.fun(&x);
    let mut g = vec![0.0; n];
    sf.grad(&x, &mut g);
    let mut mem = Memory::new(o.m);
    let mut iter = 0usize;
    let mut sbgnrm = projgr(&b, &x, &g);
    let mut updatd = false;
    let mut free: Vec<usize> = (0..n).collect();
    let mut active: Vec<usize> = Vec::new();
    let stop: Stop;
    if sbgnrm <= o.pgtol {
        stop = Stop::Converged(messages::CONV_PGTOL);
    } else {
        'outer: loop {
            let col = mem.col();
            let mut z;
            let mut c = vec![0.0; 2 * col];
            if !cnstnd && col > 0 {
                z = x.clone();
            } else {
                match cauchy(&b, &mem, &x, &g, &mut iwhere, sbgnrm) {
                    Some((zc, cc)) => {
                        z = zc;
                        c = cc;
                    }
                    None => {
                        mem.reset();
                        updatd = false;
                        continue 'outer;
                    }
                }
                free.clear();
                active.clear();
                for i in 0..n {
                    if iwhere[i] <= 0 {
                        free.push(i);
                    } else {
                        active.push(i);
                    }
                }
            }
            let _ = updatd;
            if !free.is_empty() && col > 0 {
                let Some(wn) = formk(&mem, &free, &active) else {
                    mem.reset();
                    updatd = false;
                    continue 'outer;
                };
                // `cmprlb`: r = −Zᵀ(B(z − x) + g).
                let mut r: Vec<f64>;
                if !cnstnd {
                    r = free.iter().map(|&k| -g[k]).collect();
                } else {
                    r = free.iter().map(|&k| -mem.theta * (z[k] - x[k]) - g[k]).collect();
                    let Some(v) = mem.bmv(&c) else {
                        mem.reset();
                        updatd = false;
                        continue 'outer;
                    };
                    for j in 0..col {
                        let a1 = v[j];
                        let a2 = mem.theta * v[col + j];
                        for (i, &k) in free.iter().enumerate() {
                            r[i] += mem.y[j][k] * a1 + mem.s[j][k] * a2;
                        }
                    }
                }
                if !subsm(&b, &mem, &wn, &free, &mut z, &mut r, &x, &g) {
                    mem.reset();
                    updatd = false;
                    continue 'outer;
                }
            }
            // `lnsrlb`: the line search along d = z − x.
            let mut d: Vec<f64> = (0..n).map(|i| z[i] - x[i]).collect();
            let dtd = dot_lanes(&d, &d);
            let dnorm = dtd.sqrt();
            let mut stpmx = 1e10;
            if cnstnd {
                if iter == 0 {
                    stpmx = 1.0;
                } else {
                    for i in 0..n {
                        let a1 = d[i];
                        if b.nbd[i] != 0 {
                            if a1 < 0.0 && b.nbd[i] <= 2 {
                                let a2 = b.l[i] - x[i];
                                if a2 >= 0.0 {
                                    stpmx = 0.0;
                                } else if a1 * stpmx < a2 {
                                    stpmx = a2 / a1;
                                }
                            } else if a1 > 0.0 && b.nbd[i] >= 2 {
                                let a2 = b.u[i] - x[i];
                                if a2 <= 0.0 {
                                    stpmx = 0.0;
                                } else if a1 * stpmx > a2 {
                                    stpmx = a2 / a1;
                                }
                            }
                        }
                    }
                }
            }
            let mut stp = if iter == 0 && !boxed { (1.0 / dnorm).min(stpmx) } else { 1.0 };
            let t = x.clone();
            let r_old = g.clone();
            let fold = f;
            let mut ifun = 0usize;
            let mut ls = Dcsrch::new(1e-3, 0.9, 0.1, 0.0, stpmx);
            let mut task = Task::Start;
            let mut gd;
            let mut gdold = 0.0;
            let mut failed = false;
            loop {
                gd = dot_lanes(&g, &d);
                if ifun == 0 {
                    gdold = gd;
                    if gd >= 0.0 {
                        failed = true;
                        break;
                    }
                }
                let (s, tk) = ls.iterate(stp, f, gd, task);
                stp = s;
                task = tk;
                if matches!(task, Task::Convergence | Task::Warning) {
                    break;
                }
                if task == Task::Error || !stp.is_finite() {
                    failed = true;
                    break;
                }
                ifun += 1;
                let iback = ifun - 1;
                if stp == 1.0 {
                    x.copy_from_slice(&z);
                } else {
                    for i in 0..n {
                        x[i] = stp * d[i] + t[i];
                    }
                }
                if iback >= o.maxls {
                    failed = true;
                    break;
                }
                f = sf.fun(&x);
                sf.grad(&x, &mut g);
            }
            if failed {
                x.copy_from_slice(&t);
                g.copy_from_slice(&r_old);
                f = fold;
                if mem.col() == 0 {
                    iter += 1;
                    stop = Stop::Abnormal;
                    break 'outer;
                }
                mem.reset();
                updatd = false;
                continue 'outer;
            }
            // NEW_X
            iter += 1;
            sbgnrm = projgr(&b, &x, &g);
            if iter >= o.maxiter {
                stop = Stop::Limit(messages::MAXITER);
                break;
            }
            if sf.nfev > o.maxfun {
                stop = Stop::Limit(messages::MAXFUN);
                break;
            }
            if sbgnrm <= o.pgtol {
                stop = Stop::Converged(messages::CONV_PGTOL);
                break;
            }
            let ddum = fold.abs().max(f.abs()).max(1.0);
            if fold - f <= o.ftol * ddum {
                stop = Stop::Converged(messages::CONV_FACTR);
                break;
            }
            let y: Vec<f64> = (0..n).map(|i| g[i] - r_old[i]).collect();
            let rr = dot_lanes(&y, &y);
            let (dr, ddum) = if stp == 1.0 {
                (gd - gdold, -gdold)
            } else {
                for v in d.iter_mut() {
                    *v *= stp;
                }
                ((gd - gdold) * stp, -gdold * stp)
            };
            if dr <= f64::EPSILON * ddum {
                updatd = false;
                continue;
            }
            updatd = true;
            let sts = if stp == 1.0 { dtd } else { stp * stp * dtd };
            mem.update(d, y, sts, dr, rr);
            if !mem.formt() {
                mem.reset();
                updatd = false;
            }
        }
    }
    let mut res = OptimizeResult::new(x, f);
    match stop {
        Stop::Converged(msg) => {
            res.message = msg.into();
        }
        Stop::Limit(msg) => {
            res.message = msg.into();
            let limit = if msg == messages::MAXFUN {
                MinimizeStatus::MaxFunctionEvaluations
            } else {
                MinimizeStatus::MaxIterations
            };
            res.stop(limit, 1);
        }
        Stop::Abnormal => {
            res.message = messages::ABNORMAL.into();
            res.stop(MinimizeStatus::Abnormal, 2);
        }
    }
    res.jac = Some(g);
    if n <= HESS_INV_MAX_N {
        let dense = dense_inverse_hessian(&mem, n);
        res.hess_inv = Some(ndarray::Array2::from_shape_vec((n, n), dense).expect("n x n entries"));
    }
    res.nit = iter;
    res.nfev = sf.nfev;
    res.njev = sf.ngev;
    res
}
