//! Rows for fastsci-jit.

use crate::Row;

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![]
}
