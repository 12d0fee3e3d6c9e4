//! Reference workload 7, optimization: the Rosenbrock function from (-1.2, 1) by Nelder-Mead,
//! then by BFGS with the analytic gradient, by BFGS with an exact gradient from dual numbers and
//! by trust-region Newton-CG with exact Hessian-vector products; prints what SciPy prints
//! (minimum, value, success, message, evaluations) and checks the answers.
//!
//! `cargo run --release -p fastsci --example workload7_optimization`

use fastsci::optimize::float::{Float, Objective};
use fastsci::optimize::{Method, MinimizeOptions, OptimizeResult, Problem};
use fastsci::workloads::optimization::{START, bfgs, nelder_mead};

struct Rosenbrock;

impl Objective for Rosenbrock {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let a = x[1] - x[0] * x[0];
        let b = T::from_f64(1.0) - x[0];
        a * a * 100.0 + b * b
    }
}

fn show(name: &str, r: &OptimizeResult) {
    println!(
        "{name:<24} x = [{:.8}, {:.8}]  fun = {:.3e}  success = {}  nfev = {}  njev = {}  nit = {}\n{:<24} {}",
        r.x[0],
        r.x[1],
        r.fun,
        r.success(),
        r.nfev,
        r.njev,
        r.nit,
        "",
        r.message
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let x0 = START;
    let opts = MinimizeOptions::default();

    let nm = nelder_mead()?;
    show("Nelder-Mead", &nm);
    assert!(nm.success() && nm.nfev == 159, "SciPy: 159 evaluations");

    let with_gradient = bfgs()?;
    show("BFGS, analytic gradient", &with_gradient);
    assert!(with_gradient.success() && with_gradient.nfev == 39, "SciPy: 39 evaluations");

    let ad = Problem::from_objective(Rosenbrock).minimize(&x0, Method::Bfgs, &opts)?;
    show("BFGS, dual numbers", &ad);
    assert!(ad.success() && (ad.x[0] - 1.0).abs() < 1e-6);

    let newton = Problem::from_objective(Rosenbrock).minimize(&x0, Method::TrustNcg, &opts)?;
    show("trust-ncg, exact Hv", &newton);
    assert!(newton.success() && (newton.x[0] - 1.0).abs() < 1e-4);
    Ok(())
}
