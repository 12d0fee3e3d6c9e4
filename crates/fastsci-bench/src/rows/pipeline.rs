//! Rows for fastsci-pipeline.

use crate::Row;

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![]
}
