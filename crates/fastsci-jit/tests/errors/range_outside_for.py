# expect: 3:9 range() can only be used in a for loop
def f(n):
    r = range(n)
    return 0
