#!/usr/bin/env python3
"""Workload 8 on a Dask cluster, through the Python package: a measured dataset of a heated rod,
split in many ``.npy`` files, is cleaned out of core by the cluster; then the 1,000-point
parameter sweep of the heat model (diffusivity D x heat loss h) runs on the cluster. Both stages
are also run on this machine alone and the answers must be equal, bit for bit; the sweep's best
point must be the grid point nearest the truth the data was made from.

    python examples/python/workload8_dask.py                      # a 2-worker LocalCluster
    python examples/python/workload8_dask.py --scheduler tcp://host:8786
    python examples/python/workload8_dask.py --steps 2000 --samples 8192   # WORKLOADS.md size, 2.1 GB
    python examples/python/workload8_dask.py --kill-a-worker      # one worker dies mid-sweep

The model is the one of ``crates/fastsci-pipeline`` (heater.py, backward Euler on 100 nodes),
written as a Numba user would, with ``@fastsci.jit``: the tridiagonal implicit step is solved by
the Thomas algorithm. With ``--scheduler``, the data directory must be reachable at the same path
on every worker (a shared file system).
"""

import argparse
import importlib
import math
import os
import signal
import sys
import tempfile
import threading
import time

import dask.array as da
import distributed
import numpy as np

import fastsci

NODES = 100
DURATION = 10.0
TRUTH = (0.02, 0.3)


# The pipeline's heater kernel, the very file the Rust job compiles.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates", "fastsci-pipeline", "src"))
heater = fastsci.jit(importlib.import_module("heater").heater)


@fastsci.jit
def source_terms(steps, nodes, duration):
    """``dt * s(x_j, t_n)`` for every step n = 1..steps and interior node j."""
    dt = duration / steps
    out = np.empty((steps, nodes))
    for n in range(steps):
        for j in range(nodes):
            out[n, j] = dt * heater((j + 1) / (nodes + 1), (n + 1) * dt)
    return out


@fastsci.jit
def simulate(d, h, src, sensors):
    """Sensor readings ``(steps, sensors)`` of backward Euler for ``u_t = D u_xx - h u + s``."""
    steps = src.shape[0]
    nodes = src.shape[1]
    dt = DURATION / steps
    dx = 1.0 / (nodes + 1)
    r = dt * d / (dx * dx)
    off = -r
    diag = 1.0 + dt * h + 2.0 * r
    u = np.zeros(nodes)
    c = np.empty(nodes)
    y = np.empty(nodes)
    out = np.empty((steps, sensors))
    for n in range(steps):
        # Thomas algorithm on the constant tridiagonal matrix (diag, off, off).
        c[0] = off / diag
        y[0] = (u[0] + src[n, 0]) / diag
        for j in range(1, nodes):
            m = diag - off * c[j - 1]
            c[j] = off / m
            y[j] = (u[j] + src[n, j] - off * y[j - 1]) / m
        u[nodes - 1] = y[nodes - 1]
        for j in range(nodes - 2, -1, -1):
            u[j] = y[j] - c[j] * u[j + 1]
        for k in range(sensors):
            out[n, k] = u[((2 * k + 1) * nodes) // (2 * sensors)]
    return out


@fastsci.jit
def misfit(d, h, src, data):
    """Mean squared difference between the model and the cleaned data (NaN cells skipped)."""
    model = simulate(d, h, src, data.shape[1])
    s = 0.0
    count = 0
    for n in range(data.shape[0]):
        for k in range(data.shape[1]):
            if not math.isnan(data[n, k]):
                e = model[n, k] - data[n, k]
                s += e * e
                count += 1
    return s / count


@fastsci.jit
def clean(raw, samples):
    """Each step's block of raw samples averaged per sensor, without NaNs and without outliers
    (values more than 4 standard deviations from the block mean are dropped, then the mean is
    taken again). ``raw`` holds whole steps: ``(steps_here * samples, sensors)``."""
    steps = raw.shape[0] // samples
    sensors = raw.shape[1]
    out = np.empty((steps, sensors))
    for n in range(steps):
        for k in range(sensors):
            s = 0.0
            count = 0
            for i in range(n * samples, (n + 1) * samples):
                v = raw[i, k]
                if not math.isnan(v):
                    s += v
                    count += 1
            if count == 0:
                out[n, k] = math.nan
                continue
            mean = s / count
            q = 0.0
            for i in range(n * samples, (n + 1) * samples):
                v = raw[i, k]
                if not math.isnan(v):
                    q += (v - mean) * (v - mean)
            limit = 4.0 * math.sqrt(q / count)
            s = 0.0
            count = 0
            for i in range(n * samples, (n + 1) * samples):
                v = raw[i, k]
                if not math.isnan(v) and abs(v - mean) <= limit:
                    s += v
                    count += 1
            out[n, k] = s / count if count > 0 else mean
    return out


def sweep_grid():
    """The pipeline's coarse grid: 40 geometric D in [0.002, 0.2] x 25 linear h in [0, 1]."""
    ds = 0.002 * (0.2 / 0.002) ** (np.arange(40) / 39)
    hs = np.linspace(0.0, 1.0, 25)
    return [(float(d), float(h)) for d in ds for h in hs]


def write_dataset(directory, steps, samples, sensors, files, seed=2026):
    """The measured dataset: the true model's readings, each repeated ``samples`` times per step
    with noise, 1% NaN dropouts and 0.1% outliers, written as ``files`` files of whole steps."""
    src = source_terms(steps, NODES, DURATION)
    truth = simulate(TRUTH[0], TRUTH[1], src, sensors)
    bounds = np.linspace(0, steps, files + 1).astype(int)
    for f in range(files):
        rng = np.random.default_rng([seed, f])
        block = np.repeat(truth[bounds[f] : bounds[f + 1]], samples, axis=0)
        block += rng.normal(0.0, 0.01, block.shape)
        block[rng.random(block.shape) < 0.01] = np.nan
        outliers = rng.random(block.shape) < 0.001
        block[outliers] += rng.choice([-5.0, 5.0], outliers.sum())
        np.save(os.path.join(directory, f"rod-{f:03d}.npy"), block)
    return src


def kill_one_worker_soon(client, delay):
    pid = sorted(client.run(os.getpid).values())[0]

    def kill():
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        print(f"  (killed worker process {pid} mid-sweep)")

    t = threading.Thread(target=kill)
    t.start()
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scheduler", help="a Dask scheduler address; default: a 2-worker LocalCluster")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--samples", type=int, default=64, help="raw samples per step")
    ap.add_argument("--sensors", type=int, default=16)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--data", help="directory for the dataset files (default: a temporary one)")
    ap.add_argument("--kill-a-worker", action="store_true", help="kill one LocalCluster worker mid-sweep")
    args = ap.parse_args()
    if args.steps % args.files:
        ap.error("--steps must be a multiple of --files (files hold whole steps)")

    if args.scheduler:
        with distributed.Client(args.scheduler, timeout=10) as client:
            run(args, client, None)
    else:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster, distributed.Client(cluster) as client:
            run(args, client, cluster)


def run(args, client, cluster):
    workers = len(client.scheduler_info()["workers"])
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.data or scratch
        os.makedirs(directory, exist_ok=True)
        rows = args.steps * args.samples
        print(f"dataset: {rows:,} x {args.sensors} f64 ({rows * args.sensors * 8 / 1e6:.1f} MB) in {args.files} files")
        src = write_dataset(directory, args.steps, args.samples, args.sensors, args.files)

        # Cleaning, out of core: one block per file, each cleaned where it is read.
        t0 = time.perf_counter()
        raw = fastsci.load_files(os.path.join(directory, "rod-*.npy"))
        out_chunks = (tuple(c // args.samples for c in raw.chunks[0]), (args.sensors,))
        lazy = da.map_blocks(clean, raw, args.samples, dtype=np.float64, chunks=out_chunks)
        cleaned = lazy.compute()
        t_clean_cluster = time.perf_counter() - t0
        t0 = time.perf_counter()
        local = clean(np.concatenate([fastsci.load(p) for p in sorted(raw_paths(directory))]), args.samples)
        t_clean_local = time.perf_counter() - t0
        np.testing.assert_array_equal(cleaned, local)
        print(f"clean on the cluster ({workers} workers)  {t_clean_cluster:7.3f} s")
        print(f"clean on this machine           {t_clean_local:7.3f} s   equal: yes")

        # The 1,000-point sweep of the heat model.
        grid = sweep_grid()
        items = [(d, h, src, cleaned) for d, h in grid]
        misfit(*items[0])  # compile here too, for the local timing
        killer = kill_one_worker_soon(client, 0.3) if args.kill_a_worker and cluster else None
        t0 = time.perf_counter()
        # The model's inputs go to each worker once, not with every task.
        src_there, cleaned_there = client.scatter([src, cleaned], broadcast=True)
        remote = fastsci.starmap(misfit, [(d, h, src_there, cleaned_there) for d, h in grid], client=client)
        t_sweep_cluster = time.perf_counter() - t0
        if killer:
            killer.join()
        t0 = time.perf_counter()
        here = fastsci.starmap(misfit, items)
        t_sweep_local = time.perf_counter() - t0
        assert remote == here, "the cluster's sweep differs from this machine's"
        best = int(np.argmin(here))
        nearest = min(range(len(grid)), key=lambda i: (math.log(grid[i][0] / TRUTH[0]) / math.log(100 ** (1 / 39))) ** 2 + ((grid[i][1] - TRUTH[1]) * 24) ** 2)
        print(f"sweep of {len(grid)} points on the cluster {t_sweep_cluster:7.3f} s")
        print(f"sweep on this machine           {t_sweep_local:7.3f} s   equal: yes")
        print(f"best point D={grid[best][0]:.4g}, h={grid[best][1]:.4g} (truth D={TRUTH[0]}, h={TRUTH[1]}), misfit {here[best]:.3g}")
        assert best == nearest, f"the best grid point {grid[best]} is not the one nearest the truth {grid[nearest]}"


def raw_paths(directory):
    return [os.path.join(directory, n) for n in os.listdir(directory) if n.startswith("rod-") and n.endswith(".npy")]


if __name__ == "__main__":
    main()
