//! Tour section: reference workload 5, tridiagonal and 2-D Laplacian SpMV and solves.
//!
//! 1. A 10,000 x 10,000 tridiagonal matrix of random values: dense (800 MB) against CSR memory,
//!    and the dense matrix-vector product against fastsci's SpMV; the results must match.
//! 2. The 5-point 2-D Laplacian on a 1000 x 1000 grid (1,000,000 rows): a serial CSR loop
//!    against fastsci's multi-threaded SpMV.
//! 3. The same operator on a 300 x 300 grid solved to 1e-8: a plain textbook CG against
//!    fastsci's CG, IC(0)-preconditioned CG, sparse Cholesky and AMG-preconditioned CG.

use std::hint::black_box;

use fastsci::workloads::sparse as workload;
use fastsci_sparse::CsrMatrix;
use fastsci_sparse::amg::{Accel, AmgOptions, AmgSolveOptions, Hierarchy};
use fastsci_sparse::krylov::IterativeOptions;
use fastsci_sparse::precond::PrecondKind;
use fastsci_sparse::solve::SolveMethod;

use super::{Report, format_seconds, timed};
use crate::error::CliError;

fn err(e: fastsci_sparse::SparseError) -> CliError {
    CliError::internal(format!("sparse tour: {e}"))
}

/// The best of `reps` timed runs of `f`.
fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps).map(|_| timed(&mut f).1).fold(f64::INFINITY, f64::min)
}

/// The naive CSR product: one thread, `usize` indices, bounds-checked.
fn serial_spmv(indptr: &[usize], indices: &[usize], data: &[f64], x: &[f64], y: &mut [f64]) {
    for i in 0..y.len() {
        let mut s = 0.0;
        for k in indptr[i]..indptr[i + 1] {
            s += data[k] * x[indices[k]];
        }
        y[i] = s;
    }
}

/// Textbook CG, one step at a time, on the naive product.
fn naive_cg(a: &CsrMatrix, b: &[f64], rtol: f64, maxiter: usize) -> (Vec<f64>, usize) {
    let (indptr, indices) = (a.indptr().to_usize(), a.indices().to_usize());
    let n = b.len();
    let dot = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    let mut x = vec![0.0; n];
    let mut r = b.to_vec();
    let mut p = r.clone();
    let mut q = vec![0.0; n];
    let mut rr = dot(&r, &r);
    let tol = rtol * rr.sqrt();
    let mut it = 0;
    while rr.sqrt() > tol && it < maxiter {
        serial_spmv(&indptr, &indices, a.data(), &p, &mut q);
        let alpha = rr / dot(&p, &q);
        x.iter_mut().zip(&p).for_each(|(x, p)| *x += alpha * p);
        r.iter_mut().zip(&q).for_each(|(r, q)| *r -= alpha * q);
        let rr_new = dot(&r, &r);
        let beta = rr_new / rr;
        rr = rr_new;
        p.iter_mut().zip(&r).for_each(|(p, r)| *p = r + beta * *p);
        it += 1;
    }
    (x, it)
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
}

fn tridiagonal(report: &mut Report) -> Result<(), CliError> {
    let (a, x) = workload::tridiagonal().map_err(err)?;
    let n = a.nrows();
    let dense = a.to_dense();
    let dense_bytes = dense.len() * 8;
    report.line(format!(
        "tridiagonal {n} x {n}: dense {:.0} MB, CSR {:.2} MB ({:.0}x smaller)",
        dense_bytes as f64 / 1e6,
        a.memory_bytes() as f64 / 1e6,
        dense_bytes as f64 / a.memory_bytes() as f64
    ));
    report.figure("tridiagonal_dense_bytes", dense_bytes);
    report.figure("tridiagonal_csr_bytes", a.memory_bytes());
    let mut y_dense = vec![0.0; n];
    let t_dense = best_of(3, || {
        for (i, yi) in y_dense.iter_mut().enumerate() {
            *yi = dense[i * n..(i + 1) * n].iter().zip(&x).map(|(a, x)| a * x).sum();
        }
        black_box(&mut y_dense);
    });
    let mut y = vec![0.0; n];
    let t_sparse = best_of(20, || {
        a.mul_vec_into(&x, &mut y).expect("shapes match");
        black_box(&mut y);
    });
    let diff = max_abs_diff(&y, &y_dense);
    if diff > 1e-12 {
        return Err(CliError::internal(format!("tridiagonal products differ by {diff:e}")));
    }
    report.compare(
        "tridiagonal_matvec",
        "tridiagonal A x",
        ("dense matvec", t_dense),
        ("fastsci SpMV", t_sparse),
    );
    report.line(format!("  results match: max |difference| = {diff:.1e}"));
    Ok(())
}

fn laplacian_spmv(report: &mut Report) -> Result<(), CliError> {
    let a = workload::laplacian_for_spmv().map_err(err)?;
    let n = a.nrows();
    let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 1000.0).collect();
    let (indptr, indices) = (a.indptr().to_usize(), a.indices().to_usize());
    let mut y_naive = vec![0.0; n];
    let t_naive = best_of(5, || {
        serial_spmv(&indptr, &indices, a.data(), &x, &mut y_naive);
        black_box(&mut y_naive);
    });
    let mut y = vec![0.0; n];
    let t_fast = best_of(20, || {
        a.mul_vec_into(&x, &mut y).expect("shapes match");
        black_box(&mut y);
    });
    let diff = max_abs_diff(&y, &y_naive);
    if diff > 1e-12 {
        return Err(CliError::internal(format!("Laplacian products differ by {diff:e}")));
    }
    let bytes = (a.memory_bytes() + 2 * n * 8) as f64;
    report.compare(
        "laplacian_spmv",
        "2-D Laplacian 1000x1000 SpMV",
        ("serial CSR loop", t_naive),
        ("fastsci SpMV", t_fast),
    );
    report.line(format!(
        "  {} rows, {} nnz, {:.1} GB/s, {} threads",
        n,
        a.nnz(),
        bytes / t_fast / 1e9,
        rayon::current_num_threads()
    ));
    report.figure("laplacian_spmv_gb_per_s", bytes / t_fast / 1e9);
    Ok(())
}

fn laplacian_solves(report: &mut Report) -> Result<(), CliError> {
    let a = workload::laplacian_for_solves().map_err(err)?;
    let n = a.nrows();
    let b = vec![1.0; n];
    let rtol = workload::SOLVE_RTOL;
    let ((x_naive, it_naive), t_naive) = timed(|| naive_cg(&a, &b, rtol, 10 * n));
    let opts = IterativeOptions::with_rtol(rtol);
    let solve = |method, precond| fastsci_sparse::solve(&a, &b, method, precond, &opts).map_err(err);
    let (cg, t_cg) = timed(|| solve(SolveMethod::Cg, PrecondKind::None));
    let cg = cg?;
    let (ic, t_ic) = timed(|| solve(SolveMethod::Cg, PrecondKind::Ic0));
    let ic = ic?;
    let (direct, t_direct) = timed(|| solve(SolveMethod::Auto, PrecondKind::None));
    let direct = direct?;
    for (what, r) in [("CG", &cg), ("IC(0)-CG", &ic), ("direct", &direct)] {
        if !r.success() {
            return Err(CliError::internal(format!("{what} did not reach 1e-8: {:e}", r.relative_residual)));
        }
    }
    report.compare("cg", "CG, 2-D Laplacian 300x300 to 1e-8", ("textbook CG", t_naive), ("fastsci cg", t_cg));
    report.line(format!(
        "  iterations: textbook {it_naive}, fastsci {}; relative residual {:.1e}",
        cg.iterations, cg.relative_residual
    ));
    report.compare(
        "cg_ic0",
        "CG with IC(0) preconditioner",
        ("textbook CG", t_naive),
        ("fastsci cg+ic0", t_ic),
    );
    report.line(format!(
        "  iterations {}, preconditioner built in {}",
        ic.iterations,
        format_seconds(ic.factor_seconds)
    ));
    report.compare(
        "direct",
        "direct solve, same matrix",
        ("textbook CG", t_naive),
        (direct.method.name(), t_direct),
    );
    report.line(format!(
        "  factor {}, solve {}, relative residual {:.1e}",
        format_seconds(direct.factor_seconds),
        format_seconds(direct.solve_seconds),
        direct.relative_residual
    ));
    let agree = max_abs_diff(&direct.x, &x_naive) / direct.x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    report.line(format!("  textbook CG and direct solutions agree to {agree:.1e} (relative)"));
    let (amg, t_amg) = timed(|| {
        let hierarchy = Hierarchy::new(&a, &AmgOptions::default())?;
        let opts = AmgSolveOptions { rtol, accel: Accel::Cg, ..AmgSolveOptions::default() };
        Ok::<_, fastsci_sparse::SparseError>((hierarchy.solve_with(&b, &opts)?, hierarchy.report().clone()))
    });
    let (amg, hierarchy) = amg.map_err(err)?;
    if !amg.success() {
        return Err(CliError::internal(format!("AMG-CG did not reach 1e-8: {:e}", amg.residual_norm)));
    }
    report.compare(
        "amg",
        "CG with algebraic multigrid (smoothed aggregation)",
        ("textbook CG", t_naive),
        ("fastsci amg-cg", t_amg),
    );
    report.line(format!(
        "  iterations {}, {} levels, operator complexity {:.2}, setup {}",
        amg.iterations,
        hierarchy.levels.len(),
        hierarchy.operator_complexity,
        format_seconds(hierarchy.setup_seconds)
    ));
    report.figure("cg_iterations", cg.iterations);
    report.figure("amg_cg_iterations", amg.iterations);
    report.figure("cg_ic0_iterations", ic.iterations);
    Ok(())
}

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let mut report = Report::new();
    tridiagonal(&mut report)?;
    laplacian_spmv(&mut report)?;
    laplacian_solves(&mut report)?;
    Ok(report)
}
