# expect: 7:5 could not be broadcast together
# call: f 3
import numpy as np

def f(n):
    a = np.zeros(1)
    a += np.ones(n)
    return a
