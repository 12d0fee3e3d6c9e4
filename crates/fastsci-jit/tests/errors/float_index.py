# expect: 6:14 array indices must be ints
import numpy as np

def f(n):
    a = np.zeros(n)
    return a[1.5]
