# expect: 6:12 unknown function `A`
class A:
    pass

def f(n):
    return A(n)
