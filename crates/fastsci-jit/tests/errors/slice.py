# expect: 3:14 slices are not supported
def f(a):
    return a[1:3]
