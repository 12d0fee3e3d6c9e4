from typing import Any, Callable, Sequence

import numpy as np
import numpy.typing as npt

Objective = Callable[..., float] | str

class OptimizeWarning(UserWarning): ...

class OptimizeResult(dict[str, Any]):
    x: np.ndarray
    fun: Any
    success: bool
    status: int
    message: str
    nfev: int
    nit: int
    callable: str
    def __getattr__(self, name: str) -> Any: ...

class Bounds:
    lb: np.ndarray
    ub: np.ndarray
    keep_feasible: bool
    def __init__(self, lb: npt.ArrayLike = ..., ub: npt.ArrayLike = ..., keep_feasible: bool = False) -> None: ...

class LinearConstraint:
    A: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    def __init__(self, A: npt.ArrayLike, lb: npt.ArrayLike = ..., ub: npt.ArrayLike = ..., keep_feasible: bool = False) -> None: ...

class NonlinearConstraint:
    fun: Callable[..., Any]
    lb: Any
    ub: Any
    jac: Any
    def __init__(
        self,
        fun: Callable[..., Any],
        lb: npt.ArrayLike,
        ub: npt.ArrayLike,
        jac: Any = "2-point",
        hess: Any = None,
        keep_feasible: bool = False,
        finite_diff_rel_step: Any = None,
        finite_diff_jac_sparsity: Any = None,
    ) -> None: ...

class RootResults:
    root: float
    iterations: int
    function_calls: int
    converged: bool
    flag: str
    method: str
    callable: str

def minimize(
    fun: Objective,
    x0: npt.ArrayLike,
    args: tuple[Any, ...] | Any = (),
    method: str | Callable[..., Any] | None = None,
    jac: Callable[..., Any] | str | bool | None = None,
    hess: Callable[..., Any] | str | None = None,
    hessp: Callable[..., Any] | None = None,
    bounds: Sequence[tuple[float | None, float | None]] | Bounds | None = None,
    constraints: Any = (),
    tol: float | None = None,
    callback: Callable[..., Any] | None = None,
    options: dict[str, Any] | None = None,
) -> OptimizeResult: ...
def minimize_scalar(
    fun: Callable[..., float] | str,
    bracket: Sequence[float] | None = None,
    bounds: Sequence[float] | None = None,
    args: tuple[Any, ...] | Any = (),
    method: str | None = None,
    tol: float | None = None,
    options: dict[str, Any] | None = None,
) -> OptimizeResult: ...
def root_scalar(
    f: Callable[..., float] | str,
    args: tuple[Any, ...] | Any = (),
    method: str | None = None,
    bracket: Sequence[float] | None = None,
    fprime: Callable[..., float] | bool | None = None,
    fprime2: Callable[..., float] | bool | None = None,
    x0: float | None = None,
    x1: float | None = None,
    xtol: float | None = None,
    rtol: float | None = None,
    maxiter: int | None = None,
    options: dict[str, Any] | None = None,
) -> RootResults: ...
def brentq(f: Callable[..., float] | str, a: float, b: float, args: tuple[Any, ...] = (), xtol: float = 2e-12, rtol: float = ..., maxiter: int = 100, full_output: bool = False, disp: bool = True) -> Any: ...
def bisect(f: Callable[..., float] | str, a: float, b: float, args: tuple[Any, ...] = (), xtol: float = 2e-12, rtol: float = ..., maxiter: int = 100, full_output: bool = False, disp: bool = True) -> Any: ...
def ridder(f: Callable[..., float] | str, a: float, b: float, args: tuple[Any, ...] = (), xtol: float = 2e-12, rtol: float = ..., maxiter: int = 100, full_output: bool = False, disp: bool = True) -> Any: ...
def newton(
    func: Callable[..., Any] | str,
    x0: float | npt.ArrayLike,
    fprime: Callable[..., Any] | None = None,
    args: tuple[Any, ...] = (),
    tol: float = 1.48e-8,
    maxiter: int = 50,
    fprime2: Callable[..., Any] | None = None,
    x1: float | None = None,
    rtol: float = 0.0,
    full_output: bool = False,
    disp: bool = True,
) -> Any: ...
def root(
    fun: Callable[..., Any],
    x0: npt.ArrayLike,
    args: tuple[Any, ...] | Any = (),
    method: str = "hybr",
    jac: Any = None,
    tol: float | None = None,
    callback: Any = None,
    options: dict[str, Any] | None = None,
) -> OptimizeResult: ...
def least_squares(
    fun: Callable[..., Any],
    x0: npt.ArrayLike,
    jac: Callable[..., Any] | str = "2-point",
    bounds: Any = ...,
    method: str = "trf",
    ftol: float = 1e-8,
    xtol: float = 1e-8,
    gtol: float = 1e-8,
    x_scale: Any = None,
    loss: str = "linear",
    f_scale: float = 1.0,
    diff_step: float | None = None,
    tr_solver: Any = None,
    tr_options: Any = None,
    jac_sparsity: Any = None,
    max_nfev: int | None = None,
    verbose: int = 0,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
) -> OptimizeResult: ...
def curve_fit(
    f: Callable[..., Any] | str,
    xdata: npt.ArrayLike,
    ydata: npt.ArrayLike,
    p0: npt.ArrayLike | None = None,
    sigma: npt.ArrayLike | None = None,
    absolute_sigma: bool = False,
    check_finite: bool | None = None,
    bounds: Any = ...,
    method: str | None = None,
    jac: Any = None,
    *,
    full_output: bool = False,
    nan_policy: str | None = None,
    **kwargs: Any,
) -> tuple[Any, ...]: ...
