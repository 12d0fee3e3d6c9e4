//! Vector math against mpmath references (fixtures/vmath.csv, made by make_vmath_fixtures.py).

use fastsci_array::vmath;

fn ulp_error(got: f64, want: f64) -> f64 {
    if got == want || (got.is_nan() && want.is_nan()) {
        return 0.0;
    }
    if !got.is_finite() || !want.is_finite() {
        return f64::INFINITY;
    }
    let ulp = if want == 0.0 {
        f64::from_bits(1)
    } else {
        let next = f64::from_bits(want.abs().to_bits() + 1);
        next - want.abs()
    };
    (got - want).abs() / ulp
}

fn cases() -> Vec<(String, f64, f64, f64)> {
    let text = include_str!("../fixtures/vmath.csv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn every_function_is_within_two_ulp_of_mpmath_scalar_and_slice() {
    let cases = cases();
    let mut worst: std::collections::BTreeMap<String, (f64, f64, f64)> = Default::default();
    let names = ["exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "erf", "pow"];
    for name in names {
        let mine: Vec<&(String, f64, f64, f64)> = cases.iter().filter(|c| c.0 == name).collect();
        assert!(mine.len() > 100, "{name}: too few fixture cases");
        let xs: Vec<f64> = mine.iter().map(|c| c.1).collect();
        let ys: Vec<f64> = mine.iter().map(|c| c.2).collect();
        let mut out = vec![0.0; xs.len()];
        match name {
            "exp" => vmath::exp_slice(&xs, &mut out),
            "log" => vmath::log_slice(&xs, &mut out),
            "sin" => vmath::sin_slice(&xs, &mut out),
            "cos" => vmath::cos_slice(&xs, &mut out),
            "tan" => vmath::tan_slice(&xs, &mut out),
            "tanh" => vmath::tanh_slice(&xs, &mut out),
            "sqrt" => vmath::sqrt_slice(&xs, &mut out),
            "erf" => vmath::erf_slice(&xs, &mut out),
            "pow" => vmath::pow_slice(&xs, &ys, &mut out),
            _ => unreachable!(),
        }
        for (i, c) in mine.iter().enumerate() {
            let scalar = match name {
                "exp" => vmath::exp(c.1),
                "log" => vmath::log(c.1),
                "sin" => vmath::sin(c.1),
                "cos" => vmath::cos(c.1),
                "tan" => vmath::tan(c.1),
                "tanh" => vmath::tanh(c.1),
                "sqrt" => vmath::sqrt(c.1),
                "erf" => vmath::erf(c.1),
                "pow" => vmath::pow(c.1, c.2),
                _ => unreachable!(),
            };
            assert_eq!(
                scalar.to_bits(),
                out[i].to_bits(),
                "{name}({}, {}): scalar and slice differ",
                c.1,
                c.2
            );
            let e = ulp_error(out[i], c.3);
            let w = worst.entry(name.to_string()).or_insert((0.0, 0.0, 0.0));
            if e > w.0 {
                *w = (e, c.1, c.2);
            }
        }
    }
    eprintln!("worst ulp errors: {worst:?}");
    for (name, (e, x, y)) in &worst {
        assert!(*e <= 2.0, "{name}({x}, {y}): {e} ulp");
    }
}

#[test]
fn special_values_follow_ieee() {
    assert!(vmath::exp(f64::NAN).is_nan());
    assert_eq!(vmath::exp(f64::NEG_INFINITY), 0.0);
    assert_eq!(vmath::exp(f64::INFINITY), f64::INFINITY);
    assert_eq!(vmath::log(f64::INFINITY), f64::INFINITY);
    assert!(vmath::log(f64::NAN).is_nan());
    assert!(vmath::sin(f64::INFINITY).is_nan());
    let x = [f64::INFINITY, 1e300, -0.0, f64::NAN];
    let mut out = [0.0; 4];
    vmath::sin_slice(&x, &mut out);
    assert!(out[0].is_nan());
    assert_eq!(out[1], 1e300f64.sin());
    assert_eq!(out[2].to_bits(), (-0.0f64).to_bits());
    assert!(out[3].is_nan());
    assert_eq!(vmath::tanh(f64::INFINITY), 1.0);
    assert_eq!(vmath::tanh(f64::NEG_INFINITY), -1.0);
    assert!(vmath::erf(f64::NAN).is_nan());
    assert_eq!(vmath::erf(f64::NEG_INFINITY), -1.0);
    assert_eq!(vmath::pow(f64::NAN, 0.0), 1.0);
    assert!(vmath::pow(-8.0, 1.0 / 3.0).is_nan());
    assert_eq!(vmath::pow(0.0, -1.0), f64::INFINITY);
    assert_eq!(vmath::pow(10.0, 400.0), f64::INFINITY);
    assert_eq!(vmath::pow(10.0, -400.0), 0.0);
}
