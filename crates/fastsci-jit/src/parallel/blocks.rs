//! Running the blocks of a `prange` loop: a fixed partition of the iterations that depends on
//! their number only, run on rayon's pool (or one after the other), each block with its own
//! context and random stream, and the reductions' partial results combined in block order.
//! So the result is the same, to the bit, with any number of threads.
//!
//! The compiled code calls [`rt_parfor`]; the interpreter uses the same partition, streams
//! and combination ([`block_count`], [`block_bounds`], [`block_rng`], [`combine`]).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::ir::{ReduceOp, Reduction, RtError};
use crate::runtime::{Arena, Ctx, next_u64, seed_state};

/// At most this many blocks: enough for rayon to balance uneven iterations over many cores,
/// few enough that the per-block cost (a context, a call) stays negligible.
pub(crate) const MAX_BLOCKS: u64 = 256;

/// At most this many reduction variables per loop (they travel in one 64-bit code).
pub(crate) const MAX_REDUCTIONS: usize = 16;

/// The outlined body: `(ctx, args, lo, hi, partials)` runs iterations `lo..hi`.
type BodyFn = unsafe extern "C" fn(*mut Ctx, i64, i64, i64, i64);

/// The number of iterations of `range(start, stop, step)`, `step != 0`.
pub(crate) fn trip_count(start: i64, stop: i64, step: i64) -> u64 {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = if step > 0 {
        if stop > start { (stop - start - 1) / step + 1 } else { 0 }
    } else if start > stop {
        (start - stop - 1) / -step + 1
    } else {
        0
    };
    n as u64
}

/// How many blocks `n` iterations are split into (a function of `n` alone).
pub(crate) fn block_count(n: u64) -> u64 {
    n.min(MAX_BLOCKS)
}

/// Iterations `lo..hi` of block `b` of `blocks`.
pub(crate) fn block_bounds(n: u64, blocks: u64, b: u64) -> (i64, i64) {
    let at = |k: u64| (u128::from(n) * u128::from(k) / u128::from(blocks)) as i64;
    (at(b), at(b + 1))
}

/// The random stream of block `b`, from `base` (one draw of the enclosing stream).
pub(crate) fn block_rng(base: u64, b: u64) -> [u64; 4] {
    seed_state(base ^ (b + 1).wrapping_mul(0xD1B5_4A32_D192_ED03))
}

/// The value (as 64 bits) a block's partial result starts from.
pub(crate) fn identity(r: Reduction) -> u64 {
    match (r.op, r.float) {
        (ReduceOp::Add, true) => 0.0f64.to_bits(),
        (ReduceOp::Add, false) => 0,
        (ReduceOp::Mul, true) => 1.0f64.to_bits(),
        (ReduceOp::Mul, false) => 1,
        (ReduceOp::Min, true) => f64::INFINITY.to_bits(),
        (ReduceOp::Min, false) => i64::MAX as u64,
        (ReduceOp::Max, true) => f64::NEG_INFINITY.to_bits(),
        (ReduceOp::Max, false) => i64::MIN as u64,
    }
}

/// `acc OP partial`, with the semantics of the kernel's own operators (wrapping integers,
/// Python's `min`/`max`: `b if b < a else a`).
pub(crate) fn combine(r: Reduction, acc: u64, partial: u64) -> u64 {
    fn pick<T: PartialOrd>(op: ReduceOp, a: T, b: T) -> bool {
        if op == ReduceOp::Min { b < a } else { b > a }
    }
    if r.float {
        let (a, b) = (f64::from_bits(acc), f64::from_bits(partial));
        let v = match r.op {
            ReduceOp::Add => a + b,
            ReduceOp::Mul => a * b,
            ReduceOp::Min | ReduceOp::Max => {
                if pick(r.op, a, b) {
                    b
                } else {
                    a
                }
            }
        };
        v.to_bits()
    } else {
        let (a, b) = (acc as i64, partial as i64);
        let v = match r.op {
            ReduceOp::Add => a.wrapping_add(b),
            ReduceOp::Mul => a.wrapping_mul(b),
            ReduceOp::Min | ReduceOp::Max => {
                if pick(r.op, a, b) {
                    b
                } else {
                    a
                }
            }
        };
        v as u64
    }
}

/// Packs the reductions and the parallel flag into one constant of the compiled code.
pub(crate) fn encode(reductions: &[Reduction], parallel: bool) -> i64 {
    let mut code = i64::from(parallel) | (reductions.len() as i64) << 1;
    for (k, r) in reductions.iter().enumerate() {
        code |= (r.op as i64 | i64::from(r.float) << 2) << (8 + 3 * k);
    }
    code
}

fn decode(code: i64) -> (Vec<Reduction>, bool) {
    let n = ((code >> 1) & 0x1f) as usize;
    let reductions = (0..n)
        .map(|k| {
            let c = code >> (8 + 3 * k);
            let op = match c & 3 {
                0 => ReduceOp::Add,
                1 => ReduceOp::Mul,
                2 => ReduceOp::Min,
                _ => ReduceOp::Max,
            };
            Reduction { local: 0, op, float: c & 4 != 0 }
        })
        .collect();
    (reductions, code & 1 != 0)
}

/// The first error of a block, by block index.
struct FirstError {
    any: AtomicBool,
    first: Mutex<Option<(u64, i64, i64)>>,
}

impl FirstError {
    fn record(&self, block: u64, err: i64, pos: i64) {
        self.any.store(true, Ordering::Relaxed);
        let mut first = self.first.lock().unwrap_or_else(|p| p.into_inner());
        if first.is_none_or(|(b, _, _)| block < b) {
            *first = Some((block, err, pos));
        }
    }
}

/// Runs `prange(start, stop, step)` with the outlined `body` (called from compiled code).
///
/// `acc` holds the reductions' values before the loop and receives them after it. A runtime
/// error in a block keeps blocks not yet started from starting (running ones finish their
/// block) and becomes the loop's error; the caller's cancel flag stops every block at its
/// next back-edge.
///
/// # Safety
///
/// `ctx` is the live context of the calling kernel, `body` the outlined function of this loop
/// and `args` its captured values, `acc` one slot per reduction of `code`.
pub(crate) unsafe extern "C" fn rt_parfor(
    ctx: *mut Ctx,
    body: i64,
    args: i64,
    start: i64,
    stop: i64,
    step: i64,
    acc: *mut u64,
    code: i64,
    pos: i64,
) {
    // SAFETY: the caller passes its live context.
    let parent = unsafe { &mut *ctx };
    if step == 0 {
        parent.err = RtError::RangeStep as i64;
        parent.err_pos = pos;
        return;
    }
    let (reductions, parallel) = decode(code);
    // SAFETY: one slot per reduction, written by the caller.
    let acc = unsafe { std::slice::from_raw_parts_mut(acc, reductions.len()) };
    // SAFETY: the code generator passes the address of the loop's outlined function.
    let body: BodyFn = unsafe { std::mem::transmute::<usize, BodyFn>(body as usize) };
    let n = trip_count(start, stop, step);
    let blocks = block_count(n);
    let base = next_u64(&mut parent.rng);
    let width = reductions.len().max(1);
    let mut partials = vec![0u64; blocks as usize * width];
    let errors = FirstError { any: AtomicBool::new(false), first: Mutex::new(None) };
    // Raw pointers are not `Sync`; the blocks only read the cancel flag and the captured
    // values, which outlive the loop.
    let (cancel, depth) = (parent.cancel as usize, parent.depth);
    let run = |b: u64, out: &mut [u64]| {
        if errors.any.load(Ordering::Relaxed) {
            return;
        }
        let (lo, hi) = block_bounds(n, blocks, b);
        let mut arena = Arena::default();
        let mut block_ctx = Ctx {
            err: 0,
            err_pos: 0,
            rng: block_rng(base, b),
            depth,
            arena: &mut arena,
            cancel: cancel as *const u8,
        };
        // SAFETY: the body reads its captured values from `args`, writes one partial per
        // reduction into `out`, and allocates only in this block's arena.
        unsafe { body(&mut block_ctx, args, lo, hi, out.as_mut_ptr() as i64) };
        if block_ctx.err != 0 {
            errors.record(b, block_ctx.err, block_ctx.err_pos);
        }
    };
    if parallel && blocks > 1 {
        partials.par_chunks_mut(width).enumerate().for_each(|(b, out)| run(b as u64, out));
    } else {
        for (b, out) in partials.chunks_mut(width).enumerate() {
            run(b as u64, out);
        }
    }
    if let Some((_, err, err_pos)) = *errors.first.lock().unwrap_or_else(|p| p.into_inner()) {
        parent.err = err;
        parent.err_pos = err_pos;
        return;
    }
    for block in partials.chunks(width) {
        for (k, r) in reductions.iter().enumerate() {
            acc[k] = combine(*r, acc[k], block[k]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trip_counts_match_python_ranges() {
        for (start, stop, step) in
            [(0, 10, 1), (0, 10, 3), (10, 0, -3), (5, 5, 1), (5, 0, 1), (-7, 7, 2), (3, -9, -4)]
        {
            let want = if step > 0 {
                (start..stop).step_by(step as usize).count()
            } else {
                (stop + 1..=start).rev().step_by((-step) as usize).count()
            };
            assert_eq!(trip_count(start, stop, step), want as u64, "range({start}, {stop}, {step})");
        }
        assert_eq!(trip_count(i64::MIN, i64::MAX, i64::MAX), 3);
        assert_eq!(trip_count(i64::MAX, i64::MIN, i64::MIN), 2);
    }

    #[test]
    fn blocks_cover_the_iterations_once_in_order() {
        for n in [0u64, 1, 2, 255, 256, 257, 1000, 1 << 40] {
            let blocks = block_count(n);
            let mut next = 0i64;
            for b in 0..blocks {
                let (lo, hi) = block_bounds(n, blocks, b);
                assert_eq!(lo, next);
                assert!(hi > lo, "n = {n}: block {b} is empty");
                next = hi;
            }
            assert_eq!(next as u64, n);
        }
    }

    #[test]
    fn codes_round_trip() {
        let r = |op, float| Reduction { local: 0, op, float };
        let reductions = [
            r(ReduceOp::Max, true),
            r(ReduceOp::Add, true),
            r(ReduceOp::Mul, false),
            r(ReduceOp::Min, false),
        ];
        let (back, parallel) = decode(encode(&reductions, true));
        assert!(parallel);
        assert_eq!(
            back.iter().map(|x| (x.op, x.float)).collect::<Vec<_>>(),
            reductions.map(|x| (x.op, x.float))
        );
        let full = vec![r(ReduceOp::Max, true); MAX_REDUCTIONS];
        assert_eq!(decode(encode(&full, false)).0.len(), MAX_REDUCTIONS);
    }
}
