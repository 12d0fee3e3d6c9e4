"""bench/jit: the kernels of kernels.py run by numba.njit and by fastsci-jit on identical
inputs, results checked equal, per-kernel time ratio and compile-time ratio.

    bench/jit/run [--reps=N] [NAME ...]

Numba runs in this process; fastsci-jit in `kernel_bench` (crates/fastsci-jit/examples),
which times its own calls, so neither side counts process start or loading inputs. Each
side: a first call (compile + run), then REPS calls on fresh copies of the inputs (kernels
may write into them), median kept. Both sides single-threaded. Numba's compile time is its
first call minus the median call (after a warm-up compile of another function, so Numba's
one-time initialization is not counted); fastsci-jit's is parse of the whole file + type
inference + code generation for the signature, the median of 5 compilations from source. Bounds checks off on both sides (Numba's
default). Times are CPU time of the calling thread on both sides (`time.thread_time` here,
CLOCK_THREAD_CPUTIME_ID in kernel_bench), so other jobs on a shared machine do not count.
Writes bench/jit/results.json.
"""

import json
import math
import os
import statistics
import subprocess
import sys
import time

import numba
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import kernels  # noqa: E402

RNG = np.random.default_rng(20261207)


def rand(*shape):
    return RNG.random(shape)


def case_table():
    n = 2_000_000
    bs = 400_000
    return [
        ("sum_f64", lambda: [rand(n)]),
        ("sum_f32", lambda: [rand(n).astype(np.float32)]),
        ("sum_i32", lambda: [RNG.integers(-1000, 1000, n).astype(np.int32)]),
        ("dot", lambda: [rand(n), rand(n)]),
        ("centred_diff", lambda: [rand(n), 0.5]),
        ("stencil_slices", lambda: [rand(n)]),
        ("axpy_expr", lambda: [rand(n), rand(n)]),
        ("fused_expr", lambda: [rand(n // 4), rand(n // 4)]),
        ("elementwise_map", lambda: [rand(n) - 0.5]),
        ("black_scholes", lambda: [50 + 50 * rand(bs), 50 + 50 * rand(bs), 0.1 + rand(bs), 0.03, 0.25]),
        ("nbody_energy", lambda: [rand(800, 3), rand(800, 3), 0.5 + rand(800)]),
        ("nbody_step", lambda: [rand(200, 3), rand(200, 3) * 0.1, 0.5 + rand(200), 10]),
        ("ising_sweeps", lambda: [np.where(rand(200, 200) < 0.5, -1.0, 1.0), rand(200, 200), 0.44, 10]),
        ("life_loops", lambda: [(rand(200, 200) < 0.3).astype(np.int64), 10]),
        ("life_slices", lambda: [(rand(1000, 1000) < 0.3).astype(np.int64)]),
        ("grouped_sum", lambda: [RNG.integers(0, 1000, n), rand(n), 1000]),
        ("histogram", lambda: [rand(n)]),
        ("insertion_sort", lambda: [rand(3000)]),
        ("sort_checksum", lambda: [rand(300_000)]),
        ("mandelbrot", lambda: [400, 300, 200]),
        ("pairwise_dist", lambda: [rand(600, 8)]),
        ("matmul_loops", lambda: [rand(200, 200), rand(200, 200)]),
        ("prefix_sum", lambda: [rand(n)]),
        ("horner", lambda: [rand(n // 2), rand(12)]),
        ("heat2d_slices", lambda: [rand(300, 300), 0.2, 20]),
        ("mean_std", lambda: [rand(n)]),
        ("row_norms", lambda: [rand(20_000, 64)]),
        ("sieve", lambda: [2_000_000]),
        ("collatz_max", lambda: [200_000]),
    ]


def copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def jit_module():
    """Every function of kernels.py through numba.njit, so kernels that call others (as
    `sort_checksum` calls `quicksort`) find the compiled versions, as in a Numba module."""
    for key, obj in list(vars(kernels).items()):
        if callable(obj) and getattr(obj, "__module__", None) == kernels.__name__:
            setattr(kernels, key, numba.njit(obj))


def run_numba(name, args, reps):
    f = getattr(kernels, name)
    t0 = time.thread_time()
    result = f(*copies(args))
    first = time.thread_time() - t0
    times = []
    for _ in range(reps):
        fresh = copies(args)
        t0 = time.thread_time()
        result = f(*fresh)
        times.append(time.thread_time() - t0)
    med = statistics.median(times)
    return result, med * 1e3, max(first - med, 0.0) * 1e3


def run_fastsci(exe, name, args, reps, data):
    argv = [exe, os.path.join(here, "kernels.py"), name, str(reps), os.path.join(data, f"{name}.out.npy")]
    for k, a in enumerate(args):
        if isinstance(a, np.ndarray):
            path = os.path.join(data, f"{name}.{k}.npy")
            np.save(path, a)
            argv.append("@" + path)
        elif isinstance(a, (bool, np.bool_)):
            raise TypeError("bool arguments are not used by the suite")
        elif isinstance(a, (int, np.integer)):
            argv.append(f"i:{int(a)}")
        else:
            argv.append(f"f:{float(a)!r}")
    out = subprocess.run(argv, capture_output=True, text=True)
    if out.returncode != 0:
        return None, None, None, out.stderr.strip() or out.stdout.strip()
    j = json.loads(out.stdout)
    result = j["result"]
    if isinstance(result, str):
        result = np.load(result)
    # The first call is not counted either (as on the Numba side).
    times = j["times_ms"][1:] or j["times_ms"]
    return result, statistics.median(times), j["compile_ms"], None


def same(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "iub" and b.dtype.kind in "iub":
        return bool(np.array_equal(a, b))
    # Float results: 1e-12 of the largest magnitude (the math functions of the two sides
    # may differ in the last bit, which matters relative to a result near zero only).
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    return bool(np.allclose(a, b, rtol=1e-12, atol=1e-12 * scale, equal_nan=True))


def main():
    reps = 5
    names = []
    for a in sys.argv[2:]:
        if a.startswith("--reps="):
            reps = int(a.split("=", 1)[1])
        else:
            names.append(a)
    exe = sys.argv[1]
    data = os.path.join(here, "data")
    os.makedirs(data, exist_ok=True)
    numba.njit(lambda x: x + 1)(1)  # Numba's one-time start-up, not a compile of a kernel
    jit_module()
    rows = []
    print(f"{'kernel':16} {'numba ms':>10} {'fastsci ms':>10} {'time ratio':>10} {'compile numba ms':>16} {'fastsci ms':>10} {'faster':>8}  check")
    for name, make in case_table():
        if names and name not in names:
            continue
        args = make()
        want, t_numba, c_numba = run_numba(name, args, reps)
        got, t_fast, c_fast, err = run_fastsci(exe, name, args, reps + 1, data)
        if err is not None:
            print(f"{name:16} fastsci-jit failed: {err}")
            rows.append({"kernel": name, "error": err})
            continue
        ok = same(got, want)
        ratio = t_fast / t_numba
        cratio = c_numba / c_fast
        rows.append(
            {
                "kernel": name,
                "numba_ms": t_numba,
                "fastsci_ms": t_fast,
                "time_ratio": ratio,
                "numba_compile_ms": c_numba,
                "fastsci_compile_ms": c_fast,
                "compile_speedup": cratio,
                "equal": ok,
            }
        )
        print(
            f"{name:16} {t_numba:10.3f} {t_fast:10.3f} {ratio:9.2f}x {c_numba:16.1f} {c_fast:10.2f} {cratio:7.0f}x  {'ok' if ok else 'MISMATCH'}"
        )
    good = [r for r in rows if "error" not in r]
    if good:
        gm = math.exp(sum(math.log(r["time_ratio"]) for r in good) / len(good))
        worst = max(good, key=lambda r: r["time_ratio"])
        cmin = min(good, key=lambda r: r["compile_speedup"])
        print(
            f"\n{len(good)}/{len(rows)} kernels compiled; geometric mean time ratio {gm:.2f}x Numba; "
            f"slowest {worst['kernel']} {worst['time_ratio']:.2f}x; compile at least {cmin['compile_speedup']:.0f}x faster ({cmin['kernel']}); "
            f"{sum(not r['equal'] for r in good)} mismatches; single thread each side"
        )
    summary = {"numba": numba.__version__, "numpy": np.__version__, "reps": reps, "rows": rows}
    with open(os.path.join(here, "results.json"), "w") as f:
        json.dump(summary, f, indent=1)
    if any("error" in r or not r["equal"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
