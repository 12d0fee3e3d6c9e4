//! Rows for fastsci-sparse: SpMV, CG and a direct solve of the 2-D Laplacian, on the CSR
//! arrays that `bench/py/rows_sparse.py` wrote, beside scipy.sparse.

use std::hint::black_box;
use std::path::Path;

use anyhow::{Context, ensure};
use fastsci::sparse::krylov::{IterativeOptions, cg};
use fastsci::sparse::precond::Identity;
use fastsci::sparse::{CsrMatrix, direct::DirectSolver};
use ndarray::Array1;
use ndarray_npy::read_npy;

use crate::timing::median_seconds;
use crate::{Measurement, Row, vector_answer};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "spmv-lap2d",
            what: "SpMV, 2-D Laplacian 1000x1000 grid (1M rows)",
            anchor: "scipy.sparse CSR",
            target: "<= 0.7x time; >= 80% bandwidth",
            run: spmv,
        },
        Row {
            name: "cg-lap2d",
            what: "CG to 1e-8, 2-D Laplacian 300x300",
            anchor: "scipy cg",
            target: "<= 0.5x time",
            run: conjugate_gradients,
        },
        Row {
            name: "spsolve-lap2d",
            what: "direct solve, 2-D Laplacian 300x300",
            anchor: "scipy spsolve",
            target: "<= 0.25x time",
            run: direct_solve,
        },
        Row {
            name: "spsolve-pardiso",
            what: "the same direct solve",
            anchor: "MKL PARDISO (pypardiso)",
            target: "the strongest general direct solver",
            run: direct_solve,
        },
        Row {
            name: "spsolve-cholesky",
            what: "the same direct solve",
            anchor: "cholespy (supernodal Cholesky)",
            target: "the strongest Cholesky of the same kind",
            run: direct_solve,
        },
    ]
}

fn load<T: ndarray_npy::ReadableElement + Clone>(data: &Path, name: &str) -> anyhow::Result<Vec<T>> {
    let path = data.join(name);
    let a: Array1<T> = read_npy(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(a.to_vec())
}

/// The Laplacian exactly as the Python side stored it.
fn laplacian(data: &Path, n: usize) -> anyhow::Result<CsrMatrix> {
    let indptr: Vec<i64> = load(data, &format!("lap2d_{n}_indptr.npy"))?;
    let indices: Vec<i32> = load(data, &format!("lap2d_{n}_indices.npy"))?;
    let values: Vec<f64> = load(data, &format!("lap2d_{n}_data.npy"))?;
    let rows = indptr.len() - 1;
    let indptr = indptr
        .into_iter()
        .map(|v| usize::try_from(v).context("negative pointer"))
        .collect::<Result<_, _>>()?;
    let indices = indices
        .into_iter()
        .map(|v| usize::try_from(v).context("negative index"))
        .collect::<Result<_, _>>()?;
    Ok(CsrMatrix::new(rows, rows, indptr, indices, values)?)
}

fn spmv(data: &Path) -> anyhow::Result<Measurement> {
    let a = laplacian(data, 1000)?;
    let x: Vec<f64> = load(data, "spmv_x_1m.npy")?;
    let mut y = vec![0.0; a.nrows()];
    // The STREAM kernel of `bandwidth-all` on arrays moving about as many bytes, run alternately
    // with the SpMV: the bandwidth the SpMV is quoted against saw the same machine state.
    let len = 10_000_000 / 3;
    let (s1, s2, mut s3) = (vec![1.5; len], vec![2.5; len], vec![0.0; len]);
    let [seconds, stream] = crate::timing::interleaved_medians([
        &mut || {
            a.mul_vec_into(&x, &mut y).expect("shapes match");
            black_box(&mut y);
        },
        &mut || super::machine::stream_multiply(&s1, &s2, &mut s3),
    ]);
    // Matrix arrays once, x read once, y written once.
    let bytes = (a.memory_bytes() + 2 * a.nrows() * 8) as f64;
    Ok(Measurement::seconds(seconds)
        .with("bytes", bytes)
        .with("reference_gb_per_s", (3 * len * 8) as f64 / stream / 1e9)
        .answer(vector_answer(&y), rayon::current_num_threads()))
}

fn conjugate_gradients(data: &Path) -> anyhow::Result<Measurement> {
    let a = laplacian(data, 300)?;
    let b = vec![1.0; a.nrows()];
    let opts = IterativeOptions { rtol: 1e-8, maxiter: Some(10 * a.nrows()), ..IterativeOptions::default() };
    let first = cg(&a, &b, &Identity, &opts)?;
    ensure!(first.success(), "CG did not converge");
    let seconds = median_seconds(1, 7, || {
        black_box(cg(&a, &b, &Identity, &opts).expect("sizes match"));
    });
    // The true residual ‖b − A x‖ / ‖b‖, computed here the same way as on the Python side.
    let ax = a.mul_vec(&first.x)?;
    let rel = (ax.iter().zip(&b).map(|(p, q)| (q - p) * (q - p)).sum::<f64>()
        / b.iter().map(|q| q * q).sum::<f64>())
    .sqrt();
    let answer =
        serde_json::json!({"x": vector_answer(&first.x), "iterations": first.iterations, "relres": rel});
    Ok(Measurement::seconds(seconds)
        .with("iterations", first.iterations)
        .answer(answer, rayon::current_num_threads()))
}

fn direct_solve(data: &Path) -> anyhow::Result<Measurement> {
    let a = laplacian(data, 300)?;
    let b = vec![1.0; a.nrows()];
    let solver = DirectSolver::factorize(&a)?;
    let method = solver.method().name();
    let x = solver.solve(&b)?;
    let seconds = median_seconds(1, 7, || {
        let s = DirectSolver::factorize(&a).expect("SPD");
        black_box(s.solve(&b).expect("sizes match"));
    });
    Ok(Measurement::seconds(seconds)
        .with("note", format!("{method}, factor + solve"))
        .answer(serde_json::json!({ "x": vector_answer(&x) }), rayon::current_num_threads()))
}
