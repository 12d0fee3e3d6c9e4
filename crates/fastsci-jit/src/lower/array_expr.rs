//! Whole-array expressions inside kernels (`a + 2*b`, `np.sqrt(x) - 1`, `a > 0`, `a += b`).
//!
//! An elementwise operation on arrays lowers to an `ArrayMap`: the operand arrays (leaves,
//! each evaluated once) and the scalar expression of one element. Operations on maps fuse
//! into one map, so a statement such as `c = a*b + np.sqrt(a)` becomes one loop nest with no
//! temporaries. When a map is used as a value (assigned, returned, passed, indexed) it is
//! expanded into the statements before the current one: the output's shape by NumPy's
//! broadcasting rule (checked at run time: `ValueError` when shapes do not broadcast), a
//! new array, and the loop nest, in C order. Two nests are generated: one for operands of
//! the output's shape (plain indices) and one for broadcasting (a size-1 dimension reads
//! index 0).
//!
//! Element types follow NumPy (with Python scalars "weak", as NEP 50 has them): a
//! comparison gives `bool`; integer results take the widest integer array's dtype; float
//! results are `float32` when the float arrays are `float32` and no array is a wider
//! integer, else `float64`. Elements are computed as the scalar operations are, so the
//! interpreter and the machine code agree to the bit.

use super::*;

/// Whether `t` is an array value (a map or an array expression).
pub(super) fn is_array(t: &TExpr) -> bool {
    matches!(t.ty, Ty::Array { .. })
}

/// Renumbers the leaves of a map body by `by` (when two maps are fused).
fn shift_leaves(e: &mut TExpr, by: usize) {
    if let TK::Leaf(k) = &mut e.kind {
        *k += by;
    }
    for c in e.children_mut() {
        shift_leaves(c, by);
    }
}

/// Replaces each leaf of a map body by its element expression.
fn substitute(e: &mut TExpr, elems: &[TExpr]) {
    if let TK::Leaf(k) = e.kind {
        *e = elems[k].clone();
        return;
    }
    for c in e.children_mut() {
        substitute(c, elems);
    }
}

fn dtype_of(t: &TExpr) -> Option<DType> {
    match t.ty {
        Ty::Array { dtype, .. } => Some(dtype),
        _ => None,
    }
}

fn ndim_of(t: &TExpr) -> usize {
    match t.ty {
        Ty::Array { ndim, .. } => ndim,
        _ => 0,
    }
}

/// The dtype of an elementwise result whose element has type `elem`, from the operand
/// arrays' (and typed scalars') dtypes, by NumPy's promotion.
fn result_dtype(elem: &Ty, operands: &[DType]) -> DType {
    let promoted = |keep: fn(&DType) -> bool| operands.iter().copied().filter(keep).reduce(DType::promote);
    match elem.repr() {
        Ty::Bool => DType::Bool,
        Ty::Int => promoted(|d| d.is_integer()).filter(|d| d.is_integer()).unwrap_or(DType::I64),
        _ => match promoted(|_| true) {
            Some(DType::F32) => DType::F32,
            _ => DType::F64,
        },
    }
}

impl FnCx<'_, '_> {
    /// An operand as (leaves, element expression). A scalar operand that is not a constant
    /// or a variable is computed once, before the loops.
    fn map_parts(&mut self, t: TExpr) -> (Vec<TExpr>, TExpr) {
        let pos = t.pos;
        match t.kind {
            TK::ArrayMap { leaves, body } => (leaves, *body),
            _ => match t.ty {
                Ty::Array { dtype, .. } => (vec![t], TExpr::new(Ty::of_dtype(dtype), TK::Leaf(0), pos)),
                // A typed scalar's dtype already counts in the result's (see `join_maps`);
                // the elements are computed on its representation, as an array's are.
                Ty::Num(_) => {
                    let repr = t.ty.repr();
                    (Vec::new(), self.hoist_scalar(convert(t, &repr)))
                }
                _ => (Vec::new(), self.hoist_scalar(t)),
            },
        }
    }

    /// A scalar that is not a constant or a variable, computed once into a hidden local
    /// (strict pass), so that using it several times does not compute it again.
    pub(super) fn hoist_scalar(&mut self, t: TExpr) -> TExpr {
        if !self.strict || matches!(t.kind, TK::Int(_) | TK::Float(_) | TK::Bool(_) | TK::Local(_)) {
            return t;
        }
        let pos = t.pos;
        let l = self.hidden(t.ty.clone());
        let ty = t.ty.clone();
        self.pre.push(TStmt::Assign(l, t));
        TExpr::new(ty, TK::Local(l), pos)
    }

    /// Any value as a map (an array, a number or already a map), to store it elementwise.
    pub(super) fn as_map(&mut self, v: TExpr, span: Span) -> TExpr {
        if matches!(v.kind, TK::ArrayMap { .. }) {
            return v;
        }
        let dtypes: Vec<DType> = dtype_of(&v).into_iter().collect();
        let ndim = ndim_of(&v);
        let (leaves, body) = self.map_parts(v);
        self.make_map(leaves, body, ndim, &dtypes, span.start)
    }

    /// A new array with the elements of `v` (an array value).
    pub(super) fn copy_array(&mut self, v: TExpr, span: Span) -> LResult<TExpr> {
        let map = self.as_map(v, span);
        self.force(map)
    }

    /// Joins operands into one map: their leaves and element expressions.
    pub(super) fn join_maps(&mut self, operands: Vec<TExpr>) -> (Vec<TExpr>, Vec<TExpr>, usize, Vec<DType>) {
        let ndim = operands.iter().map(ndim_of).max().unwrap_or(0);
        // Arrays and NumPy's typed scalars (`np.int8(1)`, an element of an int16 array) take
        // part in the result's dtype; Python's numbers are weak.
        let dtypes: Vec<DType> = operands
            .iter()
            .filter_map(|t| match t.ty {
                Ty::Num(d) => Some(d),
                _ => dtype_of(t),
            })
            .collect();
        let mut leaves = Vec::new();
        let mut bodies = Vec::new();
        for t in operands {
            let (ls, mut b) = self.map_parts(t);
            shift_leaves(&mut b, leaves.len());
            leaves.extend(ls);
            bodies.push(b);
        }
        (leaves, bodies, ndim, dtypes)
    }

    /// The map of `body` over `leaves`, its dtype from the element type and `dtypes`.
    pub(super) fn make_map(
        &mut self,
        leaves: Vec<TExpr>,
        body: TExpr,
        ndim: usize,
        dtypes: &[DType],
        pos: usize,
    ) -> TExpr {
        let dtype = result_dtype(&body.ty, dtypes);
        // float32 results are rounded after every operation, as NumPy computes in float32;
        // narrow integers wrap after every operation.
        let body = if dtype == DType::F32 {
            TExpr::new(Ty::Float, TK::Math(MathFn::RoundF32, vec![body]), pos)
        } else if body.ty.repr() == Ty::Int && dtype.is_integer() && dtype.size() < 8 {
            TExpr::new(Ty::Int, TK::Narrow(dtype, Box::new(body)), pos)
        } else {
            body
        };
        TExpr::new(Ty::Array { dtype, ndim }, TK::ArrayMap { leaves, body: Box::new(body) }, pos)
    }

    /// The map of the scalar operation `f` (an operator, a comparison) on the elements of
    /// two operands.
    pub(super) fn pair_map(
        &mut self,
        l: TExpr,
        r: TExpr,
        span: Span,
        f: impl FnOnce(&mut Self, TExpr, TExpr) -> LResult<TExpr>,
    ) -> LResult<TExpr> {
        let (leaves, mut bodies, ndim, dtypes) = self.join_maps(vec![l, r]);
        let rb = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "operands"))?;
        let lb = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "operands"))?;
        let body = f(self, lb, rb)?;
        Ok(self.make_map(leaves, body, ndim, &dtypes, span.start))
    }

    pub(super) fn array_unary(&mut self, op: UnaryOp, x: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let (leaves, mut bodies, ndim, dtypes) = self.join_maps(vec![x]);
        let b = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "operand"))?;
        let body = match (op, &b.ty) {
            (UnaryOp::Plus, _) => b,
            (UnaryOp::Neg, Ty::Int | Ty::Float) => TExpr::new(b.ty.clone(), TK::Neg(Box::new(b)), pos),
            (UnaryOp::Invert, Ty::Bool) => TExpr::new(Ty::Bool, TK::Not(Box::new(b)), pos),
            (UnaryOp::Invert, Ty::Int) => TExpr::new(Ty::Int, TK::Invert(Box::new(b)), pos),
            (UnaryOp::Not, _) => {
                return Err(self.err(
                    ErrorKind::Type,
                    span,
                    "the truth value of an array is ambiguous; use ~a for elementwise not, or a.any()/a.all()",
                ));
            }
            _ => {
                return Err(self.err(
                    ErrorKind::Type,
                    span,
                    format!("this unary operator is not defined for arrays of {}", b.ty.name()),
                ));
            }
        };
        Ok(self.make_map(leaves, body, ndim, &dtypes, pos))
    }

    pub(super) fn array_abs(&mut self, x: TExpr, span: Span) -> LResult<TExpr> {
        let (leaves, mut bodies, ndim, dtypes) = self.join_maps(vec![x]);
        let b = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "operand"))?;
        let body = if b.ty == Ty::Bool { b } else { self.abs_scalar(b, span)? };
        Ok(self.make_map(leaves, body, ndim, &dtypes, span.start))
    }

    /// `np.sqrt(a)`, `np.arctan2(y, x)`, ...: the function of each element (as a float).
    pub(super) fn array_math(
        &mut self,
        m: MathFn,
        xs: Vec<TExpr>,
        args: &[Expr],
        span: Span,
    ) -> LResult<TExpr> {
        for (t, a) in xs.iter().zip(args) {
            if !is_array(t) {
                self.numeric(t, a.span, "a math function")?;
            }
        }
        let (leaves, bodies, ndim, dtypes) = self.join_maps(xs);
        let mut fargs = Vec::new();
        for (b, a) in bodies.into_iter().zip(args) {
            fargs.push(self.cast(b, &Ty::Float, a.span)?);
        }
        let body = TExpr::new(Ty::Float, TK::Math(m, fargs), span.start);
        // Integer arrays give float64, float32 arrays float32 (as NumPy's ufuncs).
        let dtypes: Vec<DType> =
            dtypes.into_iter().map(|d| if d == DType::F32 { DType::F32 } else { DType::F64 }).collect();
        Ok(self.make_map(leaves, body, ndim, &dtypes, span.start))
    }

    /// Expands a map into a new array (see the module documentation); other values pass.
    pub(super) fn force(&mut self, t: TExpr) -> LResult<TExpr> {
        if !matches!(t.kind, TK::ArrayMap { .. }) {
            return Ok(t);
        }
        let pos = t.pos;
        if !self.strict {
            return Ok(TExpr::new(t.ty, TK::Local(usize::MAX), pos));
        }
        let (Ty::Array { dtype, ndim }, TK::ArrayMap { leaves, body }) = (t.ty.clone(), t.kind) else {
            return Err(self.err(ErrorKind::Internal, Span { start: pos, end: pos }, "array map"));
        };
        let leaves = self.leaf_locals(leaves);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let mut sizes = Vec::new();
        for d in 0..ndim {
            let mut acc: Option<TExpr> = None;
            for (l, lt) in &leaves {
                let lnd = ndim_of(&TExpr::new(lt.clone(), TK::Local(*l), pos));
                if d + lnd >= ndim {
                    let s =
                        int(TK::Shape(Box::new(TExpr::new(lt.clone(), TK::Local(*l), pos)), d + lnd - ndim));
                    acc = Some(match acc {
                        None => s,
                        Some(a) => int(TK::BroadcastDim { a: Box::new(a), b: Box::new(s), into: false }),
                    });
                }
            }
            let size = self.hidden(Ty::Int);
            self.pre.push(TStmt::Assign(size, acc.unwrap_or(int(TK::Int(1)))));
            sizes.push(size);
        }
        let aty = Ty::Array { dtype, ndim };
        let out = self.hidden(aty.clone());
        let shape = sizes.iter().map(|&s| int(TK::Local(s))).collect();
        self.pre.push(TStmt::Assign(
            out,
            TExpr::new(aty.clone(), TK::NewArray { dtype, shape, fill: Fill::Empty }, pos),
        ));
        self.emit_loops(TExpr::new(aty.clone(), TK::Local(out), pos), dtype, &sizes, &leaves, *body, pos)?;
        Ok(TExpr::new(aty, TK::Local(out), pos))
    }

    /// `target op= map` in place (`same_kind`: NumPy's casting rule of in-place operators;
    /// slice assignment casts as `a[:] = x` does), the map broadcast to the target's shape.
    pub(super) fn store_map_into(
        &mut self,
        target: TExpr,
        map: TExpr,
        span: Span,
        same_kind: bool,
    ) -> LResult<()> {
        let pos = span.start;
        let Ty::Array { dtype, ndim } = target.ty.clone() else {
            return Err(self.err(ErrorKind::Internal, span, "in-place target"));
        };
        let (Ty::Array { dtype: got, .. }, TK::ArrayMap { leaves, body }) = (map.ty.clone(), map.kind) else {
            return Err(self.err(ErrorKind::Internal, span, "in-place value"));
        };
        // NumPy's same_kind order: bool < unsigned < signed < float < complex.
        let kind = |d: DType| "buifc".find(d.kind()).unwrap_or(0);
        if same_kind && kind(got) > kind(dtype) {
            return Err(self.err(
                ErrorKind::Type,
                span,
                format!(
                    "cannot write {} results into a {} array in place (NumPy's same_kind rule); \
                     use a new array, e.g. b = a + x",
                    got.name(),
                    dtype.name()
                ),
            ));
        }
        if !self.strict {
            return Ok(());
        }
        let t = self.hidden(target.ty.clone());
        self.pre.push(TStmt::Assign(t, target));
        let target = TExpr::new(Ty::Array { dtype, ndim }, TK::Local(t), pos);
        let leaves = self.leaf_locals(leaves);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let mut sizes = Vec::new();
        for d in 0..ndim {
            let mut acc = int(TK::Shape(Box::new(target.clone()), d));
            for (l, lt) in &leaves {
                let lnd = ndim_of(&TExpr::new(lt.clone(), TK::Local(*l), pos));
                if lnd > ndim {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!("cannot write a {lnd}-d result into a {ndim}-d array in place"),
                    ));
                }
                if d + lnd >= ndim {
                    let s =
                        int(TK::Shape(Box::new(TExpr::new(lt.clone(), TK::Local(*l), pos)), d + lnd - ndim));
                    acc = int(TK::BroadcastDim { a: Box::new(acc), b: Box::new(s), into: true });
                }
            }
            let size = self.hidden(Ty::Int);
            self.pre.push(TStmt::Assign(size, acc));
            sizes.push(size);
        }
        self.emit_loops(target, dtype, &sizes, &leaves, *body, pos)?;
        // The statement itself has nothing left to do.
        Ok(())
    }

    /// Evaluates each leaf once, into a hidden local: (local, type).
    fn leaf_locals(&mut self, leaves: Vec<TExpr>) -> Vec<(usize, Ty)> {
        leaves
            .into_iter()
            .map(|leaf| {
                let ty = leaf.ty.clone();
                let l = self.hidden(ty.clone());
                self.pre.push(TStmt::Assign(l, leaf));
                (l, ty)
            })
            .collect()
    }

    /// The loop nest storing `body` into `out` over `sizes` (C order): a plain nest when
    /// every operand has the output's shape, else one reading index 0 along size-1 axes.
    fn emit_loops(
        &mut self,
        out: TExpr,
        dtype: DType,
        sizes: &[usize],
        leaves: &[(usize, Ty)],
        body: TExpr,
        pos: usize,
    ) -> LResult<()> {
        let ndim = sizes.len();
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let ivars: Vec<usize> = (0..ndim).map(|_| self.hidden(Ty::Int)).collect();
        let mut same: Option<TExpr> = None;
        let mut flags: Vec<Vec<usize>> = Vec::new();
        for (l, lt) in leaves {
            let arr = TExpr::new(lt.clone(), TK::Local(*l), pos);
            let lnd = ndim_of(&arr);
            let mut fl = Vec::new();
            for j in 0..lnd {
                let d = ndim - lnd + j;
                let shape = int(TK::Shape(Box::new(arr.clone()), j));
                let eq = TExpr::new(
                    Ty::Bool,
                    TK::Cmp(CmpOp::Eq, Box::new(shape.clone()), Box::new(int(TK::Local(sizes[d])))),
                    pos,
                );
                same = Some(match same {
                    None => eq,
                    Some(s) => TExpr::new(Ty::Bool, TK::And(Box::new(s), Box::new(eq)), pos),
                });
                // 1 where the axis is walked, 0 where it is broadcast.
                let f = self.hidden(Ty::Int);
                let ne =
                    TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Ne, Box::new(shape), Box::new(int(TK::Int(1)))), pos);
                self.pre.push(TStmt::Assign(f, TExpr::new(Ty::Int, TK::Cast(Box::new(ne)), pos)));
                fl.push(f);
            }
            flags.push(fl);
        }
        let elems = |broadcast: bool| -> Vec<TExpr> {
            leaves
                .iter()
                .zip(&flags)
                .map(|((l, lt), fl)| {
                    let Ty::Array { dtype, ndim: lnd } = lt else {
                        return TExpr::new(lt.clone(), TK::Local(*l), pos);
                    };
                    let idx = (0..*lnd)
                        .map(|j| {
                            let i = int(TK::Local(ivars[ndim - lnd + j]));
                            if broadcast {
                                int(TK::Bin(BinOp::Mul, Box::new(i), Box::new(int(TK::Local(fl[j])))))
                            } else {
                                i
                            }
                        })
                        .collect();
                    TExpr::new(
                        Ty::of_dtype(*dtype),
                        TK::Index {
                            arr: Box::new(TExpr::new(lt.clone(), TK::Local(*l), pos)),
                            idx,
                            check: false,
                        },
                        pos,
                    )
                })
                .collect()
        };
        let value = self.cast(body, &Ty::of_dtype(dtype), Span { start: pos, end: pos })?;
        let nest = |broadcast: bool, cx: &mut Self| -> TStmt {
            let mut v = value.clone();
            substitute(&mut v, &elems(broadcast));
            let idx = ivars.iter().map(|&i| int(TK::Local(i))).collect();
            let mut s = TStmt::Store { arr: out.clone(), idx, value: v, check: false };
            for d in (0..ndim).rev() {
                s = TStmt::ForRange {
                    var: ivars[d],
                    start: int(TK::Int(0)),
                    stop: int(TK::Local(sizes[d])),
                    step: int(TK::Int(1)),
                    stop_local: cx.hidden(Ty::Int),
                    step_local: cx.hidden(Ty::Int),
                    counter: cx.hidden(Ty::Int),
                    body: vec![s],
                    pos,
                };
            }
            s
        };
        let plain = nest(false, self);
        match same {
            // A 0-d result (scalars only) cannot occur: maps have an array operand.
            None => self.pre.push(plain),
            Some(same) => {
                let general = nest(true, self);
                self.pre.push(TStmt::If(same, vec![plain], vec![general]));
            }
        }
        Ok(())
    }
}
