# expect: 3:5 `with` is not supported
def f(x):
    with open(x) as fh:
        return 1
