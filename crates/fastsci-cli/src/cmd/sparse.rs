//! `fastsci sparse`: inspect sparse matrices in Matrix Market format.

pub(crate) mod io;

use std::path::PathBuf;

use serde_json::json;

use crate::error::{CliResult, Outcome};
use crate::output::print_json;

/// Arguments of `fastsci sparse`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: SparseCommand,
}

#[derive(clap::Subcommand, Debug)]
enum SparseCommand {
    /// Shape, stored entries, symmetry and memory as CSR vs dense of a Matrix Market file.
    Info {
        /// The matrix (.mtx).
        matrix: PathBuf,
    },
}

fn human_bytes(b: f64) -> String {
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.2} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.2} kB", b / 1e3)
    } else {
        format!("{b:.0} B")
    }
}

/// Runs `fastsci sparse`.
pub fn run(args: &Args, json: bool) -> CliResult {
    match &args.command {
        SparseCommand::Info { matrix } => info(matrix, json),
    }
}

fn info(path: &std::path::Path, json: bool) -> CliResult {
    let a = io::read_matrix(path)?;
    let (m, n) = a.shape();
    let symmetry = if a.is_symmetric(0.0) {
        "symmetric"
    } else if m == n && a.add(&a.transpose()).map(|s| s.nnz() == 0).unwrap_or(false) && a.nnz() > 0 {
        "skew-symmetric"
    } else {
        "general"
    };
    let dense_bytes = (m as f64) * (n as f64) * 8.0;
    let csr_bytes = a.memory_bytes() as f64;
    let cells = (m as f64) * (n as f64);
    let density = if cells > 0.0 { a.nnz() as f64 / cells } else { 0.0 };
    let row_nnz: Vec<usize> = (0..m).map(|i| a.row(i).count()).collect();
    let (min_row, max_row) =
        (row_nnz.iter().min().copied().unwrap_or(0), row_nnz.iter().max().copied().unwrap_or(0));
    let (index_bytes, pointer_bytes) = a.index_width_bytes();
    if json {
        print_json(&json!({
            "file": path.display().to_string(),
            "rows": m, "cols": n, "nnz": a.nnz(), "density": density,
            "symmetry": symmetry,
            "csr_bytes": a.memory_bytes(), "dense_bytes": dense_bytes,
            "index_bytes": index_bytes, "pointer_bytes": pointer_bytes,
            "min_row_nnz": min_row, "max_row_nnz": max_row,
        }));
    } else {
        println!("file       {}", path.display());
        println!("shape      {m} x {n}");
        println!("nnz        {} (density {density:.3e})", a.nnz());
        println!("symmetry   {symmetry}");
        println!("row nnz    {min_row} .. {max_row}");
        println!(
            "memory     CSR {} ({index_bytes}-byte indices, {pointer_bytes}-byte pointers) vs dense {} ({:.1}x smaller)",
            human_bytes(csr_bytes),
            human_bytes(dense_bytes),
            if csr_bytes > 0.0 { dense_bytes / csr_bytes } else { f64::INFINITY }
        );
    }
    Ok(Outcome::Done)
}
