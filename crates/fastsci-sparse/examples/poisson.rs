//! The whole flow of fastsci-sparse on the 2-D Poisson problem: build the Laplacian, write
//! and re-read it as Matrix Market, multiply, and solve it three ways; asserts the answers.
//!
//! `cargo run --release -p fastsci-sparse --example poisson [GRID]` (default 300).

use std::time::Instant;

use fastsci_sparse::krylov::IterativeOptions;
use fastsci_sparse::precond::PrecondKind;
use fastsci_sparse::solve::Method;
use fastsci_sparse::{laplacian_2d, mm};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let grid: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(300);
    let a = laplacian_2d(grid, grid)?;
    println!(
        "2-D Laplacian {grid} x {grid}: {} rows, {} nnz, {} bytes as CSR",
        a.nrows(),
        a.nnz(),
        a.memory_bytes()
    );

    // Matrix Market round trip.
    let path = std::env::temp_dir().join(format!("poisson-{}.mtx", std::process::id()));
    mm::write_path(&path, &a)?;
    let back = mm::read_path(&path)?;
    std::fs::remove_file(&path)?;
    assert_eq!(back, a);

    // SpMV: the product with the exact solution gives the right-hand side.
    let x_true: Vec<f64> = (0..a.nrows()).map(|i| (i as f64 * 0.001).sin()).collect();
    let b = a.mul_vec(&x_true)?;
    let reps = 50;
    let mut y = vec![0.0; a.nrows()];
    let start = Instant::now();
    for _ in 0..reps {
        a.mul_vec_into(&x_true, &mut y)?;
    }
    let t = start.elapsed().as_secs_f64() / reps as f64;
    let bytes = (a.memory_bytes() + 2 * a.nrows() * 8) as f64;
    println!("SpMV: {:.3} ms, {:.1} GB/s", t * 1e3, bytes / t / 1e9);

    let opts = IterativeOptions::with_rtol(1e-8);
    for (method, precond) in
        [(Method::Cg, PrecondKind::None), (Method::Cg, PrecondKind::Ic0), (Method::Auto, PrecondKind::None)]
    {
        let start = Instant::now();
        let rep = fastsci_sparse::solve(&a, &b, method, precond, &opts)?;
        let t = start.elapsed().as_secs_f64();
        let err = rep.x.iter().zip(&x_true).map(|(x, t)| (x - t).abs()).fold(0.0, f64::max);
        println!(
            "{:>8} + {:<5} {:>5} iterations  {:>8.2} ms  relative residual {:.1e}  max error {err:.1e}",
            rep.method,
            rep.precond,
            rep.iterations,
            t * 1e3,
            rep.relative_residual
        );
        assert!(rep.converged && rep.relative_residual <= 1e-8);
    }
    Ok(())
}
