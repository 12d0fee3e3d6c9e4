"""A tiny pure-Python stand-in for the parts of NumPy the corpus kernels use.

Only for running the differential corpus under a python3 without NumPy: n-d arrays stored
flat in C order with shape, element access a[i], a[i, j] (negative indices, IndexError),
len, iteration over 1-d arrays, .shape/.size/.ndim, zeros/ones/empty(_like), tolist.
"""

import math

float64, float32, int64, int32, uint8 = "float64", "float32", "int64", "int32", "uint8"
bool_ = "bool"
pi, e, inf, nan = math.pi, math.e, math.inf, math.nan
sqrt, exp, log, sin, cos, floor, ceil = math.sqrt, math.exp, math.log, math.sin, math.cos, math.floor, math.ceil
arctan2 = math.atan2
abs = abs


def _conv(dtype, v):
    if dtype in ("float64", "float32", "float", float):
        return float(v)
    if dtype in ("bool", bool):
        return bool(v)
    return int(v)


def _name(dtype):
    return {float: "float64", int: "int64", bool: "bool"}.get(dtype, dtype)


class ndarray:
    def __init__(self, shape, dtype, data):
        self.shape = tuple(shape)
        self.dtype = _name(dtype)
        self._data = data

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __len__(self):
        return self.shape[0]

    def _flat(self, idx):
        if not isinstance(idx, tuple):
            idx = (idx,)
        if len(idx) != len(self.shape):
            raise IndexError("partial indexing is not supported by the shim")
        off = 0
        for i, d in zip(idx, self.shape):
            if i < 0:
                i += d
            if not 0 <= i < d:
                raise IndexError("index out of range")
            off = off * d + i
        return off

    def __getitem__(self, idx):
        return self._data[self._flat(idx)]

    def __setitem__(self, idx, v):
        self._data[self._flat(idx)] = _conv(self.dtype, v)

    def __iter__(self):
        if self.ndim != 1:
            raise TypeError("the shim iterates 1-d arrays only")
        return iter(list(self._data))

    def tolist(self):
        def build(off, dims):
            if len(dims) == 1:
                return list(self._data[off:off + dims[0]])
            step = 1
            for d in dims[1:]:
                step *= d
            return [build(off + k * step, dims[1:]) for k in range(dims[0])]
        return build(0, list(self.shape))


def _shape(s):
    return tuple(s) if isinstance(s, tuple) else (s,)


def _full(shape, v, dtype):
    shape = _shape(shape)
    for d in shape:
        if d < 0:
            raise ValueError("negative dimensions are not allowed")
    n = 1
    for d in shape:
        n *= d
    return ndarray(shape, dtype, [_conv(_name(dtype), v)] * n)


def zeros(shape, dtype="float64"):
    return _full(shape, 0, dtype)


def ones(shape, dtype="float64"):
    return _full(shape, 1, dtype)


def empty(shape, dtype="float64"):
    return _full(shape, 0, dtype)


def zeros_like(a, dtype=None):
    return _full(a.shape, 0, dtype or a.dtype)


def empty_like(a, dtype=None):
    return _full(a.shape, 0, dtype or a.dtype)


def ones_like(a, dtype=None):
    return _full(a.shape, 1, dtype or a.dtype)


def array(values, dtype="float64"):
    def dims(v):
        return [len(v)] + dims(v[0]) if isinstance(v, list) else []

    def flat(v):
        return [x for item in v for x in flat(item)] if isinstance(v, list) else [v]

    return ndarray(dims(values), dtype, [_conv(_name(dtype), x) for x in flat(values)])
