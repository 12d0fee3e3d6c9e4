"""fastsci: Numba's ``@jit``, numexpr's ``evaluate``, memory-mapped reductions and a parallel
map, on one Rust core.

Change one import line::

    from fastsci import jit            # was: from numba import jit
    from fastsci import evaluate       # was: from numexpr import evaluate

- :func:`jit` / :func:`njit`: kernels compiled by fastsci-jit (Cranelift) per argument
  signature in milliseconds, called with the GIL released, arrays borrowed zero-copy;
  :func:`prange` loops on all cores under ``jit(parallel=True)``, without races and with
  reductions that do not depend on the number of threads; :func:`vectorize`: scalar
  functions as ufuncs (broadcasting, ``out=``, all cores for large arrays).
- :func:`evaluate`: fused, multi-threaded elementwise expressions.
- :func:`load` / :func:`save`: ``.npy`` files memory-mapped / written atomically;
  :func:`mean`, :func:`sum`, :func:`std`, :func:`var`, :func:`min`, :func:`max`,
  :func:`stats` over arrays or files of any size, exactly rounded sums.
- :func:`map` / :func:`starmap` / :func:`sweep`: ordered parallel maps and resumable sweeps,
  on all cores or (``client=``) on a Dask cluster; :func:`load_files`: many ``.npy`` files as
  one ``dask.array``, which :func:`evaluate` and the reductions take too.
- :mod:`fastsci.integrate`, :mod:`fastsci.optimize`, :mod:`fastsci.sparse`: SciPy's names,
  arguments and results, with jitted kernels and formulas run without the GIL.
"""

from ._fastsci import CompileError, __version__
from ._jit import Dispatcher, jit, njit, prange
from ._vectorize import GUVectorized, Vectorized, guvectorize, vectorize
from ._arrays import evaluate, load, max, mean, min, save, stats, std, sum, var
from ._par import map, starmap, sweep
from ._distributed import load_files
from . import integrate, optimize, sparse

__all__ = [
    "CompileError",
    "Dispatcher",
    "__version__",
    "evaluate",
    "integrate",
    "jit",
    "load",
    "load_files",
    "map",
    "max",
    "mean",
    "min",
    "njit",
    "optimize",
    "prange",
    "save",
    "sparse",
    "starmap",
    "stats",
    "std",
    "sum",
    "sweep",
    "var",
    "vectorize",
    "Vectorized",
    "guvectorize",
    "GUVectorized",
]
