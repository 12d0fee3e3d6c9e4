# expect: 3:22 the exception's message must be a constant string
def f(x):
    raise ValueError(x)
