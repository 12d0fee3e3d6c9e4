//! `fastsci solve`: solve a sparse linear system `A x = b`, iteratively or directly.

use std::path::PathBuf;

use fastsci_sparse::CsrMatrix;
use fastsci_sparse::amg::{Accel, AmgMethod, AmgOptions, AmgSolveOptions, Hierarchy};
use fastsci_sparse::krylov::IterativeOptions;
use fastsci_sparse::precond::PrecondKind;
use fastsci_sparse::solve::SolveMethod;
use serde_json::json;

use super::sparse::io;
use crate::args::parse_number;
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

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
    /// auto (Cholesky for SPD, LU otherwise), cg, bicgstab, gmres, minres, lu, cholesky, or
    /// amg (algebraic multigrid cycles alone).
    #[arg(long, default_value = "auto")]
    method: String,
    /// Preconditioner of the iterative methods: none, jacobi, ilu0, ic0, ssor or amg (one
    /// algebraic multigrid cycle).
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
    /// Which algebraic multigrid for `amg`: auto (smoothed aggregation for a symmetric matrix,
    /// Ruge-Stüben otherwise), sa or rs.
    #[arg(long, default_value = "auto", value_parser = ["auto", "sa", "rs"])]
    amg: String,
    /// Where to write x (.npy).
    #[arg(long)]
    out: PathBuf,
}

/// Runs `fastsci solve`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let amg = amg_accel(&args.method, &args.precond)?;
    let method: SolveMethod =
        if amg.is_some() { SolveMethod::Auto } else { args.method.parse().map_err(CliError::from)? };
    let precond: PrecondKind =
        if amg.is_some() { PrecondKind::None } else { args.precond.parse().map_err(CliError::from)? };
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
    if let Some(accel) = amg {
        return solve_amg(args, &a, &b, accel, json);
    }
    let opts = IterativeOptions {
        rtol: args.rtol,
        atol: args.atol,
        maxiter: args.maxiter,
        restart: args.restart,
        x0: None,
    };
    let rep = fastsci_sparse::solve(&a, &b, method, precond, &opts).map_err(CliError::from)?;
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

/// `--method amg` (cycles alone) or `--precond amg` under cg, gmres, bicgstab or minres;
/// `None` when multigrid is not asked for.
fn amg_accel(method: &str, precond: &str) -> Result<Option<Accel>, CliError> {
    let (method, precond) = (method.to_ascii_lowercase(), precond.to_ascii_lowercase());
    match (method.as_str(), precond.as_str()) {
        ("amg", "none") => Ok(Some(Accel::None)),
        ("amg", other) => Err(CliError::bad_input(format!(
            "--method amg runs multigrid cycles alone and takes no --precond {other}; \
             for a preconditioned Krylov method use --method cg --precond amg"
        ))),
        ("cg", "amg") => Ok(Some(Accel::Cg)),
        ("gmres", "amg") => Ok(Some(Accel::Gmres)),
        ("bicgstab", "amg") => Ok(Some(Accel::Bicgstab)),
        ("minres", "amg") => Ok(Some(Accel::Minres)),
        (other, "amg") => Err(CliError::bad_input(format!(
            "--precond amg needs an iterative method (cg, gmres, bicgstab or minres), not --method {other}"
        ))),
        _ => Ok(None),
    }
}

/// Builds the multigrid hierarchy of `a` and solves with it; the report adds the hierarchy.
fn solve_amg(args: &Args, a: &CsrMatrix, b: &[f64], accel: Accel, json: bool) -> CliResult {
    let kind = match args.amg.as_str() {
        "sa" => AmgMethod::SmoothedAggregation,
        "rs" => AmgMethod::RugeStuben,
        _ if a.is_symmetric(1e-12) => AmgMethod::SmoothedAggregation,
        _ => AmgMethod::RugeStuben,
    };
    let hierarchy =
        Hierarchy::new(a, &AmgOptions { method: kind, ..AmgOptions::default() }).map_err(CliError::from)?;
    let opts = AmgSolveOptions {
        rtol: args.rtol,
        atol: args.atol,
        maxiter: args.maxiter.unwrap_or(AmgSolveOptions::default().maxiter),
        accel,
        restart: args.restart,
        x0: None,
    };
    let result = hierarchy.solve_with(b, &opts).map_err(CliError::from)?;
    let h = hierarchy.report();
    let bnorm = b.iter().map(|v| v * v).sum::<f64>().sqrt();
    let relative = if bnorm > 0.0 { result.residual_norm / bnorm } else { result.residual_norm };
    let (method, precond) = if accel == Accel::None { ("amg", "none") } else { (accel.name(), "amg") };
    let levels: Vec<_> = h.levels.iter().map(|l| json!({"rows": l.rows, "nnz": l.nnz})).collect();
    let report = json!({
        "method": method,
        "precond": precond,
        "iterations": result.iterations,
        "residual_norm": json_f64(result.residual_norm),
        "relative_residual": json_f64(relative),
        "converged": result.success(),
        "factor_seconds": h.setup_seconds,
        "solve_seconds": result.solve_seconds,
        "convergence_factor": json_f64(result.convergence_factor),
        "hierarchy": {
            "method": h.method.name(),
            "levels": levels,
            "operator_complexity": h.operator_complexity,
            "grid_complexity": h.grid_complexity,
            "setup_seconds": h.setup_seconds,
            "complete": h.success(),
        },
    });
    let converged = result.success();
    let outcome = Outcome::from_converged(converged);
    io::write_vector(&args.out, result.x)?;
    if json {
        print_json(&report);
    } else {
        println!("method             {method} (preconditioner {precond})");
        println!(
            "iterations         {} (convergence factor {:.3})",
            result.iterations, result.convergence_factor
        );
        println!(
            "residual norm      {:.3e} (relative {relative:.3e}, rtol {:.1e})",
            result.residual_norm, args.rtol
        );
        println!("converged          {converged}");
        println!(
            "time               setup {}, solve {}",
            crate::tour::format_seconds(h.setup_seconds),
            crate::tour::format_seconds(result.solve_seconds)
        );
        println!("solution           {} ({} values)", args.out.display(), a.nrows());
        print!("{h}");
    }
    Ok(outcome)
}
