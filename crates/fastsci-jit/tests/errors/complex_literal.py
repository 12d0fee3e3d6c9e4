# expect: 3:16 complex numbers are not supported
def f(x):
    return x + 2j
