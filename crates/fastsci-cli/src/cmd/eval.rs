//! `fastsci eval`: an array expression over `.npy` files in one fused, multi-threaded pass.

use std::path::PathBuf;

use fastsci_array::NpyMmap;
use fastsci_array::eval::{ArrayInput, Program};
use fastsci_array::reduce::describe;
use serde_json::{Value, json};

use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Results larger than this must go to a file with --out.
const MAX_PRINTED: usize = 1_000_000;

/// Arguments of `fastsci eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The expression, in Python syntax: `a*b + c*2 - sin(a)`, `where(x > 0, x, 0)`.
    #[arg(allow_hyphen_values = true)]
    pub expr: String,
    /// An input array: NAME=PATH.npy (repeat for each name; files are memory-mapped).
    #[arg(long = "in", value_name = "NAME=PATH.npy")]
    pub inputs: Vec<String>,
    /// Write the result (float64) to this .npy file instead of printing it.
    #[arg(long, value_name = "PATH.npy")]
    pub out: Option<PathBuf>,
    /// EXPR is FILE.py:FUNC, a kernel of scalar arguments, applied elementwise to the --in
    /// arrays named as its parameters, broadcast together (Numba's `@vectorize`; on all
    /// cores for large arrays); the result keeps the kernel's dtype (float64, int64, bool).
    #[arg(long)]
    pub vectorize: bool,
}

/// `fastsci eval --vectorize FILE.py:FUNC --in x=X.npy ...`.
fn run_vectorized(args: &Args, json: bool) -> CliResult {
    use fastsci_jit::{ArrayValue, Module, Value as JitValue};
    let Some((file, func)) = args.expr.rsplit_once(':').filter(|(f, n)| !f.is_empty() && !n.is_empty())
    else {
        return Err(CliError::bad_input(format!("--vectorize: '{}': expected FILE.py:FUNC", args.expr)));
    };
    let source = crate::output::read_text(file, crate::output::MAX_SOURCE_BYTES)?;
    let bad = |e: fastsci_jit::JitError| CliError::bad_input(e.to_string());
    let module = Module::compile(&source, file).map_err(bad)?;
    let ufunc = module.vectorize(func).map_err(bad)?;
    let params: Vec<String> = module.function(func).map_err(bad)?.param_names().to_vec();
    let mut given: Vec<(&str, &str)> = Vec::new();
    for spec in &args.inputs {
        let (name, path) = spec
            .split_once('=')
            .ok_or_else(|| CliError::bad_input(format!("--in '{spec}': expected NAME=PATH.npy")))?;
        if !params.iter().any(|p| p == name.trim()) {
            return Err(CliError::bad_input(format!(
                "--in {name}: `{func}` has no parameter '{name}' (its parameters: {})",
                params.join(", ")
            )));
        }
        given.push((name.trim(), path));
    }
    let mut values = Vec::new();
    for p in &params {
        let (_, path) = given.iter().find(|(n, _)| n == p).ok_or_else(|| {
            CliError::bad_input(format!("`{func}` takes '{p}': give it with --in {p}=PATH.npy"))
        })?;
        values.push(JitValue::Array(super::run::read_array(std::path::Path::new(path))?));
    }
    let start = std::time::Instant::now();
    let result = match ufunc.call(&values).map_err(bad)? {
        JitValue::Array(a) => a,
        other => return Err(CliError::bad_input(format!("--vectorize: unexpected result {other:?}"))),
    };
    let seconds = start.elapsed().as_secs_f64();
    let shape = result.shape().to_vec();
    let dtype = result.dtype().name();
    if let Some(out) = &args.out {
        super::run::write_npy(out, &result)?;
        if json {
            print_json(&json!({
                "function": args.expr, "out": out.display().to_string(), "shape": shape, "dtype": dtype,
                "seconds": json_f64(seconds),
            }));
        } else {
            println!(
                "wrote {} (shape {shape:?}, {dtype}) in {}",
                out.display(),
                crate::tour::format_seconds(seconds)
            );
        }
        return Ok(Outcome::Done);
    }
    let n: usize = shape.iter().product();
    if n > MAX_PRINTED {
        return Err(CliError::bad_input(format!(
            "the result has {n} elements; write it to a file with --out PATH.npy (printing is limited to {MAX_PRINTED})"
        )));
    }
    let values: Vec<f64> = match &result {
        ArrayValue::F64(a) => a.iter().copied().collect(),
        ArrayValue::I64(a) => a.iter().map(|&v| v as f64).collect(),
        ArrayValue::Bool(a) => a.iter().map(|&v| f64::from(u8::from(v))).collect(),
        other => {
            return Err(CliError::bad_input(format!(
                "--vectorize: unexpected result dtype {}",
                other.dtype().name()
            )));
        }
    };
    if json {
        print_json(&json!({
            "function": args.expr, "shape": shape, "dtype": dtype,
            "values": values.iter().map(|&v| json_f64(v)).collect::<Vec<_>>(),
        }));
    } else {
        for v in &values {
            println!("{v}");
        }
    }
    Ok(Outcome::Done)
}

/// Runs `fastsci eval`.
pub fn run(args: &Args, json: bool) -> CliResult {
    if args.vectorize {
        return run_vectorized(args, json);
    }
    let expr = fastsci_array::parse::parse(&args.expr)
        .map_err(|e| CliError::bad_input(format!("expression: {e}")))?;
    let program = Program::compile(&expr).map_err(CliError::from)?;
    let mut maps = Vec::new();
    for spec in &args.inputs {
        let (name, path) = spec
            .split_once('=')
            .ok_or_else(|| CliError::bad_input(format!("--in '{spec}': expected NAME=PATH.npy")))?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(CliError::bad_input(format!("--in '{spec}': '{name}' is not a valid name")));
        }
        if maps.iter().any(|(n, _): &(String, NpyMmap)| n == name) {
            return Err(CliError::bad_input(format!("--in: '{name}' is given twice")));
        }
        let map = NpyMmap::open(path).map_err(CliError::from).map_err(|e| {
            let shown = path.to_string();
            let why = e.message.strip_prefix(&format!("{shown}: ")).unwrap_or(&e.message).to_string();
            CliError { message: format!("--in {name}={shown}: {why}"), ..e }
        })?;
        maps.push((name.to_string(), map));
    }
    for n in program.names() {
        if !maps.iter().any(|(m, _)| m == n) {
            return Err(CliError::bad_input(format!(
                "the expression uses '{n}': give it with --in {n}=PATH.npy"
            )));
        }
    }
    let mut inputs = Vec::new();
    for (n, m) in &maps {
        if program.names().contains(n) {
            let input = ArrayInput::from_mmap(m)
                .map_err(CliError::from)
                .map_err(|e| CliError { message: format!("--in {n}: {}", e.message), ..e })?;
            inputs.push((n.as_str(), input));
        }
    }
    let start = std::time::Instant::now();
    match &args.out {
        Some(out) => {
            let shape = program.eval_to_npy(&inputs, out).map_err(CliError::from)?;
            let seconds = start.elapsed().as_secs_f64();
            let written = NpyMmap::open(out).map_err(CliError::from)?;
            let s = describe(&written.raw());
            if json {
                print_json(&json!({
                    "expr": args.expr, "out": out.display().to_string(), "shape": shape, "dtype": "float64",
                    "count": s.len(), "mean": json_f64(s.mean()), "min": s.min().map_or(Value::Null, json_f64),
                    "max": s.max().map_or(Value::Null, json_f64), "nan_count": s.nan_count(), "seconds": json_f64(seconds),
                }));
            } else {
                println!(
                    "wrote {} (shape {:?}, float64) in {}; mean {}, min {}, max {}",
                    out.display(),
                    shape,
                    crate::tour::format_seconds(seconds),
                    s.mean(),
                    s.min().unwrap_or(f64::NAN),
                    s.max().unwrap_or(f64::NAN)
                );
            }
        }
        None => {
            let shape = program.output_shape(&inputs).map_err(CliError::from)?;
            let n: usize = shape.iter().product();
            if n > MAX_PRINTED {
                return Err(CliError::bad_input(format!(
                    "the result has {n} elements; write it to a file with --out PATH.npy (printing is limited to {MAX_PRINTED})"
                )));
            }
            let result = program.eval(&inputs).map_err(CliError::from)?;
            let values: Vec<f64> = result.iter().copied().collect();
            if json {
                print_json(&json!({
                    "expr": args.expr, "shape": shape, "dtype": "float64",
                    "values": values.iter().map(|&v| json_f64(v)).collect::<Vec<_>>(),
                }));
            } else if shape.len() == 2 {
                for row in values.chunks(shape[1].max(1)) {
                    println!("{}", row.iter().map(|v| format!("{v:>14.8}")).collect::<Vec<_>>().join(" "));
                }
            } else {
                for v in &values {
                    println!("{v}");
                }
            }
        }
    }
    Ok(Outcome::Done)
}
