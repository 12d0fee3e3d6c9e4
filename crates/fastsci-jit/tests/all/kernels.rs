//! Kernels through the public API: scalars, loops, recursion, tuples, arrays, errors.

use fastsci_jit::{ArrayValue, CompileOptions, ErrorKind, Module, Value};
use ndarray::{ArrayD, IxDyn, ShapeBuilder};

fn run(src: &str, name: &str, args: &[Value]) -> Value {
    let m = Module::compile(src, "k.py").unwrap_or_else(|e| panic!("{e}"));
    m.function(name).unwrap().call(args).unwrap_or_else(|e| panic!("{e}"))
}

fn run_err(src: &str, name: &str, args: &[Value]) -> fastsci_jit::JitError {
    let m = match Module::compile(src, "k.py") {
        Ok(m) => m,
        Err(e) => return e,
    };
    match m.function(name).and_then(|f| f.call(args)) {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn arr(v: Vec<f64>) -> Value {
    let n = v.len();
    Value::Array(ArrayValue::F64(ArrayD::from_shape_vec(IxDyn(&[n]), v).unwrap()))
}

#[test]
fn scalar_loops_and_python_semantics() {
    let src = "
def f(n):
    s = 0
    i = 0
    while i < n:
        if i % 3 == 0:
            s += i
        elif i % 3 == 1:
            s -= 1
        else:
            pass
        i += 1
    return s
";
    let py: i64 = (0..100)
        .map(|i| {
            if i % 3 == 0 {
                i
            } else if i % 3 == 1 {
                -1
            } else {
                0
            }
        })
        .sum();
    assert_eq!(run(src, "f", &[Value::Int(100)]), Value::Int(py));
    let src = "def g(a, b):\n    return (a // b, a % b, a / b, a ** 2, -a // b, a // -b)\n";
    assert_eq!(
        run(src, "g", &[Value::Int(7), Value::Int(2)]),
        Value::Tuple(vec![
            Value::Int(3),
            Value::Int(1),
            Value::Float(3.5),
            Value::Int(49),
            Value::Int(-4),
            Value::Int(-4)
        ])
    );
    assert_eq!(
        run(src, "g", &[Value::Float(-7.5), Value::Int(2)]),
        Value::Tuple(vec![
            Value::Float(-4.0),
            Value::Float(0.5),
            Value::Float(-3.75),
            Value::Float(56.25),
            Value::Float(3.0),
            Value::Float(3.0)
        ])
    );
}

#[test]
fn recursion_and_calls() {
    let src = "
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def twice(x):
    return 2 * sq(x)

def sq(x):
    return x * x
";
    assert_eq!(run(src, "fib", &[Value::Int(20)]), Value::Int(6765));
    assert_eq!(run(src, "twice", &[Value::Float(1.5)]), Value::Float(4.5));
    assert_eq!(run(src, "twice", &[Value::Int(3)]), Value::Int(18));
}

#[test]
fn tuples_and_multiple_assignment() {
    let src = "
def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a, b
";
    assert_eq!(run(src, "fib", &[Value::Int(10)]), Value::Tuple(vec![Value::Int(55), Value::Int(89)]));
}

#[test]
fn ranges_with_steps_and_break_continue() {
    let src = "
def f(n):
    s = 0
    for i in range(n, -n, -3):
        if i == 4:
            continue
        if i < -7:
            break
        s = s * 2 + i
    return s
";
    let mut s: i64 = 0;
    let mut i = 10i64;
    while i > -10 {
        if i != 4 {
            if i < -7 {
                break;
            }
            s = s * 2 + i;
        }
        i -= 3;
    }
    assert_eq!(run(src, "f", &[Value::Int(10)]), Value::Int(s));
}

#[test]
fn arrays_in_and_out() {
    let src = "
import numpy as np

def stencil(a):
    n = a.shape[0]
    out = np.zeros(n)
    for i in range(1, n - 1):
        out[i] = a[i - 1] + 2.0 * a[i] + a[i + 1]
    return out

def total(a):
    s = 0.0
    for x in a:
        s += x
    return s

def grid(n, m):
    g = np.empty((n, m), np.int64)
    for i in range(n):
        for j in range(m):
            g[i, j] = i * m + j
    return g

def last(a):
    return a[-1] + len(a) + a.size + a.ndim
";
    let a = arr(vec![1.0, 2.0, 3.0, 4.0]);
    let Value::Array(ArrayValue::F64(out)) = run(src, "stencil", std::slice::from_ref(&a)) else { panic!() };
    assert_eq!(out.as_slice().unwrap(), &[0.0, 8.0, 12.0, 0.0]);
    assert_eq!(run(src, "total", std::slice::from_ref(&a)), Value::Float(10.0));
    assert_eq!(run(src, "last", std::slice::from_ref(&a)), Value::Float(4.0 + 4.0 + 4.0 + 1.0));
    let Value::Array(ArrayValue::I64(g)) = run(src, "grid", &[Value::Int(2), Value::Int(3)]) else {
        panic!()
    };
    assert_eq!(g.shape(), &[2, 3]);
    assert_eq!(g.iter().copied().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4, 5]);
}

#[test]
fn fortran_and_strided_inputs() {
    let src = "def f(a):\n    s = 0.0\n    for i in range(a.shape[0]):\n        for j in range(a.shape[1]):\n            s += a[i, j] * (10 * i + j)\n    return s\n";
    let c = ndarray::Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f64);
    let mut f = ndarray::Array2::<f64>::zeros((3, 4).f()); // same values, Fortran order
    f.assign(&c);
    assert!(!f.is_standard_layout());
    let want: f64 = c.indexed_iter().map(|((i, j), v)| v * (10 * i + j) as f64).sum();
    for a in [c.clone(), f] {
        assert_eq!(run(src, "f", &[Value::Array(ArrayValue::F64(a.into_dyn()))]), Value::Float(want));
    }
    // A genuinely strided array: every other column of a wider buffer, strides (8, 2).
    let mut big =
        ndarray::Array2::from_shape_fn((3, 8), |(i, j)| if j % 2 == 0 { c[(i, j / 2)] } else { f64::NAN });
    big.slice_collapse(ndarray::s![.., ..;2]);
    assert_eq!(big.strides(), &[8, 2]);
    assert_eq!(run(src, "f", &[Value::Array(ArrayValue::F64(big.into_dyn()))]), Value::Float(want));
}

#[test]
fn call_does_not_change_inputs_but_call_mut_does() {
    let src = "def fill(a, v):\n    for i in range(len(a)):\n        a[i] = v\n    return a[0]\n";
    let m = Module::compile(src, "k.py").unwrap();
    let f = m.function("fill").unwrap();
    let a = arr(vec![1.0, 2.0]);
    assert_eq!(f.call(&[a.clone(), Value::Float(5.0)]).unwrap(), Value::Float(5.0));
    assert_eq!(a, arr(vec![1.0, 2.0]));
    let mut args = [a, Value::Float(7.0)];
    f.call_mut(&mut args).unwrap();
    assert_eq!(args[0], arr(vec![7.0, 7.0]));
}

#[test]
fn random_numbers_are_reproducible() {
    let src = "
import numpy as np

def pi(n):
    np.random.seed(42)
    inside = 0
    for i in range(n):
        x = np.random.random()
        y = np.random.random()
        if x**2 + y**2 <= 1.0:
            inside += 1
    return 4.0 * inside / n

def normals(n):
    s = 0.0
    s2 = 0.0
    for i in range(n):
        z = np.random.randn()
        s += z
        s2 += z * z
    return s / n, s2 / n

def dice(n):
    c = np.zeros(6, np.int64)
    for i in range(n):
        c[np.random.randint(1, 7) - 1] += 1
    return c
";
    let a = run(src, "pi", &[Value::Int(200_000)]);
    assert_eq!(a, run(src, "pi", &[Value::Int(200_000)]));
    let Value::Float(p) = a else { panic!() };
    assert!((p - std::f64::consts::PI).abs() < 0.02, "{p}");
    fastsci_jit::seed(1);
    let Value::Tuple(m) = run(src, "normals", &[Value::Int(200_000)]) else { panic!() };
    let (mean, sq) = (m[0].as_f64().unwrap(), m[1].as_f64().unwrap());
    assert!(mean.abs() < 0.01 && (sq - 1.0).abs() < 0.02, "{mean} {sq}");
    let Value::Array(ArrayValue::I64(c)) = run(src, "dice", &[Value::Int(60_000)]) else { panic!() };
    assert!(c.iter().all(|&k| (9_000..11_000).contains(&k)), "{c:?}");
}

#[test]
fn runtime_errors_name_the_line() {
    let src = "def f(a, i):\n    x = 1.0\n    return a[i] + x\n";
    let e = run_err(src, "f", &[arr(vec![1.0, 2.0]), Value::Int(2)]);
    assert_eq!((e.kind(), e.line(), e.column()), (ErrorKind::Runtime, 3, 12));
    assert!(e.message().contains("IndexError"), "{e}");
    assert!(e.to_string().starts_with("k.py:3:12: IndexError"), "{e}");
    // Negative indices wrap as in Python.
    assert_eq!(run(src, "f", &[arr(vec![1.0, 2.0]), Value::Int(-2)]), Value::Float(2.0));
    let e = run_err(src, "f", &[arr(vec![1.0, 2.0]), Value::Int(-3)]);
    assert!(e.message().contains("IndexError"));
    let e = run_err("def f(a, b):\n    return a // b\n", "f", &[Value::Int(1), Value::Int(0)]);
    assert!(e.message().contains("ZeroDivisionError") && e.line() == 2, "{e}");
    let e = run_err("def f(a, b):\n    return a / b\n", "f", &[Value::Float(1.0), Value::Float(0.0)]);
    assert!(e.message().contains("ZeroDivisionError"), "{e}");
    let e =
        run_err("def f(n):\n    if n < 0:\n        return 0\n    return f(n + 1)\n", "f", &[Value::Int(0)]);
    assert!(e.message().contains("RecursionError"), "{e}");
}

#[test]
fn boundscheck_can_be_turned_off() {
    let src = "def f(a):\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i]\n    return s\n";
    let m = Module::compile_with(src, "k.py", CompileOptions { boundscheck: false, ..Default::default() })
        .unwrap();
    assert_eq!(m.function("f").unwrap().call(&[arr(vec![1.0, 2.5])]).unwrap(), Value::Float(3.5));
}

#[test]
fn closures_from_kernels() {
    let m = Module::compile(
        "def f(x):\n    return x * x + 1\n\ndef n2(v):\n    return v[0] ** 2 + v[1] ** 2\n",
        "k.py",
    )
    .unwrap();
    let f = m.function("f").unwrap().to_fn1().unwrap();
    assert_eq!(f(3.0), 10.0);
    let g = m.function("n2").unwrap().to_fn_slice().unwrap();
    assert_eq!(g(&[3.0, 4.0]), 25.0);
    assert!(g(&[3.0]).is_nan());
}

#[test]
fn functions_are_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>(_: &T) {}
    let m = Module::compile(
        "def f(x, n):\n    s = 0.0\n    for i in range(n):\n        s += x\n    return s\n",
        "k.py",
    )
    .unwrap();
    let f = m.function("f").unwrap();
    assert_send_sync(&f);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let f = f.clone();
            std::thread::spawn(move || f.call(&[Value::Float(t as f64), Value::Int(1000)]).unwrap())
        })
        .collect();
    for (t, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), Value::Float(1000.0 * t as f64));
    }
    assert_eq!(f.param_names(), &["x".to_string(), "n".to_string()]);
}
