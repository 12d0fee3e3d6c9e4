# Branches, conditional expressions, min/max and early returns.
import math


# at: x=-0.5 | formula: x*x
# at: x=1.5 | formula: sin(x)
def piecewise(x):
    if x < 0:
        return x * x
    else:
        return math.sin(x)


# at: x=0.8, y=1.9 | formula: y*x + (2*y - x)
# at: x=3.0, y=-1.0 | formula: x*y + (x - 2*y)
def maxmin(x, y):
    return max(x, y) * min(x, y) + abs(x - 2 * y)


# at: x=-3.0, lo=-1.0, hi=2.0 | formula: lo * 1.5
# at: x=0.5, lo=-1.0, hi=2.0 | formula: x * x
# at: x=4.0, lo=-1.0, hi=2.0 | formula: hi + exp(-x)
def clamp_shaped(x, lo, hi):
    if x < lo:
        return lo * 1.5
    if x > hi:
        return hi + math.exp(-x)
    return x * x


# at: x=2.0, y=1.0 | formula: x*x + x*y
# at: x=1.0, y=2.0 | formula: y*y*y + x*y
def conditional_expr(x, y):
    t = x * x if x > y else y * y * y
    return t + x * y


# at: x=0.5, y=0.25 | formula: (x + y) * 2
# at: x=0.5, y=-0.25 | formula: x - y
# at: x=-0.5, y=0.25 | formula: x * y * 3
def elif_chain(x, y):
    if x > 0 and y > 0:
        r = x + y
        r = r * 2
    elif x > 0 or y > 0.2:
        if y < 0:
            r = x - y
        else:
            r = x * y * 3
    else:
        r = 0.0
    return r


# at: x=0.3 | formula: x*(1 - x)*3.7
# at: x=-0.3 | formula: 0.0 * x
def guarded(x):
    if not x > 0:
        return 0.0 * x
    r = 3.7
    return r * x * (1 - x)


# at: x=0.6, y=0.2 | formula: fmax(x, y)*2 + fmin(x, y)
def fminmax(x, y):
    return 2 * math.fmax(x, y) + min(x, y) if x != y else 0.0
