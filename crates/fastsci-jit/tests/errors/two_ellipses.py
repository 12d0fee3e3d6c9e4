# expect: 6:12 single ellipsis
import numpy as np

def f(n):
    a = np.zeros((n, n))
    return a[..., ...]
