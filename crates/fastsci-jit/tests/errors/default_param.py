# expect: 2:12 default parameter values
def f(x, y=2):
    return x + y
