# expect: 2:1 only `def`, `import`
x = 1

def f(n):
    return n
