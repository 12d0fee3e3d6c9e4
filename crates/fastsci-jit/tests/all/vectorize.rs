//! `Module::vectorize`: scalar kernels applied elementwise with NumPy's broadcasting, per
//! dtype, into `out`, serial and (large outputs) parallel, against the same formula in Rust.

use fastsci_jit::{ArrayValue, ErrorKind, Module, Value};
use ndarray::{ArrayD, IxDyn};

const SRC: &str = "
import math

def logistic(x, k):
    return 1.0 / (1.0 + math.exp(-k * x))

def clip_count(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x

def positive(x):
    return x > 0

def bad(x):
    return (x, x)

def divide(a, b):
    return a // b
";

fn f64s(shape: &[usize], f: impl Fn(usize) -> f64) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(f).collect()).unwrap()
}

fn logistic(x: f64, k: f64) -> f64 {
    1.0 / (1.0 + (-k * x).exp())
}

#[test]
fn broadcasting_matches_the_formula_serial_and_parallel() {
    let m = Module::compile(SRC, "v.py").unwrap();
    let u = m.vectorize("logistic").unwrap();
    assert_eq!(u.name(), "logistic");
    // Small (serial loop) and large (parallel loop) outputs, 1-d to 3-d, size-1 axes.
    for (xs, ks) in [
        (vec![7], vec![1]),
        (vec![5, 1], vec![3]),
        (vec![300, 1], vec![1, 200]),
        (vec![2, 1, 40_000], vec![3, 1]),
    ] {
        let x = f64s(&xs, |i| (i as f64 * 0.37).sin() * 4.0);
        let k = f64s(&ks, |i| 0.5 + i as f64);
        let got =
            u.call(&[Value::Array(ArrayValue::F64(x.clone())), Value::Array(ArrayValue::F64(k.clone()))]);
        let Ok(Value::Array(ArrayValue::F64(got))) = got else { panic!("{got:?}") };
        let want = {
            let (xb, kb) = (x.view(), k.view());
            let shape = got.shape().to_vec();
            let xb = xb.broadcast(IxDyn(&shape)).unwrap();
            let kb = kb.broadcast(IxDyn(&shape)).unwrap();
            ndarray::Zip::from(&xb).and(&kb).map_collect(|&a, &b| logistic(a, b))
        };
        assert_eq!(got, want, "shapes {xs:?} {ks:?}");
    }
    // A scalar argument, an int array (the int specialization).
    let x = ArrayD::from_shape_vec(IxDyn(&[4]), vec![-2i64, 0, 1, 3]).unwrap();
    let got = u.call(&[Value::Array(ArrayValue::I64(x)), Value::Float(2.0)]).unwrap();
    let want = f64s(&[4], |i| logistic([-2.0, 0.0, 1.0, 3.0][i], 2.0));
    assert_eq!(got, Value::Array(ArrayValue::F64(want)));
    assert_eq!(u.call(&[Value::Float(0.5), Value::Float(2.0)]).unwrap(), Value::Float(logistic(0.5, 2.0)));
}

#[test]
fn output_dtype_follows_the_kernel_and_out_is_written_in_place() {
    let m = Module::compile(SRC, "v.py").unwrap();
    let pos = m.vectorize("positive").unwrap();
    let x = f64s(&[5], |i| i as f64 - 2.0);
    let got = pos.call(&[Value::Array(ArrayValue::F64(x.clone()))]).unwrap();
    let want = ArrayD::from_shape_vec(IxDyn(&[5]), vec![false, false, false, true, true]).unwrap();
    assert_eq!(got, Value::Array(ArrayValue::Bool(want)));

    let clip = m.vectorize("clip_count").unwrap();
    let ints = ArrayD::from_shape_vec(IxDyn(&[6]), vec![-5i64, 0, 3, 7, 10, 99]).unwrap();
    let got =
        clip.call(&[Value::Array(ArrayValue::I64(ints.clone())), Value::Int(0), Value::Int(9)]).unwrap();
    let want = ints.mapv(|v| v.clamp(0, 9));
    assert_eq!(got, Value::Array(ArrayValue::I64(want)));

    // out=: float32 output, transposed (strided) memory, inputs broadcast to it.
    let mut out = ArrayValue::F32(ArrayD::zeros(IxDyn(&[3, 4])).reversed_axes());
    let x = f64s(&[4, 1], |i| i as f64 * 3.0);
    let r =
        clip.call_into(&[Value::Array(ArrayValue::F64(x)), Value::Float(1.0), Value::Float(5.5)], &mut out);
    r.unwrap();
    let ArrayValue::F32(out) = out else { panic!() };
    for i in 0..4 {
        for j in 0..3 {
            assert_eq!(out[[i, j]], (i as f32 * 3.0).clamp(1.0, 5.5));
        }
    }
}

#[test]
fn errors_are_clear() {
    let m = Module::compile(SRC, "v.py").unwrap();
    let u = m.vectorize("logistic").unwrap();
    let a = Value::Array(ArrayValue::F64(f64s(&[3], |i| i as f64)));
    let b = Value::Array(ArrayValue::F64(f64s(&[4], |i| i as f64)));
    let e = u.call(&[a.clone(), b]).unwrap_err();
    assert!(e.message().contains("could not be broadcast together with shapes [3] [4]"), "{e}");
    let e = u.call(std::slice::from_ref(&a)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
    let e = m.vectorize("bad").unwrap().call(std::slice::from_ref(&a)).unwrap_err();
    assert!(e.message().contains("must return a number"), "{e}");
    assert!(m.vectorize("nope").is_err());
    // A runtime error of the kernel, at its own line.
    let ints =
        |v: Vec<i64>| Value::Array(ArrayValue::I64(ArrayD::from_shape_vec(IxDyn(&[v.len()]), v).unwrap()));
    let e = m.vectorize("divide").unwrap().call(&[ints(vec![1, 2, 3]), ints(vec![1, 0, 1])]).unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Runtime, 21), "{e}");
    assert!(e.message().contains("ZeroDivisionError"), "{e}");
}
