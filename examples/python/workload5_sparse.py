#!/usr/bin/env python3
"""Workload 5, sparse matrices, from Python: scipy.sparse / scipy.sparse.linalg and fastsci.sparse
on the same SciPy matrices, equal results checked.

A 10,000 x 10,000 tridiagonal matrix (3 diagonals of random values): dense vs CSR memory and
the matrix-vector product; then the 5-point 2-D Laplacian on a 1000 x 1000 grid (1,000,000
rows) for SpMV, and the same operator on a 300 x 300 grid solved iteratively (CG to 1e-8) and
directly.

    python examples/python/workload5_sparse.py [--small]
"""

import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from fastsci import sparse as fs

SMALL = "--small" in sys.argv


def timed(f, *args, **kw):
    t0 = time.perf_counter()
    out = f(*args, **kw)
    return out, time.perf_counter() - t0


def best(f, *args, rounds=20, **kw):
    """The fastest of ``rounds`` runs (for the short products, where one run is noise)."""
    runs = [timed(f, *args, **kw) for _ in range(rounds)]
    return runs[-1][0], min(t for _, t in runs)


def laplacian_2d(n):
    t = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n))
    return (sp.kron(sp.eye(n), t) + sp.kron(t, sp.eye(n))).tocsr()


def main():
    rng = np.random.default_rng(42)
    n = 2_000 if SMALL else 10_000
    tri = sp.diags([rng.random(n - 1), rng.random(n), rng.random(n - 1)], [-1, 0, 1], format="csr")
    dense_bytes = n * n * 8
    csr_bytes = tri.data.nbytes + tri.indices.nbytes + tri.indptr.nbytes
    print(f"tridiagonal {n} x {n}: dense {dense_bytes / 1e6:.1f} MB, CSR {csr_bytes / 1e6:.2f} MB ({dense_bytes / csr_bytes:.0f}x smaller)")
    x = rng.random(n)
    ys, t_s = best(lambda: tri @ x)
    yf, t_f = best(fs.matvec, tri, x)
    assert np.allclose(ys, yf, rtol=1e-14, atol=0), "SpMV results differ"
    print(f"  SpMV: scipy {1e6 * t_s:8.1f} us   fastsci {1e6 * t_f:8.1f} us   equal")

    g = 200 if SMALL else 1000
    A = laplacian_2d(g)
    x = rng.random(A.shape[0])
    out = np.empty(A.shape[0])
    fs.matvec(A, x, out=out)
    ys, t_s = best(lambda: A @ x)
    _, t_f = best(fs.matvec, A, x, out=out)
    assert np.allclose(ys, out, rtol=1e-13)
    print(f"Laplacian {g}x{g} ({A.shape[0]:,} rows) SpMV: scipy {1e3 * t_s:6.2f} ms   fastsci {1e3 * t_f:6.2f} ms   equal")

    g = 100 if SMALL else 300
    A = laplacian_2d(g)
    b = np.ones(A.shape[0])
    (xs, info_s), t_s = timed(sla.cg, A, b, rtol=1e-8)
    (xf, info_f), t_f = timed(fs.cg, A, b, rtol=1e-8)
    assert info_s == info_f == 0
    tol = 1e-8 * np.linalg.norm(b)
    assert np.linalg.norm(b - A @ xf) <= tol and np.allclose(xs, xf, rtol=1e-5)
    print(f"Laplacian {g}x{g} CG to 1e-8: scipy {1e3 * t_s:7.1f} ms   fastsci {1e3 * t_f:7.1f} ms   equal to 1e-5")
    Acsc = A.tocsc()
    xs, t_s = timed(sla.spsolve, Acsc, b)
    xf, t_f = timed(fs.spsolve, A, b)
    assert np.allclose(xs, xf, rtol=1e-9)
    print(f"Laplacian {g}x{g} direct:     scipy {1e3 * t_s:7.1f} ms   fastsci {1e3 * t_f:7.1f} ms   equal to 1e-9 (SuperLU vs Cholesky)")


if __name__ == "__main__":
    main()
