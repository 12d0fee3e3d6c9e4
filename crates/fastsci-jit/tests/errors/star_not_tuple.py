# expect: 6:14 `*` unpacks a tuple into arguments, found int
def g(x, y):
    return x + y

def f(x):
    return g(*x)
