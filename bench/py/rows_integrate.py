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
    return {"seconds": seconds, "tool": "SciPy " + scipy.__version__ + " quad",
            "value": value, "abserr": abserr, "neval": info["neval"]}


ROWS = {"quad-ref": {"run": run_quad_ref}}
