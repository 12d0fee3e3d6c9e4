#!/usr/bin/env python3
"""Workload 4, parallel processing: 100 tasks of sqrt(exp(sin(v))) after about 10 ms of work
each, serially, on a ProcessPoolExecutor over a Numba function, and with fastsci.map over the
same function under fastsci.jit (threads, no pickling). Results must match.

    python examples/python/workload4_parallel.py
"""

import concurrent.futures
import math
import os
import time

import numba
import numpy as np

import fastsci

SPINS = 200_000  # about 10 ms of work


def task(v):
    s = 0.0
    for i in range(SPINS):
        s += math.sin(s + i) * 1e-300
    return math.sqrt(math.exp(math.sin(v))) + s * 0.0


nb_task = numba.njit(task)
fs_task = fastsci.jit(task)
values = [0.01 * i for i in range(100)]

if __name__ == "__main__":
    nb_task(0.0), fs_task(0.0)  # compile both
    t0 = time.perf_counter()
    serial = [nb_task(v) for v in values]
    print(f"serial (numba)                    {time.perf_counter() - t0:6.3f} s")
    t0 = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        pooled = list(pool.map(nb_task, values))
    print(f"ProcessPoolExecutor + numba       {time.perf_counter() - t0:6.3f} s ({os.cpu_count()} processes)")
    t0 = time.perf_counter()
    mapped = fastsci.map(fs_task, values)
    print(f"fastsci.map + fastsci.jit         {time.perf_counter() - t0:6.3f} s ({os.cpu_count()} threads)")
    reference = [math.sqrt(math.exp(math.sin(v))) for v in values]
    for got in (serial, pooled, mapped):
        np.testing.assert_allclose(got, reference, rtol=1e-15)
    print("results match")
