//! The one error type of this crate.

/// What can go wrong before a solver starts (bad arguments) or while it runs.
///
/// A solver that runs but misses its tolerance is *not* an error: it returns a result with
/// `success == false` and a message, as SciPy does.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OptimizeError {
    /// The starting point is empty.
    #[error("the starting point x0 is empty")]
    EmptyStart,
    /// Two arguments disagree in length.
    #[error("{what}: expected length {expected}, got {got}")]
    LengthMismatch {
        /// Which argument.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A lower bound exceeds its upper bound, or a bound is NaN.
    #[error("bounds of variable {index} are invalid: lower {lower} > upper {upper} or NaN")]
    InvalidBounds {
        /// Index of the variable.
        index: usize,
        /// Its lower bound.
        lower: f64,
        /// Its upper bound.
        upper: f64,
    },
    /// A bracket does not enclose a sign change.
    #[error("f(a) and f(b) must have different signs (f(a) = {fa}, f(b) = {fb})")]
    NoSignChange {
        /// f at the left end.
        fa: f64,
        /// f at the right end.
        fb: f64,
    },
    /// An option or argument has a value the method cannot use.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The method needs something that was not supplied (for example a derivative).
    #[error("{method} needs {what}")]
    Missing {
        /// The method.
        method: &'static str,
        /// What it needs.
        what: &'static str,
    },
    /// The function returned NaN or infinity where a finite value is required to start.
    #[error("the function is not finite at the starting point")]
    NotFinite,
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, OptimizeError>;
