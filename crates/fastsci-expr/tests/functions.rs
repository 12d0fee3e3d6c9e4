//! The semantics the function table fixes, against NumPy's values (stored by
//! `tests/fixtures/make_function_fixtures.py`), and the table against the derivative.

use fastsci_expr::ast::ExprKind;
use fastsci_expr::derivative::{Target, diff};
use fastsci_expr::formula::parse_expression;
use fastsci_expr::functions::{Arity, MATH_FUNCTIONS, fmax, fmin, fmod, python_mod};

#[test]
fn fmod_remainder_fmin_fmax_agree_with_numpy() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/functions.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let column = |k: &str| -> Vec<f64> {
        json[k].as_array().unwrap().iter().map(|v| v.as_str().unwrap().parse().unwrap()).collect()
    };
    let (a, b) = (column("a"), column("b"));
    // A tie of zeros may have either sign in fmin/fmax (NumPy's scalar and vector loops differ).
    type Binary = fn(f64, f64) -> f64;
    let cases: [(&str, Binary, bool); 4] =
        [("fmod", fmod, false), ("remainder", python_mod, false), ("fmin", fmin, true), ("fmax", fmax, true)];
    for (name, f, any_zero) in cases {
        for ((&x, &y), &want) in a.iter().zip(&b).zip(&column(name)) {
            let got = f(x, y);
            let ok = got.to_bits() == want.to_bits()
                || (got.is_nan() && want.is_nan())
                || (any_zero && got == 0.0 && want == 0.0);
            assert!(ok, "{name}({x:?}, {y:?}) = {got:?}, NumPy {want:?}");
        }
    }
}

#[test]
fn every_function_the_table_marks_differentiable_has_a_rule_and_no_other() {
    for f in MATH_FUNCTIONS {
        let n = match f.arity {
            Arity::Exactly(k) | Arity::AtLeast(k) => k,
        };
        let args: Vec<&str> = ["x", "y", "z"][..n].to_vec();
        let src = format!("{}({})", f.name, args.join(", "));
        let e = parse_expression(&src).unwrap_or_else(|e| panic!("{e}"));
        let d = diff(&e, &Target::Scalar("x"), &src);
        assert_eq!(d.is_ok(), f.derivative, "{src}: {d:?}");
        for alias in f.aliases {
            let src = format!("np.{alias}({})", args.join(", "));
            let parsed = parse_expression(&src).unwrap_or_else(|e| panic!("{e}"));
            assert!(matches!(&parsed.kind, ExprKind::Call { func, .. } if func == f.name), "{src}");
        }
    }
}
