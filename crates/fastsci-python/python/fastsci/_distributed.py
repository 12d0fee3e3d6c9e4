"""fastsci on Dask: maps and sweeps on a ``distributed`` cluster, ``dask.array`` operands for
``evaluate`` and the reductions, and many ``.npy`` files opened as one ``dask.array``.

Dask (``dask[array]`` and ``distributed``) is optional: this module imports it only when a
cluster or a ``dask.array`` is used. fastsci builds no scheduler; it hands Dask tasks that each
run a group of items through fastsci-par on all the worker's threads without the GIL.

Task grouping rule
------------------
Dask spends about 2 ms per task (measured on a 2-worker ``LocalCluster`` of a loaded 2-core
machine, ``bench/dask/compare.py``: 1,000 one-item tasks, 1.96 ms each, as ``client.map`` over a
Numba function, 2.10 ms). A task of ``k`` items, each taking ``t`` seconds, run on ``T``
threads, costs ``k·t/T`` seconds of work, so the overhead stays under 5% when
``k·t/T ≥ 20 × 2 ms = 40 ms``. fastsci cuts a map or sweep into ``4 × (total worker threads)``
tasks (at most one per item): four tasks per thread balance the load and bound what a lost
worker takes with it (a quarter of its share), and a task is under 5% overhead whenever the
whole job takes at least ``160 ms × (worker threads)`` of work, i.e. as soon as distributing it
is worth anything. Pass ``chunksize=`` to set the items per task yourself.
"""

from __future__ import annotations

import glob as _glob
import logging
import os
import pickle
import sys
import uuid
from typing import Any, Callable, Sequence

import numpy as np

from . import _fastsci
from ._jit import Dispatcher

logger = logging.getLogger("fastsci.distributed")

#: Seconds to wait for a scheduler given as an address before giving up.
CONNECT_TIMEOUT = 10.0

#: Tasks per worker thread when no ``chunksize`` is given (see the task grouping rule).
TASKS_PER_THREAD = 4

#: Partials merged per node of a reduction tree.
TREE_FAN_IN = 8


def _require_dask(what: str):
    try:
        import dask  # noqa: F401
        import dask.array  # noqa: F401
    except ImportError as e:  # pragma: no cover - the test venv has Dask
        raise ImportError(
            f"{what} needs Dask: pip install 'dask[array]' distributed (the workers need the same "
            "fastsci wheel)"
        ) from e


def is_dask_array(x: Any) -> bool:
    """Whether ``x`` is a ``dask.array.Array`` (without importing Dask when it is not loaded)."""
    da = sys.modules.get("dask.array")
    return da is not None and isinstance(x, da.Array)


# ---------------------------------------------------------------------------------------------
# Clients


_CLIENTS: dict[str, Any] = {}


def client_for(client: Any = None, scheduler: str | None = None) -> Any:
    """The ``distributed.Client`` to run on: ``client`` itself, or one connected to the
    ``scheduler`` address (kept for later calls), or ``None`` for neither.

    Raises
    ------
    ValueError
        Both given, or a ``client`` that is not a ``distributed.Client``.
    ConnectionError
        No scheduler answered at ``scheduler`` within :data:`CONNECT_TIMEOUT` seconds.
    """
    if client is None and scheduler is None:
        return None
    if client is not None and scheduler is not None:
        raise ValueError("give either client= or scheduler=, not both")
    _require_dask("running on a cluster")
    import distributed

    if client is not None:
        if not isinstance(client, distributed.Client):
            raise ValueError(f"client= must be a distributed.Client, not {type(client).__name__}")
        return client
    if not isinstance(scheduler, str):
        raise ValueError(f"scheduler= must be an address such as 'tcp://host:8786', not {scheduler!r}")
    known = _CLIENTS.get(scheduler)
    if known is not None and known.status == "running":
        return known
    try:
        c = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ConnectionError(
            f"no Dask scheduler answered at {scheduler} within {CONNECT_TIMEOUT:g} s ({e}); start one "
            "with `dask scheduler` (and workers with `dask worker ADDRESS`), or pass client="
        ) from None
    _CLIENTS[scheduler] = c
    return c


def _threads(client: Any) -> int:
    workers = client.scheduler_info(n_workers=-1)["workers"]
    return max(1, sum(w.get("nthreads", 1) for w in workers.values()))


def _chunks(indices: Sequence[int], client: Any, chunksize: int | None) -> list[list[int]]:
    n = len(indices)
    if chunksize is None:
        tasks = min(n, TASKS_PER_THREAD * _threads(client))
        chunksize = -(-n // max(1, tasks))
    elif chunksize < 1:
        raise ValueError(f"chunksize must be at least 1, got {chunksize}")
    return [list(indices[i : i + chunksize]) for i in range(0, n, chunksize)]


def _picklable(fn: Callable[..., Any], what: str) -> bytes:
    import cloudpickle

    try:
        return cloudpickle.dumps(fn)
    except Exception as e:  # noqa: BLE001 - any pickling failure means the same to the user
        raise TypeError(
            f"{what} {fn!r} cannot be pickled to send it to the Dask workers ({type(e).__name__}: {e}); "
            "define it at the top level of an importable module without unpicklable state, or make it a "
            "@fastsci.jit kernel (kernels pickle as their source)"
        ) from None


# ---------------------------------------------------------------------------------------------
# Worker side: what a task runs. Kept at module level so that tasks pickle by reference.

_KERNELS: dict[bytes, Any] = {}


def _kernel(blob: bytes) -> Any:
    """The kernel a pickle describes, unpickled (and so compiled) once per worker process."""
    k = _KERNELS.get(blob)
    if k is None:
        k = _KERNELS[blob] = pickle.loads(blob)
    return k


def _task_threads() -> int:
    """Threads a task may use: the cores this worker process may run on (its CPU affinity, as
    a batch scheduler or ``taskset`` sets it) shared by the tasks it runs at once."""
    try:
        from distributed import get_worker

        nthreads = get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):
        nthreads = 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // max(1, nthreads))


def _aligned(x: Any) -> Any:
    """``x`` with its NumPy arrays aligned: Dask hands arrays over in the network's buffers,
    where an 8-byte value may start at any byte, and kernels read whole aligned values."""
    if isinstance(x, np.ndarray) and not x.flags.aligned:
        return np.require(x, requirements="A")
    if isinstance(x, tuple):
        return tuple(_aligned(v) for v in x)
    return x


def _map_task(blob: bytes, items: list, star: bool) -> tuple[list, list[int]]:
    """Runs a group of map items on this worker; returns the results and the failed positions."""
    fn = _kernel(blob)
    if isinstance(fn, Dispatcher):
        args = [_aligned(tuple(x) if star else (x,)) for x in items]
        values, failed, interrupted = _fastsci.map_kernel(fn, args, _task_threads(), False)
        if interrupted:
            raise KeyboardInterrupt("fastsci.map task interrupted on the worker")
        return values, failed
    values, failed = [], []
    for i, x in enumerate(items):
        try:
            values.append(fn(*x) if star else fn(x))
        except Exception as e:  # noqa: BLE001 - kept per item, raised by the caller
            values.append(e)
            failed.append(i)
    return values, failed


def _sweep_task(blob: bytes, indices: list[int], axes: list, seed: int) -> list:
    """Runs a group of sweep points on this worker: ``[(index, numbers or message)]``."""
    results = _fastsci.sweep_points(_kernel(blob), axes, indices, seed, _task_threads())
    return list(zip(indices, results))


# ---------------------------------------------------------------------------------------------
# Maps and sweeps


def _submit(client: Any, fn: Callable[..., Any], blob: bytes, groups: list, rest: tuple, retries: int) -> list:
    """One task ``fn(blob, group, *rest)`` per group, with retries on another worker."""
    run = uuid.uuid4().hex[:12]
    n = len(groups)
    # One client.map call: the whole batch reaches the scheduler in one message.
    return client.map(
        fn,
        [blob] * n,
        groups,
        *([r] * n for r in rest),
        key=[f"{fn.__name__}-{run}-{i}" for i in range(n)],
        retries=retries,
        pure=False,
    )


def cluster_map(
    fn: Callable[..., Any],
    items: list,
    client: Any,
    progress: bool,
    chunksize: int | None,
    star: bool,
    retries: int,
) -> tuple[list, list[int], bool]:
    """``fastsci.map`` on a cluster: returns ``(values, failed, interrupted)`` as the local map."""
    import distributed
    from distributed import as_completed

    from ._par import _bar

    blob = pickle.dumps(fn) if isinstance(fn, Dispatcher) else _picklable(fn, "the function")
    if not items:
        return [], [], False
    first = items[0] if star else (items[0],)
    if isinstance(fn, Dispatcher) and not any(isinstance(v, distributed.Future) for v in first):
        # Type errors here, in milliseconds, not from every task on the workers. (Futures, data
        # scattered to the workers once, are resolved there; their types are known only there.)
        fn.compile_for(*first)
    groups = _chunks(range(len(items)), client, chunksize)
    item_groups = [[items[i] for i in g] for g in groups]
    futures = _submit(client, _map_task, blob, item_groups, (star,), retries)
    position = {f.key: k for k, f in enumerate(futures)}
    values: list = [None] * len(items)
    failed: list[int] = []
    show = progress and sys.stderr.isatty()
    done = 0
    try:
        if show:
            finished = ((f, f.result()) for f in as_completed(futures, loop=client.loop))
        else:
            # Without a progress bar, one gather fetches every group in one exchange.
            finished = zip(futures, client.gather(futures))
        for future, (got, bad) in finished:
            k = position[future.key]
            start = groups[k][0]
            values[start : start + len(got)] = got
            failed.extend(start + i for i in bad)
            done += len(got)
            if show:
                _bar(done, len(items))
    except KeyboardInterrupt:
        client.cancel(futures)
        return values, sorted(failed), True
    return values, sorted(failed), False


class _Feed:
    """Hands the sweep engine the next finished group of points (``None`` once all are in)."""

    def __init__(self, client: Any, futures: list, total: int, progress: bool):
        from distributed import as_completed

        self._pending = as_completed(futures, loop=client.loop)
        self._futures = futures
        self._total, self._done = total, 0
        self._show = progress and sys.stderr.isatty()

    def __call__(self) -> list | None:
        from ._par import _bar

        for future in self._pending:
            batch = future.result()
            self._done += len(batch)
            if self._show:
                _bar(self._done, self._total)
            return batch
        return None


def cluster_sweep(
    kernel: Dispatcher,
    axes: list,
    out: str,
    resume: bool,
    outputs: list[str] | None,
    seed: int,
    client: Any,
    progress: bool,
    chunksize: int | None,
    retries: int,
) -> tuple:
    """``fastsci.sweep`` on a cluster: the points the output file lacks are computed by the
    workers in groups; the journal, its lock and the final file stay with the caller."""
    missing = _fastsci.sweep_missing(axes, out, resume)
    if missing:
        kernel.compile_for(*(int(v[0]) if is_int else v[0] for _, v, is_int in axes))
    total = int(np.prod([len(a[1]) for a in axes]))
    logger.info(
        "sweep %s: %d of %d points done, %d to run on the cluster", out, total - len(missing), total, len(missing)
    )
    futures = []
    if missing:
        blob = pickle.dumps(kernel)
        groups = _chunks(missing, client, chunksize)
        futures = _submit(client, _sweep_task, blob, groups, (axes, seed), retries)
    feed = _Feed(client, futures, len(missing), progress)
    try:
        return _fastsci.sweep_record(axes, out, feed, resume, outputs)
    finally:
        if futures:
            client.cancel(futures)


# ---------------------------------------------------------------------------------------------
# Arrays


class _EvaluateBlocks:
    """``fastsci.evaluate`` over one block of each operand (a picklable Dask block function)."""

    def __init__(self, ex: str, names: list[str], scalars: dict[str, Any]):
        self.ex, self.names, self.scalars = ex, names, scalars

    def __call__(self, *blocks: np.ndarray) -> np.ndarray:
        from ._arrays import evaluate

        local = dict(self.scalars)
        local.update(zip(self.names, map(_aligned, blocks)))
        return evaluate(self.ex, local, {})


def evaluate_dask(ex: str, values: dict[str, Any]) -> Any:
    """``fastsci.evaluate`` with ``dask.array`` operands: a lazy ``dask.array`` of the dtype
    NumPy gives the expression, each output block fused by fastsci-array from the aligned operand blocks; numbers and 0-d
    arrays broadcast as scalars, NumPy arrays become one-block Dask arrays."""
    import dask.array as da

    names, operands, scalars = [], [], {}
    for name, v in values.items():
        if is_dask_array(v):
            names.append(name)
            operands.append(v)
        elif np.ndim(v) == 0:
            # Python numbers stay Python numbers: NumPy's weak scalars, for the result dtype.
            scalars[name] = v if type(v) in (bool, int, float) else np.asarray(v)[()]
        else:
            names.append(name)
            operands.append(da.asarray(np.asarray(v)))
    for name, op in zip(names, operands):
        if op.dtype.kind not in "biuf":
            raise TypeError(f"'{name}' has dtype {op.dtype}; only real numbers (bool, int, uint, float) are supported")
    shape = np.broadcast_shapes(*(op.shape for op in operands))
    ndim = len(shape)
    # Operands are aligned from the right, as NumPy broadcasts; blockwise rechunks them to
    # common block boundaries.
    pairs = []
    for op in operands:
        pairs += [op, tuple(range(ndim - op.ndim, ndim))]
    from ._arrays import _result_dtype

    dtype = _result_dtype(ex, dict(zip(names, operands)), scalars)
    if dtype.kind not in "biuf":
        dtype = np.dtype(np.float64)
    return da.blockwise(
        _EvaluateBlocks(ex, names, scalars),
        tuple(range(ndim)),
        *pairs,
        dtype=dtype,
        meta=np.empty((0,) * ndim, dtype=dtype),
        name=f"fastsci-evaluate-{uuid.uuid4().hex[:12]}",
        align_arrays=True,
    )


def _block_parts(block: np.ndarray, axes: tuple[int, ...] | None) -> list:
    """The exact partials of one block: one for the whole block (``axes=None``), else one per
    kept position, in C order of the kept axes."""
    from ._arrays import rows_to_reduce

    block = np.asarray(block)
    axis = None
    if axes is not None:
        if block.ndim == 2 and len(axes) == 1:
            axis = axes[0]  # fastsci-array reduces either axis of a 2-D block in place
        else:
            block, axis = rows_to_reduce(block, axes), 1
    block = _aligned(block)
    if not (block.flags.c_contiguous or block.flags.f_contiguous):
        block = np.ascontiguousarray(block)
    return _fastsci.summary_parts(block, axis)


def _merge_lists(*lists: list) -> list:
    return [_fastsci.summary_merge(list(column)) for column in zip(*lists)]


def _stats(parts: list, what: str, ddof: float, dtype: np.dtype, shape: tuple[int, ...] | None) -> Any:
    values = np.array([_fastsci.summary_stat(p, what, ddof) for p in parts], dtype=np.float64)
    if what in ("min", "max") and dtype.kind in "biu":
        values = values.astype(dtype)
    return values[0] if shape is None else values.reshape(shape)


def _tree(nodes: list) -> Any:
    """Merges delayed partial lists, :data:`TREE_FAN_IN` at a time, keeping their order."""
    import dask

    merge = dask.delayed(_merge_lists, pure=True)
    while len(nodes) > 1:
        nodes = [merge(*nodes[i : i + TREE_FAN_IN]) for i in range(0, len(nodes), TREE_FAN_IN)]
    return nodes[0]


def reduce_dask(what: str, x: Any, axis: Any, ddof: float) -> Any:
    """A reduction of a ``dask.array`` as a tree: each block's exact partials (count, the
    double-double sum, the sum of squared deviations, extremes; one per kept position when
    ``axis`` is given) are made where the block lives, partials are merged
    :data:`TREE_FAN_IN` at a time across the blocks along the reduced axes, and the statistic
    is read at the root, so the result equals the single-machine one. ``axis``: None, an int
    or a tuple of ints, of an array of any rank. Lazy: a 0-d (``axis=None``) or a
    ``dask.array`` of the kept axes' shape; ``.compute()`` it, or ``float()`` a scalar."""
    import dask
    import dask.array as da

    from ._arrays import reduced_axes

    if x.dtype.kind not in "biuf":
        raise TypeError(f"the array has dtype {x.dtype}; only real numbers (bool, int, uint, float) are supported")
    out_dtype = x.dtype if (what in ("min", "max") and x.dtype.kind in "biu") else np.dtype(np.float64)
    parts = dask.delayed(_block_parts, pure=True)
    stats = dask.delayed(_stats, pure=True)
    blocks = x.to_delayed()
    axes = reduced_axes(axis, x.ndim)
    if axes is None:
        root = _tree([parts(b, None) for b in blocks.ravel()])
        return da.from_delayed(stats(root, what, ddof, x.dtype, None), shape=(), dtype=out_dtype)
    kept = [d for d in range(x.ndim) if d not in axes]
    # One piece of the result per combination of block indices along the kept axes: the
    # partials of the blocks that share it are merged along the reduced axes.
    pieces = np.empty([x.numblocks[d] for d in kept], dtype=object)
    for index in np.ndindex(*pieces.shape):
        select = [slice(None)] * x.ndim
        for d, i in zip(kept, index):
            select[d] = i
        root = _tree([parts(b, axes) for b in np.asarray(blocks[tuple(select)]).ravel()])
        shape = tuple(x.chunks[d][i] for d, i in zip(kept, index))
        pieces[index] = da.from_delayed(stats(root, what, ddof, x.dtype, shape), shape=shape, dtype=out_dtype)
    return da.block(pieces.tolist())


# ---------------------------------------------------------------------------------------------
# Many files as one array

#: Target bytes per block when a file is cut into blocks (Dask's own default is 128 MiB).
BLOCK_BYTES = 128 * 2**20


class _NpyFile:
    """A ``.npy`` file as an array-like Dask can slice: each slice maps the file where the task
    runs (nothing is read on the client but the header)."""

    def __init__(self, path: str, shape: tuple[int, ...], dtype: np.dtype, fortran: bool):
        self.path, self.shape, self.dtype, self.fortran = path, shape, dtype, fortran
        self.ndim = len(shape)

    def __getitem__(self, index: Any) -> np.ndarray:
        from ._arrays import load

        return np.array(load(self.path, mmap_mode="r")[index], copy=True)


def _paths(paths: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        p = os.fspath(paths)
        if any(ch in p for ch in "*?["):
            found = sorted(_glob.glob(p))
            if not found:
                raise FileNotFoundError(f"no file matches {p!r}")
            return found
        return [p]
    found = [os.fspath(p) for p in paths]
    if not found:
        raise ValueError("load_files needs at least one path")
    return found


def load_files(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    axis: int = 0,
    block_bytes: int = BLOCK_BYTES,
) -> Any:
    """Opens many ``.npy`` files as one lazy ``dask.array``, concatenated along ``axis``.

    Each file is memory-mapped where a task reads it (on a cluster: on the worker, so the files
    must be reachable there at the same path, e.g. on a shared file system); the client reads
    only the headers. One block per file, or several when a file is larger than
    ``block_bytes`` (cut along ``axis``). A directory of files larger than any one disk or memory
    is then reduced (``fastsci.mean``, ``sum``, ...) and evaluated (``fastsci.evaluate``) by
    the cluster, block by block.

    Parameters
    ----------
    paths : str, PathLike or sequence of them
        The files, or one glob pattern (``"data/part-*.npy"``, taken in sorted order).
    axis : int, default 0
        The axis the files are joined along; the other dimensions and the dtype must agree.
    block_bytes : int, default 128 MiB

    Returns
    -------
    dask.array.Array

    Raises
    ------
    FileNotFoundError
        A glob that matches nothing, or a missing file.
    ValueError
        Files whose dtypes or other dimensions differ (named), or a bad ``axis``.
    """
    _require_dask("fastsci.load_files")
    import dask.array as da

    files = _paths(paths)
    parts = []
    first = None
    for path in files:
        descr, shape, fortran, _offset = _fastsci.npy_header(path)
        dtype, shape = np.dtype(descr), tuple(shape)
        if not shape:
            raise ValueError(f"{path} holds a 0-d array; load_files joins arrays of at least one dimension")
        ax = axis % len(shape) if -len(shape) <= axis < len(shape) else None
        if ax is None:
            raise ValueError(f"axis {axis} is out of bounds for the {len(shape)}-D array in {path}")
        if first is None:
            first = (path, dtype, shape, ax)
        elif dtype != first[1] or len(shape) != len(first[2]) or shape[:ax] + shape[ax + 1 :] != first[2][:ax] + first[2][ax + 1 :]:
            raise ValueError(
                f"{path} holds {dtype} {shape}, {first[0]} holds {first[1]} {first[2]}: files joined along "
                f"axis {axis} must agree in dtype and in the other dimensions"
            )
        row_bytes = max(1, dtype.itemsize * int(np.prod(shape)) // max(1, shape[ax]))
        step = max(1, int(block_bytes) // row_bytes)
        chunks = tuple(step if d == ax else n for d, n in enumerate(shape))
        parts.append(
            da.from_array(
                _NpyFile(path, shape, dtype, fortran),
                chunks=chunks,
                name=f"fastsci-npy-{uuid.uuid5(uuid.NAMESPACE_URL, f'{os.path.abspath(path)}:{os.stat(path).st_mtime_ns}')}",
                meta=np.empty((0,) * len(shape), dtype=dtype),
                asarray=False,
                lock=False,
            )
        )
    return parts[0] if len(parts) == 1 else da.concatenate(parts, axis=first[3])

