# expect: 3:12 comparison `is` is not supported
def f(x):
    return x is 1
