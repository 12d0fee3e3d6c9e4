# A file's own functions named like math functions or builtins: a bare name calls the file's
# function (as Python looks names up), a qualified `math.X` / `np.X` always the library's.
# call: qualified(4.0)
# call: qualified(0.25)
# call: bare(4.0)
# call: mixed(2.0)
# call: builtin_shadowed(-3, 7)
# call: chain(9.0)
# call: np_qualified(0.5)
import math

import numpy as np


def sqrt(x):
    return -1.0


def exp(x):
    return x + 100.0


def abs(x):
    return 42


def max(a, b):
    return a - b


def log(x):
    return sqrt(x) * 2.0


def qualified(x):
    return math.sqrt(x), np.sqrt(x), math.exp(x), np.exp(x)


def bare(x):
    return sqrt(x), exp(x)


def mixed(x):
    return math.exp(x) + exp(x), math.sqrt(x) - sqrt(x), math.log(x) + log(x)


def builtin_shadowed(a, b):
    return abs(a), max(a, b), abs(b) + max(b, a)


def chain(x):
    # The file's log calls the file's sqrt; math.log is the library's.
    return log(x), math.log(x), np.log(x)


def np_qualified(x):
    return np.sqrt(x) + sqrt(x), np.exp(x) * exp(x)
