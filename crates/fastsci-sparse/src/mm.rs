//! Matrix Market (`.mtx`) reading and writing.
//!
//! Supported: the `coordinate` and `array` formats; the `real`, `integer` and `pattern`
//! fields (`pattern` only in coordinate form, read as ones); the `general`, `symmetric` and
//! `skew-symmetric` symmetries (only the lower triangle is stored; the reader mirrors it).
//! `%` comment lines and blank lines may appear after the header. Fortran exponents
//! (`1.0D+03`) are accepted. `complex` and `hermitian` are rejected with a clear error.
//! Every error names the 1-based line it was found on.

use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::path::Path;

use crate::error::{Result, SparseError};
use crate::matrix::{CooMatrix, CsrMatrix};

/// Storage layout of a Matrix Market file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmFormat {
    /// Sparse triplets `i j value`.
    Coordinate,
    /// Dense, column-major values.
    Array,
}

/// Kind of value stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmField {
    /// Floating-point values.
    Real,
    /// Integer values.
    Integer,
    /// No values: every listed entry is one.
    Pattern,
}

/// Which part is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmSymmetry {
    /// Every entry is stored.
    General,
    /// `a_ij = a_ji`; only the lower triangle is stored.
    Symmetric,
    /// `a_ij = -a_ji` with a zero diagonal; only the strict lower triangle is stored.
    SkewSymmetric,
}

/// The header of a Matrix Market file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MmHeader {
    /// Coordinate or array.
    pub format: MmFormat,
    /// Real, integer or pattern.
    pub field: MmField,
    /// General, symmetric or skew-symmetric.
    pub symmetry: MmSymmetry,
}

fn err(line: usize, message: impl Into<String>) -> SparseError {
    SparseError::MatrixMarket { line, message: message.into() }
}

/// Parses one number; accepts Fortran `D` exponents.
fn parse_value(tok: &str, field: MmField, line: usize) -> Result<f64> {
    match field {
        MmField::Integer => tok
            .parse::<i64>()
            .map(|v| v as f64)
            .map_err(|_| err(line, format!("'{tok}' is not an integer (the header says integer)"))),
        _ => {
            let fixed;
            let t = if tok.contains(['d', 'D']) && !tok.to_ascii_lowercase().contains("inf") {
                fixed = tok.replace(['d', 'D'], "e");
                fixed.as_str()
            } else {
                tok
            };
            t.parse::<f64>().map_err(|_| err(line, format!("'{tok}' is not a number")))
        }
    }
}

fn parse_dim(tok: &str, what: &str, line: usize) -> Result<usize> {
    tok.parse::<usize>().map_err(|_| err(line, format!("{what} '{tok}' is not a non-negative integer")))
}

fn parse_header(text: &str, line: usize) -> Result<MmHeader> {
    let toks: Vec<String> = text.split_whitespace().map(str::to_ascii_lowercase).collect();
    if toks.first().map(String::as_str) != Some("%%matrixmarket") {
        return Err(err(line, "missing header: the first line must start with %%MatrixMarket"));
    }
    if toks.len() != 5 {
        return Err(err(
            line,
            format!(
                "header has {} words, expected 5: %%MatrixMarket matrix <format> <field> <symmetry>",
                toks.len()
            ),
        ));
    }
    if toks[1] != "matrix" {
        return Err(err(line, format!("object '{}' is not supported, only 'matrix'", toks[1])));
    }
    let format = match toks[2].as_str() {
        "coordinate" => MmFormat::Coordinate,
        "array" => MmFormat::Array,
        other => {
            return Err(err(line, format!("format '{other}' is unknown (expected coordinate or array)")));
        }
    };
    let field = match toks[3].as_str() {
        "real" | "double" => MmField::Real,
        "integer" => MmField::Integer,
        "pattern" => MmField::Pattern,
        "complex" => {
            return Err(err(line, "complex matrices are not supported (only real, integer, pattern)"));
        }
        other => {
            return Err(err(line, format!("field '{other}' is unknown (expected real, integer or pattern)")));
        }
    };
    let symmetry = match toks[4].as_str() {
        "general" => MmSymmetry::General,
        "symmetric" => MmSymmetry::Symmetric,
        "skew-symmetric" => MmSymmetry::SkewSymmetric,
        "hermitian" => {
            return Err(err(line, "hermitian matrices are not supported (they need complex values)"));
        }
        other => {
            return Err(err(
                line,
                format!("symmetry '{other}' is unknown (expected general, symmetric or skew-symmetric)"),
            ));
        }
    };
    if field == MmField::Pattern && format == MmFormat::Array {
        return Err(err(line, "the pattern field is only valid with the coordinate format"));
    }
    Ok(MmHeader { format, field, symmetry })
}

/// Reads a Matrix Market matrix from any buffered reader.
///
/// # Examples
///
/// ```
/// let text = "%%MatrixMarket matrix coordinate real symmetric\n% a comment\n2 2 2\n1 1 4.0\n2 1 -1\n";
/// let (header, coo) = fastsci_sparse::mm::read(text.as_bytes())?;
/// assert_eq!(header.symmetry, fastsci_sparse::mm::MmSymmetry::Symmetric);
/// let a = coo.to_csr()?;
/// assert_eq!(a.to_dense(), vec![4.0, -1.0, -1.0, 0.0]);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::MatrixMarket`] with the line number for malformed input;
/// [`SparseError::Io`] when reading fails.
pub fn read(reader: impl BufRead) -> Result<(MmHeader, CooMatrix)> {
    let mut lines = BoundedLines { reader, number: 0 };
    let (first_no, first) = match lines.next() {
        Some((n, l)) => (n, l.map_err(|e| err(n, format!("cannot read the header: {e}")))?),
        None => return Err(err(1, "the file is empty (expected a %%MatrixMarket header)")),
    };
    let header = parse_header(&first, first_no)?;
    // Next data lines, skipping comments and blanks.
    let mut next_data = |what: &str| -> Result<Option<(usize, String)>> {
        for (n, l) in lines.by_ref() {
            let l = l.map_err(|e| err(n, format!("cannot read {what}: {e}")))?;
            let t = l.trim();
            if t.is_empty() || t.starts_with('%') {
                continue;
            }
            return Ok(Some((n, t.to_string())));
        }
        Ok(None)
    };
    let Some((size_no, size_line)) = next_data("the size line")? else {
        return Err(err(first_no + 1, "the file ends before the size line"));
    };
    let toks: Vec<&str> = size_line.split_whitespace().collect();
    let want = if header.format == MmFormat::Coordinate { 3 } else { 2 };
    if toks.len() != want {
        return Err(err(
            size_no,
            format!(
                "size line has {} numbers, expected {want} ({})",
                toks.len(),
                if want == 3 { "rows columns entries" } else { "rows columns" }
            ),
        ));
    }
    let nrows = parse_dim(toks[0], "row count", size_no)?;
    let ncols = parse_dim(toks[1], "column count", size_no)?;
    if header.symmetry != MmSymmetry::General && nrows != ncols {
        return Err(err(
            size_no,
            format!("a {:?} matrix must be square, got {nrows} x {ncols}", header.symmetry),
        ));
    }
    let cells = nrows.checked_mul(ncols).ok_or_else(|| err(size_no, "matrix size overflows"))?;
    let mut last_no = size_no;
    match header.format {
        MmFormat::Coordinate => {
            let nnz = parse_dim(toks[2], "entry count", size_no)?;
            if nnz > cells {
                return Err(err(size_no, format!("{nnz} entries cannot fit in a {nrows} x {ncols} matrix")));
            }
            let mirrored = header.symmetry != MmSymmetry::General;
            // The header is untrusted: reserve at most a modest amount up front.
            let cap = if mirrored { nnz.saturating_mul(2) } else { nnz }.min(1 << 20);
            let mut coo = CooMatrix::new(nrows, ncols);
            let (mut rows, mut cols, mut vals) =
                (Vec::with_capacity(cap), Vec::with_capacity(cap), Vec::with_capacity(cap));
            let expect = if header.field == MmField::Pattern { 2 } else { 3 };
            for k in 0..nnz {
                let Some((n, l)) = next_data("an entry")? else {
                    return Err(err(last_no + 1, format!("the file ends after {k} of {nnz} entries")));
                };
                last_no = n;
                let t: Vec<&str> = l.split_whitespace().collect();
                if t.len() != expect {
                    return Err(err(
                        n,
                        format!(
                            "entry has {} fields, expected {expect} ({})",
                            t.len(),
                            if expect == 2 { "row column" } else { "row column value" }
                        ),
                    ));
                }
                let i = parse_dim(t[0], "row index", n)?;
                let j = parse_dim(t[1], "column index", n)?;
                if i == 0 || i > nrows {
                    return Err(err(n, format!("row index {i} is outside 1..={nrows}")));
                }
                if j == 0 || j > ncols {
                    return Err(err(n, format!("column index {j} is outside 1..={ncols}")));
                }
                let v = if expect == 2 { 1.0 } else { parse_value(t[2], header.field, n)? };
                let (i, j) = (i - 1, j - 1);
                match header.symmetry {
                    MmSymmetry::General => {}
                    MmSymmetry::Symmetric if j > i => {
                        return Err(err(
                            n,
                            format!(
                                "entry ({}, {}) lies above the diagonal of a symmetric matrix",
                                i + 1,
                                j + 1
                            ),
                        ));
                    }
                    MmSymmetry::SkewSymmetric if j >= i => {
                        return Err(err(
                            n,
                            format!(
                                "entry ({}, {}) is not below the diagonal of a skew-symmetric matrix",
                                i + 1,
                                j + 1
                            ),
                        ));
                    }
                    _ => {}
                }
                rows.push(i);
                cols.push(j);
                vals.push(v);
                if mirrored && i != j {
                    rows.push(j);
                    cols.push(i);
                    vals.push(if header.symmetry == MmSymmetry::SkewSymmetric { -v } else { v });
                }
            }
            if let Some((n, _)) = next_data("trailing data")? {
                return Err(err(n, format!("more entries than the {nnz} the size line announced")));
            }
            coo = CooMatrix::from_triplets(coo.nrows(), coo.ncols(), rows, cols, vals)?;
            Ok((header, coo))
        }
        MmFormat::Array => {
            // Column-major; symmetric stores the lower triangle incl. diagonal, skew the strict
            // lower. Positions are walked one at a time: the header is untrusted.
            let first_row = |j: usize| match header.symmetry {
                MmSymmetry::General => 0,
                MmSymmetry::Symmetric => j,
                MmSymmetry::SkewSymmetric => j + 1,
            };
            let n128 = nrows as u128;
            let total = match header.symmetry {
                MmSymmetry::General => cells as u128,
                MmSymmetry::Symmetric => n128 * (n128 + 1) / 2,
                MmSymmetry::SkewSymmetric => n128 * n128.saturating_sub(1) / 2,
            };
            let mut coo = CooMatrix::new(nrows, ncols);
            let (mut i, mut j) = (first_row(0), 0usize);
            let mut k: u128 = 0;
            while k < total {
                while i >= nrows {
                    j += 1;
                    i = first_row(j);
                }
                let Some((n, l)) = next_data("a value")? else {
                    return Err(err(last_no + 1, format!("the file ends after {k} of {total} values")));
                };
                last_no = n;
                let t: Vec<&str> = l.split_whitespace().collect();
                if t.len() != 1 {
                    return Err(err(n, format!("array line has {} fields, expected 1 value", t.len())));
                }
                let v = parse_value(t[0], header.field, n)?;
                if v != 0.0 {
                    coo.push(i, j, v)?;
                    if i != j && header.symmetry != MmSymmetry::General {
                        coo.push(j, i, if header.symmetry == MmSymmetry::SkewSymmetric { -v } else { v })?;
                    }
                }
                i += 1;
                k += 1;
            }
            if let Some((n, _)) = next_data("trailing data")? {
                return Err(err(n, format!("more values than the {total} the size line announced")));
            }
            Ok((header, coo))
        }
    }
}

/// The longest line the reader accepts (1 MiB): a Matrix Market line holds a few numbers, and
/// a file without newlines must not make one line as large as the file.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Numbered lines of at most [`MAX_LINE_BYTES`], without their line ending.
struct BoundedLines<R> {
    reader: R,
    number: usize,
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = (usize, std::io::Result<String>);

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::Read;
        self.number += 1;
        let mut bytes = Vec::new();
        let limit = MAX_LINE_BYTES as u64 + 1;
        match (&mut self.reader).take(limit).read_until(b'\n', &mut bytes) {
            Ok(0) => None,
            Ok(_) if bytes.len() > MAX_LINE_BYTES => Some((
                self.number,
                Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("the line is longer than {MAX_LINE_BYTES} bytes"),
                )),
            )),
            Ok(_) => {
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                    if bytes.last() == Some(&b'\r') {
                        bytes.pop();
                    }
                }
                Some((
                    self.number,
                    String::from_utf8(bytes)
                        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text")),
                ))
            }
            Err(e) => Some((self.number, Err(e))),
        }
    }
}

/// Reads a Matrix Market file into CSR.
///
/// # Errors
/// As [`read`]; I/O errors name the path; a path that is not a regular file (a directory, FIFO
/// or device such as `/dev/zero`) is an `InvalidInput` I/O error, found before opening.
pub fn read_path(path: impl AsRef<Path>) -> Result<CsrMatrix> {
    let path = path.as_ref();
    let named = |e: std::io::Error| {
        SparseError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    };
    if !std::fs::metadata(path).map_err(named)?.is_file() {
        return Err(named(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file")));
    }
    let file = std::fs::File::open(path).map_err(named)?;
    let (_, coo) = read(std::io::BufReader::new(file))?;
    coo.to_csr()
}

/// Writes `a` in Matrix Market form. `symmetry` other than general writes only the lower
/// triangle (strict lower for skew-symmetric) and is the caller's claim about `a`; `field`
/// `Integer` rounds values, `Pattern` drops them; `format` `Array` writes every value.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::mm::{self, MmField, MmFormat, MmHeader, MmSymmetry};
/// let a = fastsci_sparse::laplacian_1d(3)?;
/// let h = MmHeader { format: MmFormat::Coordinate, field: MmField::Real, symmetry: MmSymmetry::Symmetric };
/// let mut text = Vec::new();
/// mm::write(&mut text, &a, h)?;
/// let (_, back) = mm::read(text.as_slice())?;
/// assert_eq!(back.to_csr()?, a);
/// # Ok::<(), fastsci_sparse::SparseError>(())
/// ```
///
/// # Errors
/// [`SparseError::Io`] when writing fails; [`SparseError::InvalidArgument`] for pattern with array,
/// or a non-general symmetry of a non-square matrix.
pub fn write(mut out: impl Write, a: &CsrMatrix, header: MmHeader) -> Result<()> {
    if header.format == MmFormat::Array && header.field == MmField::Pattern {
        return Err(SparseError::InvalidArgument("pattern cannot be written in array format".into()));
    }
    if header.symmetry != MmSymmetry::General && a.nrows() != a.ncols() {
        return Err(SparseError::InvalidArgument("only a square matrix can be written as symmetric".into()));
    }
    let keep = |i: usize, j: usize| match header.symmetry {
        MmSymmetry::General => true,
        MmSymmetry::Symmetric => i >= j,
        MmSymmetry::SkewSymmetric => i > j,
    };
    let format = if header.format == MmFormat::Coordinate { "coordinate" } else { "array" };
    let field = match header.field {
        MmField::Real => "real",
        MmField::Integer => "integer",
        MmField::Pattern => "pattern",
    };
    let symmetry = match header.symmetry {
        MmSymmetry::General => "general",
        MmSymmetry::Symmetric => "symmetric",
        MmSymmetry::SkewSymmetric => "skew-symmetric",
    };
    // Appends the value after `sep`; nothing for pattern.
    let value = |v: f64, s: &mut String, sep: &str| {
        match header.field {
            MmField::Integer => write!(s, "{sep}{}", v.round() as i64),
            MmField::Real => write!(s, "{sep}{v:e}"),
            MmField::Pattern => Ok(()),
        }
        .expect("writing to a String cannot fail");
    };
    let mut buf = String::new();
    writeln!(buf, "%%MatrixMarket matrix {format} {field} {symmetry}").ok();
    writeln!(buf, "% written by fastsci-sparse").ok();
    match header.format {
        MmFormat::Coordinate => {
            let csc = a.to_csc();
            let count =
                (0..a.ncols()).map(|j| csc.col(j).filter(|&(i, _)| keep(i, j)).count()).sum::<usize>();
            writeln!(buf, "{} {} {count}", a.nrows(), a.ncols()).ok();
            for j in 0..a.ncols() {
                for (i, v) in csc.col(j) {
                    if keep(i, j) {
                        write!(buf, "{} {}", i + 1, j + 1).ok();
                        value(v, &mut buf, " ");
                        buf.push('\n');
                    }
                }
                if buf.len() > 1 << 16 {
                    out.write_all(buf.as_bytes())?;
                    buf.clear();
                }
            }
        }
        MmFormat::Array => {
            writeln!(buf, "{} {}", a.nrows(), a.ncols()).ok();
            let csc = a.to_csc();
            for j in 0..a.ncols() {
                let mut col = vec![0.0; a.nrows()];
                for (i, v) in csc.col(j) {
                    col[i] = v;
                }
                for (i, &v) in col.iter().enumerate() {
                    if keep(i, j) {
                        value(v, &mut buf, "");
                        buf.push('\n');
                    }
                }
                if buf.len() > 1 << 16 {
                    out.write_all(buf.as_bytes())?;
                    buf.clear();
                }
            }
        }
    }
    out.write_all(buf.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes `a` to a file as coordinate, real, general; the file is replaced whole or not at all.
/// [`read_path`] reads it back exactly.
///
/// # Examples
///
/// ```
/// use fastsci_sparse::{laplacian_2d, mm};
/// let a = laplacian_2d(5, 5)?;
/// let path = std::env::temp_dir().join(format!("fastsci-doc-{}.mtx", std::process::id()));
/// mm::write_path(&path, &a)?;
/// assert_eq!(mm::read_path(&path)?, a);
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SparseError::Io`] when the file cannot be written.
pub fn write_path(path: impl AsRef<Path>, a: &CsrMatrix) -> Result<()> {
    let header =
        MmHeader { format: MmFormat::Coordinate, field: MmField::Real, symmetry: MmSymmetry::General };
    // Through a temporary renamed at the end: a full disk or a kill midway leaves the old
    // file (if any) whole, never a truncated matrix under the target's name.
    fastsci_par::partial::replace_through_temporary(
        path.as_ref(),
        |temporary| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(temporary)?);
            write(&mut out, a, header)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(())
        },
        SparseError::Io,
    )
}

#[cfg(test)]
mod bounded {
    use super::*;

    #[test]
    fn a_line_without_end_is_refused_at_the_limit_not_read_whole() {
        let mut text = b"%%MatrixMarket matrix coordinate real general\n".to_vec();
        text.extend(std::iter::repeat_n(b'1', 3 * MAX_LINE_BYTES));
        let e = read(&text[..]).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("longer than 1048576 bytes"), "{e}");
        let e = read(&vec![b'%'; 2 * MAX_LINE_BYTES][..]).unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn read_path_refuses_devices_and_directories() {
        for path in ["/dev/zero", "/"] {
            let e = read_path(path).unwrap_err().to_string();
            assert!(e.contains("not a regular file"), "{e}");
        }
    }
}
