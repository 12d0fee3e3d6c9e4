//! Rows for fastsci-par.

use crate::Row;

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![]
}
