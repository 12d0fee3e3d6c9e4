"""The end-to-end job of reference workload 8, written the way a Python user would:
np.memmap + NumPy for cleaning, Numba for the heater kernel, scipy.sparse (splu) for the implicit
heat-equation model, ProcessPoolExecutor for the coarse sweep, scipy.optimize.least_squares for
the fit. The physics and layout are those of crates/fastsci-pipeline (see its lib.rs docs).

    python pipeline_job.py DATA.npy --steps M [--jobs N]

prints one JSON object: each stage's seconds and the fitted parameters with standard errors.
"""

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy.optimize
import scipy.sparse
import scipy.sparse.linalg
from numba import njit

HERE = os.path.dirname(os.path.abspath(__file__))
HEATER_PY = os.path.join(HERE, "..", "..", "crates", "fastsci-pipeline", "src", "heater.py")

NODES = 100
DURATION = 10.0
GRID_D = np.geomspace(0.002, 0.2, 40)
GRID_H = np.linspace(0.0, 1.0, 25)


def load_heater():
    namespace = {}
    with open(HEATER_PY) as f:
        exec(compile(f.read(), HEATER_PY, "exec"), namespace)
    return njit(namespace["heater"])


def sensor_nodes(sensors):
    return np.array([((2 * k + 1) * NODES) // (2 * sensors) for k in range(sensors)])


def source_term(heater, steps):
    dt = DURATION / steps
    x = np.arange(1, NODES + 1) / (NODES + 1)
    out = np.empty((steps, NODES))
    _fill(heater, x, dt, out)
    return out


@njit
def _fill(heater, x, dt, out):
    for n in range(out.shape[0]):
        t = (n + 1) * dt
        for j in range(out.shape[1]):
            out[n, j] = heater(x[j], t)


def clean(path, steps):
    data = np.load(path, mmap_mode="r")
    rows, sensors = data.shape
    per_step = rows // steps
    cleaned = np.empty((steps, sensors))
    for n in range(steps):
        block = np.asarray(data[n * per_step:(n + 1) * per_step])
        med = np.nanmedian(block, axis=0)
        mad = np.nanmedian(np.abs(block - med), axis=0)
        keep = np.abs(block - med) <= 5.0 * 1.4826 * mad
        cleaned[n] = np.sum(np.where(keep, block, 0.0), axis=0) / np.sum(keep, axis=0)
    return cleaned


_STATE = {}


def _init(source, sensors):
    _STATE["source"] = source
    _STATE["sensors"] = sensors


def model(params, source=None, sensors=None):
    source = _STATE["source"] if source is None else source
    sensors = _STATE["sensors"] if sensors is None else sensors
    diffusivity, loss = params
    steps = source.shape[0]
    dt = DURATION / steps
    dx = 1.0 / (NODES + 1)
    r = dt * diffusivity / dx**2
    main = np.full(NODES, 1.0 + dt * loss + 2.0 * r)
    off = np.full(NODES - 1, -r)
    a = scipy.sparse.diags([off, main, off], [-1, 0, 1], format="csc")
    lu = scipy.sparse.linalg.splu(a)
    u = np.zeros(NODES)
    out = np.empty((steps, len(sensors)))
    for n in range(steps):
        u = lu.solve(u + dt * source[n])
        out[n] = u[sensors]
    return out


def sse(params):
    pred = model(params)
    d = pred - _STATE["cleaned"]
    return float(np.nansum(d * d))


def _init_sweep(source, sensors, cleaned):
    _init(source, sensors)
    _STATE["cleaned"] = cleaned


def run(path, steps, jobs):
    times = {}
    t0 = time.perf_counter()
    cleaned = clean(path, steps)
    times["clean"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    heater = load_heater()
    source = source_term(heater, steps)
    times["compile_and_source"] = time.perf_counter() - t0

    sensors = sensor_nodes(cleaned.shape[1])
    grid = [(d, h) for d in GRID_D for h in GRID_H]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs, initializer=_init_sweep, initargs=(source, sensors, cleaned)) as pool:
        costs = list(pool.map(sse, grid, chunksize=16))
    times["sweep"] = time.perf_counter() - t0
    start = grid[int(np.argmin(costs))]

    t0 = time.perf_counter()
    mask = np.isfinite(cleaned)

    def residuals(p):
        return (model(p, source, sensors) - cleaned)[mask]

    fit = scipy.optimize.least_squares(residuals, start, method="lm", x_scale="jac")
    m, p = fit.fun.size, fit.x.size
    s2 = 2 * fit.cost / (m - p)
    cov = np.linalg.inv(fit.jac.T @ fit.jac) * s2
    times["fit"] = time.perf_counter() - t0
    return {
        "seconds": sum(times.values()),
        "stages": times,
        "start": list(start),
        "params": fit.x.tolist(),
        "stderr": np.sqrt(np.diag(cov)).tolist(),
        "nfev": int(fit.nfev),
        "tool": "NumPy+Numba+SciPy+ProcessPool",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.steps, args.jobs)))


if __name__ == "__main__":
    sys.exit(main())
