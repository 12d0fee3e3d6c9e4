# expect: 3:14 can only loop over range
def f(n):
    for i in n:
        pass
    return 0
