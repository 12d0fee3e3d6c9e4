//! The differential corpus: every kernel in `tests/corpus/*.py` is run by fastsci-jit and
//! compared with CPython + NumPy's results stored beside it (`tests/corpus/expected/*.jsonl`,
//! written by `run_cpython.py --write`, so this test never needs Python and never skips):
//! ints and bools exactly, floats to 1e-12 relative, errors of the same kind. A fixture made
//! from another version of its source (FNV-1a hash in its first line) fails the test.
//! Every call is also run by the reference interpreter, which must agree with the compiled
//! code exactly (floats to the bit, errors with the same message and position).

use std::path::{Path, PathBuf};

use fastsci_jit::{ArrayValue, Module, Value};
use ndarray::{ArrayD, IxDyn};
use serde_json::Value as J;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".py") && !name.starts_with('_') && name != "run_cpython.py"
        })
        .collect();
    v.sort();
    v
}

/// FNV-1a, 64-bit, as `run_cpython.py` computes it.
fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The CPython results for `file`: its fixture's lines after the header, checked to have
/// been made from this very source.
fn expected(file: &Path) -> Vec<J> {
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let fixture = corpus_dir().join("expected").join(format!("{stem}.jsonl"));
    let regen = "regenerate with `$(bench/venv.sh) crates/fastsci-jit/tests/corpus/run_cpython.py --write`";
    let text =
        std::fs::read_to_string(&fixture).unwrap_or_else(|e| panic!("{}: {e}; {regen}", fixture.display()));
    let mut lines = text.lines().map(|l| serde_json::from_str::<J>(l).unwrap());
    let header = lines.next().unwrap_or_else(|| panic!("{}: empty; {regen}", fixture.display()));
    let hash = fnv1a64(&std::fs::read(file).unwrap());
    assert_eq!(
        header["source_fnv1a64"].as_str(),
        Some(hash.as_str()),
        "{} was made from another version of {}; {regen}",
        fixture.display(),
        file.display()
    );
    lines.collect()
}

fn flat_numbers(j: &J, out: &mut Vec<f64>, shape: &mut Vec<usize>, depth: usize) {
    match j {
        J::Array(items) => {
            if shape.len() == depth {
                shape.push(items.len());
            }
            items.iter().for_each(|x| flat_numbers(x, out, shape, depth + 1));
        }
        J::Bool(b) => out.push(f64::from(u8::from(*b))),
        // A NaN or infinite element, which JSON cannot hold as a number.
        J::Object(o) if o.contains_key("f") => out.push(o["f"].as_str().unwrap().parse().unwrap()),
        other => out.push(other.as_f64().unwrap()),
    }
}

fn decode(j: &J) -> Value {
    match j {
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Int(n.as_i64().unwrap()),
        J::Null => Value::None,
        J::Object(o) if o.contains_key("f") => Value::Float(o["f"].as_str().unwrap().parse().unwrap()),
        J::Object(o) if o.contains_key("tuple") => {
            Value::Tuple(o["tuple"].as_array().unwrap().iter().map(decode).collect())
        }
        J::Object(o) if o.contains_key("array") => {
            let (mut v, mut shape) = (Vec::new(), Vec::new());
            flat_numbers(&o["array"], &mut v, &mut shape, 0);
            let sh = IxDyn(&shape);
            let arr = |conv: fn(&[f64], IxDyn) -> ArrayValue| conv(&v, sh.clone());
            macro_rules! typed {
                ($t:ty) => {
                    arr(|v, sh| {
                        ArrayD::from_shape_vec(sh, v.iter().map(|&x| x as $t).collect::<Vec<$t>>())
                            .unwrap()
                            .into()
                    })
                };
            }
            Value::Array(match o["dtype"].as_str().unwrap() {
                "int64" => typed!(i64),
                "int32" => typed!(i32),
                "int16" => typed!(i16),
                "int8" => typed!(i8),
                "uint64" => typed!(u64),
                "uint32" => typed!(u32),
                "uint16" => typed!(u16),
                "uint8" => typed!(u8),
                "float32" => typed!(f32),
                "bool" => ArrayValue::Bool(
                    ArrayD::from_shape_vec(sh, v.iter().map(|&x| x != 0.0).collect()).unwrap(),
                ),
                _ => ArrayValue::F64(ArrayD::from_shape_vec(sh, v).unwrap()),
            })
        }
        other => panic!("cannot decode {other}"),
    }
}

fn numbers_of(v: &Value) -> Option<Vec<f64>> {
    match v {
        Value::Array(a) => Some(match a {
            ArrayValue::F64(x) => x.iter().copied().collect(),
            ArrayValue::F32(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::I64(x) => x.iter().map(|&y| y as f64).collect(),
            ArrayValue::I32(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::U8(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::Bool(x) => x.iter().map(|&y| f64::from(u8::from(y))).collect(),
            ArrayValue::I8(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::I16(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::U16(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::U32(x) => x.iter().map(|&y| f64::from(y)).collect(),
            ArrayValue::U64(x) => x.iter().map(|&y| y as f64).collect(),
        }),
        _ => None,
    }
}

fn same_float(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

/// Compares a fastsci result with CPython's; `Err` describes the first difference.
fn compare(got: &Value, want: &Value) -> Result<(), String> {
    let fail = || Err(format!("got {got:?}, want {want:?}"));
    match (got, want) {
        (Value::Int(a), Value::Int(b)) if a == b => Ok(()),
        (Value::Bool(a), Value::Bool(b)) if a == b => Ok(()),
        (Value::None, Value::None) => Ok(()),
        (Value::Tuple(a), Value::Tuple(b)) if a.len() == b.len() => {
            a.iter().zip(b).try_for_each(|(x, y)| compare(x, y))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.shape() != b.shape() || a.dtype() != b.dtype() {
                return fail();
            }
            let (x, y) = (numbers_of(got).unwrap(), numbers_of(want).unwrap());
            if x.iter().zip(&y).all(|(p, q)| same_float(*p, *q)) { Ok(()) } else { fail() }
        }
        // Numeric results where Python keeps an int but type unification gives a float
        // (documented): compare the values.
        (
            Value::Float(_) | Value::Int(_) | Value::Bool(_),
            Value::Float(_) | Value::Int(_) | Value::Bool(_),
        ) => {
            let (a, b) = (got.as_f64().unwrap(), want.as_f64().unwrap());
            let exact = matches!(want, Value::Int(_) | Value::Bool(_));
            if (exact && a == b) || (!exact && same_float(a, b)) { Ok(()) } else { fail() }
        }
        _ => fail(),
    }
}

#[test]
fn corpus_agrees_with_cpython() {
    let files = corpus_files();
    let mut kernels = 0;
    let mut calls = 0;
    let mut interpreted = 0;
    let mut failures = Vec::new();
    for file in &files {
        let want = expected(file);
        let src = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let module = Module::compile(&src, &name).unwrap_or_else(|e| panic!("{e}"));
        kernels += module.function_names().len();
        let declared = src.lines().filter(|l| l.starts_with("# call:")).count();
        assert_eq!(want.len(), declared, "{name}: the fixture has {} calls, the file {declared}", want.len());
        for j in &want {
            let call = j["call"].as_str().unwrap();
            let f = module.function(j["func"].as_str().unwrap()).unwrap();
            let args: Vec<Value> = j["args"].as_array().unwrap().iter().map(decode).collect();
            let got = f.call(&args);
            calls += 1;
            match crate::interp::same_outcome(&f, &args, calls) {
                Ok(_) => interpreted += 1,
                Err(d) => failures.push(format!("{name}: {call}: interpreter and compiled code differ: {d}")),
            }
            match (got, j.get("error")) {
                (Ok(v), None) => {
                    if let Err(d) = compare(&v, &decode(&j["result"])) {
                        failures.push(format!("{name}: {call}: {d}"));
                    }
                }
                (Err(e), Some(kind)) => {
                    let kind = kind.as_str().unwrap();
                    if !e.message().starts_with(kind) {
                        failures.push(format!("{name}: {call}: CPython raised {kind}, fastsci: {e}"));
                    }
                }
                (Ok(v), Some(kind)) => {
                    failures.push(format!("{name}: {call}: CPython raised {kind}, fastsci gave {v:?}"))
                }
                (Err(e), None) => failures.push(format!("{name}: {call}: fastsci failed: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{} of {calls} calls differ:\n{}", failures.len(), failures.join("\n"));
    assert!(kernels >= 50, "only {kernels} kernels in the corpus");
    assert!(calls >= 100, "only {calls} calls");
    assert_eq!(interpreted, calls, "every call is cross-checked by the interpreter");
}
