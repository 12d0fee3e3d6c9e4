# Basic slicing: views (a[1:-1], a[::2], a[::-1], a[i, :], a[:, j], a[...]), writes through
# views, slice assignment fused with array expressions, overlapping assignment, rows.
# call: views(array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
# call: views(array([7.5, -1.0]))
# call: rows_cols(array([[0.0, 1.0, 2.0, 3.0], [10.0, 11.0, 12.0, 13.0], [20.0, 21.0, 22.0, 23.0]]))
# call: stencil(array([1.0, 4.0, 9.0, 16.0, 25.0, 36.0]))
# call: view_writes(array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]))
# call: overlap_shift(array([1.0, 2.0, 3.0, 4.0]))
# call: overlap_inplace(array([1.0, 2.0, 3.0, 4.0]))
# call: iterate_rows(array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
# call: heat(array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0]), 3, 0.25)
# call: life_step(array([[0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]], "int64"))
# call: scalar_fill(4, 2.5)
# call: index_error(array([1.0, 2.0, 3.0]), 3)
# call: index_error(array([1.0, 2.0, 3.0]), -4)
# call: bounds_clamp(array([1.0, 2.0, 3.0]), 1, 100)
# call: bounds_clamp(array([1.0, 2.0, 3.0]), -100, -1)
# call: bounds_clamp(array([1.0, 2.0, 3.0]), 2, 1)
import numpy as np


def views(a):
    return a[1:-1], a[::2], a[::-1], a[-3:], a[:2], a[5:1:-2], a[10:], a[-100:2], a[...], a[::-3]


def rows_cols(m):
    return m[1, :], m[:, 2], m[1], m[..., 0], m[:, ::-1], m[1:, 1:3], m[-1, ::2]


def stencil(a):
    out = np.zeros_like(a)
    out[1:-1] = (a[:-2] + a[2:]) * 0.5 - a[1:-1]
    return out


def view_writes(m):
    x = m * 1.0
    x[0, :] = 5.0
    x[:, -1] = x[:, 0] * 2
    x[1:, :2] += 1.0
    r = x[2]
    r[1] = -1.0
    return x


def overlap_shift(a):
    b = a * 1.0
    b[1:] = b[:-1]
    return b


def overlap_inplace(a):
    b = a * 1.0
    b[1:] += b[:-1]
    return b


def iterate_rows(m):
    s = 0.0
    for row in m:
        s += row[0] * 2 + row[-1]
    return s


def heat(u, steps, k):
    for t in range(steps):
        u[1:-1] = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return u


def life_step(g):
    n = g[:-2, :-2] + g[:-2, 1:-1] + g[:-2, 2:] + g[1:-1, :-2] + g[1:-1, 2:] + g[2:, :-2] + g[2:, 1:-1] + g[2:, 2:]
    out = np.zeros_like(g)
    inner = g[1:-1, 1:-1]
    out[1:-1, 1:-1] = ((n == 3) | ((inner == 1) & (n == 2))) * 1
    return out


def scalar_fill(n, v):
    a = np.zeros((n, n))
    a[...] = v
    a[1:3, 1:3] = 0
    return a


def index_error(a, i):
    b = a[i:]
    return a[i, ...]


def bounds_clamp(a, lo, hi):
    return a[lo:hi], a[hi:lo:-1]
