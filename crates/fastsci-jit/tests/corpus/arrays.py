# Arrays made in the kernel: np.zeros/ones/empty(_like), N-d indexing, shape/size/ndim, dtypes.
# call: cumsum(10)
# call: matmul(3, 4)
# call: ones_total(3, 5)
# call: int_table(4)
# call: bool_sieve(50)
# call: like_and_negative(6)
# call: out_of_range(5, 5)
# call: out_of_range(5, -6)
# call: out_of_range(5, -5)
# call: three_d(2, 3, 4)
# call: grid_shape(3, 7)
# call: float32_store(5)
# call: uint8_wrap(4)
# call: negative_dim(-1)
# call: return_array(4)
# call: return_matrix(2, 3)
import numpy as np


def cumsum(n):
    a = np.zeros(n)
    acc = 0.0
    for i in range(n):
        acc += i * 0.5
        a[i] = acc
    return a[n - 1], a[0], len(a), a.size


def matmul(n, m):
    a = np.empty((n, m))
    b = np.empty((m, n))
    for i in range(n):
        for j in range(m):
            a[i, j] = i + 0.5 * j
            b[j, i] = j - 0.25 * i
    c = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(m):
                s += a[i, k] * b[k, j]
            c[i, j] = s
    return c[0, 0], c[n - 1, n - 1], c[1, 2]


def ones_total(n, m):
    a = np.ones((n, m))
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * (i + 1)
    return s, a.ndim


def int_table(n):
    t = np.zeros((n, n), np.int64)
    for i in range(n):
        for j in range(n):
            t[i, j] = i * j - 3
    s = 0
    for i in range(n):
        s += t[i, n - 1 - i]
    return s


def bool_sieve(n):
    composite = np.zeros(n + 1, np.bool_)
    count = 0
    for i in range(2, n + 1):
        if not composite[i]:
            count += 1
            j = i * i
            while j <= n:
                composite[j] = True
                j += i
    return count


def like_and_negative(n):
    a = np.empty(n)
    for i in range(n):
        a[i] = i * i
    b = np.zeros_like(a)
    for i in range(n):
        b[i] = a[-1 - i]
    return b[0], b[-1], a[-2]


def out_of_range(n, i):
    a = np.zeros(n)
    return a[i]


def three_d(n, m, k):
    a = np.zeros((n, m, k))
    for i in range(n):
        for j in range(m):
            for l in range(k):
                a[i, j, l] = 100 * i + 10 * j + l
    return a[1, 2, 3], a[0, 1, 2], a.size, a.shape[2]


def grid_shape(n, m):
    g = np.zeros((n, m))
    r, c = g.shape
    return r * c, g.shape[-1]


def float32_store(n):
    a = np.zeros(n, np.float32)
    for i in range(n):
        a[i] = 0.5 * i
    return a[n - 1]


def uint8_wrap(n):
    a = np.zeros(n, np.uint8)
    for i in range(n):
        a[i] = 60 * i
    return a[n - 1] + 0


def negative_dim(n):
    a = np.zeros(n)
    return a.size


def return_array(n):
    a = np.zeros(n)
    for i in range(n):
        a[i] = i * 1.5
    return a


def return_matrix(n, m):
    a = np.zeros((n, m), np.int64)
    for i in range(n):
        for j in range(m):
            a[i, j] = i * 10 + j
    return a
