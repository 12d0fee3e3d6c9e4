"""``fastsci.optimize``: ``scipy.optimize`` on fastsci-optimize.

Change one import line::

    from fastsci import optimize       # was: from scipy import optimize

Functions may be ``@fastsci.jit`` kernels (machine code, the GIL released for the whole solve),
formula strings in the CLI's syntax (``"100*(x[1]-x[0]**2)**2 + (1-x[0])**2"``, with exact
symbolic gradients and constraint Jacobians), or any Python callable (called with the GIL per
evaluation; an exception it raises propagates unchanged and it is not called again).
``res.callable`` says which kind ran. SciPy's own ``Bounds``, ``LinearConstraint`` and
``NonlinearConstraint`` objects are accepted (duck-typed: SciPy is not required), as are this
module's classes of the same names.

Methods: Nelder-Mead, Powell, CG, BFGS, L-BFGS-B, Newton-CG, trust-ncg, trust-exact, SLSQP;
evaluation counts equal SciPy's for Nelder–Mead, BFGS, L-BFGS-B, trust-exact and most SLSQP
runs. Differences: ``callback`` raises ``NotImplementedError`` (fastsci-optimize has no
per-iteration hook yet); ``hessp`` is turned into a dense Hessian from ``n`` products.
"""

from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Sequence

import numpy as np

from ._fastsci import _optimize as _core
from ._jit import Dispatcher

__all__ = [
    "Bounds",
    "LinearConstraint",
    "NonlinearConstraint",
    "OptimizeResult",
    "OptimizeWarning",
    "RootResults",
    "bisect",
    "brentq",
    "curve_fit",
    "least_squares",
    "minimize",
    "minimize_scalar",
    "newton",
    "ridder",
    "root",
    "root_scalar",
]


class OptimizeWarning(UserWarning):
    """A fit whose covariance could not be estimated (SciPy's class of the same name)."""


class OptimizeResult(dict):
    """The result of an optimization: a dict with attribute access, as SciPy's.

    Fields (as SciPy's, where the method has them): ``x``, ``success``, ``status``,
    ``message``, ``fun``, ``jac``, ``hess_inv``, ``nfev``, ``njev``, ``nhev``, ``nit``; and
    ``callable``, the kind of function that ran (``"jit"``, ``"formula"``, ``"python"``).
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    __setattr__ = dict.__setitem__  # type: ignore[assignment]
    __delattr__ = dict.__delitem__  # type: ignore[assignment]

    def __repr__(self) -> str:
        # SciPy's layout: keys right-aligned, message/success/status first.
        order = ["message", "success", "status", "fun", "x"]
        keys = [k for k in order if k in self] + [k for k in self if k not in order]
        if not keys:
            return self.__class__.__name__ + "()"
        width = max(map(len, keys)) + 1
        lines = []
        for k in keys:
            v = self[k]
            if isinstance(v, np.ndarray):
                text = np.array2string(v, separator=" ", prefix=" " * (width + 2), formatter={"float_kind": lambda f: f"{f: .3e}"})
            else:
                text = repr(v) if not isinstance(v, str) else v
            lines.append(f"{k.rjust(width)}: {text}")
        return "\n".join(lines)

    def __dir__(self):
        return list(self.keys())


class Bounds:
    """Box bounds ``lb <= x <= ub`` (``scipy.optimize.Bounds``)."""

    def __init__(self, lb=-np.inf, ub=np.inf, keep_feasible=False):
        self.lb = np.atleast_1d(np.asarray(lb, dtype=float))
        self.ub = np.atleast_1d(np.asarray(ub, dtype=float))
        self.keep_feasible = keep_feasible

    def __repr__(self) -> str:
        return f"Bounds({self.lb!r}, {self.ub!r})"


class LinearConstraint:
    """``lb <= A @ x <= ub`` (``scipy.optimize.LinearConstraint``)."""

    def __init__(self, A, lb=-np.inf, ub=np.inf, keep_feasible=False):
        self.A = np.atleast_2d(np.asarray(A, dtype=float))
        self.lb = np.asarray(lb, dtype=float)
        self.ub = np.asarray(ub, dtype=float)
        self.keep_feasible = keep_feasible


class NonlinearConstraint:
    """``lb <= fun(x) <= ub`` (``scipy.optimize.NonlinearConstraint``)."""

    def __init__(self, fun, lb, ub, jac="2-point", hess=None, keep_feasible=False, finite_diff_rel_step=None, finite_diff_jac_sparsity=None):
        self.fun = fun
        self.lb = lb
        self.ub = ub
        self.jac = jac
        self.hess = hess
        self.keep_feasible = keep_feasible


class RootResults:
    """The result of a scalar root finder (``scipy.optimize.RootResults``)."""

    def __init__(self, root, iterations, function_calls, flag, method, callable_kind="python"):
        self.root = root
        self.iterations = iterations
        self.function_calls = function_calls
        self.converged = flag == "converged"
        self.flag = flag
        self.method = method
        self.callable = callable_kind

    def __repr__(self) -> str:
        keys = ["converged", "flag", "function_calls", "iterations", "root", "method"]
        width = max(map(len, keys)) + 1
        return "\n".join(f"{k.rjust(width)}: {getattr(self, k)!r}" for k in keys)


def _args(args: Any) -> tuple:
    return args if isinstance(args, tuple) else (args,)


def _bounds_list(bounds: Any, n: int) -> list[tuple[float, float]] | None:
    if bounds is None:
        return None
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):
        lb = np.broadcast_to(np.asarray(bounds.lb, dtype=float), (n,))
        ub = np.broadcast_to(np.asarray(bounds.ub, dtype=float), (n,))
        return [(float(a), float(b)) for a, b in zip(lb, ub)]
    out = []
    for pair in bounds:
        lo, hi = pair
        out.append((-math.inf if lo is None else float(lo), math.inf if hi is None else float(hi)))
    return out


def _is_linear(c: Any) -> bool:
    return hasattr(c, "A") and hasattr(c, "lb") and hasattr(c, "ub") and not hasattr(c, "fun")


def _is_nonlinear(c: Any) -> bool:
    return hasattr(c, "fun") and hasattr(c, "lb") and hasattr(c, "ub")


def _constraint_specs(constraints: Any, x0: np.ndarray) -> list:
    """Constraints as ``(type, fun, jac, args, m)`` for fastsci-optimize's SLSQP:
    dicts as SciPy's, ``LinearConstraint`` and ``NonlinearConstraint`` split into their
    equality and two-sided inequality parts."""
    if constraints is None:
        return []
    if isinstance(constraints, dict) or _is_linear(constraints) or _is_nonlinear(constraints):
        constraints = [constraints]
    specs = []
    for c in constraints:
        if isinstance(c, dict):
            fun = c["fun"]
            cargs = _args(c.get("args", ()))
            jac = c.get("jac")
            m = None
            if not isinstance(fun, str):
                value = np.asarray(fun(x0, *cargs), dtype=float)
                m = None if value.ndim == 0 else int(value.size)
            specs.append((c["type"], fun, jac, cargs, m))
        elif _is_linear(c):
            A = np.atleast_2d(np.asarray(c.A, dtype=float))
            lb = np.broadcast_to(np.asarray(c.lb, dtype=float), (A.shape[0],))
            ub = np.broadcast_to(np.asarray(c.ub, dtype=float), (A.shape[0],))
            specs.extend(_two_sided(lambda x, A=A: A @ x, lambda x, A=A: A, lb, ub))
        elif _is_nonlinear(c):
            f = c.fun
            value = np.atleast_1d(np.asarray(f(x0), dtype=float))
            k = value.size
            lb = np.broadcast_to(np.asarray(c.lb, dtype=float), (k,))
            ub = np.broadcast_to(np.asarray(c.ub, dtype=float), (k,))
            jac = c.jac if callable(c.jac) else None
            specs.extend(
                _two_sided(
                    lambda x, f=f: np.atleast_1d(np.asarray(f(x), dtype=float)),
                    None if jac is None else (lambda x, j=jac: np.atleast_2d(np.asarray(j(x), dtype=float))),
                    lb,
                    ub,
                )
            )
        else:
            raise TypeError(f"unsupported constraint {c!r}: a dict, LinearConstraint or NonlinearConstraint")
    return specs


def _two_sided(f, jac, lb, ub):
    specs = []
    eq = np.isfinite(lb) & (lb == ub)
    lo = np.isfinite(lb) & ~eq
    hi = np.isfinite(ub) & ~eq
    for mask, sign, ref, kind in ((eq, 1.0, lb, "eq"), (lo, 1.0, lb, "ineq"), (hi, -1.0, ub, "ineq")):
        if not mask.any():
            continue
        idx = np.flatnonzero(mask)
        ref_i = ref[idx]
        fun = lambda x, idx=idx, ref_i=ref_i, sign=sign: sign * (f(x)[idx] - ref_i)  # noqa: E731
        j = None if jac is None else (lambda x, idx=idx, sign=sign: (sign * jac(x)[idx]).ravel())
        specs.append((kind, fun, j, (), int(idx.size)))
    return specs


_METHODS = {
    "nelder-mead": "Nelder-Mead",
    "powell": "Powell",
    "cg": "CG",
    "bfgs": "BFGS",
    "l-bfgs-b": "L-BFGS-B",
    "newton-cg": "Newton-CG",
    "trust-ncg": "trust-ncg",
    "trust-exact": "trust-exact",
    "slsqp": "SLSQP",
}


class _MemoizeJac:
    """``jac=True``: the objective returns ``(f, g)``; each half is served from one call."""

    def __init__(self, fun):
        self.fun = fun
        self.x = None
        self.value = None
        self.grad = None

    def _compute(self, x, *args):
        if self.x is None or not np.array_equal(x, self.x):
            self.x = np.array(x, copy=True)
            f, g = self.fun(x, *args)
            self.value, self.grad = float(f), np.asarray(g, dtype=float)

    def __call__(self, x, *args):
        self._compute(x, *args)
        return self.value

    def derivative(self, x, *args):
        self._compute(x, *args)
        return self.grad


def minimize(
    fun,
    x0,
    args=(),
    method=None,
    jac=None,
    hess=None,
    hessp=None,
    bounds=None,
    constraints=(),
    tol=None,
    callback=None,
    options=None,
):
    """Minimizes a scalar function of one or more variables, as ``scipy.optimize.minimize``.

    Parameters
    ----------
    fun : callable, @fastsci.jit kernel or str
        ``fun(x, *args) -> float``; a formula indexes ``x[0]``, ``x[1]``, ...
    x0 : array_like
        Starting point.
    method : str or callable, optional
        SciPy's names, any case. Default: BFGS, L-BFGS-B with bounds, SLSQP with
        constraints, as SciPy. A callable is a custom minimizer, called as SciPy calls one:
        ``method(fun, x0, args=, jac=, hess=, hessp=, bounds=, constraints=, callback=,
        **options)``, its result returned as is.
    jac : callable, bool or str, optional
        The gradient; ``True`` when ``fun`` returns ``(f, g)``; ``'2-point'``/``'3-point'``;
        ``None``: exact for a formula, finite differences otherwise.
    hess : callable, optional
        The Hessian (``n x n``) for Newton-CG, trust-ncg, trust-exact.
    bounds : sequence of (min, max) or Bounds, optional
    constraints : dict, LinearConstraint, NonlinearConstraint or a list of them (SLSQP)
    tol : float, optional
    options : dict, optional
        SciPy's per-method options (``maxiter``, ``maxfev``, ``gtol``, ``xatol``, ``fatol``,
        ``ftol``, ``adaptive``, ``initial_simplex``, ``maxcor``, ``maxls``, ``eps``, ``disp``).

    Returns
    -------
    OptimizeResult

    Examples
    --------
    >>> from fastsci import optimize
    >>> res = optimize.minimize("100*(x[1]-x[0]**2)**2 + (1-x[0])**2", [-1.2, 1.0])
    >>> res.success, res.nfev
    (True, 39)
    """
    if callable(method):
        # A custom minimizer, as SciPy calls one: it gets the problem and the options.
        return method(
            fun,
            np.atleast_1d(np.asarray(x0, dtype=float)),
            args=_args(args),
            jac=jac,
            hess=hess,
            hessp=hessp,
            bounds=bounds,
            constraints=constraints,
            callback=callback,
            **dict(options or {}),
        )
    if callback is not None:
        raise NotImplementedError(
            "fastsci.optimize.minimize: callback is not supported yet (fastsci-optimize's solvers "
            "have no per-iteration hook); run without it"
        )
    x0 = np.atleast_1d(np.asarray(x0, dtype=float)).ravel()
    args = _args(args)
    specs = _constraint_specs(constraints, x0) if constraints not in ((), [], None) else []
    if method is None:
        method = "SLSQP" if specs else ("L-BFGS-B" if bounds is not None else "BFGS")
    name = _METHODS.get(str(method).lower())
    if name is None:
        raise ValueError(f"Unknown solver {method}")
    opts = dict(options or {})
    if tol is not None:
        opts.setdefault("tol", tol)
    if jac is True:
        memo = _MemoizeJac(fun)
        fun, jac = memo, memo.derivative
    elif isinstance(jac, str):
        if jac not in ("2-point", "3-point", "cs"):
            raise ValueError(f"jac must be callable, True, '2-point', '3-point' or 'cs', got {jac!r}")
        opts["finite_diff"] = "3-point" if jac == "cs" else jac
        jac = None
    elif jac is False:
        jac = None
    if hessp is not None and hess is None and name in ("Newton-CG", "trust-ncg"):
        n = x0.size
        # The Hessian from n products: fastsci-optimize takes a dense Hessian here.
        hess = lambda x, *a: np.column_stack([hessp(x, e, *a) for e in np.eye(n)])  # noqa: E731
    if isinstance(hess, str):
        hess = None
    res = _core.minimize(fun, x0, args, name, jac, hess, _bounds_list(bounds, x0.size), specs, opts)
    return OptimizeResult(res)


def minimize_scalar(fun, bracket=None, bounds=None, args=(), method=None, tol=None, options=None):
    """Minimizes a function of one variable, as ``scipy.optimize.minimize_scalar``
    (``brent``, ``golden``, ``bounded``; SciPy's default tolerances)."""
    if method is None:
        method = "bounded" if bounds is not None else "brent"
    br = None
    if bracket is not None:
        if len(bracket) == 3:
            br = (float(bracket[0]), float(bracket[2]))
        else:
            br = (float(bracket[0]), float(bracket[1]))
    bd = None if bounds is None else (float(bounds[0]), float(bounds[1]))
    x, f, nit, nfev, ok, message, kind = _core.minimize_scalar(fun, _args(args), str(method), br, bd)
    return OptimizeResult(
        message=message, success=ok, status=0 if ok else 1, fun=f, x=x, nit=nit, nfev=nfev, callable=kind
    )


def root_scalar(
    f,
    args=(),
    method=None,
    bracket=None,
    fprime=None,
    fprime2=None,
    x0=None,
    x1=None,
    xtol=None,
    rtol=None,
    maxiter=None,
    options=None,
):
    """Finds a root of a scalar function, as ``scipy.optimize.root_scalar``
    (brentq, ridder, bisect, newton, secant, halley). A formula's ``fprime``/``fprime2`` are its
    exact symbolic derivatives."""
    if method is None:
        if bracket is not None:
            method = "brentq"
        elif x0 is not None:
            if fprime is not None or (isinstance(f, str) and fprime is not False):
                method = "halley" if fprime2 is not None else "newton"
            else:
                method = "secant"
        else:
            raise ValueError("root_scalar needs a bracket or x0")
    if fprime is True or fprime is False:
        fprime = None
    if method == "secant" and x1 is None and x0 is not None:
        # SciPy's second point for the secant method.
        x1 = x0 * (1 + 1e-4) + (1e-4 if x0 >= 0 else -1e-4)
    br = None if bracket is None else (float(bracket[0]), float(bracket[1]))
    root, it, calls, converged, flag, kind = _core.root_scalar(
        f,
        _args(args),
        str(method),
        br,
        None if x0 is None else float(x0),
        None if x1 is None else float(x1),
        fprime,
        fprime2,
        None if xtol is None else float(xtol),
        None if rtol is None else float(rtol),
        None if maxiter is None else int(maxiter),
    )
    return RootResults(root, it, calls, flag, str(method), kind)


def _bracketing(method):
    def solve(f, a, b, args=(), xtol=2e-12, rtol=4 * np.finfo(float).eps, maxiter=100, full_output=False, disp=True):
        r = root_scalar(f, args=args, method=method, bracket=(a, b), xtol=xtol, rtol=rtol, maxiter=maxiter)
        if disp and not r.converged:
            raise RuntimeError(f"Failed to converge after {r.iterations} iterations, value is {r.root}.")
        return (r.root, r) if full_output else r.root

    solve.__name__ = method
    solve.__qualname__ = method
    solve.__doc__ = (
        f"A root of ``f`` in ``[a, b]`` (a sign change), as ``scipy.optimize.{method}``: "
        "``(x0, r)`` with ``full_output``."
    )
    return solve


brentq = _bracketing("brentq")
bisect = _bracketing("bisect")
ridder = _bracketing("ridder")


def newton(func, x0, fprime=None, args=(), tol=1.48e-8, maxiter=50, fprime2=None, x1=None, rtol=0.0, full_output=False, disp=True):
    """Newton's (with ``fprime``), Halley's (with ``fprime2``) or the secant method, as
    ``scipy.optimize.newton``.

    A scalar ``x0`` runs fastsci-optimize's root finder. An array ``x0`` solves one problem
    per element at once, as SciPy does: ``func`` (and ``fprime``, ``fprime2``) are called with
    the whole array of current points and return arrays, each element iterated until its step
    is below ``tol``; ``full_output`` then returns ``(root, converged, zero_der)`` arrays.
    """
    if np.size(x0) > 1:
        return _array_newton(func, x0, fprime, _args(args), tol, maxiter, fprime2, full_output)
    method = "halley" if (fprime is not None and fprime2 is not None) else ("newton" if fprime is not None else "secant")
    r = root_scalar(
        func,
        args=args,
        method=method,
        fprime=fprime,
        fprime2=fprime2,
        x0=float(x0),
        x1=x1,
        xtol=tol,
        rtol=rtol if rtol else None,
        maxiter=maxiter,
    )
    if disp and not r.converged:
        raise RuntimeError(f"Failed to converge after {r.iterations} iterations, value is {r.root}.")
    return (r.root, r) if full_output else r.root


class _ArrayNewtonResult(tuple):
    """``newton``'s ``full_output`` for an array ``x0``: ``(root, converged, zero_der)``."""

    def __new__(cls, root, converged, zero_der):
        return super().__new__(cls, (root, converged, zero_der))

    root = property(lambda self: self[0])
    converged = property(lambda self: self[1])
    zero_der = property(lambda self: self[2])

    def __repr__(self) -> str:
        return f"result(root={self.root!r}, converged={self.converged!r}, zero_der={self.zero_der!r})"


def _array_newton(func, x0, fprime, args, tol, maxiter, fprime2, full_output):
    """Newton, Halley or secant steps on every element of ``x0`` at once (SciPy's vectorized
    ``newton``): an element stops moving once its step is below ``tol``; one whose derivative
    (or secant slope) is zero is left where it is and reported."""
    import warnings

    p = np.array(x0, dtype=np.result_type(np.asarray(x0), np.float64), copy=True)
    failed = np.ones(p.shape, dtype=bool)
    nonzero = np.ones(p.shape, dtype=bool)
    p1 = p
    if fprime is not None:
        for _ in range(maxiter):
            fval = np.asarray(func(p, *args))
            if not fval.any():
                # Every residual is exactly zero: done.
                failed = fval.astype(bool)
                break
            fder = np.asarray(fprime(p, *args))
            nonzero = fder != 0
            if not nonzero.any():
                break
            step = fval[nonzero] / fder[nonzero]
            if fprime2 is not None:
                curvature = np.asarray(fprime2(p, *args))[nonzero]
                step = step / (1.0 - 0.5 * step * curvature / fder[nonzero])
            p = p.astype(np.result_type(p, step), copy=False)
            p[nonzero] -= step
            failed[nonzero] = np.abs(step) >= tol
            if not failed[nonzero].any():
                break
    else:
        # The secant method from x0 and a point a relative eps**(1/3) away (SciPy's start).
        dx = np.finfo(float).eps ** 0.33
        p1 = p * (1 + dx) + np.where(p >= 0, dx, -dx)
        q0, q1 = np.asarray(func(p, *args)), np.asarray(func(p1, *args))
        moving = np.ones(p.shape, dtype=bool)
        for _ in range(maxiter):
            nonzero = q1 != q0
            if not nonzero.any():
                p = (p1 + p) / 2.0
                break
            step = (q1 * (p1 - p))[nonzero] / (q1 - q0)[nonzero]
            p = p.astype(np.result_type(p, p1, step), copy=True)
            p[nonzero] = p1[nonzero] - step
            flat = ~nonzero & moving
            p[flat] = (p1 + p)[flat] / 2.0
            moving &= nonzero
            failed[nonzero] = np.abs(step) >= tol
            if not failed[nonzero].any():
                break
            p1, p = p, p1
            q0, q1 = q1, np.asarray(func(p1, *args))
    zero_der = ~nonzero & failed
    if zero_der.any():
        if fprime is None:
            stalled = zero_der & (p1 != p)
            if stalled.any():
                rms = np.sqrt(np.sum((p1[stalled] - p[stalled]) ** 2))
                warnings.warn(f"RMS of {rms:g} reached", RuntimeWarning, stacklevel=3)
        else:
            some = "all" if zero_der.all() else "some"
            warnings.warn(f"{some} derivatives were zero", RuntimeWarning, stacklevel=3)
    elif failed.any():
        some = "all" if failed.all() else "some"
        message = f"{some} failed to converge after {maxiter} iterations"
        if failed.all():
            raise RuntimeError(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    return _ArrayNewtonResult(p, ~failed, zero_der) if full_output else p


def root(fun, x0, args=(), method="hybr", jac=None, tol=None, callback=None, options=None):
    """Solves ``F(x) = 0`` for a system, as ``scipy.optimize.root`` (``hybr``, ``lm``)."""
    x0 = np.atleast_1d(np.asarray(x0, dtype=float)).ravel()
    if jac is True:
        memo = _MemoizeJac(fun)
        fun = memo
    res = _core.root(fun, x0, _args(args), str(method))
    return OptimizeResult(res)


def least_squares(
    fun,
    x0,
    jac="2-point",
    bounds=(-np.inf, np.inf),
    method="trf",
    ftol=1e-8,
    xtol=1e-8,
    gtol=1e-8,
    x_scale=None,
    loss="linear",
    f_scale=1.0,
    diff_step=None,
    tr_solver=None,
    tr_options=None,
    jac_sparsity=None,
    max_nfev=None,
    verbose=0,
    args=(),
    kwargs=None,
):
    """Nonlinear least squares with bounds, as ``scipy.optimize.least_squares`` (``trf``,
    ``lm``; losses ``linear``, ``soft_l1``, ``huber``, ``cauchy``, ``arctan``)."""
    x0 = np.atleast_1d(np.asarray(x0, dtype=float)).ravel()
    args = _args(args)
    if kwargs:
        f0 = fun
        fun = lambda x, *a: f0(x, *a, **kwargs)  # noqa: E731
    if method == "dogbox":
        raise NotImplementedError("method='dogbox' is not in fastsci-optimize; use 'trf'")
    m = int(np.size(fun(x0, *args)))
    b = None
    if bounds is not None:
        if hasattr(bounds, "lb"):
            lb, ub = bounds.lb, bounds.ub
        else:
            lb, ub = bounds
        lb = np.broadcast_to(np.asarray(lb, dtype=float), x0.shape)
        ub = np.broadcast_to(np.asarray(ub, dtype=float), x0.shape)
        if np.isfinite(lb).any() or np.isfinite(ub).any():
            b = [(float(a), float(c)) for a, c in zip(lb, ub)]
    j = jac if callable(jac) and not isinstance(jac, str) else None
    if j is not None:
        j0 = j
        j = lambda x, *a: np.asarray(j0(x, *a), dtype=float).ravel()  # noqa: E731
    res = _core.least_squares(
        fun,
        x0,
        m,
        args,
        j,
        b,
        str(method),
        float(ftol or 0.0),
        float(xtol or 0.0),
        float(gtol or 0.0),
        x_scale,
        str(loss),
        float(f_scale),
        None if diff_step is None else float(diff_step),
        None if max_nfev is None else int(max_nfev),
    )
    return OptimizeResult(res)


def _feasible_start(lb, ub):
    """SciPy's start for curve_fit with bounds and no p0: the middle of two-sided bounds,
    one step inside one-sided ones, 1 otherwise."""
    p0 = np.ones_like(lb)
    both = np.isfinite(lb) & np.isfinite(ub)
    p0[both] = 0.5 * (lb[both] + ub[both])
    lo = np.isfinite(lb) & ~np.isfinite(ub)
    p0[lo] = lb[lo] + 1
    hi = ~np.isfinite(lb) & np.isfinite(ub)
    p0[hi] = ub[hi] - 1
    return p0


def curve_fit(
    f,
    xdata,
    ydata,
    p0=None,
    sigma=None,
    absolute_sigma=False,
    check_finite=None,
    bounds=(-np.inf, np.inf),
    method=None,
    jac=None,
    *,
    full_output=False,
    nan_policy=None,
    **kwargs,
):
    """Fits ``ydata ≈ f(xdata, *params)``, as ``scipy.optimize.curve_fit``: ``(popt, pcov)``
    (Levenberg–Marquardt without bounds, trust-region reflective with them).

    ``f`` may be a formula in ``x`` and ``p[0]``, ``p[1]``, ... (then ``p0`` is required);
    a Python callable or kernel is called with the whole ``xdata`` array, as SciPy does.
    With ``full_output``: ``(popt, pcov, infodict, mesg, ier)``.
    """
    xdata = np.ascontiguousarray(xdata, dtype=float)
    ydata = np.ascontiguousarray(ydata, dtype=float)
    if check_finite is not False and (not np.isfinite(xdata).all() or not np.isfinite(ydata).all()):
        raise ValueError("array must not contain infs or NaNs")
    if xdata.ndim != 1:
        raise NotImplementedError("fastsci.optimize.curve_fit takes 1-d xdata")
    given_p0 = p0 is not None
    if p0 is None:
        if isinstance(f, str):
            raise ValueError("a formula model needs p0")
        p0 = np.ones(len(inspect.signature(f).parameters) - 1)
    p0 = np.atleast_1d(np.asarray(p0, dtype=float))
    # A 2-d sigma is the covariance of the errors in ydata: with its Cholesky factor L
    # (sigma = L L^T), the fit minimizes |L^-1 (f(x) - y)|^2, as SciPy does; the model's
    # values are whitened by L^-1 before the 1-d fit below sees them (unit sigma).
    whiten = None
    if sigma is not None:
        sigma = np.asarray(sigma, dtype=float)
        if sigma.ndim == 2:
            if sigma.shape != (ydata.size, ydata.size):
                raise ValueError(f"`sigma` has shape {sigma.shape}; a 2-d sigma must be {ydata.size} x {ydata.size}")
            if isinstance(f, str):
                raise NotImplementedError("a formula model with a 2-d sigma: pass the model as a function")
            try:
                whiten = np.linalg.inv(np.linalg.cholesky(sigma))
            except np.linalg.LinAlgError as e:
                raise ValueError("`sigma` must be positive definite.") from e
            ydata = whiten @ ydata
            sigma = np.ones(ydata.size)
        else:
            sigma = np.ascontiguousarray(np.broadcast_to(sigma, ydata.shape))
    b = None
    if bounds is not None:
        lb, ub = (bounds.lb, bounds.ub) if hasattr(bounds, "lb") else bounds
        lb = np.broadcast_to(np.asarray(lb, dtype=float), p0.shape)
        ub = np.broadcast_to(np.asarray(ub, dtype=float), p0.shape)
        if np.isfinite(lb).any() or np.isfinite(ub).any():
            b = [(float(a), float(c)) for a, c in zip(lb, ub)]
            if not given_p0:
                p0 = _feasible_start(lb, ub)
    if method == "lm" and b is not None:
        raise ValueError("Method 'lm' only works for unconstrained problems. Use 'trf' or 'dogbox' instead.")
    native = isinstance(f, (str, Dispatcher)) and whiten is None
    if whiten is not None:
        model = lambda p: whiten @ np.asarray(f(xdata, *p), dtype=float)  # noqa: E731
    else:
        model = f if native else (lambda p: np.asarray(f(xdata, *p), dtype=float))
    popt, pcov, nfev, cost, ok, message, kind = _core.curve_fit(model, xdata, ydata, list(p0), sigma, bool(absolute_sigma), b)
    if not ok:
        raise RuntimeError("Optimal parameters not found: " + message)
    if np.isinf(pcov).all():
        import warnings

        warnings.warn("Covariance of the parameters could not be estimated", OptimizeWarning, stacklevel=2)
    if full_output:
        if isinstance(f, str):
            fvec = None
        else:
            fvec = np.asarray(f(xdata, *popt), dtype=float)
            fvec = (fvec if whiten is None else whiten @ fvec) - ydata
            if sigma is not None:
                fvec = fvec / sigma
        infodict = {"nfev": nfev, "fvec": fvec, "callable": kind}
        return popt, pcov, infodict, message, 1 if ok else 0
    return popt, pcov
