# Loops: fixed and data-dependent trip counts, break, continue, returns from loops, nesting.
import math


# at: x=0.7, n=4 | formula: 1 + x/2 + x**2/3 + x**3/4
# at: x=-1.3, n=1 | formula: 1 + 0*x
def series(x, n):
    s = 0.0
    for i in range(n):
        s += x**i / (i + 1)
    return s


# at: x=2.0 | formula: sqrt(x)
# at: x=10.0 | formula: sqrt(x)
def newton_sqrt(x):
    y = x
    while abs(y * y - x) > 1e-15 * x:
        y = 0.5 * (y + x / y)
    return y


# at: x=0.9 | formula: x*(1+2+3+4+5)
# at: x=3.1 | formula: x*(1+2+3)
def break_on_total(x):
    s = 0.0
    for i in range(1, 100):
        s += x * i
        if s > 10:
            break
    return s


# at: x=0.4, n=6 | formula: sin(x) + sin(3*x) + sin(5*x)
def skip_even(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            continue
        s += math.sin(x * i)
    return s


# at: x=0.5, y=1.5, n=2 | formula: 1 + y/2 + x/2 + x*y/3
def nested(x, y, n):
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += x**i * y**j / (1 + i + j)
    return s


# at: x=0.5 | formula: 0.5*0.5*0.5*x + 0.0
# at: x=-1.0 | formula: x * 3
def return_in_loop(x):
    y = x
    for i in range(10):
        if y < 0.1 and y > -0.1:
            return y + i * 0.0
        y = y * 0.5
        if y < -0.4:
            return x * 3
    return y


# at: x=0.3, y=0.6, n=3 | formula: x*x*y*y*y*(1 + 0.5*x*y*y)
def recurrence(x, y, n):
    a, b = x, y
    for i in range(n):
        a, b = b, a * b
    return a * b * 0.5 + b if n > 10 else b * (1 + 0.5 * a)


# at: x=0.2 | formula: (1 + x/1)*(1 + x/2)*(1 + x/3)
def product(x):
    p = 1.0
    k = 3
    while k > 0:
        p *= 1 + x / k
        k -= 1
    return p


# at: x=1.1 | formula: x**9 + x**7 + x**5 + x**3 + x
def odd_steps(x):
    s = 0.0
    for i in range(9, 0, -2):
        s += x**i if i < 5 else math.pow(x, i)
    return s


# at: x=0.37 | formula: 0.37*0 + x*x*x*x*x*x*x*x
def while_true_break(x):
    y = x
    n = 0
    while True:
        n += 1
        if n > 3:
            break
        y = y * y
    return y


# at: x=1.5, n=3 | formula: 1.5*0 + x + x + x
# at: x=1.5, n=0 | formula: 0*x - 1
def loop_var_after(x, n):
    s = 0.0
    i = -1
    for i in range(n):
        s += x
    return s + i - (n - 1 if n > 0 else 0) if n > 0 else i + 0.0 * x
