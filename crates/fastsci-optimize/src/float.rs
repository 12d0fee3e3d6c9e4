//! A float trait and forward-mode dual numbers: exact gradients and Hessian-vector products of
//! objectives written once, generically.
//!
//! Write the objective over any [`Float`] by implementing [`Objective`]; evaluate it on `f64`
//! for values, on [`Dual<f64>`] for one directional derivative, and on `Dual<Dual<f64>>` for
//! second directional derivatives. [`dual_gradient`] and [`dual_hessian_vector_product`] do the
//! bookkeeping.
//!
//! # Examples
//!
//! ```
//! use fastsci_optimize::float::{Float, Objective, dual_gradient};
//!
//! struct Rosen;
//! impl Objective for Rosen {
//!     fn eval<T: Float>(&self, x: &[T]) -> T {
//!         let a = x[1] - x[0] * x[0];
//!         let b = T::from_f64(1.0) - x[0];
//!         a * a * 100.0 + b * b
//!     }
//! }
//! let mut g = [0.0; 2];
//! let f = dual_gradient(&Rosen, &[-1.2, 1.0], &mut g);
//! assert!((f - 24.2).abs() < 1e-12);
//! assert!((g[0] + 215.6).abs() < 1e-9 && (g[1] + 88.0).abs() < 1e-9);
//! ```

use std::cmp::Ordering;
use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// The numbers an objective can be evaluated on: `f64` and (nested) dual numbers.
///
/// Comparisons look at the value (real part) only, so branches in an objective take the same
/// path for every number type.
pub trait Float:
    Copy
    + Debug
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// A constant.
    fn from_f64(v: f64) -> Self;
    /// The value (real part).
    fn value(self) -> f64;
    /// Square root.
    fn sqrt(self) -> Self;
    /// e to the power of self.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Tangent.
    fn tan(self) -> Self {
        self.sin() / self.cos()
    }
    /// Arc tangent.
    fn atan(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Integer power.
    fn powi(self, n: i32) -> Self;
    /// Real power with a constant exponent.
    fn powf(self, p: f64) -> Self;
    /// Power with a variable exponent, `exp(p ln self)`.
    fn pow(self, p: Self) -> Self {
        (p * self.ln()).exp()
    }
    /// Absolute value.
    fn abs(self) -> Self {
        if self.value() < 0.0 { -self } else { self }
    }
}

impl Float for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    fn value(self) -> f64 {
        self
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn sin(self) -> Self {
        f64::sin(self)
    }
    fn cos(self) -> Self {
        f64::cos(self)
    }
    fn tan(self) -> Self {
        f64::tan(self)
    }
    fn atan(self) -> Self {
        f64::atan(self)
    }
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    fn powi(self, n: i32) -> Self {
        f64::powi(self, n)
    }
    fn powf(self, p: f64) -> Self {
        f64::powf(self, p)
    }
    fn pow(self, p: Self) -> Self {
        f64::powf(self, p)
    }
    fn abs(self) -> Self {
        f64::abs(self)
    }
}

/// A dual number `re + eps·ε` with `ε² = 0`: carries a value and one directional derivative.
///
/// `Dual<Dual<f64>>` carries second derivatives (the `ε₁ε₂` part).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dual<T> {
    /// The value.
    pub re: T,
    /// The derivative part.
    pub eps: T,
}

impl<T: Float> Dual<T> {
    /// A variable with derivative part `eps`.
    pub fn new(re: T, eps: T) -> Self {
        Dual { re, eps }
    }
    /// Applies a function with value `f` and derivative `df` at `self.re`.
    fn chain(self, f: T, df: T) -> Self {
        Dual { re: f, eps: df * self.eps }
    }
}

impl<T: Float> PartialOrd for Dual<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

impl<T: Float> Add for Dual<T> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Dual { re: self.re + o.re, eps: self.eps + o.eps }
    }
}
impl<T: Float> Sub for Dual<T> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Dual { re: self.re - o.re, eps: self.eps - o.eps }
    }
}
impl<T: Float> Mul for Dual<T> {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Dual { re: self.re * o.re, eps: self.eps * o.re + self.re * o.eps }
    }
}
impl<T: Float> Div for Dual<T> {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        let q = self.re / o.re;
        Dual { re: q, eps: (self.eps - q * o.eps) / o.re }
    }
}
impl<T: Float> Neg for Dual<T> {
    type Output = Self;
    fn neg(self) -> Self {
        Dual { re: -self.re, eps: -self.eps }
    }
}
impl<T: Float> Add<f64> for Dual<T> {
    type Output = Self;
    fn add(self, o: f64) -> Self {
        Dual { re: self.re + o, eps: self.eps }
    }
}
impl<T: Float> Sub<f64> for Dual<T> {
    type Output = Self;
    fn sub(self, o: f64) -> Self {
        Dual { re: self.re - o, eps: self.eps }
    }
}
impl<T: Float> Mul<f64> for Dual<T> {
    type Output = Self;
    fn mul(self, o: f64) -> Self {
        Dual { re: self.re * o, eps: self.eps * o }
    }
}
impl<T: Float> Div<f64> for Dual<T> {
    type Output = Self;
    fn div(self, o: f64) -> Self {
        Dual { re: self.re / o, eps: self.eps / o }
    }
}
impl<T: Float> AddAssign for Dual<T> {
    fn add_assign(&mut self, o: Self) {
        *self = *self + o;
    }
}
impl<T: Float> SubAssign for Dual<T> {
    fn sub_assign(&mut self, o: Self) {
        *self = *self - o;
    }
}
impl<T: Float> MulAssign for Dual<T> {
    fn mul_assign(&mut self, o: Self) {
        *self = *self * o;
    }
}

impl<T: Float> Float for Dual<T> {
    fn from_f64(v: f64) -> Self {
        Dual { re: T::from_f64(v), eps: T::from_f64(0.0) }
    }
    fn value(self) -> f64 {
        self.re.value()
    }
    fn sqrt(self) -> Self {
        let s = self.re.sqrt();
        self.chain(s, T::from_f64(0.5) / s)
    }
    fn exp(self) -> Self {
        let e = self.re.exp();
        self.chain(e, e)
    }
    fn ln(self) -> Self {
        self.chain(self.re.ln(), T::from_f64(1.0) / self.re)
    }
    fn sin(self) -> Self {
        self.chain(self.re.sin(), self.re.cos())
    }
    fn cos(self) -> Self {
        self.chain(self.re.cos(), -self.re.sin())
    }
    fn atan(self) -> Self {
        self.chain(self.re.atan(), T::from_f64(1.0) / (self.re * self.re + 1.0))
    }
    fn tanh(self) -> Self {
        let t = self.re.tanh();
        self.chain(t, T::from_f64(1.0) - t * t)
    }
    fn powi(self, n: i32) -> Self {
        if n == 0 {
            return Self::from_f64(1.0);
        }
        self.chain(self.re.powi(n), self.re.powi(n - 1) * f64::from(n))
    }
    fn powf(self, p: f64) -> Self {
        self.chain(self.re.powf(p), self.re.powf(p - 1.0) * p)
    }
}

/// An objective written once over any [`Float`], so exact derivatives come for free.
pub trait Objective {
    /// The objective at `x`.
    fn eval<T: Float>(&self, x: &[T]) -> T;
}

/// The value and exact gradient of `f` at `x` by forward-mode differentiation (`n` passes).
///
/// # Panics
/// If `grad.len() != x.len()`.
pub fn dual_gradient<O: Objective + ?Sized>(f: &O, x: &[f64], grad: &mut [f64]) -> f64 {
    assert_eq!(grad.len(), x.len(), "dual_gradient: length of grad must equal length of x");
    let mut xd: Vec<Dual<f64>> = x.iter().map(|&v| Dual::new(v, 0.0)).collect();
    let mut value = f.eval(x);
    for i in 0..x.len() {
        xd[i].eps = 1.0;
        let r = f.eval(&xd);
        grad[i] = r.eps;
        value = r.re;
        xd[i].eps = 0.0;
    }
    value
}

/// The Hessian of `f` at `x` times `v`, exact, by nested dual numbers (`n` passes).
///
/// # Panics
/// If `v.len() != x.len()` or `out.len() != x.len()`.
pub fn dual_hessian_vector_product<O: Objective + ?Sized>(f: &O, x: &[f64], v: &[f64], out: &mut [f64]) {
    assert_eq!(v.len(), x.len(), "dual_hessian_vector_product: length of v must equal length of x");
    assert_eq!(out.len(), x.len(), "dual_hessian_vector_product: length of out must equal length of x");
    let mut xd: Vec<Dual<Dual<f64>>> =
        x.iter().zip(v).map(|(&xi, &vi)| Dual::new(Dual::new(xi, vi), Dual::new(0.0, 0.0))).collect();
    for i in 0..x.len() {
        xd[i].eps = Dual::new(1.0, 0.0);
        out[i] = f.eval(&xd).eps.eps;
        xd[i].eps = Dual::new(0.0, 0.0);
    }
}

/// The full Hessian of `f` at `x` (`n × n`), exact, by nested dual numbers.
pub fn dual_hessian<O: Objective + ?Sized>(f: &O, x: &[f64]) -> ndarray::Array2<f64> {
    let n = x.len();
    let mut h = ndarray::Array2::zeros((n, n));
    let mut e = vec![0.0; n];
    let mut col = vec![0.0; n];
    for j in 0..n {
        e[j] = 1.0;
        dual_hessian_vector_product(f, x, &e, &mut col);
        h.column_mut(j).assign(&ndarray::ArrayView1::from(&col));
        e[j] = 0.0;
    }
    h
}
