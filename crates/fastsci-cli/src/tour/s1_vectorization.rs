//! Tour section: reference workload 1, elementwise product and a compound expression over 10,000,000 f64.

use fastsci_array::eval::{ArrayInput, Program};
use fastsci_array::expr::var;
use fastsci_array::random::{Distribution, array};
use fastsci_array::{RawData, vmath};

use super::{Report, timed};
use crate::error::CliError;

const N: usize = 10_000_000;

fn input(v: &[f64]) -> Result<ArrayInput<'_>, fastsci_array::ArrayError> {
    ArrayInput::new(RawData::from_slice(v), &[v.len()], false)
}

fn internal(e: fastsci_array::ArrayError) -> CliError {
    CliError::internal(e.to_string())
}

/// The best of three runs of `f`, in seconds, with its last value.
fn best_of<T>(mut f: impl FnMut() -> T) -> (T, f64) {
    let (mut v, mut best) = timed(&mut f);
    for _ in 0..2 {
        let (w, t) = timed(&mut f);
        v = w;
        best = best.min(t);
    }
    (v, best)
}

/// Runs this tour section.
pub fn run() -> Result<Report, CliError> {
    let normal = Distribution::Normal { mean: 0.0, std: 1.0 };
    let a = array(&normal, 1, N).map_err(internal)?;
    let b = array(&normal, 2, N).map_err(internal)?;
    let c = array(&normal, 3, N).map_err(internal)?;
    let inputs = [
        ("a", input(&a).map_err(internal)?),
        ("b", input(&b).map_err(internal)?),
        ("c", input(&c).map_err(internal)?),
    ];
    let mut r = Report::new();
    r.line(format!("two arrays of {N} standard normal f64 (and a third for the compound expression)"));

    // a*b: one element at a time into a growing vector, versus the fused evaluator.
    let (naive, t_loop) = best_of(|| {
        let mut out = Vec::new();
        for i in 0..a.len() {
            out.push(a[i] * b[i]);
        }
        out
    });
    let product = Program::compile(&(var("a") * var("b"))).map_err(internal)?;
    let mut fused = vec![0.0; N];
    let (_, t_fused) = best_of(|| product.eval_into(&inputs[..2], &mut fused));
    let (fresh, t_fresh) = best_of(|| product.eval(&inputs[..2]));
    let fresh = fresh.map_err(internal)?;
    if naive != fused || fresh.as_slice() != Some(&naive[..]) {
        return Err(CliError::internal("a*b: fused result differs from the element loop"));
    }
    r.compare("product", "a*b", ("element loop", t_loop), ("fastsci, into preallocated", t_fused));
    r.compare("product_new", "a*b", ("element loop", t_loop), ("fastsci, new array", t_fresh));
    r.figure("product_gb_per_s", 3.0 * 8.0 * N as f64 / t_fused / 1e9);

    // a*b + c*2 - sin(a): one temporary per operator, one thread, versus one fused pass.
    let (naive, t_naive) = best_of(|| {
        let t1: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
        let t2: Vec<f64> = c.iter().map(|x| x * 2.0).collect();
        let t3: Vec<f64> = t1.iter().zip(&t2).map(|(x, y)| x + y).collect();
        let t4: Vec<f64> = a.iter().map(|x| x.sin()).collect();
        t3.iter().zip(&t4).map(|(x, y)| x - y).collect::<Vec<f64>>()
    });
    let compound =
        Program::compile(&(var("a") * var("b") + var("c") * 2.0 - var("a").sin())).map_err(internal)?;
    let (_, t_compound) = best_of(|| compound.eval_into(&inputs, &mut fused));
    let worst = naive.iter().zip(&fused).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    if worst > 1e-12 {
        return Err(CliError::internal(format!("compound expression: results differ by {worst:e}")));
    }
    r.compare(
        "compound",
        "a*b + c*2 - sin(a)",
        ("temporaries, 1 thread", t_naive),
        ("fastsci fused", t_compound),
    );
    r.figure("compound_max_abs_difference", worst);
    r.line(format!(
        "fused: {} instructions over blocks of {} elements on {} threads, no temporaries; sin within 2 ulp (sin(1) = {})",
        compound.len(),
        fastsci_array::eval::EVAL_BLOCK,
        rayon::current_num_threads(),
        vmath::sin(1.0)
    ));
    Ok(r)
}
