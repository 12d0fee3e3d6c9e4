"""Drives bench/compare: runs each row's fastsci and Python sides, prints the table.

Every row with an anchor checks that both sides computed the same answer under the tolerance
stated in CHECKS below (printed in the row); a row that fails says MISMATCH and the run exits 1.
"""

import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


# What each row's two answers must agree on, key by key: (kind, tolerance).
#   close: |a - b| <= tol * (1 + |b|), elementwise for lists (and for a vector answer's samples)
#   rel:   |a - b| <= tol * |b|
#   eq:    equal
#   pi:    Monte Carlo estimates of pi from n samples: each within tol standard deviations of pi,
#          and the two within tol * sqrt(2) deviations of each other
#   below: both sides' values <= tol
# A vector answer (samples, sumsq, len) gets its own entry: ("vector", sample_tol, sumsq_rel).
# The tolerances say why they are what they are.
EXACT_VECTOR = ("vector", 1e-15, 1e-12)  # the same rounded operations: exact up to summation order
CHECKS = {
    "mul": {"": EXACT_VECTOR},
    "mul-into": {"": EXACT_VECTOR},
    # sin differs by an ulp between libm's and fastsci's
    "compound": {"": ("vector", 1e-14, 1e-12)},
    # the mean of 1e8 N(0,1): the two summation orders differ far below 1e-14
    "mmap-mean": {"mean": ("close", 1e-14)},
    "jit_compile_pi": {"pi": ("pi", 6.0), "samples": ("eq", 0)},
    "jit_pi_1e8": {"pi": ("pi", 6.0), "samples": ("eq", 0)},
    "jit_pi_xoshiro": {"pi": ("pi", 6.0), "samples": ("eq", 0)},
    "jit_stencil_1e7": {"": EXACT_VECTOR},
    "jit_stencil_boundscheck": {"": EXACT_VECTOR},
    "par-workload4": {"sum": ("rel", 1e-13), "tasks": ("eq", 0)},
    "par-overhead": {"sum": ("eq", 0), "tasks": ("eq", 0)},
    # a row's 5 products summed in another order: an ulp
    "spmv-lap2d": {"": ("vector", 1e-14, 1e-12)},
    # both stop at ||r|| <= 1e-8 ||b||, so x agrees to about cond(A) * 1e-8 = 4e4 * 1e-8
    "cg-lap2d": {"x": ("vector", 1e-3, 1e-3), "iterations": ("close", 0.01), "relres": ("below", 1e-8)},
    # direct solves: each within a small multiple of cond(A) * eps = 4e4 * 2.2e-16 of the truth
    "spsolve-lap2d": {"x": ("vector", 1e-9, 1e-9)},
    "spsolve-pardiso": {"x": ("vector", 1e-9, 1e-9)},
    "spsolve-cholesky": {"x": ("vector", 1e-9, 1e-9)},
    # the same QUADPACK algorithm: the same 63 points, the same sums up to rounding
    "quad-ref": {"value": ("rel", 1e-14), "abserr": ("rel", 1e-6), "neval": ("eq", 0)},
    "quad-lowlevel": {"value": ("rel", 1e-14), "abserr": ("rel", 1e-6), "neval": ("eq", 0)},
    "quad-cli": {"value": ("rel", 1e-14)},
    # the same algorithms step for step: the same counts, the same point up to rounding
    "rosen-nelder-mead": {"x": ("close", 1e-10), "fun": ("close", 1e-12), "nfev": ("eq", 0), "nit": ("eq", 0),
                          "success": ("eq", 0)},
    "rosen-bfgs": {"x": ("close", 1e-10), "fun": ("close", 1e-12), "nfev": ("eq", 0), "njev": ("eq", 0),
                   "nit": ("eq", 0), "success": ("eq", 0)},
    "rosen-bfgs-numba": {"x": ("close", 1e-10), "fun": ("close", 1e-12), "nfev": ("eq", 0), "njev": ("eq", 0),
                         "nit": ("eq", 0), "success": ("eq", 0)},
    # 5,776 evaluations in 1000 dimensions: rounding differences between the two codes (and
    # between NumPy's vectorized rosen and a Numba loop) move the stopping point by a few
    # evaluations (5776 vs 5778 and 5758 in the first checked run), and the stopping test
    # (relative reduction of f below 1e7 eps at f ~ 1e-10) pins x only to about 1e-5, so:
    # x to 1e-4, f to 1e-9, evaluations to 1%
    "rosen1000-lbfgsb": {"x": ("close", 1e-4), "fun": ("close", 1e-9), "nfev": ("rel", 1e-2), "success": ("eq", 0)},
    "rosen1000-lbfgsb-numba": {"x": ("close", 1e-4), "fun": ("close", 1e-9), "nfev": ("rel", 1e-2),
                               "success": ("eq", 0)},
    # two implementations of the heat model (fastsci's and the job's SciPy one) fitted by LM
    # to the same data: the same minimum to the fit's tolerance
    "pipeline": {"params": ("close", 1e-6), "stderr": ("rel", 1e-3)},
    # AMG-CG and the anchors each stop at ||r|| <= 1e-8 ||b||: x agrees to about
    # cond(A) * 1e-8 relative (cond = 4e5 for the 2-D grid, 4e3 for the 3-D one)
    "amg-poisson2d": {"x": ("vector", 1e-2, 1e-2), "relres": ("below", 1e-8)},
    "amg-poisson2d-cg": {"x": ("vector", 1e-2, 1e-2), "relres": ("below", 1e-8)},
    "amg-poisson3d": {"x": ("vector", 1e-4, 1e-4), "relres": ("below", 1e-8)},
    "amg-poisson3d-cg": {"x": ("vector", 1e-4, 1e-4), "relres": ("below", 1e-8)},
}

# Rows whose anchor runs on one thread: fastsci is timed on one thread beside it as well.
SINGLE_THREADED_ANCHORS = {"mul", "mul-into", "mmap-mean", "spmv-lap2d", "cg-lap2d", "spsolve-lap2d",
                           "spsolve-cholesky", "amg-poisson2d", "amg-poisson3d"}


def _numbers(v):
    return v if isinstance(v, list) else [v]


def check_answers(name, mine, theirs):
    """The list of disagreements between the two sides' answers (empty when they agree), and a
    short statement of the tolerances checked."""
    rules = CHECKS.get(name)
    if rules is None:
        return [], "no answer to compare"
    a, b = mine.get("answer"), theirs.get("answer")
    if a is None or b is None:
        return ["a side returned no answer"], ""
    problems, stated = [], []
    for key, (kind, *tol) in rules.items():
        x, y = (a, b) if key == "" else (a.get(key), b.get(key))
        label = key or "result"
        if x is None or y is None:
            problems.append(f"{label}: missing")
            continue
        if kind == "vector":
            sample_tol, sumsq_tol = tol
            stated.append(f"{label} entries {sample_tol:g}, sum of squares {sumsq_tol:g} rel")
            if x["len"] != y["len"]:
                problems.append(f"{label}: length {x['len']} vs {y['len']}")
            for i, (p, q) in enumerate(zip(x["samples"], y["samples"])):
                if not abs(p - q) <= sample_tol * (1 + abs(q)):
                    problems.append(f"{label}[sample {i}]: {p!r} vs {q!r}")
            if not abs(x["sumsq"] - y["sumsq"]) <= sumsq_tol * abs(y["sumsq"]):
                problems.append(f"{label} sum of squares: {x['sumsq']!r} vs {y['sumsq']!r}")
            continue
        (t,) = tol
        if kind == "eq":
            stated.append(f"{label} equal")
            if x != y:
                problems.append(f"{label}: {x} vs {y}")
        elif kind == "below":
            stated.append(f"{label} <= {t:g} both")
            if not (x <= t and y <= t):
                problems.append(f"{label}: {x:.3g} and {y:.3g}, not both <= {t:g}")
        elif kind == "pi":
            n = a.get("samples", 1)
            sigma = 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / n)
            stated.append(f"pi within {t:g} sd ({t * sigma:.1e}) each")
            if not (abs(x - math.pi) <= t * sigma and abs(y - math.pi) <= t * sigma
                    and abs(x - y) <= t * math.sqrt(2) * sigma):
                problems.append(f"pi: {x} vs {y} (sd {sigma:.2e})")
        else:
            stated.append(f"{label} {t:g} {'rel' if kind == 'rel' else ''}".rstrip())
            xs, ys = _numbers(x), _numbers(y)
            if len(xs) != len(ys):
                problems.append(f"{label}: length {len(xs)} vs {len(ys)}")
                continue
            for p, q in zip(xs, ys):
                scale = abs(q) if kind == "rel" else 1 + abs(q)
                if not abs(p - q) <= t * scale:
                    problems.append(f"{label}: {p!r} vs {q!r}")
                    break
    return problems, "checked: " + ", ".join(stated)


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
    mismatches = []
    bandwidth = None
    one_thread = dict(os.environ, RAYON_NUM_THREADS="1")
    header = (f"{'row':<24} {'anchor':<36} {'thr':>5} {'anchor time':>12} {'fastsci':>12} {'ratio':>8} "
              f"{'speedup':>8}  target / notes")
    print(header)
    print("-" * len(header))
    for row in rows:
        name = row["name"]
        subprocess.run(py + ["prepare", name, data], check=True)
        single = name in SINGLE_THREADED_ANCHORS
        triples = []
        for _ in range(rounds):
            m = run_json([bench_bin, "run", name, "--data", data])
            t = run_json(py + ["run", name, data])
            m1 = run_json([bench_bin, "run", name, "--data", data], env=one_thread) if single else None
            triples.append((m, t, m1))
        pairs = [(m, t) for m, t, _ in triples]
        mine = median_run([m for m, _ in pairs])
        theirs = median_run([t for _, t in pairs])
        anchor_s = None if theirs.get("missing") else theirs.get("seconds")
        ratio = mine["seconds"] / anchor_s if anchor_s else None
        notes = [row["target"]]
        problems, stated = check_answers(name, mine, theirs) if anchor_s else ([], "")
        if problems:
            mismatches.append(name)
            notes.insert(0, "MISMATCH: " + "; ".join(problems[:4]))
        elif stated:
            notes.append(stated)
        if rounds > 1 and anchor_s:
            each = sorted(m["seconds"] / t["seconds"] for m, t in pairs)
            notes.append(f"ratio over {rounds} rounds {each[0]:.3f}-{each[-1]:.3f}")
        one = None
        if single and anchor_s:
            one = median_run([m1 for _, _, m1 in triples])
            each1 = sorted(m1["seconds"] / t["seconds"] for _, t, m1 in triples)
            notes.append(f"fastsci on 1 thread: {fmt_seconds(one['seconds'])}, ratio {one['seconds'] / anchor_s:.3f}"
                         + (f" ({each1[0]:.3f}-{each1[-1]:.3f})" if rounds > 1 else ""))
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
        threads = f"{mine.get('threads', '?')}/{theirs.get('threads', '?')}" if anchor_s else "-"
        print(f"{name:<24} {anchor:<36} {threads:>5} {fmt_seconds(anchor_s):>12} {fmt_seconds(mine['seconds']):>12} "
              f"{(f'{ratio:.3f}' if ratio else '-'):>8} {(f'{1 / ratio:.1f}x' if ratio else '-'):>8}  "
              + "; ".join(notes), flush=True)
        results.append({"row": name, "what": row["what"], "anchor": anchor, "anchor_seconds": anchor_s,
                        "fastsci_seconds": mine["seconds"], "ratio": ratio, "target": row["target"],
                        "mismatch": problems, "fastsci": mine, "python": theirs,
                        "ratios": [m["seconds"] / t["seconds"] for m, t in pairs] if anchor_s else [],
                        "fastsci_one_thread": one})
    tmp = results_path + ".partial"
    with open(tmp, "w") as f:
        json.dump({"rows": results}, f, indent=2)
    os.replace(tmp, results_path)
    print(f"\nratio = fastsci time / anchor time (lower is better); each side's median of {rounds} "
          f"alternating round(s); thr = threads fastsci/anchor; written to {results_path}")
    if mismatches:
        print(f"MISMATCH in {len(mismatches)} row(s): {', '.join(mismatches)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
