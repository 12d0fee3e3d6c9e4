#!/usr/bin/env python3
"""Workload 1, vectorization: a*b and a*b + c*2 - sin(a) over 10,000,000 normal f64, the way a
NumPy/numexpr user writes it, then with fastsci.evaluate. Prints both times, checks results.

    python examples/python/workload1_vectorization.py [N]
"""

import sys
import time

import numexpr
import numpy as np

import fastsci

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
rng = np.random.default_rng(2024)
a, b, c = rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n)


def timed(label, f):
    f()  # warm up
    t0 = time.perf_counter()
    r = f()
    print(f"  {label:<32} {1e3 * (time.perf_counter() - t0):8.1f} ms")
    return r


print(f"a*b, {n:,} values")
m = min(n, 200_000)
t0 = time.perf_counter()
loop = [a[i] * b[i] for i in range(m)]
print(f"  {'Python loop (first 200,000)':<32} {1e3 * (time.perf_counter() - t0) * n / m:8.1f} ms (scaled to n)")
p1 = timed("NumPy a*b", lambda: a * b)
p2 = timed("fastsci.evaluate('a*b')", lambda: fastsci.evaluate("a*b"))
assert np.array_equal(p1, p2) and np.array_equal(np.array(loop), p1[:m])

print("a*b + c*2 - sin(a)")
q1 = timed("NumPy (temporaries)", lambda: a * b + c * 2 - np.sin(a))
q2 = timed("numexpr", lambda: numexpr.evaluate("a*b + c*2 - sin(a)"))
q3 = timed("fastsci.evaluate", lambda: fastsci.evaluate("a*b + c*2 - sin(a)"))
np.testing.assert_allclose(q3, q1, rtol=1e-13, atol=1e-13)
np.testing.assert_allclose(q3, q2, rtol=1e-13, atol=1e-13)
print("results equal (to 1e-13; sin differs in the last bits between libraries)")
