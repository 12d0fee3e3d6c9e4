//! The embedding API: borrowed arrays (`call_raw`), cancellation, signatures, and modules
//! made of several snippets with frozen globals (`compile_parts`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use fastsci_jit::{CompileOptions, DType, ErrorKind, Module, RawArg, RawArray, RawArrayRef, Source, Value};

fn function(src: &str, name: &str) -> fastsci_jit::Function {
    Module::compile(src, "k.py").unwrap_or_else(|e| panic!("{e}")).function(name).unwrap()
}

fn raw<T>(data: &mut [T], dtype: DType, shape: &[usize], strides: &[isize]) -> RawArg {
    RawArg::Array(RawArray {
        dtype,
        data: data.as_mut_ptr().cast(),
        shape: shape.to_vec(),
        strides: strides.to_vec(),
    })
}

#[test]
fn borrowed_shapes_and_arrays_inside_tuples_are_read_and_written_in_place() {
    let f = function(
        "def f(pair, k):\n    a = pair[0]\n    b = pair[1]\n    for i in range(a.shape[0]):\n        for j in range(a.shape[1]):\n            a[i, j] *= k\n    b[0] = a[1, 0]\n    return pair[2] + b.shape[0]\n",
        "f",
    );
    // A 2 x 3 view of every other element of an 12-element buffer, given by pointers to its
    // shape and byte strides as NumPy keeps them.
    let mut a: Vec<f64> = (0..12).map(f64::from).collect();
    let (shape, strides) = ([2usize, 3], [48isize, 16]);
    let mut b = [0.0f64; 4];
    let view = RawArg::ArrayRef(RawArrayRef {
        dtype: DType::F64,
        data: a.as_mut_ptr().cast(),
        ndim: 2,
        shape: shape.as_ptr(),
        strides: strides.as_ptr(),
    });
    let args = [
        RawArg::Tuple(vec![view, raw(&mut b, DType::F64, &[4], &[8]), RawArg::Value(Value::Int(1))]),
        RawArg::Value(Value::Int(10)),
    ];
    // SAFETY: `a` holds 12 f64 and the view reaches index 6 * 1 + 2 * 2 = 10 at most; `b` 4 f64.
    assert!(f.may_write_arguments(&args).unwrap());
    assert_eq!(unsafe { f.call_raw(&args, None) }.unwrap(), Value::Int(5));
    let scaled: Vec<f64> = (0..12).map(|i| f64::from(i) * if i % 2 == 0 { 10.0 } else { 1.0 }).collect();
    assert_eq!(a, scaled);
    assert_eq!(b, [60.0, 0.0, 0.0, 0.0]);
}

#[test]
fn writes_go_to_the_callers_memory() {
    let f = function(
        "def axpy(a, x, y):\n    for i in range(x.shape[0]):\n        y[i] += a * x[i]\n    return y[0]\n",
        "axpy",
    );
    let mut x = [1.0f64, 2.0, 3.0];
    let mut y = [10.0f64, 20.0, 30.0];
    let args = [
        RawArg::Value(Value::Float(2.0)),
        raw(&mut x, DType::F64, &[3], &[8]),
        raw(&mut y, DType::F64, &[3], &[8]),
    ];
    // SAFETY: both buffers are live, 3 f64 each, stride 8 bytes.
    let r = unsafe { f.call_raw(&args, None) }.unwrap();
    assert_eq!(r, Value::Float(12.0));
    assert_eq!(y, [12.0, 24.0, 36.0]);
    assert_eq!(x, [1.0, 2.0, 3.0]);
}

#[test]
fn byte_strides_views_and_negative_steps() {
    // A 2x3 int32 view of every other column of a 2x6 buffer, then the same rows reversed.
    let f = function(
        "def mark(a):\n    s = 0\n    for i in range(a.shape[0]):\n        for j in range(a.shape[1]):\n            s = s * 10 + a[i, j]\n            a[i, j] = -1\n    return s\n",
        "mark",
    );
    let mut buf: Vec<i32> = (1..=12).collect();
    let args = [raw(&mut buf, DType::I32, &[2, 3], &[24, 8])];
    // SAFETY: the view reaches indices 0, 2, 4, 6, 8, 10 of a 12-element buffer.
    let r = unsafe { f.call_raw(&args, None) }.unwrap();
    // s = s * 10 + x over 1, 3, 5, 7, 9, 11 in row order.
    assert_eq!(r, Value::Int(135_801));
    assert_eq!(buf, [-1, 2, -1, 4, -1, 6, -1, 8, -1, 10, -1, 12]);

    let g = function("def first(a):\n    return a[0]\n", "first");
    let mut v = [1.5f32, 2.5, 3.5];
    // Reversed: starts at the last element and steps back 4 bytes.
    let last = RawArg::Array(RawArray {
        dtype: DType::F32,
        data: v.as_mut_ptr().wrapping_add(2).cast(),
        shape: vec![3],
        strides: vec![-4],
    });
    // SAFETY: indices 2, 1, 0 of a live 3-element buffer.
    assert_eq!(unsafe { g.call_raw(&[last], None) }.unwrap(), Value::Float(3.5));
}

#[test]
fn bad_raw_arrays_are_refused() {
    let f = function("def first(a):\n    return a[0]\n", "first");
    let mut v = [0u8; 16];
    let args = [raw(&mut v, DType::F64, &[1], &[3])];
    // SAFETY: refused before anything is read.
    let e = unsafe { f.call_raw(&args, None) }.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
    assert!(e.message().contains("not a multiple"), "{e}");
    let args = [raw(&mut v, DType::F64, &[1, 1], &[8])];
    // SAFETY: as above.
    let e = unsafe { f.call_raw(&args, None) }.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
    // SAFETY: no arrays at all.
    let e = unsafe { f.call_raw(&[], None) }.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
    let args = [raw(&mut v, DType::F64, &[2], &[8])];
    // SAFETY: 2 f64 in 16 bytes; the out-of-range index is caught by the bounds check.
    let e = unsafe { function("def at(a):\n    return a[2]\n", "at").call_raw(&args, None) }.unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Runtime, 2));
}

#[test]
fn returned_new_arrays_and_tuples() {
    let f = function(
        "def double(a):\n    out = np.empty(a.shape[0])\n    for i in range(a.shape[0]):\n        out[i] = 2 * a[i]\n    return out, a.shape[0]\n",
        "double",
    );
    let mut a = [1.0f64, 4.0];
    // SAFETY: a live 2-element buffer.
    let r = unsafe { f.call_raw(&[raw(&mut a, DType::F64, &[2], &[8])], None) }.unwrap();
    let Value::Tuple(items) = r else { panic!("{r:?}") };
    assert_eq!(items[1], Value::Int(2));
    let Value::Array(out) = &items[0] else { panic!() };
    assert_eq!(out, &fastsci_jit::ArrayValue::F64(ndarray::arr1(&[2.0, 8.0]).into_dyn()));
}

#[test]
fn cancel_stops_an_endless_loop_at_its_line() {
    let f = function(
        "def spin(n):\n    k = 0\n    while k >= 0:\n        k = (k + 1) % n\n    return k\n",
        "spin",
    );
    let flag = Arc::new(AtomicBool::new(false));
    let setter = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            flag.store(true, Ordering::Relaxed);
        })
    };
    // SAFETY: no arrays.
    let e = unsafe { f.call_raw(&[RawArg::Value(Value::Int(7))], Some(&flag)) }.unwrap_err();
    setter.join().unwrap();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Interrupted, 3), "{e}");
    // A flag already set stops a `for` loop on its first back-edge; loop-free code runs.
    let g =
        function("def count(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n", "count");
    // SAFETY: no arrays.
    let e = unsafe { g.call_raw(&[RawArg::Value(Value::Int(1 << 40))], Some(&flag)) }.unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Interrupted, 3));
    let h = function("def sq(x):\n    return x * x\n", "sq");
    // SAFETY: no arrays.
    assert_eq!(unsafe { h.call_raw(&[RawArg::Value(Value::Int(3))], Some(&flag)) }.unwrap(), Value::Int(9));
}

#[test]
fn signatures_and_inferred_types() {
    let f =
        function("def f(a, n):\n    t = 0\n    for i in range(n):\n        t += a[i]\n    return t\n", "f");
    assert!(f.signatures().is_empty());
    let mut a = [1i64, 2, 3];
    // SAFETY: a live 3-element buffer.
    unsafe { f.call_raw(&[raw(&mut a, DType::I64, &[3], &[8]), RawArg::Value(Value::Int(3))], None) }
        .unwrap();
    f.call(&[Value::Array(ndarray::arr1(&[0.5, 0.25]).into_dyn().into()), Value::Int(2)]).unwrap();
    assert_eq!(
        f.signatures(),
        ["(array(float64, 1d), int64) -> float64", "(array(int64, 1d), int64) -> int64"]
    );
    let text = f.inspect_types();
    assert!(
        text.contains("f (array(float64, 1d), int64) -> float64\n    a: array(float64, 1d)\n    n: int64\n"),
        "{text}"
    );
    assert!(text.contains("    t: int64\n"), "{text}");
}

#[test]
fn parts_report_their_own_file_and_line() {
    let parts = [
        Source { text: "@njit\ndef a(x):\n    return x + 1\n", filename: "one.py", first_line: 7 },
        Source {
            text: "def b(x):\n    y = a(x)\n    return y * undefined_name",
            filename: "two.py",
            first_line: 100,
        },
    ];
    let m = Module::compile_parts(&parts, &[], CompileOptions::default()).unwrap();
    assert_eq!(m.function_names(), ["a", "b"]);
    let e = m.function("b").unwrap().call(&[Value::Int(1)]).unwrap_err();
    assert_eq!((e.filename(), e.line(), e.column(), e.kind()), (Some("two.py"), 102, 16, ErrorKind::Name));
    assert!(e.to_string().starts_with("two.py:102:16: name `undefined_name` is not defined"), "{e}");

    // A syntax error (an open bracket) stays in its snippet rather than running into the next.
    let parts = [
        Source { text: "def a(x):\n    return (x + 1\n", filename: "one.py", first_line: 3 },
        Source { text: "def b(x):\n    return x\n", filename: "two.py", first_line: 1 },
    ];
    let e = Module::compile_parts(&parts, &[], CompileOptions::default()).unwrap_err();
    assert_eq!((e.kind(), e.filename()), (ErrorKind::Syntax, Some("one.py")), "{e}");
    assert!((3..=5).contains(&e.line()), "{e}");

    // Runtime errors too.
    let parts = [
        Source { text: "def ok(x):\n    return x\n", filename: "one.py", first_line: 1 },
        Source { text: "def div(x):\n    return 1 // x\n", filename: "two.py", first_line: 50 },
    ];
    let m = Module::compile_parts(&parts, &[], CompileOptions::default()).unwrap();
    let e = m.function("div").unwrap().call(&[Value::Int(0)]).unwrap_err();
    assert_eq!((e.filename(), e.line(), e.kind()), (Some("two.py"), 51, ErrorKind::Runtime));
    let e = m.function("div").unwrap().call_interpreted(&[Value::Int(0)]).unwrap_err();
    assert_eq!((e.filename(), e.line()), (Some("two.py"), 51));
    assert!(Module::compile_parts(&[], &[], CompileOptions::default()).is_err());
}

#[test]
fn globals_are_frozen_and_shadowed_by_locals() {
    let parts = [Source {
        text: "def f(x):\n    lo, hi = BOUNDS\n    if FLAG:\n        return min(max(x, lo), hi) * SCALE\n    return N\n\ndef g(SCALE):\n    return SCALE\n",
        filename: "k.py",
        first_line: 1,
    }];
    let globals = [
        ("BOUNDS".to_string(), Value::Tuple(vec![Value::Int(0), Value::Float(2.5)])),
        ("FLAG".to_string(), Value::Bool(true)),
        ("SCALE".to_string(), Value::Int(4)),
        ("N".to_string(), Value::Int(-1)),
    ];
    let m = Module::compile_parts(&parts, &globals, CompileOptions::default()).unwrap();
    let f = m.function("f").unwrap();
    assert_eq!(f.call(&[Value::Float(9.0)]).unwrap(), Value::Float(10.0));
    assert_eq!(f.call(&[Value::Float(-1.0)]).unwrap(), Value::Float(0.0));
    assert_eq!(m.function("g").unwrap().call(&[Value::Int(7)]).unwrap(), Value::Int(7));
    let bad = [("A".to_string(), Value::Array(ndarray::arr1(&[1.0]).into_dyn().into()))];
    let e = Module::compile_parts(&parts, &bad, CompileOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
}

#[test]
fn a_call_with_more_slots_than_the_stack_buffer_holds_passes_every_argument() {
    // Ten 2-d arrays take 50 slots (pointer, 2 dims, 2 strides each): past the inline buffer.
    let params: Vec<String> = (0..10).map(|k| format!("a{k}")).collect();
    let body: Vec<String> = (0..10).map(|k| format!("a{k}[1, 0] * {}", k + 1)).collect();
    let src = format!("def f({}):\n    return {}\n", params.join(", "), body.join(" + "));
    let f = function(&src, "f");
    let mut data: Vec<[f64; 4]> = (0..10).map(|k| [0.0, 0.0, f64::from(k), 0.0]).collect();
    let args: Vec<RawArg> = data.iter_mut().map(|d| raw(d, DType::F64, &[2, 2], &[16, 8])).collect();
    let want: f64 = (0..10).map(|k| f64::from(k) * f64::from(k + 1)).sum();
    // SAFETY: ten live 2x2 f64 arrays in C order.
    assert_eq!(unsafe { f.call_raw(&args, None) }.unwrap(), Value::Float(want));
    assert_eq!(unsafe { f.call_raw_if_brief(&args) }.unwrap().unwrap(), Value::Float(want));
}

#[test]
fn a_brief_call_reports_runtime_errors_and_declines_what_it_cannot_run() {
    let f = function("def div(a, b):\n    return a // b\n", "div");
    let ints = |a, b| [RawArg::Value(Value::Int(a)), RawArg::Value(Value::Int(b))];
    // SAFETY: no arrays in any call below.
    unsafe {
        assert!(f.call_raw_if_brief(&ints(7, 2)).is_none(), "nothing compiled yet");
        assert_eq!(f.call_raw(&ints(7, 2), None).unwrap(), Value::Int(3));
        assert_eq!(f.call_raw_if_brief(&ints(-7, 2)).unwrap().unwrap(), Value::Int(-4));
        let e = f.call_raw_if_brief(&ints(1, 0)).unwrap().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Runtime);
        assert!(e.to_string().contains("ZeroDivisionError") && e.line() == 2, "{e}");
        let floats = [RawArg::Value(Value::Float(7.0)), RawArg::Value(Value::Float(2.0))];
        assert!(f.call_raw_if_brief(&floats).is_none(), "another signature, not compiled");
        assert!(f.call_raw_if_brief(&ints(1, 2)[..1]).is_none(), "wrong argument count");
    }
    let calls = function("def g(n):\n    return h(n) + 1\n\ndef h(n):\n    return n * 2\n", "g");
    let n = [RawArg::Value(Value::Int(4))];
    // SAFETY: no arrays.
    unsafe {
        assert_eq!(calls.call_raw(&n, None).unwrap(), Value::Int(9));
        assert!(calls.call_raw_if_brief(&n).is_none(), "a call to another kernel may loop");
    }
    let alloc = function("def z(n):\n    return np.zeros(n)\n", "z");
    // SAFETY: no arrays.
    unsafe {
        alloc.call_raw(&n, None).unwrap();
        assert!(alloc.call_raw_if_brief(&n).is_none(), "a new array is filled element by element");
    }
}

#[test]
fn every_one_of_many_signatures_is_kept_and_found_again() {
    // More signatures than the lock-free slots hold: tuples of 1 to 12 ints.
    let f = function("def n(t):\n    return len(t)\n", "n");
    let tuple = |k: usize| Value::Tuple((0..k as i64).map(Value::Int).collect());
    for round in 0..2 {
        for k in 1..=12 {
            assert_eq!(f.call(&[tuple(k)]).unwrap(), Value::Int(k as i64), "round {round}");
            // SAFETY: no arrays.
            let brief = unsafe { f.call_raw_if_brief(&[RawArg::Value(tuple(k))]) };
            assert_eq!(brief.unwrap().unwrap(), Value::Int(k as i64));
        }
    }
    assert_eq!(f.signatures().len(), 12);
    assert!(
        f.signatures().contains(
            &"(Tuple(int64, int64, int64, int64, int64, int64, int64, int64, int64, int64, int64)) -> int64"
                .to_string()
        )
    );
}
