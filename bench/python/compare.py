#!/usr/bin/env python3
"""fastsci's Python package beside Numba and numexpr: same run, same data, answers checked.

Rows (issue 16): call overhead of a jitted kernel with 2 scalar arguments and with 1 array
argument vs Numba's dispatcher; compile time of the pi kernel vs Numba; fastsci.evaluate vs
numexpr.evaluate on the compound expression (10M); fastsci.map over 100 tasks of a jitted
kernel vs ProcessPoolExecutor over the same function under Numba. Each row prints both times
and the ratio fastsci/other (below 1: fastsci is faster).

    python bench/python/compare.py [--quick]      (in the venv of scripts/python-env.sh,
                                                   after `make wheel PROFILE=release`)
"""

import concurrent.futures
import math
import os
import statistics
import sys
import threading
import time

import numba
import numexpr
import numpy as np

import fastsci

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402

QUICK = "--quick" in sys.argv
THREADS = os.cpu_count()


def call_costs(ours, theirs, args, runs):
    """Per-call times of two dispatchers: the best of ``runs`` short runs (5,000 calls, about a
    millisecond) each, the two sides alternating. On a shared machine a long run is mostly
    other processes' time slices; the best short run is the call's own cost."""
    best = [1.0, 1.0]
    for _ in range(runs):
        for k, f in enumerate((ours, theirs)):
            t0 = time.perf_counter()
            for _ in range(5000):
                f(*args)
            best[k] = min(best[k], (time.perf_counter() - t0) / 5000)
    return best


def row(name, ours, theirs, other, unit="s", note=""):
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
    print(
        f"{name:<44} fastsci {ours * scale:10.2f} {unit}   {other} {theirs * scale:10.2f} {unit}   "
        f"ratio {ours / theirs:6.3f}x {note}"
    )


def call_overhead():
    runs = 40 if QUICK else 400
    nb_add, fs_add = numba.njit(kernels.add), fastsci.jit(kernels.add)
    assert nb_add(1.5, 2.0) == fs_add(1.5, 2.0) == 3.5
    row("call overhead, 2 scalars", *call_costs(fs_add, nb_add, (1.5, 2.0), runs), "numba", "ns")
    x = np.arange(10.0)
    nb_first, fs_first = numba.njit(kernels.first), fastsci.jit(kernels.first)
    assert nb_first(x) == fs_first(x) == 0.0
    row("call overhead, 1 array", *call_costs(fs_first, nb_first, (x,), runs), "numba", "ns")


def compile_time():
    def first_call(make):
        times = []
        for _ in range(3):
            f = make(kernels.pi_mc)  # a new dispatcher: nothing cached
            t0 = time.perf_counter()
            f(1000)
            times.append(time.perf_counter() - t0)
        return min(times)

    ours = first_call(fastsci.jit)
    theirs = first_call(numba.njit)
    n = 1_000_000
    est = (fastsci.jit(kernels.pi_mc)(n), numba.njit(kernels.pi_mc)(n))
    sigma = 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / n)
    assert all(abs(e - math.pi) < 6 * sigma for e in est), est
    row("compile + first call, pi kernel", ours, theirs, "numba", "ms", "(target <= 0.01x)")


def evaluate():
    n = 1_000_000 if QUICK else 10_000_000
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n)
    ex = "a*b + c*2 - sin(a)"
    names = {"a": a, "b": b, "c": c}
    ours = fastsci.evaluate(ex, names)
    theirs = numexpr.evaluate(ex, names)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-13)

    def timed(f):
        ts = []
        for _ in range(7):
            t0 = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts)

    numexpr.set_num_threads(THREADS)
    row(f"evaluate a*b + c*2 - sin(a), {n:,}", timed(lambda: fastsci.evaluate(ex, names)), timed(lambda: numexpr.evaluate(ex, names)), "numexpr", "ms", f"({THREADS} threads each; target <= 0.5x)")


_nb_task = numba.njit(kernels.task)


def _numba_task(v, spins):
    return _nb_task(v, spins)


def two_threads():
    """Two calls of a jitted kernel in two Python threads against the same two calls in a row:
    with the GIL released the threads run at once (about 0.5x on 2 idle cores)."""
    n = 2_000_000 if QUICK else 20_000_000
    busy = fastsci.jit(kernels.busy)
    expected = busy(n)

    def in_threads(count):
        results = []
        threads = [threading.Thread(target=lambda: results.append(busy(n))) for _ in range(count)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [expected] * count
        return time.perf_counter() - t0

    serial = min(in_threads(1) + in_threads(1) for _ in range(3))
    parallel = min(in_threads(2) for _ in range(3))
    row("2 kernel calls in 2 threads vs in a row", parallel, serial, "serial", "ms", "(GIL released; target < 0.8x on 2 idle cores)")


def parallel_map():
    spins = 20_000 if QUICK else 200_000  # about 1 and 10 ms of work per task
    values = [0.01 * i for i in range(100)]
    fs_task = fastsci.jit(kernels.task)
    fs_task(0.0, 10)
    t0 = time.perf_counter()
    ours = fastsci.starmap(fs_task, [(v, spins) for v in values])
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=THREADS) as pool:
        theirs = list(pool.map(_numba_task, values, [spins] * len(values)))
    t_theirs = time.perf_counter() - t0
    reference = [math.sqrt(math.exp(math.sin(v))) for v in values]
    np.testing.assert_allclose(ours, reference, rtol=2e-16 * 4)
    np.testing.assert_allclose(theirs, reference, rtol=2e-16 * 4)
    row("map, 100 tasks of a jitted kernel", t_ours, t_theirs, "pool+numba", "ms", f"({THREADS} workers; pool start and worker compiles included)")


if __name__ == "__main__":
    print(f"fastsci {fastsci.__version__}, numba {numba.__version__}, numexpr {numexpr.__version__}, numpy {np.__version__}; {THREADS} cores")
    call_overhead()
    compile_time()
    evaluate()
    two_threads()
    parallel_map()
