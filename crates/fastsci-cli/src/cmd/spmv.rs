//! `fastsci spmv`: multiply a Matrix Market matrix by a `.npy` vector.

use std::path::PathBuf;

use serde_json::json;

use super::sparse::io;
use crate::error::{CliError, CliResult, Outcome};
use crate::output::print_json;

/// Arguments of `fastsci spmv`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The matrix A (.mtx).
    matrix: PathBuf,
    /// The vector x (1-D float64 .npy).
    vector: PathBuf,
    /// Where to write y = A x (.npy).
    #[arg(long)]
    out: PathBuf,
    /// Multiply by the transpose instead: y = A^T x.
    #[arg(long)]
    transpose: bool,
}

/// Runs `fastsci spmv`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let x = io::read_vector(&args.vector)?;
    // The vector's length is checked against the declared shape before CSR is built.
    let a = io::read_matrix(&args.matrix, |coo| {
        let want = if args.transpose { coo.nrows() } else { coo.ncols() };
        io::check_len("x", &args.vector, x.len(), want)
    })?;
    let start = std::time::Instant::now();
    let y = if args.transpose { a.mul_vec_transpose(&x) } else { a.mul_vec(&x) }.map_err(CliError::from)?;
    let seconds = start.elapsed().as_secs_f64();
    let len = y.len();
    io::write_vector(&args.out, y)?;
    if json {
        print_json(&json!({
            "rows": a.nrows(), "cols": a.ncols(), "nnz": a.nnz(), "transpose": args.transpose,
            "out": args.out.display().to_string(), "len": len, "seconds": seconds,
        }));
    } else {
        println!(
            "wrote {} values to {} ({} x {} matrix, {} nnz, {})",
            len,
            args.out.display(),
            a.nrows(),
            a.ncols(),
            a.nnz(),
            crate::tour::format_seconds(seconds)
        );
    }
    Ok(Outcome::Done)
}
