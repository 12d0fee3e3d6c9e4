//! Algebraic multigrid on the 2-D Poisson problem at growing sizes: AMG-CG to `rtol = 1e-8`,
//! setup and solve timed, iterations counted, and the exponent `p` of `time ~ n^p` fitted by
//! least squares over the sizes. Multigrid's promise is `p ≈ 1` at a constant iteration count.
//!
//! `cargo run --release -p fastsci-sparse --example amg_scaling [SIDE ...]` (default 250 500
//! 1000 2000: 62,500 to 4 million unknowns).

use std::time::Instant;

use fastsci_sparse::amg::{Accel, AmgOptions, AmgSolveOptions, Hierarchy};
use fastsci_sparse::gallery::poisson_2d;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sides: Vec<usize> =
        match std::env::args().skip(1).map(|a| a.parse()).collect::<Result<Vec<_>, _>>()? {
            sides if sides.is_empty() => vec![250, 500, 1000, 2000],
            sides => sides,
        };
    println!("threads {}", rayon::current_num_threads());
    println!(
        "{:>6} {:>10} {:>6} {:>10} {:>10} {:>10} {:>6} {:>8} {:>10}",
        "side", "unknowns", "levels", "setup s", "solve s", "total s", "iters", "factor", "op. cplx"
    );
    let mut points = Vec::new();
    for side in sides {
        let a = poisson_2d(side)?;
        let b: Vec<f64> = (0..a.nrows()).map(|i| (i as f64).cos()).collect();
        let start = Instant::now();
        let amg = Hierarchy::new(&a, &AmgOptions::default())?;
        let setup = start.elapsed().as_secs_f64();
        let opts = AmgSolveOptions { rtol: 1e-8, accel: Accel::Cg, ..AmgSolveOptions::default() };
        let result = amg.solve_with(&b, &opts)?;
        assert!(result.success(), "AMG-CG did not converge at side {side}");
        let ax = a.mul_vec(&result.x)?;
        let rel = (ax.iter().zip(&b).map(|(p, q)| (q - p) * (q - p)).sum::<f64>()
            / b.iter().map(|q| q * q).sum::<f64>())
        .sqrt();
        assert!(rel <= 1e-8, "relative residual {rel}");
        let total = setup + result.solve_seconds;
        let report = amg.report();
        println!(
            "{side:>6} {:>10} {:>6} {setup:>10.3} {:>10.3} {total:>10.3} {:>6} {:>8.3} {:>10.3}",
            a.nrows(),
            report.levels.len(),
            result.solve_seconds,
            result.iterations,
            result.convergence_factor,
            report.operator_complexity
        );
        points.push(((a.nrows() as f64).ln(), total.ln()));
    }
    if points.len() >= 2 {
        let m = points.len() as f64;
        let (sx, sy) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let (mx, my) = (sx / m, sy / m);
        let slope = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum::<f64>()
            / points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum::<f64>();
        println!("time ~ n^{slope:.2} (least squares over the sizes)");
    }
    Ok(())
}
