"""fastsci.map / starmap / sweep against CPython running the same functions."""

import math
import os
import tracemalloc

import numpy as np
import pytest

import fastsci
import kernels as k


def square_plus(x):
    """A plain Python function (the process-pool path)."""
    if x == 13:
        raise ValueError("unlucky")
    return x * x + 1


def test_map_of_a_kernel_is_ordered_and_matches_cpython():
    items = list(range(200))
    expected = [k.fails_on_odd.py_func(2 * i) for i in items]
    got = fastsci.map(k.fails_on_odd, [2 * i for i in items], workers=2)
    assert got == expected


def test_map_keeps_failures_per_item():
    items = list(range(10))
    with pytest.raises(ZeroDivisionError) as info:
        fastsci.map(k.fails_on_odd, items)
    assert info.value.index == 1 and info.value.failed == [1, 3, 5, 7, 9]
    assert "kernels.py:" in str(info.value)
    out = fastsci.map(k.fails_on_odd, items, return_exceptions=True)
    for i, r in enumerate(out):
        if i % 2:
            assert isinstance(r, ZeroDivisionError)
        else:
            assert r == k.fails_on_odd.py_func(i)


def test_starmap_and_array_items():
    pairs = [(0.1 * i, float(i)) for i in range(50)]
    assert fastsci.starmap(k.model, pairs) == [k.model.py_func(a, b) for a, b in pairs]
    arrays = [np.arange(n, dtype=np.float64) for n in range(1, 30)]
    assert fastsci.map(k.total, arrays) == [float(a.sum()) for a in arrays]


def test_map_reads_array_items_in_place_and_copies_for_a_kernel_that_writes():
    items = [np.full(250_000, float(i)) for i in range(8)]  # 2 MB each
    items[3].flags.writeable = False
    tracemalloc.start()
    try:
        got = fastsci.map(k.total, items, workers=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == [250_000.0 * i for i in range(8)]
    assert peak < 2_000_000  # not one item copied
    # A kernel that writes into its argument gets private copies (tasks never race on an
    # array, as in a process pool): the caller's items are unchanged.
    fastsci.starmap(k.scale_in_place, [(items[i], 2.0) for i in range(8)], workers=2)
    assert all((items[i] == float(i)).all() for i in range(8))


def test_map_of_a_python_function_uses_processes():
    items = list(range(30))
    out = fastsci.map(square_plus, items, workers=2, return_exceptions=True)
    assert isinstance(out[13], ValueError)
    assert [r for i, r in enumerate(out) if i != 13] == [square_plus(i) for i in items if i != 13]
    with pytest.raises(ValueError, match="unlucky") as info:
        fastsci.map(square_plus, items, workers=2)
    assert info.value.index == 13
    with pytest.raises(ValueError, match="workers"):
        fastsci.map(square_plus, items, workers=0)


def test_map_ctrl_c_cancels_cleanly(run_python):
    code = """
import os, signal, threading, time
import kernels as k, fastsci
threading.Timer(0.7, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
t0 = time.perf_counter()
try:
    fastsci.map(k.busy, [20_000_000] * 400, workers=2)
    print("finished?!")
except KeyboardInterrupt as e:
    done = sum(r is not None for r in e.results)
    print("interrupted", time.perf_counter() - t0, done, len(e.results))
"""
    proc = run_python(code, timeout=120)
    assert proc.returncode == 0, proc.stderr
    words = proc.stdout.split()
    assert words[0] == "interrupted", proc.stdout + proc.stderr
    assert float(words[1]) < 5 and 0 < int(words[2]) < int(words[3]) == 400


@pytest.mark.parametrize("ext", ["csv", "npy"])
def test_sweep_matches_cpython_and_resumes(tmp_path, ext):
    out = tmp_path / f"sweep.{ext}"
    grid = {"a": (0.0, 1.0, 5), "b": [1, 2, 3]}
    res = fastsci.sweep(k.model, grid, out, outputs=["s", "t"])
    assert len(res) == 15
    a_values, b_values = np.linspace(0.0, 1.0, 5), [1, 2, 3]
    expected = np.array([(a, b, *k.model.py_func(a, b)) for a in a_values for b in b_values])
    res = np.sort(res, order="index")
    got = np.column_stack([res["a"], res["b"], res["s"], res["t"]])
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    # Run again: everything is done already, nothing changes.
    again = fastsci.sweep(k.model, grid, out, outputs=["s", "t"])
    np.testing.assert_array_equal(np.sort(again, order="index"), np.sort(res, order="index"))
    with pytest.raises(FileExistsError):
        fastsci.sweep(k.model, grid, out, resume=False, outputs=["s", "t"])


def test_sweep_resumes_a_truncated_journal(tmp_path):
    out = tmp_path / "r.csv"
    grid = {"a": [0.5, 1.5, 2.5, 3.5], "b": [2.0]}
    full = fastsci.sweep(k.model, grid, out)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:3]))  # header + 2 of 4 results: as if killed
    resumed = fastsci.sweep(k.model, grid, out)
    np.testing.assert_array_equal(np.sort(resumed, order="index"), np.sort(full, order="index"))


def test_sweep_checks_its_grid(tmp_path):
    with pytest.raises(ValueError, match="missing"):
        fastsci.sweep(k.model, {"a": [1.0]}, tmp_path / "x.csv")
    with pytest.raises(TypeError):
        fastsci.sweep(math.sin, {"x": [1.0]}, tmp_path / "x.csv")
    assert not os.path.exists(tmp_path / "x.csv")
