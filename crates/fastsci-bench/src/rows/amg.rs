//! Rows for algebraic multigrid (issue 22): the 2-D Poisson problem with 1M unknowns and the
//! 3-D one on a 100³ grid, solved to `rtol = 1e-8` for `b` = ones (a uniform source), setup + solve, against
//! PyAMG's smoothed aggregation with its defaults (`bench/py/rows_amg.py`) and against SciPy's
//! plain CG on the same system. Both sides build the matrix themselves (fastsci's gallery is
//! checked equal to PyAMG's by `crates/fastsci-sparse/tests/amg.rs`); building it is not timed.
//! The fastsci side also states its hierarchy, its peak RSS, and fastsci's own sparse Cholesky
//! on the 2-D system, to show where each wins.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use anyhow::ensure;
use fastsci::sparse::CsrMatrix;
use fastsci::sparse::amg::{Accel, AmgOptions, AmgSolveOptions, Hierarchy};
use fastsci::sparse::direct::Cholesky;
use fastsci::sparse::gallery::{poisson_2d, poisson_3d};

use crate::timing::median_seconds;
use crate::{Measurement, Row, vector_answer};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "amg-poisson2d",
            what: "AMG-CG to 1e-8, 2-D Poisson 1000x1000, setup + solve",
            anchor: "pyamg smoothed_aggregation_solver",
            target: "<= 0.5x time",
            run: poisson2d_with_cholesky,
        },
        Row {
            name: "amg-poisson2d-cg",
            what: "the same system",
            anchor: "scipy cg (no preconditioner)",
            target: "where AMG wins",
            run: poisson2d,
        },
        Row {
            name: "amg-poisson3d",
            what: "AMG-CG to 1e-8, 3-D Poisson 100^3, setup + solve",
            anchor: "pyamg smoothed_aggregation_solver",
            target: "<= 0.5x time",
            run: poisson3d,
        },
        Row {
            name: "amg-poisson3d-cg",
            what: "the same system",
            anchor: "scipy cg (no preconditioner)",
            target: "where AMG wins",
            run: poisson3d,
        },
    ]
}

fn rhs(n: usize) -> Vec<f64> {
    vec![1.0; n]
}

fn relative_residual(a: &CsrMatrix, x: &[f64], b: &[f64]) -> anyhow::Result<f64> {
    let ax = a.mul_vec(x)?;
    Ok((ax.iter().zip(b).map(|(p, q)| (q - p) * (q - p)).sum::<f64>() / b.iter().map(|q| q * q).sum::<f64>())
        .sqrt())
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Setup + AMG-CG solve of `A x = b`, timed as the median of three, with the figures of the
/// first run.
fn amg_cg(a: &CsrMatrix) -> anyhow::Result<Measurement> {
    let b = rhs(a.nrows());
    let opts = AmgSolveOptions { rtol: 1e-8, accel: Accel::Cg, ..AmgSolveOptions::default() };
    let amg = Hierarchy::new(a, &AmgOptions::default())?;
    let first = amg.solve_with(&b, &opts)?;
    ensure!(first.success(), "AMG-CG did not converge: {:?}", first.status);
    let report = amg.report().clone();
    drop(amg);
    let rss = peak_rss_mb();
    let seconds = median_seconds(0, 3, || {
        let amg = Hierarchy::new(a, &AmgOptions::default()).expect("built once already");
        black_box(amg.solve_with(&b, &opts).expect("sizes match"));
    });
    let rel = relative_residual(a, &first.x, &b)?;
    let levels: Vec<usize> = report.levels.iter().map(|l| l.rows).collect();
    let note = format!(
        "{} AMG-CG iterations, {} levels {:?}, operator complexity {:.3}, setup {:.2} s + solve {:.2} s, peak RSS {:.0} MB",
        first.iterations,
        levels.len(),
        levels,
        report.operator_complexity,
        report.setup_seconds,
        first.solve_seconds,
        rss.unwrap_or(f64::NAN)
    );
    let answer = serde_json::json!({"x": vector_answer(&first.x), "relres": rel});
    Ok(Measurement::seconds(seconds)
        .with("note", note)
        .with("iterations", first.iterations)
        .with("operator_complexity", report.operator_complexity)
        .with("peak_rss_mb", rss.unwrap_or(f64::NAN))
        .answer(answer, rayon::current_num_threads()))
}

fn poisson2d(_data: &Path) -> anyhow::Result<Measurement> {
    amg_cg(&poisson_2d(1000)?)
}

fn poisson3d(_data: &Path) -> anyhow::Result<Measurement> {
    amg_cg(&poisson_3d(100)?)
}

/// [`poisson2d`], then fastsci's own Cholesky (factor + solve) on the same system, once.
fn poisson2d_with_cholesky(data: &Path) -> anyhow::Result<Measurement> {
    let m = poisson2d(data)?;
    let amg_seconds = m.seconds;
    let a = poisson_2d(1000)?;
    let b = rhs(a.nrows());
    let start = Instant::now();
    let chol = Cholesky::factorize(&a)?;
    let x = chol.solve(&b)?;
    let seconds = start.elapsed().as_secs_f64();
    let rel = relative_residual(&a, &x, &b)?;
    let note = m.extra.get("note").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    Ok(m.with(
        "note",
        format!(
            "{note}; fastsci Cholesky on the same system {seconds:.2} s ({:.1}x AMG's time; factor {:.1}M entries, relres {rel:.1e})",
            seconds / amg_seconds,
            chol.factor_nnz() as f64 / 1e6
        ),
    )
    .with("cholesky_seconds", seconds))
}
