//! The one error type of fastsci-integrate.

/// Why an integration or differentiation could not be attempted.
///
/// These are errors in the *request* (bad limits, tolerances or weights). A method that runs
/// but misses its tolerance is not an error: it returns its result with a status saying so.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IntegrateError {
    /// A limit, tolerance, parameter or array is not acceptable; the text says which and why.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The combination of weight and range is not supported (for example a Cauchy weight on
    /// an infinite range).
    #[error("unsupported: {0}")]
    Unsupported(String),
}
