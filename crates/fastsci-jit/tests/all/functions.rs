//! The functions whose semantics the shared table fixes (`fmod`: the dividend's sign;
//! `fmin`/`fmax`: a NaN operand ignored) against NumPy's values, stored by
//! `crates/fastsci-expr/tests/fixtures/make_function_fixtures.py`: in kernels, compiled and
//! interpreted, and in formulas.

use fastsci_jit::{Expression, Module, Value, VarKind};

/// `(a, b, numpy(a, b))` for the NumPy function `name`.
fn numpy_values(name: &str) -> Vec<(f64, f64, f64)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fastsci-expr/tests/fixtures/functions.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let column = |k: &str| -> Vec<f64> {
        json[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().parse().unwrap()).collect()
    };
    let (a, b, want) = (column("a"), column("b"), column(name));
    (0..a.len()).map(|i| (a[i], b[i], want[i])).collect()
}

/// Equal bits, or both NaN; a tie of zeros may have either sign where `any_zero` (NumPy's
/// own scalar and vector loops differ there).
fn same(got: f64, want: f64, any_zero: bool) -> bool {
    got.to_bits() == want.to_bits()
        || (got.is_nan() && want.is_nan())
        || (any_zero && got == 0.0 && want == 0.0)
}

#[test]
fn fmod_fmin_fmax_agree_with_numpy_compiled_interpreted_and_as_formulas() {
    for (name, any_zero) in [("fmod", false), ("fmin", true), ("fmax", true)] {
        let src = format!("import math\nimport numpy as np\n\ndef k(a, b):\n    return np.{name}(a, b)\n");
        let kernel = Module::compile(&src, "k.py").unwrap().function("k").unwrap();
        let formula =
            Expression::compile(&format!("{name}(a, b)"), &[("a", VarKind::Scalar), ("b", VarKind::Scalar)])
                .unwrap_or_else(|e| panic!("{e}"));
        for (a, b, want) in numpy_values(name) {
            let args = [Value::Float(a), Value::Float(b)];
            let compiled = kernel.call(&args).unwrap().as_f64().unwrap();
            let interpreted = kernel.call_interpreted(&args).unwrap().as_f64().unwrap();
            let from_formula = formula.eval(&[a, b], &[]);
            for (how, got) in
                [("compiled", compiled), ("interpreted", interpreted), ("formula", from_formula)]
            {
                assert!(same(got, want, any_zero), "{how} {name}({a:?}, {b:?}) = {got:?}, NumPy {want:?}");
            }
        }
    }
    // `math.fmod` is the same function; Python's `%` keeps the divisor's sign.
    let m =
        Module::compile("import math\ndef f(a, b):\n    return math.fmod(a, b), a % b\n", "f.py").unwrap();
    let r = m.function("f").unwrap().call(&[Value::Float(-7.0), Value::Float(3.0)]).unwrap();
    assert_eq!(r, Value::Tuple(vec![Value::Float(-1.0), Value::Float(2.0)]));
}

#[test]
fn fmod_fmin_fmax_have_derivatives() {
    let vars = [("a", VarKind::Scalar), ("b", VarKind::Scalar)];
    for (src, at, da, db) in [
        ("fmod(a, b)", [-7.5, 2.0], 1.0, 3.0),
        ("fmin(a, b)", [1.0, 2.0], 1.0, 0.0),
        ("fmin(a, b)", [f64::NAN, 2.0], 0.0, 1.0),
        ("fmax(a, b)", [1.0, 2.0], 0.0, 1.0),
    ] {
        let e = Expression::compile(src, &vars).unwrap();
        let (ga, gb) = (e.derivative("a", None).unwrap(), e.derivative("b", None).unwrap());
        assert_eq!((ga.eval(&at, &[]), gb.eval(&at, &[])), (da, db), "{src} at {at:?}");
    }
}
