"""Python side of the algebraic multigrid rows (issue 22): PyAMG's smoothed aggregation with
its defaults, `pyamg.smoothed_aggregation_solver(A).solve(b, tol=1e-8, accel="cg")`, setup +
solve, and SciPy's plain CG, on the 2-D Poisson problem with 1M unknowns and the 3-D one on a
100^3 grid (pyamg.gallery.poisson, the matrices fastsci's gallery builds), b = ones (a uniform
source: smooth, the case where plain CG needs O(grid side) iterations and multigrid does not).
"""

import resource

import numpy as np
import pyamg
import scipy
import scipy.sparse.linalg as spla

from common import median_seconds, vector_answer


def _system(shape):
    a = pyamg.gallery.poisson(shape, format="csr")
    return a, np.ones(a.shape[0])


def _relres(a, x, b):
    return float(np.linalg.norm(b - a @ x) / np.linalg.norm(b))


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _pyamg(shape):
    def run(_data):
        a, b = _system(shape)

        def solve():
            ml = pyamg.smoothed_aggregation_solver(a)
            residuals = []
            x = ml.solve(b, tol=1e-8, accel="cg", residuals=residuals)
            return ml, x, residuals
        ml, x, residuals = solve()
        rss = _peak_rss_mb()
        seconds = median_seconds(solve, warmup=0, reps=3)
        return {"seconds": seconds, "tool": "pyamg " + pyamg.__version__, "threads": 1,
                "iterations": len(residuals) - 1, "operator_complexity": float(ml.operator_complexity()),
                "peak_rss_mb": rss, "answer": {"x": vector_answer(x), "relres": _relres(a, x, b)}}
    return run


def _scipy_cg(shape):
    def run(_data):
        a, b = _system(shape)
        iterations = [0]

        def count(_xk):
            iterations[0] += 1
        x, info = spla.cg(a, b, rtol=1e-8, maxiter=20 * a.shape[0], callback=count)
        assert info == 0
        # One run only: at 1M unknowns it takes thousands of iterations.
        seconds = median_seconds(lambda: spla.cg(a, b, rtol=1e-8, maxiter=20 * a.shape[0]), warmup=0, reps=1)
        return {"seconds": seconds, "tool": f"scipy cg {scipy.__version__} ({iterations[0]} it.)", "threads": 1,
                "iterations": iterations[0], "answer": {"x": vector_answer(x), "relres": _relres(a, x, b)}}
    return run


ROWS = {
    "amg-poisson2d": {"run": _pyamg((1000, 1000))},
    "amg-poisson2d-cg": {"run": _scipy_cg((1000, 1000))},
    "amg-poisson3d": {"run": _pyamg((100, 100, 100))},
    "amg-poisson3d-cg": {"run": _scipy_cg((100, 100, 100))},
}
