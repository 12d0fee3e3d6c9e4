#!/usr/bin/env python3
"""fastsci's parallel loops and ufuncs beside Numba's: same run, same data, answers checked.

Rows (issue 20): the Monte Carlo pi kernel and a 2-D 5-point stencil with ``prange`` under
``fastsci.jit(parallel=True)`` vs ``numba.njit(parallel=True)`` (each on all cores, and each
on one thread: ``parallel=False`` for fastsci, ``numba.set_num_threads(1)`` for Numba, so the
speedup of each is printed); a scalar kernel as a ufunc, ``fastsci.vectorize(target="parallel")``
vs ``numba.vectorize(target="parallel")``. Times are the best of 5 calls after a warm-up
call; the ratio is fastsci/Numba (below 1: fastsci faster).

    python bench/python/parallel_compare.py [--quick]   (in the venv of scripts/python-env.sh,
                                                        after `make wheel PROFILE=release`)
"""

import math
import os
import sys
import time

import numba
import numpy as np

import fastsci

QUICK = "--quick" in sys.argv
THREADS = numba.config.NUMBA_NUM_THREADS


def best(f, *args, runs=5):
    f(*args)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def pi_kernel(n, seed):
    np.random.seed(seed)
    hits = 0
    for i in numba.prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n


def stencil(u, out):
    n = u.shape[0]
    m = u.shape[1]
    for i in numba.prange(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]) - u[i, j]
    return out


def logistic(x, k):
    return 1.0 / (1.0 + math.exp(-k * x)) + math.sqrt(abs(x)) * 1e-3


def row(name, fs_one, fs_all, nb_one, nb_all):
    print(
        f"{name:<34} fastsci 1 thread {fs_one * 1e3:9.1f} ms, {THREADS} threads {fs_all * 1e3:9.1f} ms "
        f"(speedup {fs_one / fs_all:4.2f}x) | numba 1 thread {nb_one * 1e3:9.1f} ms, {THREADS} threads "
        f"{nb_all * 1e3:9.1f} ms (speedup {nb_one / nb_all:4.2f}x) | ratio fastsci/numba, {THREADS} threads "
        f"{fs_all / nb_all:5.3f}x"
    )


def pi_rows():
    n = 10_000_000 if QUICK else 100_000_000
    fs_par, fs_one = fastsci.jit(parallel=True)(pi_kernel), fastsci.jit(pi_kernel)
    nb_par = numba.njit(parallel=True)(pi_kernel)
    # Different generators: both estimates within 5 standard deviations of pi.
    tol = 5 * 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / n)
    for p in (fs_par(n, 1), fs_one(n, 1), nb_par(n, 1)):
        assert abs(p - math.pi) < tol, p
    assert fs_par(n, 1) == fs_one(n, 1), "fastsci: the same bits on any number of threads"
    fa, fo = best(fs_par, n, 1), best(fs_one, n, 1)
    numba.set_num_threads(1)
    no = best(nb_par, n, 1)
    numba.set_num_threads(THREADS)
    na = best(nb_par, n, 1)
    row(f"Monte Carlo pi, n = {n:.0e}", fo, fa, no, na)


def stencil_rows():
    side = 1500 if QUICK else 4000
    u = np.sin(np.arange(side * side, dtype=np.float64) * 1e-3).reshape(side, side)
    # Numba checks no indices by default: compare with fastsci's checks off too.
    fs_par = fastsci.jit(parallel=True, boundscheck=False)(stencil)
    fs_one = fastsci.jit(boundscheck=False)(stencil)
    nb_par = numba.njit(parallel=True)(stencil)
    a, b, c = np.zeros_like(u), np.zeros_like(u), np.zeros_like(u)
    fs_par(u, a)
    fs_one(u, b)
    nb_par(u, c)
    assert np.array_equal(a, b) and np.array_equal(a, c), "same formula, same order: same bits"
    fa, fo = best(fs_par, u, a), best(fs_one, u, b)
    numba.set_num_threads(1)
    no = best(nb_par, u, c)
    numba.set_num_threads(THREADS)
    na = best(nb_par, u, c)
    row(f"2-D stencil, {side}x{side} f64", fo, fa, no, na)


def vectorize_row():
    n = 2_000_000 if QUICK else 20_000_000
    x = np.sin(np.arange(n) * 0.001) * 5.0
    k = np.linspace(0.5, 2.0, n)
    fs = fastsci.vectorize(target="parallel")(logistic)
    nb = numba.vectorize(["float64(float64, float64)"], target="parallel")(logistic)
    out_fs, out_nb = fs(x, k), nb(x, k)
    np.testing.assert_allclose(out_fs, out_nb, rtol=1e-15, atol=0)
    np.testing.assert_allclose(out_fs[:1000], [logistic(a, b) for a, b in zip(x[:1000], k[:1000])], rtol=1e-15)
    o1, o2 = np.empty(n), np.empty(n)
    tf = best(lambda: fs(x, k, out=o1))
    tn = best(lambda: nb(x, k, out=o2))
    print(
        f"{'vectorize, 2 args, n = ' + format(n, '.0e'):<34} fastsci {tf * 1e3:9.1f} ms | "
        f"numba.vectorize(target='parallel') {tn * 1e3:9.1f} ms | ratio {tf / tn:5.3f}x ({THREADS} threads)"
    )


if __name__ == "__main__":
    print(f"cores {os.cpu_count()}, threads {THREADS}, numba {numba.__version__}, fastsci {fastsci.__version__}")
    pi_rows()
    stencil_rows()
    vectorize_row()
