//! `fastsci solve`: solve a sparse linear system `A x = b`, iteratively or directly.

use std::path::PathBuf;

use fastsci_sparse::krylov::IterativeOptions;
use fastsci_sparse::precond::PrecondKind;
use fastsci_sparse::solve::SolveMethod;
use serde_json::json;

use super::sparse::io;
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, parse_number, print_json};

/// Arguments of `fastsci solve`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("b").required(true).args(["rhs_file", "rhs"])))]
pub struct Args {
    /// The matrix A (.mtx).
    matrix: PathBuf,
    /// The right-hand side b (1-D float64 .npy).
    #[arg(value_name = "B.npy")]
    rhs_file: Option<PathBuf>,
    /// A built-in right-hand side instead of a file: `ones`.
    #[arg(long, value_parser = ["ones"])]
    rhs: Option<String>,
    /// auto (Cholesky for SPD, LU otherwise), cg, bicgstab, gmres, minres, lu or cholesky.
    #[arg(long, default_value = "auto")]
    method: String,
    /// Preconditioner of the iterative methods: none, jacobi, ilu0, ic0 or ssor.
    #[arg(long, default_value = "none")]
    precond: String,
    /// Relative tolerance on ||b - A x|| / ||b||.
    #[arg(long, default_value = "1e-8", value_parser = parse_number, allow_hyphen_values = true)]
    rtol: f64,
    /// Absolute tolerance on ||b - A x||.
    #[arg(long, default_value = "0", value_parser = parse_number, allow_hyphen_values = true)]
    atol: f64,
    /// Iteration limit (GMRES: restart cycles), SciPy's default when absent.
    #[arg(long)]
    maxiter: Option<usize>,
    /// GMRES restart length.
    #[arg(long, default_value_t = 20)]
    restart: usize,
    /// Where to write x (.npy).
    #[arg(long)]
    out: PathBuf,
}

/// Runs `fastsci solve`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let method: SolveMethod = args.method.parse().map_err(io::sparse_error)?;
    let precond: PrecondKind = args.precond.parse().map_err(io::sparse_error)?;
    if !(args.rtol >= 0.0 && args.atol >= 0.0) {
        return Err(CliError::bad_input("--rtol and --atol must be non-negative numbers"));
    }
    if args.restart == 0 {
        return Err(CliError::bad_input("--restart must be at least 1"));
    }
    let b_file = match &args.rhs_file {
        Some(path) => {
            let b = io::read_vector(path)?;
            if let Some(k) = b.iter().position(|v| !v.is_finite()) {
                return Err(CliError::bad_input(format!(
                    "{}: the right-hand side holds {} at index {k}; a solution needs finite values",
                    path.display(),
                    b[k]
                )));
            }
            Some(b)
        }
        None => None,
    };
    // Everything that can be refused from the triplets is, before CSR takes memory per row.
    let a = io::read_matrix(&args.matrix, |coo| {
        let shown = args.matrix.display();
        if coo.nrows() != coo.ncols() {
            return Err(CliError::bad_input(format!(
                "{shown}: solve needs a square matrix, got {} x {}",
                coo.nrows(),
                coo.ncols()
            )));
        }
        if let Some(k) = coo.values().iter().position(|v| !v.is_finite()) {
            return Err(CliError::bad_input(format!(
                "{shown}: the matrix holds {} at entry ({}, {}); a solution needs finite values",
                coo.values()[k],
                coo.rows()[k] + 1,
                coo.cols()[k] + 1
            )));
        }
        if let (Some(b), Some(path)) = (&b_file, &args.rhs_file) {
            io::check_len("b", path, b.len(), coo.nrows())?;
        }
        if coo.nnz() < coo.nrows() {
            return Err(CliError::bad_input(format!(
                "{shown}: the matrix is singular: {} rows but only {} stored entries, so some row is empty",
                coo.nrows(),
                coo.nnz()
            )));
        }
        Ok(())
    })?;
    let b = b_file.unwrap_or_else(|| vec![1.0; a.nrows()]);
    let opts = IterativeOptions {
        rtol: args.rtol,
        atol: args.atol,
        maxiter: args.maxiter,
        restart: args.restart,
        x0: None,
    };
    let rep = fastsci_sparse::solve(&a, &b, method, precond, &opts).map_err(io::sparse_error)?;
    let outcome = Outcome::from_converged(rep.success());
    let report = json!({
        "method": rep.method.name(),
        "precond": rep.precond.name(),
        "iterations": rep.iterations,
        "residual_norm": json_f64(rep.residual_norm),
        "relative_residual": json_f64(rep.relative_residual),
        "converged": rep.success(),
        "factor_seconds": rep.factor_seconds,
        "solve_seconds": rep.solve_seconds,
    });
    io::write_vector(&args.out, rep.x)?;
    if json {
        print_json(&report);
    } else {
        println!("method             {} (preconditioner {})", rep.method.name(), rep.precond.name());
        println!("iterations         {}", rep.iterations);
        println!(
            "residual norm      {:.3e} (relative {:.3e}, rtol {:.1e})",
            rep.residual_norm, rep.relative_residual, args.rtol
        );
        println!("converged          {}", matches!(outcome, Outcome::Done));
        println!(
            "time               factor {}, solve {}",
            crate::tour::format_seconds(rep.factor_seconds),
            crate::tour::format_seconds(rep.solve_seconds)
        );
        println!("solution           {} ({} values)", args.out.display(), a.nrows());
    }
    Ok(outcome)
}
