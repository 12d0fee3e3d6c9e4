# expect: 5:12 `//` on uint64 scalars is not supported
import numpy as np

def f(x):
    return np.uint64(x) // np.uint64(3)
