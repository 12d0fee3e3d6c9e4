//! A 2-D little-endian f64 `.npy` file (format version 1.0), written atomically, and read back
//! to check a finished sweep.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::ParError;

const MAGIC: &[u8] = b"\x93NUMPY";

/// The header of a C-ordered `<f8` array of `rows x cols`, padded so data starts on a
/// 64-byte boundary as NumPy writes it.
fn header(rows: usize, cols: usize) -> Vec<u8> {
    let mut dict = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    let unpadded = MAGIC.len() + 2 + 2 + dict.len() + 1;
    dict.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    dict.push('\n');
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + dict.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

/// Writes `path` through a temporary file beside it, `fsync`ed and renamed into place, so an
/// interrupted write never leaves a half-written file where a good one was; the temporary is
/// removed on Ctrl-C/SIGTERM, and a killed run's is removed by the next write of `path`.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), ParError> {
    crate::partial::replace_through_temporary(
        path,
        |temporary| {
            let mut w = BufWriter::new(File::create(temporary)?);
            write(&mut w)?;
            w.into_inner().map_err(|e| e.into_error())?.sync_all()
        },
        |e| e,
    )
    .map_err(|e| ParError::io(path, e))?;
    if let Some(dir) =
        path.parent().and_then(|d| File::open(if d.as_os_str().is_empty() { Path::new(".") } else { d }).ok())
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Writes a `rows x cols` array given row by row.
pub(crate) fn write(path: &Path, rows: usize, cols: usize, values: &[f64]) -> Result<(), ParError> {
    debug_assert_eq!(values.len(), rows * cols);
    write_atomically(path, |w| {
        w.write_all(&header(rows, cols))?;
        for v in values {
            w.write_all(&v.to_le_bytes())?;
        }
        Ok(())
    })
}

/// Reads a 2-D `<f8` C-ordered array written by [`write`] (or NumPy): its shape and values.
pub(crate) fn read(path: &Path) -> Result<(usize, usize, Vec<f64>), ParError> {
    let bytes = std::fs::read(path).map_err(|e| ParError::io(path, e))?;
    let bad = |why: &str| ParError::output(path, format!("is not a sweep result: {why}"));
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(bad("no .npy header"));
    }
    let (header_len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        _ => return Err(bad("unknown .npy version")),
    };
    let dict = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad("truncated header"))?;
    let compact: String = dict.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.contains("'descr':'<f8'") || !compact.contains("'fortran_order':False") {
        return Err(bad("not a C-ordered little-endian f64 array"));
    }
    let shape =
        compact.split("'shape':(").nth(1).and_then(|s| s.split(')').next()).ok_or_else(|| bad("no shape"))?;
    let dims: Vec<usize> = shape
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("malformed shape"))?;
    let [rows, cols] = dims[..] else {
        return Err(bad("not a 2-D array"));
    };
    let data = &bytes[start + header_len..];
    if Some(data.len()) != rows.checked_mul(cols).and_then(|n| n.checked_mul(8)) {
        return Err(bad("data length does not match the shape"));
    }
    let values = data.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
    Ok((rows, cols, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_padded_to_64_bytes_and_round_trips() {
        for (rows, cols) in [(0, 1), (3, 2), (123_456, 17)] {
            assert_eq!(header(rows, cols).len() % 64, 0);
        }
        let dir = std::env::temp_dir().join(format!("fastsci-par-npy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.npy");
        let values = [1.0, -0.0, f64::NAN, f64::INFINITY, 1e-300, 2.5];
        write(&path, 3, 2, &values).unwrap();
        let (rows, cols, back) = read(&path).unwrap();
        assert_eq!((rows, cols), (3, 2));
        assert!(back.iter().zip(values).all(|(a, b)| a.to_bits() == b.to_bits()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
