# expect: 6:12 truth value of an array is ambiguous
import numpy as np

def f(n):
    a = np.zeros(n)
    return not a
