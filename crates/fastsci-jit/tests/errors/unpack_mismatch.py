# expect: 3:5 cannot unpack 3 values into 2 targets
def f(n):
    a, b = n, n, n
    return a
