"""Python side of the fastsci-array rows."""

import numpy as np

from common import median_seconds, normal_array


def prepare_mul(data):
    normal_array(data, "normal_a_10m.npy", 10_000_000, 1)
    normal_array(data, "normal_b_10m.npy", 10_000_000, 2)


def run_mul(data):
    a = np.load(f"{data}/normal_a_10m.npy")
    b = np.load(f"{data}/normal_b_10m.npy")
    return {"seconds": median_seconds(lambda: a * b), "tool": "NumPy " + np.__version__}


ROWS = {"mul": {"prepare": prepare_mul, "run": run_mul}}
