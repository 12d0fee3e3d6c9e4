"""``fastsci.jit``: Numba's decorator, compiled by fastsci-jit (Cranelift) in milliseconds."""

from __future__ import annotations

import functools
import inspect
import numbers
import textwrap
import types
from typing import Any, Callable, TypeVar, overload

from . import _fastsci
from ._fastsci import CompileError

F = TypeVar("F", bound=Callable[..., Any])

# Numba options a drop-in user may pass: fastsci always compiles to machine code (nopython),
# always releases the GIL (nogil), compiles in milliseconds (so no on-disk cache is needed)
# and keeps IEEE semantics; these are accepted and have no further effect.
_NUMBA_OPTIONS = frozenset(
    {"nopython", "nogil", "cache", "fastmath", "error_model", "inline", "forceobj", "looplift"}
)


class Dispatcher(_fastsci.Kernel):
    """A Python function compiled by fastsci-jit, one specialization per argument signature.

    Made by :func:`jit`. Calling it with numbers, tuples and NumPy arrays runs machine code with
    the GIL released; writes into argument arrays are seen by the caller. It pickles as its
    source, options and frozen globals and is recompiled where it is unpickled.

    Attributes
    ----------
    py_func : function or None
        The original Python function (``None`` in a kernel rebuilt from a pickle).
    """

    def __new__(
        cls, py_func: Callable[..., Any] | None, boundscheck: bool = True, _frozen=None, parallel: bool = False
    ):
        if py_func is not None:
            name = py_func.__name__
            collect = functools.partial(_collect, py_func)
        else:
            name = _frozen[0]
            parts, globals_ = _frozen[1], _frozen[2]
            collect = lambda: (parts, globals_)  # noqa: E731
        self = super().__new__(cls, name, collect, boundscheck, parallel)
        self.py_func = py_func
        # A kernel rebuilt from a pickle pickles again from what it was rebuilt from (a Dask
        # worker re-serializes the tasks it holds), before or after it compiled.
        self._rebuilt_from = None if py_func is not None else (_frozen[1], _frozen[2])
        if py_func is not None:
            functools.update_wrapper(self, py_func)
        else:
            self.__name__ = name
            self.__qualname__ = name
        _fastsci.install_interrupt_handler()
        return self

    def __repr__(self) -> str:
        return f"<fastsci.jit kernel {self.__qualname__}>"

    def __get__(self, instance, owner=None):
        # A kernel stored as a class attribute behaves like a staticmethod, as in Numba.
        return self

    def __reduce__(self):
        frozen = self._frozen()
        if frozen is None:
            frozen = self._rebuilt_from or _collect(self.py_func)
        parts, globals_ = frozen
        return (_rebuild, (self.name, list(parts), list(globals_), self.boundscheck, self.parallel))

    def inspect_types(self, file=None) -> None:
        """Prints, for each compiled signature, the argument types and the types fastsci-jit
        inferred for the function's locals and result (Numba's ``inspect_types``)."""
        print(self.types_text(), file=file)

    def types_text(self) -> str:
        """The text :meth:`inspect_types` prints."""
        return self._types_text()

    @property
    def signatures(self) -> list[str]:
        """The argument signatures compiled so far, e.g. ``['(float64, array(float64, 1d))']``."""
        return self._signatures()


def _rebuild(name: str, parts: list, globals_: list, boundscheck: bool, parallel: bool = False) -> Dispatcher:
    return Dispatcher(None, boundscheck, _frozen=(name, parts, globals_), parallel=parallel)


def _is_constant(value: Any) -> bool:
    if isinstance(value, (bool, int, float)):
        return True
    if isinstance(value, numbers.Number) and hasattr(value, "dtype") and value.dtype.kind in "biuf":
        return True
    if isinstance(value, tuple):
        return all(_is_constant(v) for v in value)
    return False


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _names(c)
    return names


def _source(func: Callable[..., Any]) -> tuple[str, str, int]:
    try:
        lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
    except (OSError, TypeError) as e:
        raise CompileError(
            f"cannot read the source of {func.__qualname__} ({e}); fastsci.jit compiles functions "
            "defined in a file or notebook cell"
        ) from None
    # Nested functions are indented; the parser wants a module-level def.
    return textwrap.dedent("".join(lines)), filename, first


def _collect(func: Callable[..., Any]) -> tuple[list, list]:
    """The source parts of ``func`` and of every jitted function it names (transitively), and
    the numeric module-level constants they name, frozen now (as Numba freezes globals)."""
    parts: list[tuple[str, str, int]] = []
    constants: dict[str, Any] = {}
    seen: set[int] = set()

    def visit(f: Callable[..., Any]) -> None:
        if id(f) in seen:
            return
        seen.add(id(f))
        parts.append(_source(f))
        g = f.__globals__
        for name in sorted(_names(f.__code__)):
            if name not in g:
                continue
            value = g[name]
            if isinstance(value, Dispatcher):
                if value.py_func is None:
                    raise CompileError(f"{f.__qualname__} calls {name}, a kernel rebuilt from a pickle")
                if value.__name__ != name:
                    raise CompileError(
                        f"{f.__qualname__} calls the kernel {value.__name__} under the name {name}; "
                        f"call it by its own name"
                    )
                visit(value.py_func)
            elif _is_constant(value):
                if name in constants and constants[name] != value:
                    raise CompileError(
                        f"the global {name} has different values in the modules of the kernels "
                        f"{func.__qualname__} calls; rename one"
                    )
                constants[name] = value.item() if hasattr(value, "item") else value

    visit(func)
    return parts, sorted(constants.items())


def prange(*args: int) -> range:
    """``range`` for a loop whose iterations may run in parallel (``numba.prange``).

    In a kernel compiled with ``fastsci.jit(parallel=True)``, ``for i in prange(n)`` runs
    blocks of iterations on all cores; called from Python it is ``range``.
    """
    return range(*args)


@overload
def jit(func: F) -> F: ...
@overload
def jit(
    signature_or_function: Any = None, *, boundscheck: bool = True, parallel: bool = False, **options: Any
) -> Callable[[F], F]: ...


def jit(signature_or_function=None, *, boundscheck: bool = True, parallel: bool = False, **options: Any):
    """Compiles a Python function to machine code on its first call, like ``numba.jit``.

    Parameters
    ----------
    signature_or_function : function, str or list, optional
        The function (``@fastsci.jit``), or Numba-style signatures, which are accepted and
        ignored: each argument signature is compiled on first use.
    boundscheck : bool, default True
        Check every array index (``IndexError`` with the file and line). ``False`` is faster
        and reads or writes arbitrary memory on a bad index.
    parallel : bool, default False
        Run the iterations of ``for i in prange(n)`` loops (``numba.prange`` or
        :func:`fastsci.prange`) on all cores. Without it they run on one thread; either way
        reductions give the same bits whatever the number of threads, and races (an outer
        variable assigned other than as a reduction, an array written at an index that is not
        made from the loop variable) are compile errors.
    **options
        Numba's ``nopython``, ``nogil``, ``cache``, ``fastmath``, ... are accepted for drop-in
        use and have no effect.

    Returns
    -------
    Dispatcher
        The compiled kernel (or a decorator that makes one).

    Raises
    ------
    CompileError
        On first call, for a function outside the supported subset, naming its file and line.

    Examples
    --------
    In a file (the source is read with ``inspect``)::

        import numpy as np, fastsci

        @fastsci.jit
        def clip_count(x, hi):
            n = 0
            for i in range(x.shape[0]):
                if x[i] > hi:
                    x[i] = hi
                    n += 1
            return n

        x = np.arange(6.0)
        assert clip_count(x, 3.5) == 2 and x[-1] == 3.5   # the write is seen
    """
    unknown = set(options) - _NUMBA_OPTIONS
    if unknown:
        raise TypeError(f"jit() got unexpected option(s): {', '.join(sorted(unknown))}")

    def wrap(func: Callable[..., Any]) -> Dispatcher:
        if isinstance(func, Dispatcher):
            func = func.py_func
        if not isinstance(func, types.FunctionType):
            raise TypeError(f"fastsci.jit decorates Python functions, not {type(func).__name__}")
        return Dispatcher(func, boundscheck, parallel=parallel)

    if isinstance(signature_or_function, types.FunctionType):
        return wrap(signature_or_function)
    return wrap


njit = jit
