# expect: 5:12 not a compile-time constant
A, B = divmod(7, 2)

def f(n):
    return A + n
