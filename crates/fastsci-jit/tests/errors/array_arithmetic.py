# expect: 7:12 could not be broadcast together
# call: f 3
import numpy as np

def f(n):
    a = np.zeros(n)
    return a + np.ones(n + 1)
