"""fastsci.jit against CPython running the same functions, and NumPy."""

import inspect
import math
import pickle
import threading
import time
import tracemalloc

import numpy as np
import pytest

import fastsci
import kernels as k

DTYPES = [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_]


def line_of(func, text):
    """The line of ``text`` inside ``func``'s source, in its file."""
    lines, first = inspect.getsourcelines(func)
    for n, line in enumerate(lines):
        if text in line:
            return first + n
    raise AssertionError(f"{text!r} not in {func.__name__}")


@pytest.mark.parametrize("dtype", DTYPES)
def test_each_dtype_in(dtype):
    x = (np.arange(1, 12) % 5).astype(dtype)
    assert k.total(x) == pytest.approx(k.total.py_func(x), rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["C", "F", "strided", "reversed"])
def test_each_dtype_and_layout_2d(dtype, layout):
    base = (np.arange(7 * 9).reshape(7, 9) % 4).astype(dtype)
    x = {
        "C": np.ascontiguousarray(base),
        "F": np.asfortranarray(base),
        "strided": np.ascontiguousarray(np.repeat(base, 2, axis=1))[:, ::2],
        "reversed": base[::-1, ::-1],
    }[layout]
    assert x.shape == (7, 9)
    assert k.total2d(x) == pytest.approx(k.total2d.py_func(x), rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("order", ["C", "F"])
def test_writes_seen_by_caller(dtype, order):
    x = np.zeros((4, 6), dtype=dtype, order=order)
    assert k.fill2d(x) is None
    expected = np.zeros((4, 6), dtype=dtype)
    k.fill2d.py_func(expected)
    np.testing.assert_array_equal(x, expected)


def test_write_into_a_non_contiguous_slice_reaches_the_parent():
    parent = np.arange(10.0)
    k.scale_in_place(parent[::3], 10.0)  # elements 0, 3, 6, 9
    np.testing.assert_array_equal(parent, [0, 1, 2, 30, 4, 5, 60, 7, 8, 90])
    view = parent[::-1]
    k.scale_in_place(view, 0.5)
    np.testing.assert_array_equal(parent, np.array([0, 1, 2, 30, 4, 5, 60, 7, 8, 90]) * 0.5)


def test_read_only_array_is_read_and_left_alone():
    x = np.arange(5.0)
    x.flags.writeable = False
    assert k.total(x) == 10.0
    k.scale_in_place(x, 2.0)  # the kernel writes a private copy, as Numba would refuse to
    np.testing.assert_array_equal(x, np.arange(5.0))


def _peak_bytes(f, *args):
    """The peak of memory NumPy allocates while ``f(*args)`` runs (NumPy reports its buffers
    to tracemalloc)."""
    tracemalloc.start()
    try:
        f(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_read_only_array_is_not_copied_unless_the_kernel_writes():
    x = np.ones(1_000_000)  # 8 MB
    x.flags.writeable = False
    assert k.total(x) == 1e6
    assert _peak_bytes(k.total, x) < 1_000_000
    # A broadcast view is read-only too: read in place.
    assert k.total2d(np.broadcast_to(np.arange(3.0), (1000, 3))) == k.total2d.py_func(
        np.broadcast_to(np.arange(3.0), (1000, 3))
    )
    assert _peak_bytes(k.scale_in_place, x, 2.0) >= x.nbytes  # a private copy to write
    np.testing.assert_array_equal(x, 1.0)


def test_read_only_memory_map_is_read_in_place(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(2_000_000, dtype=np.float64))
    m = fastsci.load(path, mmap_mode="r")
    assert not m.flags.writeable
    assert k.total(m) == float(np.arange(2_000_000).sum())  # exact: integers below 2**53
    assert _peak_bytes(k.total, m) < 1_000_000


def test_writes_into_arrays_inside_a_tuple_are_seen_by_the_caller():
    a = np.arange(4.0)
    b = np.arange(3, dtype=np.int64)
    assert k.scale_pair((a, b, 1.5), 2) == 3.0
    ea, eb = np.arange(4.0), np.arange(3, dtype=np.int64)
    assert k.scale_pair.py_func((ea, eb, 1.5), 2) == 3.0
    np.testing.assert_array_equal(a, ea)
    np.testing.assert_array_equal(b, eb)
    # Strided slices inside a tuple: the parent sees the writes.
    parent = np.zeros(10)
    parent[::2] = 1.0
    k.scale_pair((parent[1::2], parent[::2], 0.0), 3.0)
    np.testing.assert_array_equal(parent, [4.0, 0.0] * 5)
    # A tuple inside a tuple.
    inner, expected = np.array([1.0, 4.0]), np.array([1.0, 4.0])
    assert k.bump_nested((2.5, (7, inner))) == k.bump_nested.py_func((2.5, (7, expected))) == 6.5
    np.testing.assert_array_equal(inner, expected)
    assert inner[0] == 8.0


def test_result_array_owns_its_memory():
    r = k.make_array(1000)
    np.testing.assert_array_equal(r, np.sqrt(np.arange(1000.0)))
    assert r.dtype == np.float64 and r.flags.c_contiguous and r.flags.writeable
    # Handed over without a copy: NumPy holds the kernel's buffer through a non-array base.
    assert not isinstance(r.base, np.ndarray)


@pytest.mark.parametrize("a, b", [(7, 2), (-7, 2), (7.5, 2.0), (True, 3), (-3, 5.5)])
def test_scalars_and_tuples_like_cpython(a, b):
    assert k.add(a, b) == k.add.py_func(a, b)
    assert type(k.add(a, b)) is type(k.add.py_func(a, b))
    assert k.divmod_pair(a, b) == k.divmod_pair.py_func(a, b)


def test_numpy_scalars_and_0d_arrays_are_numbers():
    assert k.add(np.float32(1.5), np.int64(2)) == 3.5
    assert k.add(np.array(2.0), 1) == 3.0


def test_big_int_is_an_overflow_error():
    with pytest.raises(OverflowError):
        k.add(2**70, 1)


def test_unsupported_argument_type():
    with pytest.raises(TypeError, match="np.asarray"):
        k.total([1.0, 2.0])
    with pytest.raises(TypeError, match="complex128"):
        k.total(np.zeros(3, dtype=complex))


def test_frozen_globals_and_calls_between_kernels():
    assert k.uses_globals(2.0) == k.uses_globals.py_func(2.0) == 8.5
    assert k.calls_helper(1.5) == k.calls_helper.py_func(1.5)
    # Globals are frozen at the first compile, as in Numba.
    k.SCALE = 100.0
    try:
        assert k.uses_globals(2.0) == 8.5
    finally:
        k.SCALE = 3.0


def test_decorator_with_options_in_a_file():
    x = np.arange(100, dtype=np.int64)
    assert k.unchecked_sum.boundscheck is False
    assert k.unchecked_sum(x) == k.unchecked_sum.py_func(x) == 4950


def test_boundscheck_option_and_numba_options():
    def f(x):
        return x[0] * 2

    g = fastsci.jit(boundscheck=False, nopython=True, cache=True)(f)
    assert g.boundscheck is False and g(np.array([4.0])) == 8.0
    with pytest.raises(TypeError, match="unexpected option"):
        fastsci.jit(bogus=1)
    assert fastsci.njit is fastsci.jit


def test_random_draws_match_their_expectation():
    # A Monte Carlo estimate: within 5 standard errors of p.
    n, p = 400_000, 0.3
    assert abs(k.below(n, p) - p) < 5 * math.sqrt(p * (1 - p) / n)


def test_inspect_types_and_signatures(capsys):
    k.total(np.ones(3))
    assert "(array(float64, 1d, A)) -> float64" in k.total.signatures or any(
        "array(float64, 1d" in s for s in k.total.signatures
    )
    k.total.inspect_types()
    printed = capsys.readouterr().out
    assert "s: float64" in printed and "i: int64" in printed


# --- errors: the user's own file and line ---------------------------------------------------


def test_compile_error_is_a_type_error_with_file_line_and_caret():
    with pytest.raises(fastsci.CompileError) as info:
        k.unsupported(1.0)
    assert isinstance(info.value, TypeError)
    text = str(info.value)
    line = line_of(k.unsupported.py_func, "{x: 1}")
    assert f"kernels.py:{line}:" in text
    assert "{x: 1}" in text and "^" in text
    assert info.value.lineno == line and info.value.filename.endswith("kernels.py")


@pytest.mark.parametrize(
    "name, args, exc, marker",
    [
        ("out_of_range", (np.zeros(3), 5), IndexError, "return x[i]"),
        ("divide", (1.0, 0.0), ZeroDivisionError, "return a / b"),
        ("negative_size", (-1,), ValueError, "np.zeros(n)"),
        ("recurse", (0,), RecursionError, "recurse(n + 1)"),
    ],
)
def test_runtime_errors_are_python_exceptions_with_line(name, args, exc, marker):
    kernel = getattr(k, name)
    with pytest.raises(exc):  # CPython raises the same exception
        kernel.py_func(*args)
    with pytest.raises(exc) as info:
        kernel(*args)
    line = line_of(kernel.py_func, marker)
    assert f"kernels.py:{line}:" in str(info.value)
    assert info.value.lineno == line


def test_wrong_argument_count_is_a_type_error():
    with pytest.raises(TypeError, match="takes 2 argument"):
        k.add(1.0)


# --- GIL, pickling, Ctrl-C ----------------------------------------------------------------


def _in_threads(n, count):
    """Runs ``busy(n)`` in ``count`` threads; returns (wall seconds, results, call intervals)."""
    results, spans = [], []

    def work():
        t0 = time.perf_counter()
        results.append(k.busy(n))
        spans.append((t0, time.perf_counter()))

    threads = [threading.Thread(target=work) for _ in range(count)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, results, spans


def test_kernel_calls_in_two_threads_overlap():
    k.busy(1000)
    _, results, spans = _in_threads(20_000_000, 2)
    assert results[0] == results[1] == k.busy(20_000_000)
    (a0, a1), (b0, b1) = spans
    # With the GIL held, one call could not start before the other ended. (How much faster
    # two threads are than one is a timing, measured in bench/python/compare.py, not here.)
    assert max(a0, b0) < min(a1, b1)


def test_pickled_kernel_runs_in_another_process(run_python, tmp_path):
    path = tmp_path / "kernel.pkl"
    path.write_bytes(pickle.dumps(k.uses_globals))
    proc = run_python(
        f"import pickle; f = pickle.load(open({str(path)!r}, 'rb')); print(repr(f(2.0)))"
        # No `import kernels`: the source travels in the pickle.
    )
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) == k.uses_globals.py_func(2.0)


def test_pickle_round_trip_keeps_calls_between_kernels():
    g = pickle.loads(pickle.dumps(k.calls_helper))
    assert g(3.0) == k.calls_helper.py_func(3.0)


def test_ctrl_c_interrupts_a_long_kernel(run_python):
    code = """
import os, signal, sys, threading, time
import kernels as k
k.busy(10)
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
t0 = time.perf_counter()
try:
    k.busy(10**12)   # hours of work
    print("finished?!")
except KeyboardInterrupt:
    print("interrupted after", time.perf_counter() - t0)
"""
    t0 = time.perf_counter()
    proc = run_python(code, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("interrupted after"), proc.stdout + proc.stderr
    assert float(proc.stdout.split()[-1]) < 1.5
    assert time.perf_counter() - t0 < 30
