# expect: 3:5 outside a loop
def f(n):
    break
