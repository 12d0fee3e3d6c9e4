# Calls to other kernels: scalar helpers, helpers over arrays, recursion, calls in loops.
import math


def helper(x):
    return x * x + math.sin(x)


# at: x=0.7, y=-0.4 | formula: (x*x + sin(x)) * (y*y + sin(y)) + (x*y*x*y + sin(x*y))
def calls_helper(x, y):
    return helper(x) * helper(y) + helper(x * y)


def sumsq(a):
    s = 0.0
    for v in a:
        s += v * v
    return s


# at: a=[1.0, -2.0, 0.5], s=1.5 | formula: s * (a[0]**2 + a[1]**2 + a[2]**2) + sin(s)
def array_helper(a, s):
    return s * sumsq(a) + helper(s) - s * s


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


# at: x=1.3 | formula: x**5 + x**2
def recursive(x):
    return power(x, 5) + power(x, 2)


def weighted(x, w, i):
    return w[i] * math.exp(-x * w[i])


# at: x=0.4, w=[1.0, 0.5, 2.0] | formula: w[0]*exp(-x*w[0]) + w[1]*exp(-x*w[1]) + w[2]*exp(-x*w[2])
def calls_in_loop(x, w):
    s = 0.0
    for i in range(w.shape[0]):
        s += weighted(x, w, i)
    return s


def count_positive(a):
    n = 0
    for v in a:
        if v > 0:
            n += 1
    return n


# at: a=[1.0, -2.0, 3.0] | formula: 2 * (a[0] + a[1] + a[2])
def int_helper(a):
    s = 0.0
    for v in a:
        s += v
    return s * count_positive(a)
