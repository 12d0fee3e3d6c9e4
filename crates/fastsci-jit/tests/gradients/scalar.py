# Straight-line kernels and math functions.
import math
import numpy as np


# at: x=0.7 | formula: 3*x**3 - 2*x**2 + x - 5
# at: x=-2.5 | formula: 3*x**3 - 2*x**2 + x - 5
def poly(x):
    return 3 * x**3 - 2 * x**2 + x - 5


# at: x=0.3, y=1.2 | formula: sin(x)*cos(y) + tan(x*y)
# at: x=-1.1, y=0.4 | formula: sin(x)*cos(y) + tan(x*y)
def trig(x, y):
    return math.sin(x) * math.cos(y) + math.tan(x * y)


# at: x=0.8 | formula: exp(-x*x) * log(1 + x*x) + log1p(x) + expm1(x)
# at: x=2.5 | formula: exp(-x*x) * log(1 + x*x) + log1p(x) + expm1(x)
def explog(x):
    return math.exp(-x * x) * math.log(1 + x * x) + math.log1p(x) + math.expm1(x)


# at: x=0.6 | formula: sinh(x) + cosh(x)*tanh(x) + asinh(x) + atan(x)
# at: x=-1.7 | formula: sinh(x) + cosh(x)*tanh(x) + asinh(x) + atan(x)
def hyper(x):
    return math.sinh(x) + math.cosh(x) * math.tanh(x) + math.asinh(x) + math.atan(x)


# at: x=1.3, y=0.7 | formula: x**y + sqrt(x) + hypot(x, y) + atan2(y, x) + pow(y, 3.5)
# at: x=0.4, y=2.2 | formula: x**y + sqrt(x) + hypot(x, y) + atan2(y, x) + pow(y, 3.5)
def powers(x, y):
    return x**y + x**0.5 + math.hypot(x, y) + math.atan2(y, x) + np.power(y, 3.5)


# at: x=1.5, y=-0.5 | formula: x / (1 + y*y) - y / x + 1/(x*x)
def quotients(x, y):
    return x / (1 + y * y) - y / x + x**-2


# at: x=0.9 | formula: sin(x*x + x) * x
# at: x=-0.4 | formula: sin(x*x + x) * x
def reassign(x):
    t = x
    t = t * t + x
    t = math.sin(t)
    return t * x


# at: x=0.6 | formula: erf(x) + erfc(x/2)*lgamma(x+2) + gamma(x + 1)
# at: x=2.2 | formula: erf(x) + erfc(x/2)*lgamma(x+2) + gamma(x + 1)
def special(x):
    return math.erf(x) + math.erfc(x / 2) * math.lgamma(x + 2) + math.gamma(x + 1)


# at: x=0.45 | formula: asin(x) + acos(x/2) + atanh(x/3) + acosh(x + 2)
# at: x=-0.8 | formula: asin(x) + acos(x/2) + atanh(x/3) + acosh(x + 2)
def inverse_trig(x):
    return math.asin(x) + math.acos(x / 2) + math.atanh(x / 3) + math.acosh(x + 2)


# at: x=3.5 | formula: log2(x) + log10(x) + (x - 1)*x
# at: x=0.25 | formula: log2(x) + log10(x) + (1 - x)*x
def logs_abs(x):
    return math.log2(x) + math.log10(x) + abs(x - 1) * x


# at: x=0.5, y=2.0 | formula: y + (x + y) * y * 0.5 + sin(x + y)
def tuple_swap(x, y):
    a, b = x, y
    a, b = b, a + b
    return a + b * a * 0.5 + math.sin(b)


# at: x=1.25, k=3 | formula: x**3 + 3*x + exp(-x)*3
def int_args(x, k):
    return x**k + k * x + math.exp(-x) * k


# at: x=2.7, y=-1.9 | formula: (x - 3*floor(x/3)) * y + (x - 2.0*trunc(x/2.0)) + copysign(x, y) + floor(x) - 2
def mods(x, y):
    return (x % 3) * y + math.fmod(x, 2.0) + math.copysign(x, y) + math.floor(x) + round(y)
