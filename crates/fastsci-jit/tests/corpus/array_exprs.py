# Whole-array arithmetic in kernels: operators, comparisons, math functions, broadcasting,
# augmented assignment in place, dtypes; one fused loop per statement.
# call: add_mul(array([1.0, -2.5, 3.25, 0.0, 7.5]), array([0.5, 4.0, -1.0, 2.0, 3.0]))
# call: fused_math(array([0.0, 0.5, -1.25, 2.0, 3.5, -0.75]))
# call: broadcast_row(array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), array([0.5, 1.0, -1.0]))
# call: broadcast_col(array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), array([[2.0], [-1.0]]))
# call: broadcast_outer(array([1.0, 2.0, 3.0]), array([[10.0], [20.0]]))
# call: scalar_ops(array([5.0, -7.5, 2.25, 9.0]), 2.5)
# call: scalar_ops(array([5, -7, 2, 9], "int64"), 3)
# call: compare_mask(array([-1.0, 0.5, 2.0, 3.5, 0.0]), 1.0)
# call: inplace(array([1.0, 2.0, 3.0]), array([0.25, 0.5, 0.75]))
# call: inplace_rows(array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), array([10.0, 20.0]))
# call: int_arrays(array([7, -8, 9, 0], "int64"), array([2, 3, -4, 5], "int64"))
# call: int32_wrap(array([1000000000, -7, 123456789], "int32"))
# call: f32_arrays(array([0.1, 1.7, -2.3], "float32"))
# call: new_shapes(4)
# call: repeated(array([1.0, -2.0, 4.0]), 5)
# call: unary_ops(array([1.5, -2.0, 0.0]), array([True, False, True], "bool"))
# call: bad_broadcast(array([1.0, 2.0, 3.0]), array([1.0, 2.0, 3.0, 4.0]))
# call: mixed_int_float(array([1, 2, 3], "int64"), array([0.5, 0.25, 0.125]))
import math

import numpy as np


def add_mul(a, b):
    return a * b + 2.0 * a - b / 4.0


def fused_math(a):
    return np.sqrt(np.abs(a)) + np.exp(-a * a) - np.sin(a) * np.cos(a), np.arctan2(a, 2.0)


def broadcast_row(m, v):
    return m - v


def broadcast_col(m, c):
    return m * c


def broadcast_outer(x, y):
    return x * y + 1.0


def scalar_ops(a, k):
    return (a + k) // 3, a % 4, -a, a**2, 10 - a


def compare_mask(a, t):
    return a > t, (a <= t) & (a >= 0), a == 0.0


def inplace(a, b):
    c = a + 0.0
    c += b
    c *= 2.0
    c -= 1
    return c, a


def inplace_rows(m, row):
    m2 = m * 1.0
    m2 += row
    return m2


def int_arrays(a, b):
    return a + b, a * 3 - b, a // 2, a / 2, a % 3


def int32_wrap(a):
    return a * 3 + 1


def f32_arrays(a):
    return a * a + 1.5, a / 3.0


def new_shapes(n):
    a = np.zeros((n, 3))
    b = np.ones(3)
    c = a + b * 2.0
    d = c - b
    return c.shape[0], c.shape[1], c[n - 1, 2], d.size, d[0, 0]


def repeated(a, n):
    x = a + 0.0
    for i in range(n):
        x = x * 0.5 + a
    return x


def unary_ops(a, m):
    return -a, +a, abs(a), ~m


def bad_broadcast(a, b):
    return a + b


def mixed_int_float(a, b):
    return a * b, a + 1, np.sqrt(a)
