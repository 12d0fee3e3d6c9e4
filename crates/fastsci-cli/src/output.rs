//! Output helpers shared by subcommands: the `--json` object and safe file writes.

use std::fs;
use std::path::Path;

use crate::error::CliError;

/// Prints `value` as the one JSON object of `--json` mode.
pub fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// A JSON number for `x`, or a string for the values JSON cannot hold (`"inf"`, `"-inf"`, `"nan"`).
pub fn json_f64(x: f64) -> serde_json::Value {
    if x.is_finite() {
        serde_json::json!(x)
    } else if x.is_nan() {
        serde_json::json!("nan")
    } else if x > 0.0 {
        serde_json::json!("inf")
    } else {
        serde_json::json!("-inf")
    }
}

/// Writes a file through `write` into a temporary name beside `target`, then renames it into
/// place: an interrupted or failed run never leaves a half-written file where a good one was.
pub fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut fs::File) -> Result<(), CliError>,
) -> Result<(), CliError> {
    fastsci_array::replace_atomically(target, |temporary| {
        let mut file = fs::File::create(temporary)
            .map_err(|e| CliError::bad_input(format!("cannot create {}: {e}", temporary.display())))?;
        write(&mut file)?;
        file.sync_all().map_err(|e| CliError::internal(format!("writing {}: {e}", target.display())))
    })
}

/// Reads a text input the user named (kernel source, CSV data) after checking that it is a
/// regular file of at most `max_bytes`: `/dev/zero`, a FIFO or a directory is refused up front
/// (exit 2) instead of growing or blocking.
pub fn read_text(path: impl AsRef<Path>, max_bytes: u64) -> Result<String, CliError> {
    fastsci_array::input::read_text(path, max_bytes).map_err(CliError::from)
}

/// Reads a float64 `.npy` file through the shared reader (which checks the declared size
/// against the file's length before allocating); errors name the file and say what was
/// `expected`.
pub fn read_npy_f64(path: &Path, expected: &str) -> Result<ndarray::ArrayD<f64>, CliError> {
    fastsci_array::read_npy_as::<f64>(path).map_err(|e| {
        let e = CliError::from(e);
        let named = if e.message.starts_with(&path.display().to_string()) {
            e.message
        } else {
            format!("{}: {}", path.display(), e.message)
        };
        CliError { message: format!("{named} (expected {expected})"), ..e }
    })
}

/// The largest kernel source file accepted (64 MiB).
pub const MAX_SOURCE_BYTES: u64 = fastsci_array::input::MAX_TEXT_BYTES;

/// The largest CSV data file accepted (1 GiB): about 20 bytes of memory per input byte once
/// parsed, which the README states.
pub const MAX_CSV_BYTES: u64 = 1 << 30;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn atomic_write_leaves_no_partial_file_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        std::fs::write(&target, b"good").unwrap();
        let failed = write_atomically(&target, |f| {
            f.write_all(b"half").unwrap();
            Err(CliError::internal("interrupted"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"good");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
