# expect: 6:21 `scale` takes the keyword arguments x, factor
def scale(x, factor):
    return x * factor

def f(x):
    return scale(x, size=2.0)
