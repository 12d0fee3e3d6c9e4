"""fastsci on a real Dask cluster (``distributed.LocalCluster``, 2 worker processes): maps,
sweeps, a killed worker, a killed client resumed elsewhere, dask.array operands, many files.

References: CPython running the same functions, NumPy, ``math.fsum`` and ``fractions.Fraction``
(exact rationals), and the single-machine run where the issue asks for equality with it.
"""

import glob
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from fractions import Fraction

import cloudpickle
import dask.array as da
import distributed
import numpy as np
import pytest

import fastsci
import kernels as k

# Plain functions of this module travel to the workers by value (the workers cannot import it).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@fastsci.jit
def noisy_decay(a, n):
    """A slow point of a sweep (n steps) with random draws: per-point seeds make it reproducible."""
    s = 0.0
    for i in range(n):
        s += math.exp(-a * (i % 100) * 1e-2) * 1e-3 + np.random.random() * 1e-9
    return s, np.random.random()


@fastsci.jit
def block_model(x):
    """A kernel over a whole block, for ``dask.array.map_blocks``."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = math.sqrt(abs(x[i])) * 2.0 + 1.0
    return out


def python_square(x):
    if x == 7:
        raise ValueError("seven")
    return x * x + 0.5


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def test_map_on_the_cluster_equals_cpython_and_the_single_machine_map(client):
    items = [2 * i for i in range(300)]
    expected = [k.fails_on_odd.py_func(x) for x in items]
    assert fastsci.map(k.fails_on_odd, items, client=client) == expected
    assert fastsci.map(k.fails_on_odd, items) == expected
    pairs = [(0.1 * i, float(i)) for i in range(50)]
    assert fastsci.starmap(k.model, pairs, client=client) == [k.model.py_func(a, b) for a, b in pairs]
    # Plain callables (a lambda too: cloudpickle) run in the workers' Python.
    assert fastsci.map(lambda v: v * 3 - 1, range(20), client=client, chunksize=3) == [v * 3 - 1 for v in range(20)]


def test_a_failing_item_on_the_cluster_reports_its_index(client):
    items = [0, 2, 4, 6, 9, 10, 12]
    with pytest.raises(ZeroDivisionError) as info:
        fastsci.map(k.fails_on_odd, items, client=client, chunksize=2)
    assert info.value.index == 4 and info.value.failed == [4]
    assert "kernels.py:" in str(info.value)
    out = fastsci.map(python_square, range(10), client=client, return_exceptions=True, chunksize=4)
    assert isinstance(out[7], ValueError) and str(out[7]) == "seven"
    assert [v for i, v in enumerate(out) if i != 7] == [python_square(i) for i in range(10) if i != 7]
    with pytest.raises(ValueError, match="seven") as info:
        fastsci.map(python_square, range(10), client=client)
    assert info.value.index == 7


def test_ctrl_c_during_a_cluster_map_cancels_its_tasks(client, run_python):
    # A client in a process of its own (a SIGINT must not reach pytest), on the same cluster.
    code = f"""
import logging, os, signal, threading, time
import distributed
import kernels as k, fastsci

def busy_tasks(dask_scheduler):
    return sum(ts.state in ("processing", "queued", "no-worker", "waiting") for ts in dask_scheduler.tasks.values())

logging.getLogger("distributed").setLevel(logging.ERROR)
with distributed.Client({client.scheduler.address!r}) as client:
    fastsci.map(k.busy, [10], client=client)  # imports done, the kernel compiled on the workers
    threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    t0 = time.perf_counter()
    try:
        fastsci.map(k.busy, [3_000_000] * 400, client=client, chunksize=1)
        print("finished?!")
    except KeyboardInterrupt as e:
        waited = time.perf_counter() - t0
        done = sum(r is not None for r in e.results)
        # The tasks already running finish; every other one is cancelled at once.
        deadline = time.perf_counter() + 10
        while client.run_on_scheduler(busy_tasks) and time.perf_counter() < deadline:
            time.sleep(0.05)
        print("interrupted", waited, done, len(e.results), client.run_on_scheduler(busy_tasks), flush=True)
"""
    proc = run_python(code, timeout=180)
    words = proc.stdout.split()
    assert words and words[0] == "interrupted", proc.stdout + proc.stderr[-3000:]
    waited, done, total, left = float(words[1]), int(words[2]), int(words[3]), int(words[4])
    assert waited < 5 and done < total == 400 and left == 0
    assert client.submit(sum, [1, 2]).result() == 3  # the cluster is still usable


@pytest.mark.parametrize("ext", ["csv", "npy"])
def test_sweep_on_the_cluster_equals_cpython_and_the_single_machine_sweep(client, tmp_path, ext):
    grid = {"a": (0.0, 1.0, 7), "b": [1, 2, 3]}
    res = np.sort(fastsci.sweep(k.model, grid, tmp_path / f"c.{ext}", client=client, outputs=["s", "t"]), order="index")
    expected = np.array([(a, b, *k.model.py_func(a, b)) for a in np.linspace(0.0, 1.0, 7) for b in [1, 2, 3]])
    np.testing.assert_array_equal(np.column_stack([res["a"], res["b"], res["s"], res["t"]]), expected)
    # A random kernel: the same numbers as the single-machine sweep, bit for bit.
    grid = {"a": (0.5, 2.0, 6), "n": [1000, 3000]}
    here = fastsci.sweep(noisy_decay, grid, tmp_path / f"l.{ext}", seed=11)
    there = fastsci.sweep(noisy_decay, grid, tmp_path / f"r.{ext}", seed=11, client=client, chunksize=5)
    np.testing.assert_array_equal(np.sort(there, order="index"), np.sort(here, order="index"))


def _journal_rows(path):
    """Complete result lines in a sweep journal (header excluded)."""
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        text = f.read()
    return max(0, text.count(b"\n") - 1)


SLOW_GRID = {"a": (0.1, 3.0, 30), "n": [1_500_000, 2_000_000]}


def test_a_worker_killed_mid_sweep_loses_nothing(client, tmp_path):
    out = tmp_path / "killed.npy"
    journal = str(out) + ".journal"
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    seen = {}

    def kill_when_started():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _journal_rows(journal) < 2:
            time.sleep(0.01)
        seen["rows"] = _journal_rows(journal)
        os.kill(victim, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_started)
    killer.start()
    res = fastsci.sweep(noisy_decay, SLOW_GRID, out, seed=5, client=client, chunksize=3)
    killer.join()
    assert 2 <= seen["rows"] < 60, seen
    client.wait_for_workers(2, timeout=60)
    assert victim not in client.run(os.getpid).values()
    serial = fastsci.sweep(noisy_decay, SLOW_GRID, tmp_path / "serial.npy", seed=5, workers=1)
    np.testing.assert_array_equal(np.sort(res, order="index"), np.sort(serial, order="index"))


def test_a_client_killed_mid_sweep_resumes_on_a_new_cluster(client, tmp_path, caplog):
    out = tmp_path / "resumed.csv"
    code = f"""
import distributed, fastsci, sys
sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
from test_distributed import noisy_decay, SLOW_GRID
c = distributed.Client({client.scheduler.address!r})
fastsci.sweep(noisy_decay, SLOW_GRID, {str(out)!r}, seed=3, client=c, chunksize=2)
print("finished?!")
"""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _journal_rows(out) < 4 and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    stderr = proc.stderr.read().decode()
    done = _journal_rows(out)
    assert 4 <= done < 60, stderr
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster, set_as_default=False) as fresh:
        with caplog.at_level(logging.INFO, logger="fastsci.distributed"):
            res = fastsci.sweep(noisy_decay, SLOW_GRID, out, seed=3, client=fresh)
    assert f"{done} of 60 points done, {60 - done} to run on the cluster" in caplog.text
    serial = fastsci.sweep(noisy_decay, SLOW_GRID, tmp_path / "serial.csv", seed=3)
    for name in serial.dtype.names:
        np.testing.assert_array_equal(np.sort(res, order="index")[name], np.sort(serial, order="index")[name])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(2026)
    # A large offset and mixed scales: NumPy's pairwise mean is not exactly rounded here.
    return 1e6 + rng.standard_normal((600, 250)) * np.logspace(-3, 3, 250)


def test_a_dask_array_expression_equals_numpy(client, data):
    x = da.from_array(data, chunks=(128, 100))
    y = da.from_array(data[0] * 0.5, chunks=60)  # other chunks: blocks are aligned
    lazy = fastsci.evaluate("2*x - y*3 + x*y/4 + c", {"x": x, "y": y, "c": 1.5})
    assert isinstance(lazy, da.Array) and lazy.shape == data.shape
    y0 = data[0] * 0.5
    np.testing.assert_array_equal(lazy.compute(), 2 * data - y0 * 3 + data * y0 / 4 + 1.5)
    with_math = fastsci.evaluate("sin(x) + sqrt(y)", {"x": x, "y": y}).compute()
    np.testing.assert_allclose(with_math, np.sin(data) + np.sqrt(y0), rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(with_math, fastsci.evaluate("sin(x) + sqrt(y)", {"x": data, "y": y0}))
    # A kernel over a block, in map_blocks.
    z = da.map_blocks(block_model, da.from_array(data.ravel() - 1e6, chunks=10_000), dtype=np.float64)
    np.testing.assert_array_equal(z.compute(), np.sqrt(np.abs(data.ravel() - 1e6)) * 2.0 + 1.0)


def test_dask_array_reductions_are_exactly_rounded_and_equal_single_machine(client, data):
    x = da.from_array(data, chunks=(97, 60))
    values = data.ravel().tolist()
    exact = sum(Fraction(v) for v in values)
    mean = fastsci.mean(x)
    assert isinstance(mean, da.Array) and mean.shape == ()
    assert mean.compute() == float(exact / len(values)) == fastsci.mean(data)
    assert fastsci.sum(x).compute() == math.fsum(values) == float(exact)
    assert fastsci.min(x).compute() == data.min() and fastsci.max(x).compute() == data.max()
    np.testing.assert_allclose(fastsci.var(x, ddof=1).compute(), np.var(data, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(fastsci.std(x).compute(), fastsci.std(data), rtol=1e-14)
    for axis in (0, 1):
        got = fastsci.mean(x, axis=axis).compute()
        assert got.shape == (data.shape[1 - axis],)
        columns = data.T if axis == 0 else data
        assert got[:20].tolist() == [float(sum(map(Fraction, c.tolist())) / len(c)) for c in columns[:20]]
        np.testing.assert_array_equal(got, fastsci.mean(data, axis=axis))
    ints = da.from_array(np.arange(-50, 1000, dtype=np.int32), chunks=77)
    assert fastsci.max(ints).compute() == 999 and fastsci.max(ints).dtype == np.int32
    # Any axes of an n-D array, blocks cut along every axis: equal to the single machine.
    cube = data[:120, :60].reshape(4, 30, 60)
    y = da.from_array(cube, chunks=(3, 11, 25))
    for axis in (0, 2, (0, 2), (1, 2), (-1, 0, 1)):
        for what in ("mean", "sum", "min", "max"):
            got = getattr(fastsci, what)(y, axis=axis).compute()
            np.testing.assert_array_equal(got, getattr(fastsci, what)(cube, axis=axis), err_msg=f"{what} {axis}")
        np.testing.assert_allclose(fastsci.var(y, axis=axis).compute(), np.var(cube, axis=axis), rtol=1e-12)
    with pytest.raises(np.exceptions.AxisError):
        fastsci.mean(da.zeros((2, 2, 2)), axis=3)


def test_many_npy_files_as_one_array(client, data, tmp_path):
    sizes = [100, 37, 250, 213]
    starts = np.cumsum([0] + sizes)
    for i, (a, b) in enumerate(zip(starts[:-1], starts[1:])):
        np.save(tmp_path / f"part-{i:02d}.npy", data[a:b])
    x = fastsci.load_files(str(tmp_path / "part-*.npy"), block_bytes=60 * 250 * 8)
    assert x.shape == data.shape and x.dtype == np.float64
    assert x.chunks[0] == (60, 40, 37, 60, 60, 60, 60, 10, 60, 60, 60, 33)
    np.testing.assert_array_equal(x.compute(), data)
    assert fastsci.mean(x).compute() == float(sum(map(Fraction, data.ravel().tolist())) / data.size)
    np.testing.assert_array_equal(fastsci.evaluate("x * 2 - 1", {"x": x}).compute(), data * 2 - 1)
    listed = fastsci.load_files(sorted(glob.glob(str(tmp_path / "part-*.npy"))), axis=0)
    assert listed.chunks[0] == tuple(sizes)
    np.save(tmp_path / "part-99.npy", np.zeros((3, 7)))
    with pytest.raises(ValueError, match="part-99.npy"):
        fastsci.load_files(str(tmp_path / "part-*.npy"))
    with pytest.raises(FileNotFoundError, match="nothing-"):
        fastsci.load_files(str(tmp_path / "nothing-*.npy"))


def test_a_scheduler_that_does_not_answer_is_a_clear_error_within_the_timeout(monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(fastsci._distributed, "CONNECT_TIMEOUT", 2.0)
    t0 = time.monotonic()
    with pytest.raises(ConnectionError, match=f"no Dask scheduler answered at tcp://127.0.0.1:{port} within 2 s"):
        fastsci.starmap(k.add, [(1, 2)], scheduler=f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - t0 < 2.0 + 10
    with pytest.raises(ConnectionError):
        fastsci.sweep(k.model, {"a": [1.0], "b": [2.0]}, tmp_path / "s.csv", scheduler=f"tcp://127.0.0.1:{port}")
    assert not os.path.exists(tmp_path / "s.csv")


def test_a_callable_that_cannot_be_pickled_is_a_clear_error(client):
    lock = threading.Lock()

    def guarded(v):
        with lock:
            return v

    t0 = time.monotonic()
    with pytest.raises(TypeError, match="cannot be pickled to send it to the Dask workers"):
        fastsci.map(guarded, range(4), client=client)
    assert time.monotonic() - t0 < 5
    with pytest.raises(ValueError, match="distributed.Client"):
        fastsci.starmap(k.add, [(1, 2)], client="tcp://127.0.0.1:1")


def test_a_kernel_rebuilt_from_a_pickle_pickles_again_before_and_after_compiling():
    # A Dask worker re-serializes the tasks it holds: the rebuilt kernel has no Python function.
    import pickle

    rebuilt = pickle.loads(pickle.dumps(k.calls_helper))
    again = pickle.loads(pickle.dumps(rebuilt))
    assert again(1.5) == k.calls_helper.py_func(1.5)
    assert pickle.loads(pickle.dumps(again))(0.25) == k.calls_helper.py_func(0.25)


def test_a_map_over_unaligned_arrays_does_not_panic():
    # Dask hands arrays over in network buffers, where a float64 may start at any byte.
    buf = bytearray(8 * 31)
    unaligned = np.frombuffer(buf, dtype=np.float64, count=30, offset=1)
    unaligned_2d = np.frombuffer(bytearray(8 * 13), dtype=np.float64, count=12, offset=3).reshape(3, 4)
    assert not unaligned.flags.aligned and not unaligned_2d.flags.aligned
    assert fastsci.map(k.total, [unaligned]) == [0.0]
    assert fastsci.map(k.total2d, [unaligned_2d]) == [k.total2d.py_func(unaligned_2d)]


def test_a_kernel_that_does_not_compile_fails_on_the_client_before_any_task(client, tmp_path):
    with pytest.raises(fastsci.CompileError, match="kernels.py:"):
        fastsci.map(k.unsupported, [1.0, 2.0], client=client)
    with pytest.raises(fastsci.CompileError, match="kernels.py:"):
        fastsci.sweep(k.unsupported, {"x": [1.0, 2.0]}, tmp_path / "u.csv", client=client)
    assert not os.path.exists(tmp_path / "u.csv")


def test_items_may_hold_data_scattered_to_the_workers_once(client):
    arrays = [np.arange(n, dtype=np.float64) for n in (5, 50, 500)]
    there = client.scatter(arrays, broadcast=True)
    got = fastsci.starmap(k.model, [(float(i), 2.0) for i in range(3)], client=client)
    assert got == [k.model.py_func(float(i), 2.0) for i in range(3)]
    assert fastsci.map(k.total, there * 4, client=client, chunksize=5) == [float(a.sum()) for a in arrays] * 4
