"""evaluate against numexpr and NumPy; load/save against np.load/np.save; reductions against
math.fsum (exact) and NumPy; the out-of-core mean under a memory limit."""

import json
import math
import os
from fractions import Fraction

import numexpr
import numpy as np
import pytest

import fastsci


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def test_evaluate_compound_expression_matches_numexpr(rng):
    a, b, c = (rng.standard_normal(100_001) for _ in range(3))
    got = fastsci.evaluate("a*b + c*2 - sin(a)")
    np.testing.assert_allclose(got, numexpr.evaluate("a*b + c*2 - sin(a)"), rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(got, a * b + c * 2 - np.sin(a), rtol=1e-14, atol=1e-14)


def test_evaluate_dicts_scalars_broadcast_and_out(rng):
    x = rng.random((300, 40))
    out = np.empty_like(x)
    r = fastsci.evaluate("where(x > 0.5, sqrt(x), k * x)", local_dict={"x": x}, global_dict={"k": 3}, out=out)
    assert r is out
    np.testing.assert_allclose(out, np.where(x > 0.5, np.sqrt(x), 3 * x), rtol=1e-15)


def test_evaluate_non_contiguous_ints_and_array_like(rng):
    class Wrapped:
        def __init__(self, a):
            self.a = a

        def __array__(self, dtype=None, copy=None):
            return self.a

    m = rng.integers(-50, 50, size=(64, 64)).astype(np.int32)
    v = m[::2, 1::3]
    w = Wrapped(np.arange(v.shape[1], dtype=np.float32))
    got = fastsci.evaluate("v * w - 1", {"v": v, "w": w})
    np.testing.assert_array_equal(got, numexpr.evaluate("v * w - 1", {"v": v, "w": np.asarray(w)}))


@pytest.mark.parametrize(
    "ex, dtypes",
    [
        ("a + b", (np.int64, np.int64)),
        ("a * b - 3", (np.int32, np.int32)),
        ("a * 2.5 + b", (np.float32, np.float32)),
        ("a / b", (np.int64, np.int32)),
        ("a > b", (np.float64, np.int64)),
        ("where(a > 1, a, b)", (np.int32, np.int64)),
        ("sqrt(a) + b", (np.float32, np.int32)),
        ("maximum(a, b) - 1", (np.uint8, np.int32)),
        ("a + b", (np.bool_, np.int32)),
    ],
)
def test_evaluate_returns_numpys_result_dtype(ex, dtypes):
    a = (np.arange(24) % 7).astype(dtypes[0]).reshape(4, 6)
    b = (np.arange(6) % 4 + 1).astype(dtypes[1])
    expected = eval(ex, {"where": np.where, "sqrt": np.sqrt, "maximum": np.maximum}, {"a": a, "b": b})
    got = fastsci.evaluate(ex, {"a": a, "b": b})
    assert got.dtype == expected.dtype
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    else:
        np.testing.assert_array_equal(got, expected)
    out = np.empty(expected.shape, dtype=np.float64)
    assert fastsci.evaluate(ex, {"a": a, "b": b}, out=out) is out
    np.testing.assert_allclose(out, expected.astype(np.float64), rtol=1e-6)


def test_evaluate_casts_into_out_under_numpys_rules():
    a = np.arange(5, dtype=np.int64)
    out = np.empty(5, dtype=np.int64)
    assert fastsci.evaluate("a * 3 + 1", {"a": a}, out=out) is out
    np.testing.assert_array_equal(out, a * 3 + 1)
    with pytest.raises(TypeError, match="cast"):
        fastsci.evaluate("a / 2", {"a": a}, out=out)
    fastsci.evaluate("a / 2", {"a": a}, out=out, casting="unsafe")
    np.testing.assert_array_equal(out, (a / 2).astype(np.int64))


def test_evaluate_errors():
    x = np.ones(3)
    with pytest.raises(KeyError, match="nope"):
        fastsci.evaluate("x + nope", {"x": x})
    with pytest.raises(ValueError):
        fastsci.evaluate("x +* 2", {"x": x})
    with pytest.raises(ValueError, match="broadcast|shape"):
        fastsci.evaluate("x + y", {"x": x, "y": np.ones(4)})
    with pytest.raises(ValueError, match="shape"):
        fastsci.evaluate("x + 1", {"x": x}, out=np.empty(4))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16, np.uint32, np.bool_, np.complex128])
@pytest.mark.parametrize("order", ["C", "F"])
def test_save_then_numpy_loads_it_and_load_maps_it(tmp_path, dtype, order):
    a = np.asarray(np.arange(24).reshape(4, 6) % 7, dtype=dtype, order=order)
    path = tmp_path / "a.npy"
    fastsci.save(path, a)
    np.testing.assert_array_equal(np.load(path), a)
    m = fastsci.load(path)
    assert isinstance(m, np.memmap)
    np.testing.assert_array_equal(m, a)
    assert m.dtype == a.dtype and m.flags.f_contiguous == (order == "F" and a.ndim > 1)
    assert os.listdir(tmp_path) == ["a.npy"]  # no temporary left behind


def test_load_reads_numpy_files_and_writes_through_r_plus(tmp_path):
    path = tmp_path / "b.npy"
    np.save(path, np.arange(10.0))
    m = fastsci.load(path, mmap_mode="r+")
    m[3] = -1.0
    m.flush()
    del m
    assert np.load(path)[3] == -1.0
    whole = fastsci.load(path, mmap_mode=None)
    assert not isinstance(whole, np.memmap) and whole[3] == -1.0
    np.save(tmp_path / "e.npy", np.zeros((0, 3)))
    assert fastsci.load(tmp_path / "e.npy").shape == (0, 3)


def test_save_appends_npy_and_keeps_old_file_on_failure(tmp_path):
    fastsci.save(tmp_path / "c", np.ones(3))
    assert (tmp_path / "c.npy").exists()
    with pytest.raises(TypeError):
        fastsci.save(tmp_path / "c.npy", np.array(["text"]))
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), np.ones(3))
    with pytest.raises(FileNotFoundError):
        fastsci.load(tmp_path / "missing.npy")
    (tmp_path / "bad.npy").write_bytes(b"not an npy file")
    with pytest.raises(ValueError, match="npy"):
        fastsci.load(tmp_path / "bad.npy")


def exact_mean(x):
    """The correctly rounded mean (Fraction arithmetic: exact)."""
    return float(sum(Fraction(v) for v in x.tolist()) / len(x))


def test_mean_and_sum_are_exactly_rounded(rng):
    # Ill-conditioned: large values that cancel, plus small ones NumPy's pairwise sum loses.
    x = np.concatenate([rng.standard_normal(20_000) * 1e12, -rng.standard_normal(20_000) * 1e12, rng.random(20_000)])
    rng.shuffle(x)
    assert fastsci.mean(x) == exact_mean(x)
    assert fastsci.sum(x) == math.fsum(x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8])
def test_reductions_match_numpy(rng, dtype, tmp_path):
    x = (rng.random(10_007) * 200).astype(dtype)
    path = tmp_path / "x.npy"
    np.save(path, x)
    for src in (x, path, str(path)):
        assert fastsci.mean(src) == pytest.approx(np.mean(x, dtype=np.float64), rel=1e-14)
        assert fastsci.var(src, ddof=1) == pytest.approx(np.var(x.astype(np.float64), ddof=1), rel=1e-12)
        assert fastsci.std(src) == pytest.approx(np.std(x.astype(np.float64)), rel=1e-12)
        assert fastsci.min(src) == x.min() and fastsci.max(src) == x.max()


def test_reductions_along_an_axis_and_nan_and_empty(rng):
    m = rng.standard_normal((50, 7))
    np.testing.assert_allclose(fastsci.mean(m, axis=0), m.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(fastsci.std(np.asfortranarray(m), axis=1), m.std(axis=1), rtol=1e-12)
    assert math.isnan(fastsci.mean(np.array([1.0, np.nan])))
    with pytest.raises(ValueError, match="zero-size"):
        fastsci.min(np.array([]))
    with pytest.raises(np.exceptions.AxisError):
        fastsci.mean(np.ones((2, 2, 2)), axis=3)
    with pytest.raises(ValueError, match="repeated"):
        fastsci.mean(np.ones((2, 2, 2)), axis=(1, -2))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, (0, 2), (1, 2), (0, 1), (2, 0, 1), (3,), (1, 3)])
def test_reductions_over_any_axes_of_an_nd_array(rng, axis, tmp_path):
    a = rng.standard_normal((5, 6, 7, 4))[:, ::2]  # strided, 4-D
    for what in ("mean", "sum", "var", "std", "min", "max"):
        got = getattr(fastsci, what)(a, axis=axis)
        ref = getattr(np, what)(a, axis=axis)
        assert got.shape == ref.shape, what
        np.testing.assert_allclose(got, ref, rtol=1e-12, err_msg=what)
    # Each mean is exactly rounded: the exact rational mean of its elements, rounded once.
    got = fastsci.mean(a, axis=axis)
    moved = np.moveaxis(a, np.atleast_1d(axis), range(a.ndim - np.size(axis), a.ndim))
    rows = moved.reshape(got.size, -1)
    assert got.ravel().tolist() == [float(sum(map(Fraction, r.tolist())) / r.size) for r in rows]
    ints = (np.arange(5 * 3 * 7 * 4) % 23 - 11).astype(np.int32).reshape(5, 3, 7, 4)
    assert fastsci.max(ints, axis=axis).dtype == np.int32
    np.testing.assert_array_equal(fastsci.max(ints, axis=axis), ints.max(axis=axis))
    path = tmp_path / "a.npy"
    np.save(path, a)
    np.testing.assert_array_equal(fastsci.sum(path, axis=axis), fastsci.sum(a, axis=axis))


def test_stats_has_the_cli_fields(rng, tmp_path):
    x = rng.standard_normal(1000)
    x[5] = np.nan
    path = tmp_path / "s.npy"
    np.save(path, x)
    s = fastsci.stats(path, ddof=1)
    assert set(s) == {"file", "shape", "dtype", "count", "sum", "mean", "std", "var", "min", "max", "nan_count", "ddof"}
    assert s["count"] == 1000 and s["nan_count"] == 1 and s["shape"] == [1000] and s["dtype"] == "float64"
    assert math.isnan(s["mean"])
    json.dumps({k: v for k, v in s.items() if k != "mean"})  # plain JSON-able values
    t = fastsci.stats(rng.random((4, 3)), axis=0)
    assert len(t["mean"]) == 3 and t["axis"] == 0


def test_out_of_core_mean_under_a_memory_limit(tmp_path, run_python):
    """A file larger than the process may allocate: NumPy cannot read it whole, fastsci.mean
    reduces it memory-mapped with resident growth within the Rust side's bound (threads x 4 MiB
    of file pages, plus its own small buffers)."""
    n = 48 * 1024 * 1024  # 384 MiB of float64
    path = tmp_path / "big.npy"
    m = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(n,))
    step = 1 << 22
    for s in range(0, n, step):
        m[s : s + step] = np.arange(s, min(s + step, n), dtype=np.float64) % 1000 * 0.5
    m.flush()
    del m
    expected = float(Fraction(sum(range(1000)) * (n // 1000) + sum(range(n % 1000)), 2 * n))
    code = f"""
import resource
import numpy as np, fastsci
limit = 256 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) * 1024
try:
    np.fromfile({str(path)!r}, dtype=np.float64)
    print('numpy read it')
except MemoryError:
    print('numpy: MemoryError')
before = rss()
print(repr(fastsci.mean({str(path)!r})))
print(rss() - before)
"""
    proc = run_python(code, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    assert lines[:2] == ["numpy:", "MemoryError"]
    assert float(lines[2]) == expected
    assert int(lines[3]) < 64 * 1024 * 1024, f"resident growth {int(lines[3]) >> 20} MiB"
