# expect: 4:5 AssertionError: n must be positive
# call: f -2
def f(n):
    assert n > 0, "n must be positive"
    return n
