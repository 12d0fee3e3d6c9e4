"""Python side of the fastsci-jit rows: the same kernels compiled by Numba."""

import os
import time

import numpy as np

from common import median_seconds, normal_array, vector_answer

# Workload 2's pi kernel and the stencil: the very files fastsci compiles
# (fastsci::workloads::jit::PI_KERNEL, crates/fastsci-bench/src/rows/jit.rs's STENCIL_KERNEL).
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def _source(*path):
    with open(os.path.join(ROOT, *path)) as f:
        return f.read()


KERNELS = (_source("crates", "fastsci", "src", "workloads", "pi.py") + "\n"
           + _source("crates", "fastsci-bench", "src", "rows", "stencil.py"))


def _kernels(**options):
    import numba

    ns = {}
    exec(compile(KERNELS, "kernels.py", "exec"), ns)
    return {k: numba.njit(**options)(ns[k]) for k in ("monte_carlo_pi", "stencil")}, numba.__version__


PI_CHECK_SAMPLES = 1_000_000


def run_compile_pi(data):
    k, version = _kernels()
    start = time.perf_counter()
    k["monte_carlo_pi"](1)  # first call in the process: compile
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "tool": "Numba " + version, "threads": 1,
            "answer": {"pi": k["monte_carlo_pi"](PI_CHECK_SAMPLES), "samples": PI_CHECK_SAMPLES}}


def run_pi_1e8(data):
    k, version = _kernels()
    f = k["monte_carlo_pi"]
    f(1)
    estimate = [0.0]

    def once():
        estimate[0] = f(100_000_000)
    seconds = median_seconds(once, warmup=1, reps=5)
    return {"seconds": seconds, "tool": "Numba " + version + " (NumPy's MT19937)", "threads": 1,
            "answer": {"pi": estimate[0], "samples": 100_000_000}}


# The pi kernel with the kind of generator fastsci's kernels use, xoshiro256++ seeded by
# SplitMix64, written in Numba: the same kind of generator on both sides, so the row times the
# loop and the draws rather than two different generators.
XOSHIRO_PI = '''
import numpy as np

def splitmix64(x):
    x = x + np.uint64(0x9E3779B97F4A7C15)
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x, z ^ (z >> np.uint64(31))

def rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))

def next_f64(s0, s1, s2, s3):
    """One xoshiro256++ step: the new state and a float in [0, 1) from the top 53 bits."""
    r = rotl(s0 + s3, 23) + s0
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return s0, s1, s2, s3, float(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)

def monte_carlo_pi_xoshiro(n, seed):
    x = np.uint64(seed)
    x, s0 = splitmix64(x)
    x, s1 = splitmix64(x)
    x, s2 = splitmix64(x)
    x, s3 = splitmix64(x)
    inside = 0
    for i in range(n):
        s0, s1, s2, s3, u = next_f64(s0, s1, s2, s3)
        s0, s1, s2, s3, v = next_f64(s0, s1, s2, s3)
        if u * u + v * v <= 1.0:
            inside += 1
    return 4.0 * inside / n
'''


def run_pi_xoshiro(data):
    import numba

    ns = {}
    exec(compile(XOSHIRO_PI, "xoshiro_pi.py", "exec"), ns)
    for name in ("splitmix64", "rotl", "next_f64", "monte_carlo_pi_xoshiro"):
        ns[name] = numba.njit(ns[name])
    f = ns["monte_carlo_pi_xoshiro"]
    f(1, 12345)
    estimate = [0.0]

    def once():
        estimate[0] = f(100_000_000, 12345)
    seconds = median_seconds(once, warmup=1, reps=5)
    return {"seconds": seconds, "tool": "Numba " + numba.__version__ + " (xoshiro256++)", "threads": 1,
            "answer": {"pi": estimate[0], "samples": 100_000_000}}



def prepare_stencil(data):
    normal_array(data, "normal_a_10m.npy", 10_000_000, 1)


def _stencil(data, **options):
    k, version = _kernels(**options)
    a = np.load(f"{data}/normal_a_10m.npy")
    f = k["stencil"]
    answer = vector_answer(f(a))
    return median_seconds(lambda: f(a), warmup=2, reps=11), version, answer


def run_stencil(data):
    seconds, version, answer = _stencil(data)
    return {"seconds": seconds, "tool": "Numba " + version, "threads": 1, "answer": answer}


def run_stencil_boundscheck(data):
    seconds, version, answer = _stencil(data, boundscheck=True)
    return {"seconds": seconds, "tool": "Numba " + version + " boundscheck=True", "threads": 1, "answer": answer}


ROWS = {
    "jit_compile_pi": {"run": run_compile_pi},
    "jit_pi_1e8": {"run": run_pi_1e8},
    "jit_pi_xoshiro": {"run": run_pi_xoshiro},
    "jit_stencil_1e7": {"prepare": prepare_stencil, "run": run_stencil},
    "jit_stencil_boundscheck": {"prepare": prepare_stencil, "run": run_stencil_boundscheck},
}
