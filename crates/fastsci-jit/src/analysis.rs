//! Analyses of the typed IR: how a specialization is called (may it write into arrays it was
//! given; does it run briefly enough to call without releasing the caller's locks) and what
//! its code needs (a cancel flag check, the random generator's state).

use crate::ir::{Func, RandomFn, TExpr, TK, TStmt};

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
            TStmt::Store { arr, .. } => !matches!(arr, TExpr { kind: TK::Local(l), .. } if fresh[*l]),
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
        TStmt::Break | TStmt::Continue => false,
    })
}

/// Whether a statement draws random numbers inline (then the state lives in variables).
/// The locals of `f` that are never negative (see the code generator's `nonneg`).
pub(crate) fn nonneg_locals(f: &Func) -> Vec<bool> {
    fn scan(s: &[TStmt], ok: &mut [bool], bad: &mut [bool]) {
        for st in s {
            match st {
                TStmt::Assign(l, _) => bad[*l] = true,
                TStmt::ForRange { var, start, step, body, .. } => {
                    let counts_up = matches!(start.kind, TK::Int(c) if c >= 0)
                        && matches!(step.kind, TK::Int(k) if k > 0);
                    if counts_up {
                        ok[*var] = true;
                    } else {
                        bad[*var] = true;
                    }
                    scan(body, ok, bad);
                }
                TStmt::If(_, a, b) => {
                    scan(a, ok, bad);
                    scan(b, ok, bad);
                }
                TStmt::While(_, b) => scan(b, ok, bad),
                _ => {}
            }
        }
    }
    let n = f.locals.len();
    let (mut ok, mut bad) = (vec![false; n], vec![false; n]);
    // Parameters come from the caller: any value.
    bad.iter_mut().take(f.params).for_each(|b| *b = true);
    scan(&f.body, &mut ok, &mut bad);
    ok.iter().zip(&bad).map(|(&o, &b)| o && !b).collect()
}
