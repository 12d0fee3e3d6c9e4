"""Arrays: numexpr's ``evaluate`` on fastsci-array's fused evaluator, ``.npy`` files memory-mapped
and saved atomically, and exactly rounded, out-of-core reductions."""

from __future__ import annotations

import functools
import os
import sys
import types
from typing import Any, Mapping

import numpy as np

from . import _distributed, _fastsci

PathLike = str | os.PathLike


def _operand(name: str, value: Any) -> np.ndarray:
    a = np.asarray(value)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} has dtype {a.dtype}; only real numbers (bool, int, uint, float) are supported")
    if not (a.flags.c_contiguous or a.flags.f_contiguous):
        a = np.ascontiguousarray(a)
    return a


def _as_float(x: Any) -> Any:
    # A function NumPy lacks (erf, gamma, ...): a float result of the argument's float type.
    return np.sqrt(x)


def _nary(ufunc: Any) -> Any:
    # min(a, b, c) and max(...) of the expression language take two or more arguments.
    return lambda *xs: functools.reduce(ufunc, xs)


# The expression language's functions (fastsci-expr's names and aliases) as NumPy computes
# them, to find the result dtype NumPy (and numexpr) would give.
_NUMPY_FUNCTIONS: dict[str, Any] = {
    **{name: getattr(np, name) for name in (
        "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "power", "sin", "cos", "tan",
        "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
        "arctanh", "hypot", "floor", "ceil", "trunc", "fabs", "copysign", "fmod", "fmin", "fmax",
        "absolute", "isnan", "isinf", "isfinite", "where", "logical_not", "logical_and",
        "logical_or", "negative", "remainder", "mod",
    )},
    "pow": np.power, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "atan2": np.arctan2,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "abs": np.absolute,
    "min": _nary(np.minimum), "minimum": _nary(np.minimum),
    "max": _nary(np.maximum), "maximum": _nary(np.maximum),
    "erf": _as_float, "erfc": _as_float, "gamma": _as_float, "lgamma": _as_float, "digamma": _as_float,
}


class _Namespace(dict):
    """The expression's names for :func:`_result_dtype`: ``np.sin``, ``numpy.sin`` and
    ``math.sin`` all reach the table above."""

    def __missing__(self, name: str) -> Any:
        if name in ("np", "numpy", "math"):
            return types.SimpleNamespace(**_NUMPY_FUNCTIONS)
        if name in _NUMPY_FUNCTIONS:
            return _NUMPY_FUNCTIONS[name]
        raise KeyError(name)


def _result_dtype(ex: str, arrays: Mapping[str, np.ndarray], scalars: Mapping[str, Any]) -> np.dtype:
    """The dtype NumPy gives ``ex`` over operands of these dtypes (Python numbers weak, as
    NumPy 2 treats them): the expression run by NumPy on empty arrays, which costs
    microseconds whatever the operands' size. The expression has been parsed by fastsci's
    grammar first (names, numbers, operators and the functions above only)."""
    ns = _Namespace({name: np.empty((0,) * a.ndim, dtype=a.dtype) for name, a in arrays.items()})
    ns.update(scalars)
    with np.errstate(all="ignore"):
        try:
            r = eval(ex, {"__builtins__": {}}, ns)  # noqa: S307 - validated by fastsci's parser
        except Exception:  # noqa: BLE001 - a form NumPy spells differently: fastsci's float64
            return np.dtype(np.float64)
    return np.asarray(r).dtype


def evaluate(
    ex: str,
    local_dict: Mapping[str, Any] | None = None,
    global_dict: Mapping[str, Any] | None = None,
    out: np.ndarray | None = None,
    order: str = "K",
    casting: str = "safe",
    **kwargs: Any,
) -> np.ndarray:
    """Evaluates an array expression elementwise, fused and multi-threaded (numexpr's signature).

    Parameters
    ----------
    ex : str
        The expression, in Python syntax: ``"2*a + 3*b**2"``, ``"where(x > 0, sqrt(x), 0)"``,
        with NumPy's math functions (``sin``, ``exp``, ``log``, ``arctan2``, ...).
    local_dict, global_dict : mapping, optional
        Where names are looked up; by default the caller's locals, then its globals.
        Values are NumPy arrays, anything with ``__array__``, or numbers.
    out : ndarray, optional
        An array of the result's shape, written in place and returned; the result is cast
        to its dtype under ``casting``. A float64 C-contiguous one is written directly.
    order : str
        Accepted for numexpr compatibility; the result is in C order.
    casting : {"no", "equiv", "safe", "same_kind", "unsafe"}, default "safe"
        How the result may be cast into ``out`` (NumPy's rules).

    Returns
    -------
    ndarray or dask.array.Array
        The broadcast shape of the operands (scalars broadcast), in the dtype NumPy gives the
        expression (numexpr's too): float64 for float64 operands, int64 for ``a + b`` of int64
        arrays, bool for a comparison, float32 for float32 operands and Python numbers. The
        work is done in float64 by fastsci-array: integer results are exact while their
        magnitude stays below 2**53. When an operand is a ``dask.array``, a lazy
        ``dask.array`` whose blocks are each evaluated (fused) from the aligned operand
        blocks, wherever the blocks live.

    Raises
    ------
    KeyError
        A name of the expression found in neither dict.
    ValueError
        An expression that does not parse, or shapes that do not broadcast.
    """
    if kwargs:
        raise TypeError(f"evaluate() got unexpected keyword argument(s): {', '.join(kwargs)}")
    names = _fastsci.expression_names(ex)
    if local_dict is None or global_dict is None:
        frame = sys._getframe(1)
        try:
            if local_dict is None:
                local_dict = frame.f_locals
            if global_dict is None:
                global_dict = frame.f_globals
        finally:
            del frame
    values = {}
    for name in names:
        if name in local_dict:
            values[name] = local_dict[name]
        elif name in global_dict:
            values[name] = global_dict[name]
        else:
            raise KeyError(f"'{name}' of the expression {ex!r} is not defined")
    if any(_distributed.is_dask_array(v) for v in values.values()):
        if out is not None:
            raise ValueError("out= cannot be given with dask.array operands: the result is a lazy dask.array")
        return _distributed.evaluate_dask(ex, values)
    arrays = {name: _operand(repr(name), value) for name, value in values.items()}
    scalars = {name: value for name, value in values.items() if type(value) in (bool, int, float)}
    dtype = _result_dtype(ex, {n: a for n, a in arrays.items() if n not in scalars}, scalars)
    if dtype.kind not in "biuf":
        dtype = np.dtype(np.float64)
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out= must be a NumPy array, not {type(out).__name__}")
        if not np.can_cast(dtype, out.dtype, casting=casting):
            raise TypeError(f"cannot cast the result's {dtype} to out='s {out.dtype} with casting={casting!r}")
        if out.dtype == np.float64:
            return _fastsci.evaluate(ex, arrays, out)
        out[...] = _fastsci.evaluate(ex, arrays, None)
        return out
    result = _fastsci.evaluate(ex, arrays, None)
    # fastsci-array computes in float64; integer and bool results are exact as long as they
    # stay below 2**53 in magnitude, float32 ones are rounded once from float64.
    return result if dtype == np.float64 else result.astype(dtype)


def load(path: PathLike, mmap_mode: str | None = "r") -> np.ndarray:
    """Opens a ``.npy`` file as a NumPy array over a memory map (no copy; any size).

    Parameters
    ----------
    path : str or PathLike
    mmap_mode : {"r", "r+", "c", None}, default "r"
        As in ``np.load``: read-only, read-write, copy-on-write, or ``None`` to read into memory.

    Returns
    -------
    numpy.memmap or ndarray
    """
    descr, shape, fortran, offset = _fastsci.npy_header(os.fspath(path))
    dtype = np.dtype(descr)
    order = "F" if fortran else "C"
    if mmap_mode not in ("r", "r+", "c", None):
        raise ValueError(f"mmap_mode must be 'r', 'r+', 'c' or None, not {mmap_mode!r}")
    if int(np.prod(shape)) == 0:
        # NumPy cannot map zero bytes; an empty array is the same thing.
        return np.empty(tuple(shape), dtype=dtype, order=order)
    m = np.memmap(path, dtype=dtype, mode=mmap_mode or "r", offset=offset, shape=tuple(shape), order=order)
    return np.array(m, copy=True, order="K") if mmap_mode is None else m


def save(path: PathLike, array: Any) -> None:
    """Writes ``array`` to ``path`` as ``.npy`` (``.npy`` appended if missing, as ``np.save``),
    atomically: through a temporary file, synced and renamed, so ``path`` is never half-written."""
    p = os.fspath(path)
    if isinstance(p, str) and not p.endswith(".npy"):
        p += ".npy"
    a = np.asarray(array)
    if a.dtype.kind not in "biufc":
        raise TypeError(f"cannot save arrays of dtype {a.dtype}")
    if not (a.flags.c_contiguous or a.flags.f_contiguous):
        a = np.ascontiguousarray(a)
    _fastsci.save(p, a)


def _source(a: Any) -> Any:
    if isinstance(a, (str, os.PathLike)):
        return os.fspath(a)
    return _operand("the array", a)


def reduced_axes(axis: Any, ndim: int) -> tuple[int, ...] | None:
    """``axis`` (None, an int or a tuple of ints, negative counting from the end) as the sorted
    axes it names; ``None`` when it names them all (a reduction to one number)."""
    if axis is None:
        return None
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or isinstance(ax, bool):
            raise TypeError(f"axis must be None, an int or a tuple of ints, not {axis!r}")
        if not -ndim <= ax < ndim:
            raise np.exceptions.AxisError(int(ax), ndim)
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis!r}")
    return None if len(out) == ndim else tuple(sorted(out))


def rows_to_reduce(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``a`` as a 2-D array with one row per kept position (in C order of the kept axes) and
    the reduced elements along each row: a view when the reduced axes are the trailing ones of
    a C-ordered array, else a copy."""
    kept = [d for d in range(a.ndim) if d not in axes]
    rows = int(np.prod([a.shape[d] for d in kept], dtype=np.int64))
    along = int(np.prod([a.shape[d] for d in axes], dtype=np.int64))
    return np.transpose(a, kept + list(axes)).reshape(rows, along)


def _reduce(what: str, a: Any, axis: Any, ddof: float = 0.0) -> Any:
    if _distributed.is_dask_array(a):
        return _distributed.reduce_dask(what, a, axis, float(ddof))
    src = _source(a)
    shape = tuple(src.shape) if not isinstance(src, str) else tuple(_fastsci.npy_header(src)[1])
    axes = reduced_axes(axis, len(shape))
    if axes is None:
        axis = None
    elif not (len(shape) == 2 and len(axes) == 1):
        # Any axes of any rank: one row per kept position, reduced along the rows (fastsci-array
        # reduces along an axis of a 2-D array).
        arr = load(src) if isinstance(src, str) else src
        r = _reduce(what, rows_to_reduce(arr, axes), 1, ddof)
        return r.reshape([n for d, n in enumerate(shape) if d not in axes])
    else:
        axis = axes[0]
    r = _fastsci.reduce(src, what, float(ddof), axis)
    if what in ("min", "max") and not isinstance(src, str) and src.dtype.kind in "biu":
        # NumPy gives the array's own type for min/max of integers.
        return src.dtype.type(r) if axis is None else r.astype(src.dtype)
    return r


def mean(a: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """The mean of an array or of a ``.npy`` file (memory-mapped, read chunk by chunk),
    compensated: correctly rounded in practice, where NumPy's error grows with ``log2(n)``.
    ``axis`` is ``None``, an int or a tuple of ints of an array of any rank, as NumPy's
    (reducing trailing axes of a C-ordered array or a file reads it in place; other axes are
    gathered into a copy first). NaN if any value is NaN, as NumPy.

    For a ``dask.array`` (here and in :func:`sum`, :func:`var`, :func:`std`, :func:`min`,
    :func:`max`): a lazy tree reduction whose partials carry the double-double sums, so the
    result equals the single-machine one; ``.compute()`` it."""
    return _reduce("mean", a, axis)


def sum(a: Any, axis: int | tuple[int, ...] | None = None) -> Any:  # noqa: A001 - NumPy's name
    """The compensated sum of an array or ``.npy`` file (float64); see :func:`mean`."""
    return _reduce("sum", a, axis)


def var(a: Any, axis: int | tuple[int, ...] | None = None, ddof: float = 0) -> Any:
    """The variance (two-pass per block, merged exactly), ``ddof`` as NumPy."""
    return _reduce("var", a, axis, ddof)


def std(a: Any, axis: int | tuple[int, ...] | None = None, ddof: float = 0) -> Any:
    """The standard deviation, ``ddof`` as NumPy."""
    return _reduce("std", a, axis, ddof)


def min(a: Any, axis: int | tuple[int, ...] | None = None) -> Any:  # noqa: A001 - NumPy's name
    """The minimum (NaN if any value is NaN); ``ValueError`` for an empty array, as NumPy."""
    return _reduce("min", a, axis)


def max(a: Any, axis: int | tuple[int, ...] | None = None) -> Any:  # noqa: A001 - NumPy's name
    """The maximum (NaN if any value is NaN); ``ValueError`` for an empty array, as NumPy."""
    return _reduce("max", a, axis)


def stats(a: Any, ddof: float = 0, axis: int | None = None) -> dict:
    """Summary statistics of an array or ``.npy`` file in one pass over the data: the fields of
    ``fastsci stats --json`` (``count, nan_count, sum, mean, std, var, min, max, shape, dtype,
    ddof``, and ``file`` for a path); lists per row/column with ``axis``."""
    return _fastsci.stats(_source(a), float(ddof), axis)
