"""Python side of the end-to-end pipeline row: the whole job of reference workload 8 written
with NumPy, np.memmap, Numba, ProcessPoolExecutor, scipy.sparse and scipy.optimize
(pipeline_job.py), on the dataset fastsci generated for both sides."""

import os
import subprocess

import pipeline_job

HERE = os.path.dirname(os.path.abspath(__file__))
FASTSCI = os.path.join(HERE, "..", "..", "target", "release", "fastsci")
DATASET = "rod-seed1-2000x8192x16.npy"


def prepare(data):
    path = os.path.join(data, DATASET)
    if not os.path.exists(path):
        subprocess.run([FASTSCI, "pipeline", "--generate", path, "--seed", "1"], check=True)


def run(data):
    return pipeline_job.run(os.path.join(data, DATASET), 2000, os.cpu_count())


ROWS = {"pipeline": {"prepare": prepare, "run": run}}
