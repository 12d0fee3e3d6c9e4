//! The job recovers the parameters its data were synthesized from, on several seeds, at the
//! reduced size (the full size runs in `fastsci tour --only 8` and `bench/compare pipeline`).

use fastsci_pipeline::JobConfig;

#[test]
fn the_fit_recovers_the_truth_within_two_standard_errors_on_three_seeds() {
    let cache = tempfile::tempdir().unwrap();
    for seed in [1, 2, 3] {
        let config = JobConfig::reduced(seed);
        let report = fastsci_pipeline::run_default(&config, cache.path(), false).unwrap();
        let fit = &report.fit;
        assert!(fit.success(), "seed {seed}: {}", fit.message);
        assert!(
            fit.within_two_stderr(config.truth),
            "seed {seed}: fit {:?} +/- {:?}, truth {:?}",
            fit.params,
            fit.stderr,
            config.truth
        );
        // The standard errors are informative, not vacuous.
        assert!(fit.stderr.diffusivity < 0.05 * config.truth.diffusivity, "{:?}", fit.stderr);
        assert!(fit.stderr.loss < 0.05 * config.truth.loss, "{:?}", fit.stderr);
        assert!(report.start.points >= 1000);
    }
}

#[test]
fn a_file_of_the_wrong_layout_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flat.npy");
    let mut file = fastsci_array::NpyMmapMut::create(&path, fastsci_array::DType::F64, &[10], false).unwrap();
    file.fill_chunks::<f64>(10, |_, c| c.fill(1.0)).unwrap();
    file.flush().unwrap();
    drop(file);
    let err = fastsci_pipeline::clean(&path, 5).unwrap_err();
    assert!(err.to_string().contains("expected a 2-D array"), "{err}");
    let err = fastsci_pipeline::clean(&dir.path().join("missing.npy"), 5).unwrap_err();
    assert!(err.to_string().contains("missing.npy"), "{err}");
}

#[test]
fn generation_is_reproducible_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let config = JobConfig { steps: 20, samples_per_step: 16, ..JobConfig::reduced(9) };
    let (a, b) = (dir.path().join("a.npy"), dir.path().join("b.npy"));
    fastsci_pipeline::generate(&a, &config).unwrap();
    fastsci_pipeline::generate(&b, &config).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let cleaned = fastsci_pipeline::clean(&a, config.steps).unwrap();
    assert_eq!(cleaned.values.len(), config.steps * config.sensors);
    assert!(cleaned.values.iter().all(|v| v.is_finite()));
}
