"""SciPy's Krylov solver cases (scipy/sparse/linalg/_isolve/tests/test_iterative.py: the
Poisson 1-D/2-D, random SPD, nonsymmetric and symmetric indefinite systems, the convergence
criterion ``||b - A x|| <= max(rtol ||b||, atol)``, ``maxiter``, ``x0``, ``M``) and lsqr's
basic case, re-run against fastsci.sparse; direct solves, factor objects, ``matvec`` and Matrix
Market files against scipy.sparse on the same matrices."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from fastsci import sparse as fs

sp = pytest.importorskip("scipy.sparse")
sla = pytest.importorskip("scipy.sparse.linalg")
scipy_io = pytest.importorskip("scipy.io")


def poisson1d(n=10):
    return sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n)).tocsr()


def poisson2d(n=10):
    t = poisson1d(n)
    return (sp.kron(sp.eye(n), t) + sp.kron(t, sp.eye(n))).tocsr()


def random_spd(n=40, seed=1234):
    rng = np.random.default_rng(seed)
    r = rng.random((n, n))
    return sp.csr_matrix(r @ r.T + n * np.eye(n))


def nonsymmetric(n=40, seed=5678):
    rng = np.random.default_rng(seed)
    a = sp.random(n, n, density=0.2, random_state=np.random.RandomState(seed), format="csr")
    return (a + sp.diags(4.0 + rng.random(n))).tocsr()


def indefinite(n=20):
    d = np.arange(1.0, n + 1) * np.where(np.arange(n) % 2, -1.0, 1.0)
    return (sp.diags(d) + 0.1 * (sp.eye(n, k=1) + sp.eye(n, k=-1))).tocsr()


CASES = {
    "poisson1d": (poisson1d, {"cg", "bicgstab", "gmres", "minres"}),
    "poisson2d": (poisson2d, {"cg", "bicgstab", "gmres", "minres"}),
    "random_spd": (random_spd, {"cg", "bicgstab", "gmres", "minres"}),
    "nonsymmetric": (nonsymmetric, {"bicgstab", "gmres"}),
    "indefinite": (indefinite, {"gmres", "minres"}),
}


@pytest.mark.parametrize("case, solver", [(c, s) for c in sorted(CASES) for s in sorted(CASES[c][1])])
def test_krylov_convergence(case, solver):
    A = CASES[case][0]()
    b = np.arange(A.shape[0], dtype=float) % 3 + 1.0
    rtol = 1e-8
    x, info = getattr(fs, solver)(A, b, rtol=rtol, maxiter=10 * A.shape[0])
    assert info == 0
    assert np.linalg.norm(b - A @ x) <= rtol * np.linalg.norm(b) * (1 + 1e-12)
    xs, info_s = getattr(sla, solver)(A, b, rtol=rtol, maxiter=10 * A.shape[0])
    assert_allclose(x, xs, atol=1e-5 * np.abs(xs).max())


def test_maxiter_reports_iterations():
    A = poisson2d(20)
    b = np.ones(A.shape[0])
    x, info = fs.cg(A, b, rtol=1e-12, maxiter=3)
    assert info > 0


def test_x0_and_atol():
    A = poisson1d(50)
    b = np.ones(50)
    exact = sla.spsolve(A.tocsc(), b)
    x, info = fs.cg(A, b, x0=exact, rtol=0.0, atol=1e-10)
    assert info == 0 and np.allclose(x, exact)


@pytest.mark.parametrize("kind", ["jacobi", "ilu0", "ic0", "ssor"])
def test_preconditioners_as_M(kind):
    A = poisson2d(15)
    b = np.ones(A.shape[0])
    plain = fs.cg(A, b, rtol=1e-10)
    M = fs.preconditioner(A, kind)
    x, info = (fs.cg if kind != "ilu0" else fs.gmres)(A, b, rtol=1e-10, M=M)
    assert info == 0 and np.linalg.norm(b - A @ x) <= 1e-10 * np.linalg.norm(b) * (1 + 1e-12)
    assert_allclose(x, plain[0], atol=1e-7)


def test_linear_operator_M_and_its_errors():
    A = poisson1d(30)
    b = np.ones(30)
    M = sla.LinearOperator(A.shape, matvec=lambda r: r / 2.0)
    x, info = fs.cg(A, b, M=M, rtol=1e-10)
    assert info == 0

    def broken(r):
        raise ArithmeticError("from M")

    with pytest.raises(ArithmeticError, match="from M"):
        fs.cg(A, b, M=broken)


def test_callback_is_refused_clearly():
    with pytest.raises(NotImplementedError):
        fs.cg(poisson1d(), np.ones(10), callback=lambda xk: None)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("itype", [np.int32, np.int64])
def test_formats_and_index_widths(fmt, itype):
    A = nonsymmetric(60).asformat(fmt)
    for name in ("indptr", "indices", "row", "col"):
        if hasattr(A, name):
            setattr(A, name, getattr(A, name).astype(itype))
    x = np.linspace(-1, 1, 60)
    assert_allclose(fs.matvec(A, x), A @ x, rtol=1e-14, atol=1e-14)
    b = A @ x
    assert_allclose(fs.spsolve(A, b), sla.spsolve(A.tocsc(), b), rtol=1e-10)


def test_matvec_out_is_written_in_place_and_large_is_parallel():
    A = poisson2d(300)
    x = np.random.default_rng(3).random(A.shape[0])
    out = np.empty(A.shape[0])
    res = fs.matvec(A, x, out=out)
    assert res is out
    assert_allclose(out, A @ x, rtol=1e-13)


def test_matvec_shape_errors():
    with pytest.raises(ValueError):
        fs.matvec(poisson1d(10), np.ones(11))


@pytest.mark.parametrize("bad", [10, -1])
def test_matvec_refuses_indices_outside_the_matrix(bad):
    A = poisson1d(10)
    A.indices = A.indices.copy()
    A.indices[3] = bad
    with pytest.raises(ValueError, match="outside the matrix"):
        fs.matvec(A, np.ones(10))


def test_spsolve_matrix_rhs_and_factors():
    A = poisson2d(12)
    B = np.random.default_rng(0).random((A.shape[0], 3))
    X = fs.spsolve(A, B)
    assert_allclose(A @ X, B, atol=1e-11)
    F = fs.cholesky(A)
    assert F.method == "cholesky"
    assert_allclose(A @ F.solve(B[:, 0]), B[:, 0], atol=1e-11)
    N = nonsymmetric(50)
    L = fs.splu(N)
    assert_allclose(L.solve(np.ones(50)), sla.splu(N.tocsc()).solve(np.ones(50)), rtol=1e-10)
    solve = fs.factorized(A)
    assert_allclose(A @ solve(B[:, 1]), B[:, 1], atol=1e-11)


def test_cholesky_refuses_indefinite():
    with pytest.raises(ValueError):
        fs.cholesky(indefinite())


def test_lsqr_basic():
    rng = np.random.default_rng(7)
    A = sp.random(30, 12, density=0.4, random_state=np.random.RandomState(7), format="csr") + sp.eye(30, 12)
    b = rng.random(30)
    out = fs.lsqr(A, b, atol=1e-12, btol=1e-12)
    ref = np.linalg.lstsq(A.toarray(), b, rcond=None)[0]
    assert len(out) == 10 and out[1] in (1, 2)
    assert_allclose(out[0], ref, rtol=1e-8)


def test_mmread_mmwrite_round_trip_with_scipy(tmp_path):
    A = nonsymmetric(25)
    fs.mmwrite(tmp_path / "a", A)
    back = scipy_io.mmread(tmp_path / "a.mtx")
    assert abs(back - A).max() == 0
    scipy_io.mmwrite(tmp_path / "b.mtx", A)
    ours = fs.mmread(tmp_path / "b.mtx")
    assert abs(ours - A).max() < 1e-15


def test_mmread_missing_file():
    with pytest.raises(FileNotFoundError):
        fs.mmread("/nonexistent/a.mtx")
