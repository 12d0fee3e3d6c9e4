#!/usr/bin/env python3
"""fastsci on Dask beside plain Dask + Numba: same run, same 2-worker LocalCluster, answers
checked, ratios printed. Rows (issue 21):

1. Per-task overhead: ``fastsci.map(kernel, items, client=, chunksize=1)`` (one Dask task per
   item) vs ``client.map`` over the same function under ``numba.njit``; and the per-item cost
   of ``fastsci.map`` with its default grouping.
2. Bandwidth client <-> worker (an array sent to a task, one returned), for the projection.
3. Workload 4 (100 tasks of ~10 ms, ``sqrt(exp(sin(v)))``): ``fastsci.map`` on 1 worker vs 2
   workers, each worker pinned to its own core (as two one-core machines), and ``client.map``
   + Numba on the same 2 workers.
4. Workload 8's sweep: the time of one point of the heat model (2,000 steps), the bytes a task
   carries, and from rows 1-2 the projected efficiency at 10 and 100 machines.

    make wheel PROFILE=release
    target/py-venv/bin/python bench/dask/compare.py [--quick]
"""

import math
import os
import sys
import time

import distributed
import numba
import numpy as np

import fastsci

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "python"))
import workload8_dask as w8  # noqa: E402

QUICK = "--quick" in sys.argv
SPINS = 200_000  # about 10 ms of work per workload-4 task


def tiny(x):
    return x * 2.0 + 1.0


def w4_task(v):
    s = 0.0
    for i in range(SPINS):
        s += math.sin(s + i) * 1e-300
    return math.sqrt(math.exp(math.sin(v))) + s * 0.0


fs_tiny, nb_tiny = fastsci.jit(tiny), numba.njit(tiny)
fs_w4, nb_w4 = fastsci.jit(w4_task), numba.njit(w4_task)


def best(f, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def row(name, ours, theirs, other, unit="ms", note=""):
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
    print(
        f"{name:<46} fastsci {ours * scale:9.3f} {unit}   {other} {theirs * scale:9.3f} {unit}   "
        f"ratio {ours / theirs:6.3f}x {note}"
    )


def cluster(n_workers):
    c = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = distributed.Client(c, set_as_default=False)
    # One core per worker process: two workers act as two one-core machines.
    cores = sorted(os.sched_getaffinity(0))
    for i, addr in enumerate(sorted(client.scheduler_info()["workers"])):
        client.run(pin_process, cores[i % len(cores)], workers=[addr])
    return c, client


def pin_process(core):
    """Pins every thread of this process (threads made later inherit it) to one core."""
    for tid in os.listdir("/proc/self/task"):
        os.sched_setaffinity(int(tid), {core})


def per_task_overhead(client):
    n = 300 if QUICK else 1000
    items = [float(i) for i in range(n)]
    expected = [tiny(x) for x in items]
    # Warm up: compile on the workers, import Numba there.
    fastsci.map(fs_tiny, items[:8], client=client, chunksize=1)
    client.gather(client.map(nb_tiny, items[:8], pure=False))
    t_ours, got = best(lambda: fastsci.map(fs_tiny, items, client=client, chunksize=1))
    assert got == expected
    t_theirs, got = best(lambda: client.gather(client.map(nb_tiny, items, pure=False)))
    assert got == expected
    row(f"per-task overhead ({n} one-item tasks)", t_ours / n, t_theirs / n, "client.map+numba", "ms")
    many = [float(i) for i in range(200_000 if QUICK else 1_000_000)]
    t_grouped, got = best(lambda: fastsci.map(fs_tiny, many, client=client), repeat=2)
    assert got == [tiny(x) for x in many]
    print(f"{'fastsci.map default grouping, per item':<46} {t_grouped / len(many) * 1e6:9.3f} us   ({len(many):,} items)")
    return t_ours / n


def bandwidth(client):
    n = (16 if QUICK else 64) * 2**20 // 8
    big = np.random.default_rng(1).random(n)
    def send():
        stored = client.scatter(big, direct=True)
        return client.submit(np.sum, stored, pure=False).result()

    send()
    t_send, s = best(send)
    assert math.isclose(s, np.sum(big), rel_tol=1e-12)
    t_recv, back = best(lambda: client.submit(np.full, n, 1.5, pure=False).result())
    assert back.shape == (n,)
    mb = n * 8 / 1e6
    print(f"{'bandwidth client -> worker / worker -> client':<46} {mb / t_send:9.0f} MB/s / {mb / t_recv:.0f} MB/s   ({mb:.0f} MB arrays)")
    return mb * 1e6 / t_send


def workload4(clients):
    values = [0.01 * i for i in range(100)]
    reference = [math.sqrt(math.exp(math.sin(v))) for v in values]
    times = {}
    for n, client in clients.items():
        fastsci.map(fs_w4, values[:2], client=client)  # compile on the workers
        times[n], got = best(lambda: fastsci.map(fs_w4, values, client=client))
        np.testing.assert_allclose(got, reference, rtol=1e-15)
    two = clients[2]
    two.gather(two.map(nb_w4, values[:2], pure=False))  # compile on the workers
    t_nb, got = best(lambda: two.gather(two.map(nb_w4, values, pure=False)))
    np.testing.assert_allclose(got, reference, rtol=1e-15)
    t_serial, _ = best(lambda: [fs_w4(v) for v in values], repeat=1)
    print(f"{'workload 4, serial here (1 thread)':<46} {t_serial:9.3f} s")
    row("workload 4, 1 worker vs 2 workers", times[2], times[1], "1 worker", "s", f"speedup {times[1] / times[2]:.2f}x")
    row("workload 4 on 2 workers", times[2], t_nb, "client.map+numba", "s")
    return times


def workload8_point():
    steps, sensors = 2000, 16
    src = w8.source_terms(steps, w8.NODES, w8.DURATION)
    data = w8.simulate(w8.TRUTH[0], w8.TRUTH[1], src, sensors)
    grid = w8.sweep_grid()[:: 50 if QUICK else 20]
    w8.misfit(grid[0][0], grid[0][1], src, data)
    t, _ = best(lambda: [w8.misfit(d, h, src, data) for d, h in grid], repeat=2)
    per_point = t / len(grid)
    payload = src.nbytes + data.nbytes
    print(f"{'workload 8, one sweep point (2,000 steps)':<46} {per_point * 1e3:9.3f} ms   shared inputs {payload / 1e6:.2f} MB")
    return per_point, payload


def projection(per_task, bw, per_point, payload, cores=2, points=1000):
    """Efficiency of the sweep on N machines of ``cores`` cores, one worker each (one Dask
    thread, fastsci on all cores inside a task), 4 tasks per worker thread; the per-task
    overhead and the broadcast of the shared inputs to every machine are paid serially at the
    client/scheduler (the pessimistic bound: no overlap with the work)."""
    print(f"projection, workload 8 sweep ({points} points x {per_point * 1e3:.2f} ms, {cores} cores/machine):")
    for n in (1, 2, 10, 100):
        tasks = min(points, 4 * n)
        work = points * per_point / (n * cores)
        overhead = tasks * per_task + n * payload / bw
        print(f"  {n:4d} machines: {tasks:4d} tasks, work {work:7.3f} s + overhead {overhead:6.3f} s -> efficiency {work / (work + overhead):6.1%}")


if __name__ == "__main__":
    print(f"fastsci {fastsci.__version__}, dask/distributed {distributed.__version__}, numba {numba.__version__}, "
          f"{len(os.sched_getaffinity(0))} cores; LocalCluster(processes=True, threads_per_worker=1), workers pinned to a core each")
    c1, one = cluster(1)
    c2, two = cluster(2)
    try:
        per_task = per_task_overhead(two)
        bw = bandwidth(two)
        workload4({1: one, 2: two})
        per_point, payload = workload8_point()
        projection(per_task, bw, per_point, payload)
        projection(per_task, bw, per_point, payload, points=100_000)
    finally:
        for client, c in ((one, c1), (two, c2)):
            client.close()
            c.close()
