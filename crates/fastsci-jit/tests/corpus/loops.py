# Loops the code generator restructures (full unrolling of short constant ranges, partial
# unrolling of small innermost loops), divisions by constants, indices known non-negative:
# every trip count around the unrolling factor, loop variables after the loop, early returns.
# call: sum_to(0)
# call: sum_to(1)
# call: sum_to(3)
# call: sum_to(4)
# call: sum_to(5)
# call: sum_to(7)
# call: sum_to(8)
# call: sum_to(9)
# call: sum_to(-3)
# call: strided_sum(1, 20, 3)
# call: strided_sum(2, 3, 5)
# call: strided_sum(0, 17, 4)
# call: last_var(6)
# call: last_var(0)
# call: last_var(9)
# call: early_exit(10, 6)
# call: early_exit(10, 2)
# call: early_exit(10, 20)
# call: float_order(11)
# call: var_written(9)
# call: stencil_constants(7)
# call: neighbours(5, 6)
# call: negative_steps()
# call: constant_var_written()
# call: divide_by_constants(-17)
# call: divide_by_constants(17)
# call: divide_by_constants(0)
# call: divide_by_constants(-9223372036854775807)
# call: divide_by_constants(9223372036854775807)
# call: wrap_indices(7)
# call: shifted_store(9)
# call: nested_small(5)
# call: big_start(9223372036854775800, 9223372036854775807)
# call: big_start(-9223372036854775800, -9223372036854775807)
# call: strided_views(7)
# call: strided_views(2)
import numpy as np


def sum_to(n):
    s = 0
    for i in range(n):
        s += i * i - 3
    return s


def strided_sum(a, b, k):
    s = 0
    for i in range(a, b, k):
        s = s * 7 + i
    return s


def last_var(n):
    i = -1
    for i in range(n):
        pass
    j = -5
    for j in range(2, n, 3):
        j += 100
    return i, j


def early_exit(n, stop):
    a = np.zeros(n)
    for i in range(n):
        a[i] = i * 1.5
        if i == stop:
            return a[i]
    return -1.0


def float_order(n):
    s = 0.0
    for i in range(n):
        s += 0.1 * i + 1e16
    return s


def var_written(n):
    t = 0
    for i in range(n):
        i = i * 2
        t += i
    return t, i


def stencil_constants(n):
    a = np.zeros((n, n), np.int64)
    for i in range(n):
        for j in range(n):
            a[i, j] = i * 10 + j
    total = 0
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            c = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    if di != 0 or dj != 0:
                        c += a[i + di, j + dj] * (di + 2) * (dj + 3)
            total += c
    return total


def neighbours(n, m):
    g = np.zeros((n, m), np.int64)
    for i in range(n):
        for j in range(m):
            g[i, j] = (i * 7 + j * 3) % 5
    out = np.zeros((n, m), np.int64)
    for i in range(n):
        for j in range(m):
            c = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    if not (di == 0 and dj == 0):
                        c += g[(i + di) % n, (j + dj) % m]
            out[i, j] = c
    return out


def negative_steps():
    s = 0
    for k in range(5, -3, -2):
        s = s * 10 + k
    for k in range(3, 3):
        s += 1000
    return s, k


def constant_var_written():
    s = 0
    for k in range(4):
        k = k * k
        s = s * 10 + k
    return s, k


def divide_by_constants(x):
    return (x // 2, x % 2, x // 8, x % 8, x // 3, x % 3, x // 10, x % 10, x // 7, x % 7, x // 1, x % 1)


def wrap_indices(n):
    a = np.zeros(n)
    for i in range(n):
        a[i] = i + 0.5
    s = 0.0
    for i in range(n):
        j = i + 1
        s += a[(i - 1) % n] * a[j % n] - a[i - 1]
    return s


def shifted_store(n):
    out = np.zeros(n + 3)
    for i in range(1, n + 1):
        out[i + 2] = out[i - 1] + i
    return out


def nested_small(n):
    s = 0
    for i in range(n):
        for j in range(i):
            for k in range(3):
                s += i * 100 + j * 10 + k
    return s


def big_start(a, b):
    s = 0
    c = 0
    for i in range(a, b):
        s ^= i
        c += 1
    return s, c


def weighted(v):
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * (i + 1)
    return s


def scale_into(v, k):
    for i in range(v.shape[0]):
        v[i] = v[i] * k


def strided_views(n):
    m = np.zeros((n, 3))
    for i in range(n):
        for j in range(3):
            m[i, j] = i * 3 + j + 0.5
    scale_into(m[:, 1], 2.0)
    scale_into(m[1], -1.0)
    return weighted(m[:, 1]), weighted(m[::2, 0]), weighted(m[1]), weighted(m[2, 1:]), m
