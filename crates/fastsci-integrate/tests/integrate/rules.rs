//! Fixed and sampled rules, vector integrands and nested integrals.

use fastsci_integrate::{
    GaussLegendre, Limit, Norm, QuadOptions, QuadStatus, QuadVecOptions, Spacing, Weight,
    cumulative_trapezoid, dblquad, fixed_quad, nquad, quad, quad_vec, romb, simpson, tplquad, trapezoid,
};

use crate::fixture;

fn ulps(a: f64, b: f64) -> u64 {
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
}

#[test]
fn gauss_legendre_1000_nodes_are_within_one_ulp_of_40_digit_values() {
    let data = fixture("gauss_legendre_1000.json");
    let nodes: Vec<f64> =
        data["positive_nodes_descending"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let weights: Vec<f64> = data["weights"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let rule = GaussLegendre::new(1000).unwrap();
    let mut worst_node = 0;
    let mut worst_weight = 0.0f64;
    for (k, (&x, &w)) in nodes.iter().zip(&weights).enumerate() {
        let i = 999 - k;
        worst_node = worst_node.max(ulps(rule.nodes[i], x));
        assert_eq!(rule.nodes[k], -rule.nodes[i]);
        worst_weight = worst_weight.max(((rule.weights[i] - w) / w).abs());
    }
    assert!(worst_node <= 1, "worst node error {worst_node} ulp");
    assert!(worst_weight < 1e-13, "worst relative weight error {worst_weight:e}");
}

#[test]
fn gauss_legendre_rules_are_exact_to_degree_2n_minus_1() {
    for n in [1, 2, 3, 7, 20, 64, 101] {
        let rule = GaussLegendre::new(n).unwrap();
        let deg = 2 * n - 1;
        let v = rule.integrate(|x| x.powi(deg as i32 - 1) * (deg as f64), 0.0, 1.0);
        assert!((v - 1.0).abs() < 1e-13, "n={n}: {v}");
        assert!((rule.weights.iter().sum::<f64>() - 2.0).abs() < 1e-13);
    }
    assert!(GaussLegendre::new(0).is_err());
    assert!((fixed_quad(f64::cos, 0.0, 1.0, 12).unwrap() - 1f64.sin()).abs() < 1e-15);
}

#[test]
fn sampled_rules_match_scipy_semantics() {
    let x: Vec<f64> = (0..=10).map(|i| (i as f64 / 10.0).powi(2)).collect();
    let y: Vec<f64> = x.iter().map(|x| 3.0 * x * x + 1.0).collect();
    // Simpson on uneven spacing is exact for quadratics, with odd and even sample counts.
    assert!((simpson(&y, Spacing::Points(&x)).unwrap() - 2.0).abs() < 1e-14);
    assert!((simpson(&y[..10], Spacing::Points(&x[..10])).unwrap() - (x[9].powi(3) + x[9])).abs() < 1e-14);
    assert!((simpson(&[1.0, 2.0, 3.0, 4.0], Spacing::Uniform(1.0)).unwrap() - 7.5).abs() < 1e-15);
    // trapezoid of a line is exact.
    let t = trapezoid(&[0.0, 1.0, 2.0, 3.0], Spacing::Uniform(0.5)).unwrap();
    assert!((t - 2.25).abs() < 1e-15);
    let c = cumulative_trapezoid(&[0.0, 1.0, 2.0, 3.0], Spacing::Uniform(0.5), None).unwrap();
    assert_eq!(c, vec![0.25, 1.0, 2.25]);
    assert!(trapezoid(&[1.0, 2.0], Spacing::Points(&[0.0])).is_err());
    let y: Vec<f64> = (0..=32).map(|i| (i as f64 / 32.0 * std::f64::consts::PI).sin()).collect();
    // Romberg's error with 33 samples of sin is about h^12 ≈ 1e-12.
    assert!((romb(&y, std::f64::consts::PI / 32.0).unwrap() - 2.0).abs() < 1e-11);
    assert!(romb(&y[..5], 1.0).is_ok());
    assert!(romb(&y[..6], 1.0).is_err());
}

#[test]
fn quad_vec_integrates_all_components_on_one_subdivision() {
    let f = |x: f64, out: &mut [f64]| {
        for (k, o) in out.iter_mut().enumerate() {
            *o = (k as f64 * x).cos() * (-x * x).exp();
        }
    };
    for parallel in [false, true] {
        let o = QuadVecOptions { parallel, epsrel: 1e-10, ..Default::default() };
        let r = quad_vec(f, 6, f64::NEG_INFINITY, f64::INFINITY, &o).unwrap();
        assert_eq!(r.status, QuadStatus::Success);
        for (k, v) in r.value.iter().enumerate() {
            let exact = std::f64::consts::PI.sqrt() * (-((k * k) as f64) / 4.0).exp();
            assert!((v - exact).abs() < 1e-9, "k={k}: {v} vs {exact}");
        }
    }
    let o = QuadVecOptions { norm: Norm::L2, ..Default::default() };
    let r = quad_vec(|x: f64, out: &mut [f64]| out[0] = x.sqrt(), 1, 1.0, 0.0, &o).unwrap();
    assert!((r.value[0] + 2.0 / 3.0).abs() < 1e-8 && r.abserr >= (r.value[0] + 2.0 / 3.0).abs());
    let r = quad_vec(|x: f64, out: &mut [f64]| out[0] = x.sqrt(), 1, -1.0, 1.0, &QuadVecOptions::default())
        .unwrap();
    assert_eq!(r.status, QuadStatus::NonFinite);
}

#[test]
fn nested_integrals_match_closed_forms() {
    let o = QuadOptions::default();
    // ∫_0^1 ∫_0^{1-x} ∫_0^{1-x-y} x y z dz dy dx = 1/720
    let r = tplquad(|z, y, x| x * y * z, 0.0, 1.0, |_| 0.0, |x| 1.0 - x, |_, _| 0.0, |x, y| 1.0 - x - y, &o)
        .unwrap();
    assert!((r.value - 1.0 / 720.0).abs() < 1e-12, "{r:?}");
    // Gaussian over the plane.
    let r = dblquad(
        |y, x| (-(x * x + y * y)).exp(),
        f64::NEG_INFINITY,
        f64::INFINITY,
        |_| f64::NEG_INFINITY,
        |_| f64::INFINITY,
        &o,
    )
    .unwrap();
    assert!(
        (r.value - std::f64::consts::PI).abs() < 1e-7 && r.abserr >= (r.value - std::f64::consts::PI).abs()
    );
    // A 4-D box: ∏ ∫_0^1 (1 + x_i) dx_i = 1.5^4.
    let ranges: Vec<Limit> = (0..4).map(|_| Limit::Fixed(0.0, 1.0)).collect();
    let r = nquad(|v: &[f64]| v.iter().map(|x| 1.0 + x).product(), &ranges, &o).unwrap();
    assert!((r.value - 1.5f64.powi(4)).abs() < 1e-12);
    assert_eq!(r.neval, 21usize.pow(4));
    assert!(nquad(|_: &[f64]| 1.0, &[], &o).is_err());
}

#[test]
fn invalid_requests_are_errors_not_panics() {
    let o = QuadOptions::default();
    assert!(quad(f64::exp, f64::NAN, 1.0, &o).is_err());
    assert!(quad(f64::exp, 0.0, 1.0, &o.clone().epsabs(0.0).epsrel(0.0)).is_err());
    assert!(quad(f64::exp, 0.0, 1.0, &o.clone().limit(0)).is_err());
    assert!(quad(f64::exp, 0.0, 1.0, &o.clone().epsabs(-1.0)).is_err());
    assert!(quad(f64::exp, 0.0, f64::INFINITY, &o.clone().weight(Weight::Cauchy(1.0))).is_err());
    assert!(quad(f64::exp, 0.0, 1.0, &o.clone().weight(Weight::Cauchy(0.0))).is_err());
    assert!(quad(f64::exp, 0.0, 1.0, &o.clone().weight(Weight::Alg(-1.0, 0.0))).is_err());
    assert!(quad(f64::exp, 1.0, 0.0, &o.clone().weight(Weight::Alg(0.5, 0.0))).is_err());
    assert!(quad(f64::exp, 0.0, 1.0, &o.clone().weight(Weight::Cos(1.0)).points(vec![0.5])).is_err());
    let r = quad(f64::exp, 2.0, 2.0, &o).unwrap();
    assert_eq!((r.value, r.neval), (0.0, 0));
}

#[test]
fn fourier_weights_on_left_and_full_infinite_ranges() {
    let o = QuadOptions::default().weight(Weight::Cos(2.0));
    // ∫_{-∞}^{∞} cos(2x)/(1+x²) dx = π e^{-2}
    let r = quad(|x: f64| 1.0 / (1.0 + x * x), f64::NEG_INFINITY, f64::INFINITY, &o).unwrap();
    let exact = std::f64::consts::PI * (-2f64).exp();
    assert!((r.value - exact).abs() < 1e-7, "{r:?}");
    // ∫_{-∞}^{0} e^{x} sin(2x) dx = -2/5
    let o = QuadOptions::default().weight(Weight::Sin(2.0));
    let r = quad(f64::exp, f64::NEG_INFINITY, 0.0, &o).unwrap();
    assert!((r.value + 0.4).abs() < 1e-8, "{r:?}");
    // A long finite range needs many QAWO levels.
    let o = QuadOptions::default().weight(Weight::Cos(1000.0)).limit(200);
    let r = quad(|x: f64| (-x).exp(), 0.0, 3.0, &o).unwrap();
    let w: f64 = 1000.0;
    let exact = (1.0 + (-3f64).exp() * (w * (3.0 * w).sin() - (3.0 * w).cos())) / (1.0 + w * w);
    assert!((r.value - exact).abs() < 1e-10 && r.success(), "{r:?} vs {exact}");
}

#[test]
fn a_huge_limit_costs_nothing_until_used() {
    let o = QuadOptions::default().limit(usize::MAX / 16);
    let r = quad(|x: f64| x.sqrt(), 0.0, 1.0, &o).unwrap();
    assert!(r.success() && (r.value - 2.0 / 3.0).abs() < 1e-12);
    // Many subintervals: the lists grow past their first allocation.
    // |sin(300 x)| has ~950 kinks on [0, 10].
    let o = QuadOptions::default().limit(3000).epsrel(1e-10);
    let r = quad(|x: f64| (300.0 * x).sin().abs(), 0.0, 10.0, &o).unwrap();
    // (1/300) ∫_0^3000 |sin u| du = (2k + 1 - cos r) / 300 with k = floor(3000/π), r = 3000 - kπ.
    let k = (3000.0 / std::f64::consts::PI).floor();
    let exact = (2.0 * k + 1.0 - (3000.0 - k * std::f64::consts::PI).cos()) / 300.0;
    assert!(r.intervals > 256, "{r:?}");
    assert!((r.value - exact).abs() <= r.abserr.max(1e-9), "{r:?} vs {exact}");
}
