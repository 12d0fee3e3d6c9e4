//! Small constructors of typed IR, so the transformations read as the math they emit.

use std::collections::HashMap;

use crate::ir::{BinOp, Func, MathFn, PrintArg, TExpr, TK, TStmt, Ty};
use fastsci_expr::ast::CmpOp;

pub(super) fn local(l: usize, ty: &Ty) -> TExpr {
    TExpr::new(ty.clone(), TK::Local(l), 0)
}

pub(super) fn float(v: f64) -> TExpr {
    TExpr::new(Ty::Float, TK::Float(v), 0)
}

pub(super) fn int(v: i64) -> TExpr {
    TExpr::new(Ty::Int, TK::Int(v), 0)
}

pub(super) fn boolean(v: bool) -> TExpr {
    TExpr::new(Ty::Bool, TK::Bool(v), 0)
}

pub(super) fn bin(op: BinOp, a: TExpr, b: TExpr) -> TExpr {
    TExpr::new(a.ty.clone(), TK::Bin(op, Box::new(a), Box::new(b)), 0)
}

/// `a + b` on floats, dropping a literal zero operand.
pub(super) fn add(a: TExpr, b: TExpr) -> TExpr {
    match (&a.kind, &b.kind) {
        (TK::Float(z), _) if *z == 0.0 => b,
        (_, TK::Float(z)) if *z == 0.0 => a,
        _ => bin(BinOp::Add, a, b),
    }
}

pub(super) fn sub(a: TExpr, b: TExpr) -> TExpr {
    bin(BinOp::Sub, a, b)
}

/// `a * b` on floats, dropping a literal one operand.
pub(super) fn mul(a: TExpr, b: TExpr) -> TExpr {
    match (&a.kind, &b.kind) {
        (TK::Float(o), _) if *o == 1.0 => b,
        (_, TK::Float(o)) if *o == 1.0 => a,
        _ => bin(BinOp::Mul, a, b),
    }
}

/// `a / b` where `b` is known to be non-zero (a denominator the primal code divided by
/// already, so the Python zero-division check can never fire here).
pub(super) fn div(a: TExpr, b: TExpr) -> TExpr {
    bin(BinOp::Div, a, b)
}

/// `a / b` with IEEE semantics at `b == 0` (`±inf`, or NaN for `0 / 0`) instead of Python's
/// `ZeroDivisionError`: derivatives such as `1 / (2 sqrt(x))` at `x = 0` are infinite, as in
/// JAX, and must not stop the kernel.
pub(super) fn ieee_div(a: TExpr, b: TExpr) -> TExpr {
    let inf = math(MathFn::Copysign, vec![float(f64::INFINITY), b.clone()]);
    let at_zero = mul(a.clone(), inf);
    if_else(cmp(CmpOp::Ne, b.clone(), float(0.0)), div(a, b), at_zero)
}

pub(super) fn neg(a: TExpr) -> TExpr {
    TExpr::new(a.ty.clone(), TK::Neg(Box::new(a)), 0)
}

pub(super) fn not(a: TExpr) -> TExpr {
    TExpr::new(Ty::Bool, TK::Not(Box::new(a)), 0)
}

pub(super) fn cmp(op: CmpOp, a: TExpr, b: TExpr) -> TExpr {
    TExpr::new(Ty::Bool, TK::Cmp(op, Box::new(a), Box::new(b)), 0)
}

pub(super) fn and(a: TExpr, b: TExpr) -> TExpr {
    TExpr::new(Ty::Bool, TK::And(Box::new(a), Box::new(b)), 0)
}

pub(super) fn if_else(c: TExpr, a: TExpr, b: TExpr) -> TExpr {
    TExpr::new(a.ty.clone(), TK::IfElse(Box::new(c), Box::new(a), Box::new(b)), 0)
}

pub(super) fn math(f: MathFn, args: Vec<TExpr>) -> TExpr {
    TExpr::new(Ty::Float, TK::Math(f, args), 0)
}

pub(super) fn pow_const(x: TExpr, k: i32) -> TExpr {
    match k {
        0 => float(1.0),
        1 => x,
        _ => TExpr::new(Ty::Float, TK::PowConst(Box::new(x), k), 0),
    }
}

pub(super) fn cast(x: TExpr, ty: Ty) -> TExpr {
    TExpr::new(ty, TK::Cast(Box::new(x)), 0)
}

/// Converts a condition to `Bool` (loop and branch conditions may have any numeric type).
pub(super) fn truth(c: TExpr) -> TExpr {
    if c.ty == Ty::Bool { c } else { cast(c, Ty::Bool) }
}

pub(super) fn shape(arr: TExpr, k: usize) -> TExpr {
    TExpr::new(Ty::Int, TK::Shape(Box::new(arr), k), 0)
}

pub(super) fn index(arr: TExpr, idx: Vec<TExpr>, check: bool) -> TExpr {
    let ty = match &arr.ty {
        Ty::Array { dtype, .. } => Ty::of_dtype(*dtype),
        other => other.clone(),
    };
    TExpr::new(ty, TK::Index { arr: Box::new(arr), idx, check }, 0)
}

pub(super) fn tuple_get(t: TExpr, k: usize) -> TExpr {
    let ty = match &t.ty {
        Ty::Tuple(ts) => ts[k].clone(),
        other => other.clone(),
    };
    TExpr::new(ty, TK::TupleGet(Box::new(t), k), 0)
}

pub(super) fn assign(l: usize, e: TExpr) -> TStmt {
    TStmt::Assign(l, e)
}

pub(super) fn if_then(c: TExpr, then: Vec<TStmt>) -> TStmt {
    TStmt::If(c, then, Vec::new())
}

/// Renames every local of `body` (assigned, read, or a loop's hidden local) through `map`.
pub(super) fn rename_locals(body: &mut [TStmt], map: &dyn Fn(usize) -> usize) {
    fn expr(e: &mut TExpr, map: &dyn Fn(usize) -> usize) {
        if let TK::Local(l) = &mut e.kind {
            *l = map(*l);
        }
        e.children_mut().into_iter().for_each(|c| expr(c, map));
    }
    for s in body {
        own_exprs_mut(s, &mut |e| expr(e, map));
        match s {
            TStmt::Assign(l, _) => *l = map(*l),
            TStmt::If(_, a, b) => {
                rename_locals(a, map);
                rename_locals(b, map);
            }
            TStmt::While(_, b) => rename_locals(b, map),
            TStmt::ForRange { var, stop_local, step_local, counter, body, .. } => {
                for l in [var, stop_local, step_local, counter] {
                    *l = map(*l);
                }
                rename_locals(body, map);
            }
            _ => {}
        }
    }
}

/// Whether `e` or a subexpression satisfies `p`.
pub(super) fn any_node(e: &TExpr, p: &dyn Fn(&TExpr) -> bool) -> bool {
    p(e) || e.children().into_iter().any(|c| any_node(c, p))
}

/// The array expression `e` (a variable, or a view of one) with its variable replaced by the
/// one `partner` pairs it with (an adjoint or tangent array): the same elements of the partner.
pub(super) fn same_view_of(e: &TExpr, partner: &dyn Fn(usize) -> Option<usize>) -> Option<TExpr> {
    match &e.kind {
        TK::Local(l) => partner(*l).map(|p| local(p, &e.ty)),
        TK::View { base, offset, shape, strides } => {
            let base = Box::new(same_view_of(base, partner)?);
            let view =
                TK::View { base, offset: offset.clone(), shape: shape.clone(), strides: strides.clone() };
            Some(TExpr::new(e.ty.clone(), view, e.pos))
        }
        _ => None,
    }
}

/// Runs `f` on each expression of `s` itself (not of the statements nested in it).
pub(super) fn own_exprs_mut(s: &mut TStmt, f: &mut dyn FnMut(&mut TExpr)) {
    match s {
        TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) | TStmt::If(e, ..) | TStmt::While(e, _) => {
            f(e)
        }
        TStmt::Store { arr, idx, value, .. } => {
            f(arr);
            idx.iter_mut().for_each(&mut *f);
            f(value);
        }
        TStmt::ForRange { start, stop, step, .. } => {
            f(start);
            f(stop);
            f(step);
        }
        TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
        TStmt::Print(items) => items.iter_mut().for_each(|it| {
            if let PrintArg::Value(e, _) = it {
                f(e)
            }
        }),
    }
}

/// The index of the function derived from `funcs[fid]` (its adjoint or tangent function) as
/// `memo` records it: `Ok` when made already, else `Err` with a new index reserved for it,
/// holding a placeholder with the derived result type `ret`, so that a recursive kernel's
/// derivative, made next, can call itself.
pub(super) fn derived_index(
    funcs: &mut Vec<Func>,
    memo: &mut HashMap<usize, usize>,
    fid: usize,
    ret: Ty,
) -> Result<usize, usize> {
    if let Some(&id) = memo.get(&fid) {
        return Ok(id);
    }
    let id = funcs.len();
    funcs.push(Func { ret, ..funcs[fid].clone() });
    memo.insert(fid, id);
    Err(id)
}
