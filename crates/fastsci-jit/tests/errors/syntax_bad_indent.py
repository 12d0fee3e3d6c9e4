# expect: 4:1 syntax error
def f(x):
    y = 1
      return y
