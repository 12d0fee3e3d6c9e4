# expect: 6:12 unknown function `cbrt`
# call: f 1.0
import math

def f(x):
    return math.cbrt(x)
