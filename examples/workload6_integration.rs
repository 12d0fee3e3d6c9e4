//! Reference workload 6, integration and differentiation: the integral of
//! `exp(-x²) log(1 + x²)` over [0, 5] with its error estimate, a few of the harder cases, and
//! `d/dx sin` at 1 against `cos(1)`.
//!
//! `cargo run --release -p fastsci --example workload6_integration`

use fastsci::integrate::{DerivativeOptions, QuadOptions, Weight, derivative, quad};
use fastsci::workloads::integration::{MPMATH_VALUE, integral};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = QuadOptions::default();
    let r = integral(&o)?;
    println!("∫_0^5 exp(-x²) log(1+x²) dx = {} ± {:.1e} ({} evaluations)", r.value, r.abserr, r.neval);
    assert!(r.success() && (r.value - MPMATH_VALUE).abs() < 1e-12 && r.neval == 63);

    let r = quad(|x: f64| 1.0 / x.abs().sqrt(), -1.0, 1.0, &o)?;
    println!("∫_-1^1 1/sqrt|x| dx = {} ± {:.1e} (SciPy: inf)", r.value, r.abserr);
    assert!((r.value - 4.0).abs() < 1e-10);

    let r = quad(|x: f64| 1.0 / (1.0 + x * x), 0.0, f64::INFINITY, &o.clone().weight(Weight::Cos(1.0)))?;
    println!("∫_0^∞ cos(x)/(1+x²) dx = {} ± {:.1e}", r.value, r.abserr);
    assert!((r.value - std::f64::consts::FRAC_PI_2 / 1f64.exp()).abs() < 1e-8);

    let d = derivative(f64::sin, 1.0, &DerivativeOptions::default())?;
    println!("d/dx sin at 1 = {} ± {:.1e} (cos 1 = {})", d.value, d.error, 1f64.cos());
    assert!((d.value - 1f64.cos()).abs() <= d.error);
    Ok(())
}
