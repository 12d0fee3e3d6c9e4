# expect: 2:6 only plain positional parameters
def f(*args):
    return 0
