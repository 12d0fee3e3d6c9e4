//! Analyses of the typed IR: how a specialization is called (may it write into arrays it was
//! given; does it run briefly enough to call without releasing the caller's locks) and what
//! its code needs (a cancel flag check, the random generator's state).

use crate::ir::{BinOp, Func, PrintArg, RandomFn, TExpr, TK, TStmt, Ty};

/// Whether `f` may store into an array it did not create with `np.empty/zeros/ones`.
pub(crate) fn writes_non_fresh(f: &Func) -> bool {
    // Locals assigned only from new arrays are fresh.
    let mut fresh = vec![true; f.locals.len()];
    fresh.iter_mut().take(f.params).for_each(|v| *v = false);
    fn scan_assign(s: &[TStmt], fresh: &mut [bool]) {
        for st in s {
            match st {
                TStmt::Assign(l, e) if !matches!(e.kind, TK::NewArray { .. }) => {
                    fresh[*l] = false;
                }
                TStmt::If(_, a, b) => {
                    scan_assign(a, fresh);
                    scan_assign(b, fresh);
                }
                TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => scan_assign(b, fresh),
                _ => {}
            }
        }
    }
    scan_assign(&f.body, &mut fresh);
    fn stores_bad(s: &[TStmt], fresh: &[bool]) -> bool {
        s.iter().any(|st| match st {
            TStmt::Store { arr, .. } | TStmt::Sort { arr, order: None } => {
                !matches!(arr, TExpr { kind: TK::Local(l), .. } if fresh[*l])
            }
            TStmt::If(_, a, b) => stores_bad(a, fresh) || stores_bad(b, fresh),
            TStmt::While(_, b) | TStmt::ForRange { body: b, .. } => stores_bad(b, fresh),
            _ => false,
        })
    }
    stores_bad(&f.body, &fresh)
}

/// Whether `f` runs in a short, bounded time: no loops, no calls to other kernels (which could
/// loop or recurse) and no arrays created or filled. Such a call finishes in about the time
/// of a function call, so a caller (the Python binding) gains nothing by releasing the GIL
/// around it, and a cancel flag would never be read.
pub(crate) fn runs_briefly(f: &Func) -> bool {
    !has_loop(&f.body)
        && !any_expr(&f.body, &|e| {
            matches!(e.kind, TK::Call(..) | TK::NewArray { .. } | TK::ArrayMap { .. } | TK::ParFor(_))
        })
}

/// Whether `body` has a loop (then the code reads the cancel flag at its back-edges).
pub(crate) fn has_loop(body: &[TStmt]) -> bool {
    body.iter().any(|s| match s {
        TStmt::While(..) | TStmt::ForRange { .. } => true,
        TStmt::If(_, a, b) => has_loop(a) || has_loop(b),
        _ => false,
    })
}

/// Whether `body` draws inline random numbers (then the code keeps the generator's state in
/// variables, loaded from the context once and stored back before calls and returns).
pub(crate) fn draws_random(body: &[TStmt]) -> bool {
    any_expr(body, &|e| matches!(e.kind, TK::Random(RandomFn::Random, _)))
}

/// Whether some node of some expression of `body` (conditions, loop bounds, stored values,
/// at any depth) satisfies `p`.
fn any_expr(body: &[TStmt], p: &dyn Fn(&TExpr) -> bool) -> bool {
    fn in_expr(e: &TExpr, p: &dyn Fn(&TExpr) -> bool) -> bool {
        p(e) || e.children().into_iter().any(|c| in_expr(c, p))
    }
    body.iter().any(|s| match s {
        TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => in_expr(e, p),
        TStmt::Store { arr, idx, value, .. } => {
            in_expr(arr, p) || in_expr(value, p) || idx.iter().any(|i| in_expr(i, p))
        }
        TStmt::If(c, a, b) => in_expr(c, p) || any_expr(a, p) || any_expr(b, p),
        TStmt::While(c, b) => in_expr(c, p) || any_expr(b, p),
        TStmt::ForRange { start, stop, step, body, .. } => {
            in_expr(start, p) || in_expr(stop, p) || in_expr(step, p) || any_expr(body, p)
        }
        TStmt::Break | TStmt::Continue | TStmt::Raise(..) => false,
        TStmt::Print(items) => items.iter().any(|it| matches!(it, PrintArg::Value(e, _) if in_expr(e, p))),
        TStmt::Sort { arr, order } => in_expr(arr, p) || order.as_ref().is_some_and(|o| in_expr(o, p)),
    })
}

/// The locals of `f` that never hold a negative value: as indices they need no wrap-around
/// from the end. A local qualifies when every assignment to it gives a value that is
/// non-negative by construction ([`is_nonneg`]) and every `for` loop over it counts up from
/// such a value; parameters never do (they come from the caller). Solved to a fixpoint, as
/// `j = i + 1` is non-negative only once `i` is known to be.
pub(crate) fn nonneg_locals(f: &Func) -> Vec<bool> {
    fn scan(s: &[TStmt], ok: &mut [bool], changed: &mut bool) {
        for st in s {
            match st {
                TStmt::Assign(l, e) if ok[*l] && !is_nonneg(e, ok) => {
                    ok[*l] = false;
                    *changed = true;
                }
                TStmt::ForRange { var, start, step, body, .. } => {
                    let counts_up = is_nonneg(start, ok) && matches!(step.kind, TK::Int(k) if k > 0);
                    if ok[*var] && !counts_up {
                        ok[*var] = false;
                        *changed = true;
                    }
                    scan(body, ok, changed);
                }
                TStmt::If(_, a, b) => {
                    scan(a, ok, changed);
                    scan(b, ok, changed);
                }
                TStmt::While(_, b) => scan(b, ok, changed),
                _ => {}
            }
        }
    }
    // Optimistic start: every local but the parameters is non-negative (unassigned ones
    // hold zero); each pass only removes locals, so this ends.
    let mut ok: Vec<bool> =
        f.locals.iter().enumerate().map(|(i, t)| i >= f.params && *t == Ty::Int).collect();
    loop {
        let mut changed = false;
        scan(&f.body, &mut ok, &mut changed);
        if !changed {
            return ok;
        }
    }
}

/// Whether the Int expression `e` is never negative, given the non-negative locals `ok`.
/// Sums and products of non-negative values are taken as non-negative (they could only
/// wrap past `i64::MAX`, which no index reaches); Python's `%` has the sign of its divisor.
pub(crate) fn is_nonneg(e: &TExpr, ok: &[bool]) -> bool {
    match &e.kind {
        TK::Int(c) => *c >= 0,
        TK::Local(l) => e.ty == Ty::Int && ok.get(*l).copied().unwrap_or(false),
        TK::Shape(..) => true,
        TK::Cast(x) => x.ty == Ty::Bool && e.ty == Ty::Int,
        TK::Bin(op, a, b) => match op {
            BinOp::Add | BinOp::Mul | BinOp::FloorDiv | BinOp::Min => is_nonneg(a, ok) && is_nonneg(b, ok),
            BinOp::Mod => is_nonneg(b, ok),
            BinOp::Max | BinOp::BitAnd => is_nonneg(a, ok) || is_nonneg(b, ok),
            BinOp::Shr => is_nonneg(a, ok),
            _ => false,
        },
        _ => false,
    }
}

/// The expressions of a statement itself, not of the statements nested in it, by shared or
/// mutable reference (one list of the variants for both).
macro_rules! own_exprs_of {
    ($s:expr, $f:expr, $iter:ident) => {
        match $s {
            TStmt::Assign(_, e)
            | TStmt::Eval(e)
            | TStmt::Return(e)
            | TStmt::If(e, ..)
            | TStmt::While(e, _) => $f(e),
            TStmt::Store { arr, idx, value, .. } => {
                $f(arr);
                idx.$iter().for_each(&mut *$f);
                $f(value);
            }
            TStmt::ForRange { start, stop, step, .. } => {
                $f(start);
                $f(stop);
                $f(step);
            }
            TStmt::Print(items) => {
                for item in items.$iter() {
                    if let PrintArg::Value(e, _) = item {
                        $f(e);
                    }
                }
            }
            TStmt::Sort { arr, order } => {
                $f(arr);
                if let Some(o) = order {
                    $f(o);
                }
            }
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
        }
    };
}

/// Runs `f` on each expression of `s` itself (not of the statements nested in it).
pub(crate) fn own_exprs(s: &TStmt, f: &mut dyn FnMut(&TExpr)) {
    own_exprs_of!(s, f, iter)
}

/// Runs `f` on each expression of `s` itself, mutably.
pub(crate) fn own_exprs_mut(s: &mut TStmt, f: &mut dyn FnMut(&mut TExpr)) {
    own_exprs_of!(s, f, iter_mut)
}
