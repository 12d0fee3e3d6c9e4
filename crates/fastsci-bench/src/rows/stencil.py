# The 1-D three-point stencil of the jit bench rows. It follows workloads/pi.py in one module
# (which imports numpy as np), in fastsci-bench and in bench/py/rows_jit.py alike.

def stencil(a):
    n = a.shape[0]
    out = np.empty_like(a)
    out[0] = a[0]
    out[n - 1] = a[n - 1]
    for i in range(1, n - 1):
        out[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1]
    return out
