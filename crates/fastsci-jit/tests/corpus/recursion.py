# Several defs, calls between them, recursion, specialization per signature.
# call: fib(20)
# call: fib(1)
# call: ackermann(2, 3)
# call: gcd(1071, 462)
# call: gcd(17, 5)
# call: poly(3)
# call: poly(2.5)
# call: is_even(10)
# call: is_even(7)
# call: power(2.0, 10)
# call: power(3, 5)
# call: hanoi(10)
# call: tuple_return(7)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def gcd(a, b):
    if b == 0:
        return a
    return gcd(b, a % b)


def square(x):
    return x * x


def poly(x):
    return 3 * square(x) - 2 * x + 1


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def power(x, n):
    if n == 0:
        return x - x + 1
    half = power(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


def hanoi(n):
    if n == 0:
        return 0
    return 2 * hanoi(n - 1) + 1


def divmod2(a, b):
    return a // b, a % b


def tuple_return(n):
    q, r = divmod2(n * 10 + 3, 4)
    a, b = r, q
    return a, b, divmod2(q, 3)
