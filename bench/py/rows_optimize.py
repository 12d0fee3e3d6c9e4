"""Python side of the fastsci-optimize rows: scipy.optimize.minimize on the same problems."""

import numpy as np
import scipy
from scipy import optimize

from common import median_seconds, median_seconds_per_call


def rosen2(v):
    return 100.0 * (v[1] - v[0] ** 2) ** 2 + (1.0 - v[0]) ** 2


def rosen2_grad(v):
    return np.array([-400.0 * v[0] * (v[1] - v[0] ** 2) - 2.0 * (1.0 - v[0]), 200.0 * (v[1] - v[0] ** 2)])


def tool():
    return "SciPy " + scipy.__version__


def answer(r, with_njev=True):
    """What both sides compare: the point, the value, the counts, success."""
    out = {"x": [float(v) for v in r.x], "fun": float(r.fun), "nfev": int(r.nfev), "nit": int(r.nit),
           "success": bool(r.success)}
    if with_njev:
        out["njev"] = int(r.njev)
    return out


def run_nm(data):
    def go():
        return optimize.minimize(rosen2, [-1.2, 1.0], method="Nelder-Mead")
    r = go()
    return {"seconds": median_seconds_per_call(go), "tool": tool(), "threads": 1, "answer": answer(r, False)}


def run_bfgs(data):
    def go():
        return optimize.minimize(rosen2, [-1.2, 1.0], jac=rosen2_grad, method="BFGS")
    r = go()
    return {"seconds": median_seconds_per_call(go), "tool": tool(), "threads": 1, "answer": answer(r)}


def run_lbfgsb(data):
    x0 = np.zeros(1000)

    def go():
        return optimize.minimize(optimize.rosen, x0, jac=optimize.rosen_der, method="L-BFGS-B")
    r = go()
    # Warmed and timed as the fastsci side: one untimed run, the median of three.
    return {"seconds": median_seconds(go, warmup=1, reps=3), "tool": tool(), "threads": 1, "answer": answer(r)}


def _numba_rosen():
    import numba

    @numba.njit(cache=False)
    def f2(v):
        return 100.0 * (v[1] - v[0] ** 2) ** 2 + (1.0 - v[0]) ** 2

    @numba.njit(cache=False)
    def g2(v):
        out = np.empty(2)
        out[0] = -400.0 * v[0] * (v[1] - v[0] ** 2) - 2.0 * (1.0 - v[0])
        out[1] = 200.0 * (v[1] - v[0] ** 2)
        return out

    @numba.njit(cache=False)
    def f(x):
        s = 0.0
        for i in range(len(x) - 1):
            s += 100.0 * (x[i + 1] - x[i] * x[i]) ** 2 + (1.0 - x[i]) ** 2
        return s

    @numba.njit(cache=False)
    def g(x):
        out = np.zeros_like(x)
        for i in range(len(x) - 1):
            t = x[i + 1] - x[i] * x[i]
            out[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i])
            out[i + 1] += 200.0 * t
        return out
    return f2, g2, f, g, numba.__version__


def run_bfgs_numba(data):
    """The same BFGS run with the objective and gradient compiled by numba.njit (compiled
    before timing): what a SciPy user does to take the Python callback cost out."""
    f2, g2, _, _, version = _numba_rosen()

    def go():
        return optimize.minimize(f2, np.array([-1.2, 1.0]), jac=g2, method="BFGS")
    r = go()
    return {"seconds": median_seconds_per_call(go), "tool": tool() + " + numba " + version, "threads": 1,
            "answer": answer(r)}


def run_lbfgsb_numba(data):
    _, _, f, g, version = _numba_rosen()
    x0 = np.zeros(1000)

    def go():
        return optimize.minimize(f, x0, jac=g, method="L-BFGS-B")
    r = go()
    return {"seconds": median_seconds(go, warmup=1, reps=3), "tool": tool() + " + numba " + version,
            "threads": 1, "answer": answer(r)}


ROWS = {
    "rosen-nelder-mead": {"run": run_nm},
    "rosen-bfgs": {"run": run_bfgs},
    "rosen1000-lbfgsb": {"run": run_lbfgsb},
    "rosen-bfgs-numba": {"run": run_bfgs_numba},
    "rosen1000-lbfgsb-numba": {"run": run_lbfgsb_numba},
}
