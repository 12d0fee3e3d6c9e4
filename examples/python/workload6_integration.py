#!/usr/bin/env python3
"""Workload 6, integration and differentiation, from Python: scipy.integrate.quad and
scipy.differentiate.derivative beside fastsci.integrate, equal results checked.

The integral of exp(-x**2) * log(1 + x**2) over [0, 5] with an error estimate (the integrand as
a plain Python function on both sides, then as a @fastsci.jit kernel and a formula string);
the derivative of sin at 1.0 against cos(1).

    python examples/python/workload6_integration.py
"""

import math
import time

import scipy.integrate as si

import fastsci
from fastsci import integrate


def integrand(x):
    return math.exp(-x * x) * math.log(1.0 + x * x)


jit_integrand = fastsci.jit(integrand)


def best(f, rounds=200):
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return out, min(times)


def main():
    (ref, t_ref) = best(lambda: si.quad(integrand, 0, 5, full_output=1))
    print(f"scipy.integrate.quad (Python callable) {ref[0]:.16f} ± {ref[1]:.1e}  {ref[2]['neval']} evaluations  {1e6 * t_ref:7.1f} us")
    jit_integrand(1.0)  # compile once
    for label, f in (("Python callable", integrand), ("@fastsci.jit", jit_integrand), ("formula string", "exp(-x**2)*log(1+x**2)")):
        out, t = best(lambda f=f: integrate.quad(f, 0, 5, full_output=1))
        assert abs(out[0] - ref[0]) <= 1e-14 and out[2]["neval"] == ref[2]["neval"], (label, out)
        print(f"fastsci.integrate.quad ({label:<15}) {out[0]:.16f} ± {out[1]:.1e}  {out[2]['neval']} evaluations  {1e6 * t:7.1f} us  ({t_ref / t:.1f}x)")

    d = integrate.derivative(math.sin, 1.0)
    err = abs(d.df - math.cos(1.0))
    assert d.success and err <= d.error
    print(f"d/dx sin(1) = {d.df:.16f}  estimated error {d.error:.1e}, true error {err:.1e}, {int(d.nfev)} evaluations")
    try:
        from scipy.differentiate import derivative as scipy_derivative
    except ImportError:
        return
    s = scipy_derivative(lambda x: __import__("numpy").sin(x), 1.0)
    assert abs(s.df - d.df) <= max(s.error, d.error)
    print(f"scipy.differentiate   {float(s.df):.16f}  estimated error {float(s.error):.1e}, {int(s.nfev)} evaluations: equal within the estimates")


if __name__ == "__main__":
    main()
