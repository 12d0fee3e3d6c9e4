# expect: 9:14 IndexError
# call: f 3
import numpy as np

def f(n):
    a = np.zeros(n)
    s = 0.0
    for i in range(n + 1):
        s += a[i]
    return s
