# Control flow: if/elif/else, while, for over range with steps, break, continue.
# call: collatz(27)
# call: collatz(1)
# call: classify(-5)
# call: classify(0)
# call: classify(7)
# call: classify(100)
# call: range_sum(10, -10, -3)
# call: range_sum(-5, 20, 4)
# call: range_sum(5, 5, 1)
# call: range_sum(0, 10, -1)
# call: range_zero_step(3)
# call: first_divisor(91)
# call: first_divisor(97)
# call: skip_odds(20)
# call: nested_break(6)
# call: while_else_flag(10)
# call: loop_var_after(7)
# call: modify_loop_var(5)


def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def classify(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    elif x < 10:
        return 1
    else:
        return 2


def range_sum(a, b, c):
    s = 0
    for i in range(a, b, c):
        s = s * 3 + i
    return s


def range_zero_step(n):
    s = 0
    k = n - n
    for i in range(0, n, k):
        s += i
    return s


def first_divisor(n):
    d = 2
    while d * d <= n:
        if n % d == 0:
            break
        d += 1
    else_flag = d * d > n
    return d, else_flag


def skip_odds(n):
    s = 0
    for i in range(n):
        if i % 2 == 1:
            continue
        s += i
    return s


def nested_break(n):
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            count += i * j
    return count


def while_else_flag(n):
    found = False
    i = 0
    while i < n:
        if i * i == 49:
            found = True
            break
        i += 1
    return found, i


def loop_var_after(n):
    last = -1
    for i in range(n):
        last = i
    return last


def modify_loop_var(n):
    s = 0
    for i in range(n):
        s += i
        i = 100
        s += i
    return s
