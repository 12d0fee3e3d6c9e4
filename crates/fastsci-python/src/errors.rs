//! Rust errors as the Python exceptions a NumPy/Numba user would catch.

use fastsci_array::ArrayError;
use fastsci_jit::{ErrorKind, JitError};
use pyo3::exceptions::{
    PyFileNotFoundError, PyIndexError, PyKeyboardInterrupt, PyMemoryError, PyOSError, PyRecursionError,
    PyRuntimeError, PyTypeError, PyValueError, PyZeroDivisionError,
};
use pyo3::prelude::*;

pyo3::create_exception!(
    fastsci,
    CompileError,
    PyTypeError,
    "A kernel outside the supported Python subset (a `TypeError`, as Numba's `TypingError` is).\n\n\
     The message names the user's file, line and column, shows the line with a caret under the\n\
     problem and, where one helps, a hint."
);

/// The Python exception for a kernel error: compile errors become [`CompileError`], runtime
/// errors the exception the kernel would raise in CPython (`ZeroDivisionError`, `IndexError`,
/// ...), each naming `file:line:column` with the source line and a caret. The exception gets
/// `filename` and `lineno` attributes too, as `SyntaxError` has.
pub fn jit_error(py: Python<'_>, e: &JitError) -> PyErr {
    let text = e.to_string();
    let err = match e.kind() {
        ErrorKind::Syntax | ErrorKind::Unsupported | ErrorKind::Name | ErrorKind::Type => {
            CompileError::new_err(text)
        }
        ErrorKind::Argument => PyTypeError::new_err(text),
        // Runtime errors, Ctrl-C (`Interrupted`) and internal failures.
        _ => runtime_error(&text, e.message()),
    };
    if e.line() > 0 {
        let value = err.value(py);
        // Attributes for tools that point at the kernel's source; failing to set them on an
        // exception instance cannot happen for these built-in types.
        let _ = value.setattr("filename", e.filename());
        let _ = value.setattr("lineno", e.line());
    }
    err
}

/// A runtime error message starts with the Python exception's name (`ZeroDivisionError: ...`):
/// raise that exception, with the name dropped from the text it would otherwise repeat.
fn runtime_error(text: &str, message: &str) -> PyErr {
    let (name, rest) = message.split_once(": ").unwrap_or(("", message));
    let text = text.replacen(message, rest, 1);
    match name {
        "ZeroDivisionError" => PyZeroDivisionError::new_err(text),
        "IndexError" => PyIndexError::new_err(text),
        "ValueError" => PyValueError::new_err(text),
        "RecursionError" => PyRecursionError::new_err(text),
        "MemoryError" => PyMemoryError::new_err(text),
        "AssertionError" => pyo3::exceptions::PyAssertionError::new_err(text),
        "KeyboardInterrupt" => PyKeyboardInterrupt::new_err(text),
        _ if message.contains("interrupted") => PyKeyboardInterrupt::new_err(text),
        _ => PyRuntimeError::new_err(text),
    }
}

/// The Python exception for an array error: missing files are `FileNotFoundError`, other I/O
/// `OSError`, bad shapes, dtypes, headers and expressions `ValueError`.
pub fn array_error(e: ArrayError) -> PyErr {
    match &e {
        ArrayError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(e.to_string())
        }
        ArrayError::Io { .. } | ArrayError::Stream(_) => PyOSError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}
