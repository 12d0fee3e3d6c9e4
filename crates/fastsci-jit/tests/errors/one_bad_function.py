# expect: 6:5 `try` is not supported
def good(n):
    return n + 1

def f(n):
    try:
        return n
    except ValueError:
        return 0
