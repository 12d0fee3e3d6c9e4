"""``fastsci.map`` / ``starmap`` / ``sweep``: fastsci-par's ordered parallel map and resumable
sweeps. Jitted kernels run on threads without the GIL; other callables on a process pool."""

from __future__ import annotations

import concurrent.futures
import os
import sys
import warnings
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from . import _fastsci
from . import _distributed
from ._jit import Dispatcher


class _Call:
    """A picklable wrapper that keeps an item's exception instead of failing the pool."""

    def __init__(self, fn: Callable[..., Any], star: bool):
        self.fn, self.star = fn, star

    def __call__(self, item: Any) -> tuple[bool, Any]:
        try:
            return True, (self.fn(*item) if self.star else self.fn(item))
        except Exception as e:  # noqa: BLE001 - kept per item, raised by the caller
            return False, e


def _bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\rmap [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _process_map(fn, items, workers, progress, chunksize, star):
    if chunksize is None:
        chunksize = max(1, len(items) // (4 * (workers or os.cpu_count() or 1)))
    results = []
    show = progress and sys.stderr.isatty()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            for r in pool.map(_Call(fn, star), items, chunksize=chunksize):
                results.append(r)
                if show:
                    _bar(len(results), len(items))
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    failed = [i for i, (ok, _) in enumerate(results) if not ok]
    return [v for _, v in results], failed, False


def _finish(values: list, failed: list[int], interrupted: bool, return_exceptions: bool) -> list:
    if interrupted:
        e = KeyboardInterrupt(f"map interrupted; {sum(v is not None for v in values)} of {len(values)} items done")
        e.results = values
        raise e
    if failed and not return_exceptions:
        i = failed[0]
        exc = values[i]
        exc.index = i
        exc.failed = failed
        note = f"fastsci.map: item {i} failed ({len(failed)} of {len(values)} items failed)"
        if hasattr(exc, "add_note"):
            exc.add_note(note)
        raise exc
    return values


def _run(fn, items, workers, progress, chunksize, return_exceptions, star, client=None, scheduler=None, retries=2):
    items = list(items)
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    cluster = _distributed.client_for(client, scheduler)
    if cluster is not None:
        values, failed, interrupted = _distributed.cluster_map(fn, items, cluster, progress, chunksize, star, retries)
    elif isinstance(fn, Dispatcher):
        args = [tuple(x) if star else (x,) for x in items]
        values, failed, interrupted = _fastsci.map_kernel(fn, args, workers or 0, bool(progress))
    else:
        values, failed, interrupted = _process_map(fn, items, workers, progress, chunksize, star)
    return _finish(values, failed, interrupted, return_exceptions)


def map(  # noqa: A001 - the name users know
    fn: Callable[..., Any],
    items: Iterable[Any],
    workers: int | None = None,
    progress: bool = False,
    chunksize: int | None = None,
    return_exceptions: bool = False,
    *,
    client: Any = None,
    scheduler: str | None = None,
    retries: int = 2,
) -> list:
    """``[fn(item) for item in items]`` in parallel, results in input order.

    With a ``@fastsci.jit`` kernel the items run as machine code on fastsci-par's threads with
    the GIL released: no processes, no pickling, microseconds per item. Any other callable falls
    back to a ``concurrent.futures.ProcessPoolExecutor`` (so it must be picklable). Array items
    are read in place (no copy) by a kernel that does not write into its arguments; a kernel
    that may gets private copies, as a process pool's tasks would: its writes into an item are
    not seen, and tasks never race on a shared array.

    Parameters
    ----------
    fn : callable
    items : iterable
    workers : int, optional
        Threads (or processes); default one per core.
    progress : bool
        Draw a progress bar on stderr when it is a terminal.
    chunksize : int, optional
        Items per process-pool or Dask task (local kernel maps chunk adaptively and ignore it).
        On a cluster the default follows the task grouping rule of :mod:`fastsci._distributed`:
        ``4 x`` the cluster's worker threads tasks, so Dask's ~2 ms per task stays under 5%
        of the work.
    return_exceptions : bool
        Return a failed item's exception in its place instead of raising it.
    client : distributed.Client, optional
        Run on this Dask cluster: items go to the workers in groups, each group runs there on
        all the worker's cores (kernels without the GIL); a worker lost mid-task loses nothing,
        Dask runs the group again elsewhere. Plain callables must pickle (cloudpickle).
        Items may hold ``distributed.Future`` s of data scattered once
        (``client.scatter(a, broadcast=True)``): each worker then fetches that data once
        instead of every task carrying it.
    scheduler : str, optional
        A scheduler address (``"tcp://host:8786"``) to connect to instead of ``client``;
        ``ConnectionError`` when none answers within 10 s.
    retries : int, default 2
        With a cluster: times Dask runs a group again after it raised (a lost worker is
        always retried).

    Returns
    -------
    list

    Raises
    ------
    Exception
        The first failed item's exception, after every item ran, with ``index`` (its
        position) and ``failed`` (all failed positions) attributes.
    KeyboardInterrupt
        On Ctrl-C: running items finish, no new one starts; ``results`` holds what finished.
    """
    return _run(fn, items, workers, progress, chunksize, return_exceptions, False, client, scheduler, retries)


def starmap(
    fn: Callable[..., Any],
    items: Iterable[Sequence[Any]],
    workers: int | None = None,
    progress: bool = False,
    chunksize: int | None = None,
    return_exceptions: bool = False,
    *,
    client: Any = None,
    scheduler: str | None = None,
    retries: int = 2,
) -> list:
    """:func:`map` with each item unpacked into the arguments: ``fn(*item)``."""
    return _run(fn, items, workers, progress, chunksize, return_exceptions, True, client, scheduler, retries)


def _axis(name: str, spec: Any) -> tuple[str, list[float], bool]:
    if isinstance(spec, Mapping):
        values = np.linspace(spec["start"], spec["stop"], int(spec["num"]))
    elif isinstance(spec, tuple) and len(spec) == 3 and isinstance(spec[2], int) and not isinstance(spec[2], bool):
        values = np.linspace(spec[0], spec[1], spec[2])
    else:
        values = np.asarray(spec)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"grid axis {name!r} must be a non-empty 1-D sequence or (start, stop, num)")
    if values.dtype.kind not in "biuf":
        raise TypeError(f"grid axis {name!r} must hold numbers, not {values.dtype}")
    return name, [float(v) for v in values], values.dtype.kind in "biu"


def sweep(
    kernel: Dispatcher,
    grid: Mapping[str, Any],
    out: str | os.PathLike,
    resume: bool = True,
    outputs: Sequence[str] | None = None,
    workers: int | None = None,
    progress: bool = False,
    seed: int = 0,
    *,
    client: Any = None,
    scheduler: str | None = None,
    retries: int = 2,
    chunksize: int | None = None,
) -> np.ndarray:
    """Runs a kernel over every point of a parameter grid with the ``fastsci sweep`` engine.

    Results stream to ``out`` (``.csv``, or ``.npy`` with a journal beside it) as tasks finish;
    an interrupted sweep, run again with ``resume=True``, runs only the missing points.

    Parameters
    ----------
    kernel : Dispatcher
        A ``@fastsci.jit`` kernel returning a number or a tuple of numbers.
    grid : dict
        Kernel parameter name -> a sequence of values, ``(start, stop, num)``, or
        ``{"start":, "stop":, "num":}``. Integer axes are passed as ints.
    out : path
    resume : bool, default True
    outputs : list of str, optional
        Names of the result columns (default ``result`` or ``result0, result1, ...``).
    workers : int, optional
    progress : bool
    seed : int
        Base seed of the per-point random streams (``np.random`` inside the kernel): point
        ``i`` draws the same numbers on any thread, process or machine.
    client, scheduler, retries, chunksize
        Run the points on a Dask cluster, as :func:`map`. The journal stays with the caller:
        only the points ``out`` lacks are sent, each finished group is journaled as it
        arrives, and an interrupted sweep resumes on any cluster (or none).

    Returns
    -------
    numpy structured array
        One row per grid point in grid order: ``index``, the parameters, the outputs (NaN where
        a point failed; a ``RuntimeWarning`` lists the failures).
    """
    if not isinstance(kernel, Dispatcher):
        raise TypeError("fastsci.sweep runs @fastsci.jit kernels; use fastsci.map for other callables")
    params = kernel.parameters()
    missing = [p for p in params if p not in grid]
    extra = [g for g in grid if g not in params]
    if missing or extra:
        raise ValueError(
            f"the grid must name exactly the parameters of {kernel.__name__}({', '.join(params)}); "
            f"missing: {missing}, unknown: {extra}"
        )
    axes = [_axis(p, grid[p]) for p in params]
    out = os.fspath(out)
    names = list(outputs) if outputs is not None else None
    cluster = _distributed.client_for(client, scheduler)
    if cluster is not None:
        tasks, _already, _ran, failures, interrupted = _distributed.cluster_sweep(
            kernel, axes, out, resume, names, seed, cluster, progress, chunksize, retries
        )
    else:
        tasks, _already, _ran, failures, interrupted = _fastsci.sweep(
            kernel, axes, out, resume, names, workers or 0, bool(progress), seed
        )
    if interrupted:
        raise KeyboardInterrupt(f"sweep interrupted; run it again with resume=True to finish {out}")
    if failures:
        listed = "; ".join(f"point {i}: {m}" for i, m in failures[:5])
        warnings.warn(f"{len(failures)} of {tasks} sweep points failed: {listed}", RuntimeWarning, stacklevel=2)
    if out.endswith(".csv"):
        return np.genfromtxt(out, delimiter=",", names=True, dtype=None, encoding="utf-8")
    table = np.load(out)
    n_out = table.shape[1] - len(params)
    names = list(outputs) if outputs else (["result"] if n_out == 1 else [f"result{k}" for k in range(n_out)])
    fields = [("index", np.int64)] + [(p, np.float64) for p in params] + [(o, np.float64) for o in names]
    res = np.empty(table.shape[0], dtype=fields)
    res["index"] = np.arange(table.shape[0])
    for k, name in enumerate(params + names):
        res[name] = table[:, k]
    return res
