//! Loop optimizations on the typed IR, between lowering and code generation: typed IR in,
//! typed IR out, with the same meaning to the bit (the reference interpreter runs the IR as
//! lowered; the differential tests hold the optimized machine code to it).
//!
//! Cranelift optimizes within and across blocks (GVN, loop-invariant code motion, constant
//! folding) but never restructures loops. Two restructurings it lacks pay off on the loops
//! kernels are made of:
//!
//! - **Full unrolling** of `for` loops over a short constant range (`for di in range(-1, 2)`
//!   around a stencil): each copy of the body sees the loop variable as a constant, folded
//!   here (`di != 0 or dj != 0` disappears), and the index arithmetic of the copies becomes
//!   loop-invariant or common subexpressions for Cranelift.
//! - **Partial unrolling** (by 4) of innermost counted loops with small bodies: one bound
//!   check, one cancel-flag check and one back-edge per four iterations instead of one each,
//!   and four iterations' independent work in one block for the out-of-order core. The
//!   order of every operation is unchanged (float sums stay sums in the source's order, as
//!   Numba's without `fastmath`).

use crate::analysis::{own_exprs, own_exprs_mut};
use crate::ir::{BinOp, Func, PrintArg, TExpr, TK, TStmt, Ty};
use fastsci_expr::ast::CmpOp;

/// A loop over a constant range is unrolled whole when it runs at most this many times...
const FULL_UNROLL_TRIPS: i64 = 8;
/// ...and its unrolled body has at most this many IR nodes (compile time grows with it).
const FULL_UNROLL_NODES: usize = 256;
/// Copies of an innermost loop's body per iteration of its unrolled loop.
const PARTIAL_UNROLL: i64 = 4;
/// The largest body (IR nodes) unrolled partially.
const PARTIAL_UNROLL_NODES: usize = 64;

/// The largest innermost loop body (IR nodes) given a second, contiguous version.
const VERSION_NODES: usize = 256;

/// Rewrites the loops of `f` (see the module documentation).
pub(crate) fn optimize(f: &mut Func) {
    let body = std::mem::take(&mut f.body);
    let fresh = fresh_arrays(f.params, f.locals.len(), &body);
    let mut cx = Cx { locals: std::mem::take(&mut f.locals), fresh };
    f.body = cx.block(body);
    f.locals = cx.locals;
}

struct Cx {
    /// The function's local types; the pass adds its own locals.
    locals: Vec<Ty>,
    /// Array locals only ever assigned new arrays (C-contiguous: their last stride is the
    /// constant 1 in the generated code already).
    fresh: Vec<bool>,
}

impl Cx {
    fn block(&mut self, stmts: Vec<TStmt>) -> Vec<TStmt> {
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            self.statement(s, &mut out);
        }
        out
    }

    fn statement(&mut self, s: TStmt, out: &mut Vec<TStmt>) {
        match s {
            TStmt::If(c, a, b) => {
                let (a, b) = (self.block(a), self.block(b));
                out.push(TStmt::If(c, a, b));
            }
            TStmt::While(c, body) => {
                let body = self.block(body);
                out.push(TStmt::While(c, body));
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } => {
                let body = self.block(body);
                if let Some(unrolled) = constant_trips(&start, &stop, &step)
                    .and_then(|trips| unroll_fully(var, &start, &step, trips, &body))
                {
                    out.extend(unrolled);
                    return;
                }
                let loop_ =
                    TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos };
                match self.contiguous_version(&loop_) {
                    Some((cond, fast)) => {
                        let mut fast_out = Vec::new();
                        unroll_partially(fast, &mut self.locals, &mut fast_out);
                        out.push(TStmt::If(cond, fast_out, vec![loop_]));
                    }
                    None => unroll_partially(loop_, &mut self.locals, out),
                }
            }
            other => out.push(other),
        }
    }

    /// For an innermost loop that indexes arrays it was given (whose strides are runtime
    /// values), the test "their last strides are all 1" and a copy of the loop that indexes
    /// them through views with the constant last stride 1: there an index costs no
    /// multiplication, and the shift and add fold into the load's addressing mode. The
    /// original loop stays for strided arrays (`a[::2]`, a transposed matrix).
    fn contiguous_version(&self, loop_: &TStmt) -> Option<(TExpr, TStmt)> {
        let TStmt::ForRange { body, pos, .. } = loop_ else {
            return None;
        };
        if has_inner_loop(body) || nodes(body) > VERSION_NODES {
            return None;
        }
        let mut arrays: Vec<(usize, usize)> = Vec::new();
        let mut note = |e: &TExpr| {
            if let TK::Local(a) = e.kind
                && let Ty::Array { ndim, .. } = self.locals[a]
                && !self.fresh[a]
                && !assigns(body, a)
                && !arrays.iter().any(|&(b, _)| b == a)
            {
                arrays.push((a, ndim));
            }
        };
        visit_array_uses(body, &mut note);
        let pos = *pos;
        let mut cond: Option<TExpr> = None;
        for &(a, ndim) in &arrays {
            let stride = TExpr::new(Ty::Int, TK::Stride(Box::new(self.local(a, pos)), ndim - 1), pos);
            let one = TExpr::new(Ty::Int, TK::Int(1), pos);
            let test = TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Eq, Box::new(stride), Box::new(one)), pos);
            cond = Some(match cond {
                None => test,
                Some(c) => TExpr::new(Ty::Bool, TK::And(Box::new(c), Box::new(test)), pos),
            });
        }
        let cond = cond?;
        let mut fast = loop_.clone();
        let TStmt::ForRange { body, .. } = &mut fast else {
            return None;
        };
        for s in body.iter_mut() {
            self.view_contiguous(s, &arrays);
        }
        Some((cond, fast))
    }

    fn local(&self, a: usize, pos: usize) -> TExpr {
        TExpr::new(self.locals[a].clone(), TK::Local(a), pos)
    }

    /// `a` as a view of itself whose last stride is the constant 1.
    fn unit_stride_view(&self, a: usize, ndim: usize, pos: usize) -> TExpr {
        let int = |kind: TK| TExpr::new(Ty::Int, kind, pos);
        let base = || Box::new(self.local(a, pos));
        let shape = (0..ndim).map(|k| int(TK::Shape(base(), k))).collect();
        let strides = (0..ndim)
            .map(|k| if k + 1 == ndim { int(TK::Int(1)) } else { int(TK::Stride(base(), k)) })
            .collect();
        let view = TK::View { base: base(), offset: Box::new(int(TK::Int(0))), shape, strides };
        TExpr::new(self.locals[a].clone(), view, pos)
    }

    /// Indexes the `arrays` through unit-stride views in `s`, at any depth.
    fn view_contiguous(&self, s: &mut TStmt, arrays: &[(usize, usize)]) {
        let swap = |e: &mut TExpr| {
            if let TK::Local(a) = e.kind
                && let Some(&(_, ndim)) = arrays.iter().find(|&&(b, _)| b == a)
            {
                *e = self.unit_stride_view(a, ndim, e.pos);
            }
        };
        fn in_expr(e: &mut TExpr, swap: &dyn Fn(&mut TExpr)) {
            if let TK::Index { arr, .. } = &mut e.kind {
                swap(arr);
            }
            for c in e.children_mut() {
                in_expr(c, swap);
            }
        }
        if let TStmt::Store { arr, .. } = s {
            swap(arr);
        }
        match s {
            TStmt::If(_, a, b) => {
                a.iter_mut().chain(b.iter_mut()).for_each(|s| self.view_contiguous(s, arrays));
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => {
                b.iter_mut().for_each(|s| self.view_contiguous(s, arrays));
            }
            _ => {}
        }
        own_exprs_mut(s, &mut |e| in_expr(e, &swap));
    }
}

/// The array locals assigned nothing but new arrays (parameters never are).
fn fresh_arrays(params: usize, locals: usize, body: &[TStmt]) -> Vec<bool> {
    fn scan(s: &[TStmt], fresh: &mut [bool]) {
        for st in s {
            match st {
                TStmt::Assign(l, e) if !matches!(e.kind, TK::NewArray { .. }) => fresh[*l] = false,
                TStmt::If(_, a, b) => {
                    scan(a, fresh);
                    scan(b, fresh);
                }
                TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => scan(b, fresh),
                _ => {}
            }
        }
    }
    let mut fresh: Vec<bool> = (0..locals).map(|l| l >= params).collect();
    scan(body, &mut fresh);
    fresh
}

/// Calls `f` on the array expression of every element read and store in `body`.
fn visit_array_uses(body: &[TStmt], f: &mut dyn FnMut(&TExpr)) {
    fn in_expr(e: &TExpr, f: &mut dyn FnMut(&TExpr)) {
        if let TK::Index { arr, .. } = &e.kind {
            f(arr);
        }
        e.children().into_iter().for_each(|c| in_expr(c, f));
    }
    for s in body {
        if let TStmt::Store { arr, .. } = s {
            f(arr);
        }
        match s {
            TStmt::If(_, a, b) => {
                visit_array_uses(a, f);
                visit_array_uses(b, f);
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => visit_array_uses(b, f),
            _ => {}
        }
        own_exprs(s, &mut |e| in_expr(e, f));
    }
}

/// The number of iterations of `range(start, stop, step)` when all three are constants.
fn constant_trips(start: &TExpr, stop: &TExpr, step: &TExpr) -> Option<i64> {
    let (TK::Int(a), TK::Int(b), TK::Int(k)) = (&start.kind, &stop.kind, &step.kind) else {
        return None;
    };
    let (a, b, k) = (i128::from(*a), i128::from(*b), i128::from(*k));
    let n = match k {
        0 => return None,
        k if k > 0 => (b - a + k - 1).div_euclid(k),
        k => (a - b - k - 1).div_euclid(-k),
    };
    i64::try_from(n.max(0)).ok()
}

/// The body of a `for` loop over constants, once per value, with the variable folded in.
fn unroll_fully(var: usize, start: &TExpr, step: &TExpr, trips: i64, body: &[TStmt]) -> Option<Vec<TStmt>> {
    let (TK::Int(a), TK::Int(k)) = (&start.kind, &step.kind) else {
        return None;
    };
    if trips > FULL_UNROLL_TRIPS
        || breaks_out(body)
        || nodes(body).saturating_mul(trips as usize) > FULL_UNROLL_NODES
    {
        return None;
    }
    // A body that assigns the variable itself sees it as a variable.
    let substitute = !assigns(body, var);
    let mut out = Vec::new();
    for t in 0..trips {
        let value = a + t * k;
        out.push(TStmt::Assign(var, TExpr::new(Ty::Int, TK::Int(value), start.pos)));
        for s in body {
            let mut s = s.clone();
            if substitute {
                stmt_exprs_mut(&mut s, &mut |e| replace_local(e, var, value));
            }
            fold_stmt(s, &mut out);
        }
    }
    Some(out)
}

/// `for i in range(start, stop, k)` (constant `k > 0`, innermost, small body) as
///
/// ```text
/// c = start; e = stop
/// while c < e and e - c > 3k:
///     i = c; body; i = c + k; body; i = c + 2k; body; i = c + 3k; body
///     c = c + 4k
/// for i in range(c, e, k): body
/// ```
///
/// The remainder loop is the original one; `i` ends with the last value it took, as in
/// Python. `e - c` could wrap only when `c < e` by more than `i64::MAX`, and then the
/// remainder loop runs everything.
fn unroll_partially(loop_: TStmt, locals: &mut Vec<Ty>, out: &mut Vec<TStmt>) {
    let TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } = loop_ else {
        out.push(loop_);
        return;
    };
    let k = match step.kind {
        TK::Int(k) if k > 0 => k,
        _ => 0,
    };
    let small = nodes(&body) <= PARTIAL_UNROLL_NODES;
    if k == 0 || !small || has_inner_loop(&body) || breaks_out(&body) || k > i64::MAX / (2 * PARTIAL_UNROLL) {
        out.push(TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos });
        return;
    }
    let int = |kind: TK| TExpr::new(Ty::Int, kind, pos);
    let boolean = |kind: TK| TExpr::new(Ty::Bool, kind, pos);
    let c = locals.len();
    let e = c + 1;
    locals.extend([Ty::Int, Ty::Int]);
    out.push(TStmt::Assign(c, start));
    out.push(TStmt::Assign(e, stop));
    let (cl, el) = (|| int(TK::Local(c)), || int(TK::Local(e)));
    let ahead = int(TK::Bin(BinOp::Sub, Box::new(el()), Box::new(cl())));
    let cond = boolean(TK::And(
        Box::new(boolean(TK::Cmp(CmpOp::Lt, Box::new(cl()), Box::new(el())))),
        Box::new(boolean(TK::Cmp(
            CmpOp::Gt,
            Box::new(ahead),
            Box::new(int(TK::Int((PARTIAL_UNROLL - 1) * k))),
        ))),
    ));
    let mut unrolled = Vec::new();
    for t in 0..PARTIAL_UNROLL {
        let value = if t == 0 {
            cl()
        } else {
            int(TK::Bin(BinOp::Add, Box::new(cl()), Box::new(int(TK::Int(t * k)))))
        };
        unrolled.push(TStmt::Assign(var, value));
        unrolled.extend(body.iter().cloned());
    }
    unrolled.push(TStmt::Assign(
        c,
        int(TK::Bin(BinOp::Add, Box::new(cl()), Box::new(int(TK::Int(PARTIAL_UNROLL * k))))),
    ));
    out.push(TStmt::While(cond, unrolled));
    out.push(TStmt::ForRange {
        var,
        start: cl(),
        stop: el(),
        step,
        stop_local,
        step_local,
        counter,
        body,
        pos,
    });
}

/// Whether `body` has a `break` or `continue` of its own loop (not of a loop inside it).
fn breaks_out(body: &[TStmt]) -> bool {
    body.iter().any(|s| match s {
        TStmt::Break | TStmt::Continue => true,
        TStmt::If(_, a, b) => breaks_out(a) || breaks_out(b),
        _ => false,
    })
}

fn has_inner_loop(body: &[TStmt]) -> bool {
    body.iter().any(|s| match s {
        TStmt::While(..) | TStmt::ForRange { .. } => true,
        TStmt::If(_, a, b) => has_inner_loop(a) || has_inner_loop(b),
        _ => false,
    })
}

/// Whether `body` assigns local `l` (a `for` over it counts).
fn assigns(body: &[TStmt], l: usize) -> bool {
    body.iter().any(|s| match s {
        TStmt::Assign(m, _) => *m == l,
        TStmt::ForRange { var, body, .. } => *var == l || assigns(body, l),
        TStmt::If(_, a, b) => assigns(a, l) || assigns(b, l),
        TStmt::While(_, b) => assigns(b, l),
        _ => false,
    })
}

/// The size of `body` in IR nodes (statements and expression nodes).
fn nodes(body: &[TStmt]) -> usize {
    fn expr_nodes(e: &TExpr) -> usize {
        1 + e.children().into_iter().map(expr_nodes).sum::<usize>()
    }
    body.iter()
        .map(|s| {
            1 + match s {
                TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => expr_nodes(e),
                TStmt::Store { arr, idx, value, .. } => {
                    expr_nodes(arr) + expr_nodes(value) + idx.iter().map(expr_nodes).sum::<usize>()
                }
                TStmt::If(c, a, b) => expr_nodes(c) + nodes(a) + nodes(b),
                TStmt::While(c, b) => expr_nodes(c) + nodes(b),
                TStmt::ForRange { start, stop, step, body, .. } => {
                    expr_nodes(start) + expr_nodes(stop) + expr_nodes(step) + nodes(body)
                }
                TStmt::Print(items) => items
                    .iter()
                    .map(|item| match item {
                        PrintArg::Value(e, _) => expr_nodes(e),
                        PrintArg::Text(_) => 0,
                    })
                    .sum(),
                TStmt::Break | TStmt::Continue | TStmt::Raise(..) => 0,
            }
        })
        .sum()
}

/// Applies `f` to every expression of `s`, at any depth of statements.
fn stmt_exprs_mut(s: &mut TStmt, f: &mut dyn FnMut(&mut TExpr)) {
    own_exprs_mut(s, f);
    match s {
        TStmt::If(_, a, b) => a.iter_mut().chain(b.iter_mut()).for_each(|s| stmt_exprs_mut(s, f)),
        TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => {
            b.iter_mut().for_each(|s| stmt_exprs_mut(s, f))
        }
        _ => {}
    }
}

/// Replaces reads of local `l` by the constant `value`, folding what becomes constant.
fn replace_local(e: &mut TExpr, l: usize, value: i64) {
    if matches!(e.kind, TK::Local(m) if m == l) {
        e.kind = TK::Int(value);
        return;
    }
    for c in e.children_mut() {
        replace_local(c, l, value);
    }
    fold(e);
}

/// Folds an expression whose operands are constants (only the forms a substituted loop
/// variable produces: integer arithmetic that cannot fail, comparisons, `and`/`or`/`not`).
fn fold(e: &mut TExpr) {
    let folded = match &e.kind {
        TK::Bin(op, a, b) => match (op, &a.kind, &b.kind) {
            (BinOp::Add, TK::Int(x), TK::Int(y)) => Some(TK::Int(x.wrapping_add(*y))),
            (BinOp::Sub, TK::Int(x), TK::Int(y)) => Some(TK::Int(x.wrapping_sub(*y))),
            (BinOp::Mul, TK::Int(x), TK::Int(y)) => Some(TK::Int(x.wrapping_mul(*y))),
            (BinOp::Add | BinOp::Sub, _, TK::Int(0)) if e.ty == Ty::Int => Some(a.kind.clone()),
            (BinOp::Add, TK::Int(0), _) if e.ty == Ty::Int => Some(b.kind.clone()),
            _ => None,
        },
        TK::Cmp(op, a, b) => match (&a.kind, &b.kind) {
            (TK::Int(x), TK::Int(y)) => Some(TK::Bool(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
            })),
            _ => None,
        },
        TK::Not(x) => match x.kind {
            TK::Bool(v) => Some(TK::Bool(!v)),
            _ => None,
        },
        TK::And(a, b) if e.ty == Ty::Bool => match a.kind {
            TK::Bool(true) => Some(b.kind.clone()),
            TK::Bool(false) => Some(TK::Bool(false)),
            _ => None,
        },
        TK::Or(a, b) if e.ty == Ty::Bool => match a.kind {
            TK::Bool(true) => Some(TK::Bool(true)),
            TK::Bool(false) => Some(b.kind.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(k) = folded {
        e.kind = k;
    }
}

/// Pushes `s` with branches on constant conditions resolved.
fn fold_stmt(s: TStmt, out: &mut Vec<TStmt>) {
    match s {
        TStmt::If(TExpr { kind: TK::Bool(c), .. }, a, b) => {
            for s in if c { a } else { b } {
                fold_stmt(s, out);
            }
        }
        TStmt::If(c, a, b) => {
            let fold_all = |v: Vec<TStmt>| {
                let mut o = Vec::new();
                v.into_iter().for_each(|s| fold_stmt(s, &mut o));
                o
            };
            out.push(TStmt::If(c, fold_all(a), fold_all(b)));
        }
        other => out.push(other),
    }
}
