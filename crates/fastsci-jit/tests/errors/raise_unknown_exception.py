# expect: 4:9 kernels can raise ValueError
def f(x):
    if x > 0:
        raise KeyError("missing")
    return x
