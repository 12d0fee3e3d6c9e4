//! `fastsci run FILE.py:FUNC [ARG ...]`: compile a kernel with fastsci-jit and run it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use fastsci_array::WriteOptions;
use fastsci_array::npy::write_npy_to;
use fastsci_jit::{ArrayValue, CompileOptions, Module, Value};
use ndarray::ArrayD;

use crate::args::parse_number;
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json, write_atomically};

/// Arguments of `fastsci run`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The kernel: a Python file and the function to call, as `FILE.py:FUNC`.
    pub target: String,
    /// Arguments: int, float (also inf, nan, pi, e) or bool (True/False) literals, or
    /// `@path.npy` arrays (float64, float32, int64, int32, uint8, bool).
    #[arg(allow_negative_numbers = true, num_args = 0..)]
    pub args: Vec<String>,
    /// Write an array result to this `.npy` file (atomically) instead of printing it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Turn off index bounds checks (faster). An out-of-range index then reads or writes
    /// outside the array: wrong results or a crash (segmentation fault). Use only on kernels
    /// already run with checks on.
    #[arg(long)]
    pub no_boundscheck: bool,
    /// Run the iterations of `prange` loops on all cores (as Numba's `parallel=True`); without
    /// it they run on one thread, with the same results to the bit.
    #[arg(long)]
    pub parallel: bool,
}

pub(crate) fn read_array(path: &Path) -> Result<ArrayValue, CliError> {
    use fastsci_array::NpyArray;
    // The shared reader checks the header's declared size against the file before allocating.
    let array = fastsci_array::read_npy(path)
        .map_err(CliError::from)
        .map_err(|e| CliError { message: format!("cannot read @{}: {}", path.display(), e.message), ..e })?;
    Ok(match array {
        NpyArray::F64(a) => ArrayValue::F64(a),
        NpyArray::F32(a) => ArrayValue::F32(a),
        NpyArray::I64(a) => ArrayValue::I64(a),
        NpyArray::I32(a) => ArrayValue::I32(a),
        NpyArray::U8(a) => ArrayValue::U8(a),
        NpyArray::Bool(a) => ArrayValue::Bool(a),
        NpyArray::I8(a) => ArrayValue::I8(a),
        NpyArray::I16(a) => ArrayValue::I16(a),
        NpyArray::U16(a) => ArrayValue::U16(a),
        NpyArray::U32(a) => ArrayValue::U32(a),
        NpyArray::U64(a) => ArrayValue::U64(a),
        other => {
            return Err(CliError::bad_input(format!(
                "{}: {} arrays are not supported; kernels take real dtypes (bool, int8..int64, uint8..uint64, float32, float64)",
                path.display(),
                other.dtype()
            )));
        }
    })
}

/// Parses one command-line argument into a kernel value.
pub fn parse_arg(text: &str) -> Result<Value, CliError> {
    if let Some(path) = text.strip_prefix('@') {
        return Ok(Value::Array(read_array(Path::new(path))?));
    }
    match text {
        "True" | "true" => return Ok(Value::Bool(true)),
        "False" | "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return text
            .replace('_', "")
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| CliError::bad_input(format!("'{text}' does not fit in a 64-bit int")));
    }
    parse_number(text)
        .map(Value::Float)
        .map_err(|_| CliError::bad_input(format!("'{text}' is not an int, float, bool or @file.npy")))
}

fn array_json(a: &ArrayValue) -> serde_json::Value {
    fn nest<T: Copy>(a: &ArrayD<T>, f: &dyn Fn(T) -> serde_json::Value) -> serde_json::Value {
        if a.ndim() == 1 {
            return serde_json::Value::Array(a.iter().map(|&x| f(x)).collect());
        }
        serde_json::Value::Array(a.outer_iter().map(|row| nest(&row.to_owned(), f)).collect())
    }
    match a {
        ArrayValue::F64(x) => nest(x, &json_f64),
        ArrayValue::F32(x) => nest(x, &|v| json_f64(f64::from(v))),
        ArrayValue::I64(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::I32(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::U8(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::Bool(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::I8(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::I16(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::U16(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::U32(x) => nest(x, &|v| serde_json::json!(v)),
        ArrayValue::U64(x) => nest(x, &|v| serde_json::json!(v)),
    }
}

fn value_json(v: &Value, out_path: Option<&Path>) -> serde_json::Value {
    match v {
        Value::Int(i) => serde_json::json!(i),
        Value::Float(f) => json_f64(*f),
        Value::Bool(b) => serde_json::json!(b),
        Value::None => serde_json::Value::Null,
        Value::Tuple(items) => {
            serde_json::Value::Array(items.iter().map(|x| value_json(x, out_path)).collect())
        }
        Value::Array(a) => match out_path {
            Some(p) => serde_json::json!(p.display().to_string()),
            None => array_json(a),
        },
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Value::None => "None".to_string(),
        Value::Tuple(items) => format!("({})", items.iter().map(value_text).collect::<Vec<_>>().join(", ")),
        Value::Array(a) => {
            let shape = a.shape().iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" x ");
            let body = match a {
                ArrayValue::F64(x) => format!("{x}"),
                ArrayValue::F32(x) => format!("{x}"),
                ArrayValue::I64(x) => format!("{x}"),
                ArrayValue::I32(x) => format!("{x}"),
                ArrayValue::U8(x) => format!("{x}"),
                ArrayValue::Bool(x) => format!("{x}"),
                ArrayValue::I8(x) => format!("{x}"),
                ArrayValue::I16(x) => format!("{x}"),
                ArrayValue::U16(x) => format!("{x}"),
                ArrayValue::U32(x) => format!("{x}"),
                ArrayValue::U64(x) => format!("{x}"),
            };
            format!("array of {} ({shape}):\n{body}", a.dtype().name())
        }
    }
}

pub(crate) fn write_npy(path: &Path, a: &ArrayValue) -> Result<(), CliError> {
    write_atomically(path, |file| {
        let options = WriteOptions::default();
        let mut writer = std::io::BufWriter::new(file);
        let r = match a {
            ArrayValue::F64(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::F32(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::I64(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::I32(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::U8(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::Bool(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::I8(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::I16(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::U16(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::U32(x) => write_npy_to(&mut writer, &x.view(), &options),
            ArrayValue::U64(x) => write_npy_to(&mut writer, &x.view(), &options),
        }
        .and_then(|()| std::io::Write::flush(&mut writer).map_err(fastsci_array::ArrayError::from));
        r.map_err(|e| CliError::internal(format!("writing {}: {e}", path.display())))
    })
}

/// Runs `fastsci run`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let (file, func) = crate::args::split_kernel(&args.target)?;
    let source = crate::args::kernel_source(file)?;
    let mut values: Vec<Value> = args.args.iter().map(|a| parse_arg(a)).collect::<Result<_, _>>()?;
    let options = CompileOptions { boundscheck: !args.no_boundscheck, parallel: args.parallel };
    let t0 = Instant::now();
    let module = Module::compile_with(&source, file, options)?;
    let function = module.function(func)?;
    function.compile_for(&values)?;
    let compile_ms = t0.elapsed().as_secs_f64() * 1e3;
    let t1 = Instant::now();
    // The argument arrays were loaded for this call alone: the kernel may write into them
    // in place (as Numba writes into NumPy arrays) instead of into copies.
    let result = function.call_mut(&mut values)?;
    let run_ms = t1.elapsed().as_secs_f64() * 1e3;

    let out_path = args.out.as_deref();
    if let Some(p) = out_path {
        let arrays: Vec<&ArrayValue> = match &result {
            Value::Array(a) => vec![a],
            Value::Tuple(items) => {
                items.iter().filter_map(|v| if let Value::Array(a) = v { Some(a) } else { None }).collect()
            }
            _ => vec![],
        };
        match arrays.as_slice() {
            [a] => write_npy(p, a)?,
            [] => return Err(CliError::bad_input("--out needs a function that returns an array")),
            _ => return Err(CliError::bad_input("--out needs exactly one array in the result")),
        }
    }
    if json {
        print_json(&serde_json::json!({
            "result": value_json(&result, out_path),
            "compile_ms": compile_ms,
            "run_ms": run_ms,
        }));
    } else {
        match (&result, out_path) {
            (Value::Array(a), Some(p)) => {
                println!("wrote {} array of shape {:?} to {}", a.dtype().name(), a.shape(), p.display())
            }
            _ => println!("{}", value_text(&result)),
        }
        println!("compile {:.2} ms, run {:.3} ms", compile_ms, run_ms);
    }
    Ok(Outcome::Done)
}
