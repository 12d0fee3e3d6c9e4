//! Integration tests of fastsci-integrate: one binary, one module per area.

mod battery;
mod derivatives;
mod nonfinite;
mod rules;

use std::path::PathBuf;

/// Reads a fixture written by `tests/fixtures/make_fixtures.py`.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

/// A JSON number, or a string such as "inf", "-inf", "nan", "0.123" as f64.
pub fn number(v: &serde_json::Value) -> f64 {
    match v {
        serde_json::Value::Number(n) => n.as_f64().expect("finite number"),
        serde_json::Value::String(s) => match s.as_str() {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "nan" => f64::NAN,
            other => other.parse().expect("a number in a string"),
        },
        other => panic!("not a number: {other}"),
    }
}
