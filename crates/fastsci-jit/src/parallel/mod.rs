//! Parallel loops: `for i in prange(n)`.
//!
//! After a function is lowered, [`outline`] checks each `prange` loop for races and moves its
//! body into a function of its own, `(args, lo, hi, partials)`, which runs iterations
//! `lo..hi` of the loop with the captured locals read from `args` and writes the partial
//! results of the reductions into `partials`. The enclosing function then calls the runtime
//! ([`blocks::rt_parfor`]), which splits the iterations into a fixed number of blocks, runs
//! them (on rayon's pool under `CompileOptions::parallel`) and combines the partials in block
//! order.
//!
//! What is a race (a compile error at the offending line):
//! - assigning a scalar of the enclosing function (a parameter, or a variable also used
//!   outside the loop) other than by a reduction: `s += e`, `s -= e`, `s *= e`, `s = s + e`,
//!   `s = s * e`, `s = min(s, e)`, `s = max(s, e)` (and the mirrored `s = e + s`, ...), one
//!   operation per variable, the variable read nowhere else in the loop;
//! - storing into an array that the loop did not create at an index that does not contain
//!   the loop variable as `c*i + d` (`c` a non-zero constant, `d` the same loop-invariant
//!   expression at every store into that array);
//! - passing such an array to a kernel that may write into its arguments;
//! - assigning the loop variable, `break` out of the loop, `return` from inside it.
//!
//! Reading anything is allowed. Not detected: two array variables that are the same array
//! (`b = a`, or one argument passed twice), and a variable private to the loop read before
//! it is assigned in an iteration (it then holds its value from before the loop, not from
//! the previous iteration). Variables assigned only inside the loop are private to each
//! block: after the loop they keep their value from before it. A `prange` nested in another
//! runs serially inside each iteration of the outer one.

pub(crate) mod blocks;

use crate::ir::{BinOp, Func, Outlined, ParLoop, PrintArg, ReduceOp, Reduction, TExpr, TK, TStmt, Ty};
use crate::value::DType;
use crate::{ErrorKind, JitError};

/// The arguments of `prange(...)`, `numba.prange(...)` or `fastsci.prange(...)` when a call of
/// `func` on `args` is one (the parser makes `numba.prange(n)` a method call `.prange` whose
/// first argument is `numba`).
pub(crate) fn prange_args<'a>(
    func: &str,
    args: &'a [fastsci_expr::ast::Expr],
) -> Option<&'a [fastsci_expr::ast::Expr]> {
    use fastsci_expr::ast::{ExprKind, METHOD_PREFIX};
    match func.strip_prefix(METHOD_PREFIX) {
        Some("prange") => match args.first().map(|a| &a.kind) {
            Some(ExprKind::Name(m)) if matches!(m.as_str(), "numba" | "nb" | "fastsci" | "fs") => {
                Some(&args[1..])
            }
            _ => None,
        },
        _ => matches!(func, "prange" | "numba.prange" | "nb.prange" | "fastsci.prange" | "fs.prange")
            .then_some(args),
    }
}

/// Whether kernel `f` may write into the arrays passed to it (its `prange` bodies included).
pub(crate) fn may_write_arguments(f: &Func) -> bool {
    let mut par = false;
    visit_exprs(&f.body, &mut |e| par |= matches!(e.kind, TK::ParFor(_)));
    par || crate::analysis::writes_non_fresh(f)
}

/// The parameters of an outlined body, before the enclosing function's locals.
const BODY_PARAMS: usize = 4;

/// Checks and outlines every `prange` loop of `f`; `add` stores an outlined body and gives its
/// function index, `callee_writes(id)` tells whether kernel `id` may write into the arrays
/// passed to it.
pub(crate) fn outline(
    f: &mut Func,
    src: &str,
    add: &mut dyn FnMut(Func) -> usize,
    callee_writes: &dyn Fn(usize) -> bool,
) -> Result<(), JitError> {
    let mut body = std::mem::take(&mut f.body);
    // Locals used outside every prange body: a loop writing one of those shares it.
    let mut outside = vec![false; f.locals.len()];
    outside.iter_mut().take(f.params).for_each(|o| *o = true);
    visit_locals(&body, false, &mut |l| outside[l] = true);
    let mut cx = Outliner { f, src, add, callee_writes, outside, count: 0 };
    let r = cx.stmts(&mut body);
    cx.f.body = body;
    r
}

struct Outliner<'a> {
    f: &'a mut Func,
    src: &'a str,
    add: &'a mut dyn FnMut(Func) -> usize,
    callee_writes: &'a dyn Fn(usize) -> bool,
    outside: Vec<bool>,
    count: usize,
}

impl Outliner<'_> {
    fn stmts(&mut self, body: &mut [TStmt]) -> Result<(), JitError> {
        for s in body {
            match s {
                TStmt::Eval(TExpr { kind: TK::ParFor(p), .. }) => self.outline_loop(p)?,
                TStmt::If(_, a, b) => {
                    self.stmts(a)?;
                    self.stmts(b)?;
                }
                TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => self.stmts(b)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn err(&self, pos: usize, msg: impl Into<String>) -> JitError {
        JitError::at(ErrorKind::Unsupported, self.src, pos, msg)
    }

    fn name(&self, l: usize) -> String {
        self.f
            .names
            .iter()
            .find(|(_, k)| *k == l)
            .map_or_else(|| "a temporary".into(), |(n, _)| format!("`{n}`"))
    }

    fn outline_loop(&mut self, p: &mut ParLoop) -> Result<(), JitError> {
        serialize_nested(&mut p.body, &mut self.f.locals);
        self.outside.resize(self.f.locals.len(), false);
        let written = written_locals(&p.body, self.f.locals.len());
        if written[p.var] {
            let pos = first_assign(&p.body, p.var).unwrap_or(p.pos);
            return Err(self.err(pos, "the prange loop variable cannot be assigned in the loop"));
        }
        self.check_flow(&p.body, 0, p.pos)?;
        let reductions = self.reductions(p, &written)?;
        self.check_arrays(p, &written)?;
        let mut captured = vec![false; self.f.locals.len()];
        visit_locals(&p.body, true, &mut |l| captured[l] = true);
        captured[p.var] = false;
        for r in &reductions {
            captured[r.local] = false;
        }
        let captured: Vec<usize> = (0..captured.len()).filter(|&l| captured[l]).collect();
        let func = self.body_function(p, &captured, &reductions);
        let id = (self.add)(func);
        p.outlined = Some(Outlined { func: id, captured, reductions });
        Ok(())
    }

    /// `return` anywhere and `break` outside an inner loop leave the loop early: not
    /// something independent iterations can do.
    fn check_flow(&self, body: &[TStmt], depth: usize, loop_pos: usize) -> Result<(), JitError> {
        for s in body {
            match s {
                TStmt::Return(e) => {
                    return Err(self.err(
                        e.pos,
                        "`return` inside a prange loop is not supported: iterations run independently; \
                         store results in arrays or reductions and return after the loop",
                    ));
                }
                TStmt::Break if depth == 0 => {
                    return Err(self.err(
                        loop_pos,
                        "this prange loop has a `break`: its iterations run independently, so none can \
                         end the loop; use a `while` loop, or a range loop",
                    ));
                }
                TStmt::If(_, a, b) => {
                    self.check_flow(a, depth, loop_pos)?;
                    self.check_flow(b, depth, loop_pos)?;
                }
                TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => {
                    self.check_flow(b, depth + 1, loop_pos)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The scalars the loop shares with the rest of the function: each must be a reduction.
    fn reductions(&self, p: &ParLoop, written: &[bool]) -> Result<Vec<Reduction>, JitError> {
        let mut out: Vec<Reduction> = Vec::new();
        for (l, &w) in written.iter().enumerate() {
            if !w || !self.outside[l] || matches!(self.f.locals[l], Ty::Array { .. }) {
                continue;
            }
            let name = self.name(l);
            let mut updates = Vec::new();
            collect_assigns(&p.body, l, &mut updates);
            let mut op: Option<ReduceOp> = None;
            for e in &updates {
                let Some((this, rest)) = reduction_update(e, l) else {
                    return Err(self.err(
                        e.pos,
                        format!(
                            "{name} is assigned in this prange loop and used outside it, so the iterations \
                             would race on it; only a reduction may update it ({n} += x, {n} -= x, {n} *= x, \
                             {n} = min({n}, x), {n} = max({n}, x)); otherwise assign a new variable inside \
                             the loop or store into an array at the loop index",
                            n = name.trim_matches('`')
                        ),
                    ));
                };
                if reads_local(rest, l) {
                    return Err(self.err(
                        rest.pos,
                        format!("the reduction {name} cannot appear in its own update's other operand"),
                    ));
                }
                if op.is_some_and(|o| o != this) {
                    return Err(self.err(
                        e.pos,
                        format!("the reduction {name} is updated with two different operations in this prange loop; use one"),
                    ));
                }
                op = Some(this);
            }
            let Some(op) = op else { continue };
            let float = match self.f.locals[l] {
                Ty::Float => true,
                Ty::Int => false,
                ref other => {
                    return Err(self.err(
                        updates[0].pos,
                        format!(
                            "{name} is a {} updated in a prange loop; only int and float reductions are supported",
                            other.name()
                        ),
                    ));
                }
            };
            if let Some(pos) = read_elsewhere(&p.body, l) {
                return Err(self.err(
                    pos,
                    format!(
                        "the reduction {name} is read inside this prange loop; its value is only known after \
                         the loop"
                    ),
                ));
            }
            out.push(Reduction { local: l, op, float });
        }
        if out.len() > blocks::MAX_REDUCTIONS {
            return Err(self.err(
                p.pos,
                format!("a prange loop may have at most {} reductions", blocks::MAX_REDUCTIONS),
            ));
        }
        // Floats first, then ints: the order of the partials' slots.
        out.sort_by_key(|r| !r.float);
        Ok(out)
    }

    /// Every store into an array the loop did not create must be at an index unique to the
    /// iteration, and such arrays must not go to kernels that may write into them.
    fn check_arrays(&self, p: &ParLoop, written: &[bool]) -> Result<(), JitError> {
        // Arrays private to an iteration: locals the loop only assigns from new arrays.
        let private: Vec<bool> = (0..written.len())
            .map(|l| {
                written[l] && !self.outside[l] && {
                    let mut values = Vec::new();
                    collect_assigns(&p.body, l, &mut values);
                    values.iter().all(|e| matches!(e.kind, TK::NewArray { .. }))
                }
            })
            .collect();
        let mut seen: Vec<(usize, usize, Affine)> = Vec::new();
        let mut stores = Vec::new();
        collect_stores(&p.body, &mut stores);
        for (arr, idx) in stores {
            let base = base_local(arr);
            if base.is_some_and(|b| private[b]) {
                continue;
            }
            let what = base.map_or_else(|| "an array".to_string(), |b| self.name(b));
            let found = idx
                .iter()
                .enumerate()
                .find_map(|(k, e)| affine(e, p.var, written).filter(|a| a.coef != 0).map(|a| (k, a)));
            let Some((k, index)) = found else {
                return Err(self.err(
                    arr.pos,
                    format!(
                        "{what} is written in this prange loop at an index that is not made from the loop \
                         variable (as i, c*i + d), so two iterations could write the same element; write \
                         at an index of the loop variable, or into an array created in the loop"
                    ),
                ));
            };
            let Some(b) = base else { continue };
            match seen.iter().find(|s| s.0 == b) {
                Some(s) if (s.1, &s.2) != (k, &index) => {
                    return Err(self.err(
                        arr.pos,
                        format!(
                            "{what} is written at two different indices of the loop variable in this prange \
                             loop, so one iteration could write an element another one writes"
                        ),
                    ));
                }
                Some(_) => {}
                None => seen.push((b, k, index)),
            }
        }
        let mut sorted = Vec::new();
        collect_sorts(&p.body, &mut sorted);
        for arr in sorted {
            if base_local(arr).is_some_and(|b| private[b]) {
                continue;
            }
            let what = base_local(arr).map_or_else(|| "an array".to_string(), |b| self.name(b));
            return Err(self.err(
                arr.pos,
                format!(
                    "{what} is sorted in this prange loop, which writes all its elements, so iterations could \
                     race on it; sort an array created in the loop, or sort after the loop"
                ),
            ));
        }
        let mut bad_call = None;
        visit_exprs(&p.body, &mut |e| {
            if let TK::Call(id, args) = &e.kind
                && bad_call.is_none()
                && (self.callee_writes)(*id)
            {
                let shared = args
                    .iter()
                    .find(|a| matches!(a.ty, Ty::Array { .. }) && !base_local(a).is_some_and(|b| private[b]));
                if let Some(a) = shared {
                    bad_call = Some(a.pos);
                }
            }
        });
        if let Some(pos) = bad_call {
            return Err(self.err(
                pos,
                "this array goes to a kernel that may write into its arguments, from a prange loop, so \
                 iterations could race on it; write at the loop index in the loop itself",
            ));
        }
        Ok(())
    }

    /// The function that runs iterations `lo..hi`: locals `0..4` are `args` (the captured
    /// values, after `start` and `step`), `lo`, `hi` and `partials`, then the enclosing
    /// function's locals (shifted by four), then its own loop's.
    fn body_function(&mut self, p: &ParLoop, captured: &[usize], reductions: &[Reduction]) -> Func {
        let shift = BODY_PARAMS;
        let pos = p.pos;
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let local = |l: usize, ty: &Ty| TExpr::new(ty.clone(), TK::Local(l), pos);
        let mut locals = vec![Ty::Int; BODY_PARAMS];
        locals.extend(self.f.locals.iter().cloned());
        let mut hidden = |ty: Ty| {
            locals.push(ty);
            locals.len() - 1
        };
        let (start, step, k) = (hidden(Ty::Int), hidden(Ty::Int), hidden(Ty::Int));
        let (stop_local, step_local, counter) = (hidden(Ty::Int), hidden(Ty::Int), hidden(Ty::Int));
        let args = local(0, &Ty::Int);
        let mut body = vec![
            TStmt::Assign(start, int(TK::LoadPtr { addr: Box::new(args.clone()), offset: 0 })),
            TStmt::Assign(step, int(TK::LoadPtr { addr: Box::new(args.clone()), offset: 8 })),
        ];
        let mut slot = 2;
        for &c in captured {
            let ty = self.f.locals[c].clone();
            body.push(TStmt::Assign(c + shift, load(&ty, &args, &mut slot, pos)));
        }
        for r in reductions {
            let v = blocks::identity(*r);
            let init = if r.float {
                TExpr::new(Ty::Float, TK::Float(f64::from_bits(v)), pos)
            } else {
                int(TK::Int(v as i64))
            };
            body.push(TStmt::Assign(r.local + shift, init));
        }
        // The loop variable from the iteration number; `prange(n)` needs no arithmetic.
        let var = match (&p.start.kind, &p.step.kind) {
            (TK::Int(0), TK::Int(1)) => local(k, &Ty::Int),
            _ => {
                let scaled =
                    int(TK::Bin(BinOp::Mul, Box::new(local(k, &Ty::Int)), Box::new(local(step, &Ty::Int))));
                int(TK::Bin(BinOp::Add, Box::new(local(start, &Ty::Int)), Box::new(scaled)))
            }
        };
        let mut inner = vec![TStmt::Assign(p.var + shift, var)];
        let mut original = p.body.clone();
        shift_locals(&mut original, shift);
        inner.extend(original);
        body.push(TStmt::ForRange {
            var: k,
            start: local(1, &Ty::Int),
            stop: local(2, &Ty::Int),
            step: int(TK::Int(1)),
            stop_local,
            step_local,
            counter,
            body: inner,
            pos,
        });
        let nfloat = reductions.iter().filter(|r| r.float).count();
        for (j, r) in reductions.iter().enumerate() {
            let (dtype, first, at) =
                if r.float { (DType::F64, 0, j) } else { (DType::I64, 8 * nfloat, j - nfloat) };
            let n = if r.float { nfloat } else { reductions.len() - nfloat };
            let data =
                int(TK::Bin(BinOp::Add, Box::new(local(3, &Ty::Int)), Box::new(int(TK::Int(first as i64)))));
            let arr = TExpr::new(
                Ty::Array { dtype, ndim: 1 },
                TK::ArrayParts(vec![data, int(TK::Int(n as i64)), int(TK::Int(1))]),
                pos,
            );
            let ty = self.f.locals[r.local].clone();
            body.push(TStmt::Store {
                arr,
                idx: vec![int(TK::Int(at as i64))],
                value: local(r.local + shift, &ty),
                check: false,
            });
        }
        self.count += 1;
        Func {
            name: format!("{}_prange{}", self.f.name, self.count),
            params: BODY_PARAMS,
            locals,
            names: Vec::new(),
            ret: Ty::None,
            body,
        }
    }
}

/// The value of type `ty` in the 64-bit slots of `args` from `slot` on (as the enclosing
/// function stored it).
fn load(ty: &Ty, args: &TExpr, slot: &mut i32, pos: usize) -> TExpr {
    let mut next = |float: bool| {
        let offset = 8 * *slot;
        *slot += 1;
        let addr = Box::new(args.clone());
        if float {
            TExpr::new(Ty::Float, TK::LoadF64 { addr, offset }, pos)
        } else {
            TExpr::new(Ty::Int, TK::LoadPtr { addr, offset }, pos)
        }
    };
    match ty {
        Ty::Int => next(false),
        Ty::Float => next(true),
        Ty::Bool => TExpr::new(Ty::Bool, TK::Cast(Box::new(next(false))), pos),
        Ty::Array { ndim, .. } => {
            let parts = (0..1 + 2 * ndim).map(|_| next(false)).collect();
            TExpr::new(ty.clone(), TK::ArrayParts(parts), pos)
        }
        Ty::Tuple(items) => {
            let items = items.iter().map(|t| load(t, args, slot, pos)).collect();
            TExpr::new(ty.clone(), TK::Tuple(items), pos)
        }
        Ty::None => TExpr::new(Ty::None, TK::Tuple(Vec::new()), pos),
        // Erased before outlining; held as its representation.
        Ty::Num(_) => load(&ty.repr(), args, slot, pos),
    }
}

/// Makes every `prange` loop of `f` an ordinary `range` loop (for code that differentiates
/// kernels, which needs the iterations in order).
pub(crate) fn serialize(f: &mut Func) {
    serialize_nested(&mut f.body, &mut f.locals);
}

/// A `prange` inside another runs as an ordinary loop in each iteration of the outer one.
fn serialize_nested(body: &mut [TStmt], locals: &mut Vec<Ty>) {
    for s in body {
        match s {
            TStmt::Eval(TExpr { kind: TK::ParFor(p), .. }) => {
                let mut hidden = || {
                    locals.push(Ty::Int);
                    locals.len() - 1
                };
                let (stop_local, step_local, counter) = (hidden(), hidden(), hidden());
                let p = std::mem::replace(
                    p,
                    Box::new(ParLoop {
                        var: 0,
                        start: TExpr::new(Ty::Int, TK::Int(0), 0),
                        stop: TExpr::new(Ty::Int, TK::Int(0), 0),
                        step: TExpr::new(Ty::Int, TK::Int(1), 0),
                        body: Vec::new(),
                        pos: 0,
                        parallel: false,
                        outlined: None,
                    }),
                );
                let mut inner = p.body;
                serialize_nested(&mut inner, locals);
                *s = TStmt::ForRange {
                    var: p.var,
                    start: p.start,
                    stop: p.stop,
                    step: p.step,
                    stop_local,
                    step_local,
                    counter,
                    body: inner,
                    pos: p.pos,
                };
            }
            TStmt::If(_, a, b) => {
                serialize_nested(a, locals);
                serialize_nested(b, locals);
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => serialize_nested(b, locals),
            _ => {}
        }
    }
}

/// Calls `f` with every local `body` reads or writes; into `prange` bodies only when `inner`.
fn visit_locals(body: &[TStmt], inner: bool, f: &mut dyn FnMut(usize)) {
    fn expr(e: &TExpr, inner: bool, f: &mut dyn FnMut(usize)) {
        match &e.kind {
            TK::Local(l) => f(*l),
            TK::ParFor(p) if inner => {
                f(p.var);
                visit_locals(&p.body, inner, f);
            }
            _ => {}
        }
        for c in e.children() {
            expr(c, inner, f);
        }
    }
    for s in body {
        match s {
            TStmt::Assign(l, e) => {
                f(*l);
                expr(e, inner, f);
            }
            TStmt::Store { arr, idx, value, .. } => {
                expr(arr, inner, f);
                idx.iter().for_each(|i| expr(i, inner, f));
                expr(value, inner, f);
            }
            TStmt::Eval(e) | TStmt::Return(e) => expr(e, inner, f),
            TStmt::If(c, a, b) => {
                expr(c, inner, f);
                visit_locals(a, inner, f);
                visit_locals(b, inner, f);
            }
            TStmt::While(c, b) => {
                expr(c, inner, f);
                visit_locals(b, inner, f);
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, .. } => {
                [*var, *stop_local, *step_local, *counter].into_iter().for_each(&mut *f);
                expr(start, inner, f);
                expr(stop, inner, f);
                expr(step, inner, f);
                visit_locals(body, inner, f);
            }
            TStmt::Print(items) => {
                for it in items {
                    if let PrintArg::Value(e, _) = it {
                        expr(e, inner, f);
                    }
                }
            }
            TStmt::Sort { arr, order } => {
                expr(arr, inner, f);
                if let Some(o) = order {
                    expr(o, inner, f);
                }
            }
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
        }
    }
}

/// Calls `f` with every expression node of `body`.
fn visit_exprs(body: &[TStmt], f: &mut dyn FnMut(&TExpr)) {
    fn expr(e: &TExpr, f: &mut dyn FnMut(&TExpr)) {
        f(e);
        for c in e.children() {
            expr(c, f);
        }
    }
    for s in body {
        match s {
            TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => expr(e, f),
            TStmt::Store { arr, idx, value, .. } => {
                expr(arr, f);
                idx.iter().for_each(|i| expr(i, f));
                expr(value, f);
            }
            TStmt::If(c, a, b) => {
                expr(c, f);
                visit_exprs(a, f);
                visit_exprs(b, f);
            }
            TStmt::While(c, b) => {
                expr(c, f);
                visit_exprs(b, f);
            }
            TStmt::ForRange { start, stop, step, body, .. } => {
                expr(start, f);
                expr(stop, f);
                expr(step, f);
                visit_exprs(body, f);
            }
            TStmt::Print(items) => {
                for it in items {
                    if let PrintArg::Value(e, _) = it {
                        expr(e, f);
                    }
                }
            }
            TStmt::Sort { arr, order } => {
                expr(arr, f);
                if let Some(o) = order {
                    expr(o, f);
                }
            }
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
        }
    }
}

/// The locals `body` assigns (loop variables and counters included).
fn written_locals(body: &[TStmt], n: usize) -> Vec<bool> {
    fn scan(body: &[TStmt], w: &mut [bool]) {
        for s in body {
            match s {
                TStmt::Assign(l, _) => w[*l] = true,
                TStmt::If(_, a, b) => {
                    scan(a, w);
                    scan(b, w);
                }
                TStmt::While(_, b) => scan(b, w),
                TStmt::ForRange { var, stop_local, step_local, counter, body, .. } => {
                    for l in [*var, *stop_local, *step_local, *counter] {
                        w[l] = true;
                    }
                    scan(body, w);
                }
                _ => {}
            }
        }
    }
    let mut w = vec![false; n];
    scan(body, &mut w);
    w
}

/// The values assigned to local `l` in `body`.
fn collect_assigns<'a>(body: &'a [TStmt], l: usize, out: &mut Vec<&'a TExpr>) {
    for s in body {
        match s {
            TStmt::Assign(k, e) if *k == l => out.push(e),
            TStmt::If(_, a, b) => {
                collect_assigns(a, l, out);
                collect_assigns(b, l, out);
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => collect_assigns(b, l, out),
            _ => {}
        }
    }
}

fn first_assign(body: &[TStmt], l: usize) -> Option<usize> {
    let mut found = Vec::new();
    collect_assigns(body, l, &mut found);
    found.first().map(|e| e.pos)
}

/// The stores of `body`: (array, indices).
fn collect_stores<'a>(body: &'a [TStmt], out: &mut Vec<(&'a TExpr, &'a [TExpr])>) {
    for s in body {
        match s {
            TStmt::Store { arr, idx, .. } => out.push((arr, idx)),
            TStmt::If(_, a, b) => {
                collect_stores(a, out);
                collect_stores(b, out);
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => collect_stores(b, out),
            _ => {}
        }
    }
}

/// The arrays `body` sorts in place or writes sort indices into.
fn collect_sorts<'a>(body: &'a [TStmt], out: &mut Vec<&'a TExpr>) {
    for s in body {
        match s {
            TStmt::Sort { arr, order } => out.push(order.as_ref().unwrap_or(arr)),
            TStmt::If(_, a, b) => {
                collect_sorts(a, out);
                collect_sorts(b, out);
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => collect_sorts(b, out),
            _ => {}
        }
    }
}

/// `s OP e` (or `e OP s` for a commutative OP), maybe converted: the operation and `e`.
fn reduction_update(e: &TExpr, l: usize) -> Option<(ReduceOp, &TExpr)> {
    let e = match &e.kind {
        TK::Cast(x) => x,
        _ => e,
    };
    let TK::Bin(op, a, b) = &e.kind else { return None };
    let is_s = |x: &TExpr| matches!(x.kind, TK::Local(k) if k == l);
    let op = match op {
        BinOp::Add | BinOp::Sub => ReduceOp::Add,
        BinOp::Mul => ReduceOp::Mul,
        BinOp::Min => ReduceOp::Min,
        BinOp::Max => ReduceOp::Max,
        _ => return None,
    };
    let commutes = !matches!(e.kind, TK::Bin(BinOp::Sub, ..));
    if is_s(a) {
        Some((op, b))
    } else if commutes && is_s(b) {
        Some((op, a))
    } else {
        None
    }
}

fn reads_local(e: &TExpr, l: usize) -> bool {
    matches!(e.kind, TK::Local(k) if k == l) || e.children().into_iter().any(|c| reads_local(c, l))
}

/// Where reduction `l` is read other than as the accumulator of its own updates.
fn read_elsewhere(body: &[TStmt], l: usize) -> Option<usize> {
    let mut found = None;
    let mut note = |e: &TExpr| {
        if found.is_none() && reads_local(e, l) {
            found = Some(e.pos);
        }
    };
    fn scan(body: &[TStmt], l: usize, note: &mut dyn FnMut(&TExpr)) {
        for s in body {
            match s {
                TStmt::Assign(k, e) if *k == l => {
                    if let Some((_, rest)) = reduction_update(e, l) {
                        note(rest);
                    }
                }
                TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => note(e),
                TStmt::Store { arr, idx, value, .. } => {
                    note(arr);
                    idx.iter().for_each(&mut *note);
                    note(value);
                }
                TStmt::If(c, a, b) => {
                    note(c);
                    scan(a, l, note);
                    scan(b, l, note);
                }
                TStmt::While(c, b) => {
                    note(c);
                    scan(b, l, note);
                }
                TStmt::ForRange { start, stop, step, body, .. } => {
                    note(start);
                    note(stop);
                    note(step);
                    scan(body, l, note);
                }
                TStmt::Print(items) => {
                    for it in items {
                        if let PrintArg::Value(e, _) = it {
                            note(e);
                        }
                    }
                }
                TStmt::Sort { arr, order } => {
                    note(arr);
                    if let Some(o) = order {
                        note(o);
                    }
                }
                TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
            }
        }
    }
    scan(body, l, &mut note);
    found
}

/// The local whose memory an array expression refers to (through views).
fn base_local(e: &TExpr) -> Option<usize> {
    match &e.kind {
        TK::Local(l) => Some(*l),
        TK::View { base, .. } => base_local(base),
        _ => None,
    }
}

/// An index `c*var + d`: the coefficient, and `d` as a constant plus invariant terms (each
/// with its factor, sorted), so `2*i + 1` and `1 + i*2` compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Affine {
    coef: i64,
    constant: i64,
    terms: Vec<(String, i64)>,
}

impl Affine {
    fn scaled(mut self, k: i64) -> Affine {
        self.coef = self.coef.wrapping_mul(k);
        self.constant = self.constant.wrapping_mul(k);
        self.terms.iter_mut().for_each(|t| t.1 = t.1.wrapping_mul(k));
        self
    }

    fn plus(mut self, other: Affine) -> Affine {
        self.coef = self.coef.wrapping_add(other.coef);
        self.constant = self.constant.wrapping_add(other.constant);
        for (t, k) in other.terms {
            match self.terms.iter_mut().find(|x| x.0 == t) {
                Some(x) => x.1 = x.1.wrapping_add(k),
                None => self.terms.push((t, k)),
            }
        }
        self.terms.retain(|t| t.1 != 0);
        self.terms.sort();
        self
    }
}

/// `e` as `c*var + d` with `d` invariant in the loop (`c` may be zero).
fn affine(e: &TExpr, var: usize, written: &[bool]) -> Option<Affine> {
    let constant = |k: i64| Affine { coef: 0, constant: k, terms: Vec::new() };
    match &e.kind {
        TK::Int(k) => Some(constant(*k)),
        TK::Local(l) if *l == var => Some(Affine { coef: 1, constant: 0, terms: Vec::new() }),
        TK::Neg(x) => Some(affine(x, var, written)?.scaled(-1)),
        TK::Bin(BinOp::Add, a, b) => Some(affine(a, var, written)?.plus(affine(b, var, written)?)),
        TK::Bin(BinOp::Sub, a, b) => Some(affine(a, var, written)?.plus(affine(b, var, written)?.scaled(-1))),
        TK::Bin(BinOp::Mul, a, b) => match (&a.kind, &b.kind) {
            (_, TK::Int(k)) => Some(affine(a, var, written)?.scaled(*k)),
            (TK::Int(k), _) => Some(affine(b, var, written)?.scaled(*k)),
            _ if !reads_local(e, var) && invariant(e, written) => {
                Some(Affine { coef: 0, constant: 0, terms: vec![(format!("{:?}", strip(e)), 1)] })
            }
            _ => None,
        },
        _ if !reads_local(e, var) && invariant(e, written) => {
            Some(Affine { coef: 0, constant: 0, terms: vec![(format!("{:?}", strip(e)), 1)] })
        }
        _ => None,
    }
}

/// Whether `e` has the same value in every iteration: constants, locals the loop does not
/// assign, arithmetic on those and their arrays' shapes.
fn invariant(e: &TExpr, written: &[bool]) -> bool {
    let own = match &e.kind {
        TK::Int(_) | TK::Bool(_) | TK::Float(_) => true,
        TK::Local(l) => !written[*l],
        TK::Neg(_) | TK::Cast(_) | TK::Shape(..) | TK::Stride(..) => true,
        TK::Bin(op, ..) => !matches!(op, BinOp::Pow),
        _ => false,
    };
    own && e.children().into_iter().all(|c| invariant(c, written))
}

/// `e` without source positions, for comparing index expressions.
fn strip(e: &TExpr) -> TExpr {
    let mut e = e.clone();
    fn clear(e: &mut TExpr) {
        e.pos = 0;
        for c in e.children_mut() {
            clear(c);
        }
    }
    clear(&mut e);
    e
}

/// Adds `shift` to every local of `body`.
fn shift_locals(body: &mut [TStmt], shift: usize) {
    fn expr(e: &mut TExpr, shift: usize) {
        if let TK::Local(l) = &mut e.kind {
            *l += shift;
        }
        for c in e.children_mut() {
            expr(c, shift);
        }
    }
    for s in body {
        match s {
            TStmt::Assign(l, e) => {
                *l += shift;
                expr(e, shift);
            }
            TStmt::Store { arr, idx, value, .. } => {
                expr(arr, shift);
                idx.iter_mut().for_each(|i| expr(i, shift));
                expr(value, shift);
            }
            TStmt::Eval(e) | TStmt::Return(e) => expr(e, shift),
            TStmt::If(c, a, b) => {
                expr(c, shift);
                shift_locals(a, shift);
                shift_locals(b, shift);
            }
            TStmt::While(c, b) => {
                expr(c, shift);
                shift_locals(b, shift);
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, .. } => {
                for l in [var, stop_local, step_local, counter] {
                    *l += shift;
                }
                expr(start, shift);
                expr(stop, shift);
                expr(step, shift);
                shift_locals(body, shift);
            }
            TStmt::Print(items) => {
                for it in items {
                    if let PrintArg::Value(e, _) = it {
                        expr(e, shift);
                    }
                }
            }
            TStmt::Sort { arr, order } => {
                expr(arr, shift);
                if let Some(o) = order {
                    expr(o, shift);
                }
            }
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
        }
    }
}
