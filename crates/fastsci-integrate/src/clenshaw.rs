//! Modified Clenshaw–Curtis rules of QUADPACK for weighted integrals: QC25F (cos/sin
//! weights), QC25C (Cauchy principal value) and QC25S (algebraic–logarithmic end-point
//! weights).
//!
//! Each rule interpolates the smooth part of the integrand at the 25 Chebyshev points
//! `cos(jπ/24)` (and the 13 of them with even `j`), expands it in Chebyshev polynomials, and
//! integrates the series exactly against the weight using *modified Chebyshev moments*
//! `M_k = ∫_{-1}^{1} w(u) T_k(u) du`. The degree-24 and degree-12 results give the error
//! estimate. Where the weight is harmless on a subinterval the rules fall back to the 15-point
//! Gauss–Kronrod rule with the weight multiplied in (QK15W), as QUADPACK does.

use std::collections::HashMap;
use std::f64::consts::PI;

use crate::gauss_legendre::gauss_legendre_nodes;
use crate::kronrod::{RuleOut, qk15w, watched};

/// `cos(mπ/24)` for m = 0..48.
fn cos_table() -> [f64; 48] {
    let mut t = [0.0; 48];
    for (m, v) in t.iter_mut().enumerate() {
        *v = (m as f64 * PI / 24.0).cos();
    }
    t
}

/// Samples `g` at the 25 Chebyshev points of [centr - hlgth, centr + hlgth]: entry `j` is
/// at `centr + hlgth cos(jπ/24)`.
fn sample<G: FnMut(f64) -> f64>(mut g: G, centr: f64, hlgth: f64, cos: &[f64; 48]) -> [f64; 25] {
    let mut v = [0.0; 25];
    for (j, slot) in v.iter_mut().enumerate() {
        // cos(jπ/24) for j > 12 is -cos((24-j)π/24): keep the nodes exactly symmetric.
        let x = if j <= 12 { centr + hlgth * cos[j] } else { centr - hlgth * cos[24 - j] };
        *slot = g(x);
    }
    v
}

/// Chebyshev coefficients of the degree-12 and degree-24 interpolants of the samples
/// (`f ≈ Σ'' c_k T_k`, first and last terms halved).
fn chebyshev(v: &[f64; 25], cos: &[f64; 48]) -> ([f64; 13], [f64; 25]) {
    let mut c24 = [0.0; 25];
    for (k, c) in c24.iter_mut().enumerate() {
        let mut s = 0.5 * (v[0] + v[24] * cos[(24 * k) % 48]);
        for (j, vj) in v.iter().enumerate().take(24).skip(1) {
            s += vj * cos[(j * k) % 48];
        }
        *c = s / 12.0;
    }
    let mut c12 = [0.0; 13];
    for (k, c) in c12.iter_mut().enumerate() {
        let mut s = 0.5 * (v[0] + v[24] * cos[(24 * k) % 48]);
        for j in 1..12 {
            s += v[2 * j] * cos[(2 * j * k) % 48];
        }
        *c = s / 6.0;
    }
    (c12, c24)
}

/// `Σ'' c_k M_k` for both interpolants.
fn series(c12: &[f64; 13], c24: &[f64; 25], m: &[f64; 25]) -> (f64, f64) {
    let mut r12 = 0.5 * (c12[0] * m[0] + c12[12] * m[12]);
    for k in 1..12 {
        r12 += c12[k] * m[k];
    }
    let mut r24 = 0.5 * (c24[0] * m[0] + c24[24] * m[24]);
    for k in 1..24 {
        r24 += c24[k] * m[k];
    }
    (r12, r24)
}

/// `∫_{-1}^{1} T_k(u) cos(pu) du` and `∫ T_k(u) sin(pu) du`, k = 0..24.
pub(crate) fn fourier_moments(p: f64) -> ([f64; 25], [f64; 25]) {
    let mut mc = [0.0; 25];
    let mut ms = [0.0; 25];
    if p.abs() <= 24.0 {
        // Gauss–Legendre with 80 points integrates T_k(u) e^{ipu} (k ≤ 24, |p| ≤ 24) to
        // machine precision: the integrand is entire and its Bernstein-ellipse bound decays
        // like e^{|p| sinh s - 160 s}.
        let (x, w) = gauss_legendre_nodes(80);
        for (&xi, &wi) in x.iter().zip(&w) {
            let (s, c) = (p * xi).sin_cos();
            let (mut t0, mut t1) = (1.0, xi);
            for k in 0..25 {
                let t = if k == 0 { t0 } else { t1 };
                mc[k] += wi * t * c;
                ms[k] += wi * t * s;
                if k >= 1 {
                    let t2 = 2.0 * xi * t1 - t0;
                    t0 = t1;
                    t1 = t2;
                }
            }
        }
        return (mc, ms);
    }
    // Forward recurrence on I_k = ∫ T_k e^{ipu} du, stable while k < |p|:
    // I_{k+1} = (k+1)/(k-1) I_{k-1} - 2(k+1)/(ip) I_k - 2 B_{k+1} / (ip (k-1)),
    // with B_m = e^{ip} - (-1)^m e^{-ip}.
    let (sp, cp) = p.sin_cos();
    let i0 = 2.0 * sp / p;
    let i1 = 2.0 * (sp - p * cp) / (p * p);
    let i2 = 4.0 * ((p * p - 2.0) * sp + 2.0 * p * cp) / (p * p * p) - i0;
    // Complex numbers as (re, im).
    let mut prev = (i1 * 0.0, i1); // I_1 = i * (...)
    let mut cur = (i2, 0.0);
    mc[0] = i0;
    ms[1] = i1;
    mc[2] = i2;
    for k in 2..24usize {
        let kf = k as f64;
        // B_{k+1}: k+1 even -> 2i sin p, odd -> 2 cos p.
        let b = if (k + 1) % 2 == 0 { (0.0, 2.0 * sp) } else { (2.0 * cp, 0.0) };
        // 1/(ip) = -i/p: (x + iy) * (-i/p) = (y/p, -x/p).
        let div_ip = |z: (f64, f64)| (z.1 / p, -z.0 / p);
        let t1 = ((kf + 1.0) / (kf - 1.0) * prev.0, (kf + 1.0) / (kf - 1.0) * prev.1);
        let ci = div_ip(cur);
        let t2 = (2.0 * (kf + 1.0) * ci.0, 2.0 * (kf + 1.0) * ci.1);
        let bi = div_ip(b);
        let t3 = (2.0 * bi.0 / (kf - 1.0), 2.0 * bi.1 / (kf - 1.0));
        let next = (t1.0 - t2.0 - t3.0, t1.1 - t2.1 - t3.1);
        mc[k + 1] = next.0;
        ms[k + 1] = next.1;
        prev = cur;
        cur = next;
    }
    (mc, ms)
}

/// Whether a trigonometric weight is `cos(ωx)` or `sin(ωx)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trig {
    Cos,
    Sin,
}

/// QC25F with its moment cache (QUADPACK's `chebmo`), keyed by the bits of `ω h`.
pub(crate) struct Qc25f {
    omega: f64,
    kind: Trig,
    cos: [f64; 48],
    cache: HashMap<u64, ([f64; 25], [f64; 25])>,
}

impl Qc25f {
    pub(crate) fn new(omega: f64, kind: Trig) -> Qc25f {
        Qc25f { omega, kind, cos: cos_table(), cache: HashMap::new() }
    }

    /// `∫_a^b f(x) w(x) dx` with `w = cos(ωx)` or `sin(ωx)`.
    pub(crate) fn rule<F: Fn(f64) -> f64 + ?Sized>(&mut self, f: &F, a: f64, b: f64) -> RuleOut {
        let omega = self.omega;
        let centr = 0.5 * (a + b);
        let hlgth = 0.5 * (b - a);
        let parint = omega * hlgth;
        if parint.abs() <= 2.0 {
            return match self.kind {
                Trig::Cos => qk15w(f, |x| (omega * x).cos(), a, b),
                Trig::Sin => qk15w(f, |x| (omega * x).sin(), a, b),
            };
        }
        let mut bad = None;
        let v = sample(watched(f, &mut bad), centr, hlgth, &self.cos);
        let (c12, c24) = chebyshev(&v, &self.cos);
        let (mc, ms) = self.cache.entry(parint.to_bits()).or_insert_with(|| fourier_moments(parint));
        let (rc12, rc24) = series(&c12, &c24, mc);
        let (rs12, rs24) = series(&c12, &c24, ms);
        let (sc, cc) = (omega * centr).sin_cos();
        let h = hlgth.abs();
        let (result, abserr) = match self.kind {
            Trig::Cos => (
                hlgth * (cc * rc24 - sc * rs24),
                h * ((cc * (rc24 - rc12)).abs() + (sc * (rs24 - rs12)).abs()),
            ),
            Trig::Sin => (
                hlgth * (sc * rc24 + cc * rs24),
                h * ((sc * (rc24 - rc12)).abs() + (cc * (rs24 - rs12)).abs()),
            ),
        };
        let resabs = h * (rc24.abs() + rs24.abs());
        RuleOut { result, abserr, resabs, resasc: f64::NAN, neval: 25, bad }
    }
}

/// QC25C: `∫_a^b f(x) / (x - c) dx` (principal value when a < c < b).
pub(crate) fn qc25c<F: Fn(f64) -> f64 + ?Sized>(f: &F, a: f64, b: f64, c: f64) -> RuleOut {
    let cc = (2.0 * c - b - a) / (b - a);
    if cc.abs() >= 1.1 {
        return qk15w(f, |x| 1.0 / (x - c), a, b);
    }
    let cos = cos_table();
    let centr = 0.5 * (a + b);
    let hlgth = 0.5 * (b - a);
    let mut bad = None;
    let v = sample(watched(f, &mut bad), centr, hlgth, &cos);
    let (c12, c24) = chebyshev(&v, &cos);
    // M_0 = log|(1-cc)/(1+cc)|, M_1 = 2 + cc M_0, M_{k+1} = 2 cc M_k - M_{k-1} + 2 ∫T_k.
    let mut m = [0.0; 25];
    m[0] = ((1.0 - cc) / (1.0 + cc)).abs().ln();
    m[1] = 2.0 + cc * m[0];
    for k in 1..24 {
        let int_tk = if k % 2 == 0 { 2.0 / (1.0 - (k * k) as f64) } else { 0.0 };
        m[k + 1] = 2.0 * cc * m[k] - m[k - 1] + 2.0 * int_tk;
    }
    let (r12, r24) = series(&c12, &c24, &m);
    RuleOut { result: r24, abserr: (r24 - r12).abs(), resabs: r24.abs(), resasc: f64::NAN, neval: 25, bad }
}

/// Which logarithms the algebraic weight carries (QUADPACK's `integr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlgLog {
    /// `(x-a)^α (b-x)^β`
    None,
    /// times `log(x-a)`
    A,
    /// times `log(b-x)`
    B,
    /// times `log(x-a) log(b-x)`
    Both,
}

/// QC25S with the moments of QMOMO for one (α, β).
pub(crate) struct Qc25s {
    a: f64,
    b: f64,
    alpha: f64,
    beta: f64,
    log: AlgLog,
    ri: [f64; 25],
    rj: [f64; 25],
    rg: [f64; 25],
    rh: [f64; 25],
    cos: [f64; 48],
}

/// `R_k = ∫_{-1}^{1} (1+u)^α T_k(u) du` and `G_k = ∫ (1+u)^α log((1+u)/2) T_k(u) du` by the
/// forward recurrences of QMOMO.
pub(crate) fn algebraic_moments(alpha: f64) -> ([f64; 25], [f64; 25]) {
    let alfp1 = alpha + 1.0;
    let alfp2 = alpha + 2.0;
    let ralf = 2f64.powf(alfp1);
    let mut ri = [0.0; 25];
    let mut rg = [0.0; 25];
    ri[0] = ralf / alfp1;
    ri[1] = ri[0] * alpha / alfp2;
    let mut an = 2.0;
    let mut anm1 = 1.0;
    for i in 2..25 {
        ri[i] = -(ralf + an * (an - alfp2) * ri[i - 1]) / (anm1 * (an + alfp1));
        anm1 = an;
        an += 1.0;
    }
    rg[0] = -ri[0] / alfp1;
    rg[1] = -(ralf + ralf) / (alfp2 * alfp2) - rg[0];
    let mut an = 2.0;
    let mut anm1 = 1.0;
    for i in 2..25 {
        rg[i] = -(an * (an - alfp2) * rg[i - 1] - an * ri[i - 1] + anm1 * ri[i]) / (anm1 * (an + alfp1));
        anm1 = an;
        an += 1.0;
    }
    (ri, rg)
}

impl Qc25s {
    pub(crate) fn new(a: f64, b: f64, alpha: f64, beta: f64, log: AlgLog) -> Qc25s {
        let (ri, rg) = algebraic_moments(alpha);
        let (mut rj, mut rh) = algebraic_moments(beta);
        // (1-u)^β: T_k(-u) = (-1)^k T_k(u).
        for k in (1..25).step_by(2) {
            rj[k] = -rj[k];
            rh[k] = -rh[k];
        }
        Qc25s { a, b, alpha, beta, log, ri, rj, rg, rh, cos: cos_table() }
    }

    /// The full weight at `x`.
    pub(crate) fn weight(&self, x: f64) -> f64 {
        let (xa, bx) = (x - self.a, self.b - x);
        let mut w = xa.powf(self.alpha) * bx.powf(self.beta);
        match self.log {
            AlgLog::None => {}
            AlgLog::A => w *= xa.ln(),
            AlgLog::B => w *= bx.ln(),
            AlgLog::Both => w *= xa.ln() * bx.ln(),
        }
        w
    }

    fn log_a(&self) -> bool {
        matches!(self.log, AlgLog::A | AlgLog::Both)
    }

    fn log_b(&self) -> bool {
        matches!(self.log, AlgLog::B | AlgLog::Both)
    }

    /// `∫_{bl}^{br} w(x) f(x) dx` for a subinterval of [a, b].
    pub(crate) fn rule<F: Fn(f64) -> f64 + ?Sized>(&self, f: &F, bl: f64, br: f64) -> RuleOut {
        let left = bl == self.a && (self.alpha != 0.0 || self.log_a());
        let right = br == self.b && (self.beta != 0.0 || self.log_b());
        if !left && !right {
            return qk15w(f, |x| self.weight(x), bl, br);
        }
        let hlgth = 0.5 * (br - bl);
        let centr = 0.5 * (br + bl);
        let mut bad = None;
        // The smooth part: f times the factors of the weight regular on this subinterval.
        let mut fx = watched(f, &mut bad);
        let smooth = move |x: f64| {
            let y = fx(x);
            if left {
                let bx = self.b - x;
                let mut g = y * bx.powf(self.beta);
                if self.log_b() {
                    g *= bx.ln();
                }
                g
            } else {
                let xa = x - self.a;
                let mut g = y * xa.powf(self.alpha);
                if self.log_a() {
                    g *= xa.ln();
                }
                g
            }
        };
        let v = sample(smooth, centr, hlgth, &self.cos);
        let (c12, c24) = chebyshev(&v, &self.cos);
        let (m, mlog, expo, with_log) = if left {
            (&self.ri, &self.rg, self.alpha, self.log_a())
        } else {
            (&self.rj, &self.rh, self.beta, self.log_b())
        };
        let factor = hlgth.powf(expo + 1.0);
        let (r12, r24) = series(&c12, &c24, m);
        let (mut result, mut abserr) = (0.0, 0.0);
        let (mut res12, mut res24) = (r12, r24);
        if with_log {
            // log(x - a) = log(br - bl) + log((1 + u)/2) at the left end (mirrored at the right).
            let dc = (br - bl).ln();
            result = r24 * dc;
            abserr = ((r24 - r12) * dc).abs();
            let (g12, g24) = series(&c12, &c24, mlog);
            res12 = g12;
            res24 = g24;
        }
        result = (result + res24) * factor;
        abserr = (abserr + (res24 - res12).abs()) * factor;
        RuleOut { result, abserr, resabs: result.abs(), resasc: f64::NAN, neval: 25, bad }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gauss_legendre::gauss_legendre_nodes;

    fn chebyshev_t(k: usize, x: f64) -> f64 {
        (k as f64 * x.clamp(-1.0, 1.0).acos()).cos()
    }

    #[test]
    fn fourier_moments_recurrence_matches_quadrature() {
        for &p in &[24.5, 30.0, 100.0, 1000.0] {
            let (mc, ms) = fourier_moments(p);
            let n = (p as usize) + 60;
            let (x, w) = gauss_legendre_nodes(n);
            for k in 0..25 {
                let c: f64 = x.iter().zip(&w).map(|(&x, &w)| w * chebyshev_t(k, x) * (p * x).cos()).sum();
                let s: f64 = x.iter().zip(&w).map(|(&x, &w)| w * chebyshev_t(k, x) * (p * x).sin()).sum();
                assert!((mc[k] - c).abs() < 1e-13, "p={p} k={k}: {} vs {c}", mc[k]);
                assert!((ms[k] - s).abs() < 1e-13, "p={p} k={k}: {} vs {s}", ms[k]);
            }
        }
    }

    #[test]
    fn algebraic_moments_match_tanh_sinh_quadrature() {
        let o = crate::quad::QuadOptions::default().epsabs(1e-15).epsrel(1e-14);
        for &alpha in &[-0.5, 0.0, 0.3, 2.0, -0.9] {
            let (ri, rg) = algebraic_moments(alpha);
            for k in 0..25 {
                let r = crate::tanh_sinh::tanh_sinh(
                    |v: f64| v.powf(alpha) * chebyshev_t(k, v - 1.0),
                    0.0,
                    2.0,
                    &o,
                )
                .unwrap()
                .value;
                let g = crate::tanh_sinh::tanh_sinh(
                    |v: f64| v.powf(alpha) * (0.5 * v).ln() * chebyshev_t(k, v - 1.0),
                    0.0,
                    2.0,
                    &o,
                )
                .unwrap()
                .value;
                let scale = ri[0].abs().max(1.0);
                assert!((ri[k] - r).abs() < 1e-11 * scale, "alpha={alpha} k={k}: {} vs {r}", ri[k]);
                assert!(
                    (rg[k] - g).abs() < 1e-11 * scale.max(rg[0].abs()),
                    "alpha={alpha} k={k}: {} vs {g}",
                    rg[k]
                );
            }
        }
    }
}
