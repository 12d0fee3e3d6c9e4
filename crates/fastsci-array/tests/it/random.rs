//! Random arrays: reproducible whatever the thread count, with the right moments.

use fastsci_array::random::{Distribution, RANDOM_CHUNK, array, fill, random_npy};
use fastsci_array::{DType, NpyArray, read_npy, reduce};

#[test]
fn the_same_seed_gives_the_same_array_on_any_number_of_threads() {
    let d = Distribution::Normal { mean: 0.0, std: 1.0 };
    let n = 5 * RANDOM_CHUNK + 123;
    let one =
        rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| array(&d, 9, n).unwrap());
    let three =
        rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap().install(|| array(&d, 9, n).unwrap());
    assert_eq!(one, three);
    let mut part = vec![0.0; 1000];
    fill(&d, 9, 2 * RANDOM_CHUNK - 500, &mut part).unwrap();
    assert_eq!(&one[2 * RANDOM_CHUNK - 500..2 * RANDOM_CHUNK + 500], &part[..]);
    assert_ne!(array(&d, 10, 100).unwrap(), one[..100].to_vec());
}

#[test]
fn moments_and_ranges_are_right() {
    let n = 400_000;
    let normal = array(&Distribution::Normal { mean: 3.0, std: 2.0 }, 1, n).unwrap();
    assert!((reduce::mean(&normal) - 3.0).abs() < 0.02);
    assert!((reduce::std(&normal, 0.0) - 2.0).abs() < 0.02);
    let u = array(&Distribution::Uniform { low: -1.0, high: 3.0 }, 2, n).unwrap();
    assert!(reduce::min(&u).unwrap() >= -1.0 && reduce::max(&u).unwrap() < 3.0);
    assert!((reduce::mean(&u) - 1.0).abs() < 0.01);
    let k = array(&Distribution::Integers { low: -3, high: 4 }, 3, n).unwrap();
    assert_eq!((reduce::min(&k), reduce::max(&k)), (Some(-3.0), Some(3.0)));
    assert!(k.iter().all(|v| v.fract() == 0.0));
    assert!(Distribution::Uniform { low: 1.0, high: 1.0 }.validate().is_err());
    assert!(Distribution::Normal { mean: 0.0, std: -1.0 }.validate().is_err());
}

#[test]
fn random_files_of_several_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.npy");
    random_npy(&p, &Distribution::Integers { low: 0, high: 200 }, 5, &[300, 400], DType::U8).unwrap();
    match read_npy(&p).unwrap() {
        NpyArray::U8(a) => {
            assert_eq!(a.shape(), &[300, 400]);
            assert!(a.iter().all(|&v| v < 200));
            let f: Vec<f64> = a.iter().map(|&v| v as f64).collect();
            assert_eq!(f, array(&Distribution::Integers { low: 0, high: 200 }, 5, 120_000).unwrap());
        }
        other => panic!("{:?}", other.dtype()),
    }
    assert!(random_npy(&p, &Distribution::Integers { low: 0, high: 300 }, 5, &[10], DType::U8).is_err());
    assert!(random_npy(&p, &Distribution::Normal { mean: 0.0, std: 1.0 }, 5, &[10], DType::I32).is_err());
    random_npy(&p, &Distribution::Uniform { low: 0.0, high: 1.0 }, 5, &[1000], DType::F32).unwrap();
    assert_eq!(read_npy(&p).unwrap().dtype(), DType::F32);
}
