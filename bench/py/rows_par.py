"""Python side of the fastsci-par rows: concurrent.futures.ProcessPoolExecutor.

The pool is created and warmed up before timing, so its start-up cost is not counted (the first,
cold run is reported separately): the comparison is as favourable to the pool as it can be.
"""

import math
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

TASKS = 100
TINY_TASKS = 1_000_000


def workload4_task(v):
    """Reference workload 4: 10 ms of simulated work, then sqrt(exp(sin(v)))."""
    time.sleep(0.010)
    return math.sqrt(math.exp(math.sin(v)))


def trivial(x):
    return x * 2.0 + 1.0


def inputs():
    return [i * 0.1 for i in range(TASKS)]


def tool():
    return f"ProcessPoolExecutor (Python {sys.version.split()[0]})"


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run_workload4(data):
    cores = os.cpu_count()
    xs = inputs()
    with ProcessPoolExecutor(max_workers=cores) as pool:
        _, cold_s = timed(lambda: list(pool.map(workload4_task, xs)))  # starts every worker
        # Serial and pool runs interleaved, so both see the same machine load; medians of 3.
        serial_runs, pool_runs = [], []
        for _ in range(3):
            serial, s = timed(lambda: [workload4_task(v) for v in xs])
            serial_runs.append(s)
            result, s = timed(lambda: list(pool.map(workload4_task, xs)))
            pool_runs.append(s)
            assert result == serial
    serial_s = statistics.median(serial_runs)
    seconds = statistics.median(pool_runs)
    return {"seconds": seconds, "tool": tool(), "serial_seconds": serial_s, "speedup": serial_s / seconds,
            "threads": cores, "cold_pool_seconds": cold_s, "answer": {"sum": math.fsum(result), "tasks": TASKS}}


def run_overhead(data):
    """Seconds per trivial task: the pool's best (chunked, 1,000,000 tasks) and its default
    (chunksize=1, timed on 20,000 tasks: a million would take minutes)."""
    cores = os.cpu_count()
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(trivial, range(1000)))  # warm-up
        chunk = max(1, TINY_TASKS // (4 * cores))
        runs = []
        for _ in range(3):
            out, s = timed(lambda: list(pool.map(trivial, range(TINY_TASKS), chunksize=chunk)))
            runs.append(s)
        chunked = statistics.median(runs) / TINY_TASKS
        few = 20_000
        _, s = timed(lambda: list(pool.map(trivial, range(few))))
        default = s / few
    return {"seconds": chunked, "tool": tool(), "chunksize": chunk, "default_chunksize_seconds": default,
            "threads": cores, "answer": {"sum": math.fsum(out), "tasks": TINY_TASKS}}


ROWS = {
    "par-workload4": {"run": run_workload4},
    "par-overhead": {"run": run_overhead},
}
