# expect: 3:12 matrix multiplication
def f(a):
    return a @ a
