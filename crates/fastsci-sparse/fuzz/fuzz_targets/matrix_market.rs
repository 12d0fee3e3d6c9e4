//! Fuzz target: the Matrix Market reader must return a matrix or an error, never panic, and
//! what it reads must survive a write/read round trip.
#![no_main]

use fastsci_sparse::mm::{self, MmField, MmFormat, MmHeader, MmSymmetry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((_, coo)) = mm::read(data) else { return };
    // Keep the dense cross-check cheap.
    if coo.nrows().saturating_mul(coo.ncols()) > 1 << 16 {
        return;
    }
    let Ok(a) = coo.to_csr() else { return };
    let header = MmHeader { format: MmFormat::Coordinate, field: MmField::Real, symmetry: MmSymmetry::General };
    let mut text = Vec::new();
    mm::write(&mut text, &a, header).expect("writing to memory succeeds");
    let (_, back) = mm::read(text.as_slice()).expect("our own output reads back");
    let back = back.to_csr().expect("fits");
    assert_eq!(back.shape(), a.shape());
    for (x, y) in back.to_dense().iter().zip(a.to_dense()) {
        assert!(x == &y || (x.is_nan() && y.is_nan()));
    }
});
