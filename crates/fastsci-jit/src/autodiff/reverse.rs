//! Reverse mode: a typed-IR function becomes one that returns its value and its gradient.
//!
//! The new function runs in two sweeps. The forward sweep is the original code, plus pushes
//! onto a tape of what the reverse sweep cannot recompute: the old value of every scalar
//! variable assigned more than once (or in a loop) and of every array element overwritten,
//! which branch each `if` took, each loop's trip count and its variable per iteration. The
//! reverse sweep then walks the statements backwards, popping the tape to restore the
//! variables to their values at each statement (so the operands of an expression are
//! exactly what they were when it ran) and accumulating adjoints (`x̄ += ȳ ∂y/∂x`).
//!
//! Memory: 8 bytes per executed reassignment, element store, branch and loop iteration,
//! in two growable buffers (floats and integers) that double when full, allocated in the
//! call's arena and freed when the call returns; plus an adjoint array per float64 array.
//!
//! Calls to other kernels are differentiated in "joint" mode: the callee runs as written in
//! the forward sweep, and the reverse sweep calls the callee's own adjoint function, which
//! recomputes the callee with its own tape. Its array arguments' adjoints are accumulated in
//! place.

use std::collections::HashMap;

use super::build::*;
use super::normalize::{is_leading_break, normalize, scalarize_tuples};
use super::partials::{math_partials, picks_second};
use crate::analysis::writes_non_fresh;
use crate::ir::{BinOp, Fill, Func, PrintArg, TExpr, TK, TStmt, Ty};
use crate::value::DType;
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::CmpOp;

/// First capacity of each tape buffer, in 8-byte entries (it doubles when full).
const TAPE_START: i64 = 256;

/// Adds to `funcs` the gradient function of `entry`: same parameters, returning
/// `(value, gradient for each parameter)`, a float parameter's gradient a float and a
/// float64 array's an array of its shape; other parameters (ints, bools, other dtypes) give
/// `None`. Returns the new function list and the gradient function's index.
pub(crate) fn gradient(funcs: Vec<Func>, entry: usize, source: &str) -> Result<(Vec<Func>, usize), JitError> {
    let mut ad = Ad { source, funcs, callee_adjoints: HashMap::new(), grow: HashMap::new() };
    let f = &ad.funcs[entry];
    if f.ret != Ty::Float {
        let what = format!("`{}` returns {}; a gradient needs a float result", f.name, f.ret.name());
        return Err(JitError::plain(ErrorKind::Type, what));
    }
    let id = ad.adjoint(entry, Mode::Entry)?;
    Ok((ad.funcs, id))
}

/// The adjoint of a kernel called by the one being differentiated, or that kernel itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Called by the user: creates the adjoints of its array parameters, seeds 1.
    Entry,
    /// Called from another adjoint: `(params..., adjoint arrays of its float64 array
    /// params..., seed) -> (value, adjoint of each float param...)`.
    Callee,
}

struct Ad<'s> {
    source: &'s str,
    funcs: Vec<Func>,
    /// The callee-mode adjoint of each function that has one.
    callee_adjoints: HashMap<usize, usize>,
    /// The tape growing helper for each element type.
    grow: HashMap<DType, usize>,
}

fn is_f64_array(t: &Ty) -> bool {
    matches!(t, Ty::Array { dtype: DType::F64, .. })
}

/// The result type of the callee-mode adjoint of `f`.
fn callee_adjoint_ret(f: &Func) -> Ty {
    let floats = f.locals[..f.params].iter().filter(|t| **t == Ty::Float).count();
    Ty::Tuple(vec![Ty::Float; 1 + floats])
}

impl Ad<'_> {
    fn unsupported(&self, pos: usize, what: &str) -> JitError {
        JitError::at(ErrorKind::Unsupported, self.source, pos, format!("cannot differentiate {what}"))
    }

    /// The callee-mode adjoint of function `fid`, generated on first use.
    fn callee_adjoint(&mut self, fid: usize) -> Result<usize, JitError> {
        let ret = callee_adjoint_ret(&self.funcs[fid]);
        let id = match derived_index(&mut self.funcs, &mut self.callee_adjoints, fid, ret) {
            Ok(made) => return Ok(made),
            Err(reserved) => reserved,
        };
        let f = self.build(fid, Mode::Callee)?;
        self.funcs[id] = f;
        Ok(id)
    }

    fn adjoint(&mut self, fid: usize, mode: Mode) -> Result<usize, JitError> {
        let f = self.build(fid, mode)?;
        self.funcs.push(f);
        Ok(self.funcs.len() - 1)
    }

    /// A function `grow(old) -> new` returning a copy of a 1-d tape buffer twice as long.
    fn grow_helper(&mut self, dtype: DType) -> usize {
        if let Some(&id) = self.grow.get(&dtype) {
            return id;
        }
        let arr = Ty::Array { dtype, ndim: 1 };
        // Locals: old, new, n, k, and the loop's hidden stop, step and counter.
        let locals = vec![arr.clone(), arr.clone(), Ty::Int, Ty::Int, Ty::Int, Ty::Int, Ty::Int];
        let (old, new, n, k) = (0, 1, 2, 3);
        let body = vec![
            assign(n, shape(local(old, &arr), 0)),
            assign(
                new,
                TExpr::new(
                    arr.clone(),
                    TK::NewArray {
                        dtype,
                        shape: vec![bin(BinOp::Mul, local(n, &Ty::Int), int(2))],
                        fill: Fill::Zeros,
                    },
                    0,
                ),
            ),
            counted_loop(
                k,
                local(n, &Ty::Int),
                [4, 5, 6],
                vec![TStmt::Store {
                    arr: local(new, &arr),
                    idx: vec![local(k, &Ty::Int)],
                    value: index(local(old, &arr), vec![local(k, &Ty::Int)], false),
                    check: false,
                }],
            ),
            TStmt::Return(local(new, &arr)),
        ];
        let f = Func { name: "tape_grow".into(), params: 1, locals, names: vec![], ret: arr, body };
        self.funcs.push(f);
        let id = self.funcs.len() - 1;
        self.grow.insert(dtype, id);
        id
    }

    fn build(&mut self, fid: usize, mode: Mode) -> Result<Func, JitError> {
        let mut f = self.funcs[fid].clone();
        for (p, t) in f.locals[..f.params].iter().enumerate() {
            if matches!(t, Ty::Tuple(_)) {
                let name = f.names.iter().find(|(_, l)| *l == p).map_or("?", |(n, _)| n.as_str());
                return Err(JitError::plain(
                    ErrorKind::Unsupported,
                    format!("cannot differentiate `{}`: its parameter `{name}` is a tuple", f.name),
                ));
            }
        }
        scalarize_tuples(&mut f);
        let retval = normalize(&mut f);
        // Callee mode: the adjoint arrays and the seed are parameters after the originals.
        let array_params: Vec<usize> = (0..f.params).filter(|&p| is_f64_array(&f.locals[p])).collect();
        let extra = if mode == Mode::Callee { array_params.len() + 1 } else { 0 };
        let params = f.params;
        let shift = |l: usize| if l < params { l } else { l + extra };
        rename_locals(&mut f.body, &shift);
        let mut locals: Vec<Ty> = f.locals[..params].to_vec();
        if mode == Mode::Callee {
            locals.extend(array_params.iter().map(|&p| f.locals[p].clone()));
            locals.push(Ty::Float);
        }
        locals.extend(f.locals[params..].iter().cloned());
        let names: Vec<(String, usize)> = f.names.iter().map(|(n, l)| (n.clone(), shift(*l))).collect();
        let retval = shift(retval);
        let seed = params + extra.saturating_sub(1);
        let original = locals.len();

        let mut g = Gen {
            ad: self,
            locals,
            adj: Vec::new(),
            multi: Vec::new(),
            tape_f: None,
            tape_i: None,
            names: &names,
            func_name: &f.name,
        };
        // An adjoint for every float and float64-array variable.
        for l in 0..original {
            let t = g.locals[l].clone();
            let a = if mode == Mode::Callee && l < params && is_f64_array(&t) {
                let k = array_params.iter().position(|&p| p == l).expect("listed above");
                Some(params + k)
            } else if t == Ty::Float || is_f64_array(&t) {
                Some(g.fresh(t))
            } else {
                None
            };
            g.adj.push(a);
        }
        let mut counts = vec![0u32; original];
        count_assignments(&f.body, false, &mut counts);
        // A float whose value only ever enters sums (`s += ...`) needs no restoring: the
        // reverse sweep never reads it (the derivative of a sum is 1, whatever the values).
        let mut needed = vec![false; original];
        values_needed(&f.body, &mut needed);
        g.multi = (0..original)
            .map(|l| {
                let reassigned = counts[l] >= 2 || (l < params && counts[l] >= 1);
                reassigned && (g.locals[l] != Ty::Float || needed[l])
            })
            .collect();
        g.check_arrays(&f.body, params, &counts)?;

        let (last, body) = f.body.split_last().expect("normalize ends in a return");
        debug_assert!(matches!(last, TStmt::Return(_)));
        let mut forward = Vec::new();
        g.fwd_block(body, &mut forward)?;
        let value = g.fresh(Ty::Float);
        forward.push(assign(value, local(retval, &Ty::Float)));
        let seed_value = if mode == Mode::Entry { float(1.0) } else { local(seed, &Ty::Float) };
        let ret_adj = g.adj[retval].expect("the result is a float");
        forward.push(assign(ret_adj, seed_value));
        let mut backward = Vec::new();
        g.rev_block(body, &mut backward)?;

        let mut prologue = Vec::new();
        let mut outputs = vec![local(value, &Ty::Float)];
        for p in 0..params {
            let t = g.locals[p].clone();
            match (&t, g.adj[p]) {
                (Ty::Array { ndim, .. }, Some(a)) if mode == Mode::Entry => {
                    let shape_of = (0..*ndim).map(|k| shape(local(p, &t), k)).collect();
                    let zeros = TK::NewArray { dtype: DType::F64, shape: shape_of, fill: Fill::Zeros };
                    prologue.push(assign(a, TExpr::new(t.clone(), zeros, 0)));
                    outputs.push(local(a, &t));
                }
                (Ty::Array { .. }, Some(_)) => {}
                (Ty::Float, Some(a)) => outputs.push(local(a, &Ty::Float)),
                _ if mode == Mode::Entry => {
                    // A variable of type None reads as `None` in both the compiled code and the
                    // interpreter (a `None` literal is an empty tuple to the latter).
                    let nothing = g.fresh(Ty::None);
                    outputs.push(local(nothing, &Ty::None));
                }
                _ => {}
            }
        }
        g.tape_prologue(&mut prologue);
        let ret = Ty::Tuple(outputs.iter().map(|e| e.ty.clone()).collect());
        let mut body = prologue;
        body.extend(forward);
        body.extend(backward);
        body.push(TStmt::Return(TExpr::new(ret.clone(), TK::Tuple(outputs), 0)));
        let locals = std::mem::take(&mut g.locals);
        let params = params + extra;
        Ok(Func { name: f.name.clone(), params, locals, names, ret, body })
    }
}

/// `for k in range(0, n): body`, with the loop's hidden locals `hidden`.
fn counted_loop(k: usize, n: TExpr, hidden: [usize; 3], body: Vec<TStmt>) -> TStmt {
    TStmt::ForRange {
        var: k,
        start: int(0),
        stop: n,
        step: int(1),
        stop_local: hidden[0],
        step_local: hidden[1],
        counter: hidden[2],
        body,
        pos: 0,
    }
}

/// How often each local is assigned, a loop counting twice (a loop's variable too).
fn count_assignments(body: &[TStmt], in_loop: bool, counts: &mut [u32]) {
    let weight = if in_loop { 2 } else { 1 };
    for s in body {
        match s {
            TStmt::Assign(l, _) if *l < counts.len() => counts[*l] += weight,
            TStmt::If(_, a, b) => {
                count_assignments(a, in_loop, counts);
                count_assignments(b, in_loop, counts);
            }
            TStmt::While(_, b) => count_assignments(b, true, counts),
            TStmt::ForRange { var, body, .. } => {
                if *var < counts.len() {
                    counts[*var] += 2;
                }
                count_assignments(body, true, counts);
            }
            _ => {}
        }
    }
}

/// Marks the locals whose values the reverse sweep reads: all but those that appear only as
/// terms of sums (`+`, `-`, negation, a branch of a conditional), directly or as a whole
/// assigned, stored or returned value.
fn values_needed(body: &[TStmt], needed: &mut [bool]) {
    fn expr(e: &TExpr, linear: bool, needed: &mut [bool]) {
        match &e.kind {
            TK::Local(l) => {
                if !linear && *l < needed.len() {
                    needed[*l] = true;
                }
            }
            TK::Bin(BinOp::Add | BinOp::Sub, a, b) if e.ty == Ty::Float => {
                expr(a, linear, needed);
                expr(b, linear, needed);
            }
            TK::Neg(x) if e.ty == Ty::Float => expr(x, linear, needed),
            TK::IfElse(c, a, b) | TK::Select(c, a, b) => {
                expr(c, false, needed);
                expr(a, linear, needed);
                expr(b, linear, needed);
            }
            _ => e.children().into_iter().for_each(|c| expr(c, false, needed)),
        }
    }
    for s in body {
        match s {
            TStmt::Assign(_, e) | TStmt::Return(e) => expr(e, true, needed),
            TStmt::Eval(e) => expr(e, false, needed),
            TStmt::Store { arr, idx, value, .. } => {
                expr(arr, false, needed);
                idx.iter().for_each(|i| expr(i, false, needed));
                expr(value, true, needed);
            }
            TStmt::If(c, a, b) => {
                expr(c, false, needed);
                values_needed(a, needed);
                values_needed(b, needed);
            }
            TStmt::While(c, b) => {
                expr(c, false, needed);
                values_needed(b, needed);
            }
            TStmt::ForRange { start, stop, step, body, .. } => {
                [start, stop, step].into_iter().for_each(|e| expr(e, false, needed));
                values_needed(body, needed);
            }
            TStmt::Print(items) => {
                for item in items {
                    if let PrintArg::Value(e, _) = item {
                        expr(e, false, needed);
                    }
                }
            }
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
        }
    }
}

/// The values of an expression's nodes, computed into locals before its adjoint is.
struct Node {
    /// A local or a constant holding the node's value.
    val: TExpr,
    /// The nodes of the float children (others are not differentiated), by child position.
    kids: Vec<Option<Node>>,
}

struct Gen<'a, 's> {
    ad: &'a mut Ad<'s>,
    locals: Vec<Ty>,
    /// The adjoint local of each original local, if it is a float or a float64 array.
    adj: Vec<Option<usize>>,
    /// Whether the reverse sweep restores the local from the tape.
    multi: Vec<bool>,
    /// Each tape's buffer and length locals, once something is pushed.
    tape_f: Option<(usize, usize)>,
    tape_i: Option<(usize, usize)>,
    names: &'a [(String, usize)],
    func_name: &'a str,
}

impl Gen<'_, '_> {
    fn fresh(&mut self, ty: Ty) -> usize {
        self.locals.push(ty);
        self.locals.len() - 1
    }

    fn name_of(&self, l: usize) -> String {
        self.names
            .iter()
            .find(|(_, k)| *k == l)
            .map_or_else(|| "a temporary".into(), |(n, _)| format!("`{n}`"))
    }

    fn err(&self, pos: usize, what: &str) -> JitError {
        self.ad.unsupported(pos, what)
    }

    /// Array variables must keep one value for the whole call: the reverse sweep reads
    /// them long after the forward sweep assigned them.
    fn check_arrays(&self, body: &[TStmt], params: usize, counts: &[u32]) -> Result<(), JitError> {
        for s in body {
            match s {
                TStmt::Assign(l, e)
                    if matches!(self.locals[*l], Ty::Array { .. }) && (*l < params || counts[*l] > 1) =>
                {
                    let what = format!(
                        "the array variable {} assigned more than once (or in a loop); create \
                         arrays once, before loops, and write into them",
                        self.name_of(*l)
                    );
                    return Err(self.err(e.pos, &what));
                }
                TStmt::If(_, a, b) => {
                    self.check_arrays(a, params, counts)?;
                    self.check_arrays(b, params, counts)?;
                }
                TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => {
                    self.check_arrays(b, params, counts)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Rejects what the reverse sweep cannot replay.
    fn check_expr(&self, e: &TExpr) -> Result<(), JitError> {
        match &e.kind {
            TK::Random(..) => {
                return Err(self.err(e.pos, "random numbers (the reverse sweep would draw new ones)"));
            }
            TK::Call(fid, _) => {
                let callee = &self.ad.funcs[*fid];
                if writes_non_fresh(callee) {
                    let what = format!("a call to `{}`, which writes into arrays it is given", callee.name);
                    return Err(self.err(e.pos, &what));
                }
                if !callee.ret.is_numeric() {
                    let what = format!("a call to `{}`, which returns {}", callee.name, callee.ret.name());
                    return Err(self.err(e.pos, &what));
                }
            }
            TK::Tuple(_) | TK::TupleGet(..) => return Err(self.err(e.pos, "tuples")),
            TK::LoadF64 { .. } | TK::LoadPtr { .. } | TK::ArrayMap { .. } | TK::Leaf(_) => {
                return Err(self.err(e.pos, "this expression"));
            }
            _ => {}
        }
        e.children().into_iter().try_for_each(|c| self.check_expr(c))
    }

    // ---------------- the tape ----------------

    fn tape(&mut self, float: bool) -> (usize, usize) {
        let slot = if float { self.tape_f } else { self.tape_i };
        if let Some(t) = slot {
            return t;
        }
        let dtype = if float { DType::F64 } else { DType::I64 };
        let t = (self.fresh(Ty::Array { dtype, ndim: 1 }), self.fresh(Ty::Int));
        if float {
            self.tape_f = Some(t);
        } else {
            self.tape_i = Some(t);
        }
        t
    }

    fn tape_prologue(&mut self, out: &mut Vec<TStmt>) {
        for (tape, dtype) in [(self.tape_f, DType::F64), (self.tape_i, DType::I64)] {
            if let Some((buf, len)) = tape {
                let fill = TK::NewArray { dtype, shape: vec![int(TAPE_START)], fill: Fill::Zeros };
                out.push(assign(buf, TExpr::new(Ty::Array { dtype, ndim: 1 }, fill, 0)));
                out.push(assign(len, int(0)));
            }
        }
    }

    /// Pushes `v` (a float, or an int or bool onto the integer tape).
    fn push(&mut self, v: TExpr, out: &mut Vec<TStmt>) {
        let float = v.ty == Ty::Float;
        let v = if v.ty == Ty::Bool { cast(v, Ty::Int) } else { v };
        let (buf, len) = self.tape(float);
        let dtype = if float { DType::F64 } else { DType::I64 };
        let buf_ty = Ty::Array { dtype, ndim: 1 };
        let grow = self.ad.grow_helper(dtype);
        let full = cmp(CmpOp::Eq, local(len, &Ty::Int), shape(local(buf, &buf_ty), 0));
        let bigger = TExpr::new(buf_ty.clone(), TK::Call(grow, vec![local(buf, &buf_ty)]), 0);
        out.push(if_then(full, vec![assign(buf, bigger)]));
        out.push(TStmt::Store {
            arr: local(buf, &buf_ty),
            idx: vec![local(len, &Ty::Int)],
            value: v,
            check: false,
        });
        out.push(assign(len, bin(BinOp::Add, local(len, &Ty::Int), int(1))));
    }

    /// Pops the last value pushed onto the tape of `ty`'s kind, as a `ty`.
    fn pop(&mut self, ty: &Ty, out: &mut Vec<TStmt>) -> TExpr {
        let float = *ty == Ty::Float;
        let (buf, len) = self.tape(float);
        let dtype = if float { DType::F64 } else { DType::I64 };
        out.push(assign(len, bin(BinOp::Sub, local(len, &Ty::Int), int(1))));
        let v = index(local(buf, &Ty::Array { dtype, ndim: 1 }), vec![local(len, &Ty::Int)], false);
        if *ty == Ty::Bool { cmp(CmpOp::Ne, v, int(0)) } else { v }
    }

    /// Pops into a fresh local (for values used more than once).
    fn pop_local(&mut self, ty: &Ty, out: &mut Vec<TStmt>) -> usize {
        let v = self.pop(ty, out);
        let l = self.fresh(ty.clone());
        out.push(assign(l, v));
        l
    }

    fn counted(&mut self, n: TExpr, body: Vec<TStmt>) -> TStmt {
        let k = self.fresh(Ty::Int);
        let hidden = [self.fresh(Ty::Int), self.fresh(Ty::Int), self.fresh(Ty::Int)];
        counted_loop(k, n, hidden, body)
    }

    // ---------------- the forward sweep ----------------

    fn fwd_block(&mut self, body: &[TStmt], out: &mut Vec<TStmt>) -> Result<(), JitError> {
        body.iter().try_for_each(|s| self.fwd(s, out))
    }

    fn fwd(&mut self, s: &TStmt, out: &mut Vec<TStmt>) -> Result<(), JitError> {
        match s {
            TStmt::Assign(l, e) => {
                self.check_expr_unless_new_array(e)?;
                let ty = self.locals[*l].clone();
                match ty {
                    Ty::Float | Ty::Int | Ty::Bool | Ty::Num(_) => {
                        if self.multi[*l] {
                            self.push(local(*l, &ty), out);
                        }
                        out.push(s.clone());
                    }
                    Ty::Array { .. } => {
                        out.push(s.clone());
                        if let Some(a) = self.adj[*l] {
                            let adjoint = self.array_rhs_adjoint(*l, e)?;
                            out.push(assign(a, adjoint));
                        }
                    }
                    Ty::Tuple(_) => return Err(self.err(e.pos, "tuple variables")),
                    Ty::None => out.push(s.clone()),
                }
            }
            TStmt::Store { arr, idx, value, check } => {
                [arr, value].into_iter().chain(idx).try_for_each(|e| self.check_expr(e))?;
                let Ty::Array { dtype, .. } = arr.ty else { return Err(self.err(value.pos, "this store")) };
                if let Some(base) = base_local(arr)
                    && idx.iter().any(|i| {
                        any_node(
                            i,
                            &|n| matches!(&n.kind, TK::Index { arr, .. } if base_local(arr) == Some(base)),
                        )
                    })
                {
                    return Err(self.err(value.pos, "a store whose index reads the array it writes"));
                }
                if dtype != DType::F64 && value.ty == Ty::Float && self.active(value) {
                    let what = format!(
                        "a store into a {} array (only float64 arrays carry derivatives)",
                        dtype.name()
                    );
                    return Err(self.err(value.pos, &what));
                }
                let old = index(arr.clone(), idx.clone(), *check);
                self.push(old, out);
                out.push(s.clone());
            }
            TStmt::Eval(e) => {
                self.check_expr(e)?;
                out.push(s.clone());
            }
            TStmt::If(c, a, b) => {
                self.check_expr(c)?;
                let mut then = Vec::new();
                self.fwd_block(a, &mut then)?;
                self.push(int(1), &mut then);
                let mut otherwise = Vec::new();
                self.fwd_block(b, &mut otherwise)?;
                self.push(int(0), &mut otherwise);
                out.push(TStmt::If(c.clone(), then, otherwise));
            }
            TStmt::While(c, body) => {
                self.check_expr(c)?;
                let n = self.fresh(Ty::Int);
                let mut inner = Vec::new();
                self.fwd_block(body, &mut inner)?;
                inner.push(assign(n, bin(BinOp::Add, local(n, &Ty::Int), int(1))));
                out.push(assign(n, int(0)));
                out.push(TStmt::While(c.clone(), inner));
                self.push(local(n, &Ty::Int), out);
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } => {
                [start, stop, step].into_iter().try_for_each(|e| self.check_expr(e))?;
                let n = self.fresh(Ty::Int);
                self.push(local(*var, &Ty::Int), out);
                out.push(assign(n, int(0)));
                let (lead, rest) = split_leading_break(body);
                let mut inner: Vec<TStmt> = lead.into_iter().cloned().collect();
                self.fwd_block(rest, &mut inner)?;
                self.push(local(*var, &Ty::Int), &mut inner);
                inner.push(assign(n, bin(BinOp::Add, local(n, &Ty::Int), int(1))));
                out.push(TStmt::ForRange {
                    var: *var,
                    start: start.clone(),
                    stop: stop.clone(),
                    step: step.clone(),
                    stop_local: *stop_local,
                    step_local: *step_local,
                    counter: *counter,
                    body: inner,
                    pos: *pos,
                });
                self.push(local(n, &Ty::Int), out);
            }
            // Raised and printed in the forward sweep; nothing to undo.
            TStmt::Raise(..) | TStmt::Print(_) => out.push(s.clone()),
            TStmt::Break | TStmt::Continue | TStmt::Return(_) => {
                let what = format!("`{}`: a jump left after normalization", self.func_name);
                return Err(JitError::plain(ErrorKind::Internal, what));
            }
        }
        Ok(())
    }

    fn check_expr_unless_new_array(&self, e: &TExpr) -> Result<(), JitError> {
        match &e.kind {
            TK::NewArray { shape, .. } => shape.iter().try_for_each(|s| self.check_expr(s)),
            _ => self.check_expr(e),
        }
    }

    /// The adjoint of an array variable assigned `e`: zeros for a new array, the same view
    /// of the adjoint for a view (or alias) of an array.
    fn array_rhs_adjoint(&self, l: usize, e: &TExpr) -> Result<TExpr, JitError> {
        if let TK::NewArray { shape: dims, .. } = &e.kind {
            let t = &self.locals[l];
            let shape_of = (0..dims.len()).map(|k| shape(local(l, t), k)).collect();
            return Ok(TExpr::new(
                t.clone(),
                TK::NewArray { dtype: DType::F64, shape: shape_of, fill: Fill::Zeros },
                0,
            ));
        }
        self.array_adjoint(e).ok_or_else(|| {
            self.err(e.pos, "an array that is not created with np.zeros/ones/empty or a view of one")
        })
    }

    /// The adjoint of an array expression: a variable's adjoint array, or the same view of it.
    fn array_adjoint(&self, e: &TExpr) -> Option<TExpr> {
        same_view_of(e, &|l| self.adj.get(l).copied().flatten())
    }

    /// Whether a float expression depends on something differentiated.
    fn active(&self, e: &TExpr) -> bool {
        e.ty == Ty::Float
            && any_node(e, &|n| match &n.kind {
                TK::Local(l) => n.ty == Ty::Float && self.adj.get(*l).copied().flatten().is_some(),
                TK::Index { arr, .. } => n.ty == Ty::Float && self.array_adjoint(arr).is_some(),
                TK::Call(..) => n.ty == Ty::Float,
                _ => false,
            })
    }

    // ---------------- the reverse sweep ----------------

    fn rev_block(&mut self, body: &[TStmt], out: &mut Vec<TStmt>) -> Result<(), JitError> {
        body.iter().rev().try_for_each(|s| self.rev(s, out))
    }

    fn rev(&mut self, s: &TStmt, out: &mut Vec<TStmt>) -> Result<(), JitError> {
        match s {
            TStmt::Assign(l, e) => {
                let ty = self.locals[*l].clone();
                match (&ty, self.adj[*l]) {
                    (Ty::Float, Some(a)) => {
                        let g = self.fresh(Ty::Float);
                        out.push(assign(g, local(a, &Ty::Float)));
                        out.push(assign(a, float(0.0)));
                        if self.multi[*l] {
                            let old = self.pop(&ty, out);
                            out.push(assign(*l, old));
                        }
                        self.acc_expr(e, local(g, &Ty::Float), out)?;
                    }
                    (Ty::Float | Ty::Int | Ty::Bool, _) if self.multi[*l] => {
                        let old = self.pop(&ty, out);
                        out.push(assign(*l, old));
                    }
                    _ => {}
                }
            }
            TStmt::Store { arr, idx, value, check } => {
                let Ty::Array { dtype, .. } = arr.ty else { unreachable!("checked in the forward sweep") };
                let old = self.pop(&Ty::of_dtype(dtype), out);
                match self.array_adjoint(arr).filter(|_| dtype == DType::F64) {
                    Some(aa) => {
                        let g = self.fresh(Ty::Float);
                        out.push(assign(g, index(aa.clone(), idx.clone(), *check)));
                        out.push(TStmt::Store {
                            arr: aa,
                            idx: idx.clone(),
                            value: float(0.0),
                            check: *check,
                        });
                        out.push(TStmt::Store {
                            arr: arr.clone(),
                            idx: idx.clone(),
                            value: old,
                            check: *check,
                        });
                        self.acc_expr(value, local(g, &Ty::Float), out)?;
                    }
                    None => {
                        out.push(TStmt::Store {
                            arr: arr.clone(),
                            idx: idx.clone(),
                            value: old,
                            check: *check,
                        });
                    }
                }
            }
            TStmt::Eval(_) => {}
            TStmt::If(_, a, b) => {
                let taken = self.pop(&Ty::Bool, out);
                let mut then = Vec::new();
                self.rev_block(a, &mut then)?;
                let mut otherwise = Vec::new();
                self.rev_block(b, &mut otherwise)?;
                out.push(TStmt::If(taken, then, otherwise));
            }
            TStmt::While(_, body) => {
                let n = self.pop_local(&Ty::Int, out);
                let mut inner = Vec::new();
                self.rev_block(body, &mut inner)?;
                let lp = self.counted(local(n, &Ty::Int), inner);
                out.push(lp);
            }
            TStmt::ForRange { var, body, .. } => {
                let n = self.pop_local(&Ty::Int, out);
                let mut inner = Vec::new();
                let v = self.pop(&Ty::Int, &mut inner);
                inner.push(assign(*var, v));
                let (_, rest) = split_leading_break(body);
                self.rev_block(rest, &mut inner)?;
                let lp = self.counted(local(n, &Ty::Int), inner);
                out.push(lp);
                let before = self.pop(&Ty::Int, out);
                out.push(assign(*var, before));
            }
            TStmt::Break | TStmt::Continue | TStmt::Return(_) | TStmt::Raise(..) | TStmt::Print(_) => {}
        }
        Ok(())
    }

    /// Adds `g ∂e/∂v` to the adjoint of every variable and array element `v` that `e` reads.
    fn acc_expr(&mut self, e: &TExpr, g: TExpr, out: &mut Vec<TStmt>) -> Result<(), JitError> {
        if !self.active(e) {
            return Ok(());
        }
        let node = self.values(e, out)?;
        self.acc(e, &node, g, out)
    }

    /// Computes the value of every float node of `e` into a local (the variables hold their
    /// values of when `e` ran, so these are the values it had).
    fn values(&mut self, e: &TExpr, out: &mut Vec<TStmt>) -> Result<Node, JitError> {
        if e.ty != Ty::Float {
            return Ok(Node { val: e.clone(), kids: vec![] });
        }
        match &e.kind {
            TK::Float(_) | TK::Local(_) => Ok(Node { val: e.clone(), kids: vec![] }),
            TK::Index { .. } => {
                let t = self.fresh(Ty::Float);
                out.push(assign(t, e.clone()));
                Ok(Node { val: local(t, &Ty::Float), kids: vec![] })
            }
            TK::IfElse(c, a, b) => {
                // Only the branch taken may be evaluated (the other may fail).
                let t = self.fresh(Ty::Float);
                let mut then = Vec::new();
                let na = self.values(a, &mut then)?;
                then.push(assign(t, na.val.clone()));
                let mut otherwise = Vec::new();
                let nb = self.values(b, &mut otherwise)?;
                otherwise.push(assign(t, nb.val.clone()));
                out.push(TStmt::If(c.as_ref().clone(), then, otherwise));
                Ok(Node { val: local(t, &Ty::Float), kids: vec![None, Some(na), Some(nb)] })
            }
            TK::Cast(x) if x.ty != Ty::Float => Ok(Node { val: e.clone(), kids: vec![] }),
            TK::Neg(_)
            | TK::Bin(..)
            | TK::PowConst(..)
            | TK::Math(..)
            | TK::Select(..)
            | TK::Call(..)
            | TK::Cast(_) => {
                let mut kids = Vec::new();
                let mut n = e.clone();
                for c in e.children() {
                    kids.push(if c.ty == Ty::Float { Some(self.values(c, out)?) } else { None });
                }
                for (slot, k) in n.children_mut().into_iter().zip(&kids) {
                    if let Some(k) = k {
                        *slot = k.val.clone();
                    }
                }
                let t = self.fresh(Ty::Float);
                out.push(assign(t, n));
                Ok(Node { val: local(t, &Ty::Float), kids })
            }
            _ => Err(self.err(e.pos, "this expression")),
        }
    }

    fn acc(&mut self, e: &TExpr, node: &Node, g: TExpr, out: &mut Vec<TStmt>) -> Result<(), JitError> {
        if e.ty != Ty::Float {
            return Ok(());
        }
        match &e.kind {
            TK::Float(_) => return Ok(()),
            TK::Local(l) => {
                if let Some(a) = self.adj[*l] {
                    out.push(assign(a, add(local(a, &Ty::Float), g)));
                }
                return Ok(());
            }
            TK::Index { arr, idx, check } => {
                if let Some(aa) = self.array_adjoint(arr).filter(|_| is_f64_array(&arr.ty)) {
                    let sum = add(index(aa.clone(), idx.clone(), *check), g);
                    out.push(TStmt::Store { arr: aa, idx: idx.clone(), value: sum, check: *check });
                }
                return Ok(());
            }
            TK::Cast(x) if x.ty != Ty::Float => return Ok(()),
            _ => {}
        }
        // The seed is used once per operand: keep it in a local.
        let g = match g.kind {
            TK::Local(_) | TK::Float(_) => g,
            _ => {
                let l = self.fresh(Ty::Float);
                out.push(assign(l, g));
                local(l, &Ty::Float)
            }
        };
        let kid = |k: usize| node.kids[k].as_ref();
        let val = |k: usize| kid(k).map_or_else(|| float(0.0), |n| n.val.clone());
        let children = e.children();
        match &e.kind {
            TK::Neg(x) => self.acc_kid(x, kid(0), neg(g), out),
            TK::Cast(x) => self.acc_kid(x, kid(0), g, out),
            TK::Bin(op, a, b) => match op {
                BinOp::Add => {
                    self.acc_kid(a, kid(0), g.clone(), out)?;
                    self.acc_kid(b, kid(1), g, out)
                }
                BinOp::Sub => {
                    self.acc_kid(a, kid(0), g.clone(), out)?;
                    self.acc_kid(b, kid(1), neg(g), out)
                }
                BinOp::Mul => {
                    self.acc_kid(a, kid(0), mul(g.clone(), val(1)), out)?;
                    self.acc_kid(b, kid(1), mul(g, val(0)), out)
                }
                BinOp::Div => {
                    self.acc_kid(a, kid(0), div(g.clone(), val(1)), out)?;
                    self.acc_kid(b, kid(1), neg(div(mul(g, node.val.clone()), val(1))), out)
                }
                BinOp::Max | BinOp::Min => {
                    let second = picks_second(*op, val(0), val(1));
                    let mut to_b = Vec::new();
                    self.acc_kid(b, kid(1), g.clone(), &mut to_b)?;
                    let mut to_a = Vec::new();
                    self.acc_kid(a, kid(0), g, &mut to_a)?;
                    out.push(TStmt::If(second, to_b, to_a));
                    Ok(())
                }
                _ => Err(self.err(e.pos, "this operator on floats")),
            },
            TK::PowConst(x, k) => {
                let slope = mul(float(f64::from(*k)), pow_const(val(0), k - 1));
                if *k == 0 { Ok(()) } else { self.acc_kid(x, kid(0), mul(g, slope), out) }
            }
            // The derivative flows to the operand chosen (the condition holds its value of when
            // the expression ran).
            TK::IfElse(c, a, b) | TK::Select(c, a, b) => {
                let mut then = Vec::new();
                self.acc_kid(a, kid(1), g.clone(), &mut then)?;
                let mut otherwise = Vec::new();
                self.acc_kid(b, kid(2), g, &mut otherwise)?;
                out.push(TStmt::If(c.as_ref().clone(), then, otherwise));
                Ok(())
            }
            TK::Math(f, args) => {
                let xs: Vec<TExpr> = (0..args.len()).map(val).collect();
                let partials = math_partials(*f, &xs, &node.val).map_err(|what| self.err(e.pos, what))?;
                for (k, p) in partials.into_iter().enumerate() {
                    if let Some(p) = p {
                        self.acc_kid(&args[k], kid(k), mul(g.clone(), p), out)?;
                    }
                }
                Ok(())
            }
            TK::Call(fid, args) => self.acc_call(*fid, args, node, g, e.pos, out),
            _ => {
                debug_assert!(children.is_empty());
                Err(self.err(e.pos, "this expression"))
            }
        }
    }

    fn acc_kid(
        &mut self,
        e: &TExpr,
        node: Option<&Node>,
        g: TExpr,
        out: &mut Vec<TStmt>,
    ) -> Result<(), JitError> {
        match node {
            Some(n) => self.acc(e, n, g, out),
            None => Ok(()),
        }
    }

    /// The adjoint of a call: the callee's adjoint function, given the seed, accumulates
    /// into the adjoints of the array arguments and returns those of the float ones.
    fn acc_call(
        &mut self,
        fid: usize,
        args: &[TExpr],
        node: &Node,
        g: TExpr,
        pos: usize,
        out: &mut Vec<TStmt>,
    ) -> Result<(), JitError> {
        let callee_locals = self.ad.funcs[fid].locals.clone();
        let adjoint = self.ad.callee_adjoint(fid)?;
        let ret = callee_adjoint_ret(&self.ad.funcs[fid]);
        let mut call_args = Vec::new();
        for (k, a) in args.iter().enumerate() {
            call_args.push(node.kids[k].as_ref().map_or_else(|| a.clone(), |n| n.val.clone()));
        }
        for (k, a) in args.iter().enumerate() {
            if is_f64_array(&callee_locals[k]) {
                let aa = self
                    .array_adjoint(a)
                    .ok_or_else(|| self.err(a.pos, "an array argument without a derivative"))?;
                call_args.push(aa);
            }
        }
        call_args.push(g);
        let r = self.fresh(ret.clone());
        out.push(assign(r, TExpr::new(ret.clone(), TK::Call(adjoint, call_args), pos)));
        let mut j = 0;
        for (k, a) in args.iter().enumerate() {
            if callee_locals[k] == Ty::Float {
                j += 1;
                let gk = tuple_get(local(r, &ret), j);
                self.acc_kid(a, node.kids[k].as_ref(), gk, out)?;
            }
        }
        Ok(())
    }
}

/// A normalized `for` body's leading `if exit == 2: break` (kept as is by both sweeps) and
/// the rest.
fn split_leading_break(body: &[TStmt]) -> (Option<&TStmt>, &[TStmt]) {
    match body.split_first() {
        Some((first, rest)) if is_leading_break(first) => (Some(first), rest),
        _ => (None, body),
    }
}

/// The variable an array expression reads from (through views).
fn base_local(e: &TExpr) -> Option<usize> {
    match &e.kind {
        TK::Local(l) => Some(*l),
        TK::View { base, .. } => base_local(base),
        _ => None,
    }
}
