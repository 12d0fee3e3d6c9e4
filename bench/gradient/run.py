"""bench/gradient: time per exact gradient of the chained Rosenbrock function

    f(x) = sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2

at n = 1,000 and 100,000: fastsci-jit's reverse mode (`Function::gradient` of the kernel in
crates/fastsci-optimize/examples/gradient_bench.rs, which times its own calls) beside
`jax.jit(jax.grad(f))` (float64), SciPy's hand-written NumPy gradient `scipy.optimize.rosen_der`
and a hand-written loop gradient under `numba.njit`; also the kernel's own time (the gradient
must cost at most 4 of them). Then L-BFGS-B from (-1.2, 1, -1.2, 1, ...) at n = 1,000 with the
automatic gradient (fastsci-optimize) beside SciPy's L-BFGS-B with rosen/rosen_der.

Same vectors on every side (written to .npy), gradients checked equal to 1e-12 of the largest
component, one thread everywhere (XLA and BLAS pinned to one), the first call of each side
not timed, the median of REPS samples of about a millisecond of calls each.

    bench/gradient/run [--reps=N]
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.optimize as so  # noqa: E402

jax.config.update("jax_enable_x64", True)

BENCH = sys.argv[1]
REPS = next((int(a.split("=")[1]) for a in sys.argv[2:] if a.startswith("--reps=")), 15)
RNG = np.random.default_rng(20261208)


def rosen_jax(x):
    return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@numba.njit(cache=False)
def rosen_grad_numba(x, g):
    n = x.shape[0]
    for i in range(n):
        g[i] = 0.0
    for i in range(n - 1):
        t = x[i + 1] - x[i] * x[i]
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i])
        g[i + 1] += 200.0 * t
    return g


def median_per_call(f, calls):
    f()
    samples = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        for _ in range(calls):
            f()
        samples.append((time.perf_counter() - t0) / calls)
    return statistics.median(samples)


def check(name, got, ref):
    err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
    if not err <= 1e-12:
        print(f"MISMATCH {name}: relative error {err:.3e}", file=sys.stderr)
        sys.exit(1)
    return err


def fastsci(*args):
    out = subprocess.run([BENCH, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def fmt(seconds):
    return f"{seconds * 1e6:.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:.3f} ms"


def gradient_rows(tmp):
    rows = []
    for n in (1_000, 100_000):
        x = RNG.uniform(-2.0, 2.0, n)
        xp, gp = os.path.join(tmp, f"x{n}.npy"), os.path.join(tmp, f"g{n}.npy")
        np.save(xp, x)
        ours = fastsci("time", xp, gp, str(REPS))
        reference = so.rosen_der(x)
        value_err = abs(ours["value"] - so.rosen(x)) / so.rosen(x)
        assert value_err <= 1e-12, value_err
        errs = {"fastsci": check("fastsci", np.load(gp), reference)}
        calls = max(1, 1_000_000 // n)
        xj = jnp.asarray(x)
        jax_grad = jax.jit(jax.grad(rosen_jax))
        errs["jax"] = check("jax", np.asarray(jax_grad(xj)), reference)
        g = np.empty(n)
        errs["numba"] = check("numba", rosen_grad_numba(x, g), reference)
        times = {
            "jax.jit(jax.grad)": median_per_call(lambda: jax_grad(xj).block_until_ready(), calls),
            "NumPy rosen_der": median_per_call(lambda: so.rosen_der(x), calls),
            "Numba loop": median_per_call(lambda: rosen_grad_numba(x, g), calls),
        }
        rows.append({"n": n, "fastsci": ours, "others": times, "max_rel_err": errs})
    return rows


def lbfgsb_row(tmp):
    n = 1_000
    x0 = np.tile([-1.2, 1.0], n // 2)
    x0p, xp = os.path.join(tmp, "x0.npy"), os.path.join(tmp, "xopt.npy")
    np.save(x0p, x0)
    ours = fastsci("lbfgsb", x0p, xp)
    ours_x = np.load(xp)
    t0 = time.perf_counter()
    theirs = so.minimize(so.rosen, x0, jac=so.rosen_der, method="L-BFGS-B")
    their_time = time.perf_counter() - t0
    return {
        "n": n,
        "fastsci": ours | {"max_abs_x_minus_1": float(np.max(np.abs(ours_x - 1.0)))},
        "scipy": {
            "time_s": their_time, "nit": int(theirs.nit), "nfev": int(theirs.nfev), "njev": int(theirs.njev),
            "fun": float(theirs.fun), "success": bool(theirs.success), "message": str(theirs.message),
            "max_abs_x_minus_1": float(np.max(np.abs(theirs.x - 1.0))),
        },
    }


def main():
    print(f"jax {jax.__version__}, numba {numba.__version__}, numpy {np.__version__}, scipy {scipy.__version__}; "
          f"{os.cpu_count()} cores, one thread per side, {REPS} samples")
    with tempfile.TemporaryDirectory() as tmp:
        rows = gradient_rows(tmp)
        opt = lbfgsb_row(tmp)
    print("\n| n | fastsci gradient | kernel alone | gradient / kernel | other | other's time | fastsci / other |")
    print("|---:|---:|---:|---:|---|---:|---:|")
    for r in rows:
        ours = r["fastsci"]
        for name, t in r["others"].items():
            print(f"| {r['n']:,} | {fmt(ours['grad_s'])} | {fmt(ours['f_s'])} | {ours['grad_s'] / ours['f_s']:.2f}x "
                  f"| {name} | {fmt(t)} | {ours['grad_s'] / t:.2f}x |")
    for r in rows:
        print(f"n = {r['n']:,}: through Function::call (Value in, tuple out) {fmt(r['fastsci']['grad_call_s'])}; "
              f"gradient compiled in {r['fastsci']['grad_compile_s'] * 1e3:.2f} ms; "
              f"largest relative difference from rosen_der: {r['max_rel_err']}")
    f, s = opt["fastsci"], opt["scipy"]
    print("\nL-BFGS-B, n = 1,000, from (-1.2, 1, ...), default options on both sides:\n")
    print("| side | time | nit | nfev | njev | f | max abs(x - 1) | success |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, r in (("fastsci-optimize + exact kernel gradient", f), ("SciPy + NumPy rosen/rosen_der", s)):
        print(f"| {name} | {fmt(r['time_s'])} | {r['nit']} | {r['nfev']} | {r['njev']} | {r['fun']:.3e} "
              f"| {r['max_abs_x_minus_1']:.2e} | {r['success']} |")
    print(f"\ntime ratio fastsci / SciPy: {f['time_s'] / s['time_s']:.3f}x")


if __name__ == "__main__":
    main()
