"""Python side of the fastsci-sparse rows: scipy.sparse on the same matrices.

prepare writes the 2-D Laplacians as CSR arrays (indptr, indices, data .npy files) and the
vectors, so both sides multiply and solve exactly the same matrix.
"""

import os

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from common import median_seconds, vector_answer


def laplacian_2d(n):
    one = sp.diags_array([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], offsets=[-1, 0, 1])
    eye = sp.eye_array(n)
    a = sp.csr_array(sp.kron(one, eye) + sp.kron(eye, one))
    a.sort_indices()
    return a


def _save(path, array):
    tmp = path + ".partial.npy"
    np.save(tmp, array)
    os.replace(tmp, path)


def _prepare_laplacian(data, n):
    stem = os.path.join(data, f"lap2d_{n}")
    if os.path.exists(stem + "_data.npy"):
        return
    a = laplacian_2d(n)
    _save(stem + "_indptr.npy", a.indptr.astype(np.int64))
    _save(stem + "_indices.npy", a.indices.astype(np.int32))
    _save(stem + "_data.npy", a.data.astype(np.float64))


def _load_laplacian(data, n):
    stem = os.path.join(data, f"lap2d_{n}")
    indptr = np.load(stem + "_indptr.npy")
    indices = np.load(stem + "_indices.npy")
    values = np.load(stem + "_data.npy")
    m = len(indptr) - 1
    return sp.csr_array((values, indices, indptr.astype(np.int32)), shape=(m, m))


def prepare_spmv(data):
    _prepare_laplacian(data, 1000)
    path = os.path.join(data, "spmv_x_1m.npy")
    if not os.path.exists(path):
        _save(path, np.random.default_rng(5).standard_normal(1_000_000))


def run_spmv(data):
    a = _load_laplacian(data, 1000)
    x = np.load(os.path.join(data, "spmv_x_1m.npy"))
    return {"seconds": median_seconds(lambda: a @ x, warmup=3, reps=25), "tool": "scipy.sparse " + scipy.__version__,
            "answer": vector_answer(a @ x), "threads": 1}


def prepare_solve(data):
    _prepare_laplacian(data, 300)


def run_cg(data):
    a = _load_laplacian(data, 300)
    b = np.ones(a.shape[0])
    iterations = [0]

    def count(_xk):
        iterations[0] += 1
    x, info = spla.cg(a, b, rtol=1e-8, maxiter=10 * a.shape[0], callback=count)
    assert info == 0
    seconds = median_seconds(lambda: spla.cg(a, b, rtol=1e-8, maxiter=10 * a.shape[0]), warmup=1, reps=5)
    relres = float(np.linalg.norm(b - a @ x) / np.linalg.norm(b))
    return {"seconds": seconds, "tool": "scipy cg " + scipy.__version__, "threads": 1,
            "answer": {"x": vector_answer(x), "iterations": iterations[0], "relres": relres}}


def run_spsolve(data):
    a = _load_laplacian(data, 300).tocsc()
    b = np.ones(a.shape[0])
    seconds = median_seconds(lambda: spla.spsolve(a, b), warmup=1, reps=5)
    return {"seconds": seconds, "tool": "scipy spsolve " + scipy.__version__ + " (SuperLU)", "threads": 1,
            "answer": {"x": vector_answer(spla.spsolve(a, b))}}


def run_pardiso(data):
    """MKL PARDISO through pypardiso, analysis + factorization + solve every time (the stored
    factorization is dropped first, as fastsci's side factors every time too); the matrix as
    real symmetric positive definite (mtype 2, upper triangle), PARDISO's strongest setting
    for this matrix."""
    import importlib.metadata
    import pypardiso
    a = sp.csr_matrix(sp.triu(_load_laplacian(data, 300), format="csr"))
    a.sort_indices()
    b = np.ones(a.shape[0])
    solver = pypardiso.PyPardisoSolver(mtype=2)

    def once():
        solver.remove_stored_factorization()
        return solver.solve(a, b)
    seconds = median_seconds(once, warmup=1, reps=5)
    return {"seconds": seconds, "tool": "pypardiso " + importlib.metadata.version("pypardiso") + " (MKL, SPD)",
            "threads": int(os.environ.get("MKL_NUM_THREADS", os.cpu_count())),
            "answer": {"x": vector_answer(once())}}


def run_cholespy(data):
    """cholespy's supernodal Cholesky (CHOLMOD's algorithm), analysis + factorization + solve."""
    import importlib.metadata
    from cholespy import CholeskySolverD, MatrixType
    a = _load_laplacian(data, 300)
    n = a.shape[0]
    indptr, indices = a.indptr.astype(np.int32), a.indices.astype(np.int32)
    b = np.ones(n)

    def once():
        x = np.zeros(n)
        CholeskySolverD(n, indptr, indices, a.data, MatrixType.CSR).solve(b, x)
        return x
    seconds = median_seconds(once, warmup=1, reps=5)
    return {"seconds": seconds, "tool": "cholespy " + importlib.metadata.version("cholespy"), "threads": 1,
            "answer": {"x": vector_answer(once())}}


ROWS = {
    "spmv-lap2d": {"prepare": prepare_spmv, "run": run_spmv},
    "cg-lap2d": {"prepare": prepare_solve, "run": run_cg},
    "spsolve-lap2d": {"prepare": prepare_solve, "run": run_spsolve},
    "spsolve-pardiso": {"prepare": prepare_solve, "run": run_pardiso},
    "spsolve-cholesky": {"prepare": prepare_solve, "run": run_cholespy},
}
