"""Drives bench/compare: runs each row's fastsci and Python sides, prints the table."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fmt_seconds(s):
    if s is None:
        return "-"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def median_run(results):
    """The run with the median time of several (the lower middle one for an even count)."""
    ordered = sorted(results, key=lambda r: r.get("seconds") or 0.0)
    return ordered[(len(ordered) - 1) // 2]


def mean_accuracy_summary(path):
    """One line from bench/mean-accuracy's record of several workload-3 files, if it exists."""
    if not os.path.exists(path):
        return "bench/mean-accuracy compares the means over more files"
    with open(path) as f:
        study = json.load(f)
    n = len(study["files"])
    rounded, worst = study["exactly_rounded"], study["worst_ulps"]
    return (f"over {n} workload-3 files (bench/mean-accuracy): exactly rounded mean fastsci "
            f"{rounded['fastsci']}/{n}, NumPy {rounded['numpy']}/{n}; worst {worst['fastsci']:.2f} vs "
            f"{worst['numpy']:.2f} ulp")


def main():
    bench_bin, data, results_path, *args = sys.argv[1:]
    # --rounds N: run the two sides N times, alternating, and keep each side's median run, so a
    # burst of load on this shared machine lands on both sides instead of one.
    rounds = 1
    names = []
    for a in args:
        if a.startswith("--rounds="):
            rounds = max(1, int(a.split("=", 1)[1]))
        else:
            names.append(a)
    listed = subprocess.run([bench_bin, "list"], check=True, stdout=subprocess.PIPE, text=True).stdout
    rows = [json.loads(line) for line in listed.splitlines() if line.strip()]
    if names:
        unknown = set(names) - {r["name"] for r in rows}
        if unknown:
            sys.exit(f"bench/compare: no row named {', '.join(sorted(unknown))}; rows: "
                     + ", ".join(r["name"] for r in rows))
        rows = [r for r in rows if r["name"] in names]
    py = [sys.executable, os.path.join(HERE, "run.py")]
    results = []
    bandwidth = None
    header = f"{'row':<22} {'anchor':<22} {'anchor time':>12} {'fastsci':>12} {'ratio':>8} {'speedup':>8}  target / notes"
    print(header)
    print("-" * len(header))
    for row in rows:
        name = row["name"]
        subprocess.run(py + ["prepare", name, data], check=True)
        pairs = [(run_json([bench_bin, "run", name, "--data", data]), run_json(py + ["run", name, data]))
                 for _ in range(rounds)]
        mine = median_run([m for m, _ in pairs])
        theirs = median_run([t for _, t in pairs])
        anchor_s = None if theirs.get("missing") else theirs.get("seconds")
        ratio = mine["seconds"] / anchor_s if anchor_s else None
        notes = [row["target"]]
        if rounds > 1 and anchor_s:
            each = sorted(m["seconds"] / t["seconds"] for m, t in pairs)
            notes.append(f"ratio over {rounds} rounds {each[0]:.3f}-{each[-1]:.3f}")
        if "gb_per_s" in mine:
            notes.append(f"{mine['gb_per_s']:.1f} GB/s")
            if name == "bandwidth-all":
                bandwidth = mine["gb_per_s"]
        if "bytes" in mine:
            gbs = mine["bytes"] / mine["seconds"] / 1e9
            mine["gb_per_s"] = gbs
            if "reference_gb_per_s" in mine:
                # Measured beside the row's own kernel, on the same arrays in the same loop.
                ref = mine["reference_gb_per_s"]
                notes.append(f"{gbs:.1f} GB/s = {100 * gbs / ref:.0f}% of the {ref:.1f} GB/s STREAM kernel "
                             "run alternately with it")
                if "fresh_reference_gb_per_s" in mine:
                    fresh = mine["fresh_reference_gb_per_s"]
                    notes.append(f"{100 * gbs / fresh:.0f}% of the same kernel writing into a new array "
                                 f"({fresh:.1f} GB/s)")
            else:
                notes.append(f"{gbs:.1f} GB/s" + (f" = {100 * gbs / bandwidth:.0f}% of measured" if bandwidth else ""))
        if isinstance(mine.get("stages"), dict) and isinstance(theirs.get("stages"), dict):
            for stage, seconds in mine["stages"].items():
                if theirs["stages"].get(stage):
                    notes.append(f"{stage} {theirs['stages'][stage] / seconds:.1f}x")
        for key in ("note",):
            if key in mine:
                notes.append(str(mine[key]))
        if name == "mmap-mean":
            notes.append(mean_accuracy_summary(os.path.join(os.path.dirname(results_path), "mean_accuracy.json")))
        anchor = theirs.get("tool", row["anchor"]) if anchor_s else row["anchor"]
        print(f"{name:<22} {anchor:<22} {fmt_seconds(anchor_s):>12} {fmt_seconds(mine['seconds']):>12} "
              f"{(f'{ratio:.3f}' if ratio else '-'):>8} {(f'{1 / ratio:.1f}x' if ratio else '-'):>8}  "
              + "; ".join(notes), flush=True)
        results.append({"row": name, "what": row["what"], "anchor": anchor, "anchor_seconds": anchor_s,
                        "fastsci_seconds": mine["seconds"], "ratio": ratio, "target": row["target"],
                        "fastsci": mine, "python": theirs})
    tmp = results_path + ".partial"
    with open(tmp, "w") as f:
        json.dump({"rows": results}, f, indent=2)
    os.replace(tmp, results_path)
    print(f"\nratio = fastsci time / anchor time (lower is better); each side's median of {rounds} "
          f"alternating round(s); written to {results_path}")


if __name__ == "__main__":
    main()
