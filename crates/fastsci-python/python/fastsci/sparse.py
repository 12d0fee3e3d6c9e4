"""``fastsci.sparse``: ``scipy.sparse.linalg``'s solvers and ``scipy.io``'s Matrix Market
files on fastsci-sparse, for SciPy's own sparse matrices and arrays.

Change one import line::

    from fastsci.sparse import cg, spsolve     # was: from scipy.sparse.linalg import cg, spsolve

Matrices are SciPy's ``csr``/``csc``/``coo`` matrices or arrays (any object with ``format``,
``shape`` and the format's arrays), with 32- or 64-bit indices, or dense 2-d NumPy arrays.
:func:`matvec` reads CSR arrays in place (no copy) on all cores; the solvers build
fastsci-sparse's canonical CSR once (one pass over the entries) and run with the GIL released.
Results are NumPy arrays.

- :func:`spsolve`: Cholesky for symmetric positive definite matrices, LU otherwise.
- :func:`cg`, :func:`bicgstab`, :func:`gmres`, :func:`minres`: SciPy's signatures
  (``x0, rtol, atol, maxiter, M``) returning ``(x, info)``; ``M`` is a preconditioner from
  :func:`preconditioner` (``jacobi``, ``ilu0``, ``ic0``, ``ssor``), a ``LinearOperator`` or a
  callable. ``callback`` is not supported (fastsci-sparse's solvers have no per-iteration hook):
  passing one raises ``NotImplementedError``.
- :func:`lsqr`: SciPy's 10-tuple.
- :func:`cholesky`, :func:`splu`, :func:`factorized`: factor objects with ``.solve(b)``.
- :func:`mmread`, :func:`mmwrite`.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._fastsci import _sparse as _core

__all__ = [
    "Factor",
    "Preconditioner",
    "bicgstab",
    "cg",
    "cholesky",
    "factorized",
    "gmres",
    "lsqr",
    "matvec",
    "minres",
    "mmread",
    "mmwrite",
    "preconditioner",
    "spsolve",
    "splu",
]

Preconditioner = _core.Preconditioner


def _index(a: np.ndarray) -> np.ndarray:
    if a.dtype in (np.int32, np.int64):
        return a
    return a.astype(np.int64)


def _parts(A: Any) -> tuple:
    """``(format, shape, indptr or row, indices or col, data)`` of a SciPy sparse matrix
    without copying its arrays (a copy only where the values are not float64)."""
    fmt = getattr(A, "format", None)
    if fmt is None:
        dense = np.asarray(A, dtype=float)
        if dense.ndim != 2:
            raise TypeError(f"expected a sparse matrix or a 2-d array, got {type(A).__name__}")
        rows, cols = np.nonzero(dense)
        return ("coo", dense.shape, rows.astype(np.int64), cols.astype(np.int64), np.ascontiguousarray(dense[rows, cols]))
    data = np.ascontiguousarray(A.data, dtype=np.float64)
    shape = tuple(int(s) for s in A.shape)
    if fmt in ("csr", "csc"):
        return (fmt, shape, _index(np.ascontiguousarray(A.indptr)), _index(np.ascontiguousarray(A.indices)), data)
    if fmt == "coo":
        return (fmt, shape, _index(np.ascontiguousarray(A.row)), _index(np.ascontiguousarray(A.col)), data)
    if hasattr(A, "tocsr"):
        return _parts(A.tocsr())
    raise TypeError(f"unsupported sparse format {fmt!r}")


def matvec(A, x, out=None):
    """``A @ x`` on all cores, into ``out`` when given (a float64 vector of ``A.shape[0]``).

    A CSR matrix's arrays are read in place. Returns ``out``."""
    parts = _parts(A)
    x = np.ascontiguousarray(x, dtype=np.float64)
    if out is None:
        out = np.empty(parts[1][0])
    elif out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError("out must be a C-contiguous float64 array")
    _core.matvec(parts, x, out)
    return out


def preconditioner(A, kind="ilu0", omega=1.0):
    """A preconditioner for ``A``, usable as ``M=`` of the Krylov solvers: ``jacobi``,
    ``ilu0``, ``ic0`` (symmetric positive definite ``A``) or ``ssor`` (with ``omega``)."""
    return _core.Preconditioner(kind, _parts(A), float(omega))


def _tolerances(b, rtol, atol, tol):
    if tol is not None:
        rtol = tol
    return float(rtol), float(atol)


def _iterative(method, A, b, x0, rtol, atol, maxiter, M, callback, restart=None):
    if callback is not None:
        raise NotImplementedError(
            f"fastsci.sparse.{method}: callback is not supported (fastsci-sparse has no per-iteration hook)"
        )
    b = np.ascontiguousarray(np.ravel(b), dtype=np.float64)
    x0 = None if x0 is None else [float(v) for v in np.ravel(x0)]
    x, info, _iterations, _residual = _core.iterative(
        method, _parts(A), b, x0, rtol, atol, None if maxiter is None else int(maxiter), M, restart
    )
    return x, int(info)


def cg(A, b, x0=None, *, rtol=1e-5, atol=0.0, maxiter=None, M=None, callback=None):
    """Conjugate gradients for symmetric positive definite ``A``, as
    ``scipy.sparse.linalg.cg``: ``(x, info)``, ``info = 0`` when ``||b - A x|| <=
    max(rtol ||b||, atol)`` (the true residual), else the iterations done."""
    return _iterative("cg", A, b, x0, float(rtol), float(atol), maxiter, M, callback)


def bicgstab(A, b, x0=None, *, rtol=1e-5, atol=0.0, maxiter=None, M=None, callback=None):
    """BiCGSTAB for general square ``A``, as ``scipy.sparse.linalg.bicgstab``."""
    return _iterative("bicgstab", A, b, x0, float(rtol), float(atol), maxiter, M, callback)


def gmres(A, b, x0=None, *, rtol=1e-5, atol=0.0, restart=None, maxiter=None, M=None, callback=None, callback_type=None):
    """Restarted GMRES, as ``scipy.sparse.linalg.gmres`` (``restart`` default 20)."""
    return _iterative("gmres", A, b, x0, float(rtol), float(atol), maxiter, M, callback, None if restart is None else int(restart))


def minres(A, b, x0=None, *, rtol=1e-5, shift=0.0, maxiter=None, M=None, callback=None, show=False, check=False):
    """MINRES for symmetric (possibly indefinite) ``A``, as ``scipy.sparse.linalg.minres``."""
    if shift != 0.0:
        raise NotImplementedError("fastsci.sparse.minres: shift is not supported")
    return _iterative("minres", A, b, x0, float(rtol), 0.0, maxiter, M, callback)


def lsqr(A, b, damp=0.0, atol=1e-6, btol=1e-6, conlim=1e8, iter_lim=None, show=False, calc_var=False, x0=None):
    """Least squares ``min ||A x - b||`` (any shape), as ``scipy.sparse.linalg.lsqr``:
    ``(x, istop, itn, r1norm, r2norm, anorm, acond, arnorm, xnorm, var)``. ``anorm`` and
    ``acond`` (which fastsci-sparse does not estimate) are NaN, ``var`` is None."""
    if x0 is not None or calc_var:
        raise NotImplementedError("fastsci.sparse.lsqr: x0 and calc_var are not supported")
    b = np.ascontiguousarray(np.ravel(b), dtype=np.float64)
    x, istop, itn, r1norm, arnorm = _core.lsqr(
        _parts(A), b, float(damp), float(atol), float(btol), float(conlim), None if iter_lim is None else int(iter_lim)
    )
    xnorm = float(np.linalg.norm(x))
    r2norm = math.hypot(r1norm, damp * xnorm)
    return x, int(istop), int(itn), r1norm, r2norm, math.nan, math.nan, arnorm, xnorm, None


class Factor:
    """A sparse factorization of a square matrix; ``solve(b)`` for a vector or a matrix of
    right-hand sides (columns)."""

    def __init__(self, method: str, A: Any):
        self._f = _core.Factor(method, _parts(A))
        self.shape = self._f.shape

    @property
    def method(self) -> str:
        """``"cholesky"`` or ``"lu"``."""
        return self._f.method

    def solve(self, b):
        """``A^{-1} b``; ``b`` of shape ``(n,)`` or ``(n, k)``."""
        b = np.asarray(b, dtype=np.float64)
        n = self.shape[0]
        if b.shape[0] != n or b.ndim > 2:
            raise ValueError(f"b must have shape ({n},) or ({n}, k), got {b.shape}")
        if b.ndim == 1:
            return self._f.solve_columns(np.ascontiguousarray(b), 1)
        k = b.shape[1]
        x = self._f.solve_columns(np.ascontiguousarray(b.T).ravel(), k)
        return x.reshape(k, n).T.copy()

    __call__ = solve

    def __repr__(self) -> str:
        return f"<fastsci.sparse.Factor {self.method} of a {self.shape[0]} x {self.shape[1]} matrix>"


def cholesky(A) -> Factor:
    """The sparse Cholesky factorization ``A = L L^T`` of a symmetric positive definite matrix
    (fill-reducing ordering; SciPy has none; ``scikit-sparse``'s ``cholesky`` is the analogue)."""
    return Factor("cholesky", A)


def splu(A, permc_spec=None, diag_pivot_thresh=None, relax=None, panel_size=None, options=None) -> Factor:
    """The sparse LU factorization (COLAMD, partial pivoting), as ``scipy.sparse.linalg.splu``
    for solving: the result has ``.solve(b)``."""
    return Factor("lu", A)


def factorized(A) -> Callable[[np.ndarray], np.ndarray]:
    """A function solving ``A x = b``, as ``scipy.sparse.linalg.factorized`` (Cholesky for
    SPD matrices, LU otherwise)."""
    return Factor("auto", A).solve


def spsolve(A, b, permc_spec=None, use_umfpack=True):
    """Solves ``A x = b`` directly, as ``scipy.sparse.linalg.spsolve``: Cholesky for symmetric
    positive definite ``A``, LU otherwise. ``b`` a vector or a dense matrix."""
    if hasattr(b, "toarray"):
        b = b.toarray()
    b = np.asarray(b, dtype=np.float64)
    x = Factor("auto", A).solve(b)
    if b.ndim == 2 and b.shape[1] == 1:
        return x.ravel()
    return x


def mmread(source):
    """Reads a Matrix Market file, as ``scipy.io.mmread``: a ``scipy.sparse.coo_array`` when
    SciPy is importable, else ``(data, (row, col), shape)``, the arguments that build one."""
    nrows, ncols, rows, cols, values = _core.mmread(str(source))
    try:
        from scipy.sparse import coo_array
    except ImportError:
        return values, (rows, cols), (nrows, ncols)
    return coo_array((values, (rows, cols)), shape=(nrows, ncols))


def mmwrite(target, a, comment=None, field=None, precision=None, symmetry=None):
    """Writes a sparse (or dense 2-d) matrix as a Matrix Market coordinate file (real,
    general), atomically. ``.mtx`` is appended to a name without it, as SciPy does."""
    target = str(target)
    if not target.endswith(".mtx"):
        target += ".mtx"
    _core.mmwrite(target, _parts(a))
