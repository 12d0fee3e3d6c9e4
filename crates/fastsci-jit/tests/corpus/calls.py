# Calls as Python writes them: keyword arguments to the file's own functions (any order,
# after the positional ones), `dtype=` for the array constructors, method calls.
# call: by_keyword(3.0)
# call: mixed_order(2)
# call: typed_zeros(3)
# call: uses_defaults(1.5)
# call: loops(array([1.0, 2.0, 3.0]), array([4.0, 5.0]))
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


def loops(a, b):
    s = 0.0
    for i, x in enumerate(a):
        s += i * x
    t = 0.0
    for x, y in zip(a, b):
        t += x * y
    r = 0
    for i in reversed(range(len(a))):
        r = r * 10 + i
    back = 0.0
    for x in reversed(a):
        back = back * 2.0 + x
    w = 0.0
    for k, (x, y) in enumerate(zip(a, b), 1):
        w += k * (x - y)
    rows = 0.0
    m = np.ones((2, 3))
    for i, row in enumerate(m):
        rows += (i + 1) * row.sum()
    return s, t, r, back, w, rows


LIMIT = 4


def with_defaults(x, n=3, scale=0.5, flag=True, cap=LIMIT * 2, pair=(1, -2)):
    s = 0.0
    for i in range(min(n, cap)):
        s += x * scale * i
    return s if flag else -s, pair[1]


def uses_defaults(x):
    return with_defaults(x), with_defaults(x, 2), with_defaults(x, scale=2.0), with_defaults(x, flag=False, n=1)
