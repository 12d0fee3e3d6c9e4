# Gradients with respect to array arguments; reads, writes and overwrites of local arrays.
import math
import numpy as np


# at: a=[0.5, -1.5, 2.0], b=[1.0, 0.25, -0.75] | formula: a[0]*b[0] + a[1]*b[1] + a[2]*b[2]
def dot(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


# at: x=[-1.2, 1.0, 0.8, 1.3] | formula: 100*(x[1]-x[0]**2)**2 + (1-x[0])**2 + 100*(x[2]-x[1]**2)**2 + (1-x[1])**2 + 100*(x[3]-x[2]**2)**2 + (1-x[2])**2
def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return s


# at: x=[3.0, -4.0, 1.5] | formula: sqrt(x[0]**2 + x[1]**2 + x[2]**2)
def norm(x):
    s = 0.0
    for v in x:
        s += v * v
    return math.sqrt(s)


# at: x=[0.5, 1.0, -0.5], w=[1.0, 2.0, 3.0] | formula: w[0]*x[0]**2 + w[1]*(x[0]**2 + x[1]**2) + w[2]*(x[0]**2 + x[1]**2 + x[2]**2)
def prefix_sums(x, w):
    n = x.shape[0]
    c = np.zeros(n)
    c[0] = x[0] ** 2
    for i in range(1, n):
        c[i] = c[i - 1] + x[i] ** 2
    s = 0.0
    for i in range(n):
        s += w[i] * c[i]
    return s


# at: x=[1.0, 0.3, -0.7, 2.0, 0.5]
# at: x=[0.1, 0.2, 0.3, 0.4, 0.5]
def gauss_seidel(x):
    n = x.shape[0]
    u = np.zeros(n)
    for i in range(n):
        u[i] = x[i]
    for sweep in range(3):
        for i in range(1, n - 1):
            u[i] = 0.5 * u[i] + 0.25 * (u[i - 1] + u[i + 1]) * u[i]
    t = 0.0
    for i in range(n):
        t += math.sin(u[i]) * (i + 1)
    return t


# at: A=[[2.0, 0.5], [-1.0, 3.0]], x=[0.7, -1.1] | formula: A[0]*x[0]*x[0] + A[1]*x[0]*x[1] + A[2]*x[1]*x[0] + A[3]*x[1]*x[1]
def quadratic_form(A, x):
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[0]):
            s += A[i, j] * x[i] * x[j]
    return s


# at: x=[1.5, 2.0, -0.5] | formula: x[2]*x[0] + x[1]
def negative_index(x):
    return x[-1] * x[0] + x[-2]


# at: x=[1.0, 2.0, 0.5] | formula: log(exp(x[0] - 2) + exp(x[1] - 2) + exp(x[2] - 2)) + 2
def logsumexp(x):
    m = x[0]
    for i in range(1, x.shape[0]):
        m = max(m, x[i])
    s = 0.0
    for i in range(x.shape[0]):
        s += math.exp(x[i] - m)
    return math.log(s) + m


# at: x=[0.5, 1.5, 2.5, 3.5] | formula: x[1]*x[1] + x[2]*x[2]*2
def inner_view(x):
    inner = x[1:-1]
    s = 0.0
    for i in range(inner.shape[0]):
        s += inner[i] ** 2 * (i + 1)
    return s


# at: x=[0.2, 0.4, 0.6], y=[1.0, 1.0, 1.0], k=2.0
def scaled_copy(x, y, k):
    z = np.ones(x.shape[0])
    for i in range(x.shape[0]):
        z[i] = z[i] * k * x[i] + y[i] * y[i]
        z[i] = z[i] * z[i]
    s = 0.0
    for v in z:
        s += v
    return s / k


# at: x=[0.5, -0.3, 0.9, 0.1]
def until_small(x):
    s = 0.0
    i = 0
    while i < x.shape[0] and abs(x[i]) > 0.2:
        s += x[i] ** 3
        i += 1
    return s + x[x.shape[0] - 1]


# at: x=[1.0, 2.0, 3.0], a=[0.5, 0.5, 0.5]
def argument_written(x, a):
    for i in range(x.shape[0]):
        a[i] = a[i] * x[i]
    s = 0.0
    for i in range(x.shape[0]):
        s += a[i] * a[i] + x[i]
    return s
