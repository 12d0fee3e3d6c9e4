#!/usr/bin/env python3
"""Workload 2, JIT compilation: pi by Monte Carlo as a plain loop, under CPython, Numba and
fastsci.jit (the only change: the decorator). Compile time reported apart.

    python examples/python/workload2_jit.py [N]
"""

import math
import random
import sys
import time

import numba
import numpy as np

import fastsci


def pi_mc(n):
    inside = 0
    for i in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / n


def pi_python(n):
    inside = 0
    for _ in range(n):
        x, y = random.random(), random.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / n


def main(n):
    sigma = 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / n)
    results = {}
    for name, make in [("numba.njit", numba.njit), ("fastsci.jit", fastsci.jit)]:
        f = make(pi_mc)
        t0 = time.perf_counter()
        f(10)
        compile_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        results[name] = f(n)
        run_s = time.perf_counter() - t0
        print(f"{name:<12} compile {1e3 * compile_s:8.1f} ms   run {1e3 * run_s:8.1f} ms   pi ~ {results[name]:.6f}")
    m = min(n, 1_000_000)
    t0 = time.perf_counter()
    results["CPython"] = pi_python(m)
    print(f"{'CPython':<12}                    run {1e3 * (time.perf_counter() - t0) * n / m:8.1f} ms (scaled to n)")
    for name, est in results.items():
        s = 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / (m if name == "CPython" else n))
        assert abs(est - math.pi) < 6 * s, (name, est)
    print(f"every estimate within 6 standard errors ({sigma:.1e}) of pi")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
