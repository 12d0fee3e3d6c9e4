//! The registered rows, one module per area of fastsci.

mod amg;
mod array;
mod integrate;
mod jit;
mod machine;
mod optimize;
mod par;
mod pipeline;
mod sparse;

use crate::Row;

/// Every row, in the order `bench/compare` prints them.
pub fn all() -> Vec<Row> {
    [
        machine::rows(),
        array::rows(),
        jit::rows(),
        par::rows(),
        sparse::rows(),
        amg::rows(),
        integrate::rows(),
        optimize::rows(),
        pipeline::rows(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
