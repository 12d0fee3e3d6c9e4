# expect: 4:12 cannot index a value of type int
# call: f 3
def f(x):
    return x[0]
