# expect: 6:16 not a compile-time constant
import numpy as np
data = np.loadtxt("data.txt")

def f(n):
    return n + data
