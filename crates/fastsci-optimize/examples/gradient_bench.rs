//! The fastsci half of `bench/gradient`: the chained Rosenbrock function as a kernel, its
//! value and its exact gradient (`fastsci_jit::Function::gradient`) timed on the vector the
//! driver wrote, and L-BFGS-B driven by that gradient.
//!
//!     gradient_bench time X.npy GRAD_OUT.npy REPS     -> JSON: medians per call, value
//!     gradient_bench lbfgsb X0.npy X_OUT.npy          -> JSON: iterations, evaluations, time
//!
//! One thread. Each timed sample runs enough calls to last about a millisecond; the median
//! of REPS samples is printed, after one untimed call (compilation happens before timing).

use std::time::Instant;

use fastsci_jit::{ArrayValue, Module, Value};
use fastsci_optimize::{Method, MinimizeOptions, Problem};
use ndarray::Array1;
use ndarray_npy::{ReadNpyExt, WriteNpyExt};

/// The kernel, as a Numba user writes it.
const ROSENBROCK: &str = "\
def rosen(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] * x[i]) ** 2 + (1.0 - x[i]) ** 2
    return s
";

fn read(path: &str) -> Array1<f64> {
    Array1::<f64>::read_npy(std::fs::File::open(path).expect("the input .npy exists"))
        .expect("a 1-d float64 .npy")
}

/// The median over `reps` samples of the time per call of `f`, in seconds.
fn median_per_call(reps: usize, calls: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                f();
            }
            t.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kernel = Module::compile(ROSENBROCK, "rosen.py").and_then(|m| m.function("rosen")).expect("compiles");
    match args.get(1).map(String::as_str) {
        Some("time") if args.len() == 5 => {
            let x = read(&args[2]);
            let reps: usize = args[4].parse().expect("REPS is a count");
            let f = kernel.to_fn_slice().expect("compiles");
            let t = Instant::now();
            let fg = kernel.to_value_and_gradient_slice().expect("differentiable");
            let compile = t.elapsed().as_secs_f64();
            let xs = x.as_slice().expect("contiguous");
            let mut g = vec![0.0; xs.len()];
            let value = fg(xs, &mut g);
            assert_eq!(value.to_bits(), f(xs).to_bits(), "the gradient code's value is the kernel's");
            let calls = (1_000_000 / xs.len()).max(1);
            let f_time = median_per_call(reps, calls, || {
                std::hint::black_box(f(std::hint::black_box(xs)));
            });
            let g_time = median_per_call(reps, calls, || {
                std::hint::black_box(fg(std::hint::black_box(xs), &mut g));
            });
            // Also through the general API (a Value in, a tuple with a new array out).
            let arg = [Value::Array(ArrayValue::F64(x.clone().into_dyn()))];
            let grad = kernel.gradient();
            let call_time = median_per_call(reps, calls, || {
                std::hint::black_box(grad.call(&arg).expect("runs"));
            });
            Array1::from(g).write_npy(std::fs::File::create(&args[3]).expect("writable")).expect("writes");
            println!(
                "{}",
                serde_json::json!({
                    "n": xs.len(), "value": value, "f_s": f_time, "grad_s": g_time,
                    "grad_call_s": call_time, "grad_compile_s": compile,
                })
            );
        }
        Some("lbfgsb") if args.len() == 4 => {
            let x0 = read(&args[2]);
            let fg = kernel.to_value_and_gradient_slice().expect("differentiable");
            let opts = MinimizeOptions::default();
            let t = Instant::now();
            let res = Problem::from_value_and_gradient(|x: &[f64], g: &mut [f64]| fg(x, g))
                .minimize(x0.as_slice().expect("contiguous"), Method::LBfgsB, &opts)
                .expect("valid problem");
            let time = t.elapsed().as_secs_f64();
            Array1::from(res.x.clone())
                .write_npy(std::fs::File::create(&args[3]).expect("writable"))
                .expect("writes");
            println!(
                "{}",
                serde_json::json!({
                    "time_s": time, "nit": res.nit, "nfev": res.nfev, "njev": res.njev,
                    "fun": res.fun, "success": res.success(), "message": res.message,
                })
            );
        }
        _ => {
            eprintln!("usage: gradient_bench time X.npy GRAD_OUT.npy REPS | lbfgsb X0.npy X_OUT.npy");
            std::process::exit(2);
        }
    }
}
