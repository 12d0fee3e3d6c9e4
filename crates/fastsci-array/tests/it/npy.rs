//! .npy round trips with NumPy (fixtures/npy, made by make_npy_fixtures.py) and strict headers.

use fastsci_array::npy::{NpyArray, WriteOptions, header_bytes, parse_header, read_npy, read_npy_from};
use fastsci_array::{ArrayError, ByteOrder, DType, NpyMmap};
use serde_json::Value;

use super::fixture;

fn expected_f64(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Bool(b) => f64::from(u8::from(*b)),
        other => other.as_f64().unwrap(),
    }
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// The values of an array in C order as (re, im) pairs.
fn c_order_values(a: &NpyArray) -> Vec<(f64, f64)> {
    macro_rules! real {
        ($x:expr) => {
            $x.iter().map(|&v| (v as f64, 0.0)).collect()
        };
    }
    match a {
        NpyArray::Bool(x) => x.iter().map(|&v| (f64::from(u8::from(v)), 0.0)).collect(),
        NpyArray::I8(x) => real!(x),
        NpyArray::I16(x) => real!(x),
        NpyArray::I32(x) => real!(x),
        NpyArray::I64(x) => real!(x),
        NpyArray::U8(x) => real!(x),
        NpyArray::U16(x) => real!(x),
        NpyArray::U32(x) => real!(x),
        NpyArray::U64(x) => real!(x),
        NpyArray::F32(x) => real!(x),
        NpyArray::F64(x) => real!(x),
        NpyArray::C64(x) => x.iter().map(|c| (c.re as f64, c.im as f64)).collect(),
        NpyArray::C128(x) => x.iter().map(|c| (c.re, c.im)).collect(),
    }
}

#[test]
fn numpy_files_of_every_dtype_order_endian_and_version_read_and_write_back_identically() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("npy/manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 13 * 2 * 2 * 3);
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let name = f["file"].as_str().unwrap();
        let path = fixture(&format!("npy/{name}"));
        let array = read_npy(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dtype = DType::from_name(f["dtype"].as_str().unwrap()).unwrap();
        assert_eq!(array.dtype(), dtype, "{name}");
        assert_eq!(array.shape(), &[3, 4], "{name}");
        let want = manifest["values"][f["dtype"].as_str().unwrap()].as_array().unwrap();
        let got = c_order_values(&array);
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            let (wr, wi) = match w {
                Value::Array(p) => (expected_f64(&p[0]), expected_f64(&p[1])),
                other => (expected_f64(other), 0.0),
            };
            let (gr, gi) = if dtype == DType::F32 || dtype == DType::C64 {
                (g.0 as f32 as f64, g.1 as f32 as f64)
            } else {
                *g
            };
            let (wr, wi) = if dtype == DType::F32 || dtype == DType::C64 {
                (wr as f32 as f64, wi as f32 as f64)
            } else {
                (wr, wi)
            };
            assert!(same(gr, wr) && same(gi, wi), "{name}[{k}]: got {g:?}, want ({wr}, {wi})");
        }
        // Header details.
        let bytes = std::fs::read(&path).unwrap();
        let h = parse_header(&bytes).unwrap();
        let v = f["version"].as_array().unwrap();
        assert_eq!(h.version, (v[0].as_u64().unwrap() as u8, v[1].as_u64().unwrap() as u8));
        assert_eq!(h.fortran_order, f["order"] == "F");
        // Write back with the same options: the bytes must equal NumPy's.
        let options = WriteOptions {
            version: Some(h.version),
            byte_order: if dtype.size() == 1 {
                ByteOrder::NATIVE
            } else if f["endian"] == "<" {
                ByteOrder::Little
            } else {
                ByteOrder::Big
            },
            fortran_order: h.fortran_order,
        };
        let out = dir.path().join(name);
        array.write(&out, &options).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), bytes, "{name}: bytes differ from NumPy's");
        // Mapped reading sees the same values.
        if dtype.is_real() {
            let m = NpyMmap::open(&path).unwrap();
            let raw = m.raw();
            let mut buf = vec![0.0; 12];
            let file_order = raw.block_f64(0, 12, &mut buf).to_vec();
            let got_c: Vec<f64> = got.iter().map(|g| g.0).collect();
            for i in 0..3 {
                for j in 0..4 {
                    let k = if h.fortran_order { j * 3 + i } else { i * 4 + j };
                    assert!(same(file_order[k], got_c[i * 4 + j]) || dtype == DType::F32, "{name} mapped");
                }
            }
        }
    }
}

fn header_with(dict: &str) -> Vec<u8> {
    let mut v = b"\x93NUMPY\x01\x00".to_vec();
    let mut d = dict.as_bytes().to_vec();
    d.push(b'\n');
    v.extend_from_slice(&(d.len() as u16).to_le_bytes());
    v.extend_from_slice(&d);
    v
}

#[test]
fn malformed_headers_are_rejected_with_a_clear_message() {
    let good = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    assert!(parse_header(&header_with(good)).is_ok());
    let mut cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "too short"),
        (b"\x93NUMPX\x01\x00\x10\x00".to_vec(), "magic"),
        (b"\x93NUMPY\x04\x00\x10\x00".to_vec(), "unsupported format version 4.0"),
        (b"\x93NUMPY\x01\x01\x10\x00".to_vec(), "unsupported format version 1.1"),
        (b"\x93NUMPY\x02\x00\x10".to_vec(), "truncated preamble"),
        (b"\x93NUMPY\x01\x00\xff\x00{'descr'".to_vec(), "truncated header"),
        (b"\x93NUMPY\x02\x00\xff\xff\xff\x7f".to_vec(), "exceeds the limit"),
        (b"\x93NUMPY\x03\x00\x04\x00\x00\x00\xff\xfe\xfd\n".to_vec(), "UTF-8"),
    ];
    let dicts: Vec<(&str, &str)> = vec![
        ("", "expected '{'"),
        ("[1, 2]", "expected '{'"),
        ("{'descr': '<f8', 'fortran_order': False}", "missing key 'shape'"),
        ("{'descr': '<f8', 'shape': (3,)}", "missing key 'fortran_order'"),
        ("{'fortran_order': False, 'shape': (3,)}", "missing key 'descr'"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}", "unknown key 'extra'"),
        ("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", "appears twice"),
        ("{'descr': '<f16', 'fortran_order': False, 'shape': (3,)}", "unsupported dtype"),
        ("{'descr': '<U8', 'fortran_order': False, 'shape': (3,)}", "unsupported dtype"),
        ("{'descr': 'f8', 'fortran_order': False, 'shape': (3,)}", "byte-order"),
        ("{'descr': '|f8', 'fortran_order': False, 'shape': (3,)}", "only valid for 1-byte"),
        ("{'descr': '<fx', 'fortran_order': False, 'shape': (3,)}", "item size"),
        ("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,)}", "structured"),
        ("{'descr': 8, 'fortran_order': False, 'shape': (3,)}", "must be a string"),
        ("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}", "True or False"),
        ("{'descr': '<f8', 'fortran_order': false, 'shape': (3,)}", "unknown name"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': [3]}", "must be a tuple"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}", "negative"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3.5,)}", "not a non-negative integer"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': ('3',)}", "must hold integers"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } junk", "only padding"),
        ("{'descr': '<f8' 'fortran_order': False, 'shape': (3,)}", "expected ','"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4", "expected ',' or ')'"),
        ("{'descr: '<f8', 'fortran_order': False, 'shape': (3,)}", "expected ':'"),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999999)}",
            "too large",
        ),
        (
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000000000000000000000000000000,)}",
            "too large",
        ),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)", "expected"),
        ("{\"descr\": \"<f8\\x\", 'fortran_order': False, 'shape': (3,)}", "escape"),
    ];
    for (d, why) in &dicts {
        cases.push((header_with(d), why));
    }
    assert!(cases.len() >= 30);
    for (bytes, why) in &cases {
        match parse_header(bytes) {
            Err(ArrayError::Header(m)) => {
                assert!(m.contains(why), "{:?}: message {m:?} lacks {why:?}", String::from_utf8_lossy(bytes))
            }
            other => panic!("{:?}: expected a header error, got {other:?}", String::from_utf8_lossy(bytes)),
        }
        // The stream reader gives the same verdict and never panics.
        assert!(read_npy_from(&mut &bytes[..]).is_err());
    }
}

#[test]
fn truncated_data_is_reported_with_sizes() {
    let mut bytes = header_bytes(DType::F64, ByteOrder::Little, false, &[10], None).unwrap();
    bytes.extend_from_slice(&[0u8; 40]);
    match read_npy_from(&mut &bytes[..]) {
        Err(ArrayError::Truncated { expected, found }) => assert_eq!((expected, found), (80, 40)),
        other => panic!("{other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.npy");
    std::fs::write(&p, &bytes).unwrap();
    assert!(matches!(NpyMmap::open(&p), Err(ArrayError::Truncated { .. })));
    assert!(matches!(read_npy(dir.path().join("missing.npy")), Err(ArrayError::Io { .. })));
}

#[test]
fn zero_d_and_empty_arrays_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let scalar = ndarray::arr0(2.5f64).into_dyn();
    let empty = ndarray::Array2::<i32>::zeros((0, 3)).into_dyn();
    let p = dir.path().join("s.npy");
    fastsci_array::write_npy(&p, &scalar).unwrap();
    assert_eq!(fastsci_array::read_npy_as::<f64>(&p).unwrap(), scalar);
    fastsci_array::write_npy(&p, &empty).unwrap();
    assert_eq!(fastsci_array::read_npy_as::<i32>(&p).unwrap(), empty);
    assert!(fastsci_array::read_npy_as::<f64>(&p).is_err());
    let m = NpyMmap::open(&p).unwrap();
    assert_eq!(m.header().shape, vec![0, 3]);
}
