//! Random arrays, generated in parallel and out of core, reproducible for a seed whatever the
//! number of threads.
//!
//! Element `i` of every array comes from stream `i / RANDOM_CHUNK`: a xoshiro256++ generator
//! seeded with SplitMix64 of the seed and the stream number. A stream is always consumed from
//! its start, so the value at each index depends only on the seed, the distribution and the
//! index: any split of the work across threads or windows gives the same array.

use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution as _, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::dtype::{DType, Real};
use crate::error::{ArrayError, Result};
use crate::mmap::NpyMmapMut;

/// Elements per random stream.
pub const RANDOM_CHUNK: usize = 1 << 16;

/// A distribution to draw from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// Uniform on `[low, high)`.
    Uniform {
        /// Lower bound (inclusive).
        low: f64,
        /// Upper bound (exclusive).
        high: f64,
    },
    /// Normal with this mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Integers uniform on `[low, high)`.
    Integers {
        /// Lower bound (inclusive).
        low: i64,
        /// Upper bound (exclusive).
        high: i64,
    },
}

impl Distribution {
    /// Checks the parameters.
    ///
    /// # Errors
    /// [`ArrayError::Invalid`] for an empty or non-finite range, a negative or non-finite
    /// standard deviation, or an integer range wider than 2^53.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Distribution::Uniform { low, high } if !(low.is_finite() && high.is_finite() && low < high) => {
                Err(ArrayError::Invalid(format!("uniform needs finite low < high, got [{low}, {high})")))
            }
            Distribution::Normal { mean, std } if !(mean.is_finite() && std.is_finite() && std >= 0.0) => {
                Err(ArrayError::Invalid(format!(
                    "normal needs a finite mean and std >= 0, got mean {mean}, std {std}"
                )))
            }
            Distribution::Integers { low, high } if low >= high => {
                Err(ArrayError::Invalid(format!("integers needs low < high, got [{low}, {high})")))
            }
            Distribution::Integers { low, high } if (high as i128 - low as i128) > (1i128 << 53) => {
                Err(ArrayError::Invalid("integer ranges wider than 2^53 are not supported".into()))
            }
            _ => Ok(()),
        }
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn stream(seed: u64, index: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(
        splitmix(seed) ^ splitmix(index.wrapping_mul(0x2545_f491_4f6c_dd1d).wrapping_add(1)),
    )
}

fn draw(dist: &Distribution, rng: &mut Xoshiro256PlusPlus) -> f64 {
    match *dist {
        Distribution::Uniform { low, high } => {
            let u: f64 = rng.random();
            let v = low + (high - low) * u;
            if v < high { v } else { low }
        }
        Distribution::Normal { mean, std } => {
            let z: f64 = StandardNormal.sample(rng);
            mean + std * z
        }
        Distribution::Integers { low, high } => rng.random_range(low..high) as f64,
    }
}

/// Fills `out` with elements `[start, start + out.len())` of the random array for `seed`, in
/// parallel.
///
/// # Examples
/// ```
/// use fastsci_array::random::{fill, Distribution};
/// let d = Distribution::Normal { mean: 0.0, std: 1.0 };
/// let mut whole = vec![0.0f64; 200_000];
/// fill(&d, 7, 0, &mut whole)?;
/// let mut part = vec![0.0f64; 1000];
/// fill(&d, 7, 150_000, &mut part)?;
/// assert_eq!(&whole[150_000..151_000], &part[..]);
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// # Errors
/// As [`Distribution::validate`].
pub fn fill<T: Real>(dist: &Distribution, seed: u64, start: usize, out: &mut [T]) -> Result<()> {
    dist.validate()?;
    // Split `out` at stream boundaries.
    let first = (RANDOM_CHUNK - start % RANDOM_CHUNK).min(out.len());
    let (head, tail) = out.split_at_mut(first);
    let fill_piece = |piece_start: usize, piece: &mut [T]| {
        let s = piece_start / RANDOM_CHUNK;
        let skip = piece_start % RANDOM_CHUNK;
        let mut rng = stream(seed, s as u64);
        for _ in 0..skip {
            draw(dist, &mut rng);
        }
        for o in piece.iter_mut() {
            *o = T::from_f64(draw(dist, &mut rng));
        }
    };
    fill_piece(start, head);
    let base = start + first;
    tail.par_chunks_mut(RANDOM_CHUNK)
        .enumerate()
        .for_each(|(i, piece)| fill_piece(base + i * RANDOM_CHUNK, piece));
    Ok(())
}

/// A new random array of `len` elements.
///
/// # Errors
/// As [`Distribution::validate`].
pub fn array(dist: &Distribution, seed: u64, len: usize) -> Result<Vec<f64>> {
    let mut v = crate::zeroed_vec(len);
    fill(dist, seed, 0, &mut v)?;
    Ok(v)
}

/// Writes a random `.npy` file of `shape` and `dtype` (C order), generated out of core: the
/// file is filled in parallel chunk by chunk and each chunk's pages are released after it is
/// written. The file appears at `path` only when complete.
///
/// # Errors
/// As [`Distribution::validate`]; [`ArrayError::DType`] for a dtype the distribution cannot
/// produce (complex, bool, or integers for normal/uniform draws); I/O errors.
pub fn random_npy(
    path: impl AsRef<Path>,
    dist: &Distribution,
    seed: u64,
    shape: &[usize],
    dtype: DType,
) -> Result<()> {
    dist.validate()?;
    let is_int = matches!(dist, Distribution::Integers { .. });
    let ok = match dtype {
        DType::F32 | DType::F64 => true,
        DType::I8
        | DType::I16
        | DType::I32
        | DType::I64
        | DType::U8
        | DType::U16
        | DType::U32
        | DType::U64 => is_int,
        _ => false,
    };
    if !ok {
        return Err(ArrayError::DType(format!("cannot draw {} values from {dist:?}", dtype)));
    }
    if let Distribution::Integers { low, high } = *dist {
        let (lo, hi) = int_range(dtype);
        if (low as i128) < lo || (high as i128 - 1) > hi {
            return Err(ArrayError::Invalid(format!("integers in [{low}, {high}) do not fit {dtype}")));
        }
    }
    let path = path.as_ref();
    crate::atomic::replace_atomically(path, |temporary| {
        let mut file = NpyMmapMut::create(temporary, dtype, shape, false)?;
        let chunk = RANDOM_CHUNK * 16;
        macro_rules! go {
            ($t:ty) => {
                file.fill_chunks::<$t>(chunk, |start, piece| {
                    let _ = fill(dist, seed, start, piece);
                })?
            };
        }
        match dtype {
            DType::F32 => go!(f32),
            DType::F64 => go!(f64),
            DType::I8 => go!(i8),
            DType::I16 => go!(i16),
            DType::I32 => go!(i32),
            DType::I64 => go!(i64),
            DType::U8 => go!(u8),
            DType::U16 => go!(u16),
            DType::U32 => go!(u32),
            DType::U64 => go!(u64),
            _ => return Err(ArrayError::Internal("dtype checked above".into())),
        }
        file.flush()
    })
}

fn int_range(dtype: DType) -> (i128, i128) {
    match dtype {
        DType::I8 => (i8::MIN as i128, i8::MAX as i128),
        DType::I16 => (i16::MIN as i128, i16::MAX as i128),
        DType::I32 => (i32::MIN as i128, i32::MAX as i128),
        DType::U8 => (0, u8::MAX as i128),
        DType::U16 => (0, u16::MAX as i128),
        DType::U32 => (0, u32::MAX as i128),
        DType::U64 => (0, u64::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}
