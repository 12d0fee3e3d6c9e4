from typing import Any, Callable, Sequence

import numpy as np
import numpy.typing as npt

Integrand = Callable[..., float] | str

class IntegrationWarning(UserWarning): ...

def quad(
    func: Integrand,
    a: float,
    b: float,
    args: tuple[Any, ...] | Any = (),
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
) -> tuple[Any, ...]: ...
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
    args: tuple[Any, ...] = (),
) -> tuple[Any, ...]: ...
def nquad(
    func: Integrand,
    ranges: Sequence[Sequence[float] | Callable[..., Sequence[float]]],
    args: tuple[Any, ...] | None = None,
    opts: Any = None,
    full_output: bool = False,
) -> tuple[Any, ...]: ...
def dblquad(
    func: Integrand,
    a: float,
    b: float,
    gfun: float | Callable[[float], float],
    hfun: float | Callable[[float], float],
    args: tuple[Any, ...] = (),
    epsabs: float = 1.49e-8,
    epsrel: float = 1.49e-8,
) -> tuple[float, float]: ...
def tplquad(
    func: Integrand,
    a: float,
    b: float,
    gfun: float | Callable[[float], float],
    hfun: float | Callable[[float], float],
    qfun: float | Callable[[float, float], float],
    rfun: float | Callable[[float, float], float],
    args: tuple[Any, ...] = (),
    epsabs: float = 1.49e-8,
    epsrel: float = 1.49e-8,
) -> tuple[float, float]: ...
def fixed_quad(func: Integrand, a: float, b: float, args: tuple[Any, ...] = (), n: int = 5) -> tuple[float, None]: ...
def trapezoid(y: npt.ArrayLike, x: npt.ArrayLike | None = None, dx: float = 1.0, axis: int = -1) -> Any: ...
def simpson(y: npt.ArrayLike, x: npt.ArrayLike | None = None, *, dx: float = 1.0, axis: int = -1) -> Any: ...
def cumulative_trapezoid(
    y: npt.ArrayLike, x: npt.ArrayLike | None = None, dx: float = 1.0, axis: int = -1, initial: float | None = None
) -> np.ndarray: ...
def romb(y: npt.ArrayLike, dx: float = 1.0, axis: int = -1, show: bool = False) -> Any: ...
def derivative(
    f: Integrand,
    x: npt.ArrayLike,
    *,
    args: tuple[Any, ...] = (),
    tolerances: dict[str, float] | None = None,
    maxiter: int = 10,
    order: int = 8,
    initial_step: float = 0.5,
    step_factor: float = 2.0,
    step_direction: int = 0,
    preserve_shape: bool = False,
    callback: Callable[..., Any] | None = None,
) -> Any: ...
