//! Reference workload 1, vectorization: two arrays of 10,000,000 standard normal f64 multiplied
//! element by element in a plain loop and by a fused program on all cores, then the compound
//! expression `a*b + c*2 - sin(a)` in one pass with no temporaries.
//!
//! `cargo run --release -p fastsci --example workload1_vectorization [-- LEN]`
//! (LEN elements per array, default 10,000,000).

use std::time::Instant;

use fastsci::array::RawData;
use fastsci::array::eval::{ArrayInput, Program};
use fastsci::array::expr::var;
use fastsci::array::random::{Distribution, array};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = match std::env::args().nth(1) {
        Some(s) => s.parse().map_err(|e| format!("LEN must be an array length, not {s:?}: {e}"))?,
        None => 10_000_000,
    };
    let normal = Distribution::Normal { mean: 0.0, std: 1.0 };
    let (a, b, c) = (array(&normal, 1, n)?, array(&normal, 2, n)?, array(&normal, 3, n)?);
    let inputs = [
        ("a", ArrayInput::new(RawData::from_slice(&a), &[n], false)?),
        ("b", ArrayInput::new(RawData::from_slice(&b), &[n], false)?),
        ("c", ArrayInput::new(RawData::from_slice(&c), &[n], false)?),
    ];
    println!("{n} standard normal f64 per array");

    let start = Instant::now();
    let mut looped = Vec::with_capacity(n);
    for i in 0..n {
        looped.push(a[i] * b[i]);
    }
    let t_loop = start.elapsed().as_secs_f64();

    let product = Program::compile(&(var("a") * var("b")))?;
    let mut fused = vec![0.0; n];
    // Once untimed, so the timed run writes to pages the kernel has already mapped and zeroed.
    product.eval_into(&inputs[..2], &mut fused)?;
    let start = Instant::now();
    product.eval_into(&inputs[..2], &mut fused)?;
    let t_fused = start.elapsed().as_secs_f64();
    assert_eq!(looped, fused, "a*b: the fused program must give the loop's result bit for bit");
    println!(
        "a*b: element loop {:.1} ms, fused {:.1} ms ({:.1} GB/s)",
        t_loop * 1e3,
        t_fused * 1e3,
        24.0 * n as f64 / t_fused / 1e9
    );

    let compound = Program::compile(&(var("a") * var("b") + var("c") * 2.0 - var("a").sin()))?;
    let start = Instant::now();
    compound.eval_into(&inputs, &mut fused)?;
    let t_compound = start.elapsed().as_secs_f64();
    // The reference is std's sin, one element at a time: fastsci's is within 2 ulp of it.
    let reference = |i: usize| a[i] * b[i] + c[i] * 2.0 - a[i].sin();
    let worst = (0..n).map(|i| (reference(i) - fused[i]).abs()).fold(0.0, f64::max);
    println!(
        "a*b + c*2 - sin(a): fused {:.1} ms in one pass, max |difference| from std's sin {worst:.1e}",
        t_compound * 1e3
    );
    assert!(worst <= 1e-12, "compound expression off by {worst:e}");
    Ok(())
}
