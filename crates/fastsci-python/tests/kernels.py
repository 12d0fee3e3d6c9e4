"""Kernels the tests compile, kept in one file so their line numbers can be checked.

Each function is plain Python: the tests run the same function in CPython as the reference.
"""

import math

import numpy as np

import fastsci

SCALE = 3.0
OFFSETS = (1, 2.5)
FLAG = True


@fastsci.jit
def total(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    return s


@fastsci.jit
def total2d(x):
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            s += float(x[i, j]) * (i + 1) - j
    return s


@fastsci.jit
def scale_in_place(x, k):
    for i in range(x.shape[0]):
        x[i] = x[i] * k


@fastsci.jit
def fill2d(x):
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = 10 * i + j


@fastsci.jit
def make_array(n):
    out = np.empty(n)
    for i in range(n):
        out[i] = math.sqrt(i)
    return out


@fastsci.jit
def add(a, b):
    return a + b


@fastsci.jit
def divmod_pair(a, b):
    return a // b, a % b, a > b


@fastsci.jit
def uses_globals(x):
    if FLAG:
        return SCALE * x + OFFSETS[1]
    return x


@fastsci.jit
def helper(x):
    return x * x + 1.0


@fastsci.jit
def calls_helper(x):
    return helper(x) + helper(2.0 * x)


@fastsci.jit
def below(n, p):
    """The fraction of n uniform draws below p (expected: p)."""
    hits = 0
    for _ in range(n):
        if np.random.random() < p:
            hits += 1
    return hits / n


@fastsci.jit
def busy(n):
    s = 0.0
    for i in range(n):
        s += math.sin(i * 1e-3) * 1e-3
    return s


@fastsci.jit
def out_of_range(x, i):
    return x[i]


@fastsci.jit
def divide(a, b):
    return a / b


@fastsci.jit
def negative_size(n):
    return np.zeros(n)


@fastsci.jit
def recurse(n):
    if n < 0:
        return 0
    return recurse(n + 1) + 1


@fastsci.jit
def unsupported(x):
    return {x: 1}


@fastsci.jit
def fails_on_odd(k):
    if k % 2 == 1:
        return 1.0 / (k - k)
    return math.sqrt(math.exp(math.sin(k)))


@fastsci.jit
def model(a, b):
    return math.sin(a) * b, a + b


@fastsci.jit(boundscheck=False, nogil=True)
def unchecked_sum(x):
    s = 0
    for i in range(x.shape[0]):
        s += x[i]
    return s


@fastsci.jit
def scale_pair(pair, k):
    a = pair[0]
    b = pair[1]
    for i in range(a.shape[0]):
        a[i] = a[i] * k
    for i in range(b.shape[0]):
        b[i] = b[i] + k
    return pair[2] * k


@fastsci.jit
def bump_nested(t):
    inner = t[1]
    a = inner[1]
    a[0] = a[0] + inner[0]
    return t[0] + a[1]
