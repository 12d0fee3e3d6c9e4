"""Exact sums and means of large f64 arrays, in integer arithmetic.

Every finite f64 is m * 2**(e - 53) with m a signed integer below 2**53 (np.frexp). Each m is
split as hi * 2**26 + lo, and the hi and lo parts are summed per exponent with np.bincount:
over a chunk of at most 2**20 elements every partial sum stays below 2**53 in magnitude, so the
float64 accumulation of bincount is exact. The per-exponent sums are then added as Python
integers. The result is the exact rational sum, from which the exactly rounded mean follows;
math.fsum, the reference the issue names, is checked against it.
"""

import math
from fractions import Fraction

import numpy as np

CHUNK = 1 << 20
SPLIT = 1 << 26
# Every m * 2**(e - 53), subnormals included, is an integer multiple of 2**-SCALE_BITS.
SCALE_BITS = 1074 + 53


def exact_sum(array):
    """The exact sum of a finite float64 array (any shape, may be memory-mapped) as a Fraction."""
    flat = array.reshape(-1)
    total = 0
    for start in range(0, flat.size, CHUNK):
        block = np.asarray(flat[start:start + CHUNK], dtype=np.float64)
        if not np.isfinite(block).all():
            raise ValueError("exact_sum needs finite values")
        fraction, exponent = np.frexp(block)
        mantissa = np.ldexp(fraction, 53).astype(np.int64)
        hi = mantissa >> 26
        lo = mantissa - (hi << 26)
        low_exponent = int(exponent.min())
        bins = exponent - low_exponent
        hi_sums = np.bincount(bins, weights=hi.astype(np.float64))
        lo_sums = np.bincount(bins, weights=lo.astype(np.float64))
        for offset, (h, l) in enumerate(zip(hi_sums.tolist(), lo_sums.tolist())):
            if h or l:
                units = int(h) * SPLIT + int(l)
                total += units << (low_exponent + offset - 53 + SCALE_BITS)
    return Fraction(total, 1 << SCALE_BITS)


def exact_mean(array):
    """The exact mean of a finite float64 array as a Fraction (round it with float())."""
    return exact_sum(array) / array.size


def fsum(array):
    """math.fsum over every element, streamed in chunks: the correctly rounded sum."""
    flat = array.reshape(-1)
    return math.fsum(v for start in range(0, flat.size, CHUNK) for v in flat[start:start + CHUNK].tolist())


def ulps_from(value, exact):
    """|value - exact| in units in the last place of the correctly rounded `exact`."""
    return float(abs(Fraction(value) - exact) / Fraction(math.ulp(float(exact))))
