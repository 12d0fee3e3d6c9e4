//! Vectorizable transcendental functions on `f64`, each within 2 ulp of the correctly rounded
//! result (checked against mpmath in the tests).
//!
//! Every function has a scalar form (`exp(x)`) written without data-dependent branches, so
//! that a loop over a block compiles to SIMD code, and a slice form (`exp_slice(x, out)`)
//! that runs such a loop, compiled twice (baseline x86-64 and AVX2) and chosen at run time.
//! Rare inputs outside the fast path (huge arguments of sin/cos/tan, special cases of pow)
//! are fixed up by a scalar pass afterwards.
//!
//! # Algorithms
//! - `exp`: `x = k ln2 + r`, `|r| <= ln2/2`, with `ln2` split in a 32-bit head (so `k*head` is
//!   exact) and a tail; `e^r` by its Taylor polynomial to degree 13; scaling by `2^k` in two
//!   steps so subnormal results round once.
//! - `log`: `x = 2^e m`, `m` in `[sqrt(1/2), sqrt(2))`, `f = m - 1`, `s = f/(2+f)`,
//!   `log(1+f) = f - (f^2/2 - s (f^2/2 + R(s^2)))` with `R` the series of `2 atanh(s) - 2s`
//!   (fdlibm's arrangement), plus `e ln2` in two parts.
//! - `sin`, `cos`, `tan`: Cody–Waite reduction by `pi/2` in three parts (33 + 33 + 53 bits) for
//!   `|x| <= 8192`, Taylor polynomials on `[-pi/4, pi/4]`, the quadrant chosen by selects;
//!   larger arguments go to the platform's `sin`/`cos` (exact Payne–Hanek reduction).
//! - `tanh`: `x + x^3 P(x^2)` (Taylor) for `|x| < 0.55`, else `1 - 2/(e^{2|x|} + 1)`.
//! - `erf`: `x + x Q(x^2)` (Taylor) for `|x| < 0.5`, Chebyshev-fitted polynomials on pieces of
//!   width 0.5 up to 6, and 1 beyond (coefficients made by mpmath; `vmath_coeffs.rs`).
//! - `pow(x, y)`: `exp(y log x)` with `log x` and the product in double-double arithmetic,
//!   so the error of `y log x` stays below `2^-60` relative even when it is large.
//! - `sqrt`: the hardware instruction (correctly rounded).

use crate::reduce::two_prod;
use crate::vmath_coeffs::{ERF_HI, ERF_LO, ERF_PIECES, ERF_SMALL, ERF_WIDTH, TANH_SMALL};

const LOG2E: f64 = std::f64::consts::LOG2_E;
/// ln 2 rounded to 32 bits: `k * LN2_HI` is exact for `|k| < 2^21`.
const LN2_HI: f64 = 0.6931471806019545;
const LN2_LO: f64 = -4.2009150726810846e-11;
/// 1.5 * 2^52: adding and subtracting it rounds to the nearest integer.
const ROUNDER: f64 = 6755399441055744.0;
/// pi/2 in three parts; the first two have 33 significant bits.
const PIO2_1: f64 = 1.5707963267341256;
const PIO2_2: f64 = 6.077100506303966e-11;
const PIO2_3: f64 = 2.0222662487959506e-21;
const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// Largest |x| reduced by the three-part Cody–Waite method.
const TRIG_FAST_MAX: f64 = 8192.0;
const EXP_MAX: f64 = 709.782712893384;
const EXP_MIN: f64 = -745.1332191019412;

/// Rounds to the nearest integer (ties to even) for `|x| < 2^51`; returns it as `f64` and
/// as the integer in the low bits.
#[inline(always)]
fn round_k(x: f64) -> (f64, i64) {
    let t = x + ROUNDER;
    let k = (t.to_bits() as i64).wrapping_sub(ROUNDER.to_bits() as i64);
    (t - ROUNDER, k)
}

/// `2^k` for `-1022 <= k <= 1023`.
#[inline(always)]
fn pow2i(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^(rh + rl) - 1` for `|rh| <= 0.35`, returned as `(q, correction)` with
/// `e^(rh+rl) = 1 + q + correction`.
#[inline(always)]
fn expm1_reduced(rh: f64, rl: f64) -> f64 {
    // Taylor to degree 13: the first omitted term is below 2^-60 relative on |r| <= 0.35.
    let p = 1.0 / 6227020800.0;
    let p = p * rh + 1.0 / 479001600.0;
    let p = p * rh + 1.0 / 39916800.0;
    let p = p * rh + 1.0 / 3628800.0;
    let p = p * rh + 1.0 / 362880.0;
    let p = p * rh + 1.0 / 40320.0;
    let p = p * rh + 1.0 / 5040.0;
    let p = p * rh + 1.0 / 720.0;
    let p = p * rh + 1.0 / 120.0;
    let p = p * rh + 1.0 / 24.0;
    let p = p * rh + 1.0 / 6.0;
    let p = p * rh + 0.5;
    let q = rh + rh * rh * p;
    // e^(rh+rl) = e^rh (1 + rl) to first order; |rl| < 2^-50.
    q + rl * (1.0 + q)
}

/// `e^(zh + zl) ` for a double-double exponent (the core of `exp` and `pow`).
#[inline(always)]
fn exp_dd(zh: f64, zl: f64) -> f64 {
    let zc = zh.clamp(EXP_MIN - 1.0, EXP_MAX + 1.0);
    let (kf, k) = round_k(zc * LOG2E);
    let r_hi = zc - kf * LN2_HI; // exact
    let r_lo = zl - kf * LN2_LO;
    let rh = r_hi + r_lo;
    let rl = r_lo - (rh - r_hi);
    let y = 1.0 + expm1_reduced(rh, rl);
    let k1 = k >> 1;
    let y = y * pow2i(k1) * pow2i(k - k1);
    let y = if zh > EXP_MAX { f64::INFINITY } else { y };
    let y = if zh < EXP_MIN { 0.0 } else { y };
    if zh.is_nan() { zh } else { y }
}

/// e^x.
///
/// # Examples
/// ```
/// use fastsci_array::vmath::exp;
/// assert_eq!(exp(0.0), 1.0);
/// assert!((exp(1.0) - std::f64::consts::E).abs() <= f64::EPSILON * 3.0);
/// assert_eq!(exp(1000.0), f64::INFINITY);
/// ```
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    exp_dd(x, 0.0)
}

/// Splits a positive finite `x` into `(e, m)` with `x = 2^e m`, `m` in `[sqrt(1/2), sqrt(2))`.
#[inline(always)]
fn frexp_centered(x: f64) -> (f64, f64) {
    let sub = x < f64::MIN_POSITIVE;
    let xs = if sub { x * 18014398509481984.0 } else { x }; // 2^54
    let bits = xs.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023 - if sub { 54 } else { 0 };
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = if big { e + 1 } else { e };
    (e as f64, m)
}

/// Natural logarithm.
///
/// # Examples
/// ```
/// use fastsci_array::vmath::log;
/// assert_eq!(log(1.0), 0.0);
/// assert_eq!(log(0.0), f64::NEG_INFINITY);
/// assert!(log(-1.0).is_nan());
/// ```
#[inline(always)]
pub fn log(x: f64) -> f64 {
    let ok = x > 0.0 && x < f64::INFINITY;
    let xs = if ok { x } else { 1.0 };
    let (e, m) = frexp_centered(xs);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    // R(z) = sum_{k>=1} 2 z^k / (2k+1), to k = 11.
    let r = 2.0 / 23.0;
    let r = r * z + 2.0 / 21.0;
    let r = r * z + 2.0 / 19.0;
    let r = r * z + 2.0 / 17.0;
    let r = r * z + 2.0 / 15.0;
    let r = r * z + 2.0 / 13.0;
    let r = r * z + 2.0 / 11.0;
    let r = r * z + 2.0 / 9.0;
    let r = r * z + 2.0 / 7.0;
    let r = r * z + 2.0 / 5.0;
    let r = r * z + 2.0 / 3.0;
    let r = r * z;
    let hfsq = 0.5 * f * f;
    let y = e * LN2_HI - ((hfsq - (s * (hfsq + r) + e * LN2_LO)) - f);
    if ok {
        y
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY {
        x
    } else {
        f64::NAN
    }
}

/// Reduces `x` (|x| <= 8192) by pi/2: returns `(r, quadrant)` with `x = quadrant*pi/2 + r`.
#[inline(always)]
fn reduce_pio2(x: f64) -> (f64, i64) {
    let (kf, k) = round_k(x * TWO_OVER_PI);
    let r = ((x - kf * PIO2_1) - kf * PIO2_2) - kf * PIO2_3;
    (r, k & 3)
}

/// sin(r) and cos(r) for |r| <= pi/4 (Taylor to degree 17 and 18).
#[inline(always)]
fn sincos_reduced(r: f64) -> (f64, f64) {
    let z = r * r;
    // sin r = r + r z S(z), S_k = (-1)^(k+1) / (2k+3)!
    let p = 1.0 / 355687428096000.0;
    let p = p * z - 1.0 / 1307674368000.0;
    let p = p * z + 1.0 / 6227020800.0;
    let p = p * z - 1.0 / 39916800.0;
    let p = p * z + 1.0 / 362880.0;
    let p = p * z - 1.0 / 5040.0;
    let p = p * z + 1.0 / 120.0;
    let p = p * z - 1.0 / 6.0;
    let sin = r + r * z * p;
    // cos r = 1 - z/2 + z^2 C(z), C_k = (-1)^k / (2k+4)!, compensated as fdlibm does.
    let c = -1.0 / 6402373705728000.0;
    let c = c * z + 1.0 / 20922789888000.0;
    let c = c * z - 1.0 / 87178291200.0;
    let c = c * z + 1.0 / 479001600.0;
    let c = c * z - 1.0 / 3628800.0;
    let c = c * z + 1.0 / 40320.0;
    let c = c * z - 1.0 / 720.0;
    let c = c * z + 1.0 / 24.0;
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    let cos = w + (((1.0 - w) - hz) + z * z * c);
    (sin, cos)
}

/// sin and cos of `x` on the fast path (|x| <= 8192); the caller fixes up larger |x|.
#[inline(always)]
fn sincos_fast(x: f64) -> (f64, f64, i64) {
    let xc = if x.abs() <= TRIG_FAST_MAX { x } else { 0.0 };
    let (r, q) = reduce_pio2(xc);
    let (s, c) = sincos_reduced(r);
    (s, c, q)
}

/// Sine (on the fast path |x| <= 8192; [`sin_slice`] handles every x).
///
/// # Examples
/// ```
/// use fastsci_array::vmath::sin;
/// assert_eq!(sin(0.0), 0.0);
/// assert!((sin(1.0) - 1f64.sin()).abs() <= f64::EPSILON);
/// ```
#[inline(always)]
pub fn sin(x: f64) -> f64 {
    if x.abs() > TRIG_FAST_MAX || x.is_nan() {
        return x.sin();
    }
    sin_fast(x)
}

#[inline(always)]
fn sin_fast(x: f64) -> f64 {
    let (s, c, q) = sincos_fast(x);
    let v = if q & 1 == 0 { s } else { c };
    let v = if q & 2 == 0 { v } else { -v };
    if x == 0.0 { x } else { v }
}

/// Cosine.
///
/// # Examples
/// ```
/// assert_eq!(fastsci_array::vmath::cos(0.0), 1.0);
/// ```
#[inline(always)]
pub fn cos(x: f64) -> f64 {
    if x.abs() > TRIG_FAST_MAX || x.is_nan() {
        return x.cos();
    }
    cos_fast(x)
}

#[inline(always)]
fn cos_fast(x: f64) -> f64 {
    let (s, c, q) = sincos_fast(x);
    let v = if q & 1 == 0 { c } else { s };
    if (q + 1) & 2 == 0 { v } else { -v }
}

/// Tangent.
///
/// # Examples
/// ```
/// assert!((fastsci_array::vmath::tan(0.5) - 0.5f64.tan()).abs() <= 2.0 * f64::EPSILON);
/// ```
#[inline(always)]
pub fn tan(x: f64) -> f64 {
    if x.abs() > TRIG_FAST_MAX || x.is_nan() {
        return x.tan();
    }
    tan_fast(x)
}

#[inline(always)]
fn tan_fast(x: f64) -> f64 {
    let (s, c, q) = sincos_fast(x);
    let v = if q & 1 == 0 { s / c } else { -c / s };
    if x == 0.0 { x } else { v }
}

/// Hyperbolic tangent.
///
/// # Examples
/// ```
/// assert_eq!(fastsci_array::vmath::tanh(30.0), 1.0);
/// assert_eq!(fastsci_array::vmath::tanh(-0.0).to_bits(), (-0.0f64).to_bits());
/// ```
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    let z = x * x;
    let mut p = TANH_SMALL[TANH_SMALL.len() - 1];
    let mut i = TANH_SMALL.len() - 1;
    while i > 0 {
        i -= 1;
        p = p * z + TANH_SMALL[i];
    }
    let small = x + x * z * p;
    let e = exp(2.0 * a.min(20.0));
    let big = 1.0 - 2.0 / (e + 1.0);
    let big = if x < 0.0 { -big } else { big };
    if x == 0.0 || x.is_nan() {
        x
    } else if a < 0.55 {
        small
    } else {
        big
    }
}

/// The error function.
///
/// # Examples
/// ```
/// use fastsci_array::vmath::erf;
/// assert_eq!(erf(0.0), 0.0);
/// assert_eq!(erf(7.0), 1.0);
/// assert!((erf(1.0) - 0.8427007929497149).abs() <= 2.0 * f64::EPSILON);
/// ```
#[inline(always)]
pub fn erf(x: f64) -> f64 {
    let a = x.abs();
    if a < ERF_LO {
        let z = x * x;
        let mut q = ERF_SMALL[ERF_SMALL.len() - 1];
        let mut i = ERF_SMALL.len() - 1;
        while i > 0 {
            i -= 1;
            q = q * z + ERF_SMALL[i];
        }
        return x + x * q;
    }
    if a >= ERF_HI || a.is_nan() {
        return if a.is_nan() { x } else { 1.0f64.copysign(x) };
    }
    let piece = (((a - ERF_LO) / ERF_WIDTH) as usize).min(ERF_PIECES.len() - 1);
    let mid = ERF_LO + ERF_WIDTH * (piece as f64 + 0.5);
    let t = (a - mid) / (0.5 * ERF_WIDTH);
    let c = &ERF_PIECES[piece];
    let mut p = c[c.len() - 1];
    let mut i = c.len() - 1;
    while i > 0 {
        i -= 1;
        p = p * t + c[i];
    }
    p.copysign(x)
}

/// Square root (the hardware instruction, correctly rounded).
#[inline(always)]
pub fn sqrt(x: f64) -> f64 {
    x.sqrt()
}

/// A double-double `(hi, lo)` times a double-double.
#[inline(always)]
fn dd_mul(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (p, e) = two_prod(ah, bh);
    let e = e + (ah * bl + al * bh);
    let h = p + e;
    (h, e - (h - p))
}

#[inline(always)]
fn dd_add(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let s = ah + bh;
    let bp = s - ah;
    let e = (ah - (s - bp)) + (bh - bp) + al + bl;
    let h = s + e;
    (h, e - (h - s))
}

/// log(x) as a double-double, for positive finite x.
#[inline(always)]
fn log_dd(x: f64) -> (f64, f64) {
    let (e, m) = frexp_centered(x);
    let f = m - 1.0;
    // s = f / (2 + f) as a double-double.
    let dh = 2.0 + f;
    let dl = f - (dh - 2.0);
    let sh = f / dh;
    let (p, pe) = two_prod(sh, dh);
    let sl = (((f - p) - pe) - sh * dl) / dh;
    let (zh, zl) = dd_mul(sh, sl, sh, sl);
    // P(z) = 2/3 + z (2/5 + z (2/7 + ...)); the inner part in double, the rest in dd.
    let w = 2.0 / 23.0;
    let w = w * zh + 2.0 / 21.0;
    let w = w * zh + 2.0 / 19.0;
    let w = w * zh + 2.0 / 17.0;
    let w = w * zh + 2.0 / 15.0;
    let w = w * zh + 2.0 / 13.0;
    let w = w * zh + 2.0 / 11.0;
    let w = w * zh + 2.0 / 9.0;
    let w = w * zh + 2.0 / 7.0;
    let w = w * zh + 2.0 / 5.0;
    let (zw_h, zw_l) = dd_mul(zh, zl, w, 0.0);
    let (ph, pl) = dd_add(TWO_THIRDS_HI, TWO_THIRDS_LO, zw_h, zw_l);
    let (th, tl) = dd_mul(zh, zl, ph, pl);
    let (th, tl) = dd_mul(sh, sl, th, tl);
    // log(m) = 2s + s z P(z)
    let (lh, ll) = dd_add(2.0 * sh, 2.0 * sl, th, tl);
    let (kh, kl) = dd_add(e * LN2_HI, 0.0, e * LN2_LO_HI, e * LN2_LO_LO);
    dd_add(kh, kl, lh, ll)
}

const TWO_THIRDS_HI: f64 = 0.6666666666666666;
const TWO_THIRDS_LO: f64 = 3.700743415417188e-17;
/// ln2 - LN2_HI in two parts.
const LN2_LO_HI: f64 = -4.2009150726810846e-11;
const LN2_LO_LO: f64 = -1.3124698417785255e-27;

/// `x^y` on the fast path (x positive and finite, y finite); the slice form fixes up the rest.
#[inline(always)]
fn pow_fast(x: f64, y: f64) -> f64 {
    let ok = x > 0.0 && x < f64::INFINITY && y.is_finite();
    let xs = if ok { x } else { 1.0 };
    // Dekker's split of y in the double-double product overflows for |y| above ~1e300 and made
    // 2**1e308 NaN. Clamping is exact: for x != 1 (x == 1 takes the special path)
    // |log x| >= 1.1e-16, so |y log x| >= 1e284 either way, far past over- and underflow.
    let y = y.clamp(-1e300, 1e300);
    let (lh, ll) = log_dd(xs);
    let (zh, zl) = dd_mul(lh, ll, y, 0.0);
    exp_dd(zh, zl)
}

/// Whether `pow_fast` does not cover `(x, y)`.
#[inline(always)]
fn pow_special(x: f64, y: f64) -> bool {
    !(x > 0.0 && x < f64::INFINITY && y.is_finite()) || x == 1.0 || y == 0.0
}

/// `x` raised to `y`, with C99/IEEE special cases (as `f64::powf`).
///
/// # Examples
/// ```
/// use fastsci_array::vmath::pow;
/// assert_eq!(pow(2.0, 10.0), 1024.0);
/// assert_eq!(pow(-2.0, 3.0), -8.0);
/// assert_eq!(pow(0.0, 0.0), 1.0);
/// ```
#[inline(always)]
pub fn pow(x: f64, y: f64) -> f64 {
    if pow_special(x, y) { x.powf(y) } else { pow_fast(x, y) }
}

macro_rules! unary_slice {
    ($(#[$doc:meta])* $name:ident, $fast:ident, $special:expr, $slow:expr) => {
        $(#[$doc])*
        ///
        /// # Panics
        /// If `out` is shorter than `x`.
        pub fn $name(x: &[f64], out: &mut [f64]) {
            let out = &mut out[..x.len()];
            /// The fast path for every element; whether any element needs the slow one.
            #[inline(always)]
            fn body(x: &[f64], out: &mut [f64]) -> bool {
                for (o, &v) in out.iter_mut().zip(x) {
                    *o = $fast(v);
                }
                // A fold, not `any`: without the early exit the scan vectorizes, and it costs
                // a compare per element instead of a branch.
                x.iter().fold(false, |seen, &v| seen | $special(v))
            }
            let any_special = crate::simd::avx2_or_plain!(
                fn(x: &[f64], out: &mut [f64]) -> bool { body(x, out) }
            );
            if any_special {
                for (o, &v) in out.iter_mut().zip(x) {
                    if $special(v) {
                        *o = $slow(v);
                    }
                }
            }
        }
    };
}

#[inline(always)]
fn never(_: f64) -> bool {
    false
}

#[inline(always)]
fn trig_special(x: f64) -> bool {
    x.abs() > TRIG_FAST_MAX || x.is_nan()
}

unary_slice!(
    /// `out[i] = e^x[i]`.
    exp_slice, exp, never, exp
);
unary_slice!(
    /// `out[i] = ln x[i]`.
    log_slice, log, never, log
);
unary_slice!(
    /// `out[i] = sin x[i]`.
    sin_slice, sin_fast, trig_special, f64::sin
);
unary_slice!(
    /// `out[i] = cos x[i]`.
    cos_slice, cos_fast, trig_special, f64::cos
);
unary_slice!(
    /// `out[i] = tan x[i]`.
    tan_slice, tan_fast, trig_special, f64::tan
);
unary_slice!(
    /// `out[i] = tanh x[i]`.
    tanh_slice, tanh, never, tanh
);
unary_slice!(
    /// `out[i] = erf x[i]`.
    erf_slice, erf, never, erf
);
unary_slice!(
    /// `out[i] = sqrt x[i]`.
    sqrt_slice, sqrt, never, sqrt
);

/// `out[i] = x[i]^y[i]`.
///
/// # Panics
/// If the slices differ in length.
pub fn pow_slice(x: &[f64], y: &[f64], out: &mut [f64]) {
    assert!(x.len() == y.len() && out.len() >= x.len(), "pow_slice: lengths differ");
    let out = &mut out[..x.len()];
    #[inline(always)]
    fn body(x: &[f64], y: &[f64], out: &mut [f64]) {
        for ((o, &a), &b) in out.iter_mut().zip(x).zip(y) {
            *o = pow_fast(a, b);
        }
    }
    crate::simd::avx2_or_plain!(
        fn(x: &[f64], y: &[f64], out: &mut [f64]) { body(x, y, out) }
    );
    for ((o, &a), &b) in out.iter_mut().zip(x).zip(y) {
        if pow_special(a, b) {
            *o = a.powf(b);
        }
    }
}

#[cfg(test)]
mod numpy_pow {
    /// `pow` and `pow_slice` give NumPy's `np.power` over every argument class and the whole
    /// exponent range (fixtures/pow_numpy.csv, made by make_pow_numpy_fixtures.py): equal
    /// bits for non-finite, zero and exact results, within 2 ulp otherwise.
    #[test]
    fn pow_follows_numpy_over_the_whole_exponent_range() {
        let text = include_str!("../tests/fixtures/pow_numpy.csv");
        let cases: Vec<[f64; 3]> = text
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
                [f[0], f[1], f[2]]
            })
            .collect();
        assert!(cases.len() > 6000);
        let xs: Vec<f64> = cases.iter().map(|c| c[0]).collect();
        let ys: Vec<f64> = cases.iter().map(|c| c[1]).collect();
        let mut slice = vec![0.0; xs.len()];
        super::pow_slice(&xs, &ys, &mut slice);
        let mut wrong = Vec::new();
        for (k, &[x, y, want]) in cases.iter().enumerate() {
            for got in [super::pow(x, y), slice[k]] {
                let close = if want.is_finite() && want != 0.0 && got.is_finite() {
                    ((got - want) / want).abs() <= 2.0 * f64::EPSILON
                } else if y == 0.5 && (x == 0.0 || x == f64::NEG_INFINITY) {
                    // NumPy computes x**0.5 as sqrt(x): (-0)**0.5 is -0 and (-inf)**0.5 NaN
                    // there; C99 and IEEE 754 pow give +0 and +inf, as here.
                    got.to_bits() == x.abs().to_bits()
                } else {
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
                };
                if !close {
                    wrong.push(format!("pow({x:e}, {y:e}) = {got:e}, NumPy gives {want:e}"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {} differ:\n{}",
            wrong.len(),
            2 * cases.len(),
            wrong[..wrong.len().min(30)].join("\n")
        );
    }
}
