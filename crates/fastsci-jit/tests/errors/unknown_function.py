# expect: 4:12 unknown function `foo`
# call: f 1
def f(x):
    return foo(x)
