//! Index storage whose width is chosen to fit: 32-bit where every value fits, 64-bit beyond.
//!
//! Compressed formats store two index arrays (pointers and minor indices). Each is an
//! [`IndexVec`], which holds `u32` when its largest value fits in 32 bits and `u64` otherwise.
//! Conversion from `usize` checks the width, so a value is never truncated silently.

use crate::error::{Result, SparseError};

/// An unsigned index type used by the hot kernels (implemented for `u32` and `u64`).
pub trait Ix: Copy + Send + Sync + 'static {
    /// The value as `usize` (lossless on 64-bit targets).
    fn us(self) -> usize;
}

impl Ix for u32 {
    #[inline(always)]
    fn us(self) -> usize {
        self as usize
    }
}

impl Ix for u64 {
    #[inline(always)]
    fn us(self) -> usize {
        self as usize
    }
}

/// An index array stored as `u32` or `u64`, whichever fits its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexVec {
    /// All values fit in 32 bits.
    U32(Vec<u32>),
    /// Some value needs 64 bits.
    U64(Vec<u64>),
}

impl IndexVec {
    /// Stores `values`, whose every element is at most `bound`, in the narrowest width that
    /// holds `bound`.
    pub(crate) fn with_bound(values: Vec<usize>, bound: usize) -> Result<IndexVec> {
        if bound <= u32::MAX as usize {
            Ok(IndexVec::U32(values.into_iter().map(|v| v as u32).collect()))
        } else {
            u64::try_from(bound)
                .map_err(|_| SparseError::IndexOverflow(format!("{bound} does not fit in 64 bits")))?;
            Ok(IndexVec::U64(values.into_iter().map(|v| v as u64).collect()))
        }
    }

    /// Number of stored indices.
    pub fn len(&self) -> usize {
        match self {
            IndexVec::U32(v) => v.len(),
            IndexVec::U64(v) => v.len(),
        }
    }

    /// True when no index is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k`-th index.
    #[inline(always)]
    pub fn get(&self, k: usize) -> usize {
        match self {
            IndexVec::U32(v) => v[k] as usize,
            IndexVec::U64(v) => v[k] as usize,
        }
    }

    /// Bytes per stored index (4 or 8).
    pub fn width_bytes(&self) -> usize {
        match self {
            IndexVec::U32(_) => 4,
            IndexVec::U64(_) => 8,
        }
    }

    /// Bytes held by the values.
    pub fn bytes(&self) -> usize {
        self.len() * self.width_bytes()
    }

    /// All indices as `usize`.
    pub fn to_usize(&self) -> Vec<usize> {
        match self {
            IndexVec::U32(v) => v.iter().map(|&x| x as usize).collect(),
            IndexVec::U64(v) => v.iter().map(|&x| x as usize).collect(),
        }
    }
}

/// Calls `$body` with `$name` bound to the typed slice inside an [`IndexVec`].
macro_rules! with_ix {
    ($iv:expr, |$name:ident| $body:expr) => {
        match $iv {
            $crate::index::IndexVec::U32($name) => {
                let $name: &[u32] = $name;
                $body
            }
            $crate::index::IndexVec::U64($name) => {
                let $name: &[u64] = $name;
                $body
            }
        }
    };
}
pub(crate) use with_ix;

/// Calls `$body` with two typed slices bound, for the four width combinations.
macro_rules! with_ix2 {
    ($a:expr, $b:expr, |$na:ident, $nb:ident| $body:expr) => {
        $crate::index::with_ix!($a, |$na| $crate::index::with_ix!($b, |$nb| $body))
    };
}
pub(crate) use with_ix2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_follows_the_bound() {
        let small = IndexVec::with_bound(vec![0, 5, 7], 7).unwrap();
        assert_eq!(small.width_bytes(), 4);
        let big = IndexVec::with_bound(vec![0, 1 << 33], 1 << 33).unwrap();
        assert_eq!(big.width_bytes(), 8);
        assert_eq!(big.get(1), 1 << 33);
        assert_eq!(big.to_usize(), vec![0, 1 << 33]);
    }
}
