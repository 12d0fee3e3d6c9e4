//! Structured control flow for the reverse sweep: `break`, `continue` and early `return`
//! become flags, so every loop body runs from its first statement to its last (or not at
//! all) and the function ends in its one `return`.
//!
//! A reverse sweep replays statements backwards; a jump out of the middle of a block would
//! leave it unable to tell which statements ran. After this pass, a `break` survives only as
//! the first statement of a `for` body, guarded by the loop's flag (`if exit == 2: break`),
//! where it ends the loop before anything of the iteration ran; `while` loops test the flag
//! in their condition instead. Loops without jumps are left as they are.

use super::build::*;
use crate::ir::{Func, PrintArg, TStmt, Ty};
use fastsci_expr::ast::CmpOp;

/// The loop's exit flag values.
const GO_ON: i64 = 0;
const CONTINUE: i64 = 1;
const BREAK: i64 = 2;

/// Rewrites `f` (its body and locals) to the structured form; returns the local holding
/// the result, which the last statement returns.
pub(super) fn normalize(f: &mut Func) -> usize {
    let retval = f.locals.len();
    f.locals.push(f.ret.clone());
    let ret_flag = f.locals.len();
    f.locals.push(Ty::Bool);
    let mut n = Norm { locals: &mut f.locals, retval, ret_flag };
    let body = std::mem::take(&mut f.body);
    let mut out = n.block(body, None, true);
    out.push(TStmt::Return(local(retval, &f.ret)));
    f.body = out;
    retval
}

struct Norm<'a> {
    locals: &'a mut Vec<Ty>,
    retval: usize,
    ret_flag: usize,
}

/// What a statement may do besides finishing normally.
#[derive(Default, Clone, Copy)]
struct Jumps {
    /// It may set the innermost loop's flag (a `break`, `continue` or `return` in it).
    loop_flag: bool,
    /// It may return from the function.
    returns: bool,
}

impl Norm<'_> {
    fn fresh(&mut self, ty: Ty) -> usize {
        self.locals.push(ty);
        self.locals.len() - 1
    }

    /// `exit`: the innermost loop's flag; `tail`: nothing runs after this block (a `return`
    /// here needs no flag).
    fn block(&mut self, stmts: Vec<TStmt>, exit: Option<usize>, tail: bool) -> Vec<TStmt> {
        let mut out = Vec::new();
        let mut stmts = stmts.into_iter().peekable();
        while let Some(s) = stmts.next() {
            let last = stmts.peek().is_none();
            let jumps = self.stmt(s, exit, tail && last, &mut out);
            if (jumps.loop_flag || jumps.returns) && !last {
                // The rest runs only if nothing jumped.
                let guard = match exit {
                    Some(x) => cmp(CmpOp::Eq, local(x, &Ty::Int), int(GO_ON)),
                    None => not(local(self.ret_flag, &Ty::Bool)),
                };
                let rest = self.block(stmts.collect(), exit, tail);
                out.push(if_then(guard, rest));
                break;
            }
        }
        out
    }

    fn stmt(&mut self, s: TStmt, exit: Option<usize>, tail: bool, out: &mut Vec<TStmt>) -> Jumps {
        match s {
            TStmt::Break | TStmt::Continue => {
                let x = exit.expect("break outside a loop is rejected by the front end");
                let code = if matches!(s, TStmt::Break) { BREAK } else { CONTINUE };
                out.push(assign(x, int(code)));
                Jumps { loop_flag: true, returns: false }
            }
            TStmt::Return(e) => {
                out.push(assign(self.retval, e));
                if tail {
                    return Jumps::default();
                }
                out.push(assign(self.ret_flag, boolean(true)));
                if let Some(x) = exit {
                    out.push(assign(x, int(BREAK)));
                }
                Jumps { loop_flag: exit.is_some(), returns: true }
            }
            TStmt::If(c, a, b) => {
                let (ja, jb) = (jumps_in(&a, true), jumps_in(&b, true));
                let a = self.block(a, exit, tail);
                let b = self.block(b, exit, tail);
                out.push(TStmt::If(c, a, b));
                Jumps { loop_flag: ja.loop_flag || jb.loop_flag, returns: ja.returns || jb.returns }
            }
            TStmt::While(c, body) => {
                let inner = jumps_in(&body, true);
                if !has_jumps(&body) {
                    let body = self.block(body, None, false);
                    out.push(TStmt::While(c, body));
                    return Jumps::default();
                }
                let x = self.fresh(Ty::Int);
                let mut new_body = vec![assign(x, int(GO_ON))];
                new_body.extend(self.block(body, Some(x), false));
                let go_on = cmp(CmpOp::Ne, local(x, &Ty::Int), int(BREAK));
                out.push(assign(x, int(GO_ON)));
                out.push(TStmt::While(and(go_on, truth(c)), new_body));
                self.after_loop(inner.returns, exit, out)
            }
            TStmt::ForRange { ref body, .. } if !has_jumps(body) => {
                let mut lp = s;
                if let TStmt::ForRange { body, .. } = &mut lp {
                    *body = self.block(std::mem::take(body), None, false);
                }
                out.push(lp);
                Jumps::default()
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } => {
                let inner = jumps_in(&body, true);
                // The header assigns a hidden variable; the user's variable is set from it
                // once the iteration is known to run, so after a `break` it keeps the value
                // of the iteration that broke, as in Python.
                let x = self.fresh(Ty::Int);
                let hidden = self.fresh(Ty::Int);
                let broke = cmp(CmpOp::Eq, local(x, &Ty::Int), int(BREAK));
                let mut new_body = vec![
                    if_then(broke, vec![TStmt::Break]),
                    assign(x, int(GO_ON)),
                    assign(var, local(hidden, &Ty::Int)),
                ];
                new_body.extend(self.block(body, Some(x), false));
                out.push(assign(x, int(GO_ON)));
                out.push(TStmt::ForRange {
                    var: hidden,
                    start,
                    stop,
                    step,
                    stop_local,
                    step_local,
                    counter,
                    body: new_body,
                    pos,
                });
                self.after_loop(inner.returns, exit, out)
            }
            other => {
                out.push(other);
                Jumps::default()
            }
        }
    }

    /// After a loop that may have returned: leave the enclosing loop too.
    fn after_loop(&mut self, returned: bool, exit: Option<usize>, out: &mut Vec<TStmt>) -> Jumps {
        if !returned {
            return Jumps::default();
        }
        if let Some(x) = exit {
            out.push(if_then(local(self.ret_flag, &Ty::Bool), vec![assign(x, int(BREAK))]));
        }
        Jumps { loop_flag: exit.is_some(), returns: true }
    }
}

/// The jumps statements of `body` may make: `break`/`continue` of the loop whose body this
/// is (`own_loop`; those of nested loops stay inside them) and returns at any depth.
fn jumps_in(body: &[TStmt], own_loop: bool) -> Jumps {
    let mut j = Jumps::default();
    for s in body {
        match s {
            TStmt::Break | TStmt::Continue => j.loop_flag |= own_loop,
            TStmt::Return(_) => {
                j.returns = true;
                j.loop_flag |= own_loop;
            }
            TStmt::If(_, a, b) => {
                for inner in [jumps_in(a, own_loop), jumps_in(b, own_loop)] {
                    j.loop_flag |= inner.loop_flag;
                    j.returns |= inner.returns;
                }
            }
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => {
                let inner = jumps_in(b, false);
                j.returns |= inner.returns;
                j.loop_flag |= inner.returns && own_loop;
            }
            _ => {}
        }
    }
    j
}

/// Whether a loop body jumps out of its loop or function.
fn has_jumps(body: &[TStmt]) -> bool {
    let j = jumps_in(body, true);
    j.loop_flag || j.returns
}

/// Whether `s` is the guard a normalized `for` body starts with (`if exit == 2: break`).
pub(super) fn is_leading_break(s: &TStmt) -> bool {
    matches!(s, TStmt::If(_, a, b) if b.is_empty() && matches!(a.as_slice(), [TStmt::Break]))
}

/// Splits each tuple variable that is only built from a tuple of scalars and read element by
/// element (`a, b = b, a + b` goes through one) into a variable per element, which the
/// sweeps handle as any other.
pub(super) fn scalarize_tuples(f: &mut Func) {
    use crate::ir::{TExpr, TK};
    let candidates: Vec<usize> = (0..f.locals.len())
        .filter(|&l| l >= f.params && matches!(&f.locals[l], Ty::Tuple(ts) if ts.iter().all(Ty::is_numeric)))
        .collect();
    if candidates.is_empty() {
        return;
    }
    // A use other than `t = (e0, e1, ...)` or `t[k]` keeps the tuple whole.
    fn uses_ok(body: &[TStmt], t: usize) -> bool {
        fn expr_ok(e: &TExpr, t: usize) -> bool {
            match &e.kind {
                TK::TupleGet(x, _) if matches!(x.kind, TK::Local(l) if l == t) => true,
                TK::Local(l) => *l != t,
                _ => e.children().into_iter().all(|c| expr_ok(c, t)),
            }
        }
        fn reads(e: &TExpr, t: usize) -> bool {
            any_node(e, &|n| matches!(n.kind, TK::Local(l) if l == t))
        }
        body.iter().all(|s| match s {
            TStmt::Assign(l, e) if *l == t => match &e.kind {
                TK::Tuple(items) => items.iter().all(|i| !reads(i, t)),
                _ => false,
            },
            TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => expr_ok(e, t),
            TStmt::Store { arr, idx, value, .. } => {
                expr_ok(arr, t) && expr_ok(value, t) && idx.iter().all(|i| expr_ok(i, t))
            }
            TStmt::If(c, a, b) => expr_ok(c, t) && uses_ok(a, t) && uses_ok(b, t),
            TStmt::While(c, b) => expr_ok(c, t) && uses_ok(b, t),
            TStmt::ForRange { start, stop, step, body, .. } => {
                expr_ok(start, t) && expr_ok(stop, t) && expr_ok(step, t) && uses_ok(body, t)
            }
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) => true,
            TStmt::Print(items) => {
                items.iter().all(|it| !matches!(it, PrintArg::Value(e, _) if !expr_ok(e, t)))
            }
        })
    }
    fn rewrite_expr(e: &mut TExpr, t: usize, parts: &[usize]) {
        if let TK::TupleGet(x, k) = &e.kind
            && matches!(x.kind, TK::Local(l) if l == t)
        {
            e.kind = TK::Local(parts[*k]);
            return;
        }
        e.children_mut().into_iter().for_each(|c| rewrite_expr(c, t, parts));
    }
    fn rewrite(body: Vec<TStmt>, t: usize, parts: &[usize]) -> Vec<TStmt> {
        let mut out = Vec::new();
        for s in body {
            match s {
                TStmt::Assign(l, TExpr { kind: TK::Tuple(items), .. }) if l == t => {
                    out.extend(parts.iter().zip(items).map(|(&p, e)| TStmt::Assign(p, e)));
                }
                mut s => {
                    own_exprs_mut(&mut s, &mut |e| rewrite_expr(e, t, parts));
                    match &mut s {
                        TStmt::If(_, a, b) => {
                            *a = rewrite(std::mem::take(a), t, parts);
                            *b = rewrite(std::mem::take(b), t, parts);
                        }
                        TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => {
                            *b = rewrite(std::mem::take(b), t, parts);
                        }
                        _ => {}
                    }
                    out.push(s);
                }
            }
        }
        out
    }
    for t in candidates {
        if !uses_ok(&f.body, t) {
            continue;
        }
        let Ty::Tuple(tys) = f.locals[t].clone() else { continue };
        let parts: Vec<usize> = tys
            .into_iter()
            .map(|ty| {
                f.locals.push(ty);
                f.locals.len() - 1
            })
            .collect();
        let body = std::mem::take(&mut f.body);
        f.body = rewrite(body, t, &parts);
    }
}
