# expect: 5:24 unsupported dtype
import numpy as np

def f(n):
    return np.zeros(n, np.complex128)
