//! `fastsci stats`: summary statistics of a `.npy` file of any size, memory-mapped.

use std::path::PathBuf;

use fastsci_array::NpyMmap;
use fastsci_array::reduce::{Summary, describe, describe_axis};
use serde_json::{Value, json};

use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Arguments of `fastsci stats`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The .npy file (any size: it is memory-mapped and read chunk by chunk).
    pub file: PathBuf,
    /// Reduce along this axis of a 2-D array (0: per column, 1: per row); each statistic
    /// becomes a list.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub axis: Option<i64>,
    /// Delta degrees of freedom of var and std (NumPy's ddof).
    #[arg(long, default_value_t = 0.0, value_name = "D")]
    pub ddof: f64,
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, json_f64)
}

fn fields(s: &Summary, ddof: f64) -> [(&'static str, Value); 7] {
    [
        ("count", json!(s.len())),
        ("sum", json_f64(s.sum())),
        ("mean", json_f64(s.mean())),
        ("std", json_f64(s.std(ddof))),
        ("var", json_f64(s.var(ddof))),
        ("min", opt(s.min())),
        ("max", opt(s.max())),
    ]
}

fn text(v: &Value) -> String {
    match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if n.is_u64() { n.to_string() } else { format!("{x:.10e}").replace("e0", "") }
        }
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

/// Runs `fastsci stats`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let map = NpyMmap::open(&args.file).map_err(CliError::from).map_err(|e| CliError {
        message: format!(
            "{}: {}",
            args.file.display(),
            e.message.trim_start_matches(&format!("{}: ", args.file.display()))
        ),
        ..e
    })?;
    let h = map.header().clone();
    if !h.dtype.is_real() {
        return Err(CliError::bad_input(format!(
            "{}: {} arrays are not supported by stats",
            args.file.display(),
            h.dtype
        )));
    }
    if args.ddof.is_nan() || args.ddof < 0.0 {
        return Err(CliError::bad_input(format!("--ddof must be >= 0, got {}", args.ddof)));
    }
    let mut out = serde_json::Map::new();
    out.insert("file".into(), json!(args.file.display().to_string()));
    out.insert("shape".into(), json!(h.shape));
    out.insert("dtype".into(), json!(h.dtype.name()));
    match args.axis {
        None => {
            let s = describe(&map.raw());
            for (k, v) in fields(&s, args.ddof) {
                out.insert(k.into(), v);
            }
            out.insert("nan_count".into(), json!(s.nan_count()));
        }
        Some(axis) => {
            let nd = h.shape.len() as i64;
            let ax = if axis < 0 { axis + nd.max(1) } else { axis };
            let sums = match h.shape.len() {
                2 if (0..2).contains(&ax) => {
                    describe_axis(&map.raw(), [h.shape[0], h.shape[1]], h.fortran_order, ax as usize)
                        .map_err(CliError::from)?
                }
                1 if ax == 0 => vec![describe(&map.raw())],
                _ => {
                    return Err(CliError::bad_input(format!(
                        "--axis {axis} is not valid for shape {:?}: use 0 or 1 with a 2-D array (0 with 1-D)",
                        h.shape
                    )));
                }
            };
            out.insert("axis".into(), json!(ax));
            let names = ["count", "sum", "mean", "std", "var", "min", "max"];
            let per: Vec<[(&str, Value); 7]> = sums.iter().map(|s| fields(s, args.ddof)).collect();
            for (k, name) in names.iter().enumerate() {
                out.insert((*name).into(), Value::Array(per.iter().map(|f| f[k].1.clone()).collect()));
            }
            out.insert("nan_count".into(), json!(sums.iter().map(Summary::nan_count).collect::<Vec<_>>()));
        }
    }
    out.insert("ddof".into(), json_f64(args.ddof));
    if json {
        print_json(&Value::Object(out));
        return Ok(Outcome::Done);
    }
    println!("{}: shape {:?}, {}", args.file.display(), h.shape, h.dtype);
    for key in ["count", "nan_count", "sum", "mean", "std", "var", "min", "max"] {
        let v = &out[key];
        let shown = match v {
            Value::Array(items) if items.len() > 8 => {
                let head: Vec<String> = items[..4].iter().map(text).collect();
                let tail: Vec<String> = items[items.len() - 2..].iter().map(text).collect();
                format!("[{}, ..., {}] ({} values)", head.join(", "), tail.join(", "), items.len())
            }
            Value::Array(items) => format!("[{}]", items.iter().map(text).collect::<Vec<_>>().join(", ")),
            other => text(other),
        };
        println!("  {key:<10} {shown}");
    }
    Ok(Outcome::Done)
}
