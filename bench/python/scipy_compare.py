#!/usr/bin/env python3
"""fastsci.integrate / optimize / sparse beside SciPy: same run, same problems, answers checked.

Rows (issue 17), each printing both times and the ratio fastsci/SciPy (below 1: fastsci is
faster), with the threads each side used:

- quad of exp(-x**2)*log(1+x**2) over [0, 5]: a @fastsci.jit kernel vs scipy.integrate.quad with
  a scipy.LowLevelCallable made from a numba.cfunc (the fastest thing a SciPy expert writes);
  target <= 0.5x. Also the formula string.
- the same with a plain Python callable on both sides; target: no slower (<= 1x).
- minimize BFGS on Rosenbrock from (-1.2, 1): jitted objective and gradient vs SciPy with
  numba.njit objective and gradient; target >= 10x faster (<= 0.1x).
- spsolve and cg (rtol 1e-8) on the 2-D Laplacian, 300 x 300 grid, vs scipy.sparse.linalg.

Every call includes the crossing from Python (argument checks, result objects).

    python bench/python/scipy_compare.py [--quick]   (after `make wheel PROFILE=release`)
"""

import math
import os
import statistics
import sys
import time

# One BLAS thread for SciPy's vector operations, as bench/py does: on a shared 2-core machine
# a spinning second OpenBLAS thread makes SciPy's CG several times slower than it is.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numba  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.integrate as si  # noqa: E402
import scipy.optimize as so  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import scipy.sparse.linalg as sla  # noqa: E402

import fastsci  # noqa: E402
from fastsci import integrate, optimize, sparse  # noqa: E402

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 7
CORES = os.cpu_count()


def best(f, calls):
    """The median over ROUNDS of the best-of-3 time per call, each round ``calls`` calls."""
    per_round = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(calls):
            f()
        per_round.append((time.perf_counter() - t0) / calls)
    return statistics.median(per_round), min(per_round), max(per_round)


def alternate(ours, theirs, calls):
    """Both sides timed in alternating rounds; medians and the per-round ratios."""
    o, t, ratios = [], [], []
    for _ in range(ROUNDS):
        a = best_one(ours, calls)
        b = best_one(theirs, calls)
        o.append(a)
        t.append(b)
        ratios.append(a / b)
    return statistics.median(o), statistics.median(t), min(ratios), max(ratios)


def best_one(f, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - t0) / calls


def row(name, ours, theirs, other, threads, unit, lo, hi, target):
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
    ratio = ours / theirs
    print(
        f"{name:<46} fastsci {ours * scale:9.2f} {unit}  {other:<28} {theirs * scale:9.2f} {unit}  "
        f"ratio {ratio:6.3f}x (rounds {lo:.3f}-{hi:.3f}; target {target}) threads {threads}"
    )


def integrand(x):
    return math.exp(-x * x) * math.log(1.0 + x * x)


def quad_rows():
    jit_f = fastsci.jit(integrand)
    jit_f(1.0)
    cfunc = numba.cfunc("float64(float64)")(integrand)
    llc = scipy.LowLevelCallable(cfunc.ctypes)
    ref = si.quad(llc, 0, 5, full_output=1)
    for f in (jit_f, "exp(-x**2)*log(1+x**2)", integrand):
        got = integrate.quad(f, 0, 5, full_output=1)
        assert abs(got[0] - ref[0]) <= 1e-14 and got[2]["neval"] == ref[2]["neval"] == 63, got
        assert abs(got[1] - ref[1]) <= 1e-6 * ref[1]
    calls = 2000 if QUICK else 20000
    o, t, lo, hi = alternate(lambda: integrate.quad(jit_f, 0, 5), lambda: si.quad(llc, 0, 5), calls)
    row("quad, seed integrand, @fastsci.jit", o, t, "scipy quad + LowLevelCallable", "1/1", "us", lo, hi, "<= 0.5x")
    o, t, lo, hi = alternate(lambda: integrate.quad("exp(-x**2)*log(1+x**2)", 0, 5), lambda: si.quad(llc, 0, 5), calls)
    row("quad, seed integrand, formula string", o, t, "scipy quad + LowLevelCallable", "1/1", "us", lo, hi, "-")
    o, t, lo, hi = alternate(lambda: integrate.quad(integrand, 0, 5), lambda: si.quad(integrand, 0, 5), calls // 4)
    row("quad, seed integrand, Python callable", o, t, "scipy quad, Python callable", "1/1", "us", lo, hi, "<= 1x")


def rosen(x):
    return 100.0 * (x[1] - x[0] ** 2) ** 2 + (1.0 - x[0]) ** 2


def rosen_grad(x):
    g = np.empty(2)
    g[0] = -400.0 * x[0] * (x[1] - x[0] ** 2) - 2.0 * (1.0 - x[0])
    g[1] = 200.0 * (x[1] - x[0] ** 2)
    return g


def bfgs_row():
    x0 = np.array([-1.2, 1.0])
    jf, jg = fastsci.jit(rosen), fastsci.jit(rosen_grad)
    nf, ng = numba.njit(rosen), numba.njit(rosen_grad)
    jf(x0), jg(x0), nf(x0), ng(x0)
    ref = so.minimize(nf, x0, jac=ng, method="BFGS")
    got = optimize.minimize(jf, x0, jac=jg, method="BFGS")
    assert got.nfev == ref.nfev == 39 and np.allclose(got.x, ref.x, atol=1e-10), (got, ref)
    calls = 50 if QUICK else 500
    o, t, lo, hi = alternate(
        lambda: optimize.minimize(jf, x0, jac=jg, method="BFGS"), lambda: so.minimize(nf, x0, jac=ng, method="BFGS"), calls
    )
    row("minimize BFGS Rosenbrock, jitted f and grad", o, t, "scipy + numba.njit f, grad", "1/1", "us", lo, hi, "<= 0.1x")


def laplacian_2d(n):
    t = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n))
    return (sp.kron(sp.eye(n), t) + sp.kron(t, sp.eye(n))).tocsr()


def sparse_rows():
    n = 100 if QUICK else 300
    A = laplacian_2d(n)
    Acsc = A.tocsc()
    b = np.ones(A.shape[0])
    xs = sla.spsolve(Acsc, b)
    xf = sparse.spsolve(A, b)
    assert np.allclose(xs, xf, rtol=1e-9, atol=0)
    global ROUNDS
    saved, ROUNDS = ROUNDS, 3
    o, t, lo, hi = alternate(lambda: sparse.spsolve(A, b), lambda: sla.spsolve(Acsc, b), 1)
    row(f"spsolve, 2-D Laplacian {n}x{n}", o, t, "scipy spsolve (SuperLU)", f"{CORES}/1", "ms", lo, hi, "fastsci-sparse's ratio")
    (xs, i1), (xf, i2) = sla.cg(A, b, rtol=1e-8), sparse.cg(A, b, rtol=1e-8)
    tol = 1e-8 * np.linalg.norm(b)
    assert i1 == i2 == 0 and np.linalg.norm(b - A @ xf) <= tol and np.allclose(xs, xf, rtol=1e-5)
    o, t, lo, hi = alternate(lambda: sparse.cg(A, b, rtol=1e-8), lambda: sla.cg(A, b, rtol=1e-8), 1)
    row(f"cg to 1e-8, 2-D Laplacian {n}x{n}", o, t, "scipy.sparse.linalg.cg", f"{CORES}/1", "ms", lo, hi, "fastsci-sparse's ratio")
    ROUNDS = saved


def main():
    print(f"fastsci {fastsci.__version__}, SciPy {scipy.__version__}, Numba {numba.__version__}, NumPy {np.__version__}; {CORES} cores")
    quad_rows()
    bfgs_row()
    sparse_rows()


if __name__ == "__main__":
    main()
