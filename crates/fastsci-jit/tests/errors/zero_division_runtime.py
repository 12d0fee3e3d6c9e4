# expect: 4:12 ZeroDivisionError
# call: f 0
def f(n):
    return 10 // n
