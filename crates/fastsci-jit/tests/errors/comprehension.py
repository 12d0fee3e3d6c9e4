# expect: 3:16 comprehensions are not supported
def f(n):
    return sum([i for i in range(n)])
