//! The measured dataset: its layout, how it is synthesized from known parameters, and how one
//! model step's block of raw samples is cleaned.
//!
//! Layout: a C-ordered `f64` array of shape `(steps * samples_per_step, sensors)`. Row `r`
//! holds every sensor's reading at raw sample `r`; rows `[n R, (n+1) R)` fall within model step
//! `n + 1` (`R = samples_per_step`). Readings carry Gaussian noise, NaN dropouts and outliers.

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Standard deviation of the sensor noise.
pub const NOISE: f64 = 0.2;
/// Probability that a reading is lost (NaN).
pub const DROPOUT: f64 = 0.01;
/// Probability that a reading is an outlier.
pub const OUTLIER: f64 = 0.002;
/// Size of an outlier's jump.
pub const OUTLIER_JUMP: f64 = 25.0;
/// Readings further than this many robust standard deviations from a block's median are
/// rejected as outliers.
pub const REJECT_SIGMAS: f64 = 5.0;

/// The random stream of step block `block` under `seed`, independent of thread scheduling.
fn block_rng(seed: u64, block: usize) -> Xoshiro256PlusPlus {
    // SplitMix64 finalizer: distinct, well-mixed seeds for neighbouring blocks.
    let mut z = seed ^ (block as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

/// Fills one step block (`samples_per_step` rows of `truth.len()` sensors, row-major) with
/// noisy readings of the true sensor temperatures `truth`.
pub fn synthesize_block(seed: u64, block: usize, truth: &[f64], out: &mut [f64]) {
    let mut rng = block_rng(seed, block);
    for row in out.chunks_exact_mut(truth.len()) {
        for (reading, &t) in row.iter_mut().zip(truth) {
            let noise: f64 = StandardNormal.sample(&mut rng);
            let u: f64 = rng.random();
            *reading = if u < DROPOUT {
                f64::NAN
            } else if u < DROPOUT + OUTLIER {
                let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                t + sign * OUTLIER_JUMP + NOISE * noise
            } else {
                t + NOISE * noise
            };
        }
    }
}

/// Reusable buffers for [`clean_block`], so the hot loop does not allocate.
#[derive(Default)]
pub struct CleanScratch {
    values: Vec<f64>,
    deviations: Vec<f64>,
}

fn median_in_place(values: &mut [f64]) -> f64 {
    let mid = values.len() / 2;
    let (_, upper_median, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper_median = *upper_median;
    if values.len() % 2 == 1 {
        upper_median
    } else {
        let lower_median = values[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower_median + upper_median)
    }
}

/// Cleans one step block of raw readings (row-major, `out.len()` sensors): drops NaNs, rejects
/// readings more than [`REJECT_SIGMAS`] robust standard deviations (1.4826 MAD) from the
/// median, and writes each sensor's mean of the rest into `out` (NaN if none is left).
pub fn clean_block(block: &[f64], out: &mut [f64], scratch: &mut CleanScratch) {
    let sensors = out.len();
    for (k, cleaned) in out.iter_mut().enumerate() {
        scratch.values.clear();
        scratch.values.extend(block.iter().skip(k).step_by(sensors).copied().filter(|v| !v.is_nan()));
        if scratch.values.is_empty() {
            *cleaned = f64::NAN;
            continue;
        }
        let median = median_in_place(&mut scratch.values);
        scratch.deviations.clear();
        scratch.deviations.extend(scratch.values.iter().map(|v| (v - median).abs()));
        let mad = median_in_place(&mut scratch.deviations);
        let limit = REJECT_SIGMAS * 1.4826 * mad;
        let (sum, count) = scratch
            .values
            .iter()
            .filter(|v| (*v - median).abs() <= limit)
            .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
        *cleaned = sum / count as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_recovers_the_truth_despite_dropouts_and_outliers() {
        let truth = [1.0, -2.0, 30.0];
        let samples = 4096;
        let mut block = vec![0.0; samples * truth.len()];
        synthesize_block(7, 3, &truth, &mut block);
        assert!(block.iter().any(|v| v.is_nan()));
        assert!(block.iter().zip(truth.iter().cycle()).any(|(v, t)| (v - t).abs() > 10.0));
        let mut cleaned = [0.0; 3];
        clean_block(&block, &mut cleaned, &mut CleanScratch::default());
        let tolerance = 5.0 * NOISE / (samples as f64).sqrt();
        for (c, t) in cleaned.iter().zip(truth) {
            assert!((c - t).abs() < tolerance, "{c} vs {t}");
        }
    }

    #[test]
    fn a_block_of_only_dropouts_cleans_to_nan() {
        let mut cleaned = [0.0; 2];
        clean_block(&[f64::NAN; 8], &mut cleaned, &mut CleanScratch::default());
        assert!(cleaned.iter().all(|c| c.is_nan()));
    }

    #[test]
    fn blocks_are_reproducible_and_distinct() {
        let truth = [0.5; 4];
        let (mut a, mut b, mut c) = (vec![0.0; 64], vec![0.0; 64], vec![0.0; 64]);
        synthesize_block(1, 5, &truth, &mut a);
        synthesize_block(1, 5, &truth, &mut b);
        synthesize_block(1, 6, &truth, &mut c);
        assert_eq!(
            a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        assert_ne!(
            a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            c.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn even_medians_average_the_middle_pair() {
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median_in_place(&mut [5.0, 1.0, 3.0]), 3.0);
    }
}
