import math


def heater(x, t):
    """Heat source of the rod: a heater at x = 0.3 switched by a pulse train, and a weaker,
    wider one at x = 0.7 switched on at t = 3. Compiled by fastsci-jit (and by Numba in the
    Python version of the job): the same source runs unchanged under CPython."""
    total = 0.0
    for k in range(6):
        start = 1.5 * k
        if start <= t < start + 0.75:
            total += 4.0 * math.exp(-(((x - 0.3) / 0.05) ** 2))
    if t > 3.0:
        total += 1.5 * math.exp(-(((x - 0.7) / 0.08) ** 2))
    return total
