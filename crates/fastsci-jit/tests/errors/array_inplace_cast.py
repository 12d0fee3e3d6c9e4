# expect: 6:5 same_kind
import numpy as np

def f(n):
    a = np.zeros(n, np.int64)
    a += 1.5
    return a
