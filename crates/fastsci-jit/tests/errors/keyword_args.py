# expect: 5:24 keyword arguments are not supported
import numpy as np

def f(n):
    return np.zeros(n, order="F")
