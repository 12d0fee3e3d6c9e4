"""Plain Python functions, compiled by both sides: ``numba.njit(f)`` and ``fastsci.jit(f)``."""

import math
import os
import sys

# The pi kernel of workload 2, as examples/python/workload2_jit.py writes it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python"))
from workload2_jit import pi_mc  # noqa: E402,F401


def add(a, b):
    return a + b


def first(x):
    return x[0]


def task(v, spins):
    """Workload 4's task: ``spins`` iterations of simulated work, then sqrt(exp(sin(v)))."""
    s = 0.0
    for i in range(spins):
        s += math.sin(s + i) * 1e-300
    return math.sqrt(math.exp(math.sin(v))) + s * 0.0


def busy(n):
    """A loop of ``n`` sines: work long enough to see two threads overlap."""
    s = 0.0
    for i in range(n):
        s += math.sin(i * 1e-3) * 1e-3
    return s
