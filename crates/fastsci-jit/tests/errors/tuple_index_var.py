# expect: 4:12 tuples can only be indexed with an integer constant
def f(n):
    t = (1, 2)
    return t[n]
