# expect: 3:9 strings are not supported
def f(x):
    s = "hello"
    return x
