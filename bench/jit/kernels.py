"""Kernels as Numba users write them, run by bench/jit/run.py with numba.njit and with
fastsci-jit on the same inputs. Plain functions: run.py applies numba.njit; fastsci-jit
compiles this file as is (module-level names are frozen constants, as Numba does)."""

import math

import numpy as np

NBINS = 64
DT = 0.01
SOFTENING = 1e-3


def sum_f64(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def sum_f32(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def sum_i32(a):
    s = 0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def dot(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


def centred_diff(a, h):
    n = a.shape[0]
    out = np.zeros(n)
    for i in range(1, n - 1):
        out[i] = (a[i + 1] - a[i - 1]) / (2.0 * h)
    return out


def stencil_slices(a):
    out = np.zeros_like(a)
    out[1:-1] = (a[:-2] + a[2:]) * 0.5 - a[1:-1]
    return out


def axpy_expr(a, b):
    return 2.5 * a + b


def fused_expr(a, b):
    return np.sqrt(a * a + b * b) + np.exp(-a) * np.sin(b)


def elementwise_map(a):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        x = a[i]
        out[i] = x * x - 3.0 * x + 1.0 if x > 0.0 else -x
    return out


def black_scholes(s, k, t, r, v):
    n = s.shape[0]
    call = np.empty(n)
    for i in range(n):
        sqt = math.sqrt(t[i])
        d1 = (math.log(s[i] / k[i]) + (r + 0.5 * v * v) * t[i]) / (v * sqt)
        d2 = d1 - v * sqt
        nd1 = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
        nd2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
        call[i] = s[i] * nd1 - k[i] * math.exp(-r * t[i]) * nd2
    return call


def nbody_energy(pos, vel, mass):
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        e += 0.5 * mass[i] * (vel[i, 0] ** 2 + vel[i, 1] ** 2 + vel[i, 2] ** 2)
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            e -= mass[i] * mass[j] / math.sqrt(dx * dx + dy * dy + dz * dz + SOFTENING)
    return e


def nbody_step(pos, vel, mass, steps):
    n = pos.shape[0]
    acc = np.zeros((n, 3))
    for s in range(steps):
        for i in range(n):
            acc[i, 0] = 0.0
            acc[i, 1] = 0.0
            acc[i, 2] = 0.0
            for j in range(n):
                if i != j:
                    dx = pos[j, 0] - pos[i, 0]
                    dy = pos[j, 1] - pos[i, 1]
                    dz = pos[j, 2] - pos[i, 2]
                    inv = 1.0 / math.sqrt(dx * dx + dy * dy + dz * dz + SOFTENING)
                    f = mass[j] * inv * inv * inv
                    acc[i, 0] += f * dx
                    acc[i, 1] += f * dy
                    acc[i, 2] += f * dz
        for i in range(n):
            for d in range(3):
                vel[i, d] += DT * acc[i, d]
                pos[i, d] += DT * vel[i, d]
    return pos


def ising_sweeps(spins, rand, beta, sweeps):
    n = spins.shape[0]
    m = spins.shape[1]
    for s in range(sweeps):
        for i in range(n):
            for j in range(m):
                nb = spins[(i + 1) % n, j] + spins[i - 1, j] + spins[i, (j + 1) % m] + spins[i, j - 1]
                de = 2.0 * spins[i, j] * nb
                if de <= 0.0 or rand[i, j] < math.exp(-beta * de):
                    spins[i, j] = -spins[i, j]
    total = 0
    for i in range(n):
        for j in range(m):
            total += spins[i, j]
    return total


def life_loops(grid, steps):
    n = grid.shape[0]
    m = grid.shape[1]
    cur = grid
    nxt = np.zeros((n, m), np.int64)
    for s in range(steps):
        for i in range(n):
            for j in range(m):
                c = 0
                for di in range(-1, 2):
                    for dj in range(-1, 2):
                        if di != 0 or dj != 0:
                            c += cur[(i + di) % n, (j + dj) % m]
                alive = cur[i, j] == 1
                nxt[i, j] = 1 if (c == 3 or (alive and c == 2)) else 0
        cur, nxt = nxt, cur
    return cur


def life_slices(g):
    n = g[:-2, :-2] + g[:-2, 1:-1] + g[:-2, 2:] + g[1:-1, :-2] + g[1:-1, 2:] + g[2:, :-2] + g[2:, 1:-1] + g[2:, 2:]
    out = np.zeros_like(g)
    out[1:-1, 1:-1] = ((n == 3) | ((g[1:-1, 1:-1] == 1) & (n == 2))) * 1
    return out


def grouped_sum(keys, vals, ngroups):
    out = np.zeros(ngroups)
    for i in range(keys.shape[0]):
        out[keys[i]] += vals[i]
    return out


def histogram(x):
    counts = np.zeros(NBINS, np.int64)
    for i in range(x.shape[0]):
        b = int(x[i] * NBINS)
        if b >= 0 and b < NBINS:
            counts[b] += 1
    return counts


def insertion_sort(a):
    for i in range(1, a.shape[0]):
        key = a[i]
        j = i - 1
        while j >= 0 and a[j] > key:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key
    return a


def quicksort(a, lo, hi):
    if lo >= hi:
        return 0
    p = a[(lo + hi) // 2]
    i = lo
    j = hi
    while i <= j:
        while a[i] < p:
            i += 1
        while a[j] > p:
            j -= 1
        if i <= j:
            t = a[i]
            a[i] = a[j]
            a[j] = t
            i += 1
            j -= 1
    quicksort(a, lo, j)
    quicksort(a, i, hi)
    return 0


def sort_checksum(a):
    quicksort(a, 0, a.shape[0] - 1)
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * (i + 1)
    return s


def mandelbrot(w, h, maxit):
    out = np.zeros((h, w), np.int64)
    for y in range(h):
        for x in range(w):
            cr = -2.0 + 3.0 * x / w
            ci = -1.5 + 3.0 * y / h
            zr = 0.0
            zi = 0.0
            k = 0
            while k < maxit and zr * zr + zi * zi < 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                k += 1
            out[y, x] = k
    return out


def pairwise_dist(x):
    n = x.shape[0]
    d = x.shape[1]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = x[i, k] - x[j, k]
                s += t * t
            out[i, j] = math.sqrt(s)
    return out


def matmul_loops(a, b):
    n = a.shape[0]
    m = b.shape[1]
    p = a.shape[1]
    c = np.zeros((n, m))
    for i in range(n):
        for k in range(p):
            aik = a[i, k]
            for j in range(m):
                c[i, j] += aik * b[k, j]
    return c


def prefix_sum(a):
    out = np.empty(a.shape[0])
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
        out[i] = s
    return out


def horner(x, coef):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        acc = 0.0
        for k in range(coef.shape[0]):
            acc = acc * x[i] + coef[k]
        out[i] = acc
    return out


def heat2d_slices(u, k, steps):
    for s in range(steps):
        u[1:-1, 1:-1] = u[1:-1, 1:-1] + k * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2] - 4.0 * u[1:-1, 1:-1])
    return u


def mean_std(a):
    n = a.shape[0]
    m = 0.0
    for i in range(n):
        m += a[i]
    m /= n
    v = 0.0
    for i in range(n):
        v += (a[i] - m) ** 2
    return math.sqrt(v / n)


def row_norms(m):
    out = np.empty(m.shape[0])
    i = 0
    for row in m:
        s = 0.0
        for j in range(row.shape[0]):
            s += row[j] * row[j]
        out[i] = math.sqrt(s)
        i += 1
    return out


def sieve(n):
    composite = np.zeros(n + 1, np.bool_)
    count = 0
    for i in range(2, n + 1):
        if not composite[i]:
            count += 1
            for j in range(i * i, n + 1, i):
                composite[j] = True
    return count


def collatz_max(n):
    best = 0
    for start in range(1, n):
        x = start
        steps = 0
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
        if steps > best:
            best = steps
    return best
