"""Run the differential corpus kernels under CPython and print expected results as JSON.

    python3 run_cpython.py FILE.py

Each `# call: EXPR` line in FILE.py is evaluated after exec-ing the file; one JSON object per
call is printed: {"call": EXPR, "args": [...], "result": ...} or {"call": ..., "error": "Type"}.
Values: ints and bools as JSON, floats as {"f": repr}, tuples {"tuple": [...]}, arrays
{"array": nested lists, "dtype": name}, None as null.

Works without NumPy: a small pure-Python stand-in (`_npshim.py`) provides the array
constructors the corpus uses, so CI needs only python3.
"""

import ast
import json
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
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return {"f": repr(v)}
    if isinstance(v, tuple):
        return {"tuple": [enc(x) for x in v]}
    if v is None:
        return None
    if hasattr(v, "tolist") and hasattr(v, "dtype"):
        return {"array": v.tolist(), "dtype": str(v.dtype)}
    # NumPy scalars
    if hasattr(v, "item"):
        return enc(v.item())
    raise TypeError(f"cannot encode {type(v)}")


def array(values, dtype="float64"):
    return np.array(values, dtype=dtype)


def main(path):
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
        print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
