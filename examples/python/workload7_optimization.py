#!/usr/bin/env python3
"""Workload 7, optimization, from Python: scipy.optimize.minimize beside fastsci.optimize.minimize
on the Rosenbrock function from (-1.2, 1.0): Nelder–Mead without derivatives, then BFGS with the
analytic gradient. Reports the minimum, the function value, success, the message and the
evaluations of each, and checks both sides agree (evaluation counts equal: the same algorithms).

    python examples/python/workload7_optimization.py
"""

import time

import numpy as np
import scipy.optimize as so

import fastsci
from fastsci import optimize


def rosen(x):
    return 100.0 * (x[1] - x[0] ** 2) ** 2 + (1.0 - x[0]) ** 2


def rosen_grad(x):
    g = np.empty(2)
    g[0] = -400.0 * x[0] * (x[1] - x[0] ** 2) - 2.0 * (1.0 - x[0])
    g[1] = 200.0 * (x[1] - x[0] ** 2)
    return g


jit_rosen, jit_grad = fastsci.jit(rosen), fastsci.jit(rosen_grad)


def best(f, rounds=20):
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return out, min(times)


def show(label, r, t):
    print(f"  {label:<28} x = {np.array2string(r.x, precision=8)}  f = {r.fun:.2e}  success={r.success}  nfev={r.nfev}  {1e3 * t:7.3f} ms")


def main():
    x0 = [-1.2, 1.0]
    jit_rosen(np.array(x0))
    jit_grad(np.array(x0))
    for method, kw_scipy, cases in (
        ("Nelder-Mead", {}, [("Python callable", rosen, {}), ("@fastsci.jit", jit_rosen, {}), ("formula", "100*(x[1]-x[0]**2)**2 + (1-x[0])**2", {})]),
        ("BFGS", {"jac": rosen_grad}, [("Python callable + gradient", rosen, {"jac": rosen_grad}), ("@fastsci.jit + gradient", jit_rosen, {"jac": jit_grad}), ("formula (exact gradient)", "100*(x[1]-x[0]**2)**2 + (1-x[0])**2", {})]),
    ):
        ref, t_ref = best(lambda: so.minimize(rosen, x0, method=method, **kw_scipy))
        print(f"{method}: {ref.message}")
        show("scipy", ref, t_ref)
        for label, f, kw in cases:
            r, t = best(lambda f=f, kw=kw: optimize.minimize(f, x0, method=method, **kw))
            assert r.success == ref.success and r.nfev == ref.nfev, (label, r.nfev, ref.nfev)
            assert np.allclose(r.x, ref.x, atol=1e-6), (label, r.x, ref.x)
            show(f"fastsci, {label}", r, t)


if __name__ == "__main__":
    main()
