//! Basic slicing: `a[1:-1]`, `a[::2]`, `a[i, :]`, `a[:, j]`, `a[...]` are views (the same
//! memory with another first element, shape and strides, as in NumPy), usable wherever an
//! array is; assigning to one (`a[1:-1] = b[2:] - b[:-2]`, `a[:] = 0`) writes through it,
//! fused with the value's whole-array expression.
//!
//! Slice bounds follow Python's rules (negative from the end, clamped to the dimension); the
//! step must be an integer constant (its sign decides the clamping at compile time).

use super::*;

/// Whether the subscript has a slice or `...` (then it is a view, not an element).
pub(super) fn is_view_index(indices: &[Expr]) -> bool {
    indices.iter().any(|i| match &i.kind {
        ExprKind::Call { func, .. } => func == "slice",
        ExprKind::Name(n) => n == "...",
        _ => false,
    })
}

/// The variable a subscript target starts from (`a` in `a[1:][::2]`).
fn root_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Index { value, .. } | ExprKind::Attribute { value, .. } => root_name(value),
        _ => None,
    }
}

/// Whether `e` reads the variable `name`.
fn mentions(e: &Expr, name: &str) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        if matches!(&x.kind, ExprKind::Name(n) if n == name) {
            found = true;
        }
    });
    found
}

enum Item<'e> {
    Full,
    At(&'e Expr),
    Range(&'e [Expr]),
}

impl FnCx<'_, '_> {
    /// The view `a[indices]` (at least one slice or `...` among them).
    pub(super) fn view(&mut self, a: TExpr, indices: &[Expr], span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let Ty::Array { dtype, ndim } = a.ty else {
            return Err(self.err(ErrorKind::Type, span, format!("cannot slice a {}", a.ty.name())));
        };
        let ellipses = indices.iter().filter(|i| matches!(&i.kind, ExprKind::Name(n) if n == "...")).count();
        if ellipses > 1 {
            return Err(self.err(ErrorKind::Type, span, "an index can only have a single ellipsis ('...')"));
        }
        let given = indices.len() - ellipses;
        if given > ndim {
            return Err(self.err(
                ErrorKind::Type,
                span,
                format!("too many indices for a {ndim}-d array: {given} were given"),
            ));
        }
        let mut items = Vec::new();
        for i in indices {
            match &i.kind {
                ExprKind::Name(n) if n == "..." => items.extend((0..ndim - given).map(|_| Item::Full)),
                ExprKind::Call { func, args, .. } if func == "slice" => items.push(Item::Range(args)),
                _ => items.push(Item::At(i)),
            }
        }
        while items.len() < ndim {
            items.push(Item::Full);
        }
        let out_ndim = items.iter().filter(|i| !matches!(i, Item::At(_))).count();
        let aty = Ty::Array { dtype, ndim: out_ndim };
        // The base is read several times (shape, strides, pointer): once into a local.
        let base = if self.strict && !matches!(a.kind, TK::Local(_)) {
            let l = self.hidden(a.ty.clone());
            let ty = a.ty.clone();
            self.pre.push(TStmt::Assign(l, a));
            TExpr::new(ty, TK::Local(l), pos)
        } else {
            a
        };
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let bin = |op: BinOp, x: TExpr, y: TExpr| int(TK::Bin(op, Box::new(x), Box::new(y)));
        let mut offset = int(TK::Int(0));
        let mut shape = Vec::new();
        let mut strides = Vec::new();
        for (k, item) in items.into_iter().enumerate() {
            let dim = int(TK::Shape(Box::new(base.clone()), k));
            let stride = int(TK::Stride(Box::new(base.clone()), k));
            match item {
                Item::Full => {
                    shape.push(dim);
                    strides.push(stride);
                }
                Item::At(e) => {
                    let i = self.indices(std::slice::from_ref(e))?.remove(0);
                    let i = self.hoist_scalar(i);
                    let n = int(TK::NormIndex {
                        i: Box::new(i),
                        dim: Box::new(dim),
                        check: self.prog.opts.boundscheck,
                    });
                    offset = bin(BinOp::Add, offset, bin(BinOp::Mul, n, stride));
                }
                Item::Range(parts) => {
                    let step = match &parts[2].kind {
                        ExprKind::Name(n) if n == "None" => 1,
                        ExprKind::Int(0) => {
                            return Err(self.err(
                                ErrorKind::Type,
                                parts[2].span,
                                "slice step cannot be zero",
                            ));
                        }
                        ExprKind::Int(s) => *s,
                        _ => {
                            return Err(self.err(
                                ErrorKind::Unsupported,
                                parts[2].span,
                                "a slice step must be an integer constant, as in a[::2] or a[::-1]",
                            ));
                        }
                    };
                    // Python's rules: a bound counts from the end when negative, then is
                    // clamped to [0, n] (step > 0) or [-1, n-1] (step < 0).
                    let (lo, hi) = if step > 0 {
                        (int(TK::Int(0)), dim.clone())
                    } else {
                        (int(TK::Int(-1)), bin(BinOp::Sub, dim.clone(), int(TK::Int(1))))
                    };
                    let bound = |cx: &mut Self, e: &Expr, default: TExpr| -> LResult<TExpr> {
                        if matches!(&e.kind, ExprKind::Name(n) if n == "None") {
                            return Ok(default);
                        }
                        let x = cx.indices(std::slice::from_ref(e))?.remove(0);
                        let x = cx.hoist_scalar(x);
                        let neg = TExpr::new(
                            Ty::Bool,
                            TK::Cmp(CmpOp::Lt, Box::new(x.clone()), Box::new(int(TK::Int(0)))),
                            pos,
                        );
                        let wrapped = int(TK::Select(
                            Box::new(neg),
                            Box::new(bin(BinOp::Add, x.clone(), dim.clone())),
                            Box::new(x),
                        ));
                        Ok(bin(BinOp::Max, bin(BinOp::Min, wrapped, hi.clone()), lo.clone()))
                    };
                    let (start, stop) = if step > 0 {
                        (bound(self, &parts[0], int(TK::Int(0)))?, bound(self, &parts[1], dim.clone())?)
                    } else {
                        let last = bin(BinOp::Sub, dim.clone(), int(TK::Int(1)));
                        (bound(self, &parts[0], last)?, bound(self, &parts[1], int(TK::Int(-1)))?)
                    };
                    let start = self.hoist_scalar(start);
                    let span_len = if step > 0 {
                        bin(BinOp::Sub, stop, start.clone())
                    } else {
                        bin(BinOp::Sub, start.clone(), stop)
                    };
                    let mag = step.unsigned_abs() as i64;
                    let d = bin(BinOp::Max, span_len, int(TK::Int(0)));
                    let len = if mag == 1 {
                        d
                    } else {
                        bin(BinOp::FloorDiv, bin(BinOp::Add, d, int(TK::Int(mag - 1))), int(TK::Int(mag)))
                    };
                    offset = bin(BinOp::Add, offset, bin(BinOp::Mul, start, stride.clone()));
                    shape.push(len);
                    strides.push(bin(BinOp::Mul, stride, int(TK::Int(step))));
                }
            }
        }
        if !self.strict {
            return Ok(TExpr::new(aty, TK::Local(usize::MAX), pos));
        }
        Ok(TExpr::new(aty, TK::View { base: Box::new(base), offset: Box::new(offset), shape, strides }, pos))
    }

    /// `target[slices] = value`: the value (a whole-array expression, an array or a
    /// number) broadcast into the view. A value that reads the target's array is computed
    /// into a new array first, so overlapping reads see the old elements (as NumPy).
    pub(super) fn slice_assign(&mut self, target: &Expr, value: &Expr, span: Span) -> LResult<()> {
        let view = self.expr(target)?;
        let v = self.expr_lazy(value)?;
        let overlaps = root_name(target).is_some_and(|r| mentions(value, r));
        let v = if overlaps && is_array(&v) { self.copy_array(v, value.span)? } else { v };
        if !is_array(&v) {
            self.numeric(&v, value.span, "assigning to a slice")?;
        }
        let map = self.as_map(v, span);
        self.store_map_into(view, map, span, false)
    }

    /// Reads the value of a target for `target op= value` where the target is a view that
    /// the value also reads: the value is computed first (see [`FnCx::slice_assign`]).
    pub(super) fn value_for_update(&mut self, target: &Expr, value: &Expr) -> LResult<TExpr> {
        let v = self.expr_lazy(value)?;
        match root_name(target) {
            Some(r) if mentions(value, r) && is_array(&v) => self.copy_array(v, value.span),
            _ => Ok(v),
        }
    }

    /// Row `k` of the array in local `arr` (for `for row in a` over a 2-d or deeper array).
    pub(super) fn row_view(&self, arr: TExpr, k: TExpr, pos: usize) -> TExpr {
        let Ty::Array { dtype, ndim } = arr.ty else {
            return arr;
        };
        let int = |kind: TK| TExpr::new(Ty::Int, kind, pos);
        let stride0 = int(TK::Stride(Box::new(arr.clone()), 0));
        let offset = int(TK::Bin(BinOp::Mul, Box::new(k), Box::new(stride0)));
        let shape = (1..ndim).map(|j| int(TK::Shape(Box::new(arr.clone()), j))).collect();
        let strides = (1..ndim).map(|j| int(TK::Stride(Box::new(arr.clone()), j))).collect();
        TExpr::new(
            Ty::Array { dtype, ndim: ndim - 1 },
            TK::View { base: Box::new(arr), offset: Box::new(offset), shape, strides },
            pos,
        )
    }
}
