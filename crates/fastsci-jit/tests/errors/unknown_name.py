# expect: 4:16 name `z` is not defined
# call: f 1
def f(x):
    return x + z
