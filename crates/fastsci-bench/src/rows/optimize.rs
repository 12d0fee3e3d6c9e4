//! Rows for fastsci-optimize.

use crate::Row;

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![]
}
