# expect: 6:12 too many indices
import numpy as np

def f(n):
    a = np.zeros(n)
    return a[1, :]
