"""@fastsci.jit kernels for the test_scipy_*.py suites (functions SciPy's tests integrate,
minimize and solve, written in the kernel subset)."""

import math

import numpy as np

import fastsci


@fastsci.jit
def seed_integrand(x):
    return math.exp(-x * x) * math.log(1.0 + x * x)


@fastsci.jit
def bessel_integrand(x, n, z):
    return math.cos(n * x - z * math.sin(x)) / math.pi


@fastsci.jit
def int_div_at_half(x):
    k = 0
    if x > 0.5:
        k = 1
    return x + 1 // (1 - k)


@fastsci.jit
def rosen(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return s


@fastsci.jit
def rosen_der(x):
    n = x.shape[0]
    g = np.zeros(n)
    for i in range(n - 1):
        t = x[i + 1] - x[i] ** 2
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i])
        g[i + 1] += 200.0 * t
    return g


@fastsci.jit
def cubic_minus_two(x):
    return x**3 - 2.0


@fastsci.jit
def exp_model(x, a, b, c):
    y = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = a * math.exp(-b * x[i]) + c
    return y
