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


def run_nm(data):
    def go():
        return optimize.minimize(rosen2, [-1.2, 1.0], method="Nelder-Mead")
    r = go()
    return {"seconds": median_seconds_per_call(go), "tool": tool(), "nfev": int(r.nfev), "nit": int(r.nit)}


def run_bfgs(data):
    def go():
        return optimize.minimize(rosen2, [-1.2, 1.0], jac=rosen2_grad, method="BFGS")
    r = go()
    return {"seconds": median_seconds_per_call(go), "tool": tool(), "nfev": int(r.nfev), "njev": int(r.njev)}


def run_lbfgsb(data):
    x0 = np.zeros(1000)

    def go():
        return optimize.minimize(optimize.rosen, x0, jac=optimize.rosen_der, method="L-BFGS-B")
    r = go()
    return {"seconds": median_seconds(go, warmup=0, reps=3), "tool": tool(), "nfev": int(r.nfev), "nit": int(r.nit)}


ROWS = {
    "rosen-nelder-mead": {"run": run_nm},
    "rosen-bfgs": {"run": run_bfgs},
    "rosen1000-lbfgsb": {"run": run_lbfgsb},
}
