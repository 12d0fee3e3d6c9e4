//! Derivatives of closed-form functions: the value within the reported error, the error small.

// Matrices are compared entry by entry.
#![allow(clippy::needless_range_loop)]

use fastsci_integrate::{
    DerivativeOptions, derivative, richardson_gradient, richardson_hessian, richardson_jacobian,
};

type Case = (&'static str, fn(f64) -> f64, fn(f64) -> f64, f64);

/// (name, f, f', x)
const CASES: &[Case] = &[
    ("sin", f64::sin, f64::cos, 1.0),
    ("cos", f64::cos, |x| -x.sin(), 0.7),
    ("exp", f64::exp, f64::exp, 2.0),
    ("ln", f64::ln, |x| 1.0 / x, 3.0),
    ("sqrt", f64::sqrt, |x| 0.5 / x.sqrt(), 4.0),
    ("tan", f64::tan, |x| 1.0 / x.cos().powi(2), 0.5),
    ("atan", f64::atan, |x| 1.0 / (1.0 + x * x), 1.5),
    ("tanh", f64::tanh, |x| 1.0 - x.tanh().powi(2), 0.3),
    ("sinh", f64::sinh, f64::cosh, -1.2),
    ("cube", |x| x * x * x, |x| 3.0 * x * x, -2.0),
    ("poly7", |x| x.powi(7) - 2.0 * x.powi(3) + x, |x| 7.0 * x.powi(6) - 6.0 * x * x + 1.0, 1.1),
    ("inverse", |x| 1.0 / x, |x| -1.0 / (x * x), 2.5),
    ("gauss", |x| (-x * x).exp(), |x| -2.0 * x * (-x * x).exp(), 0.8),
    ("x_sin", |x| x * x.sin(), |x| x.sin() + x * x.cos(), 2.2),
    ("ln1p_sq", |x| (1.0 + x * x).ln(), |x| 2.0 * x / (1.0 + x * x), -0.6),
    ("exp_sin", |x| x.sin().exp(), |x| x.cos() * x.sin().exp(), 1.3),
    ("pow_2_5", |x| x.powf(2.5), |x| 2.5 * x.powf(1.5), 1.7),
    ("sigmoid", |x| 1.0 / (1.0 + (-x).exp()), |x| (-x).exp() / (1.0 + (-x).exp()).powi(2), 0.4),
    ("erf_like", |x| x / (1.0 + x * x).sqrt(), |x| (1.0 + x * x).powf(-1.5), 0.9),
    ("cos_sq", |x| x.cos().powi(2), |x| -2.0 * x.sin() * x.cos(), 0.2),
    ("ln_cosh", |x| x.cosh().ln(), f64::tanh, 1.9),
    ("sin_10x", |x| (10.0 * x).sin(), |x| 10.0 * (10.0 * x).cos(), 0.37),
    ("exp_large", |x| (5.0 * x).exp(), |x| 5.0 * (5.0 * x).exp(), 3.0),
    ("at_zero", |x| x.sin() * x.exp(), |x| (x.cos() + x.sin()) * x.exp(), 0.0),
];

#[test]
fn derivatives_match_closed_forms_within_their_error_estimates() {
    assert!(CASES.len() >= 20);
    let opts = DerivativeOptions::default();
    let mut failures = Vec::new();
    for &(name, f, df, x) in CASES {
        let d = derivative(f, x, &opts).unwrap();
        let exact = df(x);
        let err = (d.value - exact).abs();
        if !d.success() || err > d.error || d.error > 1e-7 * exact.abs().max(1.0) {
            failures.push(format!(
                "{name}: {} vs {exact} (err {err:e}, estimate {:e}, {:?})",
                d.value, d.error, d.status
            ));
        }
        assert_eq!(d.nfev, 2 * d.nit);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn central_difference_of_sin_at_one_is_near_machine_precision() {
    let d = derivative(f64::sin, 1.0, &DerivativeOptions::default()).unwrap();
    assert!((d.value - 1f64.cos()).abs() < 1e-13);
}

#[test]
fn a_function_nan_near_the_point_is_reported() {
    // sqrt at 0.1 with a first step of 0.5 reaches negative arguments.
    let d = derivative(f64::sqrt, 0.1, &DerivativeOptions::default()).unwrap();
    assert!(!d.success());
    let d =
        derivative(f64::sqrt, 0.1, &DerivativeOptions { initial_step: 0.01, ..Default::default() }).unwrap();
    assert!(d.success() && (d.value - 0.5 / 0.1f64.sqrt()).abs() <= d.error);
}

#[test]
fn bad_options_are_errors() {
    assert!(derivative(f64::sin, f64::NAN, &DerivativeOptions::default()).is_err());
    assert!(
        derivative(f64::sin, 1.0, &DerivativeOptions { step_factor: 1.0, ..Default::default() }).is_err()
    );
    assert!(
        derivative(f64::sin, 1.0, &DerivativeOptions { initial_step: -1.0, ..Default::default() }).is_err()
    );
}

#[test]
fn gradient_jacobian_and_hessian_match_closed_forms() {
    let o = DerivativeOptions::default();
    let rosen = |x: &[f64]| 100.0 * (x[1] - x[0] * x[0]).powi(2) + (1.0 - x[0]).powi(2);
    let x = [-1.2, 1.0];
    let g = richardson_gradient(rosen, &x, &o).unwrap();
    let exact = [-400.0 * x[0] * (x[1] - x[0] * x[0]) - 2.0 * (1.0 - x[0]), 200.0 * (x[1] - x[0] * x[0])];
    for i in 0..2 {
        assert!((g.value[i] - exact[i]).abs() <= g.error[i], "{g:?}");
    }
    assert!(g.success());
    let h = richardson_hessian(rosen, &x, &o).unwrap();
    let exact_h = [[1200.0 * x[0] * x[0] - 400.0 * x[1] + 2.0, -400.0 * x[0]], [-400.0 * x[0], 200.0]];
    for i in 0..2 {
        for j in 0..2 {
            assert!((h.value[[i, j]] - exact_h[i][j]).abs() <= h.error[[i, j]], "{h:?}");
            assert!(h.error[[i, j]] < 1e-5 * exact_h[i][j].abs().max(1.0), "{h:?}");
        }
    }
    let f = |x: &[f64]| vec![x[0] * x[1].exp(), x[0].sin() + x[1] * x[1], x[0] * x[1] * x[2]];
    let x = [0.5, -0.3, 2.0];
    let j = richardson_jacobian(f, &x, &o).unwrap();
    let e = [
        [x[1].exp(), x[0] * x[1].exp(), 0.0],
        [x[0].cos(), 2.0 * x[1], 0.0],
        [x[1] * x[2], x[0] * x[2], x[0] * x[1]],
    ];
    for r in 0..3 {
        for c in 0..3 {
            assert!((j.value[[r, c]] - e[r][c]).abs() <= j.error[[r, c]].max(1e-15), "{r},{c}: {j:?}");
        }
    }
}
