//! The expression milestone: formulas against Rust's std math, vectors, closures,
//! derivatives, and error positions.

use fastsci_jit::{ErrorKind, Expression, VarKind};

fn f1(src: &str) -> impl Fn(f64) -> f64 + Send + Sync + Clone + use<> {
    Expression::compile(src, &[("x", VarKind::Scalar)]).unwrap_or_else(|e| panic!("{e}")).to_fn1()
}

type F = fn(f64) -> f64;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

#[test]
fn math_functions_match_std() {
    let xs = [0.1, 0.5, 0.9, 1.5, 2.75, 7.0];
    let cases: &[(&str, F)] = &[
        ("sqrt(x)", f64::sqrt),
        ("exp(x)", f64::exp),
        ("expm1(x)", f64::exp_m1),
        ("log(x)", f64::ln),
        ("log1p(x)", f64::ln_1p),
        ("log2(x)", f64::log2),
        ("log10(x)", f64::log10),
        ("sin(x)", f64::sin),
        ("cos(x)", f64::cos),
        ("tan(x)", f64::tan),
        ("asin(x/8)", |x| (x / 8.0).asin()),
        ("acos(x/8)", |x| (x / 8.0).acos()),
        ("atan(x)", f64::atan),
        ("sinh(x)", f64::sinh),
        ("cosh(x)", f64::cosh),
        ("tanh(x)", f64::tanh),
        ("asinh(x)", f64::asinh),
        ("acosh(x + 1)", |x| (x + 1.0).acosh()),
        ("atanh(x/8)", |x| (x / 8.0).atanh()),
        ("floor(x)", f64::floor),
        ("ceil(x)", f64::ceil),
        ("trunc(-x)", |x| (-x).trunc()),
        ("fabs(-x)", f64::abs),
        ("abs(-x)", f64::abs),
        ("math.pow(x, 1.7)", |x| x.powf(1.7)),
        ("np.atan2(x, 2)", |x| x.atan2(2.0)),
        ("hypot(x, 3)", |x| x.hypot(3.0)),
        ("copysign(x, -1)", |x| x.copysign(-1.0)),
        ("x**2", |x| x * x),
        ("x**0.5", f64::sqrt),
        ("x**-1.5", |x| x.powf(-1.5)),
        ("2**x", |x| 2f64.powf(x)),
        ("exp(-x**2)*log(1+x**2)", |x| (-x * x).exp() * (1.0 + x * x).ln()),
        ("min(x, 1.0)", |x| x.min(1.0)),
        ("max(x, 1.0, 2.0)", |x| x.max(2.0)),
        ("x % 0.7", |x| x % 0.7),
        ("x // 0.7", |x| (x / 0.7).floor()),
        ("pi * x + e", |x| std::f64::consts::PI * x + std::f64::consts::E),
        ("1 if x > 1 else -1", |x| if x > 1.0 { 1.0 } else { -1.0 }),
        ("0 < x < 1", |x| f64::from(u8::from(0.0 < x && x < 1.0))),
        ("x > 1 and x < 3", |x| f64::from(u8::from(x > 1.0 && x < 3.0))),
        ("not x > 1", |x| f64::from(u8::from(x <= 1.0))),
        ("where(x > 1, x, 0)", |x| if x > 1.0 { x } else { 0.0 }),
        ("isfinite(x) + isnan(x) + isinf(x)", |_| 1.0),
        ("-x", |x| -x),
    ];
    for (src, f) in cases {
        let g = f1(src);
        for &x in &xs {
            let (got, want) = (g(x), f(x));
            assert!(close(got, want, 4e-16), "{src} at {x}: got {got}, want {want}");
        }
    }
}

#[test]
fn special_functions_are_accurate() {
    // Reference values from mpmath (30 digits), rounded to f64.
    let erf = f1("erf(x)");
    assert!(close(erf(0.5), 0.520_499_877_813_046_5, 1e-15));
    let erfc = f1("erfc(x)");
    assert!(close(erfc(3.0), 2.209_049_699_858_544e-5, 1e-14));
    let gamma = f1("gamma(x)");
    assert!(close(gamma(5.0), 24.0, 1e-15));
    assert!(close(gamma(0.5), std::f64::consts::PI.sqrt(), 1e-15));
    let lgamma = f1("lgamma(x)");
    assert!(close(lgamma(10.0), 362_880f64.ln(), 1e-15));
    let digamma = f1("digamma(x)");
    assert!(close(digamma(1.0), -0.577_215_664_901_532_9, 1e-14));
    assert!(close(digamma(0.25), -4.227_453_533_376_265, 1e-13));
}

#[test]
fn ieee_edge_values() {
    let g = f1("1/x");
    assert_eq!(g(0.0), f64::INFINITY);
    assert!(f1("x % 0")(1.0).is_nan());
    assert!(f1("log(x)")(-1.0).is_nan());
    assert!(f1("sqrt(x)")(-1.0).is_nan());
    assert_eq!(f1("inf + x")(1.0), f64::INFINITY);
    assert!(f1("nan + x")(1.0).is_nan());
    assert!(f1("max(x, 0)")(f64::NAN).is_nan()); // Python: max(nan, 0) is nan
    assert_eq!(f1("max(0, x)")(f64::NAN), 0.0); // and max(0, nan) is 0
    assert_eq!(f1("-x")(0.0).to_bits(), (-0.0f64).to_bits());
    assert_eq!(f1("(-7.5) % x")(2.0), 0.5);
    assert_eq!(f1("(-7.5) // x")(2.0), -4.0);
}

#[test]
fn several_variables_and_vectors() {
    let e = Expression::compile(
        "a * x[0] + b * x[2] + y[1]",
        &[("a", VarKind::Scalar), ("x", VarKind::Vector), ("b", VarKind::Scalar), ("y", VarKind::Vector)],
    )
    .unwrap();
    assert_eq!(e.eval(&[2.0, 3.0], &[&[1.0, 0.0, 5.0], &[0.0, 7.0]]), 2.0 + 15.0 + 7.0);
    assert_eq!(e.max_index("x"), Some(2));
    assert_eq!(e.max_index("y"), Some(1));
    assert_eq!(e.max_index("a"), None);
    // Too short, wrong counts: NaN, never a read out of bounds.
    assert!(e.eval(&[2.0, 3.0], &[&[1.0, 0.0], &[0.0, 7.0]]).is_nan());
    assert!(e.eval(&[2.0], &[&[1.0, 0.0, 5.0], &[0.0, 7.0]]).is_nan());
    assert!(e.eval(&[2.0, 3.0], &[&[1.0, 0.0, 5.0]]).is_nan());
    let r = Expression::compile("100*(x[1]-x[0]**2)**2 + (1-x[0])**2", &[("x", VarKind::Vector)]).unwrap();
    let f = r.to_fn_slice();
    assert_eq!(f(&[1.0, 1.0]), 0.0);
    assert!(close(f(&[-1.2, 1.0]), 24.2, 1e-15));
    assert!(f(&[1.0]).is_nan());
}

#[test]
fn closures_are_send_sync_and_usable_from_threads() {
    let g = f1("sin(x)**2 + cos(x)**2");
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let g = g.clone();
            std::thread::spawn(move || (0..1000).map(|i| g(i as f64 * 0.01 + t as f64)).sum::<f64>())
        })
        .collect();
    for h in handles {
        assert!(close(h.join().unwrap(), 1000.0, 1e-12));
    }
    fn assert_send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    let e = Expression::compile("x", &[("x", VarKind::Scalar)]).unwrap();
    assert_send_sync(&e);
}

#[test]
#[should_panic(expected = "exactly one Scalar")]
fn to_fn1_panics_for_two_variables() {
    let e = Expression::compile("x + y", &[("x", VarKind::Scalar), ("y", VarKind::Scalar)]).unwrap();
    let _ = e.to_fn1();
}

/// d/dx lgamma is checked against mpmath's digamma in the facade's
/// `tests/symbolic_derivatives.rs` (an independent reference, not fastsci's own digamma).
#[test]
fn derivatives_match_closed_forms() {
    let xs = [0.3, 0.8, 1.7];
    let cases: &[(&str, F)] = &[
        ("x**3", |x| 3.0 * x * x),
        ("exp(-x**2)*log(1+x**2)", |x| {
            (-x * x).exp() * (2.0 * x / (1.0 + x * x)) - 2.0 * x * (-x * x).exp() * (1.0 + x * x).ln()
        }),
        ("sin(x)/x", |x| (x * x.cos() - x.sin()) / (x * x)),
        ("x**x", |x| x.powf(x) * (x.ln() + 1.0)),
        ("sqrt(1 + x)", |x| 0.5 / (1.0 + x).sqrt()),
        ("atan2(x, 2)", |x| 2.0 / (x * x + 4.0)),
        ("erf(x)", |x| 2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp()),
        ("tanh(x) + asinh(x) + log10(x)", |x| {
            1.0 - x.tanh().powi(2) + 1.0 / (x * x + 1.0).sqrt() + 1.0 / (x * std::f64::consts::LN_10)
        }),
        ("abs(x - 1)", |x| if x > 1.0 { 1.0 } else { -1.0 }),
        ("max(x, 1)", |x| if x > 1.0 { 1.0 } else { 0.0 }),
        ("x if x < 1 else 2*x", |x| if x < 1.0 { 1.0 } else { 2.0 }),
    ];
    for (src, df) in cases {
        let e = Expression::compile(src, &[("x", VarKind::Scalar)]).unwrap();
        let d = e.derivative("x", None).unwrap_or_else(|err| panic!("{src}: {err}"));
        let g = d.to_fn1();
        for &x in &xs {
            assert!(
                close(g(x), df(x), 1e-13),
                "d/dx {src} at {x}: got {} want {} ({})",
                g(x),
                df(x),
                d.source()
            );
        }
    }
}

#[test]
fn gradient_of_rosenbrock() {
    let r = Expression::compile("100*(x[1]-x[0]**2)**2 + (1-x[0])**2", &[("x", VarKind::Vector)]).unwrap();
    let d0 = r.derivative("x", Some(0)).unwrap().to_fn_slice();
    let d1 = r.derivative("x", Some(1)).unwrap().to_fn_slice();
    let p = [-1.2, 1.0];
    assert!(close(d0(&p), -215.6, 1e-13));
    assert!(close(d1(&p), -88.0, 1e-13));
    assert!(r.derivative("x", None).is_err());
    assert!(r.derivative("y", Some(0)).is_err());
}

fn err(src: &str, vars: &[(&str, VarKind)]) -> fastsci_jit::JitError {
    match Expression::compile(src, vars) {
        Ok(_) => panic!("{src} compiled"),
        Err(e) => e,
    }
}

#[test]
fn errors_point_at_the_problem() {
    let x = [("x", VarKind::Scalar)];
    let e = err("x + y", &x);
    assert_eq!((e.line(), e.column(), e.kind()), (1, 5, ErrorKind::Name));
    assert!(e.message().contains("unknown name `y`"), "{e}");
    assert_eq!(e.to_string(), format!("1:5: {}\n  x + y\n      ^", e.message()));
    let e = err("sin(x) + foo(x)", &x);
    assert_eq!((e.line(), e.column()), (1, 10));
    assert!(e.message().contains("unknown function `foo`"));
    let e = err("x[0] + 1", &x);
    assert_eq!((e.line(), e.column(), e.kind()), (1, 1, ErrorKind::Type));
    assert!(e.message().contains("scalar"));
    let e = err("2 * v", &[("v", VarKind::Vector)]);
    assert_eq!(e.column(), 5);
    assert!(e.message().contains("vector"));
    let e = err("v[i]", &[("v", VarKind::Vector), ("i", VarKind::Scalar)]);
    assert_eq!(e.column(), 3);
    let e = err("x +", &x);
    assert_eq!((e.line(), e.kind()), (1, ErrorKind::Syntax));
    let e = err("x ** ", &x);
    assert_eq!(e.kind(), ErrorKind::Syntax);
    let e = err("sqrt(x, 2)", &x);
    assert!(e.message().contains("takes 1 argument"));
    let e = err("[x, 1]", &x);
    assert_eq!(e.column(), 1);
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    let e = err("x @ x", &x);
    assert!(e.message().contains("matrix"));
    let e = err("(x\n + z)", &x);
    assert_eq!((e.line(), e.column()), (2, 4));
    let e = err("", &x);
    assert_eq!(e.kind(), ErrorKind::Syntax);
    let e = err("x", &[("x", VarKind::Scalar), ("x", VarKind::Scalar)]);
    assert_eq!(e.kind(), ErrorKind::Argument);
}

#[test]
fn public_tree_is_checked() {
    use fastsci_jit::expr::{ExprKind, parse_expression};
    let t = parse_expression("np.exp(-x**2) * math.pi").unwrap();
    let s = t.to_string();
    assert!(s.contains("exp"), "{s}");
    let ExprKind::Binary { right, .. } = t.kind else { panic!() };
    assert_eq!(right.kind, ExprKind::Float(std::f64::consts::PI));
    assert!(parse_expression("a.b").is_err());
    assert!(parse_expression("x[-1]").is_err());
    assert!(parse_expression("x[y]").is_err());
    assert!(parse_expression("(1, 2)").is_err());
    assert!(parse_expression("arcsin(x)").is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let long_sum = vec!["x"; 5000].join(" + ");
    let e = Expression::compile(&long_sum, &[("x", VarKind::Scalar)]);
    assert!(e.is_err());
    // Redundant brackets: 150 are fine, 3000 are refused before the parser recurses on
    // them (CPython refuses more than 200 nested brackets).
    let parens = format!("{}x{}", "(".repeat(150), ")".repeat(150));
    assert_eq!(Expression::compile(&parens, &[("x", VarKind::Scalar)]).unwrap().eval(&[2.0], &[]), 2.0);
    let parens = format!("{}x{}", "(".repeat(3000), ")".repeat(3000));
    let e = Expression::compile(&parens, &[("x", VarKind::Scalar)]).unwrap_err();
    assert!(e.message().starts_with("expression too deeply nested"), "{e}");
    let deep = format!("{}x{}", "-(".repeat(3000), ")".repeat(3000));
    assert!(Expression::compile(&deep, &[("x", VarKind::Scalar)]).is_err());
    let ok = vec!["x"; 100].join(" + ");
    assert_eq!(Expression::compile(&ok, &[("x", VarKind::Scalar)]).unwrap().eval(&[1.0], &[]), 100.0);
}
