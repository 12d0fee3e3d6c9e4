//! Accurate, chunked, multi-threaded reductions over arrays in memory or mapped from disk.
//!
//! # Algorithms
//! - **Sums** are compensated: each block of [`BLOCK`] values is summed in 8 independent lanes
//!   with Knuth's error-free TwoSum (`t = s + x; e = (s - (t - (t - s))) + (x - (t - s))`), so the
//!   rounding error of every addition is kept and added back; block sums are combined as
//!   double-double numbers. The result is within a few units of 2^-106 relative of the exact
//!   sum for ordinary data: the mean is in practice correctly rounded (checked against Python's
//!   `math.fsum`), where NumPy's pairwise sum has an error growing like `log2(n) * eps`.
//! - **Variance** is two-pass per block (block mean, then the compensated sum of squared
//!   deviations) and blocks are merged with the pairwise update of Chan, Golub and LeVeque:
//!   `M2 = M2a + M2b + delta^2 * na * nb / n`.
//! - **Threads**: the data is cut into chunks of [`crate::mmap::CHUNK_BYTES`]; rayon reduces the
//!   chunks in parallel and the chunk results are merged in index order, so results do not
//!   depend on the number of threads. Each chunk of a mapped file is released after use.
//!
//! NaN behaves as in NumPy: `sum`, `mean`, `var`, `min`, `max` are NaN when any value is NaN
//! and `argmin`/`argmax` point at the first NaN; the `nan*` variants ignore NaNs.

use rayon::prelude::*;

use crate::dtype::Real;
use crate::error::{ArrayError, Result};
use crate::raw::RawData;

/// Elements per block: the unit of vectorized work (32 KiB of `f64`, L1-resident).
pub const BLOCK: usize = 4096;

/// A double-double number `hi + lo`, `|lo| <= ulp(hi)/2`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[allow(clippy::should_implement_trait)]
pub struct Dd {
    /// Leading part.
    pub hi: f64,
    /// Trailing part.
    pub lo: f64,
}

#[inline]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bp = s - a;
    (s, (a - (s - bp)) + (b - bp))
}

#[allow(clippy::should_implement_trait)]
impl Dd {
    /// Zero.
    pub const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };

    /// `self + other`, accurate to about 2^-104 relative.
    #[inline]
    pub fn add(self, other: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, other.hi);
        if !s.is_finite() {
            return Dd { hi: s, lo: 0.0 };
        }
        let e = e + self.lo + other.lo;
        let (hi, lo) = two_sum(s, e);
        Dd { hi, lo }
    }

    /// `self + x`.
    #[inline]
    pub fn add_f64(self, x: f64) -> Dd {
        self.add(Dd { hi: x, lo: 0.0 })
    }

    /// `self * x`, accurate to about 2^-104 relative.
    #[inline]
    pub fn mul_f64(self, x: f64) -> Dd {
        let (p, e) = two_prod(self.hi, x);
        let e = e + self.lo * x;
        let (hi, lo) = two_sum(p, e);
        Dd { hi, lo }
    }

    /// The nearest `f64`.
    #[inline]
    pub fn value(self) -> f64 {
        if self.hi.is_finite() { self.hi + self.lo } else { self.hi }
    }

    /// `self / n` rounded to `f64`.
    #[inline]
    pub fn div(self, n: f64) -> f64 {
        if !self.hi.is_finite() {
            return self.hi / n;
        }
        let q = self.hi / n;
        // Correct q with the remainder of hi - q*n computed exactly, plus lo.
        let (p, pe) = two_prod(q, n);
        let r = ((self.hi - p) - pe) + self.lo;
        q + r / n
    }
}

/// Exact product `a*b = p + e` by Dekker's splitting (no FMA needed).
#[inline]
pub(crate) fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

#[inline]
fn split(a: f64) -> (f64, f64) {
    const SPLITTER: f64 = 134_217_729.0; // 2^27 + 1
    let t = SPLITTER * a;
    let hi = t - (t - a);
    (hi, a - hi)
}

/// Compensated sum of `f(x)` over a slice, as a double-double, in `L` independent lanes (enough
/// to hide the latency of the dependent additions).
#[inline(always)]
fn comp_sum_by<const L: usize>(x: &[f64], f: impl Fn(f64) -> f64) -> Dd {
    let mut s = [0.0f64; L];
    let mut c = [0.0f64; L];
    let chunks = x.chunks_exact(L);
    let rem = chunks.remainder();
    for ch in chunks {
        for j in 0..L {
            let v = f(ch[j]);
            let t = s[j] + v;
            let bp = t - s[j];
            c[j] += (s[j] - (t - bp)) + (v - bp);
            s[j] = t;
        }
    }
    let mut acc = Dd::ZERO;
    for j in 0..L {
        acc = acc.add(Dd { hi: s[j], lo: c[j] });
    }
    for &v in rem {
        acc = acc.add_f64(f(v));
    }
    if !acc.hi.is_finite() {
        // Infinities make the error terms NaN: the plain sum is the right answer then.
        return Dd { hi: x.iter().map(|&v| f(v)).sum(), lo: 0.0 };
    }
    acc
}

/// Compensated sum of a slice of `f64`, as a double-double.
pub fn comp_sum(x: &[f64]) -> Dd {
    // Six dependent additions per element make this compute-bound at SSE2 width; 256-bit
    // lanes bring it back under memory speed.
    crate::simd::avx2_or_plain!(
        fn(x: &[f64]) -> Dd { comp_sum_by::<16>(x, |v| v) } else { comp_sum_by::<8>(x, |v| v) }
    )
}

/// Everything the reductions need about a run of values, mergeable in index order.
///
/// Build one with [`describe`] (or [`Summary::of_block`] and [`Summary::merge`]) and read the
/// statistics with its methods.
///
/// # Examples
/// ```
/// use fastsci_array::reduce::describe;
/// use fastsci_array::RawData;
/// let x = [3.0, 1.0, f64::NAN, 4.0];
/// let s = describe(&RawData::from_slice(&x));
/// assert!(s.mean().is_nan());
/// assert_eq!(s.nanmean(), 8.0 / 3.0);
/// assert_eq!((s.nan_count(), s.argmin(), s.nanargmin()), (1, Some(2), Some(1)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    count: u64,
    nan_count: u64,
    n: u64,
    sum: Dd,
    m2: f64,
    min: f64,
    max: f64,
    argmin: u64,
    argmax: u64,
    first_nan: u64,
}

/// A [`Summary`] as plain numbers (see [`Summary::parts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SummaryParts {
    /// `count, nan_count, non-NaN count, argmin, argmax, first_nan`.
    pub counts: [u64; 6],
    /// `sum.hi, sum.lo, m2, min, max`: the double-double sum, the sum of squared deviations
    /// from the mean, the extremes.
    pub values: [f64; 5],
}

const NONE: u64 = u64::MAX;

impl Default for Summary {
    fn default() -> Summary {
        Summary::EMPTY
    }
}

impl Summary {
    /// The summary of no values.
    pub const EMPTY: Summary = Summary {
        count: 0,
        nan_count: 0,
        n: 0,
        sum: Dd::ZERO,
        m2: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        argmin: NONE,
        argmax: NONE,
        first_nan: NONE,
    };

    /// The summary of one block of values whose first element has index `base`.
    pub fn of_block(x: &[f64], base: u64) -> Summary {
        let nan_count = x.iter().filter(|v| v.is_nan()).count();
        if nan_count == 0 {
            let mut s = Summary::of_clean(x, base);
            s.count = x.len() as u64;
            return s;
        }
        let first_nan = x.iter().position(|v| v.is_nan()).map_or(NONE, |p| base + p as u64);
        let clean: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
        let mut s = Summary::of_clean(&clean, base);
        // Indices of min/max refer to `clean`; find them in the original block.
        if s.n > 0 {
            s.argmin = base + x.iter().position(|&v| v == s.min).unwrap_or(0) as u64;
            s.argmax = base + x.iter().position(|&v| v == s.max).unwrap_or(0) as u64;
        }
        s.count = x.len() as u64;
        s.nan_count = nan_count as u64;
        s.first_nan = first_nan;
        s
    }

    fn of_clean(x: &[f64], base: u64) -> Summary {
        crate::simd::avx2_or_plain!(
            fn(x: &[f64], base: u64) -> Summary {
                Summary::of_clean_lanes(x, base)
            }
        )
    }

    #[inline(always)]
    fn of_clean_lanes(x: &[f64], base: u64) -> Summary {
        if x.is_empty() {
            return Summary::EMPTY;
        }
        let n = x.len();
        let sum = comp_sum(x);
        let mean = sum.div(n as f64);
        let m2 = if mean.is_finite() {
            let d2 = comp_sum_by::<8>(x, |v| (v - mean) * (v - mean)).value();
            let d1 = comp_sum_by::<8>(x, |v| v - mean).value();
            (d2 - d1 * d1 / n as f64).max(0.0)
        } else {
            f64::NAN
        };
        const L: usize = 8;
        let mut lo = [f64::INFINITY; L];
        let mut hi = [f64::NEG_INFINITY; L];
        let chunks = x.chunks_exact(L);
        let rem = chunks.remainder();
        for ch in chunks {
            for j in 0..L {
                lo[j] = if ch[j] < lo[j] { ch[j] } else { lo[j] };
                hi[j] = if ch[j] > hi[j] { ch[j] } else { hi[j] };
            }
        }
        let mut min = lo.iter().chain(rem).fold(f64::INFINITY, |a, &b| if b < a { b } else { a });
        let mut max = hi.iter().chain(rem).fold(f64::NEG_INFINITY, |a, &b| if b > a { b } else { a });
        // All values may be +inf (min) or -inf (max): the folds above never move then.
        if min == f64::INFINITY {
            min = x[0].min(f64::INFINITY);
        }
        if max == f64::NEG_INFINITY {
            max = x[0].max(f64::NEG_INFINITY);
        }
        let argmin = base + x.iter().position(|&v| v == min).unwrap_or(0) as u64;
        let argmax = base + x.iter().position(|&v| v == max).unwrap_or(0) as u64;
        Summary {
            count: n as u64,
            nan_count: 0,
            n: n as u64,
            sum,
            m2,
            min,
            max,
            argmin,
            argmax,
            first_nan: NONE,
        }
    }

    /// The summary as plain numbers, to carry it to another process or machine and merge it
    /// there: nothing is rounded away, so a tree of merges across machines gives the sum (and
    /// mean) a single machine gives. Indices (`argmin`, `argmax`, `first_nan`) are relative to
    /// the values the summary was made from; `u64::MAX` means none.
    ///
    /// # Examples
    /// ```
    /// use fastsci_array::{RawData, reduce::{Summary, describe}};
    /// let (a, b) = ([1e16, 1.0], [-1e16, 3.0]);
    /// let mut total = Summary::from_parts(describe(&RawData::from_slice(&a)).parts());
    /// total.merge(&Summary::from_parts(describe(&RawData::from_slice(&b)).parts()));
    /// assert_eq!((total.sum(), total.mean(), total.len()), (4.0, 1.0, 4));
    /// ```
    pub fn parts(&self) -> SummaryParts {
        SummaryParts {
            counts: [self.count, self.nan_count, self.n, self.argmin, self.argmax, self.first_nan],
            values: [self.sum.hi, self.sum.lo, self.m2, self.min, self.max],
        }
    }

    /// The summary [`parts`](Summary::parts) describe.
    pub fn from_parts(parts: SummaryParts) -> Summary {
        let [count, nan_count, n, argmin, argmax, first_nan] = parts.counts;
        let [hi, lo, m2, min, max] = parts.values;
        Summary { count, nan_count, n, sum: Dd { hi, lo }, m2, min, max, argmin, argmax, first_nan }
    }

    /// Merges the summary of the values that follow (higher indices) into this one.
    pub fn merge(&mut self, other: &Summary) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        self.count += other.count;
        self.nan_count += other.nan_count;
        self.first_nan = self.first_nan.min(other.first_nan);
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            let (count, nan_count, first_nan) = (self.count, self.nan_count, self.first_nan);
            *self = *other;
            (self.count, self.nan_count, self.first_nan) = (count, nan_count, first_nan);
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        // delta = mean_b - mean_a = (sum_b na - sum_a nb) / (na nb), in double-double so that
        // large means do not cost digits of the variance.
        let delta = if self.sum.hi.is_finite() && other.sum.hi.is_finite() {
            other.sum.mul_f64(na).add(self.sum.mul_f64(-nb)).value() / (na * nb)
        } else {
            other.sum.div(nb) - self.sum.div(na)
        };
        self.m2 = self.m2 + other.m2 + delta * delta * (na * nb / n);
        self.sum = self.sum.add(other.sum);
        self.n += other.n;
        if other.min < self.min {
            self.min = other.min;
            self.argmin = other.argmin;
        }
        if other.max > self.max {
            self.max = other.max;
            self.argmax = other.argmax;
        }
    }

    /// Number of values, NaN included.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of NaN values.
    pub fn nan_count(&self) -> usize {
        self.nan_count as usize
    }

    /// Number of values that are not NaN.
    pub fn non_nan_count(&self) -> usize {
        self.n as usize
    }

    fn nan_or(&self, x: f64) -> f64 {
        if self.nan_count > 0 { f64::NAN } else { x }
    }

    /// Sum (NaN if any value is NaN; 0 for no values).
    pub fn sum(&self) -> f64 {
        self.nan_or(self.sum.value())
    }

    /// Sum as a double-double, ignoring NaNs.
    pub fn nansum_dd(&self) -> Dd {
        self.sum
    }

    /// Arithmetic mean (NaN if any value is NaN or there are none).
    pub fn mean(&self) -> f64 {
        self.nan_or(self.nanmean())
    }

    /// Variance with `ddof` delta degrees of freedom: `M2 / (n - ddof)` (NaN when `n <= ddof`).
    pub fn var(&self, ddof: f64) -> f64 {
        self.nan_or(self.nanvar(ddof))
    }

    /// Standard deviation, the square root of [`Summary::var`].
    pub fn std(&self, ddof: f64) -> f64 {
        self.var(ddof).sqrt()
    }

    /// Smallest value (NaN if any is NaN; `None` for no values).
    pub fn min(&self) -> Option<f64> {
        if self.count == 0 { None } else { Some(self.nan_or(self.min)) }
    }

    /// Largest value (NaN if any is NaN; `None` for no values).
    pub fn max(&self) -> Option<f64> {
        if self.count == 0 { None } else { Some(self.nan_or(self.max)) }
    }

    /// Index of the first smallest value, or of the first NaN if there is one.
    pub fn argmin(&self) -> Option<usize> {
        if self.nan_count > 0 { Some(self.first_nan as usize) } else { self.nanargmin() }
    }

    /// Index of the first largest value, or of the first NaN if there is one.
    pub fn argmax(&self) -> Option<usize> {
        if self.nan_count > 0 { Some(self.first_nan as usize) } else { self.nanargmax() }
    }

    /// Sum ignoring NaNs.
    pub fn nansum(&self) -> f64 {
        self.sum.value()
    }

    /// Mean ignoring NaNs (NaN when all are NaN).
    pub fn nanmean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.sum.div(self.n as f64) }
    }

    /// Variance ignoring NaNs.
    pub fn nanvar(&self, ddof: f64) -> f64 {
        let d = self.n as f64 - ddof;
        if d <= 0.0 { f64::NAN } else { self.m2 / d }
    }

    /// Standard deviation ignoring NaNs.
    pub fn nanstd(&self, ddof: f64) -> f64 {
        self.nanvar(ddof).sqrt()
    }

    /// Smallest value ignoring NaNs (`None` when all are NaN).
    pub fn nanmin(&self) -> Option<f64> {
        (self.n > 0).then_some(self.min)
    }

    /// Largest value ignoring NaNs.
    pub fn nanmax(&self) -> Option<f64> {
        (self.n > 0).then_some(self.max)
    }

    /// Index of the first smallest value ignoring NaNs.
    pub fn nanargmin(&self) -> Option<usize> {
        (self.n > 0).then_some(self.argmin as usize)
    }

    /// Index of the first largest value ignoring NaNs.
    pub fn nanargmax(&self) -> Option<usize> {
        (self.n > 0).then_some(self.argmax as usize)
    }
}

/// Elements per parallel chunk for this element size.
fn chunk_elems(size: usize) -> usize {
    (crate::mmap::CHUNK_BYTES / size).max(BLOCK) / BLOCK * BLOCK
}

/// Runs `per_chunk(start, len)` on every chunk in parallel and returns the results in order.
fn map_chunks<R: Send>(data: &RawData, per_chunk: impl Fn(usize, usize) -> R + Sync) -> Vec<R> {
    let n = data.len();
    let chunk = chunk_elems(data.dtype().size());
    (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            let start = c * chunk;
            let len = chunk.min(n - start);
            data.prefetch(start, len);
            let r = per_chunk(start, len);
            data.release(start, len);
            r
        })
        .collect()
}

/// Every statistic of `data` in one parallel pass.
pub fn describe(data: &RawData) -> Summary {
    let parts = map_chunks(data, |start, len| {
        let mut buf = vec![0.0; BLOCK];
        let mut s = Summary::EMPTY;
        let mut i = start;
        while i < start + len {
            let m = BLOCK.min(start + len - i);
            let block = data.block_f64(i, m, &mut buf);
            s.merge(&Summary::of_block(block, i as u64));
            i += m;
        }
        s
    });
    let mut total = Summary::EMPTY;
    for p in &parts {
        total.merge(p);
    }
    total
}

/// The compensated sum of `data` as a double-double, in parallel (NaN propagates).
pub fn sum_dd(data: &RawData) -> Dd {
    let parts = map_chunks(data, |start, len| {
        let mut buf = vec![0.0; BLOCK];
        let mut acc = Dd::ZERO;
        let mut i = start;
        while i < start + len {
            let m = BLOCK.min(start + len - i);
            acc = acc.add(comp_sum(data.block_f64(i, m, &mut buf)));
            i += m;
        }
        acc
    });
    parts.into_iter().fold(Dd::ZERO, Dd::add)
}

/// Mean of `data`: the compensated sum divided by the count (NaN for no values).
///
/// # Examples
/// ```
/// use fastsci_array::{RawData, reduce::mean_raw};
/// let x = [1e16, 1.0, -1e16, 3.0];
/// assert_eq!(mean_raw(&RawData::from_slice(&x)), 1.0);
/// ```
pub fn mean_raw(data: &RawData) -> f64 {
    if data.is_empty() {
        return f64::NAN;
    }
    sum_dd(data).div(data.len() as f64)
}

/// Sum of a slice of real values, compensated and parallel.
///
/// # Examples
/// ```
/// assert_eq!(fastsci_array::reduce::sum(&[0.1f64; 10]), 1.0);
/// ```
pub fn sum<T: Real>(x: &[T]) -> f64 {
    sum_dd(&RawData::from_slice(x)).value()
}

/// Mean of a slice of real values.
pub fn mean<T: Real>(x: &[T]) -> f64 {
    mean_raw(&RawData::from_slice(x))
}

/// Variance of a slice with `ddof` delta degrees of freedom (NumPy's `var(x, ddof=ddof)`).
pub fn var<T: Real>(x: &[T], ddof: f64) -> f64 {
    describe(&RawData::from_slice(x)).var(ddof)
}

/// Standard deviation of a slice (NumPy's `std(x, ddof=ddof)`).
pub fn std<T: Real>(x: &[T], ddof: f64) -> f64 {
    describe(&RawData::from_slice(x)).std(ddof)
}

/// Smallest value (NaN if any is NaN; `None` if empty).
pub fn min<T: Real>(x: &[T]) -> Option<f64> {
    describe(&RawData::from_slice(x)).min()
}

/// Largest value (NaN if any is NaN; `None` if empty).
pub fn max<T: Real>(x: &[T]) -> Option<f64> {
    describe(&RawData::from_slice(x)).max()
}

/// Index of the first smallest value (of the first NaN if any; `None` if empty).
pub fn argmin<T: Real>(x: &[T]) -> Option<usize> {
    describe(&RawData::from_slice(x)).argmin()
}

/// Index of the first largest value (of the first NaN if any; `None` if empty).
pub fn argmax<T: Real>(x: &[T]) -> Option<usize> {
    describe(&RawData::from_slice(x)).argmax()
}

/// Number of NaN values.
pub fn nan_count<T: Real>(x: &[T]) -> usize {
    describe(&RawData::from_slice(x)).nan_count()
}

/// Sum ignoring NaNs.
pub fn nansum<T: Real>(x: &[T]) -> f64 {
    describe(&RawData::from_slice(x)).nansum()
}

/// Mean ignoring NaNs.
pub fn nanmean<T: Real>(x: &[T]) -> f64 {
    describe(&RawData::from_slice(x)).nanmean()
}

/// Variance ignoring NaNs.
pub fn nanvar<T: Real>(x: &[T], ddof: f64) -> f64 {
    describe(&RawData::from_slice(x)).nanvar(ddof)
}

/// Standard deviation ignoring NaNs.
pub fn nanstd<T: Real>(x: &[T], ddof: f64) -> f64 {
    describe(&RawData::from_slice(x)).nanstd(ddof)
}

/// Smallest value ignoring NaNs.
pub fn nanmin<T: Real>(x: &[T]) -> Option<f64> {
    describe(&RawData::from_slice(x)).nanmin()
}

/// Largest value ignoring NaNs.
pub fn nanmax<T: Real>(x: &[T]) -> Option<f64> {
    describe(&RawData::from_slice(x)).nanmax()
}

/// Summaries along one axis of a 2-D array stored in `data`.
///
/// `shape` is `(rows, cols)`, `fortran_order` the storage order. `axis = 0` reduces down each
/// column (one summary per column, indices are row numbers), `axis = 1` along each row.
///
/// # Examples
/// ```
/// use fastsci_array::{RawData, reduce::describe_axis};
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // [[1, 2, 3], [4, 5, 6]] in C order
/// let cols = describe_axis(&RawData::from_slice(&x), [2, 3], false, 0)?;
/// assert_eq!(cols.iter().map(|s| s.mean()).collect::<Vec<_>>(), vec![2.5, 3.5, 4.5]);
/// let rows = describe_axis(&RawData::from_slice(&x), [2, 3], false, 1)?;
/// assert_eq!(rows[1].sum(), 15.0);
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// The most summaries [`describe_axis`] returns beyond one per element of the data: the memory
/// of its result then stays proportional to its input (about 100 bytes per summary).
pub const MAX_EMPTY_SUMMARIES: usize = 1 << 16;

/// # Errors
/// [`ArrayError::Invalid`] for an axis other than 0 or 1, or when the result would have more
/// summaries than both the data's elements and [`MAX_EMPTY_SUMMARIES`] (a shape such as
/// `(0, 10**15)` holds no data but asks for 10^15 summaries); [`ArrayError::Shape`] when the
/// data does not hold `rows * cols` elements.
pub fn describe_axis(
    data: &RawData,
    shape: [usize; 2],
    fortran_order: bool,
    axis: usize,
) -> Result<Vec<Summary>> {
    if axis > 1 {
        return Err(ArrayError::Invalid(format!("axis {axis} is out of range for a 2-D array")));
    }
    let [rows, cols] = shape;
    if rows.checked_mul(cols) != Some(data.len()) {
        return Err(ArrayError::Shape(format!(
            "shape ({rows}, {cols}) does not match {} elements",
            data.len()
        )));
    }
    let summaries = if axis == 0 { cols } else { rows };
    if summaries > data.len().max(MAX_EMPTY_SUMMARIES) {
        return Err(ArrayError::Invalid(format!(
            "axis {axis} of shape ({rows}, {cols}) asks for {summaries} summaries of {} elements; \
             at most max(elements, {MAX_EMPTY_SUMMARIES}) are computed",
            data.len()
        )));
    }
    // Storage as `lines` contiguous lines of `line_len` elements.
    let (lines, line_len) = if fortran_order { (cols, rows) } else { (rows, cols) };
    let along_lines = (axis == 1) != fortran_order;
    if along_lines {
        return Ok((0..lines)
            .into_par_iter()
            .map(|l| {
                let line = data.slice(l * line_len, line_len);
                let mut buf = vec![0.0; BLOCK];
                let mut s = Summary::EMPTY;
                let mut i = 0;
                while i < line_len {
                    let m = BLOCK.min(line_len - i);
                    s.merge(&Summary::of_block(line.block_f64(i, m, &mut buf), i as u64));
                    i += m;
                }
                s
            })
            .collect());
    }
    // Across lines: one summary per position in a line, indices are line numbers.
    let mut out = vec![Summary::EMPTY; line_len];
    if line_len == 0 {
        return Ok(out);
    }
    let size = data.dtype().size();
    let group = (16usize << 20).div_ceil(line_len * size).max(1);
    const TILE: usize = 64;
    let mut g0 = 0;
    while g0 < lines {
        let g1 = (g0 + group).min(lines);
        out.par_chunks_mut(TILE).enumerate().for_each(|(pb, sums)| {
            let p0 = pb * TILE;
            let w = sums.len();
            let mut tile = vec![0.0; w * BLOCK];
            let mut buf = vec![0.0; w];
            let mut l0 = g0;
            while l0 < g1 {
                let b = BLOCK.min(g1 - l0);
                for k in 0..b {
                    let row = data.block_f64((l0 + k) * line_len + p0, w, &mut buf);
                    for (p, &v) in row.iter().enumerate() {
                        tile[p * BLOCK + k] = v;
                    }
                }
                for (p, s) in sums.iter_mut().enumerate() {
                    s.merge(&Summary::of_block(&tile[p * BLOCK..p * BLOCK + b], l0 as u64));
                }
                l0 += b;
            }
        });
        data.release(g0 * line_len, (g1 - g0) * line_len);
        g0 = g1;
    }
    Ok(out)
}

/// A histogram: `counts[i]` values fell in `[edges[i], edges[i+1])` (the last bin is closed).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Count per bin.
    pub counts: Vec<u64>,
    /// `bins + 1` bin edges.
    pub edges: Vec<f64>,
}

/// NumPy's `histogram(x, bins, range)`: equal-width bins over `range`, or over the data's
/// smallest and largest values; NaNs and values outside the range are not counted.
///
/// # Examples
/// ```
/// use fastsci_array::{RawData, reduce::histogram};
/// let x = [0.0, 0.5, 1.0, 2.0, 3.0];
/// let h = histogram(&RawData::from_slice(&x), 3, None)?;
/// assert_eq!(h.counts, vec![2, 1, 2]);
/// assert_eq!(h.edges, vec![0.0, 1.0, 2.0, 3.0]);
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// # Errors
/// [`ArrayError::Invalid`] for zero bins, a range with `lo > hi`, or a non-finite range.
pub fn histogram(data: &RawData, bins: usize, range: Option<(f64, f64)>) -> Result<Histogram> {
    if bins == 0 {
        return Err(ArrayError::Invalid("the number of bins must be positive".into()));
    }
    let (mut lo, mut hi) = match range {
        Some(r) => r,
        None => {
            let s = describe(data);
            match (s.nanmin(), s.nanmax()) {
                (Some(a), Some(b)) => (a, b),
                _ => (0.0, 1.0),
            }
        }
    };
    if !(lo.is_finite() && hi.is_finite()) {
        return Err(ArrayError::Invalid(format!("histogram range [{lo}, {hi}] is not finite")));
    }
    if lo > hi {
        return Err(ArrayError::Invalid(format!("histogram range [{lo}, {hi}]: max must be >= min")));
    }
    if lo == hi {
        lo -= 0.5;
        hi += 0.5;
    }
    let edges: Vec<f64> = (0..=bins).map(|i| lo + (hi - lo) * (i as f64 / bins as f64)).collect();
    let edges_ref = &edges;
    let norm = bins as f64 / (hi - lo);
    let parts = map_chunks(data, |start, len| {
        let mut counts = vec![0u64; bins];
        let mut buf = vec![0.0; BLOCK];
        let mut i = start;
        while i < start + len {
            let m = BLOCK.min(start + len - i);
            for &v in data.block_f64(i, m, &mut buf) {
                if !(v >= lo && v <= hi) {
                    continue;
                }
                let mut k = (((v - lo) * norm) as usize).min(bins - 1);
                // Fix rounding at the edges, as NumPy does.
                if v < edges_ref[k] {
                    k -= 1;
                } else if k + 1 < bins && v >= edges_ref[k + 1] {
                    k += 1;
                }
                counts[k] += 1;
            }
            i += m;
        }
        counts
    });
    let mut counts = vec![0u64; bins];
    for p in parts {
        for (c, x) in counts.iter_mut().zip(p) {
            *c += x;
        }
    }
    Ok(Histogram { counts, edges })
}
