//! The fused evaluator: an [`Expr`] compiled once into a register program over blocks, run in
//! one pass over its inputs, split into cache-sized blocks across all cores.
//!
//! # Design
//! The tree is lowered to a short register program (`Program`): each instruction applies one
//! operation to whole blocks of [`EVAL_BLOCK`] elements (16 KiB, L1-resident), reading inputs,
//! registers or constants and writing a register. Each instruction is one tight loop that
//! compiles to SIMD code (AVX2 when the CPU has it), with the transcendental functions of
//! [`crate::vmath`]; nothing is interpreted per element, and no array-sized temporaries exist.
//! Constant subtrees are folded; registers are reused as soon as their value is consumed;
//! `x**2` becomes `x*x`, `x**1` and `x**-1` become `x` and `1/x`.
//!
//! Inputs broadcast by NumPy's rules (shapes aligned at the right, each dimension equal or 1).
//! Inputs of any real dtype, byte order and storage order are converted block by block. The
//! output is `float64` in C order, in memory or in a new `.npy` file written window by window
//! (see [`Program::eval_to_npy`]), so both inputs and output may be larger than RAM.

use std::path::Path;

use fastsci_expr::functions;
use ndarray::{ArrayD, ArrayViewD, IxDyn};
use rayon::prelude::*;

use crate::error::{ArrayError, Result};
use crate::expr::{Binary, Expr, Unary};
use crate::mmap::NpyMmap;
use crate::raw::RawData;
use crate::vmath;

/// Elements per block of the evaluator (16 KiB of `f64`).
pub const EVAL_BLOCK: usize = 2048;
/// Blocks per parallel task.
const TASK_BLOCKS: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    Reg(usize),
    Input(usize),
    Const(f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Instr {
    Un(Unary, usize, Operand),
    Bin(Binary, usize, Operand, Operand),
    Where(usize, Operand, Operand, Operand),
}

/// A compiled expression: a register program over blocks.
///
/// # Examples
/// ```
/// use fastsci_array::eval::{Program, ArrayInput};
/// use fastsci_array::expr::var;
/// use ndarray::{arr1, arr2};
/// let p = Program::compile(&(var("a") * var("b") + 1.0))?;
/// let a = arr2(&[[1.0, 2.0], [3.0, 4.0]]).into_dyn();
/// let b = arr1(&[10.0, 100.0]).into_dyn();
/// let out = p.eval(&[("a", ArrayInput::from_view(&a.view())?), ("b", ArrayInput::from_view(&b.view())?)])?;
/// assert_eq!(out, arr2(&[[11.0, 201.0], [31.0, 401.0]]).into_dyn());
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Program {
    names: Vec<String>,
    code: Vec<Instr>,
    nregs: usize,
    result: Operand,
    /// Whether the program computes enough per element for 256-bit code to pay. Plain
    /// arithmetic on streams is memory-bound, and there 256-bit loads and stores measured slower
    /// than 128-bit ones on the development machine (`a*b`: 7.4 ms against 6.8 ms).
    compute_bound: bool,
}

/// Whether `code` has a transcendental function or a power: work per element that 256-bit
/// lanes speed up.
fn is_compute_bound(code: &[Instr]) -> bool {
    code.iter().any(|i| match *i {
        Instr::Un(op, ..) => !matches!(op, Unary::Neg | Unary::Not | Unary::Abs | Unary::IsNan),
        Instr::Bin(op, ..) => op == Binary::Pow,
        Instr::Where(..) => false,
    })
}

#[inline(always)]
fn un_scalar(op: Unary, x: f64) -> f64 {
    match op {
        Unary::Neg => -x,
        Unary::Not => f64::from(u8::from(x == 0.0)),
        Unary::Abs => x.abs(),
        Unary::Exp => vmath::exp(x),
        Unary::Log => vmath::log(x),
        Unary::Log10 => vmath::log(x) * std::f64::consts::LOG10_E,
        Unary::Sin => vmath::sin(x),
        Unary::Cos => vmath::cos(x),
        Unary::Tan => vmath::tan(x),
        Unary::Tanh => vmath::tanh(x),
        Unary::Sqrt => x.sqrt(),
        Unary::Erf => vmath::erf(x),
        Unary::Floor => x.floor(),
        Unary::Ceil => x.ceil(),
        Unary::IsNan => f64::from(u8::from(x.is_nan())),
        Unary::IsInf => f64::from(u8::from(x.is_infinite())),
        Unary::IsFinite => f64::from(u8::from(x.is_finite())),
        Unary::Trunc => x.trunc(),
        Unary::Expm1 => x.exp_m1(),
        Unary::Log1p => x.ln_1p(),
        Unary::Log2 => x.log2(),
        Unary::Asin => x.asin(),
        Unary::Acos => x.acos(),
        Unary::Atan => x.atan(),
        Unary::Sinh => x.sinh(),
        Unary::Cosh => x.cosh(),
        Unary::Asinh => x.asinh(),
        Unary::Acosh => x.acosh(),
        Unary::Atanh => x.atanh(),
    }
}

#[inline(always)]
fn bin_scalar(op: Binary, a: f64, b: f64) -> f64 {
    let t = |c: bool| f64::from(u8::from(c));
    match op {
        Binary::Add => a + b,
        Binary::Sub => a - b,
        Binary::Mul => a * b,
        Binary::Div => a / b,
        Binary::Pow => vmath::pow(a, b),
        Binary::Mod => functions::python_mod(a, b),
        Binary::Min => {
            if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if b < a {
                b
            } else {
                a
            }
        }
        Binary::Max => {
            if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if b > a {
                b
            } else {
                a
            }
        }
        Binary::Fmod => functions::fmod(a, b),
        Binary::Fmin => functions::fmin(a, b),
        Binary::Fmax => functions::fmax(a, b),
        Binary::Atan2 => a.atan2(b),
        Binary::Hypot => a.hypot(b),
        Binary::Copysign => a.copysign(b),
        Binary::Lt => t(a < b),
        Binary::Le => t(a <= b),
        Binary::Gt => t(a > b),
        Binary::Ge => t(a >= b),
        Binary::Eq => t(a == b),
        Binary::Ne => t(a != b),
        Binary::And => t(a != 0.0 && b != 0.0),
        Binary::Or => t(a != 0.0 || b != 0.0),
    }
}

struct Compiler<'a> {
    names: &'a [String],
    code: Vec<Instr>,
    free: Vec<usize>,
    nregs: usize,
}

impl Compiler<'_> {
    fn alloc(&mut self) -> usize {
        self.free.pop().unwrap_or_else(|| {
            self.nregs += 1;
            self.nregs - 1
        })
    }

    fn release(&mut self, o: Operand) {
        if let Operand::Reg(r) = o {
            self.free.push(r);
        }
    }

    fn lower(&mut self, e: &Expr) -> Result<Operand> {
        Ok(match e {
            Expr::Num(x) => Operand::Const(*x),
            Expr::Var(n) => {
                let i = self
                    .names
                    .iter()
                    .position(|m| m == n)
                    .ok_or_else(|| ArrayError::Internal(format!("name {n} not collected")))?;
                Operand::Input(i)
            }
            Expr::Unary(op, a) => {
                let a = self.lower(a)?;
                if let Operand::Const(x) = a {
                    return Ok(Operand::Const(un_scalar(*op, x)));
                }
                let d = self.alloc();
                self.release(a);
                self.code.push(Instr::Un(*op, d, a));
                Operand::Reg(d)
            }
            Expr::Binary(op, a, b) => {
                let a = self.lower(a)?;
                let b = self.lower(b)?;
                match (a, b) {
                    (Operand::Const(x), Operand::Const(y)) => {
                        return Ok(Operand::Const(bin_scalar(*op, x, y)));
                    }
                    (x, Operand::Const(p)) if *op == Binary::Pow && p == 1.0 => return Ok(x),
                    _ => {}
                }
                let (op, a, b) = match (*op, b) {
                    (Binary::Pow, Operand::Const(2.0)) => (Binary::Mul, a, a),
                    (Binary::Pow, Operand::Const(-1.0)) => (Binary::Div, Operand::Const(1.0), a),
                    _ => (*op, a, b),
                };
                let d = self.alloc();
                self.release(a);
                if b != a {
                    self.release(b);
                }
                self.code.push(Instr::Bin(op, d, a, b));
                Operand::Reg(d)
            }
            Expr::Where(c, a, b) => {
                let c = self.lower(c)?;
                if let Operand::Const(x) = c {
                    return self.lower(if x != 0.0 { a } else { b });
                }
                let a = self.lower(a)?;
                let b = self.lower(b)?;
                let d = self.alloc();
                self.release(c);
                self.release(a);
                self.release(b);
                self.code.push(Instr::Where(d, c, a, b));
                Operand::Reg(d)
            }
        })
    }
}

#[derive(Clone, Copy)]
enum Src<'a> {
    S(&'a [f64]),
    C(f64),
}

#[inline(always)]
fn bin_loop(dst: &mut [f64], a: Src, b: Src, f: impl Fn(f64, f64) -> f64) {
    match (a, b) {
        (Src::S(a), Src::S(b)) => {
            for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
                *d = f(x, y);
            }
        }
        (Src::S(a), Src::C(y)) => {
            for (d, &x) in dst.iter_mut().zip(a) {
                *d = f(x, y);
            }
        }
        (Src::C(x), Src::S(b)) => {
            for (d, &y) in dst.iter_mut().zip(b) {
                *d = f(x, y);
            }
        }
        (Src::C(x), Src::C(y)) => dst.fill(f(x, y)),
    }
}

#[inline(always)]
fn run_bin(op: Binary, dst: &mut [f64], a: Src, b: Src) {
    match op {
        Binary::Add => bin_loop(dst, a, b, |x, y| x + y),
        Binary::Sub => bin_loop(dst, a, b, |x, y| x - y),
        Binary::Mul => bin_loop(dst, a, b, |x, y| x * y),
        Binary::Div => bin_loop(dst, a, b, |x, y| x / y),
        Binary::Pow => {
            let m = dst.len();
            let mut xa = [0.0; EVAL_BLOCK];
            let mut ya = [0.0; EVAL_BLOCK];
            let xs: &[f64] = match a {
                Src::S(s) => s,
                Src::C(c) => {
                    xa[..m].fill(c);
                    &xa[..m]
                }
            };
            let ys: &[f64] = match b {
                Src::S(s) => s,
                Src::C(c) => {
                    ya[..m].fill(c);
                    &ya[..m]
                }
            };
            vmath::pow_slice(xs, ys, dst);
        }
        other => bin_loop(dst, a, b, |x, y| bin_scalar(other, x, y)),
    }
}

#[inline(always)]
fn run_un(op: Unary, dst: &mut [f64], a: Src) {
    let Src::S(x) = a else {
        if let Src::C(c) = a {
            dst.fill(un_scalar(op, c));
        }
        return;
    };
    match op {
        Unary::Exp => vmath::exp_slice(x, dst),
        Unary::Log => vmath::log_slice(x, dst),
        Unary::Sin => vmath::sin_slice(x, dst),
        Unary::Cos => vmath::cos_slice(x, dst),
        Unary::Tan => vmath::tan_slice(x, dst),
        Unary::Tanh => vmath::tanh_slice(x, dst),
        Unary::Erf => vmath::erf_slice(x, dst),
        Unary::Sqrt => vmath::sqrt_slice(x, dst),
        Unary::Neg => {
            for (d, &v) in dst.iter_mut().zip(x) {
                *d = -v;
            }
        }
        Unary::Abs => {
            for (d, &v) in dst.iter_mut().zip(x) {
                *d = v.abs();
            }
        }
        other => {
            for (d, &v) in dst.iter_mut().zip(x) {
                *d = un_scalar(other, v);
            }
        }
    }
}

impl Program {
    /// Compiles `expr`; its inputs are its names, sorted ([`Program::names`]).
    ///
    /// # Errors
    /// [`ArrayError::Internal`] only (every tree compiles).
    pub fn compile(expr: &Expr) -> Result<Program> {
        let names = expr.names();
        let mut c = Compiler { names: &names, code: Vec::new(), free: Vec::new(), nregs: 0 };
        let result = c.lower(expr)?;
        let (code, nregs) = (c.code, c.nregs);
        let compute_bound = is_compute_bound(&code);
        Ok(Program { names, code, nregs, result, compute_bound })
    }

    /// The input names the program reads, sorted.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of instructions (each a loop over a block).
    pub fn len(&self) -> usize {
        self.code.len()
    }

    /// Whether the program has no instructions (the expression is a name or a number).
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }

    /// Runs the program on one block; `ins[i]` is input i's block, `regs` the register file.
    #[inline(always)]
    fn run_block_impl(&self, ins: &[&[f64]], regs: &mut [f64], m: usize, out: &mut [f64]) {
        let base = regs.as_mut_ptr();
        let src = |o: Operand| -> Src<'_> {
            match o {
                Operand::Const(c) => Src::C(c),
                Operand::Input(i) => Src::S(&ins[i][..m]),
                // SAFETY: register r occupies regs[r*B..(r+1)*B]; the destination of an
                // instruction is never one of its sources (the compiler frees sources only
                // after allocating the destination), so shared and unique borrows are disjoint.
                Operand::Reg(r) => Src::S(unsafe { std::slice::from_raw_parts(base.add(r * EVAL_BLOCK), m) }),
            }
        };
        let last = self.code.len().wrapping_sub(1);
        let out_ptr = out.as_mut_ptr();
        // The last instruction writes straight into the output block (its destination is the
        // result register), saving a copy through L1 that costs as much as the operation.
        let dst_of = |k: usize, d: usize| -> &mut [f64] {
            if k == last && self.result == Operand::Reg(d) {
                // SAFETY: `out` holds at least `m` elements and is not a source of any
                // instruction (sources are inputs, registers or constants).
                unsafe { std::slice::from_raw_parts_mut(out_ptr, m) }
            } else {
                // SAFETY: see `src`.
                unsafe { std::slice::from_raw_parts_mut(base.add(d * EVAL_BLOCK), m) }
            }
        };
        for (k, ins_) in self.code.iter().enumerate() {
            match *ins_ {
                Instr::Un(op, d, a) => run_un(op, dst_of(k, d), src(a)),
                Instr::Bin(op, d, a, b) => run_bin(op, dst_of(k, d), src(a), src(b)),
                Instr::Where(d, c, a, b) => {
                    let dst = dst_of(k, d);
                    let (c, a, b) = (src(c), src(a), src(b));
                    let at = |s: Src, i: usize| match s {
                        Src::S(v) => v[i],
                        Src::C(x) => x,
                    };
                    for (i, dv) in dst.iter_mut().enumerate() {
                        *dv = if at(c, i) != 0.0 { at(a, i) } else { at(b, i) };
                    }
                }
            }
        }
        if !self.code.is_empty() && matches!(self.result, Operand::Reg(_)) {
            return;
        }
        match src(self.result) {
            Src::S(s) => out[..m].copy_from_slice(s),
            Src::C(c) => out[..m].fill(c),
        }
    }

    fn run_block(&self, ins: &[&[f64]], regs: &mut [f64], m: usize, out: &mut [f64]) {
        let p = self;
        crate::simd::avx2_or_plain!(
            when p.compute_bound;
            fn(p: &Program, ins: &[&[f64]], regs: &mut [f64], m: usize, out: &mut [f64]) {
                p.run_block_impl(ins, regs, m, out)
            }
        )
    }

    /// Matches named inputs to the program's names and computes the broadcast shape.
    fn bind<'a>(&self, inputs: &[(&str, ArrayInput<'a>)]) -> Result<(Vec<ArrayInput<'a>>, Vec<usize>)> {
        let mut bound = Vec::with_capacity(self.names.len());
        for n in &self.names {
            let found = inputs.iter().find(|(m, _)| m == n).ok_or_else(|| {
                let given: Vec<&str> = inputs.iter().map(|(m, _)| *m).collect();
                ArrayError::Expr(format!(
                    "the expression uses '{n}' but no input of that name was given (given: {})",
                    given.join(", ")
                ))
            })?;
            bound.push(found.1.clone());
        }
        let shape = broadcast_shapes(&bound.iter().map(|b| b.shape.clone()).collect::<Vec<_>>())?;
        Ok((bound, shape))
    }

    /// The broadcast shape of the output for these inputs.
    ///
    /// # Errors
    /// As [`Program::eval`].
    pub fn output_shape(&self, inputs: &[(&str, ArrayInput)]) -> Result<Vec<usize>> {
        Ok(self.bind(inputs)?.1)
    }

    /// Evaluates into a new array.
    ///
    /// # Errors
    /// [`ArrayError::Expr`] for a missing input, [`ArrayError::Shape`] for shapes that do not
    /// broadcast.
    pub fn eval(&self, inputs: &[(&str, ArrayInput)]) -> Result<ArrayD<f64>> {
        let (bound, shape) = self.bind(inputs)?;
        let n: usize = shape.iter().product();
        let mut out = crate::zeroed_vec(n);
        self.eval_range(&bound, &shape, 0, &mut out);
        ArrayD::from_shape_vec(IxDyn(&shape), out).map_err(|e| ArrayError::Internal(e.to_string()))
    }

    /// Evaluates into `out`, which must hold exactly the broadcast number of elements (C order).
    ///
    /// # Errors
    /// As [`Program::eval`], and [`ArrayError::Shape`] for a wrong `out` length.
    pub fn eval_into(&self, inputs: &[(&str, ArrayInput)], out: &mut [f64]) -> Result<Vec<usize>> {
        let (bound, shape) = self.bind(inputs)?;
        let n: usize = shape.iter().product();
        if out.len() != n {
            return Err(ArrayError::Shape(format!(
                "output holds {} elements, the result has {n}",
                out.len()
            )));
        }
        self.eval_range(&bound, &shape, 0, out);
        Ok(shape)
    }

    /// Evaluates into a new `.npy` file (float64, C order) at `path`, window by window: each
    /// window of the output is computed in parallel, written back and released before the next,
    /// so the footprint stays near `window + threads x (registers + input blocks)`, whatever the
    /// sizes. The file is written under a temporary name and renamed into place at the end.
    ///
    /// # Errors
    /// As [`Program::eval`], and I/O errors.
    pub fn eval_to_npy(&self, inputs: &[(&str, ArrayInput)], path: impl AsRef<Path>) -> Result<Vec<usize>> {
        let path = path.as_ref();
        let (bound, shape) = self.bind(inputs)?;
        crate::atomic::replace_atomically(path, |temporary| {
            let mut file = crate::mmap::NpyMmapMut::create(temporary, crate::DType::F64, &shape, false)?;
            let n: usize = shape.iter().product();
            let window = (64usize << 20) / 8;
            let mut start = 0;
            while start < n {
                let len = window.min(n - start);
                {
                    let out = &mut file.as_mut_slice::<f64>()?[start..start + len];
                    self.eval_range(&bound, &shape, start, out);
                }
                file.release_written(start * 8, len * 8);
                for b in &bound {
                    if b.contiguous_for(&shape) {
                        b.data.release(start, len);
                    }
                }
                start += len;
            }
            file.flush()
        })?;
        Ok(shape)
    }

    /// Evaluates output elements `[start, start + out.len())` in parallel.
    fn eval_range(&self, bound: &[ArrayInput], shape: &[usize], start: usize, out: &mut [f64]) {
        let plans: Vec<Gather> = bound.iter().map(|b| Gather::new(b, shape)).collect();
        let nin = bound.len();
        out.par_chunks_mut(EVAL_BLOCK * TASK_BLOCKS).enumerate().for_each(|(t, chunk)| {
            let mut regs = vec![0.0; self.nregs.max(1) * EVAL_BLOCK];
            let mut bufs = vec![vec![0.0; EVAL_BLOCK]; nin];
            let task_start = start + t * EVAL_BLOCK * TASK_BLOCKS;
            for (k, block) in chunk.chunks_mut(EVAL_BLOCK).enumerate() {
                let s = task_start + k * EVAL_BLOCK;
                let m = block.len();
                let ins: Vec<&[f64]> = bufs
                    .iter_mut()
                    .zip(bound)
                    .zip(&plans)
                    .map(|((buf, b), plan)| plan.load(&b.data, s, m, buf))
                    .collect();
                self.run_block(&ins, &mut regs, m, block);
            }
        });
    }
}

/// NumPy's broadcast of several shapes.
///
/// # Examples
/// ```
/// use fastsci_array::eval::broadcast_shapes;
/// assert_eq!(broadcast_shapes(&[vec![3, 1], vec![4]])?, vec![3, 4]);
/// assert!(broadcast_shapes(&[vec![3], vec![4]]).is_err());
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// # Errors
/// [`ArrayError::Shape`] when two dimensions differ and neither is 1.
pub fn broadcast_shapes(shapes: &[Vec<usize>]) -> Result<Vec<usize>> {
    let nd = shapes.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = vec![1usize; nd];
    for s in shapes {
        for (k, &d) in s.iter().enumerate() {
            let o = &mut out[nd - s.len() + k];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                let text: Vec<String> = shapes.iter().map(|s| format!("{s:?}")).collect();
                return Err(ArrayError::Shape(format!(
                    "shapes {} cannot be broadcast together",
                    text.join(", ")
                )));
            }
        }
    }
    Ok(out)
}

/// One input of an expression: real data of any dtype with a shape and storage order.
#[derive(Debug, Clone)]
pub struct ArrayInput<'a> {
    data: RawData<'a>,
    shape: Vec<usize>,
    fortran_order: bool,
}

impl<'a> ArrayInput<'a> {
    /// An input over raw data with a shape.
    ///
    /// # Errors
    /// [`ArrayError::Shape`] when the shape does not match the number of elements,
    /// [`ArrayError::DType`] for complex data.
    pub fn new(data: RawData<'a>, shape: &[usize], fortran_order: bool) -> Result<ArrayInput<'a>> {
        if !data.dtype().is_real() {
            return Err(ArrayError::DType(format!(
                "{} inputs are not supported in expressions",
                data.dtype()
            )));
        }
        if shape.iter().product::<usize>() != data.len() {
            return Err(ArrayError::Shape(format!("shape {shape:?} does not match {} elements", data.len())));
        }
        Ok(ArrayInput { data, shape: shape.to_vec(), fortran_order })
    }

    /// An input over an ndarray view in C or Fortran layout.
    ///
    /// # Errors
    /// [`ArrayError::Shape`] when the view is neither C- nor Fortran-contiguous (copy it with
    /// `as_standard_layout()` first).
    pub fn from_view(view: &'a ArrayViewD<'a, f64>) -> Result<ArrayInput<'a>> {
        let shape = view.shape().to_vec();
        if let Some(s) = view.as_slice() {
            return ArrayInput::new(RawData::from_slice(s), &shape, false);
        }
        if let Some(s) = view.as_slice_memory_order()
            && view.t().is_standard_layout()
        {
            return ArrayInput::new(RawData::from_slice(s), &shape, true);
        }
        Err(ArrayError::Shape("the array view is not contiguous; use as_standard_layout() first".into()))
    }

    /// An input over a memory-mapped `.npy` file.
    ///
    /// # Errors
    /// [`ArrayError::DType`] for complex files.
    pub fn from_mmap(map: &'a NpyMmap) -> Result<ArrayInput<'a>> {
        let h = map.header();
        ArrayInput::new(map.raw(), &h.shape, h.fortran_order)
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    fn strides(&self) -> Vec<usize> {
        let nd = self.shape.len();
        let mut st = vec![0usize; nd];
        let mut acc = 1;
        if self.fortran_order {
            for (s, &d) in st.iter_mut().zip(&self.shape) {
                *s = acc;
                acc *= d;
            }
        } else {
            for k in (0..nd).rev() {
                st[k] = acc;
                acc *= self.shape[k];
            }
        }
        st
    }

    /// Whether output index i is this input's element i (same shape, C-contiguous storage).
    fn contiguous_for(&self, out_shape: &[usize]) -> bool {
        self.shape == out_shape && (!self.fortran_order || self.shape.iter().filter(|&&d| d > 1).count() <= 1)
    }
}

/// How to load an input's values for a run of output indices.
enum Gather {
    Contiguous,
    Strided { out_shape: Vec<usize>, strides: Vec<usize> },
}

impl Gather {
    fn new(input: &ArrayInput, out_shape: &[usize]) -> Gather {
        if input.contiguous_for(out_shape) {
            return Gather::Contiguous;
        }
        let nd = out_shape.len();
        let own = input.strides();
        let off = nd - input.shape.len();
        let strides =
            (0..nd).map(|k| if k < off || input.shape[k - off] == 1 { 0 } else { own[k - off] }).collect();
        Gather::Strided { out_shape: out_shape.to_vec(), strides }
    }

    fn load<'b>(&self, data: &RawData<'b>, start: usize, m: usize, buf: &'b mut [f64]) -> &'b [f64] {
        match self {
            Gather::Contiguous => data.block_f64(start, m, buf),
            Gather::Strided { out_shape, strides } => {
                let nd = out_shape.len();
                if nd == 0 {
                    let mut one = [0.0];
                    let v = data.block_f64(0, 1, &mut one)[0];
                    buf[..m].fill(v);
                    return &buf[..m];
                }
                // Multi-index of `start`.
                let mut idx = vec![0usize; nd];
                let mut rest = start;
                for k in (0..nd).rev() {
                    idx[k] = rest % out_shape[k];
                    rest /= out_shape[k];
                }
                let last = nd - 1;
                let mut filled = 0;
                let mut one = [0.0];
                while filled < m {
                    let offset: usize = idx.iter().zip(strides).map(|(i, s)| i * s).sum();
                    let run = (out_shape[last] - idx[last]).min(m - filled);
                    if strides[last] == 1 {
                        let mut tmp = [0.0; EVAL_BLOCK];
                        let vals = data.block_f64(offset, run, &mut tmp);
                        buf[filled..filled + run].copy_from_slice(vals);
                    } else if strides[last] == 0 {
                        let v = data.block_f64(offset, 1, &mut one)[0];
                        buf[filled..filled + run].fill(v);
                    } else {
                        for j in 0..run {
                            buf[filled + j] = data.block_f64(offset + j * strides[last], 1, &mut one)[0];
                        }
                    }
                    filled += run;
                    // Advance the multi-index by `run`.
                    idx[last] += run;
                    let mut k = last;
                    while k > 0 && idx[k] >= out_shape[k] {
                        idx[k] = 0;
                        idx[k - 1] += 1;
                        k -= 1;
                    }
                }
                &buf[..m]
            }
        }
    }
}

/// Evaluates `expr` over named `f64` arrays in one fused, parallel pass.
///
/// # Examples
/// ```
/// use fastsci_array::{eval::evaluate, expr::var};
/// let a = ndarray::arr1(&[0.0, 1.0, 2.0]).into_dyn();
/// let out = evaluate(&(var("a") * 2.0 + var("a").exp()), &[("a", a.view())])?;
/// assert_eq!(out[0], 1.0);
/// # Ok::<(), fastsci_array::ArrayError>(())
/// ```
///
/// # Errors
/// As [`Program::eval`].
pub fn evaluate(expr: &Expr, vars: &[(&str, ArrayViewD<f64>)]) -> Result<ArrayD<f64>> {
    let program = Program::compile(expr)?;
    let standard: Vec<ArrayD<f64>> = vars.iter().map(|(_, v)| v.as_standard_layout().into_owned()).collect();
    let mut inputs = Vec::with_capacity(vars.len());
    for ((n, _), o) in vars.iter().zip(&standard) {
        let s = o.as_slice().ok_or_else(|| ArrayError::Internal("standard layout is contiguous".into()))?;
        inputs.push((*n, ArrayInput::new(RawData::from_slice(s), o.shape(), false)?));
    }
    program.eval(&inputs)
}
