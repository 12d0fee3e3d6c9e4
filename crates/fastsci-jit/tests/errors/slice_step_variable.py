# expect: 6:16 integer constant
import numpy as np

def f(n):
    a = np.zeros(n)
    return a[::n]
