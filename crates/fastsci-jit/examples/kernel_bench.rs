//! The fastsci-jit half of `bench/jit/run.py`: compiles one kernel of a file, calls it on
//! arguments read from `.npy` files, and reports the compile time and the call times.
//!
//! ```text
//! kernel_bench FILE FUNC REPS OUT.npy ARG...      ARG: @path.npy | i:INT | f:FLOAT
//! ```
//!
//! Bounds checks are off, as in `numba.njit` by default; `FASTSCI_BOUNDSCHECK=1` turns
//! them on.
//!
//! Each call gets fresh copies of the arguments (kernels may write into them, as with
//! Numba); only the call is timed, in CPU time of the calling thread (see `ThreadClock`). Prints one JSON object: `compile_ms` (median of 5
//! compilations from source), `times_ms`, and
//! `result` (a number, or the path of the `.npy` the array result was written to).

/// A clock for one thread's work: the CPU time of the calling thread on Linux (the shared
/// benchmark machine runs other jobs; wall time would count their time slices, CPU time
/// does not), wall time elsewhere. `bench/jit/run.py` times Numba with the same clock
/// (`time.thread_time`).
struct ThreadClock(f64);

impl ThreadClock {
    fn now() -> ThreadClock {
        ThreadClock(thread_seconds())
    }

    fn elapsed_ms(&self) -> f64 {
        (thread_seconds() - self.0) * 1e3
    }
}

#[cfg(target_os = "linux")]
fn thread_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec (64-bit Linux layout); the clock id is
    // Linux's constant for the calling thread's CPU time.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

#[cfg(not(target_os = "linux"))]
fn thread_seconds() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

use fastsci_jit::{ArrayValue, CompileOptions, Module, Value};
use ndarray::ArrayD;
use ndarray_npy::{read_npy, write_npy};

fn load(path: &str) -> Result<Value, String> {
    // The first dtype that reads is the file's.
    if let Ok(a) = read_npy::<_, ArrayD<f64>>(path) {
        return Ok(Value::Array(ArrayValue::F64(a)));
    }
    if let Ok(a) = read_npy::<_, ArrayD<i64>>(path) {
        return Ok(Value::Array(ArrayValue::I64(a)));
    }
    if let Ok(a) = read_npy::<_, ArrayD<f32>>(path) {
        return Ok(Value::Array(ArrayValue::F32(a)));
    }
    if let Ok(a) = read_npy::<_, ArrayD<i32>>(path) {
        return Ok(Value::Array(ArrayValue::I32(a)));
    }
    if let Ok(a) = read_npy::<_, ArrayD<u8>>(path) {
        return Ok(Value::Array(ArrayValue::U8(a)));
    }
    read_npy::<_, ArrayD<bool>>(path)
        .map(|a| Value::Array(ArrayValue::Bool(a)))
        .map_err(|e| format!("{path}: {e}"))
}

fn arg(text: &str) -> Result<Value, String> {
    if let Some(p) = text.strip_prefix('@') {
        return load(p);
    }
    if let Some(i) = text.strip_prefix("i:") {
        return i.parse().map(Value::Int).map_err(|e| format!("{text}: {e}"));
    }
    if let Some(f) = text.strip_prefix("f:") {
        return f.parse().map(Value::Float).map_err(|e| format!("{text}: {e}"));
    }
    Err(format!("argument `{text}`: expected @file.npy, i:INT or f:FLOAT"))
}

fn save(v: &Value, out: &str) -> Result<String, String> {
    let err = |e: ndarray_npy::WriteNpyError| format!("{out}: {e}");
    Ok(match v {
        Value::Int(i) => i.to_string(),
        Value::Float(x) => format!("{x:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => {
            match a {
                ArrayValue::F64(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::F32(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::I64(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::I32(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::U8(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::Bool(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::I8(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::I16(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::U16(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::U32(x) => write_npy(out, x).map_err(err)?,
                ArrayValue::U64(x) => write_npy(out, x).map_err(err)?,
            }
            format!("{out:?}")
        }
        other => return Err(format!("cannot report a result {other:?}")),
    })
}

fn main() -> Result<(), String> {
    let argv: Vec<String> = std::env::args().collect();
    if argv.len() < 5 {
        return Err("usage: kernel_bench FILE FUNC REPS OUT.npy ARG...".into());
    }
    let src = std::fs::read_to_string(&argv[1]).map_err(|e| format!("{}: {e}", argv[1]))?;
    let reps: usize = argv[3].parse().map_err(|e| format!("REPS: {e}"))?;
    let args = argv[5..].iter().map(|a| arg(a)).collect::<Result<Vec<_>, _>>()?;
    let options = CompileOptions {
        boundscheck: std::env::var_os("FASTSCI_BOUNDSCHECK").is_some(),
        ..Default::default()
    };
    // Compile time: the median of 5 compilations from source (each a new module, so
    // nothing is cached), as one compilation of a few ms is at the mercy of the scheduler.
    let mut compiles = Vec::new();
    let mut f = None;
    for _ in 0..5 {
        let t0 = ThreadClock::now();
        let module = Module::compile_with(&src, &argv[1], options).map_err(|e| e.to_string())?;
        let g = module.function(&argv[2]).map_err(|e| e.to_string())?;
        g.compile_for(&args).map_err(|e| e.to_string())?;
        compiles.push(t0.elapsed_ms());
        f = Some(g);
    }
    compiles.sort_by(f64::total_cmp);
    let compile_ms = compiles[compiles.len() / 2];
    let f = f.ok_or("no compilation")?;
    let mut times = Vec::new();
    let mut result = Value::None;
    for _ in 0..reps.max(1) {
        let mut fresh = args.clone();
        let t = ThreadClock::now();
        result = f.call_mut(&mut fresh).map_err(|e| e.to_string())?;
        times.push(t.elapsed_ms());
    }
    let shown = save(&result, &argv[4])?;
    let times: Vec<String> = times.iter().map(|t| format!("{t:.6}")).collect();
    println!(
        "{{\"compile_ms\": {compile_ms:.6}, \"times_ms\": [{}], \"result\": {shown}}}",
        times.join(", ")
    );
    Ok(())
}
