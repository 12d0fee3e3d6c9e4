//! # fastsci-par: parallel map and parameter sweeps
//!
//! Runs independent tasks on every core with microsecond overhead, in input order, with a
//! progress bar, per-task failures kept, cancellation, and sweeps that resume where they stopped.
