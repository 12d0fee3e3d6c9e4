"""Run the differential corpus kernels under CPython and print expected results as JSON.

    python3 run_cpython.py FILE.py          # print one file's results
    python3 run_cpython.py --write [FILES]  # regenerate the fixtures expected/NAME.jsonl

The Rust test (tests/all/corpus.rs) compares fastsci-jit with the fixtures, so it runs
without Python. Regenerate them with CPython and real NumPy (bench/venv.sh makes such an
environment: `$(bench/venv.sh) crates/fastsci-jit/tests/corpus/run_cpython.py --write`)
whenever a corpus file changes: the first fixture line holds the FNV-1a hash of the source
it was made from, and the test fails when the source no longer matches.

Each `# call: EXPR` line in FILE.py is evaluated after exec-ing the file; one JSON object per
call is printed: {"call": EXPR, "args": [...], "result": ...} or {"call": ..., "error": "Type"}.
Values: ints and bools as JSON, floats as {"f": repr}, tuples {"tuple": [...]}, arrays
{"array": nested lists, "dtype": name}, None as null.

Works without NumPy: a small pure-Python stand-in (`_npshim.py`) provides the array
constructors the corpus uses, so CI needs only python3.
"""

import ast
import json
import math
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
try:
    import numpy as np  # noqa: F401
    HAVE_NUMPY = os.environ.get("FASTSCI_CORPUS_SHIM") is None
except ImportError:
    HAVE_NUMPY = False
if not HAVE_NUMPY:
    import _npshim

    sys.modules["numpy"] = _npshim
    np = _npshim


def enc(v):
    if isinstance(v, getattr(np, "generic", ())):  # NumPy scalars: int64(3), float32(2.0), ...
        return enc(v.item())
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return {"f": repr(float(v))}  # np.float64 is a float whose repr names the type
    if isinstance(v, tuple):
        return {"tuple": [enc(x) for x in v]}
    if v is None:
        return None
    if hasattr(v, "tolist") and hasattr(v, "dtype"):
        return {"array": nonfinite(v.tolist()), "dtype": str(v.dtype)}
    # NumPy scalars
    if hasattr(v, "item"):
        return enc(v.item())
    raise TypeError(f"cannot encode {type(v)}")


def nonfinite(x):
    """Array elements for JSON: NaN and infinities (which JSON numbers cannot be) as {"f": repr}."""
    if isinstance(x, list):
        return [nonfinite(y) for y in x]
    if isinstance(x, float) and not math.isfinite(x):
        return {"f": repr(x)}
    return x


def array(values, dtype="float64"):
    return np.array(values, dtype=dtype)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def results(path):
    src = open(path).read()
    ns = {}
    exec(compile(src, path, "exec"), ns)
    ns["array"] = array
    for line in src.splitlines():
        if not line.startswith("# call:"):
            continue
        call = line[len("# call:"):].strip()
        tree = ast.parse(call, mode="eval").body
        args = [eval(compile(ast.Expression(a), "<arg>", "eval"), ns) for a in tree.args]
        out = {"call": call, "func": tree.func.id, "args": [enc(a) for a in args]}
        try:
            out["result"] = enc(ns[tree.func.id](*args))
        except Exception as e:  # the compiled kernel must raise the same kind
            out["error"] = type(e).__name__
        yield out


def corpus_files():
    names = sorted(os.listdir(here))
    return [os.path.join(here, n) for n in names if n.endswith(".py") and not n.startswith("_") and n != "run_cpython.py"]


def write(paths):
    if not HAVE_NUMPY:
        sys.exit("--write needs real NumPy (the fixtures are NumPy's results); use bench/venv.sh's python")
    import platform

    os.makedirs(os.path.join(here, "expected"), exist_ok=True)
    for path in paths or corpus_files():
        name = os.path.basename(path)[: -len(".py")]
        header = {
            "source_fnv1a64": fnv1a64(open(path, "rb").read()),
            "python": platform.python_version(),
            "numpy": np.__version__,
        }
        lines = [json.dumps(header)] + [json.dumps(r) for r in results(path)]
        with open(os.path.join(here, "expected", name + ".jsonl"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{name}: {len(lines) - 1} calls")


if __name__ == "__main__":
    if sys.argv[1] == "--write":
        write(sys.argv[2:])
    else:
        for r in results(sys.argv[1]):
            print(json.dumps(r))
