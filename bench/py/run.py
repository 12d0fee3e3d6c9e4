"""Python side of bench/compare.

    python run.py prepare NAME DATA_DIR   write the row's shared inputs into DATA_DIR
    python run.py run NAME DATA_DIR       time the anchor tool; print one JSON object

Rows are registered by the modules rows_*.py beside this file, each with a dict ROWS of
name -> {"prepare": fn(data) (optional), "run": fn(data) -> dict with "seconds"}.
"""

import glob
import importlib
import json
import os
import sys

# NumPy's BLAS on one thread, as the rows state (the anchors that are multi-threaded, numexpr,
# MKL PARDISO and the process pools, set their own counts): OpenBLAS threads spinning beside
# a busy machine made SciPy's cg 40x slower than one thread does.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def all_rows():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    rows = {}
    for path in sorted(glob.glob(os.path.join(here, "rows_*.py"))):
        module = importlib.import_module(os.path.basename(path)[:-3])
        rows.update(module.ROWS)
    return rows


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("prepare", "run"):
        sys.exit("usage: run.py prepare|run NAME DATA_DIR")
    action, name, data = sys.argv[1:]
    rows = all_rows()
    if name not in rows:
        if action == "run":
            print(json.dumps({"missing": True}))
        return
    row = rows[name]
    if action == "prepare":
        if "prepare" in row:
            row["prepare"](data)
        return
    print(json.dumps(row["run"](data)))


if __name__ == "__main__":
    main()
