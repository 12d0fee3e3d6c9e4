//! `fastsci minimize`: minimize a formula with SciPy's methods.

pub(crate) mod formula;

use fastsci_optimize::{Constraint, FiniteDiff, Method, MinimizeOptions, OptimizeResult, Problem};
use serde_json::json;

use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Arguments of `fastsci minimize`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The objective: a Python expression in x[0], x[1], ... (e.g. "100*(x[1]-x[0]**2)**2 + (1-x[0])**2"),
    /// or FILE.py:FUNC, a kernel taking one array (its exact gradient by automatic
    /// differentiation, or finite differences where the kernel is not differentiable).
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// The starting point, comma-separated (`--x0 -1.2,1` or `--x0=-1.2,1`).
    #[arg(long, value_name = "V1,V2,...", allow_hyphen_values = true)]
    pub x0: String,
    /// Method, SciPy's names, any case: nelder-mead, powell, cg, bfgs, l-bfgs-b, newton-cg,
    /// trust-ncg, slsqp. Default: bfgs, l-bfgs-b with --bounds, slsqp with --constraint.
    #[arg(long)]
    pub method: Option<String>,
    /// Bounds per variable, LO:HI,LO:HI,... (an empty side is unbounded: `0:,:5`).
    #[arg(long, value_name = "LO:HI,...", allow_hyphen_values = true)]
    pub bounds: Option<String>,
    /// A constraint for SLSQP, repeatable: 'EXPR>=EXPR', 'EXPR<=EXPR' or 'EXPR==EXPR' in
    /// x[0], x[1], ... (e.g. --constraint 'x[0]+x[1]>=1' --constraint 'x[0]*x[1]==2').
    #[arg(long = "constraint", value_name = "EXPR>=0", allow_hyphen_values = true)]
    pub constraints: Vec<String>,
    /// Tolerance (SciPy's `tol`: the method's main stopping tolerance).
    #[arg(long, allow_hyphen_values = true)]
    pub tol: Option<String>,
    /// Maximum iterations.
    #[arg(long)]
    pub maxiter: Option<usize>,
}

/// Runs `fastsci minimize`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let x0 = crate::args::numbers(&args.x0, "--x0")?;
    if x0.is_empty() || x0.iter().any(|v| !v.is_finite()) {
        return Err(CliError::bad_input("--x0 needs finite numbers, e.g. --x0 -1.2,1"));
    }
    let n = x0.len();
    let bounds = args.bounds.as_deref().map(|b| crate::args::parse_bounds(b, n)).transpose()?;
    let method = match &args.method {
        Some(m) => m.parse::<Method>()?,
        None if !args.constraints.is_empty() => Method::Slsqp,
        None if bounds.is_some() => Method::LBfgsB,
        None => Method::Bfgs,
    };
    if bounds.is_some()
        && !matches!(method, Method::LBfgsB | Method::NelderMead | Method::Powell | Method::Slsqp)
    {
        return Err(CliError::bad_input(format!(
            "method {} does not take bounds; use L-BFGS-B, SLSQP, Nelder-Mead or Powell",
            method.name()
        )));
    }
    if !args.constraints.is_empty() && method != Method::Slsqp {
        return Err(CliError::bad_input(format!(
            "method {} does not take --constraint; use SLSQP (or leave --method out)",
            method.name()
        )));
    }
    let constraints: Vec<formula::ConstraintFormula> =
        args.constraints.iter().map(|c| formula::constraint(c, n)).collect::<Result<_, _>>()?;
    let tol = args.tol.as_deref().map(|t| crate::args::number(t, "--tol")).transpose()?;
    if tol.is_some_and(|t| t.is_nan() || t <= 0.0) {
        return Err(CliError::bad_input("--tol must be a positive number"));
    }
    let objective = formula::objective(&args.expr, n)?;
    let opts = MinimizeOptions { tol, maxiter: args.maxiter, ..MinimizeOptions::default() };
    let f = &objective.fun;
    let mut exact_gradient = false;
    let mut problem = match &objective.kernel_grad {
        // A kernel's value and exact gradient come from one run of its gradient code; a NaN
        // (a raised error) runs the kernel itself, which records the error.
        Some(fg) => {
            exact_gradient = true;
            Problem::from_value_and_gradient(move |x: &[f64], g: &mut [f64]| {
                let v = fg(x, g);
                if v.is_nan() { f(x) } else { v }
            })
        }
        None => Problem::new(|x: &[f64]| f(x)),
    };
    if let Some(grad) = &objective.grad {
        problem = problem.with_gradient(formula::gradient_fn(grad));
        exact_gradient = true;
    } else if !exact_gradient && matches!(method, Method::NewtonCg | Method::TrustNcg) {
        problem = problem.with_gradient(move |x: &[f64], g: &mut [f64]| {
            let f0 = f(x);
            let mut h = |y: &[f64]| f(y);
            fastsci_optimize::fd::finite_difference_gradient(&mut h, x, f0, FiniteDiff::TwoPoint, None, g);
        });
    }
    if let Some(b) = &bounds {
        problem = problem.with_bounds(b);
    }
    for c in &constraints {
        let fun = &c.fun.fun;
        let mut con = if c.equality {
            Constraint::eq(move |x: &[f64]| fun(x))
        } else {
            Constraint::ineq(move |x: &[f64]| fun(x))
        };
        if let Some(grad) = &c.fun.grad {
            let gradient = formula::gradient_fn(grad);
            con = con.with_jacobian(move |x: &[f64], mut row: ndarray::ArrayViewMut2<f64>| {
                gradient(x, row.as_slice_mut().expect("one contiguous row"));
            });
        }
        problem = problem.with_constraint(con);
    }
    let res = problem.minimize(&x0, method, &opts)?;
    // A kernel that raised (ZeroDivisionError, IndexError) is reported as that error with its
    // line, not as the optimizer's "NaN result encountered".
    objective.check_raised()?;
    if json {
        print_json(&result_json(&res));
    } else {
        print_human(&res, method, exact_gradient);
    }
    Ok(Outcome::from_converged(res.success()))
}

fn result_json(r: &OptimizeResult) -> serde_json::Value {
    json!({
        "x": r.x.iter().map(|v| json_f64(*v)).collect::<Vec<_>>(),
        "fun": json_f64(r.fun),
        "nfev": r.nfev,
        "njev": r.njev,
        "nit": r.nit,
        "success": r.success(),
        "status": r.code,
        "message": r.message,
    })
}

fn print_human(r: &OptimizeResult, method: Method, exact_gradient: bool) {
    let x: Vec<String> = r.x.iter().map(|v| format!("{v:.10}")).collect();
    println!("method     {}", method.name());
    println!("x          [{}]", x.join(", "));
    println!("fun        {:.12e}", r.fun);
    println!("success    {}", r.success());
    println!("status     {}", r.code);
    println!("message    {}", r.message);
    println!("nit        {}", r.nit);
    println!("nfev       {}", r.nfev);
    if r.njev > 0 {
        let how = if exact_gradient { "exact derivatives" } else { "finite differences" };
        println!("njev       {} ({how})", r.njev);
    }
}
