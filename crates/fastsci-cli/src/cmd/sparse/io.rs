//! Shared file handling of `fastsci sparse`, `spmv` and `solve`: Matrix Market in, `.npy`
//! vectors in and out, and the mapping of library errors to exit codes.

use std::path::Path;

use fastsci_array::WriteOptions;
use fastsci_sparse::{CooMatrix, CsrMatrix, SparseError};
use ndarray::Array1;

use crate::error::CliError;
use crate::output::write_atomically;

/// Reads a Matrix Market file as triplets; errors name the file and line. The memory is that
/// of the entries read (about 24 bytes each), whatever dimensions the size line declares.
pub fn read_coo(path: &Path) -> Result<CooMatrix, CliError> {
    // A regular file only: /dev/zero or a FIFO would grow or block.
    let file = fastsci_array::input::open(path).map_err(CliError::from)?;
    let (_, coo) = fastsci_sparse::mm::read(std::io::BufReader::new(file)).map_err(|e| CliError {
        message: format!("{}: {}", path.display(), sparse_error_text(&e)),
        ..CliError::from(e)
    })?;
    Ok(coo)
}

/// Reads a Matrix Market file into CSR, after `check` has seen its triplets: CSR takes memory
/// for every declared row, so whatever can be refused from the entries is refused first.
pub fn read_matrix(
    path: &Path,
    check: impl FnOnce(&CooMatrix) -> Result<(), CliError>,
) -> Result<CsrMatrix, CliError> {
    let coo = read_coo(path)?;
    check(&coo)?;
    coo.to_csr().map_err(CliError::from)
}

fn sparse_error_text(e: &SparseError) -> String {
    match e {
        SparseError::MatrixMarket { line, message } => format!("line {line}: {message}"),
        other => other.to_string(),
    }
}

/// Reads a 1-D `.npy` vector of f64.
pub fn read_vector(path: &Path) -> Result<Vec<f64>, CliError> {
    let v = crate::output::read_npy_f64(path, "a 1-D float64 .npy array")?;
    if v.ndim() != 1 {
        return Err(CliError::bad_input(format!(
            "{}: expected a 1-D float64 .npy array, got shape {:?}",
            path.display(),
            v.shape()
        )));
    }
    Ok(v.into_iter().collect())
}

/// Writes a vector as a 1-D `.npy` file, atomically.
pub fn write_vector(path: &Path, v: Vec<f64>) -> Result<(), CliError> {
    let array = Array1::from(v);
    write_atomically(path, |file| {
        let mut writer = std::io::BufWriter::new(file);
        fastsci_array::npy::write_npy_to(&mut writer, &array.view().into_dyn(), &WriteOptions::default())
            .and_then(|()| std::io::Write::flush(&mut writer).map_err(fastsci_array::ArrayError::from))
            .map_err(|e| CliError::internal(format!("writing {}: {e}", path.display())))
    })
}

/// Checks that a vector has the length an operand needs.
pub fn check_len(what: &str, path: &Path, got: usize, want: usize) -> Result<(), CliError> {
    if got != want {
        return Err(CliError::bad_input(format!(
            "{}: {what} has {got} values, the matrix needs {want}",
            path.display()
        )));
    }
    Ok(())
}
