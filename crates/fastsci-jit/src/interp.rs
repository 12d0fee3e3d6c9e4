//! The reference interpreter: walks the typed IR of [`crate::ir`] directly, with the
//! semantics of the code [`crate::codegen`] generates (wrapping 64-bit integers, Python's
//! floor division, the same runtime errors at the same source positions, the same random
//! stream). It exists to check the compiler: the differential tests run every kernel both
//! ways and require identical results. It is slow and never used to run kernels for users.
//!
//! Where the compiled code calls into [`crate::runtime`] (math functions, allocation,
//! random draws), the interpreter calls the very same functions, so results agree to the
//! bit rather than approximately.

use std::cell::RefCell;
use std::rc::Rc;

use ndarray::{ArrayD, IxDyn};

use crate::ir::{BinOp, Func, MathFn, ParLoop, PrintArg, RandomFn, RtError, TExpr, TK, TStmt, Ty};
use crate::runtime::{self, Buffer, MAX_DEPTH, MathImpl, each_buffer};
use crate::value::{ArrayValue, DType, Value};
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::CmpOp;

/// Why interpretation stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    /// A Python exception raised by the kernel, at a byte offset of the source (what the
    /// compiled code records in its context).
    Raise(RtError, usize),
    /// The IR holds something the interpreter cannot run.
    Fail(JitError),
}

/// Native stack for the interpreter's thread. Each kernel call nests several Rust frames and
/// kernels may recurse `MAX_DEPTH` deep before `RecursionError` (a debug build needs under
/// 16 MiB for that with simple bodies; the rest is room for deeply nested expressions).
/// Only the pages used are ever committed.
const STACK_BYTES: usize = 1 << 28;

/// Runs `funcs[entry]` on `args` with the random state `rng`; gives the result and the
/// random state afterwards (also after an error, as the compiled code does).
pub(crate) fn run(
    funcs: &[Func],
    entry: usize,
    args: &[Value],
    rng: [u64; 4],
) -> (Result<Value, Stop>, [u64; 4]) {
    let work = move || {
        let mut machine = Interp { funcs, rng, depth: 0 };
        let args = args.iter().map(from_value).collect::<Result<Vec<_>, _>>();
        let result = args.and_then(|args| machine.call(entry, args)).and_then(|v| to_value(&v));
        (result, machine.rng)
    };
    let spawned = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("fastsci-jit-interp".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            .map(|handle| handle.join())
    });
    match spawned {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => (Err(fail(ErrorKind::Internal, format!("cannot start the interpreter thread: {e}"))), rng),
    }
}

fn fail(kind: ErrorKind, msg: impl Into<String>) -> Stop {
    Stop::Fail(JitError::plain(kind, msg))
}

fn mismatch(what: &str) -> Stop {
    fail(ErrorKind::Internal, format!("interpreter: ill-typed IR ({what})"))
}

/// A value while the kernel runs. Arrays are shared handles, as the compiled code's
/// (pointer, shape, strides) triples are: assigning one aliases it.
#[derive(Clone)]
enum Val {
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Arr),
    Tuple(Vec<Val>),
    None,
}

#[derive(Clone)]
struct Arr {
    data: Rc<RefCell<Buffer>>,
    /// Index in `data` of element `[0, 0, ...]` (non-zero for views).
    offset: i64,
    shape: Vec<i64>,
    /// In elements.
    strides: Vec<i64>,
}

impl Val {
    fn int(&self) -> Result<i64, Stop> {
        match *self {
            Val::Int(i) => Ok(i),
            _ => Err(mismatch("expected an int")),
        }
    }

    fn float(&self) -> Result<f64, Stop> {
        match *self {
            Val::Float(x) => Ok(x),
            _ => Err(mismatch("expected a float")),
        }
    }

    /// Truthiness as compiled code tests it (a float is true when `!= 0.0`, NaN included).
    fn truth(&self) -> Result<bool, Stop> {
        match *self {
            Val::Bool(b) => Ok(b),
            Val::Int(i) => Ok(i != 0),
            Val::Float(x) => Ok(x != 0.0),
            _ => Err(mismatch("expected a number")),
        }
    }

    fn array(self) -> Result<Arr, Stop> {
        match self {
            Val::Array(a) => Ok(a),
            _ => Err(mismatch("expected an array")),
        }
    }

    /// The value of a local before its first assignment (compiled code zeroes locals; an
    /// array local is a null array of shape zero).
    fn zero(ty: &Ty) -> Val {
        match ty {
            Ty::Int => Val::Int(0),
            Ty::Float => Val::Float(0.0),
            Ty::Bool => Val::Bool(false),
            Ty::Array { dtype, ndim } => Val::Array(Arr {
                data: Rc::new(RefCell::new(empty_buffer(*dtype))),
                offset: 0,
                shape: vec![0; *ndim],
                strides: vec![0; *ndim],
            }),
            Ty::Tuple(ts) => Val::Tuple(ts.iter().map(Val::zero).collect()),
            Ty::None => Val::None,
            Ty::Num(_) => Val::zero(&ty.repr()),
        }
    }
}

fn empty_buffer(dtype: DType) -> Buffer {
    runtime::alloc_buffer(dtype, crate::ir::Fill::Zeros, &[0]).unwrap_or(Buffer::U8(Vec::new()))
}

fn c_strides(shape: &[i64]) -> Vec<i64> {
    let mut strides = vec![1i64; shape.len()];
    for k in (0..shape.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1].wrapping_mul(shape[k + 1]);
    }
    strides
}

fn from_value(v: &Value) -> Result<Val, Stop> {
    Ok(match v {
        Value::Int(i) => Val::Int(*i),
        Value::Float(x) => Val::Float(*x),
        Value::Bool(b) => Val::Bool(*b),
        Value::Tuple(items) => Val::Tuple(items.iter().map(from_value).collect::<Result<_, _>>()?),
        Value::None => Val::None,
        Value::Array(a) => {
            // A private C-order copy: `call` never changes its arguments either.
            let shape: Vec<i64> = a.shape().iter().map(|&d| d as i64).collect();
            let data = match a {
                ArrayValue::F64(x) => Buffer::F64(x.iter().copied().collect()),
                ArrayValue::F32(x) => Buffer::F32(x.iter().copied().collect()),
                ArrayValue::I64(x) => Buffer::I64(x.iter().copied().collect()),
                ArrayValue::I32(x) => Buffer::I32(x.iter().copied().collect()),
                ArrayValue::U8(x) => Buffer::U8(x.iter().copied().collect()),
                ArrayValue::Bool(x) => Buffer::Bool(x.iter().copied().collect()),
                ArrayValue::I8(x) => Buffer::I8(x.iter().copied().collect()),
                ArrayValue::I16(x) => Buffer::I16(x.iter().copied().collect()),
                ArrayValue::U16(x) => Buffer::U16(x.iter().copied().collect()),
                ArrayValue::U32(x) => Buffer::U32(x.iter().copied().collect()),
                ArrayValue::U64(x) => Buffer::U64(x.iter().copied().collect()),
            };
            let strides = c_strides(&shape);
            Val::Array(Arr { data: Rc::new(RefCell::new(data)), offset: 0, shape, strides })
        }
    })
}

fn to_value(v: &Val) -> Result<Value, Stop> {
    Ok(match v {
        Val::Int(i) => Value::Int(*i),
        Val::Float(x) => Value::Float(*x),
        Val::Bool(b) => Value::Bool(*b),
        Val::Tuple(items) => Value::Tuple(items.iter().map(to_value).collect::<Result<_, _>>()?),
        Val::None => Value::None,
        Val::Array(a) => Value::Array(array_value(a)?),
    })
}

/// Copies the elements `a` views (in C order) into an owned array.
fn array_value(a: &Arr) -> Result<ArrayValue, Stop> {
    fn gather<T: Copy>(v: &[T], a: &Arr) -> Result<ArrayD<T>, Stop> {
        let shape: Vec<usize> = a.shape.iter().map(|&d| d as usize).collect();
        let n: usize = shape.iter().product();
        let mut out = Vec::with_capacity(n);
        let mut idx = vec![0i64; shape.len()];
        for _ in 0..n {
            let off: i64 = a.offset + idx.iter().zip(&a.strides).map(|(i, s)| i * s).sum::<i64>();
            out.push(
                *usize::try_from(off).ok().and_then(|o| v.get(o)).ok_or_else(|| mismatch("array view"))?,
            );
            for k in (0..idx.len()).rev() {
                idx[k] += 1;
                if idx[k] < a.shape[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
        ArrayD::from_shape_vec(IxDyn(&shape), out).map_err(|_| mismatch("array shape"))
    }
    let data = a.data.borrow();
    Ok(each_buffer!(&*data, v => ArrayValue::from(gather(v, a)?)))
}

/// Reads element `off`, widened as the compiled loads widen (f32 -> f64, i32 sign- and u8
/// zero-extended).
fn load(data: &Buffer, off: usize) -> Option<Val> {
    Some(match data {
        Buffer::F64(v) => Val::Float(*v.get(off)?),
        Buffer::F32(v) => Val::Float(f64::from(*v.get(off)?)),
        Buffer::I64(v) => Val::Int(*v.get(off)?),
        Buffer::I32(v) => Val::Int(i64::from(*v.get(off)?)),
        Buffer::U8(v) => Val::Int(i64::from(*v.get(off)?)),
        Buffer::Bool(v) => Val::Bool(*v.get(off)?),
        Buffer::I8(v) => Val::Int(i64::from(*v.get(off)?)),
        Buffer::I16(v) => Val::Int(i64::from(*v.get(off)?)),
        Buffer::U16(v) => Val::Int(i64::from(*v.get(off)?)),
        Buffer::U32(v) => Val::Int(i64::from(*v.get(off)?)),
        // uint64 elements are held as their 64 bits, as the compiled loads hold them.
        Buffer::U64(v) => Val::Int(*v.get(off)? as i64),
    })
}

/// Writes element `off` (already checked to be inside the buffer), narrowed as the
/// compiled stores narrow (f64 -> f32 rounds, ints keep their low bits).
fn store(data: &mut Buffer, off: usize, v: &Val) -> Result<(), Stop> {
    fn put<T>(d: &mut [T], off: usize, x: T) -> Result<(), Stop> {
        *d.get_mut(off).ok_or_else(|| mismatch("store offset"))? = x;
        Ok(())
    }
    match (data, v) {
        (Buffer::F64(d), Val::Float(x)) => put(d, off, *x),
        (Buffer::F32(d), Val::Float(x)) => put(d, off, *x as f32),
        (Buffer::I64(d), Val::Int(x)) => put(d, off, *x),
        (Buffer::I32(d), Val::Int(x)) => put(d, off, *x as i32),
        (Buffer::U8(d), Val::Int(x)) => put(d, off, *x as u8),
        (Buffer::Bool(d), Val::Bool(x)) => put(d, off, *x),
        (Buffer::I8(d), Val::Int(x)) => put(d, off, *x as i8),
        (Buffer::I16(d), Val::Int(x)) => put(d, off, *x as i16),
        (Buffer::U16(d), Val::Int(x)) => put(d, off, *x as u16),
        (Buffer::U32(d), Val::Int(x)) => put(d, off, *x as u32),
        (Buffer::U64(d), Val::Int(x)) => put(d, off, *x as u64),
        _ => Err(mismatch("element type of a store")),
    }
}

/// How a block of statements ended.
enum Flow {
    Next,
    Break,
    Continue,
    Return(Val),
}

struct Interp<'a> {
    funcs: &'a [Func],
    rng: [u64; 4],
    /// Nested calls below the entry function (as the context's depth in compiled code).
    depth: i64,
}

impl Interp<'_> {
    fn call(&mut self, id: usize, args: Vec<Val>) -> Result<Val, Stop> {
        let f = self.funcs.get(id).ok_or_else(|| mismatch("call of an unknown function"))?;
        if args.len() != f.params {
            return Err(mismatch("argument count"));
        }
        let mut locals: Vec<Val> = f.locals.iter().map(Val::zero).collect();
        for (slot, a) in locals.iter_mut().zip(args) {
            *slot = a;
        }
        match self.block(&f.body, &mut locals)? {
            Flow::Return(v) => Ok(v),
            // Falling off the end returns zeros, as the compiled code does.
            _ => Ok(Val::zero(&f.ret)),
        }
    }

    fn block(&mut self, body: &[TStmt], locals: &mut [Val]) -> Result<Flow, Stop> {
        for s in body {
            let flow = self.stmt(s, locals)?;
            if !matches!(flow, Flow::Next) {
                return Ok(flow);
            }
        }
        Ok(Flow::Next)
    }

    fn stmt(&mut self, s: &TStmt, locals: &mut [Val]) -> Result<Flow, Stop> {
        match s {
            TStmt::Assign(l, e) => locals[*l] = self.expr(e, locals)?,
            TStmt::Store { arr, idx, value, check } => {
                let a = self.expr(arr, locals)?.array()?;
                let off = self.offset(&a, idx, *check, arr.pos, locals)?;
                let v = self.expr(value, locals)?;
                store(&mut a.data.borrow_mut(), off, &v)?;
            }
            TStmt::Eval(e) => {
                self.expr(e, locals)?;
            }
            TStmt::If(c, then, otherwise) => {
                let branch = if self.expr(c, locals)?.truth()? { then } else { otherwise };
                return self.block(branch, locals);
            }
            TStmt::While(c, body) => {
                while self.expr(c, locals)?.truth()? {
                    match self.block(body, locals)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Next | Flow::Continue => {}
                    }
                }
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } => {
                let mut i = self.expr(start, locals)?.int()?;
                let end = self.expr(stop, locals)?.int()?;
                let by = self.expr(step, locals)?.int()?;
                // A constant step is never checked (lowering rejects `range(a, b, 0)`); its
                // sign alone picks the loop test.
                let upward = match step.kind {
                    TK::Int(k) => k > 0,
                    _ if by == 0 => return Err(Stop::Raise(RtError::RangeStep, *pos)),
                    _ => by > 0,
                };
                locals[*stop_local] = Val::Int(end);
                locals[*step_local] = Val::Int(by);
                while if upward { i < end } else { i > end } {
                    locals[*counter] = Val::Int(i);
                    locals[*var] = Val::Int(i);
                    match self.block(body, locals)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Next | Flow::Continue => {}
                    }
                    i = i.wrapping_add(by);
                }
            }
            TStmt::Raise(err, pos) => return Err(Stop::Raise(*err, *pos)),
            TStmt::Sort { arr, order } => {
                let a = self.expr(arr, locals)?.array()?;
                let out = match order {
                    Some(o) => Some(self.expr(o, locals)?.array()?),
                    None => None,
                };
                let (n, stride) = (a.shape[0], a.strides[0]);
                // The same runtime function as the compiled code, on the buffer's memory; the
                // elements lie inside it (checked), and `out` is another, fresh buffer.
                let last = a.offset + (n - 1).max(0) * stride;
                let len = a.data.borrow().len() as i64;
                if n > 0 && !((0..len).contains(&a.offset) && (0..len).contains(&last)) {
                    return Err(mismatch("sort outside the array"));
                }
                let mut data = a.data.borrow_mut();
                let size = data.elem_size() as i64;
                let base = data.ptr() as i64 + a.offset * size;
                let order_ptr = match &out {
                    Some(o) if Rc::ptr_eq(&o.data, &a.data) => {
                        return Err(mismatch("argsort into its own array"));
                    }
                    Some(o) => o.data.borrow_mut().ptr() as i64 + o.offset * 8,
                    None => 0,
                };
                runtime::rt_sort(runtime::dtype_code(data.dtype()), base, n, stride, order_ptr);
            }
            TStmt::Print(items) => {
                for it in items {
                    match it {
                        PrintArg::Text(t) => runtime::rt_print_text(t.as_ptr() as i64, t.len() as i64),
                        PrintArg::Value(e, how) => {
                            let bits = match self.expr(e, locals)? {
                                Val::Int(i) => i,
                                Val::Float(x) => x.to_bits() as i64,
                                Val::Bool(b) => i64::from(b),
                                _ => return Err(mismatch("printed value")),
                            };
                            runtime::rt_print_value(*how as i64, bits);
                        }
                    }
                }
            }
            TStmt::Break => return Ok(Flow::Break),
            TStmt::Continue => return Ok(Flow::Continue),
            TStmt::Return(e) => return Ok(Flow::Return(self.expr(e, locals)?)),
        }
        Ok(Flow::Next)
    }

    /// The element offset of `a[idx]`: indices evaluated and checked one by one, negative
    /// ones counted from the end. Without bounds checks the compiled code would touch
    /// whatever memory the offset lands on; the interpreter raises `IndexError` instead
    /// when that is outside the array's buffer.
    fn offset(
        &mut self,
        a: &Arr,
        idx: &[TExpr],
        check: bool,
        pos: usize,
        locals: &mut [Val],
    ) -> Result<usize, Stop> {
        if idx.len() != a.shape.len() {
            return Err(mismatch("index count"));
        }
        let mut off: i64 = a.offset;
        for (k, ie) in idx.iter().enumerate() {
            let i = self.expr(ie, locals)?.int()?;
            let dim = a.shape[k];
            let i = if check {
                if (0..dim).contains(&i) {
                    i
                } else if i < 0 && (i.wrapping_add(dim) as u64) < dim as u64 {
                    i.wrapping_add(dim)
                } else {
                    return Err(Stop::Raise(RtError::IndexOutOfRange, pos));
                }
            } else {
                match ie.kind {
                    TK::Int(c) if c >= 0 => i,
                    _ if i < 0 => i.wrapping_add(dim),
                    _ => i,
                }
            };
            off = off.wrapping_add(i.wrapping_mul(a.strides[k]));
        }
        let len = a.data.borrow().len();
        usize::try_from(off).ok().filter(|&o| o < len).ok_or(Stop::Raise(RtError::IndexOutOfRange, pos))
    }

    /// A `prange` loop as the compiled code runs it (`crate::parallel::blocks::rt_parfor`),
    /// its blocks one after the other: each starts from the locals' values before the loop,
    /// with the reductions at their identity and its own random stream; the partials combine
    /// in block order.
    fn par_for(&mut self, p: &ParLoop, locals: &mut [Val]) -> Result<(), Stop> {
        use crate::parallel::blocks::{block_bounds, block_count, block_rng, combine, identity, trip_count};
        let reductions =
            p.outlined.as_ref().ok_or_else(|| mismatch("a prange loop not outlined"))?.reductions.clone();
        let start = self.expr(&p.start, locals)?.int()?;
        let stop = self.expr(&p.stop, locals)?.int()?;
        let step = self.expr(&p.step, locals)?.int()?;
        if step == 0 {
            return Err(Stop::Raise(RtError::RangeStep, p.pos));
        }
        let bits = |v: &Val| match *v {
            Val::Float(x) => Ok(x.to_bits()),
            Val::Int(i) => Ok(i as u64),
            _ => Err(mismatch("a reduction that is not a number")),
        };
        let value =
            |float: bool, b: u64| if float { Val::Float(f64::from_bits(b)) } else { Val::Int(b as i64) };
        let mut acc = reductions.iter().map(|r| bits(&locals[r.local])).collect::<Result<Vec<_>, _>>()?;
        let n = trip_count(start, stop, step);
        let blocks = block_count(n);
        let base = runtime::next_u64(&mut self.rng);
        let after = self.rng;
        for b in 0..blocks {
            let mut own = locals.to_vec();
            for r in &reductions {
                own[r.local] = value(r.float, identity(*r));
            }
            self.rng = block_rng(base, b);
            let (lo, hi) = block_bounds(n, blocks, b);
            for k in lo..hi {
                own[p.var] = Val::Int(start.wrapping_add(k.wrapping_mul(step)));
                let flow = self.block(&p.body, &mut own);
                if !matches!(flow, Ok(Flow::Next | Flow::Continue)) {
                    self.rng = after;
                    flow?;
                    return Err(mismatch("a prange loop left early"));
                }
            }
            for (k, r) in reductions.iter().enumerate() {
                acc[k] = combine(*r, acc[k], bits(&own[r.local])?);
            }
        }
        self.rng = after;
        for (k, r) in reductions.iter().enumerate() {
            locals[r.local] = value(r.float, acc[k]);
        }
        Ok(())
    }

    fn scalars(&mut self, args: &[TExpr], locals: &mut [Val]) -> Result<Vec<Val>, Stop> {
        args.iter().map(|a| self.expr(a, locals)).collect()
    }

    fn expr(&mut self, e: &TExpr, locals: &mut [Val]) -> Result<Val, Stop> {
        Ok(match &e.kind {
            TK::Int(v) => Val::Int(*v),
            TK::Float(v) => Val::Float(*v),
            TK::Bool(v) => Val::Bool(*v),
            TK::Local(l) => locals[*l].clone(),
            TK::LoadF64 { .. } | TK::LoadPtr { .. } => {
                return Err(fail(
                    ErrorKind::Unsupported,
                    "the interpreter runs kernels only, not formulas reading raw memory",
                ));
            }
            TK::Narrow(d, x) => match self.expr(x, locals)? {
                Val::Int(v) => Val::Int(crate::ir::narrow_int(*d, v)),
                Val::Float(v) if *d == DType::F32 => Val::Float(f64::from(v as f32)),
                other => other,
            },
            TK::Neg(x) => match self.expr(x, locals)? {
                Val::Float(v) => Val::Float(-v),
                Val::Int(v) => Val::Int(v.wrapping_neg()),
                _ => return Err(mismatch("negation")),
            },
            TK::Not(x) => Val::Bool(!self.expr(x, locals)?.truth()?),
            TK::Invert(x) => Val::Int(!self.expr(x, locals)?.int()?),
            TK::Bin(op, l, r) => {
                let a = self.expr(l, locals)?;
                let b = self.expr(r, locals)?;
                binop(*op, &a, &b, e.pos)?
            }
            TK::PowConst(x, k) => {
                let v = self.expr(x, locals)?.float()?;
                // The same products in the same order as the generated code.
                Val::Float(match k {
                    0 => 1.0,
                    1 => v,
                    2 => v * v,
                    3 => v * v * v,
                    _ => (v * v) * (v * v),
                })
            }
            TK::Cmp(op, l, r) => {
                let a = self.expr(l, locals)?;
                let b = self.expr(r, locals)?;
                Val::Bool(compare(*op, &a, &b)?)
            }
            TK::And(l, r) => {
                let a = self.expr(l, locals)?;
                if a.truth()? { self.expr(r, locals)? } else { a }
            }
            TK::Or(l, r) => {
                let a = self.expr(l, locals)?;
                if a.truth()? { a } else { self.expr(r, locals)? }
            }
            TK::IfElse(c, a, b) => {
                if self.expr(c, locals)?.truth()? {
                    self.expr(a, locals)?
                } else {
                    self.expr(b, locals)?
                }
            }
            TK::Select(c, a, b) => {
                let c = self.expr(c, locals)?.truth()?;
                let a = self.expr(a, locals)?;
                let b = self.expr(b, locals)?;
                if c { a } else { b }
            }
            TK::Cast(x) => cast(self.expr(x, locals)?, &e.ty)?,
            TK::IsNan(x) => Val::Bool(self.expr(x, locals)?.float()?.is_nan()),
            TK::IsInf(x) => Val::Bool(self.expr(x, locals)?.float()?.abs() == f64::INFINITY),
            TK::IsFinite(x) => Val::Bool(self.expr(x, locals)?.float()?.abs() < f64::INFINITY),
            TK::Math(m, args) => {
                let vs = self.scalars(args, locals)?;
                let xs = vs.iter().map(Val::float).collect::<Result<Vec<_>, _>>()?;
                Val::Float(math(*m, &xs, e.pos)?)
            }
            TK::Call(id, args) => {
                let vs = self.scalars(args, locals)?;
                let depth = self.depth + 1;
                if depth > MAX_DEPTH {
                    return Err(Stop::Raise(RtError::RecursionDepth, e.pos));
                }
                self.depth = depth;
                let result = self.call(*id, vs);
                self.depth = depth - 1;
                result?
            }
            TK::Index { arr, idx, check } => {
                let a = self.expr(arr, locals)?.array()?;
                let off = self.offset(&a, idx, *check, e.pos, locals)?;
                let v = load(&a.data.borrow(), off);
                v.ok_or(Stop::Raise(RtError::IndexOutOfRange, e.pos))?
            }
            TK::Shape(a, k) => {
                let a = self.expr(a, locals)?.array()?;
                Val::Int(*a.shape.get(*k).ok_or_else(|| mismatch("shape index"))?)
            }
            TK::NewArray { dtype, shape, fill } => {
                let dims = self.scalars(shape, locals)?;
                let dims = dims.iter().map(Val::int).collect::<Result<Vec<_>, _>>()?;
                let data =
                    runtime::alloc_buffer(*dtype, *fill, &dims).map_err(|err| Stop::Raise(err, e.pos))?;
                let strides = c_strides(&dims);
                Val::Array(Arr { data: Rc::new(RefCell::new(data)), offset: 0, shape: dims, strides })
            }
            TK::Random(kind, args) => {
                let vs = self.scalars(args, locals)?;
                match kind {
                    RandomFn::Random => Val::Float(runtime::next_f64(&mut self.rng)),
                    RandomFn::Normal => Val::Float(runtime::next_normal(&mut self.rng)),
                    RandomFn::RandInt => {
                        let (lo, hi) = match vs.as_slice() {
                            [lo, hi] => (lo.int()?, hi.int()?),
                            _ => return Err(mismatch("randint arguments")),
                        };
                        let k =
                            runtime::randint(&mut self.rng, lo, hi).map_err(|err| Stop::Raise(err, e.pos))?;
                        Val::Int(k)
                    }
                    RandomFn::Seed => {
                        let s = vs.first().ok_or_else(|| mismatch("seed argument"))?.int()?;
                        self.rng = runtime::seed_state(s as u64);
                        Val::None
                    }
                }
            }
            TK::ParFor(p) => {
                self.par_for(p, locals)?;
                Val::None
            }
            TK::ArrayParts(_) => return Err(mismatch("array parts outside an outlined loop body")),
            TK::Tuple(items) => Val::Tuple(self.scalars(items, locals)?),
            TK::TupleGet(t, k) => match self.expr(t, locals)? {
                Val::Tuple(mut items) if *k < items.len() => items.swap_remove(*k),
                _ => return Err(mismatch("tuple element")),
            },
            TK::BroadcastDim { a, b, into } => {
                let (a, b) = (self.expr(a, locals)?.int()?, self.expr(b, locals)?.int()?);
                match (a == b || b == 1, a == 1 && !*into) {
                    (true, _) => Val::Int(a),
                    (false, true) => Val::Int(b),
                    (false, false) => return Err(Stop::Raise(RtError::Broadcast, e.pos)),
                }
            }
            TK::Stride(a, k) => {
                let a = self.expr(a, locals)?.array()?;
                Val::Int(*a.strides.get(*k).ok_or_else(|| mismatch("stride index"))?)
            }
            TK::NormIndex { i, dim, check } => {
                let (i, dim) = (self.expr(i, locals)?.int()?, self.expr(dim, locals)?.int()?);
                if (0..dim).contains(&i) {
                    Val::Int(i)
                } else if i < 0 && (!*check || (i.wrapping_add(dim) as u64) < dim as u64) {
                    Val::Int(i.wrapping_add(dim))
                } else if *check {
                    return Err(Stop::Raise(RtError::IndexOutOfRange, e.pos));
                } else {
                    Val::Int(i)
                }
            }
            TK::View { base, offset, shape, strides } => {
                let b = self.expr(base, locals)?.array()?;
                let off = self.expr(offset, locals)?.int()?;
                let shape = self.scalars(shape, locals)?.iter().map(Val::int).collect::<Result<_, _>>()?;
                let strides =
                    self.scalars(strides, locals)?.iter().map(Val::int).collect::<Result<_, _>>()?;
                Val::Array(Arr { data: b.data, offset: b.offset.wrapping_add(off), shape, strides })
            }
            TK::ArrayMap { .. } | TK::Leaf(_) => return Err(mismatch("unexpanded array expression")),
        })
    }
}

fn binop(op: BinOp, a: &Val, b: &Val, pos: usize) -> Result<Val, Stop> {
    Ok(match (a, b) {
        (Val::Float(a), Val::Float(b)) => Val::Float(float_binop(op, *a, *b, pos)?),
        (Val::Int(a), Val::Int(b)) => Val::Int(int_binop(op, *a, *b, pos)?),
        (Val::Bool(a), Val::Bool(b)) => Val::Bool(match op {
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            BinOp::BitXor => a ^ b,
            BinOp::Max => python_max(*a, *b),
            BinOp::Min => python_min(*a, *b),
            _ => return Err(mismatch("arithmetic on bools")),
        }),
        _ => return Err(mismatch("binary operands")),
    })
}

/// Python's `max(a, b)`: `b if b > a else a` (so a NaN in `a` wins, one in `b` loses).
fn python_max<T: PartialOrd>(a: T, b: T) -> T {
    if b > a { b } else { a }
}

/// Python's `min(a, b)`: `b if b < a else a`.
fn python_min<T: PartialOrd>(a: T, b: T) -> T {
    if b < a { b } else { a }
}

fn float_binop(op: BinOp, a: f64, b: f64, pos: usize) -> Result<f64, Stop> {
    Ok(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b == 0.0 => return Err(Stop::Raise(RtError::ZeroDivision, pos)),
        BinOp::Div => a / b,
        BinOp::Max => python_max(a, b),
        BinOp::Min => python_min(a, b),
        _ => return Err(mismatch("float operator")),
    })
}

fn int_binop(op: BinOp, a: i64, b: i64, pos: usize) -> Result<i64, Stop> {
    Ok(match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::FloorDiv | BinOp::Mod => {
            if b == 0 {
                return Err(Stop::Raise(RtError::ZeroDivision, pos));
            }
            // Truncating division, then Python's fix-up when the remainder's sign differs
            // from the divisor's; `i64::MIN // -1` wraps as in the generated code.
            let (q, r) = (a.wrapping_div(b), a.wrapping_rem(b));
            let fix = r != 0 && (r ^ b) < 0;
            match (op, fix) {
                (BinOp::FloorDiv, true) => q.wrapping_sub(1),
                (BinOp::FloorDiv, false) => q,
                (_, true) => r.wrapping_add(b),
                (_, false) => r,
            }
        }
        BinOp::Pow if b < 0 => return Err(Stop::Raise(RtError::NegativePower, pos)),
        BinOp::Pow => runtime::rt_ipow(a, b),
        BinOp::Max => python_max(a, b),
        BinOp::Min => python_min(a, b),
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        // Shift amounts are taken modulo 64, as the machine instructions do.
        BinOp::Shl => a.wrapping_shl(b as u32),
        BinOp::Shr => a.wrapping_shr(b as u32),
        BinOp::Div => return Err(mismatch("int true division")),
    })
}

fn compare(op: CmpOp, a: &Val, b: &Val) -> Result<bool, Stop> {
    fn ordered<T: PartialOrd>(op: CmpOp, a: T, b: T) -> bool {
        match op {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
    Ok(match (a, b) {
        (Val::Float(a), Val::Float(b)) => ordered(op, *a, *b),
        (Val::Int(a), Val::Int(b)) => ordered(op, *a, *b),
        (Val::Bool(a), Val::Bool(b)) => ordered(op, *a, *b),
        _ => return Err(mismatch("comparison operands")),
    })
}

/// Numeric conversions as the generated code does them: float -> int saturates (NaN gives
/// 0), anything -> bool is truthiness.
fn cast(v: Val, to: &Ty) -> Result<Val, Stop> {
    Ok(match (v, to) {
        (Val::Int(i), Ty::Float) => Val::Float(i as f64),
        (Val::Bool(b), Ty::Float) => Val::Float(f64::from(u8::from(b))),
        (Val::Float(x), Ty::Int) => Val::Int(x as i64),
        (Val::Bool(b), Ty::Int) => Val::Int(i64::from(b)),
        (v @ (Val::Int(_) | Val::Float(_)), Ty::Bool) => Val::Bool(v.truth()?),
        (v, _) => v,
    })
}

fn math(m: MathFn, x: &[f64], pos: usize) -> Result<f64, Stop> {
    let arg = |k: usize| x.get(k).copied().ok_or_else(|| mismatch("math arguments"));
    Ok(match m {
        MathFn::Sqrt => arg(0)?.sqrt(),
        MathFn::Fabs => arg(0)?.abs(),
        MathFn::Floor => arg(0)?.floor(),
        MathFn::Ceil => arg(0)?.ceil(),
        MathFn::Trunc => arg(0)?.trunc(),
        MathFn::RoundEven => arg(0)?.round_ties_even(),
        MathFn::RoundF32 => f64::from(arg(0)? as f32),
        MathFn::Copysign => arg(0)?.copysign(arg(1)?),
        MathFn::PyMod | MathFn::FFloorDiv if arg(1)? == 0.0 => {
            return Err(Stop::Raise(RtError::ZeroDivision, pos));
        }
        other => match runtime::math_call(other) {
            Some((_, MathImpl::Unary(f))) => f(arg(0)?),
            Some((_, MathImpl::Binary(f))) => f(arg(0)?, arg(1)?),
            None => return Err(mismatch("math function without an implementation")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_and_modulo_follow_python() {
        let cases =
            [(7, 2, 3, 1), (-7, 2, -4, 1), (7, -2, -4, -1), (-7, -2, 3, -1), (i64::MIN, -1, i64::MIN, 0)];
        for (a, b, q, r) in cases {
            assert_eq!(int_binop(BinOp::FloorDiv, a, b, 0).ok(), Some(q), "{a} // {b}");
            assert_eq!(int_binop(BinOp::Mod, a, b, 0).ok(), Some(r), "{a} % {b}");
        }
        assert!(matches!(int_binop(BinOp::Mod, 1, 0, 5), Err(Stop::Raise(RtError::ZeroDivision, 5))));
    }

    #[test]
    fn casts_saturate_like_the_machine_instructions() {
        let int = |x: f64| match cast(Val::Float(x), &Ty::Int) {
            Ok(Val::Int(i)) => i,
            _ => panic!("not an int"),
        };
        assert_eq!((int(f64::NAN), int(1e300), int(-1e300), int(-2.7)), (0, i64::MAX, i64::MIN, -2));
        assert!(matches!(cast(Val::Float(f64::NAN), &Ty::Bool), Ok(Val::Bool(true))));
    }

    #[test]
    fn strided_views_are_copied_in_c_order() {
        let a = Arr {
            data: Rc::new(RefCell::new(Buffer::I64((0..6).collect()))),
            offset: 0,
            shape: vec![3, 2],
            strides: vec![1, 3],
        };
        let Ok(ArrayValue::I64(x)) = array_value(&a) else { panic!("not an i64 array") };
        assert_eq!(x.iter().copied().collect::<Vec<_>>(), [0, 3, 1, 4, 2, 5]);
    }
}
