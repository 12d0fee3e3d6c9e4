"""Python side of the fastsci-jit rows: the same kernels compiled by Numba."""

import time

import numpy as np

from common import median_seconds, normal_array

# Same source as crates/fastsci-bench/src/rows/jit.rs (KERNELS).
KERNELS = '''
import numpy as np

def monte_carlo_pi(n):
    inside = 0
    for i in range(n):
        x = np.random.random()
        y = np.random.random()
        if x**2 + y**2 <= 1.0:
            inside += 1
    return 4.0 * inside / n

def stencil(a):
    n = a.shape[0]
    out = np.empty_like(a)
    out[0] = a[0]
    out[n - 1] = a[n - 1]
    for i in range(1, n - 1):
        out[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1]
    return out
'''


def _kernels(**options):
    import numba

    ns = {}
    exec(compile(KERNELS, "kernels.py", "exec"), ns)
    return {k: numba.njit(**options)(ns[k]) for k in ("monte_carlo_pi", "stencil")}, numba.__version__


def run_compile_pi(data):
    k, version = _kernels()
    start = time.perf_counter()
    k["monte_carlo_pi"](1)  # first call in the process: compile
    return {"seconds": time.perf_counter() - start, "tool": "Numba " + version}


def run_pi_1e8(data):
    k, version = _kernels()
    f = k["monte_carlo_pi"]
    f(1)
    return {"seconds": median_seconds(lambda: f(100_000_000), warmup=1, reps=5), "tool": "Numba " + version}


def prepare_stencil(data):
    normal_array(data, "normal_a_10m.npy", 10_000_000, 1)


def _stencil(data, **options):
    k, version = _kernels(**options)
    a = np.load(f"{data}/normal_a_10m.npy")
    f = k["stencil"]
    f(a)
    return median_seconds(lambda: f(a), warmup=2, reps=11), version


def run_stencil(data):
    seconds, version = _stencil(data)
    return {"seconds": seconds, "tool": "Numba " + version}


def run_stencil_boundscheck(data):
    seconds, version = _stencil(data, boundscheck=True)
    return {"seconds": seconds, "tool": "Numba " + version + " boundscheck=True"}


ROWS = {
    "jit_compile_pi": {"run": run_compile_pi},
    "jit_pi_1e8": {"run": run_pi_1e8},
    "jit_stencil_1e7": {"prepare": prepare_stencil, "run": run_stencil},
    "jit_stencil_boundscheck": {"prepare": prepare_stencil, "run": run_stencil_boundscheck},
}
