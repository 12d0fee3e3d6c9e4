# expect: 3:5 nested functions are not supported
def f(x):
    def g(y):
        return y
    return g(x)
