# expect: 3:12 cannot infer the return type
def f(n):
    return f(n + 1)
