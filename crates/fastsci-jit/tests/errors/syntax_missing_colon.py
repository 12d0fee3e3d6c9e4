# expect: 2:9 syntax error
def f(x)
    return x
