# expect: 6:5 is 1-d array of float64 here but int elsewhere
import numpy as np

def f(n):
    x = 1
    x = np.zeros(n)
    return 0
