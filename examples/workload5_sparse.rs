//! Reference workload 5, sparse matrices: a 10,000 x 10,000 tridiagonal matrix of random
//! values, dense against CSR memory and matrix-vector product time (results must match); then
//! the 5-point 2-D Laplacian on a 1000 x 1000 grid (1,000,000 rows) for SpMV; and the same
//! operator on a 300 x 300 grid, round-tripped through Matrix Market, solved to 1e-8 by CG,
//! IC(0)-preconditioned CG and a direct solver.
//!
//! `cargo run --release -p fastsci --example workload5_sparse`

use std::time::Instant;

use fastsci::sparse::krylov::IterativeOptions;
use fastsci::sparse::mm;
use fastsci::sparse::precond::PrecondKind;
use fastsci::sparse::solve::SolveMethod;
use fastsci::workloads::sparse as workload;

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Tridiagonal, 10,000 x 10,000: the dense copy is 800 MB, the CSR matrix a fraction of 1 MB.
    let (a, x) = workload::tridiagonal()?;
    let n = a.nrows();
    let dense = a.to_dense();
    println!(
        "tridiagonal {n} x {n}: dense {:.0} MB, CSR {:.2} MB",
        (dense.len() * 8) as f64 / 1e6,
        a.memory_bytes() as f64 / 1e6
    );
    let start = Instant::now();
    let y_dense: Vec<f64> =
        dense.chunks_exact(n).map(|row| row.iter().zip(&x).map(|(a, x)| a * x).sum()).collect();
    let t_dense = start.elapsed().as_secs_f64();
    let mut y = vec![0.0; n];
    let start = Instant::now();
    a.mul_vec_into(&x, &mut y)?;
    let t_sparse = start.elapsed().as_secs_f64();
    let diff = max_abs_diff(&y, &y_dense);
    println!("A x: dense {:.1} ms, CSR {:.3} ms, max |difference| {diff:.1e}", t_dense * 1e3, t_sparse * 1e3);
    assert!(diff <= 1e-12, "dense and sparse products differ by {diff:e}");
    drop(dense);

    // SpMV on the 2-D Laplacian with a million rows.
    let a = workload::laplacian_for_spmv()?;
    let x: Vec<f64> = (0..a.nrows()).map(|i| (i as f64 * 0.001).sin()).collect();
    let mut y = vec![0.0; a.nrows()];
    let reps = 50;
    let start = Instant::now();
    for _ in 0..reps {
        a.mul_vec_into(&x, &mut y)?;
    }
    let t = start.elapsed().as_secs_f64() / f64::from(reps);
    println!(
        "2-D Laplacian 1000 x 1000: {} rows, {} nnz, {:.1} MB as CSR; SpMV {:.2} ms ({:.1} GB/s)",
        a.nrows(),
        a.nnz(),
        a.memory_bytes() as f64 / 1e6,
        t * 1e3,
        (a.memory_bytes() + 2 * a.nrows() * 8) as f64 / t / 1e9
    );

    // Solves on the 300 x 300 grid after a Matrix Market round trip; the product with a known
    // solution is the right-hand side.
    let a = workload::laplacian_for_solves()?;
    let path = std::env::temp_dir().join(format!("fastsci-workload5-{}.mtx", std::process::id()));
    mm::write_path(&path, &a)?;
    let back = mm::read_path(&path)?;
    std::fs::remove_file(&path).map_err(|e| format!("removing {}: {e}", path.display()))?;
    assert_eq!(back, a, "the Matrix Market round trip must be exact");
    let x_true: Vec<f64> = (0..a.nrows()).map(|i| (i as f64 * 0.001).sin()).collect();
    let b = a.mul_vec(&x_true)?;
    let opts = IterativeOptions::with_rtol(workload::SOLVE_RTOL);
    for (method, precond) in [
        (SolveMethod::Cg, PrecondKind::None),
        (SolveMethod::Cg, PrecondKind::Ic0),
        (SolveMethod::Auto, PrecondKind::None),
    ] {
        let start = Instant::now();
        let rep = fastsci::sparse::solve(&a, &b, method, precond, &opts)?;
        let t = start.elapsed().as_secs_f64();
        println!(
            "300 x 300 {:>8} + {:<5} {:>4} iterations {:>8.2} ms  relative residual {:.1e}  max error {:.1e}",
            rep.method.name(),
            rep.precond.name(),
            rep.iterations,
            t * 1e3,
            rep.relative_residual,
            max_abs_diff(&rep.x, &x_true)
        );
        assert!(rep.success() && rep.relative_residual <= 1e-8);
    }
    Ok(())
}
