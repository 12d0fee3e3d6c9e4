//! The append-only CSV journal of a sweep: `index,<params>,<outputs>` then one line per
//! finished task, in the order tasks finish.
//!
//! While a sweep runs, the header ends with a `#check` column and every line with a checksum of
//! its text, so that a value edited by hand is refused on resume instead of being trusted; the
//! finished results CSV, rewritten in task order, has no checksums.
//!
//! Values are written with Rust's shortest round-trip formatting (`{:?}`), so reading a line
//! back gives the same bits; `NaN` and `inf` are spelled as Python's `float()` reads them.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::params::ParamSets;
use crate::error::ParError;

/// Writes one value the way the journal stores it.
pub(crate) fn format_value(value: f64) -> String {
    format!("{value:?}")
}

/// The name of the checksum column of a journal still being written. It is not an identifier,
/// so no parameter or output can take it.
pub(crate) const CHECK_COLUMN: &str = "#check";

/// FNV-1a (64 bits) of a line's text: catches a value edited by hand or a line spliced from
/// another file (not a deliberate forgery, which no checksum without a secret can stop).
fn checksum(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Writes `index,<params>,<results>\n`, with the line's checksum as a last field when `checked`.
pub(crate) fn write_row(
    w: &mut impl Write,
    index: usize,
    params: &[f64],
    results: &[f64],
    checked: bool,
) -> std::io::Result<()> {
    let mut line = index.to_string();
    for v in params.iter().chain(results) {
        line.push(',');
        line.push_str(&format_value(*v));
    }
    if checked {
        let sum = checksum(&line);
        line.push_str(&format!(",{sum:016x}"));
    }
    line.push('\n');
    w.write_all(line.as_bytes())
}

/// Writes the header line (with the checksum column when `checked`).
pub(crate) fn write_header(
    w: &mut impl Write,
    params: &[String],
    outputs: &[String],
    checked: bool,
) -> std::io::Result<()> {
    let mut columns = vec!["index"];
    columns.extend(params.iter().chain(outputs).map(String::as_str));
    if checked {
        columns.push(CHECK_COLUMN);
    }
    writeln!(w, "{}", columns.join(","))
}

/// What an existing journal holds.
#[derive(Debug, Default)]
pub(crate) struct Existing {
    /// The output column names, when the header was complete.
    pub outputs: Option<Vec<String>>,
    /// Finished tasks: index and results.
    pub rows: Vec<(usize, Vec<f64>)>,
    /// Where the good part of the file ends; anything after is a torn line to cut off.
    pub good_len: u64,
    /// Whether the file is longer than its good part.
    pub torn: bool,
    /// Whether its lines carry checksums (a journal written by a run still going, or an empty
    /// file); a finished results CSV has none.
    pub checked: bool,
}

/// Reads the journal at `path` written for `params`.
///
/// A last line without its newline (the process was killed while writing it) is left out and
/// reported through `good_len`; any other malformed line, or a line that does not belong to
/// this sweep, is an error naming the file and line.
pub(crate) fn read(path: &Path, params: &ParamSets) -> Result<Existing, ParError> {
    let bytes = std::fs::read(path).map_err(|e| ParError::io(path, e))?;
    let good = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let text = std::str::from_utf8(&bytes[..good])
        .map_err(|_| ParError::output(path, "is not a sweep journal (not UTF-8 text)"))?;
    let mut existing =
        Existing { good_len: good as u64, torn: good < bytes.len(), checked: true, ..Existing::default() };
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Ok(existing);
    };
    let columns: Vec<&str> = header.split(',').collect();
    let names = params.names();
    let np = names.len();
    if columns.first() != Some(&"index")
        || columns.len() < np + 2
        || columns[1..=np].iter().zip(names).any(|(a, b)| a != b)
    {
        return Err(ParError::output(
            path,
            format!(
                "was written by a different sweep: its columns are '{header}', this sweep has parameters '{}' \
                 and at least one output; remove the file or write to another one",
                names.join(",")
            ),
        ));
    }
    existing.checked = columns.last() == Some(&CHECK_COLUMN);
    let last_output = columns.len() - usize::from(existing.checked);
    let outputs: Vec<String> = columns[np + 1..last_output].iter().map(|s| s.to_string()).collect();
    let width = columns.len();
    let all_lines: Vec<&str> = lines.collect();
    for (k, line) in all_lines.iter().enumerate() {
        let line_number = k + 2;
        match parse_row(line, width, np, params, existing.checked) {
            Ok(row) => existing.rows.push(row),
            Err(_) if k + 1 == all_lines.len() => {
                // The last line may be torn in a way that still ends in a newline (a crash in
                // the middle of a buffered write): treat it like a torn line.
                existing.good_len -= line.len() as u64 + 1;
                existing.torn = true;
            }
            Err(why) => {
                return Err(ParError::output(path, format!("line {line_number}: {why}")));
            }
        }
    }
    existing.outputs = Some(outputs);
    Ok(existing)
}

/// Parses one data line, checking it belongs to `params`.
fn parse_row(
    line: &str,
    width: usize,
    np: usize,
    params: &ParamSets,
    checked: bool,
) -> Result<(usize, Vec<f64>), String> {
    let mut fields: Vec<&str> = line.split(',').collect();
    if fields.len() != width {
        return Err(format!("has {} fields, the header has {width}", fields.len()));
    }
    if checked {
        let (text, sum) = line.rsplit_once(',').unwrap_or(("", line));
        if u64::from_str_radix(sum, 16).ok() != Some(checksum(text)) || sum.len() != 16 {
            return Err("its checksum does not match its values (was the file edited? remove the line \
                 to run that task again)"
                .into());
        }
        fields.pop();
    }
    let index: usize = fields[0].parse().map_err(|_| format!("'{}' is not a task index", fields[0]))?;
    if index >= params.len() {
        return Err(format!(
            "task {index} is outside this sweep's {} tasks (was the grid changed? write to another file)",
            params.len()
        ));
    }
    for (field, (&value, name)) in fields[1..=np].iter().zip(params.get(index).iter().zip(params.names())) {
        if *field != format_value(value) {
            return Err(format!(
                "task {index} ran with {name}={field}, this sweep has {name}={} (was the grid changed? \
                 write to another file)",
                format_value(value)
            ));
        }
    }
    let results = fields[np + 1..]
        .iter()
        .map(|f| f.parse::<f64>().map_err(|_| format!("'{f}' is not a number")))
        .collect::<Result<Vec<f64>, String>>()?;
    Ok((index, results))
}

/// The journal open for appending, flushed as lines arrive and `fsync`ed in batches.
pub(crate) struct JournalWriter {
    path: PathBuf,
    checked: bool,
    file: BufWriter<File>,
    unsynced: usize,
    last_sync: Instant,
}

/// Sync at least this often while lines arrive.
const SYNC_EVERY: Duration = Duration::from_secs(1);
/// Sync at the latest after this many lines.
const SYNC_LINES: usize = 10_000;

impl JournalWriter {
    /// Opens `path` for appending after cutting it to `keep` bytes (`None`: create it, failing
    /// if it exists); `checked` says whether its lines carry checksums.
    pub(crate) fn open(path: &Path, keep: Option<u64>, checked: bool) -> Result<JournalWriter, ParError> {
        let file = match keep {
            Some(len) => {
                let file = OpenOptions::new().append(true).open(path).map_err(|e| ParError::io(path, e))?;
                file.set_len(len).map_err(|e| ParError::io(path, e))?;
                file
            }
            None => OpenOptions::new()
                .append(true)
                .create_new(true)
                .open(path)
                .map_err(|e| ParError::io(path, e))?,
        };
        Ok(JournalWriter {
            path: path.to_path_buf(),
            checked,
            file: BufWriter::new(file),
            unsynced: 0,
            last_sync: Instant::now(),
        })
    }

    /// Writes the header line.
    pub(crate) fn header(&mut self, params: &[String], outputs: &[String]) -> Result<(), ParError> {
        write_header(&mut self.file, params, outputs, self.checked).map_err(|e| ParError::io(&self.path, e))
    }

    /// Appends one finished task.
    pub(crate) fn row(&mut self, index: usize, params: &[f64], results: &[f64]) -> Result<(), ParError> {
        self.unsynced += 1;
        write_row(&mut self.file, index, params, results, self.checked)
            .map_err(|e| ParError::io(&self.path, e))
    }

    /// Hands buffered lines to the operating system (they survive the process being killed)
    /// and `fsync`s when a batch is due or `force` is set (they survive a power cut).
    pub(crate) fn flush(&mut self, force: bool) -> Result<(), ParError> {
        self.file.flush().map_err(|e| ParError::io(&self.path, e))?;
        if force
            || self.unsynced >= SYNC_LINES
            || (self.unsynced > 0 && self.last_sync.elapsed() >= SYNC_EVERY)
        {
            self.file.get_ref().sync_data().map_err(|e| ParError::io(&self.path, e))?;
            self.unsynced = 0;
            self.last_sync = Instant::now();
        }
        Ok(())
    }
}
