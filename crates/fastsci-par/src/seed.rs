//! Per-task random streams derived from a base seed and the task's index.
//!
//! Task `i` of a run with base seed `s` gets the generator
//! `Xoshiro256PlusPlus::seed_from_u64(splitmix64(s + (i + 1) * γ))`, where `γ` is the golden
//! ratio increment 0x9E3779B97F4A7C15 of SplitMix64 (Steele, Lea & Flood, 2014) and
//! `seed_from_u64` expands the 64-bit seed to the 256-bit state with SplitMix64 again. The
//! stream depends only on `(s, i)`: never on which thread ran the task, in which order, or how
//! many threads there were, so a parallel run reproduces a serial one bit for bit.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijective mix of 64 bits.
///
/// # Examples
///
/// ```
/// use fastsci_par::splitmix64;
///
/// assert_eq!(splitmix64(0), 0);
/// assert_ne!(splitmix64(1), splitmix64(2));
/// ```
#[inline]
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 64-bit seed of task `index` in a run with base seed `base`.
#[inline]
pub fn task_seed(base: u64, index: usize) -> u64 {
    splitmix64(base.wrapping_add((index as u64).wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
}

/// The random generator of task `index` in a run with base seed `base`.
///
/// # Examples
///
/// ```
/// use fastsci_par::task_rng;
/// use rand::RngExt;
///
/// let a: f64 = task_rng(42, 7).random();
/// let b: f64 = task_rng(42, 7).random();
/// assert_eq!(a, b); // same task, same stream
/// assert_ne!(a, task_rng(42, 8).random::<f64>());
/// ```
pub fn task_rng(base: u64, index: usize) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(task_seed(base, index))
}

/// What a task knows about itself: its index in the input and its random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    index: usize,
    base_seed: u64,
}

impl Task {
    pub(crate) fn new(index: usize, base_seed: u64) -> Task {
        Task { index, base_seed }
    }

    /// The task's position in the input, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The task's own random generator, the same on every run with the same base seed.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::{Executor, Progress};
    /// use rand::RngExt;
    /// let draw = |threads| -> Result<Vec<f64>, fastsci_par::ParError> {
    ///     let exec = Executor::with_threads(threads)?.progress(Progress::Never).seed(42);
    ///     let out = exec.map_tasks(&[(); 8], |task, _| Ok::<_, String>(task.rng().random::<f64>()));
    ///     Ok(out.results().iter().map(|r| *r.as_ref().expect("no task fails")).collect())
    /// };
    /// assert_eq!(draw(1)?, draw(4)?); // the same streams whatever the thread count
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    pub fn rng(&self) -> Xoshiro256PlusPlus {
        task_rng(self.base_seed, self.index)
    }

    /// The task's 64-bit seed, for generators other than Xoshiro256++.
    pub fn seed(&self) -> u64 {
        task_seed(self.base_seed, self.index)
    }
}
