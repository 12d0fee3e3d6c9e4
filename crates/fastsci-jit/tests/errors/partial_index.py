# expect: 6:12 needs 2 indices
import numpy as np

def f(n):
    a = np.zeros((n, n))
    return a[0]
