# expect: 6:12 takes 1 argument(s), got 2
# call: f 1.0
import math

def f(x):
    return math.sqrt(x, 2)
