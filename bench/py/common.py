"""Shared helpers for the Python side of bench/compare: timing and shared inputs."""

import os
import statistics
import time

import numpy as np


def median_seconds(fn, warmup=2, reps=15):
    """Run fn `warmup` times untimed, then `reps` times timed; return the median seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seconds_per_call(fn, min_seconds=0.2):
    """Mean seconds per call of a call too short to time on its own."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls
        calls *= 2


def median_seconds_per_call(fn, reps=5, min_seconds=0.2):
    """The median over `reps` of seconds_per_call."""
    return statistics.median(seconds_per_call(fn, min_seconds) for _ in range(reps))


def normal_array(data_dir, name, n, seed):
    """A shared input: n standard normal f64 written once to data_dir/name, then reused."""
    path = os.path.join(data_dir, name)
    if not os.path.exists(path):
        rng = np.random.default_rng(seed)
        tmp = path + ".partial.npy"
        np.save(tmp, rng.standard_normal(n))
        os.replace(tmp, path)
    return path


def vector_answer(v):
    """A long vector's answer as bench/compare checks it: the entries at the positions
    crates/fastsci-bench's vector_answer picks, the sum of squares and the length."""
    v = np.asarray(v, dtype=np.float64)
    n = len(v)
    samples = [float(v[k * (n - 1) // 8]) for k in range(9)] if n else []
    return {"samples": samples, "sumsq": float(np.dot(v, v)), "len": n}
