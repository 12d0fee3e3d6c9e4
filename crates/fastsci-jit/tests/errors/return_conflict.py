# expect: 7:12 returns
import numpy as np

def f(n):
    if n > 0:
        return 1
    return np.zeros(n)
