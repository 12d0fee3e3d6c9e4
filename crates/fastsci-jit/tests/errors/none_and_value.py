# expect: 2:5 returns a value on some paths and nothing on others
def f(n):
    if n > 0:
        return 1
    return
