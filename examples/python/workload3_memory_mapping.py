#!/usr/bin/env python3
"""Workload 3, memory mapping: a ROWS x 10,000 f64 file (10,000 rows: 800 MB) filled 1,000 rows
at a time through np.memmap, reopened read-only, its mean computed without loading it whole:
np.load(mmap_mode="r").mean() beside fastsci.mean(path) (exactly rounded, bounded memory).

    python examples/python/workload3_memory_mapping.py [ROWS] [PATH]
"""

import os
import sys
import tempfile
import time

import numpy as np

import fastsci

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
cols = 10_000
path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(tempfile.gettempdir(), "fastsci-workload3.npy")

t0 = time.perf_counter()
m = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(rows, cols))
rng = np.random.default_rng(3)
for r in range(0, rows, 1000):
    m[r : r + 1000] = rng.standard_normal((min(1000, rows - r), cols))
m.flush()
del m
print(f"wrote {path}: {rows} x {cols} f64 ({rows * cols * 8 / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")

t0 = time.perf_counter()
numpy_mean = float(np.load(path, mmap_mode="r").mean())
t_numpy = time.perf_counter() - t0
t0 = time.perf_counter()
fastsci_mean = fastsci.mean(path)
t_fastsci = time.perf_counter() - t0
print(f"np.load(mmap_mode='r').mean()  {1e3 * t_numpy:8.1f} ms   {numpy_mean!r}")
print(f"fastsci.mean(path)             {1e3 * t_fastsci:8.1f} ms   {fastsci_mean!r}")
# NumPy's pairwise sum is off by a few ulps of the sum; fastsci's is correctly rounded.
assert abs(numpy_mean - fastsci_mean) <= 1e-12 * max(1.0, abs(fastsci_mean)) + 1e-15
s = fastsci.stats(path)
print(f"stats: count {s['count']}, std {s['std']:.6f}, min {s['min']:.3f}, max {s['max']:.3f}")
assert s["count"] == rows * cols and abs(s["std"] - 1.0) < 0.01
if len(sys.argv) <= 2:
    os.remove(path)
