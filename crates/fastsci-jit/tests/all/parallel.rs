//! `prange` loops: reductions give the same bits with 1, 2 and 8 threads (and in the
//! interpreter), races are compile errors at their line, random numbers are reproducible,
//! runtime errors inside blocks surface as the kernel's.

use fastsci_jit::{ArrayValue, CompileOptions, ErrorKind, Function, JitError, Module, Value};
use ndarray::{ArrayD, IxDyn};

fn parallel(src: &str, name: &str) -> Function {
    let opts = CompileOptions { parallel: true, ..Default::default() };
    let m = Module::compile_with(src, "p.py", opts).unwrap_or_else(|e| panic!("{e}"));
    m.function(name).unwrap()
}

fn on_threads(threads: usize, f: &Function, args: &[Value]) -> Result<Value, JitError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| f.call(args))
}

/// The kernel's result with 1, 2 and 8 threads, checked equal to the bit, and equal to the
/// interpreter's and to the serial (`parallel: false`) compiled code's.
fn same_on_all_threads(src: &str, name: &str, args: &[Value]) -> Value {
    let f = parallel(src, name);
    let one = on_threads(1, &f, args).unwrap_or_else(|e| panic!("{e}"));
    for t in [2, 8] {
        let other = on_threads(t, &f, args).unwrap();
        assert!(bit_equal(&one, &other), "{name}: 1 thread gave {one:?}, {t} threads {other:?}");
    }
    let serial = Module::compile(src, "p.py").unwrap().function(name).unwrap();
    let s = serial.call(args).unwrap();
    assert!(bit_equal(&one, &s), "{name}: parallel {one:?}, serial {s:?}");
    let i = f.call_interpreted(args).unwrap();
    assert!(bit_equal(&one, &i), "{name}: compiled {one:?}, interpreted {i:?}");
    one
}

fn bit_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| bit_equal(p, q))
        }
        (Value::Array(ArrayValue::F64(x)), Value::Array(ArrayValue::F64(y))) => {
            x.shape() == y.shape() && x.iter().zip(y.iter()).all(|(p, q)| p.to_bits() == q.to_bits())
        }
        _ => a == b,
    }
}

fn data(n: usize) -> Vec<f64> {
    // Irregular values of mixed magnitude, so a different summation order shows.
    (0..n).map(|i| ((i as f64 * 0.618_033_988_75).fract() - 0.3) * 10f64.powi((i % 7) as i32 - 3)).collect()
}

fn arr(v: Vec<f64>) -> Value {
    let n = v.len();
    Value::Array(ArrayValue::F64(ArrayD::from_shape_vec(IxDyn(&[n]), v).unwrap()))
}

fn float(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v:?}"))
}

const REDUCTIONS: &str = "
import numba
from numba import prange

def add(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s

def sub(a):
    s = 1.5
    for i in numba.prange(len(a)):
        s -= a[i]
    return s

def mul(a):
    p = 1.0
    for i in prange(len(a)):
        p *= 1.0 + a[i] * 1e-5
    return p

def add_long_form(a):
    s = 0.0
    for i in prange(len(a)):
        s = a[i] + s
    return s

def minmax(a):
    lo = 1e300
    hi = -1e300
    for i in prange(len(a)):
        lo = min(lo, a[i])
        hi = max(a[i], hi)
    return lo, hi

def ints(n):
    s = 0
    m = 0
    for i in prange(n):
        s += i * i % 7
        m = max(m, (i * 7919) % 10007)
    return s, m

def conditional(a):
    s = 0.0
    c = 0
    for i in prange(len(a)):
        if a[i] > 0:
            s += a[i]
            c += 1
        else:
            for j in range(3):
                s -= a[i] * j
    return s, c

def stepped(n):
    s = 0
    for i in prange(n, -n, -3):
        s += i
    return s

def nested(n):
    s = 0.0
    for i in prange(n):
        for j in prange(i):
            s += 1.0 / (i + j + 1)
    return s
";

#[test]
fn every_reduction_form_gives_the_same_bits_on_1_2_and_8_threads() {
    let v = data(100_003);
    let a = arr(v.clone());
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-11 * want.abs().max(1.0);

    let s = float(&same_on_all_threads(REDUCTIONS, "add", std::slice::from_ref(&a)));
    assert!(close(s, v.iter().map(|x| x * x).sum()), "{s}");
    let s = float(&same_on_all_threads(REDUCTIONS, "sub", std::slice::from_ref(&a)));
    assert!(close(s, 1.5 - v.iter().sum::<f64>()), "{s}");
    let p = float(&same_on_all_threads(REDUCTIONS, "mul", std::slice::from_ref(&a)));
    assert!(close(p, v.iter().map(|x| 1.0 + x * 1e-5).product()), "{p}");
    let s = float(&same_on_all_threads(REDUCTIONS, "add_long_form", std::slice::from_ref(&a)));
    assert!(close(s, v.iter().sum()), "{s}");

    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let r = same_on_all_threads(REDUCTIONS, "minmax", std::slice::from_ref(&a));
    assert_eq!(r, Value::Tuple(vec![Value::Float(lo), Value::Float(hi)]));

    let n = 1_000_001i64;
    let s: i64 = (0..n).map(|i| i * i % 7).sum();
    let m: i64 = (0..n).map(|i| (i * 7919) % 10007).max().unwrap();
    assert_eq!(
        same_on_all_threads(REDUCTIONS, "ints", &[Value::Int(n)]),
        Value::Tuple(vec![Value::Int(s), Value::Int(m)])
    );

    let r = same_on_all_threads(REDUCTIONS, "conditional", std::slice::from_ref(&a));
    let want_s: f64 = v.iter().map(|&x| if x > 0.0 { x } else { -3.0 * x }).sum();
    let want_c = v.iter().filter(|&&x| x > 0.0).count() as i64;
    let Value::Tuple(r) = r else { panic!() };
    assert!(close(float(&r[0]), want_s));
    assert_eq!(r[1], Value::Int(want_c));

    let want: i64 = (-1000 + 1..=1000).rev().step_by(3).sum();
    assert_eq!(same_on_all_threads(REDUCTIONS, "stepped", &[Value::Int(1000)]), Value::Int(want));

    let want: f64 = (0..300).flat_map(|i| (0..i).map(move |j| 1.0 / (i + j + 1) as f64)).sum();
    assert!(close(float(&same_on_all_threads(REDUCTIONS, "nested", &[Value::Int(300)])), want));
}

#[test]
fn empty_and_tiny_loops_leave_the_reduction_alone() {
    for n in [0, 1, 2, 255, 256, 257] {
        let r = same_on_all_threads(REDUCTIONS, "ints", &[Value::Int(n)]);
        let s: i64 = (0..n).map(|i| i * i % 7).sum();
        let m: i64 = (0..n).map(|i| (i * 7919) % 10007).max().unwrap_or(0);
        assert_eq!(r, Value::Tuple(vec![Value::Int(s), Value::Int(m)]), "n = {n}");
    }
}

const ARRAYS: &str = "
import numpy as np
from numba import prange

def squares(n):
    out = np.zeros(2 * n + 1)
    for i in prange(n):
        out[2 * i + 1] = i * i
        out[1 + i * 2] += 0.5
    return out

def stencil(u):
    n = u.shape[0]
    m = u.shape[1]
    out = np.zeros((n, m))
    for i in prange(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
    return out

def private_scratch(a):
    out = np.empty(len(a))
    for i in prange(len(a)):
        tmp = np.zeros(3)
        for k in range(3):
            tmp[k] = a[i] * (k + 1)
        t = tmp[0] + tmp[1] + tmp[2]
        out[i] = t
    return out
";

#[test]
fn array_writes_at_the_loop_index() {
    let f = parallel(ARRAYS, "squares");
    let Value::Array(ArrayValue::F64(out)) = on_threads(2, &f, &[Value::Int(1000)]).unwrap() else {
        panic!()
    };
    for (k, x) in out.iter().enumerate() {
        let want = if k % 2 == 1 { ((k / 2) * (k / 2)) as f64 + 0.5 } else { 0.0 };
        assert_eq!(*x, want, "element {k}");
    }

    let (n, m) = (67, 45);
    let u = ArrayD::from_shape_fn(IxDyn(&[n, m]), |ix| ((ix[0] * 31 + ix[1] * 17) % 23) as f64);
    let out = same_on_all_threads(ARRAYS, "stencil", &[Value::Array(ArrayValue::F64(u.clone()))]);
    let Value::Array(ArrayValue::F64(out)) = out else { panic!() };
    for i in 0..n {
        for j in 0..m {
            let want = if i == 0 || j == 0 || i == n - 1 || j == m - 1 {
                0.0
            } else {
                0.25 * (u[[i - 1, j]] + u[[i + 1, j]] + u[[i, j - 1]] + u[[i, j + 1]])
            };
            assert_eq!(out[[i, j]], want);
        }
    }

    let v = data(5000);
    let out = same_on_all_threads(ARRAYS, "private_scratch", &[arr(v.clone())]);
    let Value::Array(ArrayValue::F64(out)) = out else { panic!() };
    for (x, a) in out.iter().zip(&v) {
        assert_eq!(*x, a + a * 2.0 + a * 3.0);
    }
}

#[test]
fn call_leaves_its_arguments_unchanged() {
    let src = "
from numba import prange
def double(a):
    for i in prange(len(a)):
        a[i] = 2 * a[i]
    return a[0]
";
    let f = parallel(src, "double");
    let a = arr(vec![1.0, 2.0, 3.0]);
    assert_eq!(f.call(std::slice::from_ref(&a)).unwrap(), Value::Float(2.0));
    assert_eq!(a, arr(vec![1.0, 2.0, 3.0]));
    let mut args = [a];
    f.call_mut(&mut args).unwrap();
    assert_eq!(args[0], arr(vec![2.0, 4.0, 6.0]));
}

/// (source, function, argument, line:column, a fragment of the message)
const RACES: &[(&str, &str, &str, &str)] = &[
    (
        "def f(a):\n    s = 0.0\n    for i in prange(len(a)):\n        s = a[i]\n    return s\n",
        "f",
        "4:13",
        "iterations would race",
    ),
    (
        "def f(a):\n    s = 0.0\n    for i in prange(len(a)):\n        s = 2 * s + a[i]\n    return s\n",
        "f",
        "4:13",
        "only a reduction may update it",
    ),
    (
        "def f(a):\n    s = 0.0\n    for i in prange(len(a)):\n        s += a[i]\n        a[i] = s\n    return s\n",
        "f",
        "5:16",
        "is read inside this prange loop",
    ),
    (
        "def f(a):\n    s = 1.0\n    for i in prange(len(a)):\n        s += a[i]\n        s *= 2.0\n    return s\n",
        "f",
        "5:9",
        "two different operations",
    ),
    (
        "def f(a):\n    for i in prange(len(a)):\n        a[0] = a[i]\n    return a\n",
        "f",
        "3:9",
        "not made from the loop variable",
    ),
    (
        "def f(a, k):\n    for i in prange(len(a) - 1):\n        j = i + 1\n        a[j] = 1.0\n    return a\n",
        "f",
        "4:9",
        "not made from the loop variable",
    ),
    (
        "def f(a):\n    for i in prange(len(a) // 2):\n        a[i * 0] = 1.0\n    return a\n",
        "f",
        "3:9",
        "not made from the loop variable",
    ),
    (
        "def f(a):\n    for i in prange(len(a) - 1):\n        a[i] = 1.0\n        a[i + 1] = 2.0\n    return a\n",
        "f",
        "4:9",
        "two different indices",
    ),
    (
        "def f(a, b):\n    for i in prange(len(a)):\n        a[int(b[i])] = 1.0\n    return a\n",
        "f",
        "3:9",
        "not made from the loop variable",
    ),
    (
        "def f(a):\n    for i in prange(len(a)):\n        a[:] = 1.0\n    return a\n",
        "f",
        "3:9",
        "not made from the loop variable",
    ),
    (
        "def g(x):\n    x[0] = 1.0\n    return 0.0\ndef f(a):\n    s = 0.0\n    for i in prange(len(a)):\n        s += g(a)\n    return s\n",
        "f",
        "7:16",
        "may write into its arguments",
    ),
    (
        "def f(a):\n    for i in prange(len(a)):\n        if a[i] > 0:\n            return i\n    return -1\n",
        "f",
        "4:20",
        "`return` inside a prange loop",
    ),
    (
        "def f(a):\n    k = 0\n    for i in prange(len(a)):\n        if a[i] > 0:\n            break\n    return k\n",
        "f",
        "3:5",
        "has a `break`",
    ),
    (
        "def f(a):\n    for i in prange(len(a)):\n        i = 2\n        a[i] = 0.0\n    return a\n",
        "f",
        "3:13",
        "loop variable cannot be assigned",
    ),
    (
        "def f(a):\n    found = False\n    for i in prange(len(a)):\n        found = found or a[i] > 0\n    return found\n",
        "f",
        "4:17",
        "only a reduction may update it",
    ),
    (
        "def f(a):\n    for i in prange(3):\n        a.sort()\n    return a[0]\n",
        "f",
        "3:9",
        "is sorted in this prange loop",
    ),
];

#[test]
fn every_race_is_a_compile_error_at_its_line() {
    let mut failures = Vec::new();
    for (body, name, pos, fragment) in RACES {
        let src = format!("from numba import prange\n{body}");
        let f = parallel(&src, name);
        let e = f.compile_for(&[arr(vec![1.0; 4])]).or_else(|e| {
            if e.kind() == ErrorKind::Argument {
                f.compile_for(&[arr(vec![1.0; 4]), arr(vec![0.0; 4])])
            } else {
                Err(e)
            }
        });
        let e = match e {
            Ok(()) => {
                failures.push(format!("{body}: compiled"));
                continue;
            }
            Err(e) => e,
        };
        // The first line of the test sources is the import.
        let got = format!("{}:{}", e.line().saturating_sub(1), e.column());
        let ok = got == *pos && e.message().contains(fragment) && e.kind() == ErrorKind::Unsupported;
        if !ok || e.filename() != Some("p.py") {
            failures.push(format!("{body}: expected {pos} '{fragment}', got {got} {:?}: {e}", e.kind()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const RANDOM: &str = "
import numpy as np
from numba import prange

def pi(n, seed):
    np.random.seed(seed)
    hits = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n

def normals(n, seed):
    np.random.seed(seed)
    out = np.empty(n)
    for i in prange(n):
        out[i] = np.random.randn()
    after = np.random.random()
    return out, after
";

#[test]
fn random_numbers_are_reproducible_on_any_number_of_threads() {
    let p = float(&same_on_all_threads(RANDOM, "pi", &[Value::Int(1_000_000), Value::Int(7)]));
    // 4 * binomial standard deviation at n = 1e6 is about 0.0066.
    assert!((p - std::f64::consts::PI).abs() < 0.0066, "{p}");
    let q = float(&same_on_all_threads(RANDOM, "pi", &[Value::Int(1_000_000), Value::Int(8)]));
    assert_ne!(p, q, "another seed gives other numbers");

    let r = same_on_all_threads(RANDOM, "normals", &[Value::Int(20_000), Value::Int(3)]);
    let Value::Tuple(r) = r else { panic!() };
    let Value::Array(ArrayValue::F64(out)) = &r[0] else { panic!() };
    let n = out.len() as f64;
    let mean = out.iter().sum::<f64>() / n;
    let var = out.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    assert!(mean.abs() < 4.0 / n.sqrt() && (var - 1.0).abs() < 0.06, "{mean} {var}");
    // Blocks draw from streams of their own: no two neighbouring blocks repeat numbers.
    let distinct: std::collections::HashSet<u64> = out.iter().map(|x| x.to_bits()).collect();
    assert_eq!(distinct.len(), out.len());
}

#[test]
fn errors_inside_blocks_are_the_kernels_errors() {
    let src = "
from numba import prange
def f(a, k):
    s = 0.0
    for i in prange(len(a)):
        s += a[i + k]
    return s
";
    let f = parallel(src, "f");
    let a = arr(data(10_000));
    for t in [1, 2, 8] {
        let e = on_threads(t, &f, &[a.clone(), Value::Int(1)]).unwrap_err();
        assert_eq!((e.kind(), e.line()), (ErrorKind::Runtime, 6), "{e}");
        assert!(e.message().contains("IndexError"), "{e}");
    }
    let e = f.call_interpreted(&[a.clone(), Value::Int(1)]).unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Runtime, 6), "{e}");
    assert!(on_threads(2, &f, &[a, Value::Int(0)]).is_ok());

    let zero_step = "
from numba import prange
def f(n, k):
    s = 0
    for i in prange(0, n, k):
        s += i
    return s
";
    let e = parallel(zero_step, "f").call(&[Value::Int(5), Value::Int(0)]).unwrap_err();
    assert!(e.message().contains("must not be zero") && e.line() == 5, "{e}");
}

#[test]
fn cancel_stops_a_parallel_loop() {
    let src = "
from numba import prange
def spin(n):
    s = 0.0
    for i in prange(n):
        for j in range(n):
            s += 1e-9 * j
    return s
";
    let f = parallel(src, "spin");
    let flag = std::sync::atomic::AtomicBool::new(true);
    let args = [fastsci_jit::RawArg::Value(Value::Int(1 << 40))];
    // SAFETY: no array arguments.
    let e = unsafe { f.call_raw(&args, Some(&flag)) }.unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Interrupted, 6), "{e}");
}

#[test]
fn gradients_run_parallel_loops_in_order() {
    let src = "
from numba import prange
def f(x, a):
    s = 0.0
    for i in prange(len(a)):
        s += a[i] * x * x
    return s
";
    let grad = parallel(src, "f").gradient();
    let r = grad.call(&[Value::Float(1.5), arr(vec![1.0, 2.0])]).unwrap();
    let Value::Tuple(r) = r else { panic!("{r:?}") };
    assert_eq!(r[0], Value::Float(3.0 * 1.5 * 1.5));
    assert_eq!(r[1], Value::Float(2.0 * 1.5 * 3.0));
    assert_eq!(r[2], arr(vec![1.5 * 1.5, 1.5 * 1.5]));
}
