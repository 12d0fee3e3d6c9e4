# Indexing with arrays: boolean masks (reads give the selected elements in C order; writes
# set them) and integer arrays (gather and scatter, negative indices from the end).
# call: mask_read(array([3.0, -1.0, 0.5, -7.0, 2.0]))
# call: mask_read_2d(array([[1.0, -2.0], [-3.0, 4.0]]))
# call: mask_write(array([3.0, -1.0, 0.5, -7.0, 2.0]))
# call: gather(array([10.0, 20.0, 30.0, 40.0]), array([3, 0, -1, 1], "int64"))
# call: gather(array([10.0, 20.0]), array([2], "int32"))
# call: scatter(5, array([4, 0, 2], "int64"))
# call: mask_count_mismatch(array([1.0, 2.0]), array([True, False, True], "bool"))
# call: too_few_values(array([1.0, 2.0, 3.0]))
import numpy as np


def mask_read(a):
    pos = a[a > 0]
    m = a < 0
    neg = a[m]
    both = a[(a > 0) & (a < 3.0)]
    return pos, neg, both, a[~m], pos.sum()


def mask_read_2d(m):
    return m[m > 0], m[m < -2.5]


def mask_write(a):
    b = a.copy()
    b[b < 0] = 0.0
    c = a.copy()
    c[c > 1.0] = np.arange(2) * 100.0
    d = a.copy()
    mask = d > 0
    d[mask] = d[mask] * 2.0
    return b, c, d


def gather(a, idx):
    return a[idx], a[idx[0]]


def scatter(n, idx):
    out = np.zeros(n)
    out[idx] = 1.5
    vals = np.arange(n)
    vals[idx] = np.arange(3) + 7
    return out, vals


def mask_count_mismatch(a, m):
    return a[m]


def too_few_values(a):
    a[a > 0] = np.arange(2) * 1.0
    return a
