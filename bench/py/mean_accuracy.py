"""How close the means of workload-3 files come to the exact mean: NumPy against fastsci.

Usage: mean_accuracy.py FASTSCI_BIN DATA_DIR OUT_JSON [SEED ...]

For each seed, a workload-3 file (10,000 x 10,000 standard normal f64, written 1,000 rows at a
time) is made exactly as bench/compare's mmap-mean row makes its seed-3 file. Its exact mean
comes from integer arithmetic (exact.py), and math.fsum checks the exact sum. NumPy's mean is
`np.load(path, mmap_mode="r").mean()`; fastsci's is `fastsci stats FILE --json`. Each error is
given in units in the last place of the exactly rounded mean. Files other than the seed-3 one
are deleted after use (800 MB each).
"""

import json
import os
import subprocess
import sys

import numpy as np

from exact import exact_sum, fsum, ulps_from
from rows_array import WORKLOAD3_SEED, write_workload3_file


def study(fastsci, data, seed):
    kept = seed == WORKLOAD3_SEED
    path = os.path.join(data, "mmap_800mb.npy" if kept else f"mean_accuracy_seed{seed}.npy")
    write_workload3_file(path, seed)
    try:
        mapped = np.load(path, mmap_mode="r")
        total = exact_sum(mapped)
        if float(total) != fsum(mapped):
            raise SystemExit(f"seed {seed}: the integer exact sum disagrees with math.fsum")
        exact = total / mapped.size
        numpy_mean = float(mapped.mean())
        stats = subprocess.run([fastsci, "stats", path, "--json"], check=True, capture_output=True, text=True)
        fastsci_mean = float(json.loads(stats.stdout)["mean"])
    finally:
        if not kept and os.path.exists(path):
            os.remove(path)
    return {
        "seed": seed,
        "exact_mean": repr(float(exact)),
        "numpy_mean": repr(numpy_mean),
        "fastsci_mean": repr(fastsci_mean),
        "numpy_ulps": ulps_from(numpy_mean, exact),
        "fastsci_ulps": ulps_from(fastsci_mean, exact),
    }


def main():
    fastsci, data, out = sys.argv[1:4]
    seeds = [int(s) for s in sys.argv[4:]] or list(range(1, 11))
    results = []
    print(f"{'seed':>4}  {'exact mean (rounded)':>24}  {'NumPy ulps':>10}  {'fastsci ulps':>12}")
    for seed in seeds:
        r = study(fastsci, data, seed)
        results.append(r)
        print(f"{seed:>4}  {r['exact_mean']:>24}  {r['numpy_ulps']:>10.3f}  {r['fastsci_ulps']:>12.3f}", flush=True)
    rounded = {side: sum(r[f"{side}_ulps"] <= 0.5 for r in results) for side in ("numpy", "fastsci")}
    worst = {side: max(r[f"{side}_ulps"] for r in results) for side in ("numpy", "fastsci")}
    closer = sum(r["fastsci_ulps"] < r["numpy_ulps"] for r in results)
    farther = sum(r["fastsci_ulps"] > r["numpy_ulps"] for r in results)
    print(f"exactly rounded: NumPy {rounded['numpy']}/{len(results)}, fastsci {rounded['fastsci']}/{len(results)}; "
          f"worst: NumPy {worst['numpy']:.3f} ulp, fastsci {worst['fastsci']:.3f} ulp; "
          f"fastsci closer on {closer}, farther on {farther}, equal on {len(results) - closer - farther}")
    with open(out + ".partial", "w") as f:
        json.dump({"files": results, "exactly_rounded": rounded, "worst_ulps": worst}, f, indent=1)
    os.replace(out + ".partial", out)


if __name__ == "__main__":
    main()
