# expect: 4:12 tuples can only be indexed with an integer constant
def f(a):
    t = (a, a + 1, a + 2)
    return t[1:]
