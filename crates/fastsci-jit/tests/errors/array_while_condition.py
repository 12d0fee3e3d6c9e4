# expect: 7:11 `while` condition
import numpy as np

def f(n):
    a = np.zeros(n)
    k = 0
    while (a + k)[0] < 3.0:
        k += 1
    return k
