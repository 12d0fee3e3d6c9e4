# math and np functions, constants, abs/min/max/round/int/float/bool.
# call: elementary(0.7)
# call: elementary(2.5)
# call: trig(0.3)
# call: trig(-1.2)
# call: hyperbolic(0.4)
# call: special(1.5)
# call: special(0.25)
# call: rounding(2.5)
# call: rounding(-3.7)
# call: rounding(3.5)
# call: conversions(7.9)
# call: conversions(-7.9)
# call: minmax(3, 4.5, -2)
# call: minmax(-1, -1.0, 0)
# call: absolutes(-3, -2.5)
# call: checks(1.0)
# call: constants(2.0)
# call: np_names(0.5)
import math

import numpy as np


def elementary(x):
    return math.sqrt(x), math.exp(x), math.expm1(x), math.log(x), math.log1p(x), math.log2(x), math.log10(x), math.pow(x, 1.3)


def trig(x):
    return math.sin(x), math.cos(x), math.tan(x), math.asin(x / 2), math.acos(x / 2), math.atan(x), math.atan2(x, 0.5), math.hypot(x, 2.0)


def hyperbolic(x):
    return math.sinh(x), math.cosh(x), math.tanh(x), math.asinh(x), math.acosh(1 + x), math.atanh(x)


def special(x):
    return math.erf(x), math.erfc(x), math.gamma(x), math.lgamma(x)


def rounding(x):
    return round(x), math.floor(x) + 0.0, math.ceil(x) + 0.0, math.trunc(x) + 0.0, math.fabs(x), math.copysign(3.0, x)


def conversions(x):
    return int(x), float(int(x)), bool(x), bool(0.0), int(True), float(3)


def minmax(a, b, c):
    return min(a, b), max(a, b, c), min(c, a), max(c, c)


def absolutes(a, b):
    return abs(a), abs(b), abs(-a)


def checks(x):
    return math.isnan(x), math.isinf(x / 0.5), math.isfinite(x), math.isnan(math.nan), math.isinf(-math.inf)


def constants(x):
    return math.pi * x, math.e * x, np.pi, math.tau


def np_names(x):
    return np.sqrt(x), np.exp(x), np.sin(x), np.arctan2(x, 1.0), np.abs(-x)
