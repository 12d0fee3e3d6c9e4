# Integer and float arithmetic with Python semantics.
# call: floordiv_mod(7, 3)
# call: floordiv_mod(-7, 3)
# call: floordiv_mod(7, -3)
# call: floordiv_mod(-7, -3)
# call: floordiv_mod(0, 5)
# call: floordiv_mod(7, 0)
# call: float_floordiv_mod(7.5, 2.0)
# call: float_floordiv_mod(-7.5, 2.0)
# call: float_floordiv_mod(7.5, -2.0)
# call: float_floordiv_mod(-0.0, 3.0)
# call: float_floordiv_mod(1.0, 0.0)
# call: true_div(7, 2)
# call: true_div(-1, 3)
# call: true_div(1, 0)
# call: int_pow(3, 13)
# call: int_pow(-2, 7)
# call: int_pow(5, 0)
# call: mixed(3, 0.25)
# call: mixed(-4, 2.5)
# call: neg_const_pow(4.0)
# call: bools(True, False)
# call: bitops(12, 10)
# call: bitops(-12, 3)
# call: wrap_mul(3037000499)


def floordiv_mod(a, b):
    return a // b, a % b


def float_floordiv_mod(a, b):
    return a // b, a % b


def true_div(a, b):
    return a / b


def int_pow(a, b):
    return a ** b


def mixed(n, x):
    return n * x + n - x, n ** 2 * x, x ** 3, n / 4 + x // 0.1


def neg_const_pow(x):
    return x ** -2, 2 ** -3, x ** 0.5


def bools(a, b):
    return a + b, a * 3, (not a) or b, a and 5, b or 7, -a, ~b


def bitops(a, b):
    return a & b, a | b, a ^ b, a << 2, a >> 1, ~a


def wrap_mul(x):
    return x * x - 9223372030926249001
