# expect: 7:12 takes 2 argument(s), got 1
# call: f 1
def g(a, b):
    return a + b

def f(x):
    return g(x)
