//! Analyses of the typed IR that decide how a specialization is called: whether it may
//! write into arrays it was given, and whether it runs briefly enough to call without
//! releasing the caller's locks.

use crate::ir::{Func, TExpr, TK, TStmt};

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
    fn expr_brief(e: &TExpr) -> bool {
        !matches!(e.kind, TK::Call(..) | TK::NewArray { .. } | TK::ArrayMap { .. })
            && e.children().into_iter().all(expr_brief)
    }
    fn stmts_brief(s: &[TStmt]) -> bool {
        s.iter().all(|st| match st {
            TStmt::While(..) | TStmt::ForRange { .. } => false,
            TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => expr_brief(e),
            TStmt::Store { arr, idx, value, .. } => {
                expr_brief(arr) && expr_brief(value) && idx.iter().all(expr_brief)
            }
            TStmt::If(test, a, b) => expr_brief(test) && stmts_brief(a) && stmts_brief(b),
            TStmt::Break | TStmt::Continue => true,
        })
    }
    stmts_brief(&f.body)
}
