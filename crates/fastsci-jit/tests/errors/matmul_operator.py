# expect: 3:12 `@` and np.dot need two arrays
def f(a):
    return a @ a
