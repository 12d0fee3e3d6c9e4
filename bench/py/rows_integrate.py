"""Python side of the fastsci-integrate rows: scipy.integrate.quad on the reference integral."""

import math

import scipy
from scipy import integrate

from common import median_seconds_per_call


def reference(x):
    return math.exp(-x * x) * math.log(1 + x * x)


def run_quad_ref(data):
    value, abserr, info = integrate.quad(reference, 0, 5, full_output=1)
    seconds = median_seconds_per_call(lambda: integrate.quad(reference, 0, 5), reps=7)
    return {"seconds": seconds, "tool": "SciPy " + scipy.__version__ + " quad", "threads": 1,
            "answer": {"value": value, "abserr": abserr, "neval": info["neval"]}}


def run_quad_lowlevel(data):
    """The fastest SciPy path: the integrand compiled by numba.cfunc and handed to quad as a
    scipy.LowLevelCallable, so QUADPACK calls machine code without entering Python."""
    import numba
    from scipy import LowLevelCallable

    @numba.cfunc("float64(float64)")
    def integrand(x):
        return math.exp(-x * x) * math.log(1.0 + x * x)
    f = LowLevelCallable(integrand.ctypes)
    value, abserr, info = integrate.quad(f, 0, 5, full_output=1)
    seconds = median_seconds_per_call(lambda: integrate.quad(f, 0, 5), reps=7)
    return {"seconds": seconds, "tool": "SciPy quad + numba " + numba.__version__ + " cfunc", "threads": 1,
            "answer": {"value": value, "abserr": abserr, "neval": info["neval"]}}


FORMULA = "exp(-x**2)*log(1+x**2)"


def run_quad_cli(data):
    """A formula given at run time in Python: eval it into a lambda, then quad."""
    namespace = {k: getattr(math, k) for k in dir(math) if not k.startswith("_")}

    def once():
        f = eval("lambda x: " + FORMULA, namespace)  # noqa: S307 - the benchmark's own formula
        return integrate.quad(f, 0, 5)

    seconds = median_seconds_per_call(once, reps=7)
    return {"seconds": seconds, "tool": "eval + SciPy " + scipy.__version__ + " quad", "threads": 1,
            "answer": {"value": once()[0]}}


ROWS = {"quad-ref": {"run": run_quad_ref}, "quad-cli": {"run": run_quad_cli},
        "quad-lowlevel": {"run": run_quad_lowlevel}}
