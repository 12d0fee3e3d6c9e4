//! The symbolic derivative of a formula, compiled, against an independent reference: mpmath's
//! digamma (fixtures/gamma_derivatives.txt, made by make_gamma_derivatives.py) for `lgamma`
//! and `gamma`, whose derivative rules go through fastsci's own `digamma`.

use fastsci::jit::{Expression, VarKind};

/// (x, d/dx lgamma, d/dx gamma) per fixture line.
fn mpmath_values() -> Vec<(f64, f64, f64)> {
    let text = include_str!("fixtures/gamma_derivatives.txt");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let v: Vec<f64> = l.split_whitespace().map(|w| w.parse().expect("a number")).collect();
            (v[0], v[1], v[2])
        })
        .collect()
}

/// Relative error 1e-13, or 1e-15 absolute where the value is near zero (the minimum of gamma,
/// where digamma crosses zero). Infinities (gamma(1000) overflows) must match exactly.
fn close(got: f64, want: f64) -> bool {
    if want.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= 1e-13 * want.abs() + 1e-15
}

#[test]
fn derivatives_of_lgamma_and_gamma_match_mpmath() {
    let values = mpmath_values();
    assert_eq!(values.len(), 12, "fixture lines");
    let x = [("x", VarKind::Scalar)];
    let mut wrong = Vec::new();
    for (formula, column) in [("lgamma(x)", 1), ("gamma(x)", 2)] {
        let derivative = Expression::compile(formula, &x)
            .and_then(|e| e.derivative("x", None))
            .unwrap_or_else(|e| panic!("{formula}: {e}"));
        let d = derivative.to_fn1();
        for &(at, dlgamma, dgamma) in &values {
            let want = if column == 1 { dlgamma } else { dgamma };
            let got = d(at);
            if !close(got, want) {
                wrong.push(format!("d/dx {formula} at {at}: {got:e}, mpmath {want:e}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
