//! `fastsci diff`: the derivative of a formula in `x` at a point, with an error estimate.
//!
//! The formula is compiled by fastsci-jit and differentiated numerically by
//! fastsci-integrate's `derivative` (central differences with Richardson extrapolation, like
//! `scipy.differentiate.derivative`).

use fastsci_integrate::{DerivativeOptions, derivative};
use fastsci_jit::{Expression, VarKind};
use serde_json::json;

use crate::args::parse_number;
use crate::error::{CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Arguments of `fastsci diff`.
#[derive(clap::Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct Args {
    /// The function, a Python expression in x (`sin(x)`).
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// The point (a number, `pi`, `-e`, ...).
    #[arg(value_name = "X", allow_hyphen_values = true, value_parser = parse_number)]
    pub x: f64,
    /// Order of accuracy of the finite-difference formula (as scipy.differentiate's `order`).
    #[arg(long, default_value_t = 8)]
    pub order: usize,
}

/// Runs `fastsci diff`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let expr = Expression::compile(&args.expr, &[("x", VarKind::Scalar)])?;
    let f = expr.to_fn1();
    let options = DerivativeOptions { order: args.order, ..DerivativeOptions::default() };
    let d = derivative(f, args.x, &options)?;
    if json {
        print_json(&json!({
            "value": json_f64(d.value),
            "error": json_f64(d.error),
            "nfev": d.nfev,
            "success": d.success(),
        }));
    } else {
        println!("value    {:.17e}", d.value);
        println!("error    {:.3e}", d.error);
        println!("nfev     {}", d.nfev);
        println!("success  {}", d.success());
    }
    Ok(Outcome::from_converged(d.success()))
}
