# expect: 3:15 syntax error
def f(x):
    return x +* 2
