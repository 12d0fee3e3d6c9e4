mod eval;
mod mmap;
mod npy;
mod random;
mod reduce;
mod vmath;

/// Path of a fixture file.
pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}
