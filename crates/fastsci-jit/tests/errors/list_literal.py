# expect: 3:9 lists are not supported
def f(x):
    a = [1, 2, 3]
    return a
