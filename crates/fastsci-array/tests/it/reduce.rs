//! Reductions against exactly rounded references (fixtures/reduce, made by make_reduce_fixtures.py).
#![allow(clippy::needless_range_loop)]

use fastsci_array::reduce::{self, describe, describe_axis, histogram};
use fastsci_array::{NpyMmap, RawData, read_npy_as};
use serde_json::Value;

use super::fixture;

#[test]
fn sums_means_and_variances_match_exact_references() {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("reduce/expected.json")).unwrap()).unwrap();
    for (name, e) in expected.as_object().unwrap() {
        let x = read_npy_as::<f64>(fixture(&format!("reduce/{name}.npy"))).unwrap();
        let x = x.as_slice().unwrap();
        let f = |k: &str| e[k].as_str().unwrap().parse::<f64>().unwrap();
        assert_eq!(reduce::sum(x), f("sum"), "{name} sum");
        assert_eq!(reduce::mean(x), f("mean"), "{name} mean");
        let s = describe(&RawData::from_slice(x));
        assert_eq!(s.mean(), f("mean"), "{name} describe mean");
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert!(rel(s.var(0.0), f("var0")) < 1e-13, "{name} var0 {} vs {}", s.var(0.0), f("var0"));
        assert!(rel(s.var(1.0), f("var1")) < 1e-13, "{name} var1");
        assert!(rel(s.std(1.0), f("var1").sqrt()) < 1e-13, "{name} std");
        // At least as close to the exact mean as NumPy.
        assert!((s.mean() - f("mean")).abs() <= (f("numpy_mean") - f("mean")).abs());
        assert_eq!(s.min(), Some(f("min")));
        assert_eq!(s.max(), Some(f("max")));
        assert_eq!(s.argmin(), Some(e["argmin"].as_u64().unwrap() as usize));
        assert_eq!(s.argmax(), Some(e["argmax"].as_u64().unwrap() as usize));
        // The same through a memory map.
        let m = NpyMmap::open(fixture(&format!("reduce/{name}.npy"))).unwrap();
        assert_eq!(reduce::mean_raw(&m.raw()), f("mean"), "{name} mapped mean");
    }
}

#[test]
fn nan_handling_follows_numpy() {
    let x = [2.0, f64::NAN, -1.0, 5.0, f64::NAN];
    assert!(reduce::sum(&x).is_nan());
    assert!(reduce::max(&x).unwrap().is_nan());
    assert_eq!(reduce::argmax(&x), Some(1));
    assert_eq!(reduce::nan_count(&x), 2);
    assert_eq!(reduce::nansum(&x), 6.0);
    assert_eq!(reduce::nanmean(&x), 2.0);
    assert_eq!(reduce::nanvar(&x, 0.0), 6.0);
    assert_eq!(reduce::nanstd(&x, 1.0), 3.0);
    assert_eq!(reduce::nanmin(&x), Some(-1.0));
    assert_eq!(reduce::nanmax(&x), Some(5.0));
    let s = describe(&RawData::from_slice(&x));
    assert_eq!((s.nanargmin(), s.nanargmax()), (Some(2), Some(3)));
    let all_nan = [f64::NAN; 3];
    assert_eq!(reduce::nanmin(&all_nan), None);
    assert!(reduce::nanmean(&all_nan).is_nan());
    let empty: [f64; 0] = [];
    assert_eq!(reduce::min(&empty), None);
    assert!(reduce::mean(&empty).is_nan());
    assert_eq!(reduce::sum(&empty), 0.0);
    assert!(reduce::var(&[1.0], 1.0).is_nan());
    assert_eq!(reduce::sum(&[1.0, f64::INFINITY]), f64::INFINITY);
    assert!(reduce::sum(&[f64::NEG_INFINITY, f64::INFINITY]).is_nan());
    assert_eq!(reduce::max(&[f64::NEG_INFINITY; 2]), Some(f64::NEG_INFINITY));
    assert_eq!(reduce::min(&[f64::INFINITY; 5000]), Some(f64::INFINITY));
}

#[test]
fn results_span_many_chunks_and_blocks_and_integer_dtypes() {
    // 1.5 M values cross several parallel chunks and many blocks; NaNs placed in later chunks.
    let n: usize = 1_500_000;
    let mut x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 - 499.5).collect();
    x[1_234_567] = -10_000.0;
    x[77] = 10_000.0;
    let s = describe(&RawData::from_slice(&x));
    assert_eq!(s.argmin(), Some(1_234_567));
    assert_eq!(s.argmax(), Some(77));
    let exact: f64 = x.iter().map(|&v| v as i64 as f64).sum::<f64>();
    assert_eq!(s.sum(), exact);
    x[1_000_001] = f64::NAN;
    let s = describe(&RawData::from_slice(&x));
    assert_eq!((s.nan_count(), s.argmin()), (1, Some(1_000_001)));
    let ints: Vec<i16> = (0..10_000).map(|i| (i % 200) as i16 - 100).collect();
    assert_eq!(reduce::sum(&ints), -5000.0);
    assert_eq!(reduce::min(&ints), Some(-100.0));
    let bools = [true, false, true];
    assert_eq!(reduce::sum(&bools), 2.0);
}

#[test]
fn axis_reductions_match_a_direct_computation_in_both_orders() {
    let (r, c) = (513, 67);
    let x: Vec<f64> = (0..r * c).map(|k| ((k * 31) % 97) as f64 * 0.5 - 3.0).collect();
    let at = |i: usize, j: usize| x[i * c + j];
    // Fortran copy of the same logical matrix.
    let mut xf = vec![0.0; r * c];
    for i in 0..r {
        for j in 0..c {
            xf[j * r + i] = at(i, j);
        }
    }
    for (data, fortran) in [(&x, false), (&xf, true)] {
        let raw = RawData::from_slice(data);
        let cols = describe_axis(&raw, [r, c], fortran, 0).unwrap();
        assert_eq!(cols.len(), c);
        for j in 0..c {
            let col: Vec<f64> = (0..r).map(|i| at(i, j)).collect();
            let s = describe(&RawData::from_slice(&col));
            assert_eq!(cols[j].sum(), s.sum());
            assert_eq!(cols[j].argmin(), s.argmin());
            assert!((cols[j].var(1.0) - s.var(1.0)).abs() <= 1e-12 * s.var(1.0));
        }
        let rows = describe_axis(&raw, [r, c], fortran, 1).unwrap();
        assert_eq!(rows.len(), r);
        for i in 0..r {
            let row: Vec<f64> = (0..c).map(|j| at(i, j)).collect();
            let s = describe(&RawData::from_slice(&row));
            assert_eq!(rows[i].sum(), s.sum());
            assert_eq!(rows[i].argmax(), s.argmax());
        }
    }
    assert!(describe_axis(&RawData::from_slice(&x), [r, c], false, 2).is_err());
    assert!(describe_axis(&RawData::from_slice(&x), [r, c + 1], false, 0).is_err());
}

#[test]
fn histograms_match_numpy_binning() {
    let x = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, f64::NAN, 2.0];
    let h = histogram(&RawData::from_slice(&x), 5, Some((0.0, 1.0))).unwrap();
    // np.histogram([0, .1, ..., 1.0], 5, (0, 1)) -> [2, 2, 2, 2, 3]
    assert_eq!(h.counts, vec![2, 2, 2, 2, 3]);
    assert_eq!(h.edges.len(), 6);
    let auto = histogram(&RawData::from_slice(&[1.0, 1.0, 1.0]), 2, None).unwrap();
    assert_eq!(auto.counts, vec![0, 3]);
    assert_eq!(auto.edges, vec![0.5, 1.0, 1.5]);
    assert!(histogram(&RawData::from_slice(&x), 0, None).is_err());
    assert!(histogram(&RawData::from_slice(&x), 3, Some((2.0, 1.0))).is_err());
}
