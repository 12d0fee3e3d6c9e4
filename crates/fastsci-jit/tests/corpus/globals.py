# Module-level constants are frozen at compile time (as Numba freezes globals); other
# module-level code is ignored, and a function outside the subset does not stop the others.
# call: scaled(3)
# call: scaled(-2)
# call: clamp(5.5)
# call: clamp(-1.0)
# call: typed(1.1)
# call: typed(-3.0)
# call: unpacked(2)
# call: reassigned(1)
# call: density(0.5)
# call: density(-1.25)
# call: shadowed(7.0)
# call: local_wins(4)
# call: uses_helper(3)
import math

import numpy as np

N = 10
SCALE = 2.5
LIMITS = (0.0, 4.0)
ENABLED = True
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
F32 = np.float32(0.1)
I16 = np.int16(-300)
U8 = np.uint8(200)
HALF = N // 2
A, B = 3, 4
COUNT = 1
COUNT += 1
WIDTH: int = 6
label = "not a number"
table = [1, 2, 3]
for _k in range(2):
    table.append(_k)


class Config:
    size = 3


if __name__ == "__main__":
    scaled(1)


def scaled(n):
    return n * SCALE + N, HALF


def clamp(x):
    lo, hi = LIMITS
    return min(max(x, lo), hi), ENABLED


def typed(x):
    return F32, float(F32) * x, I16 + 1, U8 // 3


def unpacked(n):
    return A * n + B, WIDTH


def reassigned(n):
    return COUNT + n


def density(x):
    return INV_SQRT_2PI * math.exp(-0.5 * x * x)


def shadowed(SCALE):
    return SCALE + 1.0


def local_wins(n):
    N = n * 2
    return N + HALF


def not_in_the_subset(path):
    with open(path) as f:
        return len(f.read())


def helper(n):
    return n * N


def uses_helper(n):
    return helper(n) + A
