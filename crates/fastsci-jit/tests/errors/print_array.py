# expect: 5:11 print() shows numbers and strings, not a 1-d array
import numpy as np

def f(n):
    print(np.zeros(n))
