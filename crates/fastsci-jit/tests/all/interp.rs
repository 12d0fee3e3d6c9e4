//! The reference interpreter against the compiled code: same results to the bit, same
//! errors, same random streams. The corpus and error files are cross-checked in
//! `corpus.rs` and `errors.rs` with [`same_outcome`].

use std::sync::OnceLock;

use fastsci_jit::{ArrayValue, CompileOptions, Function, JitError, Module, Value};
use ndarray::{ArrayD, IxDyn, ShapeBuilder};

fn same_float(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Exact equality: same variants and dtypes, floats bit-equal (or both NaN).
pub fn identical(a: &Value, b: &Value) -> bool {
    fn floats<'a>(x: impl Iterator<Item = &'a f64>, y: impl Iterator<Item = &'a f64>) -> bool {
        x.zip(y).all(|(p, q)| same_float(*p, *q))
    }
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => same_float(*x, *y),
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| identical(p, q))
        }
        (Value::Array(x), Value::Array(y)) if x.shape() == y.shape() => match (x, y) {
            (ArrayValue::F64(p), ArrayValue::F64(q)) => floats(p.iter(), q.iter()),
            (ArrayValue::F32(p), ArrayValue::F32(q)) => {
                p.iter().zip(q).all(|(s, t)| s.to_bits() == t.to_bits())
            }
            _ => x == y,
        },
        _ => a == b,
    }
}

/// The next number of this thread's kernel generator (to compare generator states).
fn next_draw() -> Value {
    static DRAW: OnceLock<Function> = OnceLock::new();
    let f = DRAW.get_or_init(|| {
        let src = "import numpy as np\ndef r():\n    return np.random.random()\n";
        Module::compile(src, "r.py").and_then(|m| m.function("r")).unwrap()
    });
    f.call(&[]).unwrap()
}

/// Runs `f(args)` compiled and interpreted from the same generator state `seed`; `Err`
/// describes the difference. Errors must agree in kind, message, line and column.
pub fn same_outcome(f: &Function, args: &[Value], seed: u64) -> Result<Option<JitError>, String> {
    fastsci_jit::seed(seed);
    let compiled = f.call(args);
    let after_compiled = next_draw();
    fastsci_jit::seed(seed);
    let interpreted = f.call_interpreted(args);
    let after_interpreted = next_draw();
    // Both must also leave the thread's generator in the same state (draws made before an
    // exception stay drawn).
    let same_draws = after_compiled == after_interpreted;
    match (compiled, interpreted) {
        (Ok(c), Ok(i)) if identical(&c, &i) && same_draws => Ok(None),
        (Err(c), Err(i)) if c.to_string() == i.to_string() && c.kind() == i.kind() && same_draws => {
            Ok(Some(c))
        }
        (c, i) => Err(format!(
            "compiled: {c:?}, then draws {after_compiled:?}\ninterpreted: {i:?}, then draws {after_interpreted:?}"
        )),
    }
}

fn check(src: &str, name: &str, args: &[Value]) -> Option<JitError> {
    let m = Module::compile(src, "k.py").unwrap_or_else(|e| panic!("{e}"));
    let f = m.function(name).unwrap();
    same_outcome(&f, args, 7).unwrap_or_else(|d| panic!("{name}{args:?}: {d}"))
}

fn f64s(shape: &[usize], v: impl Fn(usize) -> f64) -> Value {
    let n = shape.iter().product();
    Value::Array(ArrayValue::F64(ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(v).collect()).unwrap()))
}

#[test]
fn random_streams_match_bit_for_bit() {
    let src = "
import numpy as np

def walk(n):
    x = 0.0
    hits = np.zeros(6, np.int64)
    for i in range(n):
        x += np.random.randn() + np.random.normal(1.0, 2.0) + np.random.uniform(-1.0, 1.0)
        hits[np.random.randint(0, 6)] += 1
        if np.random.random() < 0.1:
            x = helper(x)
    return x, hits, np.random.rand()

def helper(x):
    return x * np.random.standard_normal()

def reseeded(n):
    np.random.seed(n)
    return np.random.random(), np.random.randint(-5, 5)

def index_error(n):
    a = np.zeros(n)
    s = 0.0
    for i in range(n):
        s += np.random.random()
    return s + a[n]

def zero_division(n):
    s = 0.0
    for i in range(n):
        s += np.random.random()
    return s + 1 // (n - n)

def negative_dim(n):
    s = np.random.random()
    return np.zeros(n - 5)[0] + s

def deep_error(n):
    s = np.random.random()
    if n == 0:
        return s / (s - s)
    return s + deep_error(n - 1)

def bad_randint(n):
    s = np.random.random()
    return s + np.random.randint(n, n)
";
    check(src, "walk", &[Value::Int(200)]);
    for name in ["index_error", "zero_division", "negative_dim", "deep_error"] {
        assert!(check(src, name, &[Value::Int(3)]).is_some(), "{name} raises");
    }
    // Here the generator moved by 3 draws, as NumPy's would before the exception.
    let m = Module::compile(src, "k.py").unwrap();
    fastsci_jit::seed(9);
    m.function("zero_division").unwrap().call(&[Value::Int(3)]).unwrap_err();
    let after_error = next_draw();
    fastsci_jit::seed(9);
    for _ in 0..3 {
        next_draw();
    }
    assert_eq!(after_error, next_draw());
    check(src, "reseeded", &[Value::Int(3)]);
    let e = check(src, "bad_randint", &[Value::Int(4)]).expect("randint(4, 4) raises");
    assert!(e.message().starts_with("ValueError"), "{e}");
}

#[test]
fn every_dtype_reads_writes_and_narrows_alike() {
    let src = "
import numpy as np

def fill(n):
    a = np.zeros((n, 2), np.float32)
    b = np.ones(n, np.int32)
    c = np.empty(n, np.uint8)
    d = np.zeros(n, np.bool_)
    e = np.ones_like(a)
    for i in range(n):
        a[i, 0] = 0.1 * i
        a[i, 1] = a[i, 0] * 3.0
        b[i] = b[i] * (2 ** 40 + i - 3)
        c[i] = 250 + i
        d[i] = i % 3 == 0
        e[-i - 1, 1] = -a[i, 1]
    return a, b, c, d, e, a.ndim, a.size

def total(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * b[j]
    return s
";
    check(src, "fill", &[Value::Int(9)]);
    let c = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f32 / 3.0);
    let mut fortran = ndarray::Array2::<f32>::zeros((3, 4).f());
    fortran.assign(&c);
    let ints =
        Value::Array(ArrayValue::I32(ArrayD::from_shape_vec(IxDyn(&[4]), vec![1, -2, 3, i32::MIN]).unwrap()));
    for a in [c.into_dyn(), fortran.into_dyn()] {
        check(src, "total", &[Value::Array(ArrayValue::F32(a)), ints.clone()]);
    }
}

#[test]
fn loops_calls_and_integer_corner_cases() {
    let src = "
def corners(a, b):
    return a // b, a % b, a * b, a + b, -a, ~a, a << 3, a >> 2, a ** 3, a & b, a | b, a ^ b, max(a, b), min(a, b)

def floats(x, y):
    return x // y, x % y, x / y, x ** 3, x ** 0.5, int(x), round(x), abs(x), max(x, y), min(x, y), x == y, x < y

def loops(n, step):
    s = 0
    for i in range(n, -n, step):
        if i % 7 == 3:
            continue
        k = 0
        while True:
            k += 1
            if k > i % 5:
                break
        s = s * 3 + k - i
    return s, i

def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)
";
    let big = [i64::MIN, -7, -1, 0, 3, i64::MAX];
    for &a in &big {
        for &b in &big {
            check(src, "corners", &[Value::Int(a), Value::Int(b)]);
        }
    }
    let xs = [f64::NAN, f64::NEG_INFINITY, -2.5, -0.0, 0.0, 0.5, 1e300];
    for &x in &xs {
        for &y in &xs {
            check(src, "floats", &[Value::Float(x), Value::Float(y)]);
        }
    }
    for step in [-3, -1, 0, 2] {
        check(src, "loops", &[Value::Int(20), Value::Int(step)]);
    }
    // The deepest call allowed, and one more.
    assert!(check(src, "depth", &[Value::Int(2000)]).is_none());
    let e = check(src, "depth", &[Value::Int(2001)]).expect("too deep");
    assert!(e.message().starts_with("RecursionError"), "{e}");
}

#[test]
fn aliasing_arrays_returned_from_calls_and_errors() {
    let src = "
import numpy as np

def make(n):
    return np.zeros((n, n))

def alias(n):
    a = make(n)
    b = a
    b[0, -1] = 5.0
    scale(a, 2.0)
    return a, b[0, n - 1]

def scale(a, k):
    for i in range(a.shape[0]):
        a[i, i] = a[i, i] * k + 1.0

def bad(a, i, j):
    return a[i, j]

def negative(n):
    return np.zeros(n)
";
    check(src, "alias", &[Value::Int(4)]);
    let a = f64s(&[2, 3], |k| k as f64);
    for (i, j) in [(1, 2), (-2, -3), (2, 0), (0, 3), (0, -4)] {
        check(src, "bad", &[a.clone(), Value::Int(i), Value::Int(j)]);
    }
    check(src, "negative", &[Value::Int(-1)]);
    // The interpreter never changes its arguments, like `call`.
    let args = [a.clone(), Value::Float(3.0)];
    check(src, "scale", &args);
    assert_eq!(args[0], a);
}

#[test]
fn without_bounds_checks_in_range_indices_agree() {
    let src = "def f(a, i):\n    return a[i] + a[-1]\n";
    let m = Module::compile_with(src, "k.py", CompileOptions { boundscheck: false, ..Default::default() })
        .unwrap();
    let f = m.function("f").unwrap();
    let a = f64s(&[5], |k| k as f64 * 1.5);
    for i in [0, 4, -5] {
        same_outcome(&f, &[a.clone(), Value::Int(i)], 1).unwrap();
    }
    // Out of range, the compiled code would read arbitrary memory; the interpreter raises.
    let e = f.call_interpreted(&[a, Value::Int(1 << 40)]).unwrap_err();
    assert!(e.message().starts_with("IndexError"), "{e}");
}

#[test]
fn math_functions_bools_and_mixed_types_on_edge_values() {
    let src = "
import math
import numpy as np

def elementary(x):
    return (math.sqrt(x), math.exp(x), math.expm1(x), math.log(x), math.log1p(x), math.log2(x),
            math.log10(x), math.pow(x, 1.3), math.pow(x, x), x ** x, x ** 2, x ** 3, x ** 4, x ** 0, x ** -1, x ** 0.5)

def trig(x):
    return (math.sin(x), math.cos(x), math.tan(x), math.asin(x), math.acos(x), math.atan(x),
            math.atan2(x, 0.5), math.atan2(0.5, x), math.hypot(x, 2.0), math.sinh(x), math.cosh(x),
            math.tanh(x), math.asinh(x), math.acosh(x), math.atanh(x))

def special(x):
    return (math.erf(x), math.erfc(x), math.gamma(x), math.lgamma(x), math.floor(x), math.ceil(x),
            math.trunc(x), math.fabs(x), math.copysign(1.0, x), round(x), int(x), bool(x),
            np.isnan(x), np.isinf(x), np.isfinite(x), x % 1.5, x // 1.5, -x % 2.0, abs(x))

def bools(a, b, n):
    return (a and b, a or b, not a, a == b, a < b, a & b, a | b, a ^ b, int(a) + n, a + n,
            n and a, n or 0, n if a else -n, max(n, a), min(a, b), abs(n), -n, n ** 2, float(n),
            not n, ~n, ~a, -a, a * n, a << 2)

def mixed(n, x):
    return n + x, n * x, n / x, n // x, n % x, x ** n, n ** 3, n < x, n == x, max(n, x), min(x, n)
";
    let m = Module::compile(src, "k.py").unwrap_or_else(|e| panic!("{e}"));
    let xs = [
        f64::NAN,
        f64::NEG_INFINITY,
        f64::INFINITY,
        -3.0,
        -2.5,
        -0.5,
        -0.0,
        0.0,
        1e-310,
        0.5,
        1.0,
        2.5,
        171.5,
        1e300,
    ];
    for name in ["elementary", "trig", "special"] {
        let f = m.function(name).unwrap();
        for &x in &xs {
            let error =
                same_outcome(&f, &[Value::Float(x)], 0).unwrap_or_else(|d| panic!("{name}({x}): {d}"));
            assert!(error.is_none(), "{name}({x}): {error:?}");
        }
    }
    let f = m.function("bools").unwrap();
    for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
        for n in [i64::MIN, -2, 0, 5] {
            let error = same_outcome(&f, &[Value::Bool(a), Value::Bool(b), Value::Int(n)], 0)
                .unwrap_or_else(|d| panic!("bools({a}, {b}, {n}): {d}"));
            assert!(error.is_none(), "bools({a}, {b}, {n}): {error:?}");
        }
    }
    let f = m.function("mixed").unwrap();
    for n in [i64::MIN, -7, 0, 3, i64::MAX] {
        for &x in &xs {
            let error = same_outcome(&f, &[Value::Int(n), Value::Float(x)], 0)
                .unwrap_or_else(|d| panic!("mixed({n}, {x}): {d}"));
            // Only dividing by zero raises.
            assert!(error.is_none() || x == 0.0, "mixed({n}, {x}): {error:?}");
        }
    }
}

#[test]
fn array_arguments_of_every_dtype_tuples_and_conditional_values() {
    let src = "
import numpy as np

def walk(a, t):
    s = 0
    for x in a:
        s = s * 3 + int(x)
    k, flag = t
    b = a if flag else np.zeros_like(a)
    b[0] = b[-1] + k
    return s, b, (k, a.shape[0]) if s > 0 else (-k, a.size)

def bump(a):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] += 1
    return a
";
    let m = Module::compile(src, "k.py").unwrap_or_else(|e| panic!("{e}"));
    let v = |x: &[i64]| x.to_vec();
    let arrays = [
        Value::Array(ArrayValue::I64(ArrayD::from_shape_vec(IxDyn(&[4]), v(&[3, -1, i64::MAX, 0])).unwrap())),
        Value::Array(ArrayValue::I32(ArrayD::from_shape_vec(IxDyn(&[3]), vec![i32::MAX, -5, 2]).unwrap())),
        Value::Array(ArrayValue::U8(ArrayD::from_shape_vec(IxDyn(&[3]), vec![255, 0, 7]).unwrap())),
        Value::Array(ArrayValue::Bool(ArrayD::from_shape_vec(IxDyn(&[2]), vec![true, false]).unwrap())),
        Value::Array(ArrayValue::F32(ArrayD::from_shape_vec(IxDyn(&[2]), vec![1.5, -2.25]).unwrap())),
        f64s(&[3], |k| k as f64 - 0.5),
    ];
    let walk = m.function("walk").unwrap();
    for a in &arrays {
        for (k, flag) in [(2, true), (-9, false)] {
            let t = Value::Tuple(vec![Value::Int(k), Value::Bool(flag)]);
            let error =
                same_outcome(&walk, &[a.clone(), t], 0).unwrap_or_else(|d| panic!("walk({a:?}): {d}"));
            assert!(error.is_none(), "{error:?}");
        }
    }
    let bump = m.function("bump").unwrap();
    let wide = ndarray::Array2::from_shape_fn((2, 6), |(i, j)| ((i * 6 + j) as u8).wrapping_add(250));
    let mut strided = wide.clone();
    strided.slice_collapse(ndarray::s![.., ..;3]);
    for a in [wide, strided, ndarray::Array2::from_shape_fn((3, 2).f(), |(i, j)| (i + j) as u8)] {
        let error = same_outcome(&bump, &[Value::Array(ArrayValue::U8(a.into_dyn()))], 0).unwrap();
        assert!(error.is_none(), "{error:?}");
    }
}
