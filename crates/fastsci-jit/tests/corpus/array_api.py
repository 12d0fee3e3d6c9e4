# The array API kernels use most: reductions (with axis), copy/fill/astype/ravel/reshape/T,
# np.arange/linspace/full/eye/identity, np.where/minimum/maximum/clip on arrays, `@` and
# np.dot, cumsum, diff, isnan on arrays.
# call: reductions(array([3.0, -1.5, 7.25, 0.5, 2.0]))
# call: reductions(array([1.0, float("nan"), -4.0, float("nan")]))
# call: int_reductions(array([5, -2, 9, 9, 0], "int32"))
# call: small_int_sums(array([200, 100, 255], "uint8"), array([100, 100, -100], "int8"))
# call: f32_reductions(array([1.5, 2.25, -0.5, 4.0], "float32"))
# call: axis_reductions(array([[1.0, 5.0, -2.0], [4.0, 0.5, 3.0]]))
# call: empty_max(0)
# call: methods(array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
# call: constructors(5)
# call: constructors(1)
# call: float_arange(0.5, 2.0, 0.3)
# call: elementwise(array([1.0, float("nan"), -3.0, 4.5]), array([2.0, 0.0, float("nan"), 4.0]))
# call: matrix_products(array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), array([1.0, -1.0]))
# call: int_matmul(array([[1, 2], [3, 4]], "int64"))
# call: bad_matmul(array([[1.0, 2.0]]), array([1.0, 2.0, 3.0]))
# call: running(array([1, 2, 3, 4], "int32"))
# call: bad_reshape(array([1.0, 2.0, 3.0]))
# call: bools(array([0.0, 2.0, 0.0]))
import numpy as np


def reductions(a):
    return a.sum(), a.prod(), a.min(), a.max(), a.argmin(), a.argmax(), a.mean(), np.std(a), np.var(a), np.sum(a)


def int_reductions(a):
    return a.sum(), a.min(), a.max(), a.argmax(), a.argmin(), np.mean(a), a.prod(), a.any(), a.all()


def small_int_sums(u, i):
    return u.sum(), i.sum(), u.max(), i.min(), u.mean()


def f32_reductions(a):
    return a.sum(), a.mean(), a.max(), a.var()


def axis_reductions(m):
    return m.sum(axis=0), m.sum(axis=1), np.max(m, axis=0), m.argmin(axis=1), m.mean(axis=-1), m.std(0), m.min(1)


def empty_max(n):
    return np.zeros(n).max()


def methods(m):
    c = m.copy()
    c[0, 0] = 100.0
    t = m.T
    f = m.ravel()
    r = m.reshape(3, 2)
    r2 = m.reshape((-1,))
    i = m.astype(np.int32)
    z = np.zeros((2, 2))
    z.fill(7.5)
    return m[0, 0], c[0, 0], t, t.shape, f, r, r2, i, z, m.flatten()[4], np.copy(m)[1, 2], np.transpose(m)[2, 1]


def constructors(n):
    return (np.arange(n), np.arange(2, n), np.arange(n, 0, -2), np.linspace(0.0, 1.0, n),
            np.full(n, 2.5), np.full((2, n), 3), np.eye(n), np.identity(2), np.linspace(1.0, 2.0))


def float_arange(a, b, s):
    return np.arange(a, b, s), np.arange(b)


def elementwise(a, b):
    return (np.where(a > b, a, b), np.minimum(a, b), np.maximum(a, b), np.clip(a, 0.0, 4.0),
            np.isnan(a), np.isfinite(b), np.where(np.isnan(a), 0.0, a), np.maximum(2.0, 3.0), np.minimum(np.nan, 1.0))


def matrix_products(m, v):
    return m @ v, np.dot(v, v), m.T @ m, np.dot(m, m.T), v @ m.T, m.dot(v)


def int_matmul(m):
    return m @ m, np.dot(m[0], m[1])


def bad_matmul(m, v):
    return m @ v


def running(a):
    return np.cumsum(a), a.cumsum(), np.diff(a), np.cumprod(a), np.diff(a.astype(np.float64))


def bad_reshape(a):
    return a.reshape(2, 2)


def bools(a):
    m = a > 1.0
    return m.any(), m.all(), np.any(a), np.all(a), m.sum()
