"""SciPy's test_quadpack.py cases (and test_quadrature.py's sampled rules, scipy.differentiate's
basic checks) re-run against fastsci.integrate, with SciPy's expected values (closed forms
from those tests), plus side-by-side runs against scipy.integrate on the same problems.

Written from SciPy 1.17's tests (scipy/integrate/tests/test_quadpack.py); cases that use
ctypes/LowLevelCallable integrands, which fastsci does not accept, are replaced by the same
integrands as @fastsci.jit kernels and formulas.
"""

import math
import warnings
from math import cos, exp, log, pi, sin, sqrt

import numpy as np
import pytest
from numpy import arctan
from numpy.testing import assert_allclose

import fastsci
from fastsci import integrate
from fastsci.integrate import IntegrationWarning, dblquad, nquad, quad, tplquad

import scipy_kernels as kernels

scipy_integrate = pytest.importorskip("scipy.integrate")


def assert_quad(value_and_err, tabled_value, error_tolerance=1.5e-8):
    value, err = value_and_err[0], value_and_err[1]
    assert_allclose(value, tabled_value, atol=err, rtol=0)
    if error_tolerance is not None:
        assert err < error_tolerance


# --- TestQuad ---------------------------------------------------------------------------


def test_typical():
    def myfunc(x, n, z):
        return cos(n * x - z * sin(x)) / pi

    assert_quad(quad(myfunc, 0, pi, (2, 1.8)), 0.30614353532540296487)


def test_typical_jit_with_args():
    assert_quad(quad(kernels.bessel_integrand, 0, pi, (2.0, 1.8)), 0.30614353532540296487)


def test_indefinite():
    def myfunc(x):
        return -exp(-x) * log(x)

    assert_quad(quad(myfunc, 0, np.inf), 0.577215664901532860606512)


def test_indefinite_formula():
    assert_quad(quad("-exp(-x)*log(x)", 0, np.inf), 0.577215664901532860606512)


def test_singular():
    def myfunc(x):
        if 0 < x < 2.5:
            return sin(x)
        elif 2.5 <= x <= 5.0:
            return exp(-x)
        return 0.0

    assert_quad(quad(myfunc, 0, 10, points=[2.5, 5.0]), 1 - cos(2.5) + exp(-2.5) - exp(-5.0))


def test_sine_weighted_finite():
    def myfunc(x, a):
        return exp(a * (x - 1))

    ome = 2.0**3.4
    assert_quad(
        quad(myfunc, 0, 1, args=20, weight="sin", wvar=ome),
        (20 * sin(ome) - ome * cos(ome) + ome * exp(-20)) / (20**2 + ome**2),
    )


def test_sine_weighted_infinite():
    def myfunc(x, a):
        return exp(-x * a)

    a, ome = 4.0, 3.0
    assert_quad(quad(myfunc, 0, np.inf, args=a, weight="sin", wvar=ome), ome / (a**2 + ome**2))


def test_cosine_weighted_infinite():
    def myfunc(x, a):
        return exp(x * a)

    a, ome = 2.5, 2.3
    assert_quad(quad(myfunc, -np.inf, 0, args=a, weight="cos", wvar=ome), a / (a**2 + ome**2))


def test_algebraic_log_weight():
    def myfunc(x, a):
        return 1 / (1 + x + 2 ** (-a))

    a = 1.5
    assert_quad(quad(myfunc, -1, 1, args=a, weight="alg", wvar=(-0.5, -0.5)), pi / sqrt((1 + 2 ** (-a)) ** 2 - 1))


def test_cauchypv_weight():
    def myfunc(x, a):
        return 2.0 ** (-a) / ((x - 1) ** 2 + 4.0 ** (-a))

    a = 0.4
    tabled = (
        2.0 ** (-0.4) * log(1.5)
        - 2.0 ** (-1.4) * log((4.0 ** (-a) + 16) / (4.0 ** (-a) + 1))
        - arctan(2.0 ** (a + 2))
        - arctan(2.0**a)
    ) / (4.0 ** (-a) + 1)
    assert_quad(quad(myfunc, 0, 5, args=0.4, weight="cauchy", wvar=2.0), tabled, error_tolerance=1.9e-8)


def test_b_less_than_a():
    def f(x, p, q):
        return p * np.exp(-q * x)

    val_1, err_1 = quad(f, 0, np.inf, args=(2, 3))
    val_2, err_2 = quad(f, np.inf, 0, args=(2, 3))
    assert_allclose(val_1, -val_2, atol=max(err_1, err_2))


def test_b_less_than_a_2():
    def f(x, s):
        return np.exp(-(x**2) / 2 / s) / np.sqrt(2.0 * s)

    val_1, err_1 = quad(f, -np.inf, np.inf, args=(2,))
    val_2, err_2 = quad(f, np.inf, -np.inf, args=(2,))
    assert_allclose(val_1, -val_2, atol=max(err_1, err_2))


@pytest.mark.xfail(reason="b < a with a weight: fastsci-integrate's QAWS refuses b < a instead of flipping the sign", strict=True)
def test_b_less_than_a_3():
    val_1, err_1 = quad(lambda x: 1.0, 0, 1, weight="alg", wvar=(0, 0))
    val_2, err_2 = quad(lambda x: 1.0, 1, 0, weight="alg", wvar=(0, 0))
    assert_allclose(val_1, -val_2, atol=max(err_1, err_2))


def test_b_equals_a():
    zero, err, info = quad(lambda x: 1 / x, 0.0, 0.0, full_output=1)
    assert (zero, err) == (0.0, 0.0)
    assert info["neval"] == 0 and info["last"] == 0


def test_complex():
    assert np.allclose(quad(lambda x: np.exp(1j * x), 0, np.pi / 2, complex_func=True)[0], 1 + 1j)


# --- TestDblquad / TestTplquad / TestNQuad ------------------------------------------------


def test_double_integral():
    a, b = 1.0, 2.0
    assert_quad(dblquad(lambda y, x: x + y, a, b, lambda x: x, lambda x: 2 * x), 5 / 6.0 * (b**3.0 - a**3.0))


def test_double_integral2():
    def func(x0, x1, t0, t1):
        return x0 + x1 + t0 + t1

    assert_quad(dblquad(func, 1, 2, lambda x: x, lambda x: 2 * x, args=(1, 2)), 35.0 / 6 + 9 * 0.5)


def test_double_integral3():
    assert_quad(dblquad(lambda x0, x1: x0 + x1 + 1 + 2, 1, 2, 1, 2), 6.0)


def test_triple_integral():
    def simpfunc(z, y, x, t):
        return (x + y + z) * t

    a, b = 1.0, 2.0
    assert_quad(
        tplquad(simpfunc, a, b, lambda x: x, lambda x: 2 * x, lambda x, y: x - y, lambda x, y: x + y, (2.0,)),
        2 * 8 / 3.0 * (b**4.0 - a**4.0),
    )


@pytest.mark.xfail(
    run=False,
    reason="SciPy passes the discontinuity as a per-level break point depending on the outer "
    "variables (opts=[callable, ...]); fastsci-integrate's nquad takes one set of options for all "
    "levels, and without the break point this 4-D Python integrand takes minutes",
)
def test_fixed_limits():
    def func1(x0, x1, x2, x3):
        return x0**2 + x1 * x2 - x3**3 + np.sin(x0) + (1 if (x0 - 0.2 * x3 - 0.5 - 0.25 * x1 > 0) else 0)

    res = nquad(func1, [[0, 1], [-1, 1], [0.13, 0.8], [-0.15, 1]], full_output=True)
    # SciPy passes the discontinuity as a break point through `opts`; without it the
    # inner integrals need more subdivisions and reach a looser error, so the value is
    # checked to SciPy's figures at the error reached.
    assert_allclose(res[0], 1.5267454070738635, atol=max(res[1], 1e-7))
    assert 0 < res[-1]["neval"] < 4e5


@pytest.mark.xfail(
    run=False,
    reason="as test_fixed_limits: per-level break points from opts callables are not supported, "
    "and the 4-D discontinuous Python integrand then takes minutes",
)
def test_variable_limits():
    scale = 0.1

    def func2(x0, x1, x2, x3, t0, t1):
        return x0 * x1 * x3**2 + np.sin(x2) + 1 + (1 if x0 + t1 * x1 - t0 > 0 else 0)

    def lim0(x1, x2, x3, t0, t1):
        return [scale * (x1**2 + x2 + np.cos(x3) * t0 * t1 + 1) - 1, scale * (x1**2 + x2 + np.cos(x3) * t0 * t1 + 1) + 1]

    def lim1(x2, x3, t0, t1):
        return [scale * (t0 * x2 + t1 * x3) - 1, scale * (t0 * x2 + t1 * x3) + 1]

    def lim2(x3, t0, t1):
        return [scale * (x3 + t0**2 * t1**3) - 1, scale * (x3 + t0**2 * t1**3) + 1]

    def lim3(t0, t1):
        return [scale * (t0 + t1) - 1, scale * (t0 + t1) + 1]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        res = nquad(func2, [lim0, lim1, lim2, lim3], args=(0, 0))
    assert_allclose(res[0], 25.066666666666663, rtol=1e-6)


def test_square_separate_ranges_and_opts():
    assert_quad(nquad(lambda y, x: 1.0, [[-1, 1], [-1, 1]], opts=[{}, {}]), 4.0)


def test_square_aliased_fn_ranges_and_opts():
    def fn_range(*args):
        return (-1, 1)

    assert_quad(nquad(lambda y, x: 1.0, [fn_range, fn_range], opts=[{}, {}]), 4.0)


def test_matching_quad():
    res, reserr = quad(lambda x: x**2 + 1, 0, 4)
    res2, reserr2 = nquad(lambda x: x**2 + 1, ranges=[[0, 4]])
    assert_allclose(res, res2, rtol=1e-14)


def test_matching_dblquad():
    def func2d(x0, x1):
        return x0**2 + x1**3 - x0 * x1 + 1

    res, _ = dblquad(func2d, -2, 2, lambda x: -3, lambda x: 3)
    res2, _ = nquad(func2d, [[-3, 3], (-2, 2)])
    assert_allclose(res, res2, rtol=1e-14)


def test_matching_tplquad():
    def func3d(x0, x1, x2, c0, c1):
        return x0**2 + c0 * x1**3 - x0 * x1 + 1 + c1 * np.sin(x2)

    res = tplquad(func3d, -1, 2, lambda x: -2, lambda x: 2, lambda x, y: -np.pi, lambda x, y: np.pi, args=(2, 3))
    res2 = nquad(func3d, [[-np.pi, np.pi], [-2, 2], (-1, 2)], args=(2, 3))
    assert_allclose(res[0], res2[0], rtol=1e-14)


def test_dict_as_opts():
    nquad(lambda x, y: x * y, [[0, 1], [0, 1]], opts={"epsrel": 0.0001})


# --- test_quadrature.py: fixed_quad and the sampled rules -----------------------------------


def test_fixed_quad_scalar():
    n = 5
    assert_allclose(integrate.fixed_quad(lambda x: x ** (2 * n - 1), 0, 1, n=n)[0], 1 / (2 * n), rtol=1e-14)


def test_trapezoid_simpson_romb():
    x = np.linspace(0, 1, 17)
    assert_allclose(integrate.trapezoid(x**2, x), scipy_integrate.trapezoid(x**2, x), rtol=1e-15)
    assert_allclose(integrate.simpson(x**3, x=x), 0.25, rtol=1e-14)
    assert_allclose(integrate.romb(np.exp(x), dx=1 / 16), math.e - 1, rtol=1e-12)
    y = np.arange(10.0)
    assert_allclose(integrate.simpson(y**2, dx=0.5), scipy_integrate.simpson(y**2, dx=0.5), rtol=1e-14)


# --- the three kinds of callables, warnings, errors -------------------------------------------


SEED = "exp(-x**2)*log(1+x**2)"


def test_seed_integrand_three_kinds_equal_scipy():
    ref = scipy_integrate.quad(lambda x: math.exp(-(x**2)) * math.log(1 + x**2), 0, 5, full_output=1)
    for f, kind in ((kernels.seed_integrand, "jit"), (SEED, "formula"), (lambda x: math.exp(-(x**2)) * math.log(1 + x**2), "python")):
        value, err, info = quad(f, 0, 5, full_output=1)
        assert info["callable"] == kind
        assert_allclose(value, ref[0], rtol=1e-14)
        assert_allclose(err, ref[1], rtol=1e-6)
        assert info["neval"] == ref[2]["neval"] == 63
        assert info["last"] == ref[2]["last"]


@pytest.mark.parametrize(
    "f, a, b",
    [
        (lambda x: 1 / (1 + x**2), 0, np.inf),
        (lambda x: np.exp(-(x**2)), -np.inf, np.inf),
        (lambda x: np.sqrt(x) * np.log(x), 0, 1),
        (lambda x: np.cos(100 * x), 0, 1),
        (lambda x: x**-0.5, 0, 1),
    ],
)
def test_side_by_side_neval(f, a, b):
    ref = scipy_integrate.quad(f, a, b, full_output=1)
    got = quad(f, a, b, full_output=1)
    assert_allclose(got[0], ref[0], rtol=1e-13, atol=1e-15)
    assert got[2]["neval"] == ref[2]["neval"]


def test_warning_on_subdivision_limit():
    with pytest.warns(IntegrationWarning):
        quad(lambda x: np.sin(1 / x) if x else 0.0, 0.0, 1.0, limit=3)
    out = quad(lambda x: np.sin(1 / x) if x else 0.0, 0.0, 1.0, limit=3, full_output=1)
    assert len(out) == 4 and "limit" in out[3]


def test_python_exception_propagates_and_stops_calls():
    calls = []

    def f(x):
        calls.append(x)
        if len(calls) == 3:
            raise KeyError("from the integrand")
        return x

    with pytest.raises(KeyError, match="from the integrand") as info:
        quad(f, 0, 1)
    assert len(calls) == 3
    assert any(tb.name == "f" for tb in info.traceback)


def test_kernel_runtime_error_raises():
    with pytest.raises(ZeroDivisionError):
        quad(kernels.int_div_at_half, 0, 1)


def test_bad_formula_is_compile_error():
    with pytest.raises(fastsci.CompileError):
        quad("exp(-x**", 0, 1)


def test_quad_vec_matches_scipy():
    f = lambda x: np.array([x, x**2, np.sin(x)])  # noqa: E731
    res, err = integrate.quad_vec(f, 0, 1)
    ref, _ = scipy_integrate.quad_vec(f, 0, 1)
    assert_allclose(res, ref, rtol=1e-10)


def test_derivative_fields():
    res = integrate.derivative(np.sin, np.array([1.0, 2.0]))
    assert_allclose(res.df, np.cos([1.0, 2.0]), rtol=1e-12)
    assert np.all(res.success) and np.all(res.status == 0)
    assert np.all(np.abs(res.df - np.cos([1.0, 2.0])) <= res.error)
    assert set(res) >= {"df", "error", "success", "status", "nfev", "nit"}
    s = integrate.derivative("sin(x)", 1.0)
    assert_allclose(s.df, math.cos(1.0), rtol=1e-12) and s.callable == "formula"


def _progress_of_other_thread_during(call):
    """The moments a pure-Python thread made progress while ``call()`` ran in this thread,
    counted in the middle 80% of the call (clear of the Python code around the Rust part)."""
    import threading
    import time

    state = {"stamps": [], "done": False}

    def count():
        i = 0
        while not state["done"]:
            i += 1
            if i % 200 == 0:
                state["stamps"].append(time.perf_counter())

    t = threading.Thread(target=count)
    t.start()
    try:
        while not state["stamps"]:
            pass
        t0 = time.perf_counter()
        out = call()
        t1 = time.perf_counter()
    finally:
        state["done"] = True
        t.join()
    lo, hi = t0 + 0.1 * (t1 - t0), t1 - 0.1 * (t1 - t0)
    return out, sum(lo <= s <= hi for s in state["stamps"]), t1 - t0


def test_native_solve_releases_the_gil():
    import sys

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        # About 250,000 evaluations: long enough (0.1 s) for the other thread to be scheduled
        # on a loaded machine.
        (value, err), during, seconds = _progress_of_other_thread_during(
            lambda: nquad("cos(20*x[0])*cos(20*x[1])*cos(20*x[2])", [[0, 1]] * 3, opts={"epsrel": 1e-10, "epsabs": 0})
        )
    finally:
        sys.setswitchinterval(old)
    assert_allclose(value, (math.sin(20) / 20) ** 3, rtol=1e-10)
    # With the GIL held for the whole integral the other thread could make no progress in the
    # middle of it; released, it keeps counting.
    assert during >= 3, (during, seconds)
