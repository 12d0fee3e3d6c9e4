# expect: 4:12 ValueError: int ** negative int
# call: f -1
def f(n):
    return 2 ** n
