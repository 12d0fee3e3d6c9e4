//! Exact gradients (`Function::gradient`) of the kernels in `tests/gradients/*.py` (the
//! format is in that folder's README): each derivative against a Richardson-extrapolated
//! central difference within its error estimate, and, where the kernel's result at the point
//! is given as a formula, against the formula compiler's symbolic derivative to 1e-12
//! relative; the reference interpreter must give the compiled gradient to the bit; forward
//! mode (`Function::jvp`) along a direction must give the gradient's projection on it.

use std::path::{Path, PathBuf};

use fastsci_jit::{ArrayValue, ErrorKind, Expression, Function, Module, Value, VarKind};
use ndarray::{ArrayD, IxDyn};
use serde_json::Value as J;

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gradients");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    v.sort();
    v
}

/// One point to check a kernel at.
struct Point {
    args: Vec<Value>,
    formula: Option<String>,
}

/// The `def`s of `source` that have `# at:` lines right above them, with their points.
fn kernels(source: &str) -> Vec<(String, Vec<Point>)> {
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for line in source.lines() {
        if let Some(spec) = line.strip_prefix("# at:") {
            let (args, formula) = match spec.split_once("| formula:") {
                Some((a, f)) => (a, Some(f.trim().to_string())),
                None => (spec, None),
            };
            pending.push(Point { args: parse_args(args), formula });
        } else if let Some(rest) = line.strip_prefix("def ") {
            let name = rest.split('(').next().unwrap().to_string();
            if !pending.is_empty() {
                out.push((name, std::mem::take(&mut pending)));
            }
        } else {
            assert!(pending.is_empty(), "`# at:` lines must be right above a def: {line}");
        }
    }
    out
}

/// `x=0.5, n=3, a=[1.0, 2.0]` in parameter order.
fn parse_args(spec: &str) -> Vec<Value> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in spec.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    parts
        .into_iter()
        .map(|p| {
            let (_, v) = p.split_once('=').unwrap_or_else(|| panic!("`name=value` expected: {p}"));
            let v = v.trim();
            if v.starts_with('[') {
                let j: J = serde_json::from_str(v).unwrap();
                let rows = j.as_array().unwrap();
                let (shape, data): (Vec<usize>, Vec<f64>) = if rows[0].is_array() {
                    let cols = rows[0].as_array().unwrap().len();
                    let data =
                        rows.iter().flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()));
                    (vec![rows.len(), cols], data.collect())
                } else {
                    (vec![rows.len()], rows.iter().map(|x| x.as_f64().unwrap()).collect())
                };
                Value::Array(ArrayD::from_shape_vec(IxDyn(&shape), data).unwrap().into())
            } else if v.contains(['.', 'e']) {
                Value::Float(v.parse().unwrap())
            } else {
                Value::Int(v.parse().unwrap())
            }
        })
        .collect()
}

fn f64_array(v: &Value) -> &ArrayD<f64> {
    match v {
        Value::Array(ArrayValue::F64(a)) => a,
        other => panic!("a float64 array expected, got {other:?}"),
    }
}

/// The derivative of `f` at `x` by Ridders' method (central differences at shrinking steps,
/// extrapolated to step 0 in a Neville tableau) and its error estimate.
fn ridders(f: &dyn Fn(f64) -> f64, x: f64) -> (f64, f64) {
    const SHRINK: f64 = 1.4;
    const TABLE: usize = 10;
    let mut h = 0.02 * x.abs().max(1.0);
    let mut a = [[0.0f64; TABLE]; TABLE];
    let central = |h: f64| (f(x + h) - f(x - h)) / (2.0 * h);
    a[0][0] = central(h);
    let (mut best, mut err) = (a[0][0], f64::INFINITY);
    for i in 1..TABLE {
        h /= SHRINK;
        a[0][i] = central(h);
        let mut fac = SHRINK * SHRINK;
        for j in 1..=i {
            a[j][i] = (a[j - 1][i] * fac - a[j - 1][i - 1]) / (fac - 1.0);
            fac *= SHRINK * SHRINK;
            let e = (a[j][i] - a[j - 1][i]).abs().max((a[j][i] - a[j - 1][i - 1]).abs());
            if e <= err {
                err = e;
                best = a[j][i];
            }
        }
        if (a[i][i] - a[i - 1][i - 1]).abs() >= 2.0 * err {
            break;
        }
    }
    (best, err)
}

/// Every derivative of the kernel at `args`, keyed by (parameter, element), from the
/// gradient's result.
fn derivatives(args: &[Value], grads: &[Value]) -> Vec<(usize, Option<usize>, f64)> {
    let mut out = Vec::new();
    for (k, a) in args.iter().enumerate() {
        match a {
            Value::Float(_) => out.push((k, None, grads[k].as_f64().unwrap())),
            Value::Array(_) => {
                let g = f64_array(&grads[k]);
                assert_eq!(
                    g.shape(),
                    f64_array(a).shape(),
                    "gradient of argument {k} has the argument's shape"
                );
                out.extend(g.iter().enumerate().map(|(i, &d)| (k, Some(i), d)));
            }
            _ => assert_eq!(grads[k], Value::None, "argument {k} is not differentiated"),
        }
    }
    out
}

/// `args` with parameter `k` (element `i` of an array) set to `t`.
fn perturbed(args: &[Value], k: usize, i: Option<usize>, t: f64) -> Vec<Value> {
    let mut v = args.to_vec();
    match (&mut v[k], i) {
        (Value::Float(x), None) => *x = t,
        (Value::Array(ArrayValue::F64(a)), Some(i)) => *a.iter_mut().nth(i).unwrap() = t,
        _ => unreachable!(),
    }
    v
}

fn value_at(args: &[Value], k: usize, i: Option<usize>) -> f64 {
    match (&args[k], i) {
        (Value::Float(x), None) => *x,
        (a, Some(i)) => *f64_array(a).iter().nth(i).unwrap(),
        _ => unreachable!(),
    }
}

/// A formula's variables (the parameters: scalars, arrays as vectors) and their values.
struct FormulaInputs {
    vars: Vec<(String, VarKind)>,
    scalars: Vec<f64>,
    vectors: Vec<Vec<f64>>,
}

fn formula_inputs(f: &Function, args: &[Value]) -> FormulaInputs {
    let (mut vars, mut scalars, mut vectors) = (Vec::new(), Vec::new(), Vec::new());
    for (name, a) in f.param_names().iter().zip(args) {
        match a {
            Value::Array(_) => {
                vars.push((name.clone(), VarKind::Vector));
                vectors.push(f64_array(a).iter().copied().collect());
            }
            other => {
                vars.push((name.clone(), VarKind::Scalar));
                scalars.push(other.as_f64().unwrap());
            }
        }
    }
    FormulaInputs { vars, scalars, vectors }
}

fn check_point(file: &str, f: &Function, p: &Point) -> usize {
    let at = format!("{file}:{}({:?})", f.name(), p.args);
    let value = f.call(&p.args).unwrap().as_f64().unwrap();
    let grad = f.gradient();
    let result = grad.call(&p.args).unwrap_or_else(|e| panic!("{at}: {e}"));
    let Value::Tuple(r) = &result else { panic!("{at}: a tuple expected, got {result:?}") };
    assert_eq!(r.len(), p.args.len() + 1, "{at}");
    assert_eq!(r[0].as_f64().unwrap().to_bits(), value.to_bits(), "{at}: the value is the kernel's");
    assert_eq!(grad.call_interpreted(&p.args).unwrap(), result, "{at}: interpreter and compiled code");
    let ds = derivatives(&p.args, &r[1..]);

    let symbolic = p.formula.as_ref().map(|src| {
        let FormulaInputs { vars, scalars, vectors } = formula_inputs(f, &p.args);
        let decl: Vec<(&str, VarKind)> = vars.iter().map(|(n, k)| (n.as_str(), *k)).collect();
        let e = Expression::compile(src, &decl).unwrap_or_else(|e| panic!("{at}: formula: {e}"));
        let vecs: Vec<&[f64]> = vectors.iter().map(Vec::as_slice).collect();
        let fv = e.eval(&scalars, &vecs);
        assert!(
            (fv - value).abs() <= 1e-12 * value.abs().max(1.0),
            "{at}: the formula gives {fv}, the kernel {value}"
        );
        (e, vars, scalars, vectors)
    });

    for &(k, i, ad) in &ds {
        let what =
            format!("{at}: d/d{}{}", f.param_names()[k], i.map_or(String::new(), |i| format!("[{i}]")));
        let x = value_at(&p.args, k, i);
        let g = |t: f64| f.call(&perturbed(&p.args, k, i, t)).unwrap().as_f64().unwrap();
        let (fd, err) = ridders(&g, x);
        let scale = fd.abs().max(1.0);
        assert!(err <= 1e-6 * scale, "{what}: the finite difference is unreliable here (error {err:e})");
        assert!(
            (ad - fd).abs() <= 10.0 * err + 1e-9 * scale,
            "{what}: AD {ad} vs finite difference {fd} ± {err:e}"
        );
        if let Some((e, vars, scalars, vectors)) = &symbolic {
            let name = &vars[k].0;
            let d = e.derivative(name, i).unwrap_or_else(|e| panic!("{what}: symbolic derivative: {e}"));
            let vecs: Vec<&[f64]> = vectors.iter().map(Vec::as_slice).collect();
            let sym = d.eval(scalars, &vecs);
            let tol = 1e-12 * sym.abs().max(f64::MIN_POSITIVE);
            assert!((ad - sym).abs() <= tol, "{what}: AD {ad} vs symbolic {sym} ({})", d.source());
        }
    }
    check_jvp(&at, f, &p.args, &ds);
    ds.len()
}

/// Forward mode along a direction must give the reverse gradient's projection on it.
fn check_jvp(at: &str, f: &Function, args: &[Value], ds: &[(usize, Option<usize>, f64)]) {
    let direction = |k: usize, i: usize| 0.25 + 0.5 * ((3 * k + 7 * i) % 5) as f64 - 1.0;
    let mut call = args.to_vec();
    for (k, a) in args.iter().enumerate() {
        call.push(match a {
            Value::Float(_) => Value::Float(direction(k, 0)),
            Value::Array(_) => {
                let mut t = f64_array(a).clone();
                t.iter_mut().enumerate().for_each(|(i, v)| *v = direction(k, i));
                Value::Array(t.into())
            }
            other => other.clone(),
        });
    }
    let jvp = f.jvp();
    let result = jvp.call(&call).unwrap_or_else(|e| panic!("{at}: jvp: {e}"));
    assert_eq!(jvp.call_interpreted(&call).unwrap(), result, "{at}: jvp: interpreter and compiled code");
    let Value::Tuple(r) = &result else { panic!("{at}: jvp gives {result:?}") };
    let expected: f64 = ds.iter().map(|&(k, i, d)| d * direction(k, i.unwrap_or(0))).sum();
    let scale: f64 = ds.iter().map(|&(k, i, d)| (d * direction(k, i.unwrap_or(0))).abs()).sum();
    let got = r[1].as_f64().unwrap();
    assert!(
        (got - expected).abs() <= 1e-12 * scale.max(f64::MIN_POSITIVE),
        "{at}: jvp {got} vs gradient·v {expected}"
    );
}

#[test]
fn corpus_gradients_match_symbolic_and_finite_differences() {
    let (mut kernels_checked, mut derivatives_checked, mut with_formula) = (0, 0, 0);
    for file in corpus_files() {
        let source = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let module = Module::compile(&source, &name).unwrap();
        for (kernel, points) in kernels(&source) {
            let f = module.function(&kernel).unwrap();
            for p in &points {
                derivatives_checked += check_point(&name, &f, p);
                with_formula += usize::from(p.formula.is_some());
            }
            kernels_checked += 1;
        }
    }
    assert!(kernels_checked >= 30, "only {kernels_checked} kernels");
    assert!(with_formula >= 40, "only {with_formula} points with formulas");
    assert!(derivatives_checked >= 100, "only {derivatives_checked} derivatives");
}

fn gradient_error(src: &str, args: &[Value]) -> fastsci_jit::JitError {
    let f = Module::compile(src, "k.py").unwrap().function("k").unwrap();
    f.gradient().call(args).unwrap_err()
}

#[test]
fn constructs_not_differentiated_are_errors_naming_the_line() {
    let x = [Value::Float(0.5)];
    let e =
        gradient_error("import numpy as np\ndef k(x):\n    y = x\n    return y * np.random.random()\n", &x);
    assert_eq!((e.kind(), e.line()), (ErrorKind::Unsupported, 4), "{e}");
    assert!(e.to_string().contains("random numbers"), "{e}");

    let src = "import numpy as np\ndef k(x):\n    s = 0.0\n    for i in range(3):\n        t = np.zeros(2)\n        t[0] = x\n        s += t[0]\n    return s\n";
    let e = gradient_error(src, &x);
    assert_eq!((e.kind(), e.line()), (ErrorKind::Unsupported, 5), "{e}");
    assert!(e.to_string().contains("array variable `t`"), "{e}");

    let e = gradient_error("def k(x):\n    return int(x)\n", &x);
    assert_eq!(e.kind(), ErrorKind::Type, "{e}");
    assert!(e.to_string().contains("float result"), "{e}");

    let src = "def pair(x):\n    return x, x * 2\n\ndef k(x):\n    a, b = pair(x)\n    return a * b\n";
    let e = gradient_error(src, &x);
    assert_eq!((e.kind(), e.line()), (ErrorKind::Unsupported, 5), "{e}");
    assert!(e.to_string().contains("tuple"), "{e}");

    let src = "def fill(a, x):\n    a[0] = x\n    return 0.0\n\ndef k(x, a):\n    return fill(a, x) + x\n";
    let a = Value::Array(ndarray::arr1(&[1.0]).into_dyn().into());
    let f = Module::compile(src, "k.py").unwrap().function("k").unwrap();
    let e = f.gradient().call(&[Value::Float(1.0), a]).unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Unsupported, 6), "{e}");
    assert!(e.to_string().contains("writes into arrays"), "{e}");
}

#[test]
fn long_loops_grow_the_tape_and_runtime_errors_keep_their_line() {
    // 200,000 iterations push far past the tape's first capacity.
    let src = "import math\ndef k(x, n):\n    s = 0.0\n    for i in range(n):\n        s = s * 0.5 + math.sin(x + i)\n    return s\n";
    let f = Module::compile(src, "k.py").unwrap().function("k").unwrap();
    let Value::Tuple(r) = f.gradient().call(&[Value::Float(0.3), Value::Int(200_000)]).unwrap() else {
        panic!()
    };
    // s_n = sum_i 0.5^(n-1-i) sin(x + i): the derivative is sum_i 0.5^(n-1-i) cos(x + i).
    let n = 200_000;
    let exact: f64 = (0..n).map(|i| 0.5f64.powi(n - 1 - i) * (0.3 + f64::from(i)).cos()).sum();
    assert!((r[1].as_f64().unwrap() - exact).abs() <= 1e-13, "{r:?} vs {exact}");

    let e = Module::compile("def k(x, a):\n    return x * a[5]\n", "k.py")
        .unwrap()
        .function("k")
        .unwrap()
        .gradient()
        .call(&[Value::Float(1.0), Value::Array(ndarray::arr1(&[1.0]).into_dyn().into())])
        .unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Runtime, 2), "{e}");
}

#[test]
fn forward_mode_takes_tangents_of_the_arguments_types_and_arrays_made_in_loops() {
    // An array created in each iteration: outside the reverse mode's reach, fine forward.
    let src = "import numpy as np\ndef k(x, n):\n    s = 0.0\n    for i in range(n):\n        t = np.zeros(2)\n        t[0] = x * i\n        s += t[0] * t[0]\n    return s\n";
    let f = Module::compile(src, "k.py").unwrap().function("k").unwrap();
    // s = x² Σ i², ds/dx = 2x Σ i² = 2 · 1.5 · 14 along 1.
    let r = f.jvp().call(&[Value::Float(1.5), Value::Int(4), Value::Float(1.0), Value::Int(0)]).unwrap();
    assert_eq!(r, Value::Tuple(vec![Value::Float(1.5 * 1.5 * 14.0), Value::Float(2.0 * 1.5 * 14.0)]));
    let e = f.jvp().call(&[Value::Float(1.5), Value::Int(4), Value::Int(1), Value::Int(0)]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument, "{e}");
    assert!(e.to_string().contains("the tangent of `x` must have its type"), "{e}");
    let e = f.jvp().call(&[Value::Float(1.5)]).unwrap_err();
    assert!(e.to_string().contains("takes 4 argument(s) (x, n, d_x, d_n)"), "{e}");
}
