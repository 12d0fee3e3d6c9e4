# expect: 6:16 slice step cannot be zero
import numpy as np

def f(n):
    a = np.zeros(n)
    return a[::0]
