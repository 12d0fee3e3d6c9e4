# Arrays passed in: reductions, loops over elements, stencils, in-place writes.
# call: total(array([1.0, 2.5, -3.0, 4.0]))
# call: dot(array([1.0, 2.0, 3.0]), array([4.0, -5.0, 6.0]))
# call: argmax(array([3.0, 9.0, -1.0, 9.0, 2.0]))
# call: mean_var(array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))
# call: stencil(array([1.0, 2.0, 4.0, 8.0, 16.0]))
# call: scale_in_place(array([1.0, -2.0, 3.0]), 2.0)
# call: int_array_sum(array([1, 2, 3, 40], "int64"))
# call: matrix_trace(array([[1.0, 2.0], [3.0, 4.0]]))
# call: count_positive(array([1.0, -2.0, 0.0, 3.5, -0.5]))
# call: last_elem(array([5.0, 6.0, 7.0]))
# call: horner(array([1.0, -3.0, 0.0, 2.0]), 1.5)
# call: bad_index(array([1.0, 2.0]), 2)


def total(a):
    s = 0.0
    for x in a:
        s += x
    return s


def dot(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def argmax(a):
    best = 0
    for i in range(1, a.shape[0]):
        if a[i] > a[best]:
            best = i
    return best


def mean_var(a):
    n = len(a)
    m = 0.0
    for x in a:
        m += x
    m = m / n
    v = 0.0
    for x in a:
        v += (x - m) ** 2
    return m, v / n


def stencil(a):
    n = a.shape[0]
    out = np.zeros(n)
    for i in range(1, n - 1):
        out[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1]
    return out


def scale_in_place(a, k):
    for i in range(len(a)):
        a[i] = a[i] * k
    return a


def int_array_sum(a):
    s = 0
    for x in a:
        s += x * x
    return s


def matrix_trace(m):
    t = 0.0
    for i in range(m.shape[0]):
        t += m[i, i]
    return t, m[1, 0], m[-1, -1]


def count_positive(a):
    c = 0
    for x in a:
        if x > 0:
            c += 1
    return c


def last_elem(a):
    return a[-1] + a[len(a) - 2]


def horner(coeffs, x):
    r = 0.0
    for c in coeffs:
        r = r * x + c
    return r


def bad_index(a, i):
    return a[i]


import numpy as np
