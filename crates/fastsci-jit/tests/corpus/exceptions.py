# raise with a built-in exception and a constant message, assert (AssertionError), and
# print of numbers and strings (to stderr from fastsci, stdout from CPython; the results
# are what is compared).
# call: checked_sqrt(4.0)
# call: checked_sqrt(-1.0)
# call: positive_sum(array([1.0, 2.5]))
# call: positive_sum(array([1.0, -2.0]))
# call: bare_assert(3)
# call: bare_assert(-3)
# call: nested_raise(2)
# call: nested_raise(7)
# call: raise_in_helper(1.0)
# call: raise_in_helper(0.0)
# call: printed(2)
import math

import numpy as np


def checked_sqrt(x):
    if x < 0:
        raise ValueError("x must be non-negative")
    return math.sqrt(x)


def positive_sum(a):
    s = 0.0
    for i in range(a.shape[0]):
        assert a[i] > 0, "elements must be positive"
        s += a[i]
    return s


def bare_assert(n):
    assert n > 0
    return n * 2


def nested_raise(n):
    total = 0
    for i in range(n):
        for j in range(n):
            if i * j > 20:
                raise IndexError("product too large")
            total += i * j
    return total


def inverse(x):
    if x == 0.0:
        raise ZeroDivisionError
    return 1.0 / x


def raise_in_helper(x):
    return inverse(x) + 1.0


def printed(n):
    s = 0
    for i in range(n):
        s += i
        print("step", i, s, 0.5 * s, s > 0, np.float32(0.1))
    return s
