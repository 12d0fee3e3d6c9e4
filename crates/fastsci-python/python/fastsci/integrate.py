"""``fastsci.integrate``: ``scipy.integrate``'s quadrature (and ``scipy.differentiate.derivative``)
on fastsci-integrate.

Change one import line::

    from fastsci import integrate      # was: from scipy import integrate

Every function that takes a function accepts three kinds:

- a ``@fastsci.jit`` kernel: machine code, the GIL released for the whole integral;
- a formula string in the CLI's syntax, ``"exp(-x**2)*log(1+x**2)"`` (the variable is ``x``;
  for ``nquad``/``dblquad``/``tplquad`` the variables are ``x[0]``, ``x[1]``, ... innermost first);
- any other Python callable, called with the GIL per evaluation; an exception it raises
  propagates unchanged, and it is not called again after one.

``full_output=1`` reports which kind ran in ``infodict['callable']`` (``"jit"``, ``"formula"``,
``"python"``).

Differences from SciPy (on purpose, from fastsci-integrate): a point where the integrand is
infinite or NaN is split off and integrated around instead of returning ``inf``; nested
integrals report the outer error plus the inner errors. ``infodict`` has ``neval`` and
``last`` but not the partition arrays (``alist``, ``blist``, ``rlist``, ``elist``, ``iord``),
which fastsci-integrate does not expose.
"""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace
from typing import Any, Callable, Sequence

import numpy as np

from ._fastsci import _integrate as _core

__all__ = [
    "IntegrationWarning",
    "cumulative_trapezoid",
    "dblquad",
    "derivative",
    "fixed_quad",
    "nquad",
    "quad",
    "quad_vec",
    "romb",
    "simpson",
    "tplquad",
    "trapezoid",
]


class IntegrationWarning(UserWarning):
    """A warning that the integral did not meet its tolerance (SciPy's class of the same name)."""


# SciPy's messages for ier = 1..5 (quad's docstring); 8 is fastsci's non-finite status.
_IER_WARNINGS = {
    1: "The maximum number of subdivisions (limit) has been achieved.\n  If increasing the limit yields "
    "no improvement it is advised to analyze \n  the integrand in order to determine the difficulties.",
    2: "The occurrence of roundoff error is detected, which prevents \n  the requested tolerance from "
    "being achieved.  The error may be \n  underestimated.",
    3: "Extremely bad integrand behavior occurs at some points of the\n  integration interval.",
    4: "The algorithm does not converge.  Roundoff error is detected\n  in the extrapolation table.  It "
    "is assumed that the requested tolerance\n  cannot be achieved, and that the returned result (if "
    "full_output = 1) is \n  the best which can be obtained.",
    5: "The integral is probably divergent, or slowly convergent.",
}


def _args(args: Any) -> tuple:
    return args if isinstance(args, tuple) else (args,)


def quad(
    func: Callable[..., float] | str,
    a: float,
    b: float,
    args: tuple = (),
    full_output: int = 0,
    epsabs: float = 1.49e-8,
    epsrel: float = 1.49e-8,
    limit: int = 50,
    points: Sequence[float] | None = None,
    weight: str | None = None,
    wvar: Any = None,
    wopts: Any = None,
    maxp1: int = 50,
    limlst: int = 50,
    complex_func: bool = False,
):
    """Computes a definite integral, as ``scipy.integrate.quad`` (QUADPACK, the same nodes).

    Parameters
    ----------
    func : callable, @fastsci.jit kernel or str
        The integrand ``func(x, *args)``.
    a, b : float
        Limits, ``-np.inf``/``np.inf`` allowed.
    args, full_output, epsabs, epsrel, limit, points, weight, wvar, limlst
        As SciPy. ``wopts`` and ``maxp1`` are accepted and unused (fastsci's QAWO moments
        have no ``maxp1`` limit).
    complex_func : bool
        Integrate the real and imaginary parts of a complex Python callable.

    Returns
    -------
    y : float
        The integral.
    abserr : float
        An estimate of its absolute error.
    infodict : dict
        With ``full_output``: ``neval``, ``last`` and ``callable``.
    message, explain
        With ``full_output`` when the tolerance was not met: SciPy's message.

    Examples
    --------
    >>> from fastsci import integrate
    >>> y, err = integrate.quad("exp(-x**2)*log(1+x**2)", 0, 5)
    >>> round(y, 12)
    0.293309373287
    """
    if not (full_output or complex_func) and points is None and weight is None and type(args) is tuple and a <= b:
        # The common call, straight through (an integrand of a few dozen points takes about
        # as long as the checks below).
        value, abserr, _, _, ier, message, _ = _core.quad(func, a, b, args, epsabs, epsrel, limit, [], None, None, limlst)
        if ier != 0:
            warnings.warn(_IER_WARNINGS.get(ier, message), IntegrationWarning, stacklevel=2)
        return value, abserr
    if type(args) is not tuple:
        args = (args,)
    if complex_func:
        re = quad(lambda x, *a: np.real(func(x, *a)), a, b, args, full_output, epsabs, epsrel, limit, points, weight, wvar)
        im = quad(lambda x, *a: np.imag(func(x, *a)), a, b, args, full_output, epsabs, epsrel, limit, points, weight, wvar)
        value = re[0] + 1j * im[0]
        err = re[1] + 1j * im[1]
        if full_output:
            return value, err, {"real": re[2:], "imag": im[2:]}
        return value, err
    if weight is not None and wvar is None:
        raise ValueError(f"weight='{weight}' needs wvar")
    if b < a and weight is None and points is None:
        # SciPy flips the range and the sign.
        out = quad(func, b, a, args, full_output, epsabs, epsrel, limit)
        return (-out[0],) + tuple(out[1:])
    pts = [] if points is None else [float(p) for p in points]
    value, abserr, neval, last, ier, message, kind = _core.quad(
        func, a, b, args, epsabs, epsrel, limit, pts, weight, wvar, limlst
    )
    if ier != 0:
        text = _IER_WARNINGS.get(ier, message)
        if full_output:
            return value, abserr, {"neval": neval, "last": last, "callable": kind}, text
        warnings.warn(text, IntegrationWarning, stacklevel=2)
    if full_output:
        return value, abserr, {"neval": neval, "last": last, "callable": kind}
    return value, abserr


def quad_vec(
    f: Callable[..., Any] | str,
    a: float,
    b: float,
    epsabs: float = 1e-200,
    epsrel: float = 1e-8,
    norm: str = "2",
    cache_size: float = 100e6,
    limit: int = 10000,
    workers: int = 1,
    points: Sequence[float] | None = None,
    quadrature: str | None = None,
    full_output: bool = False,
    *,
    args: tuple = (),
):
    """Adaptive integration of a vector-valued function, as ``scipy.integrate.quad_vec``.

    ``f(x, *args)`` returns an array (any shape; the result has that shape). ``workers``,
    ``cache_size`` and ``quadrature`` are accepted; native integrands run on all cores.

    Returns
    -------
    res : ndarray
    err : float
    info : object
        With ``full_output``: ``success``, ``status``, ``message``, ``neval``, ``intervals``,
        ``callable``.
    """
    args = _args(args)
    if isinstance(f, str):
        shape: tuple = ()
    else:
        probe_at = 0.5 * (a + b) if math.isfinite(a) and math.isfinite(b) else (a if math.isfinite(a) else (b if math.isfinite(b) else 0.0))
        probe_at = min(max(probe_at, -1e300), 1e300)
        shape = np.shape(f(probe_at, *args))
    n = int(np.prod(shape)) if shape else 1
    pts = [] if points is None else [float(p) for p in points]
    value, err, neval, intervals, ier, message, kind = _core.quad_vec(
        f, float(a), float(b), n, args, float(epsabs), float(epsrel), str(norm), int(limit), pts
    )
    res = value.reshape(shape) if shape else float(value[0])
    if ier != 0 and not full_output:
        warnings.warn(message, IntegrationWarning, stacklevel=2)
    if full_output:
        info = SimpleNamespace(
            success=ier == 0, status=ier, message=message, neval=neval, intervals=intervals, callable=kind
        )
        return res, err, info
    return res, err


def _bound(v: Any) -> Any:
    return v if callable(v) else float(v)


def nquad(func, ranges, args=None, opts=None, full_output=False):
    """Integrates over several variables, as ``scipy.integrate.nquad``.

    ``func(x0, x1, ..., *args)``; ``ranges[0]`` is the range of ``x0`` (innermost), each a pair
    or a callable of the outer variables returning one. ``opts`` (a dict or a list of dicts,
    one per level) gives ``epsabs``, ``epsrel``, ``limit``; the first one is used for every
    level.
    """
    args = () if args is None else _args(args)
    o = opts[0] if isinstance(opts, (list, tuple)) and opts else (opts or {})
    if callable(o):
        o = o(*([0.0] * len(ranges)))
    prepared = []
    for r in ranges:
        if callable(r):
            prepared.append(lambda *outer, _r=r: tuple(float(v) for v in _r(*outer, *args)))
        else:
            lo, hi = r
            prepared.append((float(lo), float(hi)))
    value, abserr, neval, last, ier, message, kind = _core.nquad(
        func, prepared, args, float(o.get("epsabs", 1.49e-8)), float(o.get("epsrel", 1.49e-8)), int(o.get("limit", 50))
    )
    if ier != 0:
        warnings.warn(_IER_WARNINGS.get(ier, message), IntegrationWarning, stacklevel=2)
    if full_output:
        return value, abserr, {"neval": neval, "callable": kind}
    return value, abserr


def dblquad(func, a, b, gfun, hfun, args=(), epsabs=1.49e-8, epsrel=1.49e-8):
    """``∫_a^b ∫_{g(x)}^{h(x)} func(y, x) dy dx``, as ``scipy.integrate.dblquad``
    (``gfun``/``hfun`` callables or numbers)."""
    g, h = _bound(gfun), _bound(hfun)
    if callable(g) or callable(h):
        inner = lambda x, *_: (g(x) if callable(g) else g, h(x) if callable(h) else h)  # noqa: E731
    else:
        inner = (g, h)
    return nquad(func, [inner, (a, b)], args=args, opts={"epsabs": epsabs, "epsrel": epsrel})


def tplquad(func, a, b, gfun, hfun, qfun, rfun, args=(), epsabs=1.49e-8, epsrel=1.49e-8):
    """``∫_a^b ∫_{g(x)}^{h(x)} ∫_{q(x,y)}^{r(x,y)} func(z, y, x) dz dy dx``, as
    ``scipy.integrate.tplquad`` (bounds callables or numbers)."""
    g, h, q, r = _bound(gfun), _bound(hfun), _bound(qfun), _bound(rfun)
    if callable(q) or callable(r):
        zr = lambda y, x, *_: (q(x, y) if callable(q) else q, r(x, y) if callable(r) else r)  # noqa: E731
    else:
        zr = (q, r)
    if callable(g) or callable(h):
        yr = lambda x, *_: (g(x) if callable(g) else g, h(x) if callable(h) else h)  # noqa: E731
    else:
        yr = (g, h)
    return nquad(func, [zr, yr, (a, b)], args=args, opts={"epsabs": epsabs, "epsrel": epsrel})


def fixed_quad(func, a, b, args=(), n=5):
    """n-point Gauss–Legendre quadrature, as ``scipy.integrate.fixed_quad``: ``(val, None)``.

    ``func`` is called one point at a time (SciPy calls it once with the array of nodes)."""
    value, _kind = _core.fixed_quad(func, float(a), float(b), _args(args), int(n))
    return value, None


def _samples(y, x, dx, name):
    y = np.ascontiguousarray(y, dtype=np.float64)
    if x is not None:
        x = np.ascontiguousarray(x, dtype=np.float64)
    if y.ndim != 1:
        # Along the last axis, as SciPy's default axis=-1.
        return np.apply_along_axis(lambda r: name(r, x, dx), -1, y)
    return name(y, x, dx)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The trapezoidal rule over samples, as ``scipy.integrate.trapezoid`` (last axis)."""
    return _samples(np.moveaxis(np.asarray(y, float), axis, -1), x, float(dx), _core.trapezoid)


def simpson(y, x=None, *, dx=1.0, axis=-1):
    """Composite Simpson's rule over samples, as ``scipy.integrate.simpson`` (SciPy ≥ 1.11's
    treatment of an even number of samples)."""
    return _samples(np.moveaxis(np.asarray(y, float), axis, -1), x, float(dx), _core.simpson)


def cumulative_trapezoid(y, x=None, dx=1.0, axis=-1, initial=None):
    """Cumulative trapezoidal integral of 1-d samples, as ``scipy.integrate.cumulative_trapezoid``."""
    y = np.ascontiguousarray(np.moveaxis(np.asarray(y, float), axis, -1))
    if y.ndim != 1:
        raise ValueError("fastsci.integrate.cumulative_trapezoid takes 1-d samples")
    xs = None if x is None else np.ascontiguousarray(x, dtype=np.float64)
    return _core.cumulative_trapezoid(y, xs, float(dx), None if initial is None else float(initial))


def romb(y, dx=1.0, axis=-1, show=False):
    """Romberg integration of 2**k + 1 equally spaced samples, as ``scipy.integrate.romb``."""
    y = np.moveaxis(np.asarray(y, float), axis, -1)
    if y.ndim != 1:
        return np.apply_along_axis(lambda r: _core.romb(np.ascontiguousarray(r), float(dx)), -1, y)
    return _core.romb(np.ascontiguousarray(y), float(dx))


class _RichResult(dict):
    """A dict with attribute access, as SciPy's ``_RichResult``."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    def __repr__(self):
        return "\n".join(f"{k:>8}: {v!r}" for k, v in self.items())


def derivative(
    f,
    x,
    *,
    args=(),
    tolerances=None,
    maxiter=10,
    order=8,
    initial_step=0.5,
    step_factor=2.0,
    step_direction=0,
    preserve_shape=False,
    callback=None,
):
    """The derivative by Richardson-extrapolated central differences, as
    ``scipy.differentiate.derivative``.

    Returns an object with ``df``, ``error``, ``success``, ``status``, ``nfev``, ``nit``
    (arrays shaped like ``x``, or scalars for a scalar ``x``) and ``callable``. ``f`` is called
    one point at a time. One-sided differences (``step_direction``) and ``callback`` are not
    supported.
    """
    if step_direction != 0:
        raise NotImplementedError("fastsci.integrate.derivative: only central differences (step_direction=0)")
    if callback is not None:
        raise NotImplementedError("fastsci.integrate.derivative: callback is not supported")
    tol = tolerances or {}
    atol = float(tol.get("atol", np.finfo(float).tiny))
    rtol = float(tol.get("rtol", np.sqrt(np.finfo(float).eps)))
    xa = np.asarray(x, dtype=float)
    df, err, ok, status, nfev, nit, kind = _core.derivative(
        f, xa.ravel().tolist(), _args(args), float(initial_step), float(step_factor), int(order), int(maxiter), atol, rtol
    )

    def shaped(v, dtype):
        a = np.asarray(v, dtype=dtype).reshape(xa.shape)
        return a[()] if xa.ndim == 0 else a

    return _RichResult(
        success=shaped(ok, bool),
        status=shaped(status, np.int32),
        df=shaped(df, float),
        error=shaped(err, float),
        nit=shaped(nit, np.int32),
        nfev=shaped(nfev, np.int32),
        callable=kind,
    )
