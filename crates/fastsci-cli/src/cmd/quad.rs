//! `fastsci quad`: integrate a formula in `x` over [A, B] with an error estimate.
//!
//! The formula is compiled to machine code by fastsci-jit and integrated by
//! fastsci-integrate's `quad` (QUADPACK, routed like `scipy.integrate.quad`).

use fastsci_integrate::{QuadOptions, QuadResult, Weight, quad};
use fastsci_jit::{Expression, VarKind};
use serde_json::json;

use crate::args::parse_number;
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// The weight functions of `--weight`, as SciPy names them.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightName {
    /// cos(ω x), --wvar ω
    Cos,
    /// sin(ω x), --wvar ω
    Sin,
    /// 1/(x - c), a Cauchy principal value, --wvar c
    Cauchy,
    /// (x-a)^α (b-x)^β, --wvar α,β
    Alg,
    /// (x-a)^α (b-x)^β log(x-a), --wvar α,β
    #[value(name = "alg-loga")]
    AlgLoga,
    /// (x-a)^α (b-x)^β log(b-x), --wvar α,β
    #[value(name = "alg-logb")]
    AlgLogb,
    /// (x-a)^α (b-x)^β log(x-a) log(b-x), --wvar α,β
    #[value(name = "alg-log")]
    AlgLog,
}

/// Arguments of `fastsci quad`.
#[derive(clap::Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct Args {
    /// The integrand, a Python expression in x (`exp(-x**2)*log(1+x**2)`).
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// Lower limit (a number, `-inf`, `pi`, ...).
    #[arg(value_name = "A", allow_hyphen_values = true, value_parser = parse_number)]
    pub a: f64,
    /// Upper limit (a number, `inf`, `pi`, ...).
    #[arg(value_name = "B", allow_hyphen_values = true, value_parser = parse_number)]
    pub b: f64,
    /// Absolute tolerance.
    #[arg(long, default_value = "1.49e-8", value_parser = parse_number, allow_hyphen_values = true)]
    pub epsabs: f64,
    /// Relative tolerance.
    #[arg(long, default_value = "1.49e-8", value_parser = parse_number, allow_hyphen_values = true)]
    pub epsrel: f64,
    /// Maximum number of subintervals.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Break points inside the range where the integrand is difficult: P1,P2,...
    #[arg(long, value_name = "P1,P2,...", allow_hyphen_values = true)]
    pub points: Option<String>,
    /// A weight function multiplying the integrand.
    #[arg(long, value_enum)]
    pub weight: Option<WeightName>,
    /// The weight's parameters: ω for cos/sin, c for cauchy, α,β for the alg weights.
    #[arg(long, value_name = "V[,V]", allow_hyphen_values = true)]
    pub wvar: Option<String>,
}

/// Builds the weight from `--weight` and `--wvar`.
fn weight(args: &Args) -> Result<Option<Weight>, CliError> {
    let Some(name) = args.weight else {
        if args.wvar.is_some() {
            return Err(CliError::bad_input("--wvar needs --weight"));
        }
        return Ok(None);
    };
    let wvar = match &args.wvar {
        Some(text) => crate::args::numbers(text, "--wvar")?,
        None => Vec::new(),
    };
    let wvar = wvar.as_slice();
    let one = |what: &str| match wvar {
        [v] => Ok(*v),
        _ => Err(CliError::bad_input(format!("--weight {what} needs one value: --wvar V"))),
    };
    let two = |what: &str| match wvar {
        [alpha, beta] => Ok((*alpha, *beta)),
        _ => Err(CliError::bad_input(format!("--weight {what} needs two values: --wvar ALPHA,BETA"))),
    };
    Ok(Some(match name {
        WeightName::Cos => Weight::Cos(one("cos")?),
        WeightName::Sin => Weight::Sin(one("sin")?),
        WeightName::Cauchy => Weight::Cauchy(one("cauchy")?),
        WeightName::Alg => {
            let (a, b) = two("alg")?;
            Weight::Alg(a, b)
        }
        WeightName::AlgLoga => {
            let (a, b) = two("alg-loga")?;
            Weight::AlgLogA(a, b)
        }
        WeightName::AlgLogb => {
            let (a, b) = two("alg-logb")?;
            Weight::AlgLogB(a, b)
        }
        WeightName::AlgLog => {
            let (a, b) = two("alg-log")?;
            Weight::AlgLog(a, b)
        }
    }))
}

/// Compiles `source` as a formula in `x` and integrates it: the library path of `fastsci quad`.
///
/// # Errors
///
/// Bad input for formulas that do not compile and for invalid limits, tolerances or weights.
pub fn integrate(source: &str, a: f64, b: f64, options: &QuadOptions) -> Result<QuadResult, CliError> {
    let expr = Expression::compile(source, &[("x", VarKind::Scalar)])?;
    let f = expr.to_fn1();
    quad(f, a, b, options).map_err(CliError::from)
}

/// Runs `fastsci quad`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let options = QuadOptions {
        epsabs: args.epsabs,
        epsrel: args.epsrel,
        limit: args.limit,
        points: match &args.points {
            Some(text) => crate::args::numbers(text, "--points")?,
            None => Vec::new(),
        },
        weight: weight(args)?,
        ..QuadOptions::default()
    };
    let r = integrate(&args.expr, args.a, args.b, &options)?;
    if json {
        print_json(&json!({
            "value": json_f64(r.value),
            "abserr": json_f64(r.abserr),
            "neval": r.neval,
            "intervals": r.intervals,
            "status": r.status.code(),
            "success": r.success(),
            "message": r.message,
        }));
    } else {
        println!("value      {:.17e}", r.value);
        println!("abserr     {:.3e}", r.abserr);
        println!("neval      {}", r.neval);
        println!("intervals  {}", r.intervals);
        println!(
            "status     {} ({})",
            r.status.code(),
            if r.success() { "converged" } else { "NOT converged" }
        );
        println!("message    {}", r.message);
    }
    Ok(Outcome::from_converged(r.success()))
}
