# expect: 5:38 axis must be an integer constant from -2 to 1
import numpy as np

def f(n):
    return np.zeros((n, n)).sum(axis=2)
