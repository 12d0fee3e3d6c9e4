//! `fastsci random`: a `.npy` file of random numbers, generated in parallel and out of core.

use std::path::PathBuf;

use fastsci_array::DType;
use fastsci_array::random::{Distribution, random_npy};
use serde_json::json;

use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Which distribution to draw from.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Normal (Gaussian): --mean (0) and --std (1).
    Normal,
    /// Uniform on [--low, --high), default [0, 1).
    Uniform,
    /// Integers uniform on [--low, --high), --high required.
    Integers,
}

/// Arguments of `fastsci random`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The distribution.
    #[arg(value_enum)]
    pub kind: Kind,
    /// Shape, comma-separated: `10000,10000`.
    #[arg(long, value_name = "R,C,...")]
    pub shape: String,
    /// Seed; the same seed gives the same file on any number of threads.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Element type: float64 (default for normal/uniform), float32, int64 (default for
    /// integers), int32, int16, int8, uint64, uint32, uint16, uint8.
    #[arg(long, value_name = "T")]
    pub dtype: Option<String>,
    /// Output .npy file.
    #[arg(long, value_name = "PATH.npy")]
    pub out: PathBuf,
    /// Lower bound of uniform and integers.
    #[arg(long, allow_hyphen_values = true, value_name = "L")]
    pub low: Option<String>,
    /// Upper bound (exclusive) of uniform and integers.
    #[arg(long, allow_hyphen_values = true, value_name = "H")]
    pub high: Option<String>,
    /// Mean of normal.
    #[arg(long, allow_hyphen_values = true, value_name = "M")]
    pub mean: Option<String>,
    /// Standard deviation of normal.
    #[arg(long, value_name = "S")]
    pub std: Option<String>,
}

/// Parses a shape `R,C,...` of non-negative integers.
pub fn parse_shape(text: &str) -> Result<Vec<usize>, CliError> {
    let t = text.trim().trim_start_matches('(').trim_end_matches(')');
    if t.is_empty() {
        return Ok(Vec::new());
    }
    t.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.trim().parse::<usize>().map_err(|_| {
                CliError::bad_input(format!(
                    "--shape: '{p}' is not a non-negative integer (expected e.g. 1000,1000)"
                ))
            })
        })
        .collect()
}

fn number(name: &str, v: &Option<String>, default: f64) -> Result<f64, CliError> {
    match v {
        None => Ok(default),
        Some(t) => crate::args::number(t, &format!("--{name}")),
    }
}

fn integer(name: &str, v: &Option<String>) -> Result<Option<i64>, CliError> {
    match v {
        None => Ok(None),
        Some(t) => t
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| CliError::bad_input(format!("--{name}: '{t}' is not an integer"))),
    }
}

/// Runs `fastsci random`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let shape = parse_shape(&args.shape)?;
    let dist = match args.kind {
        Kind::Normal => Distribution::Normal {
            mean: number("mean", &args.mean, 0.0)?,
            std: number("std", &args.std, 1.0)?,
        },
        Kind::Uniform => Distribution::Uniform {
            low: number("low", &args.low, 0.0)?,
            high: number("high", &args.high, 1.0)?,
        },
        Kind::Integers => Distribution::Integers {
            low: integer("low", &args.low)?.unwrap_or(0),
            high: integer("high", &args.high)?
                .ok_or_else(|| CliError::bad_input("integers needs --high (exclusive upper bound)"))?,
        },
    };
    let dtype = match &args.dtype {
        Some(t) => {
            DType::from_name(t).ok_or_else(|| CliError::bad_input(format!("--dtype: unknown dtype '{t}'")))?
        }
        None if args.kind == Kind::Integers => DType::I64,
        None => DType::F64,
    };
    let start = std::time::Instant::now();
    random_npy(&args.out, &dist, args.seed, &shape, dtype).map_err(CliError::from)?;
    let seconds = start.elapsed().as_secs_f64();
    let n: usize = shape.iter().product();
    if json {
        print_json(&json!({
            "out": args.out.display().to_string(), "shape": shape, "dtype": dtype.name(),
            "distribution": format!("{:?}", args.kind).to_lowercase(), "seed": args.seed,
            "count": n, "seconds": json_f64(seconds),
        }));
    } else {
        println!(
            "wrote {} ({:?} {}, {} {} values, seed {}) in {}",
            args.out.display(),
            shape,
            dtype,
            n,
            format!("{:?}", args.kind).to_lowercase(),
            args.seed,
            crate::tour::format_seconds(seconds)
        );
    }
    Ok(Outcome::Done)
}
