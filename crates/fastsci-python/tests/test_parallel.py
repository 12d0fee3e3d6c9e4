"""fastsci.prange and jit(parallel=True): results against CPython running the same functions
(where ``prange`` is ``range``) and NumPy, the same bits with and without threads, races as
compile errors at their line."""

import math
import pickle

import numpy as np
import pytest

import fastsci
from fastsci import prange


def sum_squares(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def extremes(a):
    lo = math.inf
    hi = -math.inf
    n = 0
    for i in prange(len(a)):
        lo = min(lo, a[i])
        hi = max(hi, a[i])
        if a[i] > 0:
            n += 1
    return lo, hi, n


def smooth(u):
    out = np.zeros_like(u)
    for i in prange(1, u.shape[0] - 1):
        for j in range(1, u.shape[1] - 1):
            out[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
    return out


def monte_carlo_pi(n, seed):
    np.random.seed(seed)
    hits = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n


def racy(a):
    last = 0.0
    for i in prange(len(a)):
        last = a[i]
    return last


def shifted_write(a):
    for i in prange(len(a) - 1):
        a[i] = 0.0
        a[i + 1] = 1.0
    return a


def data(n):
    rng = np.random.default_rng(5)
    return rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)


@pytest.mark.parametrize("parallel", [False, True])
def test_reductions_match_cpython_and_numpy(parallel):
    a = data(100_003)
    f = fastsci.jit(parallel=parallel)(sum_squares)
    assert f(a) == pytest.approx(float(np.dot(a, a)), rel=1e-12)
    assert f(a[:1000]) == pytest.approx(sum_squares(a[:1000]), rel=1e-12)
    g = fastsci.jit(parallel=parallel)(extremes)
    assert g(a) == (a.min(), a.max(), int((a > 0).sum()))


def test_same_bits_with_and_without_threads():
    a = data(1_000_003)
    serial = fastsci.jit(sum_squares)(a)
    parallel = fastsci.jit(parallel=True)(sum_squares)
    assert all(parallel(a) == serial for _ in range(5))
    u = np.sin(np.arange(300 * 200.0)).reshape(300, 200)
    got = fastsci.jit(parallel=True)(smooth)(u)
    np.testing.assert_array_equal(got, smooth(u))


def test_random_numbers_reproducible_under_a_seed():
    f = fastsci.jit(parallel=True)(monte_carlo_pi)
    p = f(2_000_000, 11)
    assert p == f(2_000_000, 11) == fastsci.jit(monte_carlo_pi)(2_000_000, 11)
    # 4 standard deviations of the estimate at n = 2e6.
    assert abs(p - math.pi) < 4 * 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / 2e6)


def test_races_are_compile_errors_at_their_line():
    for func, text, fragment in [
        (racy, "last = a[i]", "iterations would race"),
        (shifted_write, "a[i + 1] = 1.0", "two different indices"),
    ]:
        f = fastsci.jit(parallel=True)(func)
        with pytest.raises(fastsci.CompileError) as e:
            f(np.ones(10))
        line = next(n for n, s in enumerate(open(__file__).read().splitlines(), 1) if text in s)
        assert f"test_parallel.py:{line}:" in str(e.value) and fragment in str(e.value)


def test_parallel_kernels_pickle_with_their_option():
    f = fastsci.jit(parallel=True)(sum_squares)
    g = pickle.loads(pickle.dumps(f))
    assert g.parallel and not fastsci.jit(sum_squares).parallel
    a = data(1000)
    assert g(a) == f(a)


def test_prange_is_range_in_python():
    assert list(fastsci.prange(2, 9, 3)) == [2, 5, 8]


def rel_diff(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def is_big(x):
    return x > 10


def halve(n):
    return n // 2


@pytest.mark.parametrize("target", ["cpu", "parallel"])
def test_vectorize_broadcasts_like_numpy(target):
    f = fastsci.vectorize(target=target)(rel_diff)
    a = np.linspace(-3.0, 3.0, 300 * 200).reshape(300, 200)
    b = np.linspace(1.0, 2.0, 200)
    want = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)
    np.testing.assert_array_equal(f(a, b), want)
    np.testing.assert_array_equal(f(a.T[::2], 2.0), np.vectorize(rel_diff)(a.T[::2], 2.0))
    assert f(1.0, 3.0) == rel_diff(1.0, 3.0)
    with pytest.raises(ValueError):
        f(np.ones(3), np.ones(4))


def test_vectorize_dtypes_and_out():
    big = fastsci.vectorize(is_big)
    x = np.arange(20, dtype=np.int32)
    r = big(x)
    assert r.dtype == np.bool_ and np.array_equal(r, x > 10)
    h = fastsci.vectorize(["int64(int64)"])(halve)
    assert h(np.array([7, -7], dtype=np.int64)).tolist() == [3, -4]
    out = np.zeros((4, 5), dtype=np.float32)
    f = fastsci.vectorize(rel_diff)
    res = f(np.arange(5.0), np.ones((4, 1)), out=out)
    assert res is out
    np.testing.assert_array_equal(out, np.vectorize(rel_diff)(np.arange(5.0), np.ones((4, 1))).astype(np.float32))
    with pytest.raises(ValueError):
        f(np.ones((2, 5)), 1.0, out=np.zeros(5))


def shift_by(x, a, out):
    for i in range(x.shape[0]):
        out[i] = x[i] + a


def row_norms(m, out):
    for i in range(m.shape[0]):
        s = 0.0
        for j in range(m.shape[1]):
            s += m[i, j] * m[i, j]
        out[i] = s**0.5


def test_guvectorize_core_dimensions():
    g = fastsci.guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)")(shift_by)
    x = np.arange(12.0).reshape(3, 4)
    a = np.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(g(x, a[:, None][:, 0]), x + a[:, None])
    np.testing.assert_array_equal(g(np.arange(4.0), 1.5), np.arange(4.0) + 1.5)
    out = np.zeros((3, 4))
    g(x, 2.0, out)
    np.testing.assert_array_equal(out, x + 2.0)
    n = fastsci.guvectorize(["void(float64[:, :], float64[:])"], "(m,k)->(m)")(row_norms)
    m = np.arange(2 * 3 * 5.0).reshape(2, 3, 5)
    np.testing.assert_allclose(n(m), np.linalg.norm(m, axis=2), rtol=1e-15)
    with pytest.raises(ValueError):
        g(np.ones((3, 4)), np.ones(2))
