//! The crate's one error type: compile errors with `file:line:column`, the source line and a
//! caret, and runtime errors (index out of range, division by zero) naming the source line.

use std::fmt;

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The source is not valid Python.
    Syntax,
    /// Valid Python outside the supported subset.
    Unsupported,
    /// A name that is not defined (variable, function, math function).
    Name,
    /// Types that do not fit together (indexing a scalar, adding an array, ...).
    Type,
    /// Wrong arguments given from Rust (count, types).
    Argument,
    /// An error raised while the compiled code ran (like a Python exception).
    Runtime,
    /// The call was cancelled through its cancel flag (see `Function::call_raw`); the
    /// position is the loop that noticed.
    Interrupted,
    /// A failure inside the code generator; this can only mean a bug in fastsci-jit.
    Internal,
}

/// An error in source text: from parsing or checking a formula or kernel, or (through
/// fastsci-jit, as `JitError`) from compiling or running one.
///
/// `Display` gives `[FILE:]LINE:COL: message`, then the source line and a caret under the
/// column, so users see exactly where the problem is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub struct SourceError {
    kind: ErrorKind,
    filename: Option<String>,
    line: usize,
    column: usize,
    message: String,
    source_line: String,
}

impl SourceError {
    /// An error at byte offset `offset` of `source`.
    pub fn at(kind: ErrorKind, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(source.len());
        let mut start = offset;
        while start > 0 && !source.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = source[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = source[line_start..].find('\n').map_or(source.len(), |p| line_start + p);
        let line = source[..line_start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        SourceError {
            kind,
            filename: None,
            line,
            column,
            message: message.into(),
            source_line: source[line_start..line_end].trim_end_matches('\r').to_string(),
        }
    }

    /// An error that has no position (wrong arguments from Rust, internal failures).
    pub fn plain(kind: ErrorKind, message: impl Into<String>) -> Self {
        SourceError {
            kind,
            filename: None,
            line: 0,
            column: 0,
            message: message.into(),
            source_line: String::new(),
        }
    }

    /// The same error, naming `filename` (an empty name leaves it unnamed).
    pub fn with_filename(mut self, filename: &str) -> Self {
        if !filename.is_empty() {
            self.filename = Some(filename.to_string());
        }
        self
    }

    /// Moves the error to `line` of `filename` (errors in one snippet of a module made of
    /// several, see `Module::compile_parts`).
    pub fn relocated(mut self, filename: &str, line: usize) -> Self {
        self.line = line;
        self.with_filename(filename)
    }

    /// The broad kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// 1-based line number (0 when the error has no position).
    pub fn line(&self) -> usize {
        self.line
    }
    /// 1-based column, counted in characters (0 when the error has no position).
    pub fn column(&self) -> usize {
        self.column
    }
    /// The message alone, without position or source line.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The file name given at compile time, if any.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }
    /// The source line the error points into.
    pub fn source_line(&self) -> &str {
        &self.source_line
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            if let Some(name) = &self.filename {
                write!(f, "{name}: ")?;
            }
            return write!(f, "{}", self.message);
        }
        if let Some(name) = &self.filename {
            write!(f, "{name}:")?;
        }
        write!(f, "{}:{}: {}", self.line, self.column, self.message)?;
        if !self.source_line.is_empty() {
            let (shown, caret_at) = excerpt(&self.source_line, self.column.saturating_sub(1));
            let pad: String =
                shown.chars().take(caret_at).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n  {shown}\n  {pad}^")?;
        }
        Ok(())
    }
}

/// At most this many characters of a source line are echoed under an error: a generated
/// formula can be one line of megabytes, and the message must stay one screen.
const EXCERPT_CHARS: usize = 120;

/// The part of `line` shown under an error pointing at character `at`: the whole line when it
/// is short, else a window around `at` with `...` where it was cut; and the caret's position
/// in what is shown.
fn excerpt(line: &str, at: usize) -> (String, usize) {
    let len = line.chars().count();
    if len <= EXCERPT_CHARS {
        return (line.to_string(), at);
    }
    let start = at.saturating_sub(EXCERPT_CHARS / 2).min(len - EXCERPT_CHARS);
    let window: String = line.chars().skip(start).take(EXCERPT_CHARS).collect();
    let head = if start > 0 { "..." } else { "" };
    let tail = if start + EXCERPT_CHARS < len { "..." } else { "" };
    (format!("{head}{window}{tail}"), head.len() + at - start)
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn long_lines_are_echoed_as_a_window_around_the_caret() {
        assert_eq!(excerpt("x = 1", 4), ("x = 1".to_string(), 4));
        let line = format!("{}x{}", "-".repeat(1000), "+".repeat(1000));
        let (shown, caret) = excerpt(&line, 1000);
        assert_eq!(shown.chars().count(), 120 + 6);
        assert!(shown.starts_with("...") && shown.ends_with("..."));
        assert_eq!(shown.chars().nth(caret), Some('x'));
        let (start, caret) = excerpt(&line, 3);
        assert!(!start.starts_with("...") && start.ends_with("..."));
        assert_eq!(caret, 3);
        let (end, caret) = excerpt(&line, 2000);
        assert!(end.starts_with("...") && !end.ends_with("..."));
        assert_eq!(end.chars().nth(caret), Some('+'));
    }
}
