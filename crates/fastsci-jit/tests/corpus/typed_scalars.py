# NumPy's typed scalars keep their type as NumPy 2 computes them (NEP 50: Python literals
# are weak): float32 arithmetic rounds to float32 after every operation, fixed-width
# integers wrap, mixed types promote as np.result_type; arrays of every integer dtype.
# call: f32_chain(0.7)
# call: f32_chain(-12.345678)
# call: f32_vs_f64(1.0000001)
# call: f32_vs_f64(3.3333333)
# call: f32_literals(0.1)
# call: int8_wrap(100)
# call: int8_wrap(-77)
# call: unsigned_wrap(3)
# call: unsigned_wrap(250)
# call: mixed_promotion(16777217)
# call: mixed_promotion(-5)
# call: uint64_bits(0)
# call: uint64_bits(7)
# call: typed_index(array([10, 20, 30, 40], "int16"))
# call: narrow_sums(array([100, 120, -128, 7], "int8"))
# call: narrow_sums(array([1, 2, 3], "int8"))
# call: u16_squares(array([300, 65535, 2], "uint16"))
# call: u32_array(array([4000000000, 1, 77], "uint32"))
# call: i8_array_expr(array([100, -100, 5, 127], "int8"))
# call: new_typed_arrays(4)
# call: f32_elementwise(array([1.1, 2.2, 3.3000002], "float32"), array([0.1, 1e-8, 7.25], "float32"))
# call: typed_helper(2.5)
# call: u64_array(array([1, 9007199254740991, 12345], "uint64"))
# call: float_to_typed(300.7)
# call: float_to_typed(-1.5)
import math

import numpy as np


def f32_chain(x):
    a = np.float32(x)
    b = a * np.float32(3.0) + 0.1
    c = b / np.float32(7.0) - a
    return c, np.sqrt(c * c + 1.0), math.sqrt(c * c + 1.0), c ** 2, abs(-c)


def f32_vs_f64(x):
    # The same expression in float32 and in float64 differs after a few roundings.
    a = np.float32(x)
    y = a * a * a - a / np.float32(3.0)
    z = x * x * x - x / 3.0
    return y, z, y == z, np.float32(z) == y


def f32_literals(x):
    a = np.float32(x)
    # A Python float literal is converted to float32 first (NEP 50).
    return a + 0.2, 0.2 + a, a * 1e-3, -a, 2 * a


def int8_wrap(x):
    a = np.int8(x)
    b = a * np.int8(3)
    c = b + 100
    d = -np.int8(-128)
    e = abs(np.int8(-128))
    return b, c, d, e, a // np.int8(3), a % np.int8(-5), ~a, a << 2, a >> 1


def unsigned_wrap(x):
    a = np.uint8(x)
    b = a - np.uint8(10)
    c = a + np.uint8(10)
    d = np.uint16(x) * np.uint16(300)
    e = np.uint32(x) - np.uint32(5)
    f = np.uint8(x) + np.int8(-1)
    return b, c, d, e, f, b > a, ~a


def mixed_promotion(x):
    i = np.int32(x)
    f = np.float32(0.0)
    s = np.int16(i // np.int32(3))
    u = np.uint8(3)
    g = i + f
    h = s + f
    return g, h, i + u, s * u, s / u, i / np.int32(4), u * 2.5


def uint64_bits(x):
    u = np.uint64(x) - np.uint64(1)
    big = u > np.uint64(5)
    return float(u), big, u == np.uint64(x) - np.uint64(1), float(np.uint64(x) + np.uint64(3))


def typed_index(a):
    k = np.int32(2)
    s = np.int64(0)
    for j in range(np.int16(3)):
        s += a[j]
    return a[k], a[np.uint8(1)], s, a[0] * a[1]


def narrow_sums(a):
    total = np.int64(0)
    wrapped = np.int8(0)
    for i in range(a.shape[0]):
        total += a[i]
        wrapped += a[i]
    return total, wrapped


def u16_squares(a):
    out = np.zeros(a.shape[0], np.uint16)
    for i in range(a.shape[0]):
        out[i] = a[i] * a[i]
    return out


def u32_array(a):
    b = a + 300000000
    m = a[0]
    for i in range(a.shape[0]):
        if a[i] > m:
            m = a[i]
    return b, m, float(a[0]) * 2.0


def i8_array_expr(a):
    b = a * 3 + 1
    c = -a
    return b, c, a // 7


def new_typed_arrays(n):
    a = np.ones(n, np.int8)
    b = np.zeros((2, n), np.uint32)
    c = np.zeros(n, np.int16)
    for i in range(n):
        a[i] = 30 * i - 40
        b[1, i] = i + 1
        c[i] = 1000 * i - 2000
    return a, b, c


def f32_elementwise(a, b):
    out = np.empty(a.shape[0], np.float32)
    for i in range(a.shape[0]):
        out[i] = a[i] * b[i] + a[i] / b[i]
    return out


def half(v):
    return v / 2 + v * np.float32(0.1)


def typed_helper(x):
    return half(np.float32(x)), half(np.float64(x))


def u64_array(a):
    b = a + np.uint64(1)
    return b, a[1] > a[2], float(a[1])


def float_to_typed(x):
    return np.int16(x), np.uint8(np.int32(x)), np.float32(np.int32(x)), np.int64(x)
