# Calls as Python writes them: keyword arguments to the file's own functions (any order,
# after the positional ones), `dtype=` for the array constructors, method calls.
# call: by_keyword(3.0)
# call: mixed_order(2)
# call: typed_zeros(3)
def scale(x, factor, shift):
    return x * factor + shift


def by_keyword(x):
    return scale(x, shift=1.0, factor=2.0), scale(x, 3.0, shift=-1.0), scale(factor=0.5, shift=0.0, x=x)


def weighted(a, b, w):
    return a * w + b * (1 - w)


def mixed_order(n):
    return weighted(n, 10, w=3), weighted(b=n, a=1, w=0)


import numpy as np


def typed_zeros(n):
    a = np.zeros(n, dtype=np.int16)
    b = np.ones((2, n), dtype=np.float32)
    c = np.zeros_like(b, dtype=np.uint8)
    for i in range(n):
        a[i] = i * 1000
        b[1, i] = 0.1 * i
    return a, b, c
