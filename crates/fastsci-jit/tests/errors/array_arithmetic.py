# expect: 6:12 index the array
import numpy as np

def f(n):
    a = np.zeros(n)
    return a + 1
