//! Indexing with arrays, as NumPy's "advanced indexing": a boolean mask of the array's
//! shape (`a[a > 0]` reads the selected elements in C order into a new 1-d array,
//! `a[mask] = x` writes `x`, a number or one value per selected element) and an integer
//! array into a 1-d array (`a[idx]` is a new array of `idx`'s shape, `a[idx] = x` writes;
//! negative indices count from the end, out-of-range ones raise `IndexError`).

use super::reductions::element_at;
use super::*;

/// Whether an index expression may be an array (then it is lowered to find out): a
/// variable holding an array, a comparison, `~`, `&`, `|` of masks, or a call.
pub(super) fn may_be_array_index(cx: &FnCx<'_, '_>, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(n) => matches!(cx.var_types.get(n), Some(Ty::Array { .. })),
        ExprKind::Compare { .. } => true,
        ExprKind::Call { func, .. } => func != "slice",
        ExprKind::Unary { op: UnaryOp::Invert, .. } => true,
        ExprKind::Binary { op: expr::BinOp::BitAnd | expr::BinOp::BitOr | expr::BinOp::BitXor, .. } => true,
        _ => false,
    }
}

impl FnCx<'_, '_> {
    /// `a[index]` where `index` is an array (already lowered).
    pub(super) fn fancy_read(&mut self, a: TExpr, index: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let (Ty::Array { dtype, ndim }, Ty::Array { dtype: idt, ndim: ind }) =
            (a.ty.clone(), index.ty.clone())
        else {
            return Err(self.err(ErrorKind::Internal, span, "fancy index"));
        };
        let mask = idt == DType::Bool;
        self.check_fancy(ndim, ind, idt, span)?;
        let out_ndim = if mask { 1 } else { ind };
        let out_ty = Ty::Array { dtype, ndim: out_ndim };
        let a = self.force(a)?;
        let index = self.force(index)?;
        if !self.strict {
            return Ok(TExpr::new(out_ty, TK::Local(usize::MAX), pos));
        }
        let a = self.hoist_fancy(a);
        let index = self.hoist_fancy(index);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let ivars: Vec<usize> = (0..ind).map(|_| self.hidden(Ty::Int)).collect();
        let idx_dim = |k: usize| TExpr::new(Ty::Int, TK::Shape(Box::new(index.clone()), k), pos);
        let dims: Vec<usize> = (0..ind).collect();
        let out = self.hidden(out_ty.clone());
        let out_e = TExpr::new(out_ty.clone(), TK::Local(out), pos);
        if mask {
            self.check_mask_shape(&a, &index, ndim, pos);
            // First pass: how many are selected.
            let count = self.hidden(Ty::Int);
            self.pre.push(TStmt::Assign(count, int(TK::Int(0))));
            let sel = element_at(&index, &ivars, Ty::Bool);
            let inc = int(TK::Bin(BinOp::Add, Box::new(int(TK::Local(count))), Box::new(int(TK::Int(1)))));
            let body = vec![TStmt::If(sel.clone(), vec![TStmt::Assign(count, inc)], Vec::new())];
            let nest = self.loop_nest(&dims, &ivars, &idx_dim, body, pos);
            self.pre.extend(nest);
            self.pre.push(TStmt::Assign(
                out,
                TExpr::new(
                    out_ty.clone(),
                    TK::NewArray { dtype, shape: vec![int(TK::Local(count))], fill: Fill::Empty },
                    pos,
                ),
            ));
            // Second pass: copy them.
            let k = self.hidden(Ty::Int);
            self.pre.push(TStmt::Assign(k, int(TK::Int(0))));
            let value = element_at(&a, &ivars, Ty::of_dtype(dtype));
            let next = int(TK::Bin(BinOp::Add, Box::new(int(TK::Local(k))), Box::new(int(TK::Int(1)))));
            let store =
                TStmt::Store { arr: out_e.clone(), idx: vec![int(TK::Local(k))], value, check: false };
            let body = vec![TStmt::If(sel, vec![store, TStmt::Assign(k, next)], Vec::new())];
            let nest = self.loop_nest(&dims, &ivars, &idx_dim, body, pos);
            self.pre.extend(nest);
        } else {
            let shape = (0..ind).map(idx_dim).collect();
            self.pre.push(TStmt::Assign(
                out,
                TExpr::new(out_ty.clone(), TK::NewArray { dtype, shape, fill: Fill::Empty }, pos),
            ));
            let i = self.cast(element_at(&index, &ivars, Ty::element(idt)), &Ty::Int, span)?;
            let value = TExpr::new(
                Ty::of_dtype(dtype),
                TK::Index { arr: Box::new(a), idx: vec![i], check: true },
                pos,
            );
            let idx = ivars.iter().map(|&v| int(TK::Local(v))).collect();
            let body = vec![TStmt::Store { arr: out_e.clone(), idx, value, check: false }];
            let nest = self.loop_nest(&dims, &ivars, &idx_dim, body, pos);
            self.pre.extend(nest);
        }
        Ok(out_e)
    }

    /// `a[index] = value` where `index` is an array: a number for every selected element,
    /// or a 1-d array with one value per selected element (in C order).
    pub(super) fn fancy_store(&mut self, a: TExpr, index: TExpr, value: TExpr, span: Span) -> LResult<()> {
        let pos = span.start;
        let (Ty::Array { dtype, ndim }, Ty::Array { dtype: idt, ndim: ind }) =
            (a.ty.clone(), index.ty.clone())
        else {
            return Err(self.err(ErrorKind::Internal, span, "fancy index"));
        };
        self.check_fancy(ndim, ind, idt, span)?;
        let per_element = match &value.ty {
            t if t.is_numeric() => false,
            Ty::Array { ndim: 1, .. } => true,
            other => {
                return Err(self.err(
                    ErrorKind::Type,
                    span,
                    format!(
                        "assign a number or a 1-d array of the selected elements' count, not a {}",
                        other.name()
                    ),
                ));
            }
        };
        let value = self.force(value)?;
        let index = self.force(index)?;
        if !self.strict {
            return Ok(());
        }
        let mask = idt == DType::Bool;
        let a = self.hoist_fancy(a);
        let index = self.hoist_fancy(index);
        let value = if per_element { self.hoist_fancy(value) } else { self.hoist_scalar(value) };
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let ivars: Vec<usize> = (0..ind).map(|_| self.hidden(Ty::Int)).collect();
        let idx_dim = |k: usize| TExpr::new(Ty::Int, TK::Shape(Box::new(index.clone()), k), pos);
        let dims: Vec<usize> = (0..ind).collect();
        if per_element {
            // As many values as selected elements, else ValueError (before any write).
            let selected = self.hidden(Ty::Int);
            if mask {
                self.pre.push(TStmt::Assign(selected, int(TK::Int(0))));
                let inc =
                    int(TK::Bin(BinOp::Add, Box::new(int(TK::Local(selected))), Box::new(int(TK::Int(1)))));
                let sel = element_at(&index, &ivars, Ty::Bool);
                let body = vec![TStmt::If(sel, vec![TStmt::Assign(selected, inc)], Vec::new())];
                let nest = self.loop_nest(&dims, &ivars, &idx_dim, body, pos);
                self.pre.extend(nest);
            } else {
                let n =
                    (0..ind).map(idx_dim).reduce(|x, y| int(TK::Bin(BinOp::Mul, Box::new(x), Box::new(y))));
                self.pre.push(TStmt::Assign(selected, n.unwrap_or(int(TK::Int(1)))));
            }
            let len = int(TK::Shape(Box::new(value.clone()), 0));
            let differ = TExpr::new(
                Ty::Bool,
                TK::Cmp(CmpOp::Ne, Box::new(int(TK::Local(selected))), Box::new(len)),
                pos,
            );
            self.pre.push(TStmt::If(differ, vec![TStmt::Raise(RtError::FancyAssignCount, pos)], Vec::new()));
        }
        let k = self.hidden(Ty::Int);
        self.pre.push(TStmt::Assign(k, int(TK::Int(0))));
        let elem_ty = Ty::of_dtype(dtype);
        let v = if per_element {
            let Ty::Array { dtype: vdt, .. } = value.ty else {
                return Err(self.err(ErrorKind::Internal, span, "value"));
            };
            // One value per selected element (their numbers checked above).
            let x = TExpr::new(
                Ty::element(vdt),
                TK::Index { arr: Box::new(value.clone()), idx: vec![int(TK::Local(k))], check: false },
                pos,
            );
            self.cast(x, &elem_ty, span)?
        } else {
            self.cast(value, &elem_ty, span)?
        };
        let next = int(TK::Bin(BinOp::Add, Box::new(int(TK::Local(k))), Box::new(int(TK::Int(1)))));
        let body = if mask {
            self.check_mask_shape(&a, &index, ndim, pos);
            let sel = element_at(&index, &ivars, Ty::Bool);
            let idx = ivars.iter().map(|&x| int(TK::Local(x))).collect();
            let store = TStmt::Store { arr: a, idx, value: v, check: false };
            vec![TStmt::If(sel, vec![store, TStmt::Assign(k, next)], Vec::new())]
        } else {
            let i = self.cast(element_at(&index, &ivars, Ty::element(idt)), &Ty::Int, span)?;
            vec![TStmt::Store { arr: a, idx: vec![i], value: v, check: true }, TStmt::Assign(k, next)]
        };
        let nest = self.loop_nest(&dims, &ivars, &idx_dim, body, pos);
        self.pre.extend(nest);
        Ok(())
    }

    fn check_fancy(&self, ndim: usize, ind: usize, idt: DType, span: Span) -> LResult<()> {
        if idt == DType::Bool {
            if ind != ndim {
                return Err(self.err(
                    ErrorKind::Unsupported,
                    span,
                    format!("a boolean mask must have the array's shape: a {ind}-d mask of a {ndim}-d array"),
                ));
            }
        } else if !idt.is_integer() {
            return Err(self.err(
                ErrorKind::Type,
                span,
                format!("arrays used as indices must be integers or booleans, not {}", idt.name()),
            ));
        } else if ndim != 1 {
            return Err(self.err(
                ErrorKind::Unsupported,
                span,
                "an integer array indexes a 1-d array here; index rows with a loop",
            ));
        }
        Ok(())
    }

    /// `IndexError` unless the mask has the array's shape.
    fn check_mask_shape(&mut self, a: &TExpr, mask: &TExpr, ndim: usize, pos: usize) {
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        for d in 0..ndim {
            let differ = TExpr::new(
                Ty::Bool,
                TK::Cmp(
                    CmpOp::Ne,
                    Box::new(int(TK::Shape(Box::new(a.clone()), d))),
                    Box::new(int(TK::Shape(Box::new(mask.clone()), d))),
                ),
                pos,
            );
            self.pre.push(TStmt::If(differ, vec![TStmt::Raise(RtError::IndexOutOfRange, pos)], Vec::new()));
        }
    }

    fn hoist_fancy(&mut self, a: TExpr) -> TExpr {
        if matches!(a.kind, TK::Local(_)) {
            return a;
        }
        let pos = a.pos;
        let ty = a.ty.clone();
        let l = self.hidden(ty.clone());
        self.pre.push(TStmt::Assign(l, a));
        TExpr::new(ty, TK::Local(l), pos)
    }
}
