# expect: 3:5 `try` is not supported
def f(x):
    try:
        return 1 / x
    except ZeroDivisionError:
        return 0
