//! Fuzz target for the `.npy` header parser: any bytes give a header or an error, never a
//! panic; a header that parses re-encodes to one that parses to the same description.
#![no_main]

use fastsci_array::npy::{header_bytes, parse_header, read_npy_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = parse_header(data) {
        assert!(h.data_offset <= data.len());
        if let Ok(again) = header_bytes(h.dtype, h.byte_order, h.fortran_order, &h.shape, Some(h.version)) {
            let back = parse_header(&again).expect("our own header parses");
            assert_eq!((back.dtype, back.byte_order, back.fortran_order, &back.shape), (h.dtype, h.byte_order, h.fortran_order, &h.shape));
            assert_eq!(back.data_offset % 64, 0);
        }
    }
    // Reading whole arrays must not panic either (and must not allocate what is not there).
    let _ = read_npy_from(&mut &data[..]);
});
