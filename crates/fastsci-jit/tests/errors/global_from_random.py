# expect: 8:12 not a compile-time constant
import numpy as np
SCALE = 2.0
NOISE = np.random.random() * SCALE

def f(n):
    # SCALE is fine; NOISE changes from run to run, so it is not frozen.
    return NOISE + n * SCALE
