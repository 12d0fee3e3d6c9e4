# expect: 4:12 ZeroDivisionError
# call: f 0.0
def f(x):
    return 1.0 / x
