//! Integration tests of fastsci-sparse against stored SciPy fixtures (see
//! `tests/fixtures/make_fixtures.py`), plus malformed Matrix Market inputs.

use std::path::PathBuf;

use fastsci_sparse::krylov::{self, IterativeOptions, LsqrOptions};
use fastsci_sparse::mm::{self, MmField, MmFormat, MmHeader, MmSymmetry};
use fastsci_sparse::precond::{Identity, PrecondKind};
use fastsci_sparse::solve::{SolveMethod, solve};
use fastsci_sparse::{CooMatrix, CscMatrix, CsrMatrix, SparseError};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

fn ints(v: &Value) -> Vec<usize> {
    v.as_array().expect("array").iter().map(|x| x.as_u64().expect("integer") as usize).collect()
}

fn csr_from(v: &Value) -> CsrMatrix {
    let shape = ints(&v["shape"]);
    CsrMatrix::new(shape[0], shape[1], ints(&v["indptr"]), ints(&v["indices"]), floats(&v["data"]))
        .expect("valid CSR")
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    let scale = want.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol * scale, "{what}[{k}]: got {g}, want {w}");
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

mod conversions {
    use super::*;

    fn coo() -> (Value, CooMatrix) {
        let f = load("conversions.json");
        let shape = ints(&f["shape"]);
        let coo = CooMatrix::from_triplets(
            shape[0],
            shape[1],
            ints(&f["rows"]),
            ints(&f["cols"]),
            floats(&f["vals"]),
        )
        .expect("valid triplets");
        (f, coo)
    }

    #[test]
    fn coo_to_csr_sums_duplicates_and_sorts_like_scipy() {
        let (f, coo) = coo();
        let csr = coo.to_csr().unwrap();
        assert_eq!(csr.indptr().to_usize(), ints(&f["csr"]["indptr"]));
        assert_eq!(csr.indices().to_usize(), ints(&f["csr"]["indices"]));
        assert_close(csr.data(), &floats(&f["csr"]["data"]), 1e-15, "csr data");
        assert_eq!(csr.nnz(), f["nnz"].as_u64().unwrap() as usize);
        assert_eq!(csr.index_width_bytes(), (4, 4));
    }

    #[test]
    fn coo_to_csc_matches_scipy() {
        let (f, coo) = coo();
        let csc = coo.to_csc().unwrap();
        assert_eq!(csc.indptr().to_usize(), ints(&f["csc"]["indptr"]));
        assert_eq!(csc.indices().to_usize(), ints(&f["csc"]["indices"]));
        assert_close(csc.data(), &floats(&f["csc"]["data"]), 1e-15, "csc data");
        assert_eq!(CsrMatrix::from(&csc), coo.to_csr().unwrap());
        assert_eq!(csc.to_csr().unwrap().to_csc(), csc);
    }

    #[test]
    fn dense_transpose_diagonal_and_slices_match_scipy() {
        let (f, coo) = coo();
        let csr = coo.to_csr().unwrap();
        let want = floats(&f["dense"]);
        assert_close(&csr.to_dense(), &want, 1e-15, "dense");
        assert_close(&coo.to_dense(), &want, 1e-15, "coo dense");
        assert_close(&csr.to_csc().to_dense(), &want, 1e-15, "csc dense");
        assert_close(&csr.transpose().to_dense(), &floats(&f["transpose_dense"]), 1e-15, "transpose");
        assert_close(&csr.diagonal(), &floats(&f["diagonal"]), 1e-15, "diagonal");
        assert_close(&csr.slice_rows(2, 5).unwrap().to_dense(), &floats(&f["rows_2_5"]), 1e-15, "rows");
        assert_close(&csr.slice_cols(1, 4).unwrap().to_dense(), &floats(&f["cols_1_4"]), 1e-15, "cols");
        let csc = csr.to_csc();
        assert_close(&csc.slice_rows(2, 5).unwrap().to_dense(), &floats(&f["rows_2_5"]), 1e-15, "csc rows");
        assert_close(&csc.slice_cols(1, 4).unwrap().to_dense(), &floats(&f["cols_1_4"]), 1e-15, "csc cols");
        // Dense round trip drops nothing and adds nothing.
        let back = CsrMatrix::from_dense(7, 5, &want).unwrap();
        assert_eq!(back.to_dense(), want);
        assert_eq!(CscMatrix::from_dense(7, 5, &want).unwrap().to_dense(), want);
        assert_eq!(csr.to_coo().to_csr().unwrap(), csr);
    }

    #[test]
    fn bad_shapes_and_indices_are_errors() {
        assert!(matches!(CooMatrix::new(2, 2).push(2, 0, 1.0), Err(SparseError::IndexOutOfBounds(_))));
        assert!(CsrMatrix::from_dense(2, 2, &[1.0; 3]).is_err());
        assert!(CsrMatrix::new(2, 2, vec![0, 1], vec![0], vec![1.0]).is_err());
        assert!(CsrMatrix::new(2, 2, vec![0, 1, 1], vec![2], vec![1.0]).is_err());
        assert!(CsrMatrix::new(2, 2, vec![0, 2, 1], vec![0, 1], vec![1.0, 1.0]).is_err());
        assert!(fastsci_sparse::eye(3).slice_rows(2, 5).is_err());
        // Unsorted input with duplicates is made canonical.
        let m = CsrMatrix::new(1, 3, vec![0, 3], vec![2, 0, 2], vec![1.0, 2.0, 3.0]).unwrap();
        assert_eq!(m.indices().to_usize(), vec![0, 2]);
        assert_eq!(m.data(), &[2.0, 4.0]);
    }

    #[test]
    fn indices_past_32_bits_switch_to_64_bit_storage() {
        // A 2 x 5e9 matrix: column indices no longer fit in u32 and are stored as u64.
        let wide = 5_000_000_000usize;
        let a = CsrMatrix::new(2, wide, vec![0, 1, 2], vec![wide - 1, 7], vec![1.5, -2.0]).unwrap();
        assert_eq!(a.index_width_bytes(), (8, 4));
        assert_eq!(a.get(0, wide - 1), 1.5);
        assert_eq!(a.get(1, 7), -2.0);
        assert_eq!(a.indices().to_usize(), vec![wide - 1, 7]);
        assert_eq!(a.memory_bytes(), 2 * (8 + 8) + 3 * 4);
        let coo = a.to_coo();
        assert_eq!(coo.cols(), &[wide - 1, 7]);
        assert_eq!(a.slice_cols(wide - 10, wide).unwrap().get(0, 9), 1.5);
        // Sizes that overflow are errors, not wrapped values.
        let wide_row = CsrMatrix::zeros(1, 1 << 40);
        assert!(matches!(fastsci_sparse::kron(&wide_row, &wide_row), Err(SparseError::IndexOverflow(_))));
        assert!(matches!(fastsci_sparse::laplacian(&[1 << 40, 1 << 40]), Err(SparseError::IndexOverflow(_))));
    }

    #[test]
    fn memory_counts_index_width() {
        let a = fastsci_sparse::laplacian_2d(10, 10).unwrap();
        assert_eq!(a.memory_bytes(), a.nnz() * (8 + 4) + (a.nrows() + 1) * 4);
        assert!(a.is_symmetric(0.0));
        let empty = CsrMatrix::zeros(0, 0);
        assert_eq!(empty.nnz(), 0);
        assert_eq!(empty.mul_vec(&[]).unwrap(), Vec::<f64>::new());
    }
}

mod products {
    use super::*;

    #[test]
    fn spmv_and_transposed_spmv_equal_scipy() {
        let f = load("products.json");
        let a = csr_from(&f["a"]);
        assert_close(&a.mul_vec(&floats(&f["x"])).unwrap(), &floats(&f["ax"]), 1e-14, "A x");
        assert_close(&a.mul_vec_transpose(&floats(&f["x2"])).unwrap(), &floats(&f["atx2"]), 1e-14, "A^T x");
        let csc = a.to_csc();
        assert_close(&csc.mul_vec(&floats(&f["x"])).unwrap(), &floats(&f["ax"]), 1e-14, "CSC A x");
        assert_close(
            &csc.mul_vec_transpose(&floats(&f["x2"])).unwrap(),
            &floats(&f["atx2"]),
            1e-14,
            "CSC A^T x",
        );
        assert_close(&a.mul_dense(&floats(&f["d"]), 3).unwrap(), &floats(&f["ad"]), 1e-14, "A D");
        assert!(a.mul_vec(&[1.0; 3]).is_err());
    }

    #[test]
    fn spmv_equals_dense_product_on_large_parallel_matrices() {
        // Big enough to take the multi-threaded path, with rows of very different lengths.
        let a = fastsci_sparse::random(3000, 2000, 0.02, 11).unwrap();
        let mut coo = a.to_coo();
        for j in 0..2000 {
            coo.push(5, j, 1.0).unwrap(); // one dense row
        }
        let a = coo.to_csr().unwrap();
        let x: Vec<f64> = (0..2000).map(|i| ((i * 7919) % 101) as f64 / 101.0 - 0.5).collect();
        let dense = a.to_dense();
        let want: Vec<f64> = (0..3000).map(|i| (0..2000).map(|j| dense[i * 2000 + j] * x[j]).sum()).collect();
        assert_close(&a.mul_vec(&x).unwrap(), &want, 1e-12, "parallel SpMV");
        let xt: Vec<f64> = (0..3000).map(|i| (i % 13) as f64 - 6.0).collect();
        let want_t: Vec<f64> =
            (0..2000).map(|j| (0..3000).map(|i| dense[i * 2000 + j] * xt[i]).sum()).collect();
        assert_close(&a.mul_vec_transpose(&xt).unwrap(), &want_t, 1e-12, "parallel transposed SpMV");
    }

    #[test]
    fn sums_products_and_builders_match_scipy() {
        let f = load("products.json");
        let (a, b, c) = (csr_from(&f["a"]), csr_from(&f["b"]), csr_from(&f["c"]));
        assert_close(&a.add(&b).unwrap().to_dense(), &floats(&f["a_plus_b"]), 1e-15, "A + B");
        assert_close(
            &a.linear_combination(1.0, &b, -2.0).unwrap().to_dense(),
            &floats(&f["a_minus_2b"]),
            1e-15,
            "A - 2B",
        );
        assert_close(&a.sub(&b.scale(2.0)).unwrap().to_dense(), &floats(&f["a_minus_2b"]), 1e-15, "A - 2B");
        assert_close(&a.matmul(&c).unwrap().to_dense(), &floats(&f["a_times_c"]), 1e-14, "A C");
        assert_close(
            &a.mul_elementwise(&b).unwrap().to_dense(),
            &floats(&f["a_hadamard_b"]),
            1e-15,
            "A .* B",
        );
        assert!(a.matmul(&a).is_err());
        let s1 = CsrMatrix::from_dense(2, 3, &[1.0, 0.0, 2.0, 0.0, 3.0, 0.0]).unwrap();
        let s2 = CsrMatrix::from_dense(3, 2, &[0.0, 4.0, 5.0, 0.0, 0.0, 6.0]).unwrap();
        assert_eq!(fastsci_sparse::kron(&s1, &s2).unwrap().to_dense(), floats(&f["kron_small"]));
        assert_eq!(fastsci_sparse::laplacian_1d(5).unwrap().to_dense(), floats(&f["lap1d_5"]));
        assert_eq!(fastsci_sparse::laplacian_2d(3, 4).unwrap().to_dense(), floats(&f["lap2d_3_4"]));
        assert_eq!(fastsci_sparse::laplacian_3d(2, 3, 2).unwrap().to_dense(), floats(&f["lap3d_2_3_2"]));
        let d = fastsci_sparse::diags(
            &[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0, 7.0], vec![8.0, 9.0, 10.0, 11.0]],
            &[-1, 0, 1],
            4,
            5,
        )
        .unwrap();
        assert_eq!(d.to_dense(), floats(&f["diags_4x5"]));
        assert!(fastsci_sparse::diags(&[vec![1.0, 2.0]], &[0], 3, 3).is_err());
    }

    #[test]
    fn stacking_and_blocks() {
        let i2 = fastsci_sparse::eye(2);
        let r = CsrMatrix::from_dense(2, 1, &[3.0, 4.0]).unwrap();
        let h = fastsci_sparse::hstack(&[&i2, &r]).unwrap();
        assert_eq!(h.to_dense(), vec![1.0, 0.0, 3.0, 0.0, 1.0, 4.0]);
        let v = fastsci_sparse::vstack(&[&i2, &r.transpose()]).unwrap();
        assert_eq!(v.to_dense(), vec![1.0, 0.0, 0.0, 1.0, 3.0, 4.0]);
        assert!(fastsci_sparse::hstack(&[&i2, &r.transpose()]).is_err());
        let b = fastsci_sparse::block(&[vec![Some(&i2), None], vec![None, Some(&r)]]).unwrap();
        assert_eq!(b.shape(), (4, 3));
        assert!(fastsci_sparse::block(&[vec![None]]).is_err());
    }

    #[test]
    fn random_is_seeded_and_has_the_density() {
        let a = fastsci_sparse::random(200, 300, 0.05, 3).unwrap();
        assert_eq!(a.nnz(), 3000);
        assert_eq!(a, fastsci_sparse::random(200, 300, 0.05, 3).unwrap());
        assert_ne!(a, fastsci_sparse::random(200, 300, 0.05, 4).unwrap());
        assert!(a.data().iter().all(|&v| (0.0..1.0).contains(&v)));
        assert_eq!(fastsci_sparse::random(10, 10, 1.0, 1).unwrap().nnz(), 100);
        assert!(fastsci_sparse::random(10, 10, 1.5, 1).is_err());
    }

    #[test]
    fn lsqr_matches_numpy_lstsq() {
        let f = load("products.json");
        let a = csr_from(&f["lsq"]);
        let opts = LsqrOptions { atol: 1e-12, btol: 1e-12, ..LsqrOptions::default() };
        let res = krylov::lsqr(&a, &floats(&f["lsq"]["b"]), &opts).unwrap();
        assert!(res.success(), "istop {}", res.status.code());
        assert_close(&res.x, &floats(&f["lsq"]["x"]), 1e-8, "lsqr x");
    }
}

mod matrix_market {
    use super::*;

    #[test]
    fn reads_every_kind_scipy_writes() {
        let f = load("mm_expected.json");
        for (name, want) in f.as_object().unwrap() {
            let a =
                mm::read_path(fixture(&format!("mm_{name}.mtx"))).unwrap_or_else(|e| panic!("{name}: {e}"));
            let shape = ints(&want["shape"]);
            assert_eq!((a.nrows(), a.ncols()), (shape[0], shape[1]), "{name}");
            // scipy.io.mmwrite itself can round the last digit (it writes 1.4967371655185109
            // as ...107), so values are compared to one ulp; our own round trips are exact.
            assert_close(&a.to_dense(), &floats(&want["dense"]), 4e-16, name);
        }
    }

    #[test]
    fn round_trips_in_every_layout() {
        let f = load("mm_expected.json");
        for name in f.as_object().unwrap().keys() {
            let a = mm::read_path(fixture(&format!("mm_{name}.mtx"))).unwrap();
            let square = a.nrows() == a.ncols();
            let mut headers = vec![
                (MmFormat::Coordinate, MmField::Real, MmSymmetry::General),
                (MmFormat::Array, MmField::Real, MmSymmetry::General),
            ];
            if square && a.is_symmetric(0.0) {
                headers.push((MmFormat::Coordinate, MmField::Real, MmSymmetry::Symmetric));
                headers.push((MmFormat::Array, MmField::Real, MmSymmetry::Symmetric));
            }
            if square && a.add(&a.transpose()).unwrap().nnz() == 0 {
                headers.push((MmFormat::Coordinate, MmField::Real, MmSymmetry::SkewSymmetric));
                headers.push((MmFormat::Array, MmField::Real, MmSymmetry::SkewSymmetric));
            }
            if name.starts_with("integer") {
                headers.push((MmFormat::Coordinate, MmField::Integer, MmSymmetry::General));
            }
            if name.starts_with("pattern") {
                headers.push((MmFormat::Coordinate, MmField::Pattern, MmSymmetry::General));
            }
            for (format, field, symmetry) in headers {
                let mut text = Vec::new();
                mm::write(&mut text, &a, MmHeader { format, field, symmetry }).unwrap();
                let (h, back) = mm::read(text.as_slice()).unwrap();
                assert_eq!((h.format, h.field, h.symmetry), (format, field, symmetry));
                assert_eq!(back.to_csr().unwrap(), a, "{name} {format:?} {symmetry:?}");
            }
        }
    }

    #[test]
    fn file_round_trip_is_exact_for_awkward_values() {
        let a = CsrMatrix::from_dense(2, 2, &[1e-300, -0.1, f64::MAX, 1.0 / 3.0]).unwrap();
        let dir = std::env::temp_dir().join(format!("fastsci-sparse-mm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.mtx");
        mm::write_path(&path, &a).unwrap();
        assert_eq!(mm::read_path(&path).unwrap(), a);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_target_as_it_was() {
        let a = CsrMatrix::from_dense(2, 2, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        let dir = std::env::temp_dir().join(format!("fastsci-sparse-mm-fail-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("taken")).unwrap();
        // A directory where the file should go: the rename fails, nothing is left behind.
        assert!(mm::write_path(dir.join("taken"), &a).is_err());
        assert!(dir.join("taken").is_dir());
        // An existing file is replaced whole; no temporary remains.
        let path = dir.join("a.mtx");
        std::fs::write(&path, "old").unwrap();
        mm::write_path(&path, &a).unwrap();
        assert_eq!(mm::read_path(&path).unwrap(), a);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn accepts_fortran_exponents_comments_and_blank_lines() {
        let text =
            "%%MatrixMarket matrix coordinate real general\n%c\n\n2 2 2\n% mid\n1 1 1.5D+01\n\n2 2 -2d0\n";
        let (_, a) = mm::read(text.as_bytes()).unwrap();
        assert_eq!(a.to_dense(), vec![15.0, 0.0, 0.0, -2.0]);
    }

    /// (what, text, line of the error, words the message must contain)
    const MALFORMED: &[(&str, &str, usize, &str)] = &[
        ("empty file", "", 1, "empty"),
        ("no header", "3 3 1\n1 1 1.0\n", 1, "header"),
        ("header too short", "%%MatrixMarket matrix coordinate real\n1 1 1\n1 1 1\n", 1, "5"),
        ("not a matrix", "%%MatrixMarket vector coordinate real general\n", 1, "vector"),
        ("unknown format", "%%MatrixMarket matrix sparse real general\n", 1, "sparse"),
        ("unknown field", "%%MatrixMarket matrix coordinate quaternion general\n", 1, "quaternion"),
        ("complex field", "%%MatrixMarket matrix coordinate complex general\n", 1, "complex"),
        ("unknown symmetry", "%%MatrixMarket matrix coordinate real diagonal\n", 1, "diagonal"),
        ("hermitian", "%%MatrixMarket matrix coordinate real hermitian\n", 1, "hermitian"),
        ("pattern array", "%%MatrixMarket matrix array pattern general\n", 1, "pattern"),
        (
            "missing size line",
            "%%MatrixMarket matrix coordinate real general\n% only a comment\n",
            2,
            "size line",
        ),
        ("size not a number", "%%MatrixMarket matrix coordinate real general\n3 x 1\n", 2, "'x'"),
        ("negative size", "%%MatrixMarket matrix coordinate real general\n-3 3 1\n", 2, "'-3'"),
        ("size wrong count", "%%MatrixMarket matrix coordinate real general\n3 3\n", 2, "expected 3"),
        (
            "too many entries for shape",
            "%%MatrixMarket matrix coordinate real general\n2 2 5\n",
            2,
            "cannot fit",
        ),
        (
            "row index zero",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1.0\n",
            3,
            "row index 0",
        ),
        (
            "row out of range",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1.0\n",
            3,
            "row index 3",
        ),
        (
            "column out of range",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 9 1.0\n",
            3,
            "column index 9",
        ),
        ("bad value", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n", 3, "'abc'"),
        (
            "fraction in integer",
            "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n",
            3,
            "integer",
        ),
        ("missing value", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n", 3, "2 fields"),
        (
            "value in pattern",
            "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 4.0\n",
            3,
            "3 fields",
        ),
        ("too few entries", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n", 4, "1 of 2"),
        (
            "too many entries",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1.0\n2 2 1.0\n",
            4,
            "more entries",
        ),
        (
            "symmetric not square",
            "%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1.0\n",
            2,
            "square",
        ),
        (
            "upper entry in symmetric",
            "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1.0\n",
            3,
            "above",
        ),
        (
            "diagonal in skew",
            "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1.0\n",
            3,
            "skew",
        ),
        ("array too short", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", 6, "3 of 4"),
        ("array two values a line", "%%MatrixMarket matrix array real general\n1 2\n1 2\n", 3, "expected 1"),
        (
            "huge array, one value",
            "%%MatrixMarket matrix array real general\n100000 100000\n1\n",
            4,
            "1 of 10000000000",
        ),
        (
            "huge coordinate, one entry",
            "%%MatrixMarket matrix coordinate real general\n100000 100000 999999999\n1 1 1\n",
            4,
            "1 of 999999999",
        ),
        ("array too long", "%%MatrixMarket matrix array real general\n1 1\n1\n2\n", 4, "more values"),
    ];

    #[test]
    fn malformed_files_give_line_numbered_errors() {
        assert!(MALFORMED.len() >= 15);
        for &(what, text, line, needle) in MALFORMED {
            match mm::read(text.as_bytes()) {
                Err(SparseError::MatrixMarket { line: got, message }) => {
                    assert_eq!(got, line, "{what}: wrong line in '{message}'");
                    assert!(message.contains(needle), "{what}: '{message}' lacks '{needle}'");
                    let shown = SparseError::MatrixMarket { line: got, message }.to_string();
                    assert!(shown.starts_with(&format!("Matrix Market line {line}:")), "{what}: {shown}");
                }
                other => panic!("{what}: expected a Matrix Market error, got {other:?}"),
            }
        }
    }
}

mod solvers {
    use super::*;

    fn solve_cases() -> Vec<(String, Value, CsrMatrix)> {
        let f = load("solve_expected.json");
        f.as_object()
            .unwrap()
            .iter()
            .map(|(name, v)| {
                (name.clone(), v.clone(), mm::read_path(fixture(&format!("solve_{name}.mtx"))).unwrap())
            })
            .collect()
    }

    fn preconditioner_for(method: SolveMethod, kind: &str, a: &CsrMatrix) -> PrecondKind {
        let zero_diagonal = a.diagonal().contains(&0.0);
        match (method, kind) {
            (SolveMethod::Gmres | SolveMethod::Bicgstab, _) if zero_diagonal => PrecondKind::None,
            (SolveMethod::Cg, "ill-conditioned") => PrecondKind::Jacobi,
            (SolveMethod::Cg, _) => PrecondKind::Ic0,
            (SolveMethod::Gmres | SolveMethod::Bicgstab, _) => PrecondKind::Ilu0,
            (SolveMethod::Minres, "spd") => PrecondKind::Jacobi,
            _ => PrecondKind::None,
        }
    }

    /// How many times cond·ε a direct solve may differ from SciPy's (both sides' errors).
    const DIRECT_ERROR_FACTOR: f64 = 10.0;

    #[test]
    fn at_least_ten_matrices_of_every_kind_solve_to_the_requested_residual() {
        let cases = solve_cases();
        assert!(cases.len() >= 10);
        let kinds: std::collections::BTreeSet<String> =
            cases.iter().map(|(_, v, _)| v["kind"].as_str().unwrap().to_string()).collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        for (name, v, a) in &cases {
            let b = floats(&v["b"]);
            let x_scipy = floats(&v["x"]);
            let cond = v["cond"].as_f64().unwrap();
            let kind = v["kind"].as_str().unwrap();
            for m in v["methods"].as_array().unwrap() {
                let method: SolveMethod = m.as_str().unwrap().parse().unwrap();
                let direct = matches!(method, SolveMethod::Auto | SolveMethod::Lu | SolveMethod::Cholesky);
                let rtol = if direct { 1e-10 } else { 1e-8 };
                let precond = preconditioner_for(method, kind, a);
                let opts = IterativeOptions {
                    rtol,
                    maxiter: Some(20_000),
                    restart: 40,
                    ..IterativeOptions::default()
                };
                let rep =
                    solve(a, &b, method, precond, &opts).unwrap_or_else(|e| panic!("{name} {method:?}: {e}"));
                // The reported residual is the true one, and meets the request.
                let ax = a.mul_vec(&rep.x).unwrap();
                let r: Vec<f64> = b.iter().zip(&ax).map(|(b, ax)| b - ax).collect();
                let rel = norm(&r) / norm(&b);
                assert!(
                    (rel - rep.relative_residual).abs() <= 1e-3 * rel + 1e-300,
                    "{name} {method:?}: residual report"
                );
                assert!(
                    rep.success() && rel <= rtol,
                    "{name} {method:?}/{precond:?}: relative residual {rel:e} > {rtol:e}"
                );
                // And the solution agrees with SciPy's spsolve within what conditioning allows:
                // a backward-stable direct solve is within a small multiple of cond·ε of the
                // truth (and so is SciPy's), an iterative one within cond·rtol.
                let dx: Vec<f64> = rep.x.iter().zip(&x_scipy).map(|(a, b)| a - b).collect();
                let err = norm(&dx) / norm(&x_scipy);
                let bound =
                    if direct { DIRECT_ERROR_FACTOR * cond * f64::EPSILON } else { cond * rtol * 10.0 };
                assert!(
                    err <= bound.max(1e-14),
                    "{name} {method:?}: error {err:e} vs SciPy (cond {cond:e}, bound {bound:e})"
                );
                if method == SolveMethod::Auto {
                    let expect = if kind == "spd" || name.starts_with("illcond") { "cholesky" } else { "lu" };
                    assert_eq!(rep.method.name(), expect, "{name}: auto picked {}", rep.method.name());
                }
            }
        }
    }

    #[test]
    fn every_preconditioner_speeds_up_cg_on_a_laplacian() {
        let a = fastsci_sparse::laplacian_2d(40, 40).unwrap();
        let b = vec![1.0; a.nrows()];
        let opts = IterativeOptions::with_rtol(1e-8);
        let plain = krylov::cg(&a, &b, &Identity, &opts).unwrap();
        assert!(plain.success());
        for kind in [PrecondKind::Ilu0, PrecondKind::Ic0, PrecondKind::Ssor(1.0)] {
            let m = kind.build(&a).unwrap();
            let res = krylov::cg(&a, &b, m.as_ref(), &opts).unwrap();
            assert!(
                res.success() && res.iterations < plain.iterations,
                "{kind:?}: {} vs {}",
                res.iterations,
                plain.iterations
            );
        }
        let jac = krylov::cg(&a, &b, PrecondKind::Jacobi.build(&a).unwrap().as_ref(), &opts).unwrap();
        assert!(jac.success());
    }

    #[test]
    fn tolerances_and_limits_follow_scipy() {
        let a = fastsci_sparse::laplacian_2d(30, 30).unwrap();
        let b = vec![1.0; a.nrows()];
        // maxiter too small: not converged, but the residual is reported.
        let opts = IterativeOptions { maxiter: Some(5), ..IterativeOptions::default() };
        for f in [krylov::cg::<CsrMatrix, Identity>, krylov::bicgstab, krylov::minres] {
            let r = f(&a, &b, &Identity, &opts).unwrap();
            assert!(!r.success() && r.iterations <= 5 && r.residual_norm > r.tolerance);
        }
        let r = krylov::gmres(
            &a,
            &b,
            &Identity,
            &IterativeOptions { maxiter: Some(1), restart: 5, ..Default::default() },
        )
        .unwrap();
        assert!(!r.success() && r.iterations == 5);
        // atol wins when larger than rtol * ||b||.
        let r =
            krylov::cg(&a, &b, &Identity, &IterativeOptions { rtol: 0.0, atol: 1e-3, ..Default::default() })
                .unwrap();
        assert!(r.success() && r.residual_norm <= 1e-3 && r.tolerance == 1e-3);
        // b = 0 gives x = 0 at once.
        let r = krylov::cg(&a, &vec![0.0; a.nrows()], &Identity, &IterativeOptions::default()).unwrap();
        assert!(r.success() && r.iterations == 0 && r.x.iter().all(|&v| v == 0.0));
        // x0 is used.
        let exact = fastsci_sparse::direct::spsolve(&a, &b).unwrap();
        let r = krylov::cg(&a, &b, &Identity, &IterativeOptions { x0: Some(exact), ..Default::default() })
            .unwrap();
        assert!(r.success() && r.iterations == 0);
        assert!(krylov::cg(&a, &b[1..], &Identity, &IterativeOptions::default()).is_err());
    }

    /// Entries of the Cholesky factor under faer's approximate minimum degree ordering.
    fn amd_fill(a: &CsrMatrix) -> usize {
        use faer::sparse::SymbolicSparseColMatRef;
        use faer::sparse::linalg::cholesky::{SymmetricOrdering, factorize_symbolic_cholesky};
        let (ptr, idx) = (a.indptr().to_usize(), a.indices().to_usize());
        let pattern = SymbolicSparseColMatRef::new_checked(a.nrows(), a.nrows(), &ptr, None, &idx);
        factorize_symbolic_cholesky(pattern, faer::Side::Lower, SymmetricOrdering::Amd, Default::default())
            .unwrap()
            .len_val()
    }

    #[test]
    fn nested_dissection_fill_against_minimum_degree() {
        use fastsci_sparse::direct::Cholesky;
        // Dissection is used from 20,000 rows; it leaves far less fill on 3-D grids and
        // somewhat less on 2-D ones.
        let cases = [
            (fastsci_sparse::laplacian_3d(30, 30, 30).unwrap(), 0.8),
            (fastsci_sparse::laplacian_2d(300, 300).unwrap(), 0.95),
        ];
        for (a, most) in cases {
            let chol = Cholesky::factorize(&a).unwrap();
            let (nd, amd) = (chol.factor_nnz(), amd_fill(&a));
            assert!((nd as f64) < most * amd as f64, "nested dissection {nd} entries, AMD {amd}");
            let x = chol.solve(&vec![1.0; a.nrows()]).unwrap();
            let r = a.mul_vec(&x).unwrap();
            assert!(r.iter().all(|v| (v - 1.0).abs() < 1e-9));
        }
    }

    #[test]
    fn direct_failures_are_errors_not_panics() {
        let singular = CsrMatrix::from_dense(2, 2, &[1.0, 2.0, 2.0, 4.0]).unwrap();
        assert!(
            fastsci_sparse::direct::Lu::factorize(&singular).and_then(|lu| lu.solve(&[1.0, 1.0])).is_err()
        );
        let structurally = CsrMatrix::from_dense(2, 2, &[1.0, 0.0, 1.0, 0.0]).unwrap();
        assert!(fastsci_sparse::direct::spsolve(&structurally, &[1.0, 1.0]).is_err());
        let indefinite = CsrMatrix::from_dense(2, 2, &[1.0, 2.0, 2.0, 1.0]).unwrap();
        assert!(matches!(
            fastsci_sparse::direct::Cholesky::factorize(&indefinite),
            Err(SparseError::NotPositiveDefinite)
        ));
        // auto falls back to LU for symmetric indefinite input with a positive diagonal.
        let rep = solve(
            &indefinite,
            &[3.0, 3.0],
            SolveMethod::Auto,
            PrecondKind::None,
            &IterativeOptions::default(),
        )
        .unwrap();
        assert_eq!(rep.method, SolveMethod::Lu);
        assert_close(&rep.x, &[1.0, 1.0], 1e-14, "fallback");
        assert!(PrecondKind::Ic0.build(&indefinite).is_err());
        let zero_diag = CsrMatrix::from_dense(2, 2, &[0.0, 1.0, 1.0, 0.0]).unwrap();
        for kind in [PrecondKind::Jacobi, PrecondKind::Ilu0, PrecondKind::Ssor(1.0)] {
            assert!(matches!(kind.build(&zero_diag), Err(SparseError::Preconditioner(_))));
        }
    }

    /// A symmetric, strictly diagonally dominant (so positive definite) matrix of half-bandwidth
    /// `b` with pseudo-random entries.
    fn banded_spd(n: usize, b: usize, seed: u64) -> CsrMatrix {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mut coo = fastsci_sparse::CooMatrix::new(n, n);
        let mut row_sums = vec![0.0; n];
        for j in 0..n {
            for i in j + 1..(j + b + 1).min(n) {
                let v = next();
                coo.push(i, j, v).unwrap();
                coo.push(j, i, v).unwrap();
                row_sums[i] += v.abs();
                row_sums[j] += v.abs();
            }
        }
        for (i, sum) in row_sums.iter().enumerate() {
            coo.push(i, i, sum + 0.5 + next().abs()).unwrap();
        }
        coo.to_csr().unwrap()
    }

    #[test]
    fn narrow_band_cholesky_against_closed_form_and_lu() {
        use fastsci_sparse::direct::{Cholesky, Lu};
        // diags([-1, 2, -1]) x = 1 has x_i = i (n + 1 - i) / 2 (1-based).
        let n = 1000;
        let chol = Cholesky::factorize(&fastsci_sparse::laplacian_1d(n).unwrap()).unwrap();
        assert_eq!(chol.factor_nnz(), 2 * n - 1);
        let x = chol.solve(&vec![1.0; n]).unwrap();
        let exact: Vec<f64> = (1..=n).map(|i| (i * (n + 1 - i)) as f64 / 2.0).collect();
        assert_close(&x, &exact, 1e-10, "1-D Laplacian");
        for (b, seed) in [(1, 1), (2, 2), (5, 3), (32, 4)] {
            let n = 300;
            let a = banded_spd(n, b, seed);
            let mut chol = Cholesky::factorize(&a).unwrap();
            assert_eq!(chol.factor_nnz(), n * (b + 1) - b * (b + 1) / 2, "band {b} is stored whole");
            let rhs: Vec<f64> = (0..3 * n).map(|i| ((i * 37) % 11) as f64 - 5.0).collect();
            let lu = Lu::factorize(&a).unwrap();
            assert_close(&chol.solve_many(&rhs, 3).unwrap(), &lu.solve_many(&rhs, 3).unwrap(), 1e-12, "band");
            chol.refactorize(&a.scale(4.0)).unwrap();
            let quarter: Vec<f64> = lu.solve(&rhs[..n]).unwrap().iter().map(|v| v / 4.0).collect();
            assert_close(&chol.solve(&rhs[..n]).unwrap(), &quarter, 1e-12, "band refactorized");
        }
        // Wider than the band path takes: faer's supernodal factor under minimum degree.
        let wide = fastsci_sparse::laplacian_2d(40, 40).unwrap();
        assert_eq!(Cholesky::factorize(&wide).unwrap().factor_nnz(), amd_fill(&wide));
        // A pivot that vanishes half-way down a tridiagonal matrix.
        let mut coo = fastsci_sparse::CooMatrix::new(10, 10);
        for i in 0..10 {
            coo.push(i, i, if i < 5 { 2.0 } else { 1.0 }).unwrap();
            if i > 0 {
                coo.push(i, i - 1, 1.0).unwrap();
                coo.push(i - 1, i, 1.0).unwrap();
            }
        }
        assert!(matches!(Cholesky::factorize(&coo.to_csr().unwrap()), Err(SparseError::NotPositiveDefinite)));
    }

    #[test]
    fn factorize_once_solve_many_and_refactorize() {
        let a = fastsci_sparse::laplacian_2d(15, 15).unwrap();
        let n = a.nrows();
        let mut chol = fastsci_sparse::direct::Cholesky::factorize(&a).unwrap();
        let b: Vec<f64> = (0..2 * n).map(|i| (i % 7) as f64).collect();
        let x = chol.solve_many(&b, 2).unwrap();
        for k in 0..2 {
            assert_close(
                &a.mul_vec(&x[k * n..(k + 1) * n]).unwrap(),
                &b[k * n..(k + 1) * n],
                1e-12,
                "column",
            );
        }
        let a2 = a.scale(2.0);
        chol.refactorize(&a2).unwrap();
        let x2 = chol.solve(&b[..n]).unwrap();
        assert_close(&x2.iter().map(|v| v * 2.0).collect::<Vec<_>>(), &x[..n], 1e-12, "refactorized");
        let mut lu = fastsci_sparse::direct::Lu::factorize(&a).unwrap();
        lu.refactorize(&a2).unwrap();
        assert_close(&lu.solve(&b[..n]).unwrap(), &x2, 1e-12, "LU refactorized");
        assert_close(&lu.solve_transpose(&b[..n]).unwrap(), &x2, 1e-12, "LU transposed");
    }
}
