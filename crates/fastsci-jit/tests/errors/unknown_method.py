# expect: 5:12 array method `.tolist()` is not supported
import numpy as np

def f(n):
    return np.zeros(n).tolist()
