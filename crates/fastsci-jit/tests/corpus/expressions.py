# Expressions: chained comparisons, short-circuit and/or, conditional expressions, tuples.
# call: chained(0.5)
# call: chained(1.5)
# call: chained(-0.1)
# call: short_circuit(0)
# call: short_circuit(3)
# call: and_or_values(0, 5)
# call: and_or_values(2, 0)
# call: and_or_values(2.5, 1)
# call: conditional(4)
# call: conditional(-4)
# call: swap_rotate(1, 2, 3)
# call: augmented(10)
# call: compare_mixed(3, 3.0)
# call: compare_mixed(2, 2.5)
# call: not_ops(0.0)
# call: not_ops(2.0)
# call: multi_assign(4)
# call: shadow_types(3)


def chained(x):
    return 0 < x < 1, 0 <= x <= 1 < 2, x < 0 or x > 1


def safe_div(a, b):
    return a / b


def short_circuit(n):
    ok = n != 0 and safe_div(10, n) > 1
    other = n == 0 or safe_div(10, n) < 5
    return ok, other


def and_or_values(a, b):
    return a and b, a or b


def conditional(n):
    s = n if n > 0 else -n
    t = 1.5 if n % 2 == 0 else 2
    return s, t


def swap_rotate(a, b, c):
    a, b, c = b, c, a
    return a * 100 + b * 10 + c


def augmented(n):
    x = n
    x += 3
    x -= 1
    x *= 4
    x //= 3
    x %= 7
    x **= 2
    y = float(n)
    y /= 4
    return x, y


def compare_mixed(a, b):
    return a == b, a != b, a < b, a >= b


def not_ops(x):
    return not x, not not x, not (x > 1)


def multi_assign(n):
    a = b = n * 2
    a += 1
    return a, b


def shadow_types(n):
    x = 0
    for i in range(n):
        x = x + 0.5
    return x
