//! `fastsci root`: a root of a formula in x, by SciPy's scalar root finders.

use fastsci_jit::{Expression, VarKind};
use fastsci_optimize::{RootMethod, RootOptions, RootProblem, root_scalar};
use serde_json::json;

use crate::args::numbers;
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Arguments of `fastsci root`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The function: a Python expression in x, e.g. "cos(x) - x".
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// A bracket A,B with a sign change (brentq, ridder, bisect).
    #[arg(long, value_name = "A,B", allow_hyphen_values = true)]
    pub bracket: Option<String>,
    /// A starting point (newton, secant, halley).
    #[arg(long, allow_hyphen_values = true)]
    pub x0: Option<String>,
    /// brentq (default with a bracket), ridder, bisect, newton (default with --x0), secant,
    /// halley. Derivatives come from exact differentiation of the formula.
    #[arg(long)]
    pub method: Option<String>,
    /// Absolute tolerance on the root.
    #[arg(long, allow_hyphen_values = true)]
    pub xtol: Option<String>,
}

fn method_of(name: &str) -> Result<RootMethod, CliError> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "brentq" => RootMethod::Brentq,
        "ridder" => RootMethod::Ridder,
        "bisect" => RootMethod::Bisect,
        "newton" => RootMethod::Newton,
        "secant" => RootMethod::Secant,
        "halley" => RootMethod::Halley,
        other => {
            return Err(CliError::bad_input(format!(
                "unknown method '{other}'; expected brentq, ridder, bisect, newton, secant or halley"
            )));
        }
    })
}

/// Runs `fastsci root`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let expr = Expression::compile(&args.expr, &[("x", VarKind::Scalar)])
        .map_err(|e| CliError::from(e).context("in the function"))?;
    let method = match (&args.method, &args.bracket, &args.x0) {
        (Some(m), _, _) => method_of(m)?,
        (None, Some(_), _) => RootMethod::Brentq,
        (None, None, Some(_)) => RootMethod::Newton,
        (None, None, None) => {
            return Err(CliError::bad_input("give --bracket A,B (or --x0 X for Newton's method)"));
        }
    };
    let mut problem = RootProblem::new(expr.to_fn1());
    match method {
        RootMethod::Brentq | RootMethod::Ridder | RootMethod::Bisect => {
            let b = args
                .bracket
                .as_deref()
                .ok_or_else(|| CliError::bad_input("this method needs --bracket A,B"))?;
            let ab = numbers(b, "--bracket")?;
            if ab.len() != 2 || ab.iter().any(|v| !v.is_finite()) {
                return Err(CliError::bad_input("--bracket needs two finite numbers A,B"));
            }
            problem = problem.with_bracket(ab[0], ab[1]);
        }
        _ => {
            let x0 = args.x0.as_deref().ok_or_else(|| CliError::bad_input("this method needs --x0 X"))?;
            let x0 = crate::args::number(x0, "--x0")?;
            problem = problem.with_x0(x0);
            if matches!(method, RootMethod::Newton | RootMethod::Halley) {
                let d1 = expr.derivative("x", None)?;
                if method == RootMethod::Halley {
                    let d2 = d1.derivative("x", None)?;
                    problem = problem.with_fprime2(d2.to_fn1());
                }
                problem = problem.with_fprime(d1.to_fn1());
            }
        }
    }
    let xtol = args.xtol.as_deref().map(|t| crate::args::number(t, "--xtol")).transpose()?;
    let r = root_scalar(problem, method, &RootOptions { xtol, ..RootOptions::default() })?;
    if json {
        print_json(&json!({
            "root": json_f64(r.root),
            "iterations": r.iterations,
            "function_calls": r.function_calls,
            "converged": r.success(),
            "flag": r.status.flag(),
        }));
    } else {
        println!("root            {:.16e}", r.root);
        println!("converged       {}", r.success());
        println!("flag            {}", r.status.flag());
        println!("iterations      {}", r.iterations);
        println!("function calls  {}", r.function_calls);
    }
    Ok(Outcome::from_converged(r.success()))
}
