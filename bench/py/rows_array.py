"""Python side of the fastsci-array rows."""

import json
import os

import numpy as np

from common import median_seconds, normal_array, vector_answer
from exact import exact_mean

ROWS_800MB = 10_000
COLS_800MB = 10_000
WORKLOAD3_SEED = 3


def prepare_mul(data):
    normal_array(data, "normal_a_10m.npy", 10_000_000, 1)
    normal_array(data, "normal_b_10m.npy", 10_000_000, 2)


def run_mul(data):
    a = np.load(f"{data}/normal_a_10m.npy")
    b = np.load(f"{data}/normal_b_10m.npy")
    return {"seconds": median_seconds(lambda: a * b), "tool": "NumPy " + np.__version__,
            "answer": vector_answer(a * b), "threads": 1}


def run_mul_into(data):
    a = np.load(f"{data}/normal_a_10m.npy")
    b = np.load(f"{data}/normal_b_10m.npy")
    out = np.empty_like(a)
    seconds = median_seconds(lambda: np.multiply(a, b, out=out))
    return {"seconds": seconds, "tool": "NumPy " + np.__version__, "answer": vector_answer(out), "threads": 1}


def prepare_compound(data):
    prepare_mul(data)
    normal_array(data, "normal_c_10m.npy", 10_000_000, 3)


def run_compound(data):
    try:
        import numexpr as ne
    except ImportError:
        return {"missing": True}
    ne.set_num_threads(os.cpu_count())
    a = np.load(f"{data}/normal_a_10m.npy")
    b = np.load(f"{data}/normal_b_10m.npy")
    c = np.load(f"{data}/normal_c_10m.npy")
    names = {"a": a, "b": b, "c": c}
    seconds = median_seconds(lambda: ne.evaluate("a*b + c*2 - sin(a)", local_dict=names))
    answer = vector_answer(ne.evaluate("a*b + c*2 - sin(a)", local_dict=names))
    return {"seconds": seconds, "tool": f"numexpr {ne.__version__}", "answer": answer,
            "threads": ne.get_num_threads()}


def write_workload3_file(path, seed):
    """Workload 3's file: 10,000 x 10,000 standard normal f64 written 1,000 rows at a time
    through np.memmap, flushed, and moved into place only when complete."""
    if os.path.exists(path):
        return
    tmp = path + ".partial.npy"
    m = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float64, shape=(ROWS_800MB, COLS_800MB))
    rng = np.random.default_rng(seed)
    for r in range(0, ROWS_800MB, 1000):
        m[r:r + 1000] = rng.standard_normal((1000, COLS_800MB))
    m.flush()
    del m
    os.replace(tmp, path)


def prepare_mmap_mean(data):
    """Workload 3's file (seed 3) and its exactly rounded mean beside NumPy's."""
    path = os.path.join(data, "mmap_800mb.npy")
    exact_path = os.path.join(data, "mmap_800mb.exact.json")
    write_workload3_file(path, WORKLOAD3_SEED)
    if not os.path.exists(exact_path):
        m = np.load(path, mmap_mode="r")
        exact = float(exact_mean(m))
        with open(exact_path + ".partial", "w") as f:
            json.dump({"exact_mean": repr(exact), "numpy_mean": repr(float(m.mean()))}, f)
        os.replace(exact_path + ".partial", exact_path)


def run_mmap_mean(data):
    path = os.path.join(data, "mmap_800mb.npy")
    mean = float(np.load(path, mmap_mode="r").mean())
    return {"seconds": median_seconds(lambda: np.load(path, mmap_mode="r").mean(), warmup=1, reps=7),
            "tool": "NumPy " + np.__version__, "answer": {"mean": mean}, "threads": 1}


ROWS = {
    "mul": {"prepare": prepare_mul, "run": run_mul},
    "mul-into": {"prepare": prepare_mul, "run": run_mul_into},
    "compound": {"prepare": prepare_compound, "run": run_compound},
    "mmap-mean": {"prepare": prepare_mmap_mean, "run": run_mmap_mean},
}
