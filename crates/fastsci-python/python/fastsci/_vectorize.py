"""``fastsci.vectorize``: Numba's ``@vectorize``, a scalar kernel made a NumPy-style ufunc.

The elementwise loop is a kernel generated next to the user's function and compiled by
fastsci-jit like any other, one specialization per combination of dtypes; its outer loop is a
``prange`` (blocks on all cores) for large outputs. Broadcasting is NumPy's
(``np.broadcast_to`` views: stride 0, no copy), and the output is written in place.
"""

from __future__ import annotations

import functools
import types
from typing import Any, Callable

import numpy as np

from . import _fastsci
from ._fastsci import CompileError
from ._jit import Dispatcher, _collect

# Outputs of at least this many elements run on all cores (as fastsci-jit's Module::vectorize).
_PARALLEL_MIN_ELEMENTS = 1 << 15

_SCALAR_NAMES = {"f": "float64", "i": "int64", "u": "int64", "b": "bool"}


def _loop_name(ndim: int, parallel: bool) -> str:
    return f"__fastsci_vectorized_{ndim}{'_parallel' if parallel else ''}"


def _loop_source(name: str, nargs: int, ndim: int, parallel: bool) -> str:
    args = [f"a{j}" for j in range(nargs)]
    idx = ", ".join(f"i{i}" for i in range(ndim))
    lines = [f"def {_loop_name(ndim, parallel)}(out, {', '.join(args)}):"]
    for i in range(ndim):
        loop = "prange" if i == 0 and parallel else "range"
        lines.append(f"{'    ' * (i + 1)}for i{i} in {loop}(out.shape[{i}]):")
    call = ", ".join(f"{a}[{idx}]" for a in args)
    lines.append(f"{'    ' * (ndim + 1)}out[{idx}] = {name}({call})")
    return "\n".join(lines) + "\n"


class Vectorized:
    """A scalar function applied elementwise to broadcast arrays; made by :func:`vectorize`.

    Call it with numbers and arrays (and ``out=``); it returns a new array of the broadcast
    shape, or a number when every argument is a number.
    """

    def __init__(self, py_func: Callable[..., Any], parallel: bool):
        self.py_func = py_func
        self.parallel = parallel
        self.scalar = Dispatcher(py_func, boundscheck=True)
        self.nargs = py_func.__code__.co_argcount
        self._loops: dict[tuple[int, bool], _fastsci.Kernel] = {}
        self._dtypes: dict[tuple[str, ...], np.dtype] = {}
        functools.update_wrapper(self, py_func)

    def __repr__(self) -> str:
        return f"<fastsci.vectorize ufunc {self.__qualname__}>"

    def _loop(self, ndim: int, parallel: bool) -> _fastsci.Kernel:
        key = (ndim, parallel)
        if key not in self._loops:
            text = _loop_source(self.py_func.__name__, self.nargs, ndim, parallel)

            def collect():
                parts, globals_ = _collect(self.py_func)
                return parts + [(text, "<vectorize>", 1)], globals_

            self._loops[key] = _fastsci.Kernel(_loop_name(ndim, parallel), collect, True, True)
        return self._loops[key]

    def _result_dtype(self, arrays: list[np.ndarray]) -> np.dtype:
        kinds = tuple(_SCALAR_NAMES.get(a.dtype.kind, a.dtype.name) for a in arrays)
        if kinds not in self._dtypes:
            samples = [{"float64": 0.0, "int64": 0, "bool": False}.get(k) for k in kinds]
            if any(s is None for s in samples):
                bad = next(a.dtype for a, s in zip(arrays, samples) if s is None)
                raise TypeError(f"{self.__name__}: unsupported dtype {bad}")
            self.scalar.compile_for(*samples)
            prefix = "(" + ", ".join(kinds) + ")"
            sig = next(s for s in self.scalar.signatures if s.startswith(prefix))
            result = sig.rsplit("->", 1)[1].strip()
            if result not in ("float64", "int64", "bool"):
                raise TypeError(f"{self.__name__} returns {result}; a vectorized function must return a number")
            self._dtypes[kinds] = np.dtype(result)
        return self._dtypes[kinds]

    def __call__(self, *args: Any, out: np.ndarray | None = None) -> Any:
        if len(args) != self.nargs:
            raise TypeError(f"{self.__name__}() takes {self.nargs} argument(s), {len(args)} given")
        arrays = [np.asarray(a) for a in args]
        if out is None and all(a.ndim == 0 for a in arrays):
            return self.scalar(*args)
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        if out is None:
            out = np.empty(shape, self._result_dtype(arrays))
        elif not isinstance(out, np.ndarray):
            raise TypeError("out= must be a NumPy array")
        elif np.broadcast_shapes(out.shape, shape) != out.shape:
            raise ValueError(f"out= has shape {out.shape}; the arguments broadcast to {shape}")
        target = out.reshape(1) if out.ndim == 0 else out
        views = [np.broadcast_to(a, target.shape) for a in arrays]
        parallel = self.parallel and target.size >= _PARALLEL_MIN_ELEMENTS
        self._loop(target.ndim, parallel)(target, *views)
        return out


def vectorize(signatures: Any = None, *, target: str = "cpu", **options: Any):
    """Makes a scalar function an elementwise function over arrays, like ``numba.vectorize``.

    Parameters
    ----------
    signatures : list of str or function, optional
        Numba-style signatures (``["float64(float64, float64)"]``) are accepted and ignored:
        a loop is compiled for each combination of dtypes on first use.
    target : {"cpu", "parallel"}, default "cpu"
        ``"parallel"`` runs outputs of 32,768 elements or more on all cores (the results are
        the same either way).
    **options
        Numba's ``nopython``, ``cache``, ``fastmath``, ... are accepted and have no effect.

    Returns
    -------
    Vectorized
        The elementwise function (or a decorator that makes one). It broadcasts its arguments
        as NumPy does, takes ``out=``, and returns float64, int64 or bool arrays as the
        scalar function returns floats, ints or bools.

    Raises
    ------
    CompileError
        On first call, for a function outside the supported subset.
    ValueError
        Shapes that do not broadcast.

    Examples
    --------
    In a file::

        import numpy as np, fastsci

        @fastsci.vectorize(target="parallel")
        def rel_diff(a, b):
            return abs(a - b) / max(abs(a), abs(b), 1e-300)

        rel_diff(np.array([1.0, 2.0]), 2.0)     # array([0.5, 0. ])
    """
    if target not in ("cpu", "parallel"):
        raise ValueError(f"vectorize: target must be 'cpu' or 'parallel', not {target!r}")

    def wrap(func: Callable[..., Any]) -> Vectorized:
        if not isinstance(func, types.FunctionType):
            raise TypeError(f"fastsci.vectorize decorates Python functions, not {type(func).__name__}")
        return Vectorized(func, parallel=target == "parallel")

    if isinstance(signatures, types.FunctionType):
        return wrap(signatures)
    return wrap


def _parse_layout(layout: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """``"(n),()->(n)"`` as the core dimension names of each input and each output."""

    def groups(text: str) -> list[tuple[str, ...]]:
        text = text.replace(" ", "")
        if not (text.startswith("(") and text.endswith(")")):
            raise ValueError(f"guvectorize: bad layout {layout!r}; write e.g. '(n),()->(n)'")
        out = []
        for g in text[1:-1].split("),("):
            names = tuple(n for n in g.split(",") if n)
            if not all(n.isidentifier() for n in names):
                raise ValueError(f"guvectorize: bad dimension names in {layout!r}")
            out.append(names)
        return out

    if "->" not in layout:
        raise ValueError(f"guvectorize: layout {layout!r} has no '->'")
    ins, outs = layout.split("->", 1)
    return groups(ins), groups(outs)


def _gu_loop_source(name: str, cores: list[tuple[str, ...]], ndim: int) -> str:
    args = [f"a{j}" for j in range(len(cores))]
    loop_idx = [f"i{i}" for i in range(ndim)]
    lines = [f"def __fastsci_gufunc_{ndim}({', '.join(args)}):"]
    for i in range(ndim):
        lines.append(f"{'    ' * (i + 1)}for i{i} in range(a0.shape[{i}]):")
    views = [f"{a}[{', '.join(loop_idx + [':'] * len(c))}]" for a, c in zip(args, cores)]
    lines.append(f"{'    ' * (ndim + 1)}{name}({', '.join(views)})")
    return "\n".join(lines) + "\n"


class GUVectorized:
    """A function of arrays with core dimensions, looped over the others (made by
    :func:`guvectorize`, as ``numba.guvectorize``)."""

    def __init__(self, py_func: Callable[..., Any], layout: str, out_dtype: np.dtype | None):
        self.py_func = py_func
        self.ins, self.outs = _parse_layout(layout)
        self.layout = layout
        self.out_dtype = out_dtype
        if py_func.__code__.co_argcount != len(self.ins) + len(self.outs):
            raise TypeError(
                f"guvectorize: {py_func.__name__} takes {py_func.__code__.co_argcount} argument(s) but the "
                f"layout {layout!r} has {len(self.ins) + len(self.outs)}"
            )
        self._loops: dict[int, _fastsci.Kernel] = {}
        functools.update_wrapper(self, py_func)

    def __repr__(self) -> str:
        return f"<fastsci.guvectorize gufunc {self.__qualname__} {self.layout}>"

    def _loop(self, ndim: int) -> _fastsci.Kernel:
        if ndim not in self._loops:
            text = _gu_loop_source(self.py_func.__name__, self.ins + self.outs, ndim)

            def collect():
                parts, globals_ = _collect(self.py_func)
                return parts + [(text, "<guvectorize>", 1)], globals_

            self._loops[ndim] = _fastsci.Kernel(f"__fastsci_gufunc_{ndim}", collect, True, False)
        return self._loops[ndim]

    def __call__(self, *args: Any) -> Any:
        nin, nout = len(self.ins), len(self.outs)
        if len(args) not in (nin, nin + nout):
            raise TypeError(f"{self.__name__}() takes {nin} inputs (and optionally {nout} outputs), {len(args)} given")
        inputs = [np.asarray(a) for a in args[:nin]]
        given = list(args[nin:])
        sizes: dict[str, int] = {}
        loop_shapes = []

        def bind(arr: np.ndarray, core: tuple[str, ...], what: str) -> None:
            if arr.ndim < len(core):
                raise ValueError(f"{self.__name__}: {what} needs {len(core)} core dimension(s), has {arr.ndim}")
            for n, size in zip(core, arr.shape[arr.ndim - len(core) :]):
                if sizes.setdefault(n, size) != size:
                    raise ValueError(f"{self.__name__}: dimension {n} is {sizes[n]} and {size}")
            loop_shapes.append(arr.shape[: arr.ndim - len(core)])

        for j, (a, core) in enumerate(zip(inputs, self.ins)):
            bind(a, core, f"input {j}")
        for j, (o, core) in enumerate(zip(given, self.outs)):
            if not isinstance(o, np.ndarray):
                raise TypeError(f"{self.__name__}: output {j} must be a NumPy array")
            bind(o, core, f"output {j}")
        loop = np.broadcast_shapes(*loop_shapes)
        if not given:
            missing = [n for core in self.outs for n in core if n not in sizes]
            if missing:
                raise ValueError(f"{self.__name__}: output dimension(s) {missing} are not given by any input")
            dtype = self.out_dtype or np.result_type(*inputs, np.float64)
            given = [np.empty(loop + tuple(sizes[n] for n in core), dtype) for core in self.outs]
        for j, (o, core) in enumerate(zip(given, self.outs)):
            if o.shape[: o.ndim - len(core)] != loop:
                raise ValueError(f"{self.__name__}: output {j} has loop shape {o.shape[: o.ndim - len(core)]}, not {loop}")
        # A leading loop dimension of one when there is none: the loop kernel indexes it.
        lead = (1,) if loop == () else ()
        views = [
            np.broadcast_to(a, lead + loop + a.shape[a.ndim - len(core) :]) for a, core in zip(inputs, self.ins)
        ]
        outs = [o.reshape(lead + o.shape) if lead else o for o in given]
        self._loop(len(lead + loop))(*views, *outs)
        return given[0] if len(given) == 1 else tuple(given)


def guvectorize(signatures: Any, layout: str, *, target: str = "cpu", **options: Any):
    """Makes a function of arrays with core dimensions a generalized ufunc, like
    ``numba.guvectorize``.

    Parameters
    ----------
    signatures : list of str
        Numba-style signatures (``["void(float64[:], float64, float64[:])"]``); the first one's
        last array type sets the dtype of outputs fastsci allocates (else NumPy's result type
        of the inputs, at least float64). Loops are compiled per combination of dtypes.
    layout : str
        The core dimensions of the inputs and outputs, ``"(n),()->(n)"``: the function gets
        one core slice of each argument (views, no copies) and writes its outputs.
    target : {"cpu", "parallel"}
        Accepted; the loop over the non-core dimensions runs on one thread (a kernel writing
        into views of the outputs cannot be proven free of races).

    Returns
    -------
    GUVectorized
        A decorator; the result is called with the inputs (outputs are allocated and returned)
        or with inputs and outputs (written in place).

    Examples
    --------
    In a file::

        @fastsci.guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)")
        def shift(x, a, out):
            for i in range(x.shape[0]):
                out[i] = x[i] + a

        shift(np.ones((3, 4)), np.arange(3.0)[:, None])    # a 3x4 array
    """
    if target not in ("cpu", "parallel"):
        raise ValueError(f"guvectorize: target must be 'cpu' or 'parallel', not {target!r}")
    out_dtype = None
    if isinstance(signatures, (list, tuple)) and signatures and isinstance(signatures[0], str):
        inner = signatures[0][signatures[0].find("(") + 1 : signatures[0].rfind(")")]
        last = inner.split(",")[-1].strip().split("[")[0]
        try:
            out_dtype = np.dtype(last)
        except TypeError:
            out_dtype = None

    def wrap(func: Callable[..., Any]) -> GUVectorized:
        if not isinstance(func, types.FunctionType):
            raise TypeError(f"fastsci.guvectorize decorates Python functions, not {type(func).__name__}")
        return GUVectorized(func, layout, out_dtype)

    return wrap


__all__ = ["CompileError", "GUVectorized", "Vectorized", "guvectorize", "vectorize"]
