//! `fastsci sparse`: inspect sparse matrices in Matrix Market format.

pub(crate) mod io;

use std::path::PathBuf;

use serde_json::json;

use fastsci_sparse::{CooMatrix, CsrMatrix};

use crate::error::{CliError, CliResult, Outcome};
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

/// Width in bytes of an index vector whose values reach `bound` (as fastsci-sparse stores it).
fn index_width(bound: usize) -> usize {
    if bound <= u32::MAX as usize { 4 } else { 8 }
}

/// The entries of `coo` relabelled onto the indices that occur, in order: the compact matrix
/// has the same structure (symmetry, entries per nonempty row) in memory proportional to the
/// entries, however many empty rows and columns the size line declares.
fn compact(coo: &CooMatrix) -> Result<CsrMatrix, CliError> {
    let square = coo.nrows() == coo.ncols();
    let mut rows: Vec<usize> = coo.rows().to_vec();
    let mut cols: Vec<usize> = coo.cols().to_vec();
    // A square matrix relabels rows and columns alike, so that symmetry is kept.
    let mut labels = rows.clone();
    labels.sort_unstable();
    labels.dedup();
    if square {
        labels.extend_from_slice(&cols);
        labels.sort_unstable();
        labels.dedup();
    }
    let label = |set: &[usize], i: usize| set.binary_search(&i).unwrap_or(0);
    for r in &mut rows {
        *r = label(&labels, *r);
    }
    let (ncols, col_labels) = if square {
        (labels.len(), None)
    } else {
        let mut c = cols.clone();
        c.sort_unstable();
        c.dedup();
        (c.len(), Some(c))
    };
    for c in &mut cols {
        *c = label(col_labels.as_deref().unwrap_or(&labels), *c);
    }
    CooMatrix::from_triplets(labels.len(), ncols, rows, cols, coo.values().to_vec())
        .and_then(|m| m.to_csr())
        .map_err(CliError::from)
}

fn info(path: &std::path::Path, json: bool) -> CliResult {
    let coo = io::read_coo(path)?;
    let (m, n) = (coo.nrows(), coo.ncols());
    let a = compact(&coo)?;
    drop(coo);
    let symmetry = if m == n && a.is_symmetric(0.0) {
        "symmetric"
    } else if m == n && a.add(&a.transpose()).map(|s| s.nnz() == 0).unwrap_or(false) && a.nnz() > 0 {
        "skew-symmetric"
    } else {
        "general"
    };
    let dense_bytes = (m as f64) * (n as f64) * 8.0;
    let nnz = a.nnz();
    let (index_bytes, pointer_bytes) = (index_width(n), index_width(nnz));
    // CSR of the full matrix: a pointer per declared row (plus one), an index and a value per entry.
    let csr_bytes_exact = (m as u128 + 1) * pointer_bytes as u128 + nnz as u128 * (index_bytes as u128 + 8);
    let csr_bytes = csr_bytes_exact as f64;
    let cells = (m as f64) * (n as f64);
    let density = if cells > 0.0 { nnz as f64 / cells } else { 0.0 };
    let row_nnz: Vec<usize> = (0..a.nrows()).map(|i| a.row(i).count()).filter(|&c| c > 0).collect();
    let max_row = row_nnz.iter().max().copied().unwrap_or(0);
    // Rows with no entry count as 0; with an entry in every declared row, the least of them.
    let min_row = if row_nnz.len() < m { 0 } else { row_nnz.iter().min().copied().unwrap_or(0) };

    if json {
        print_json(&json!({
            "file": path.display().to_string(),
            "rows": m, "cols": n, "nnz": nnz, "density": density,
            "symmetry": symmetry,
            "csr_bytes": csr_bytes_exact as u64, "dense_bytes": dense_bytes,
            "index_bytes": index_bytes, "pointer_bytes": pointer_bytes,
            "min_row_nnz": min_row, "max_row_nnz": max_row,
        }));
    } else {
        println!("file       {}", path.display());
        println!("shape      {m} x {n}");
        println!("nnz        {nnz} (density {density:.3e})");
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
