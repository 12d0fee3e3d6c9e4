# expect: 3:9 lambda is not supported
def f(x):
    g = lambda y: y
    return x
