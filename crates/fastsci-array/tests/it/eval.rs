//! The fused evaluator against direct elementwise computation.

use fastsci_array::eval::{ArrayInput, Program, evaluate};
use fastsci_array::expr::{Binary, Expr, Unary, num, var};
use fastsci_array::{NpyMmap, read_npy_as, vmath, write_npy};
use ndarray::{Array1, Array2, ArrayD, IxDyn, ShapeBuilder};

fn data(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 8.0 - 4.0
        })
        .collect()
}

#[test]
fn compound_expression_matches_elementwise_reference_exactly() {
    let n = 100_003; // not a multiple of the block size
    let (a, b, c) = (data(n, 1), data(n, 2), data(n, 3));
    let e = var("a") * var("b") + var("c") * 2.0 - var("a").sin();
    let arr = |v: &Vec<f64>| ArrayD::from_shape_vec(IxDyn(&[n]), v.clone()).unwrap();
    let (aa, bb, cc) = (arr(&a), arr(&b), arr(&c));
    let out = evaluate(&e, &[("a", aa.view()), ("b", bb.view()), ("c", cc.view())]).unwrap();
    for i in 0..n {
        let want = a[i] * b[i] + c[i] * 2.0 - vmath::sin(a[i]);
        assert_eq!(out[i].to_bits(), want.to_bits(), "element {i}");
    }
}

#[test]
fn every_operation_agrees_with_its_scalar_definition() {
    let n = 5000;
    let (x, y) = (data(n, 4), data(n, 5));
    let ax = ArrayD::from_shape_vec(IxDyn(&[n]), x.clone()).unwrap();
    let ay = ArrayD::from_shape_vec(IxDyn(&[n]), y.clone()).unwrap();
    type Un = (Unary, fn(f64) -> f64);
    type Bi = (Binary, fn(f64, f64) -> f64);
    let unary: Vec<Un> = vec![
        (Unary::Neg, |v| -v),
        (Unary::Abs, f64::abs),
        (Unary::Exp, vmath::exp),
        (Unary::Log, vmath::log),
        (Unary::Sin, vmath::sin),
        (Unary::Cos, vmath::cos),
        (Unary::Tan, vmath::tan),
        (Unary::Tanh, vmath::tanh),
        (Unary::Sqrt, f64::sqrt),
        (Unary::Erf, vmath::erf),
        (Unary::Floor, f64::floor),
        (Unary::Not, |v| f64::from(u8::from(v == 0.0))),
    ];
    for (op, f) in unary {
        let out = evaluate(&var("x").unary(op), &[("x", ax.view())]).unwrap();
        for i in 0..n {
            let w = f(x[i]);
            assert!(out[i].to_bits() == w.to_bits() || (w.is_nan() && out[i].is_nan()), "{op:?}({})", x[i]);
        }
    }
    let binary: Vec<Bi> = vec![
        (Binary::Add, |a, b| a + b),
        (Binary::Sub, |a, b| a - b),
        (Binary::Mul, |a, b| a * b),
        (Binary::Div, |a, b| a / b),
        (Binary::Pow, vmath::pow),
        (Binary::Min, f64::min),
        (Binary::Max, f64::max),
        (Binary::Lt, |a, b| f64::from(u8::from(a < b))),
        (Binary::Ge, |a, b| f64::from(u8::from(a >= b))),
        (Binary::And, |a, b| f64::from(u8::from(a != 0.0 && b != 0.0))),
        (Binary::Mod, |a, b| {
            let r = a % b;
            if r != 0.0 && (r < 0.0) != (b < 0.0) { r + b } else { r }
        }),
    ];
    for (op, f) in binary {
        let out = evaluate(&var("x").binary(op, var("y")), &[("x", ax.view()), ("y", ay.view())]).unwrap();
        for i in 0..n {
            let w = f(x[i], y[i]);
            assert!(
                out[i].to_bits() == w.to_bits() || (w.is_nan() && out[i].is_nan()),
                "{op:?}({}, {})",
                x[i],
                y[i]
            );
        }
    }
    // x**2 is lowered to x*x, constants fold, where selects.
    let sq = evaluate(&var("x").pow(num(2.0)), &[("x", ax.view())]).unwrap();
    assert_eq!(sq[7], x[7] * x[7]);
    let w = Expr::select(
        var("x").binary(Binary::Gt, num(0.0)),
        var("x"),
        num(0.0) - var("x") * (num(1.0) + num(2.0)),
    );
    let out = evaluate(&w, &[("x", ax.view())]).unwrap();
    for i in 0..n {
        assert_eq!(out[i], if x[i] > 0.0 { x[i] } else { -(x[i] * 3.0) });
    }
}

#[test]
fn broadcasting_follows_numpy_rules() {
    let m = Array2::from_shape_fn((300, 7), |(i, j)| (i * 10 + j) as f64).into_dyn();
    let row = Array1::from_vec((0..7).map(|j| j as f64 * 0.5).collect()).into_dyn();
    let col = Array2::from_shape_fn((300, 1), |(i, _)| i as f64).into_dyn();
    let scalar = ndarray::arr0(100.0).into_dyn();
    let out = evaluate(
        &(var("m") + var("row") * var("col") - var("s")),
        &[("m", m.view()), ("row", row.view()), ("col", col.view()), ("s", scalar.view())],
    )
    .unwrap();
    assert_eq!(out.shape(), &[300, 7]);
    for i in 0..300 {
        for j in 0..7 {
            assert_eq!(out[[i, j]], (i * 10 + j) as f64 + j as f64 * 0.5 * i as f64 - 100.0);
        }
    }
    // Fortran-ordered input gives the same answer.
    let mut mf = Array2::<f64>::zeros((300, 7).f());
    mf.assign(&m.view().into_dimensionality::<ndarray::Ix2>().unwrap());
    let mf = mf.into_dyn();
    let p = Program::compile(&(var("m") * 2.0)).unwrap();
    let out = p.eval(&[("m", ArrayInput::from_view(&mf.view()).unwrap())]).unwrap();
    assert_eq!(out, &m * 2.0);
    let bad = Array1::<f64>::zeros(5).into_dyn();
    assert!(evaluate(&(var("m") + var("b")), &[("m", m.view()), ("b", bad.view())]).is_err());
    assert!(evaluate(&(var("m") + var("zz")), &[("m", m.view())]).is_err());
}

#[test]
fn evaluation_into_an_npy_file_reads_mapped_inputs_of_other_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let n = 70_000;
    let a = ArrayD::from_shape_vec(IxDyn(&[n]), (0..n as i32).collect::<Vec<i32>>()).unwrap();
    let pa = dir.path().join("a.npy");
    write_npy(&pa, &a).unwrap();
    let ma = NpyMmap::open(&pa).unwrap();
    let p = Program::compile(&(var("a") * 0.5 + 1.0)).unwrap();
    let out = dir.path().join("out.npy");
    let shape = p.eval_to_npy(&[("a", ArrayInput::from_mmap(&ma).unwrap())], &out).unwrap();
    assert_eq!(shape, vec![n]);
    let back = read_npy_as::<f64>(&out).unwrap();
    for i in (0..n).step_by(997) {
        assert_eq!(back[i], i as f64 * 0.5 + 1.0);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file is left");
}

/// `(a, b, numpy(a, b))` columns for the NumPy function `name`, stored by
/// `crates/fastsci-expr/tests/fixtures/make_function_fixtures.py`.
fn numpy_values(name: &str) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fastsci-expr/tests/fixtures/functions.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let column = |k: &str| -> Vec<f64> {
        json[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().parse().unwrap()).collect()
    };
    (column("a"), column("b"), column(name))
}

#[test]
fn fmod_remainder_and_the_four_min_max_agree_with_numpy() {
    // A tie of zeros may come out with either sign (NumPy's scalar and vector loops differ).
    for (formula, numpy, any_zero) in [
        ("fmod(a, b)", "fmod", false),
        ("a % b", "remainder", false),
        ("np.fmin(a, b)", "fmin", true),
        ("np.fmax(a, b)", "fmax", true),
        ("np.minimum(a, b)", "minimum", true),
        ("np.maximum(a, b)", "maximum", true),
    ] {
        let (a, b, want) = numpy_values(numpy);
        let arr = |v: &Vec<f64>| ArrayD::from_shape_vec(IxDyn(&[v.len()]), v.clone()).unwrap();
        let (aa, bb) = (arr(&a), arr(&b));
        let e = fastsci_array::parse::parse(formula).unwrap();
        let out = evaluate(&e, &[("a", aa.view()), ("b", bb.view())]).unwrap();
        for i in 0..a.len() {
            let (got, w) = (out[i], want[i]);
            let ok = got.to_bits() == w.to_bits()
                || (got.is_nan() && w.is_nan())
                || (any_zero && got == 0.0 && w == 0.0);
            assert!(ok, "{formula} at a={:?}, b={:?}: {got:?}, NumPy {w:?}", a[i], b[i]);
        }
    }
}
