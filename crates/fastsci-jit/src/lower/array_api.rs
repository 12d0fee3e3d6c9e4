//! The NumPy array API kernels use most: methods (`a.sum()`, `a.copy()`, `a.fill(x)`,
//! `a.astype(t)`, `a.reshape(...)`, `a.ravel()`, `a.T`, ...) and functions (`np.arange`,
//! `np.linspace`, `np.full`, `np.eye`, `np.where`, `np.minimum`, `np.clip`, `np.dot`, `@`,
//! `np.cumsum`, `np.diff`, ...), each lowered to loops or views with NumPy's result dtypes.

use super::reductions::{Reduce, element_at};
use super::*;

impl FnCx<'_, '_> {
    /// `x.name(args)`: `args[0]` is the object.
    pub(super) fn method(&mut self, name: &str, fspan: Span, args: &[Expr], span: Span) -> LResult<TExpr> {
        let recv = self.expr_lazy(&args[0])?;
        let rest = &args[1..];
        if !is_array(&recv) {
            return Err(self.err(
                ErrorKind::Unsupported,
                fspan,
                format!("`.{name}()` is not supported on a {}; methods are the arrays'", recv.ty.name()),
            ));
        }
        if let Some(kind) = Reduce::from_name(name) {
            self.expect_args(&format!(".{name}"), rest, 0..=1, fspan)?;
            return self.reduce(kind, recv, rest.first(), span);
        }
        match name {
            "copy" => {
                self.expect_args(".copy", rest, 0..=0, fspan)?;
                self.copy_array(recv, span)
            }
            "fill" => {
                self.expect_args(".fill", rest, 1..=1, fspan)?;
                let v = self.expr(&rest[0])?;
                self.numeric(&v, rest[0].span, ".fill")?;
                let target = self.force(recv)?;
                let map = self.as_map(v, span);
                self.store_map_into(target, map, span, false)?;
                Ok(TExpr::new(Ty::None, TK::Tuple(Vec::new()), span.start))
            }
            "astype" => {
                self.expect_args(".astype", rest, 1..=1, fspan)?;
                let dtype = self.dtype_arg(&rest[0])?;
                self.astype(recv, dtype, span)
            }
            "ravel" | "flatten" => {
                self.expect_args(&format!(".{name}"), rest, 0..=0, fspan)?;
                self.flat_copy(recv, span)
            }
            "reshape" => self.reshape(recv, rest, fspan, span),
            "transpose" => {
                self.expect_args(".transpose", rest, 0..=0, fspan)?;
                self.transposed(recv, span)
            }
            "dot" => {
                self.expect_args(".dot", rest, 1..=1, fspan)?;
                let b = self.expr(&rest[0])?;
                self.matmul(recv, b, span)
            }
            "cumsum" | "cumprod" => {
                self.expect_args(&format!(".{name}"), rest, 0..=0, fspan)?;
                self.cumulative(recv, name == "cumprod", span)
            }
            _ => Err(self.err(
                ErrorKind::Unsupported,
                fspan,
                format!(
                    "array method `.{name}()` is not supported; supported: sum prod min max argmin argmax mean \
                     var std any all copy fill astype ravel flatten reshape transpose dot cumsum cumprod"
                ),
            )),
        }
    }

    /// `a.T`: the same memory with the axes reversed.
    pub(super) fn transposed(&mut self, a: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let a = self.force(a)?;
        let Ty::Array { ndim, .. } = a.ty else {
            return Err(self.err(ErrorKind::Type, span, "`.T` needs an array"));
        };
        let a = self.hoist_array(a);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let shape = (0..ndim).rev().map(|k| int(TK::Shape(Box::new(a.clone()), k))).collect();
        let strides = (0..ndim).rev().map(|k| int(TK::Stride(Box::new(a.clone()), k))).collect();
        let ty = a.ty.clone();
        Ok(TExpr::new(
            ty,
            TK::View { base: Box::new(a), offset: Box::new(int(TK::Int(0))), shape, strides },
            pos,
        ))
    }

    /// An array value in a hidden local (strict pass), so that it is computed once however
    /// often the result reads it.
    fn hoist_array(&mut self, a: TExpr) -> TExpr {
        if !self.strict || matches!(a.kind, TK::Local(_)) {
            return a;
        }
        let pos = a.pos;
        let ty = a.ty.clone();
        let l = self.hidden(ty.clone());
        self.pre.push(TStmt::Assign(l, a));
        TExpr::new(ty, TK::Local(l), pos)
    }

    /// `a.astype(dtype)`: a new array, each element converted as NumPy converts it.
    pub(super) fn astype(&mut self, a: TExpr, dtype: DType, span: Span) -> LResult<TExpr> {
        let map = self.as_map(a, span);
        let (Ty::Array { ndim, .. }, TK::ArrayMap { leaves, body }) = (map.ty.clone(), map.kind) else {
            return Err(self.err(ErrorKind::Internal, span, "astype of a non-array"));
        };
        let body = self.cast(*body, &Ty::element(dtype), span)?;
        let body = self.cast(body, &Ty::of_dtype(dtype), span)?;
        let map =
            TExpr::new(Ty::Array { dtype, ndim }, TK::ArrayMap { leaves, body: Box::new(body) }, span.start);
        self.force(map)
    }

    /// A new 1-d array of `a`'s elements in C order (`ravel`, `flatten`).
    pub(super) fn flat_copy(&mut self, a: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let a = self.force(a)?;
        let Ty::Array { dtype, ndim } = a.ty else {
            return Err(self.err(ErrorKind::Type, span, "needs an array"));
        };
        let out_ty = Ty::Array { dtype, ndim: 1 };
        if !self.strict {
            return Ok(TExpr::new(out_ty, TK::Local(usize::MAX), pos));
        }
        let a = self.hoist_array(a);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let dim = |k: usize| int(TK::Shape(Box::new(a.clone()), k));
        let size = (1..ndim).fold(dim(0), |acc, k| int(TK::Bin(BinOp::Mul, Box::new(acc), Box::new(dim(k)))));
        let out = self.hidden(out_ty.clone());
        self.pre.push(TStmt::Assign(
            out,
            TExpr::new(out_ty.clone(), TK::NewArray { dtype, shape: vec![size], fill: Fill::Empty }, pos),
        ));
        let k = self.hidden(Ty::Int);
        self.pre.push(TStmt::Assign(k, int(TK::Int(0))));
        let ivars: Vec<usize> = (0..ndim).map(|_| self.hidden(Ty::Int)).collect();
        let elem = element_at(&a, &ivars, Ty::of_dtype(dtype));
        let body = vec![
            TStmt::Store {
                arr: TExpr::new(out_ty.clone(), TK::Local(out), pos),
                idx: vec![int(TK::Local(k))],
                value: elem,
                check: false,
            },
            TStmt::Assign(
                k,
                int(TK::Bin(BinOp::Add, Box::new(int(TK::Local(k))), Box::new(int(TK::Int(1))))),
            ),
        ];
        let dims: Vec<usize> = (0..ndim).collect();
        let nest = self.loop_nest(&dims, &ivars, &dim, body, pos);
        self.pre.extend(nest);
        Ok(TExpr::new(out_ty, TK::Local(out), pos))
    }

    /// `a.reshape(d0, d1, ...)` / `a.reshape((d0, d1))` / `np.reshape(a, shape)`: the
    /// elements in C order (a copy) viewed with the new shape; one dimension may be -1.
    pub(super) fn reshape(&mut self, a: TExpr, dims: &[Expr], fspan: Span, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let mut shape = Vec::new();
        for d in dims {
            let t = self.expr(d)?;
            match (&t.ty, t.kind) {
                (Ty::Tuple(ts), TK::Tuple(items)) if ts.iter().all(Ty::is_int_like) => {
                    for it in items {
                        shape.push(self.cast(it, &Ty::Int, d.span)?);
                    }
                }
                (ty, kind) if ty.is_int_like() => {
                    let t = TExpr::new(ty.clone(), kind, t.pos);
                    shape.push(self.cast(t, &Ty::Int, d.span)?);
                }
                _ => return Err(self.err(ErrorKind::Type, d.span, "reshape takes ints or a tuple of ints")),
            }
        }
        if shape.is_empty() {
            return Err(self.err(ErrorKind::Type, fspan, "reshape needs the new shape"));
        }
        let flat = self.flat_copy(a, span)?;
        let Ty::Array { dtype, .. } = flat.ty else {
            return Err(self.err(ErrorKind::Internal, span, "reshape"));
        };
        let ndim = shape.len();
        let ty = Ty::Array { dtype, ndim };
        if !self.strict {
            return Ok(TExpr::new(ty, TK::Local(usize::MAX), pos));
        }
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let bin = |op, x: TExpr, y: TExpr| int(TK::Bin(op, Box::new(x), Box::new(y)));
        let n = int(TK::Shape(Box::new(flat.clone()), 0));
        // A -1 takes what the others leave: n / (product of the others, with -1 counted as 1).
        let locals: Vec<usize> = shape
            .into_iter()
            .map(|d| {
                let l = self.hidden(Ty::Int);
                self.pre.push(TStmt::Assign(l, d));
                l
            })
            .collect();
        let known = locals.iter().fold(int(TK::Int(1)), |acc, &l| {
            let d = int(TK::Local(l));
            let minus_one = TExpr::new(
                Ty::Bool,
                TK::Cmp(CmpOp::Eq, Box::new(d.clone()), Box::new(int(TK::Int(-1)))),
                pos,
            );
            bin(BinOp::Mul, acc, int(TK::Select(Box::new(minus_one), Box::new(int(TK::Int(1))), Box::new(d))))
        });
        let kl = self.hidden(Ty::Int);
        self.pre.push(TStmt::Assign(kl, known));
        let mut total = int(TK::Int(1));
        for &l in &locals {
            let d = int(TK::Local(l));
            let minus_one = TExpr::new(
                Ty::Bool,
                TK::Cmp(CmpOp::Eq, Box::new(d.clone()), Box::new(int(TK::Int(-1)))),
                pos,
            );
            let zero = TExpr::new(
                Ty::Bool,
                TK::Cmp(CmpOp::Eq, Box::new(int(TK::Local(kl))), Box::new(int(TK::Int(0)))),
                pos,
            );
            let safe =
                int(TK::Select(Box::new(zero), Box::new(int(TK::Int(1))), Box::new(int(TK::Local(kl)))));
            let filled = bin(BinOp::FloorDiv, n.clone(), safe);
            self.pre
                .push(TStmt::Assign(l, int(TK::Select(Box::new(minus_one), Box::new(filled), Box::new(d)))));
            total = bin(BinOp::Mul, total, int(TK::Local(l)));
        }
        let mismatch = TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Ne, Box::new(total), Box::new(n)), pos);
        self.pre.push(TStmt::If(mismatch, vec![TStmt::Raise(RtError::Reshape, pos)], Vec::new()));
        let dims: Vec<TExpr> = locals.iter().map(|&l| int(TK::Local(l))).collect();
        let mut strides = vec![int(TK::Int(1)); ndim];
        for k in (0..ndim.saturating_sub(1)).rev() {
            strides[k] = bin(BinOp::Mul, strides[k + 1].clone(), dims[k + 1].clone());
        }
        Ok(TExpr::new(
            ty,
            TK::View { base: Box::new(flat), offset: Box::new(int(TK::Int(0))), shape: dims, strides },
            pos,
        ))
    }

    /// `np.cumsum(a)` / `a.cumsum()` (and `cumprod`): the running totals of the elements in
    /// C order, a new 1-d array (integer arrays total in int64, floats in their own type).
    pub(super) fn cumulative(&mut self, a: TExpr, product: bool, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let flat = self.flat_copy(a, span)?;
        let Ty::Array { dtype, .. } = flat.ty else {
            return Err(self.err(ErrorKind::Internal, span, "cumsum"));
        };
        let out_dtype = match dtype.kind() {
            'f' => dtype,
            'u' => DType::U64,
            _ => DType::I64,
        };
        let out_ty = Ty::Array { dtype: out_dtype, ndim: 1 };
        if !self.strict {
            return Ok(TExpr::new(out_ty, TK::Local(usize::MAX), pos));
        }
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let n = int(TK::Shape(Box::new(flat.clone()), 0));
        let out = self.hidden(out_ty.clone());
        self.pre.push(TStmt::Assign(
            out,
            TExpr::new(
                out_ty.clone(),
                TK::NewArray { dtype: out_dtype, shape: vec![n.clone()], fill: Fill::Empty },
                pos,
            ),
        ));
        let acc_ty = Ty::element(out_dtype);
        let acc = self.hidden(acc_ty.clone());
        let start = if acc_ty.repr() == Ty::Float {
            TK::Float(if product { 1.0 } else { 0.0 })
        } else {
            TK::Int(i64::from(product))
        };
        self.pre.push(TStmt::Assign(acc, TExpr::new(acc_ty.clone(), start, pos)));
        let i = self.hidden(Ty::Int);
        let elem = TExpr::new(
            Ty::element(dtype),
            TK::Index { arr: Box::new(flat), idx: vec![int(TK::Local(i))], check: false },
            pos,
        );
        let x = self.cast(elem, &acc_ty, span)?;
        let op = if product { BinOp::Mul } else { BinOp::Add };
        let step = narrowed(TExpr::new(
            acc_ty.clone(),
            TK::Bin(op, Box::new(TExpr::new(acc_ty.clone(), TK::Local(acc), pos)), Box::new(x)),
            pos,
        ));
        let body = vec![
            TStmt::Assign(acc, step),
            TStmt::Store {
                arr: TExpr::new(out_ty.clone(), TK::Local(out), pos),
                idx: vec![int(TK::Local(i))],
                value: TExpr::new(acc_ty.repr(), TK::Local(acc), pos),
                check: false,
            },
        ];
        let dim = move |_: usize| n.clone();
        let nest = self.loop_nest(&[0], &[i], &dim, body, pos);
        self.pre.extend(nest);
        Ok(TExpr::new(out_ty, TK::Local(out), pos))
    }

    /// `np.dot(a, b)` / `a @ b` / `a.dot(b)`: 1-d·1-d a number, 2-d·1-d and 1-d·2-d a
    /// vector, 2-d·2-d a matrix; the inner lengths must agree (`ValueError`).
    pub(super) fn matmul(&mut self, a: TExpr, b: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let a = self.force(a)?;
        let b = self.force(b)?;
        let (Ty::Array { dtype: da, ndim: na }, Ty::Array { dtype: db, ndim: nb }) =
            (a.ty.clone(), b.ty.clone())
        else {
            return Err(self.err(ErrorKind::Type, span, "`@` and np.dot need two arrays (1-d or 2-d)"));
        };
        if na > 2 || nb > 2 {
            return Err(self.err(
                ErrorKind::Unsupported,
                span,
                "`@` and np.dot of arrays above 2-d are not supported",
            ));
        }
        let dtype = da.promote(db);
        let out_ndim = na + nb - 2;
        let rty = Ty::element(dtype);
        let out_ty = if out_ndim == 0 { rty.clone() } else { Ty::Array { dtype, ndim: out_ndim } };
        if !self.strict {
            return Ok(TExpr::new(out_ty, TK::Local(usize::MAX), pos));
        }
        let a = self.hoist_array(a);
        let b = self.hoist_array(b);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let shape = |x: &TExpr, k: usize| int(TK::Shape(Box::new(x.clone()), k));
        let inner_a = shape(&a, na - 1);
        let inner_b = shape(&b, 0);
        let differ =
            TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Ne, Box::new(inner_a.clone()), Box::new(inner_b)), pos);
        self.pre.push(TStmt::If(differ, vec![TStmt::Raise(RtError::MatmulShapes, pos)], Vec::new()));
        // Output index variables: rows of a (if 2-d), columns of b (if 2-d); k the inner one.
        let (i, j, k) = (self.hidden(Ty::Int), self.hidden(Ty::Int), self.hidden(Ty::Int));
        let a_idx =
            if na == 2 { vec![int(TK::Local(i)), int(TK::Local(k))] } else { vec![int(TK::Local(k))] };
        let b_idx =
            if nb == 2 { vec![int(TK::Local(k)), int(TK::Local(j))] } else { vec![int(TK::Local(k))] };
        let ea = TExpr::new(
            Ty::element(da),
            TK::Index { arr: Box::new(a.clone()), idx: a_idx, check: false },
            pos,
        );
        let eb = TExpr::new(
            Ty::element(db),
            TK::Index { arr: Box::new(b.clone()), idx: b_idx, check: false },
            pos,
        );
        let acc_ty = if rty == Ty::Bool { Ty::Int } else { rty.clone() };
        let acc = self.hidden(acc_ty.clone());
        let ea = self.cast(ea, &acc_ty, span)?;
        let eb = self.cast(eb, &acc_ty, span)?;
        let prod = narrowed(TExpr::new(acc_ty.clone(), TK::Bin(BinOp::Mul, Box::new(ea), Box::new(eb)), pos));
        let sum = narrowed(TExpr::new(
            acc_ty.clone(),
            TK::Bin(BinOp::Add, Box::new(TExpr::new(acc_ty.clone(), TK::Local(acc), pos)), Box::new(prod)),
            pos,
        ));
        let zero = if acc_ty.repr() == Ty::Float { TK::Float(0.0) } else { TK::Int(0) };
        let inner_n = inner_a;
        let mut body = vec![TStmt::Assign(acc, TExpr::new(acc_ty.clone(), zero, pos))];
        let kdim = inner_n.clone();
        body.extend(self.loop_nest(&[0], &[k], &move |_| kdim.clone(), vec![TStmt::Assign(acc, sum)], pos));
        let result = self.cast(TExpr::new(acc_ty.clone(), TK::Local(acc), pos), &rty, span)?;
        if out_ndim == 0 {
            let res = self.hidden(rty.clone());
            body.push(TStmt::Assign(res, result));
            self.pre.extend(body);
            return Ok(TExpr::new(rty, TK::Local(res), pos));
        }
        let mut out_shape = Vec::new();
        let mut out_idx = Vec::new();
        let mut loops: Vec<(usize, TExpr)> = Vec::new();
        if na == 2 {
            out_shape.push(shape(&a, 0));
            out_idx.push(int(TK::Local(i)));
            loops.push((i, shape(&a, 0)));
        }
        if nb == 2 {
            out_shape.push(shape(&b, 1));
            out_idx.push(int(TK::Local(j)));
            loops.push((j, shape(&b, 1)));
        }
        let out = self.hidden(out_ty.clone());
        self.pre.push(TStmt::Assign(
            out,
            TExpr::new(out_ty.clone(), TK::NewArray { dtype, shape: out_shape, fill: Fill::Empty }, pos),
        ));
        let value = self.cast(result, &Ty::of_dtype(dtype), span)?;
        body.push(TStmt::Store {
            arr: TExpr::new(out_ty.clone(), TK::Local(out), pos),
            idx: out_idx,
            value,
            check: false,
        });
        for (var, n) in loops.into_iter().rev() {
            body = self.loop_nest(&[0], &[var], &move |_| n.clone(), body, pos);
        }
        self.pre.extend(body);
        Ok(TExpr::new(out_ty, TK::Local(out), pos))
    }

    /// The functions of this module's API by name (`np.` stripped); `None` when `func` is
    /// not one of them.
    pub(super) fn array_function(
        &mut self,
        func: &str,
        fspan: Span,
        args: &[Expr],
        span: Span,
    ) -> LResult<Option<TExpr>> {
        let pos = span.start;
        Ok(Some(match func {
            "copy" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let a = self.expr_lazy(&args[0])?;
                self.copy_array(a, span)?
            }
            "ravel" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let a = self.expr_lazy(&args[0])?;
                self.flat_copy(a, span)?
            }
            "reshape" => {
                self.expect_args(func, args, 2..=2, fspan)?;
                let a = self.expr_lazy(&args[0])?;
                self.reshape(a, &args[1..], fspan, span)?
            }
            "transpose" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let a = self.expr_lazy(&args[0])?;
                self.transposed(a, span)?
            }
            "dot" | "matmul" => {
                self.expect_args(func, args, 2..=2, fspan)?;
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                if !is_array(&a) || !is_array(&b) {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        "`@` and np.dot need two arrays (1-d or 2-d)",
                    ));
                }
                self.matmul(a, b, span)?
            }
            "cumsum" | "cumprod" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let a = self.expr_lazy(&args[0])?;
                self.cumulative(a, func == "cumprod", span)?
            }
            "arange" => {
                self.expect_args(func, args, 1..=3, fspan)?;
                self.arange(args, span)?
            }
            "linspace" => {
                self.expect_args(func, args, 2..=3, fspan)?;
                self.linspace(args, span)?
            }
            "full" => {
                self.expect_args(func, args, 2..=3, fspan)?;
                let v = self.expr(&args[1])?;
                self.numeric(&v, args[1].span, "np.full")?;
                let dtype = match args.get(2) {
                    Some(d) => self.dtype_arg(d)?,
                    None => v.ty.scalar_dtype().unwrap_or(DType::F64),
                };
                let shape = self.shape_arg(&args[0])?;
                let ndim = shape.len();
                let ty = Ty::Array { dtype, ndim };
                let a =
                    self.hoist_array(TExpr::new(ty, TK::NewArray { dtype, shape, fill: Fill::Empty }, pos));
                let map = self.as_map(v, span);
                if self.strict {
                    self.store_map_into(a.clone(), map, span, false)?;
                }
                a
            }
            "eye" | "identity" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let n = self.expr(&args[0])?;
                if !n.ty.is_int_like() {
                    return Err(self.err(ErrorKind::Type, args[0].span, format!("np.{func} needs an int")));
                }
                let n = self.cast(n, &Ty::Int, span)?;
                let n = self.hoist_scalar(n);
                let ty = Ty::Array { dtype: DType::F64, ndim: 2 };
                let a = self.hoist_array(TExpr::new(
                    ty.clone(),
                    TK::NewArray { dtype: DType::F64, shape: vec![n.clone(), n.clone()], fill: Fill::Zeros },
                    pos,
                ));
                if self.strict {
                    let i = self.hidden(Ty::Int);
                    let ii = TExpr::new(Ty::Int, TK::Local(i), pos);
                    let body = vec![TStmt::Store {
                        arr: a.clone(),
                        idx: vec![ii.clone(), ii],
                        value: TExpr::new(Ty::Float, TK::Float(1.0), pos),
                        check: false,
                    }];
                    let nest = self.loop_nest(&[0], &[i], &move |_| n.clone(), body, pos);
                    self.pre.extend(nest);
                }
                a
            }
            "clip" => {
                self.expect_args(func, args, 3..=3, fspan)?;
                let xs = [self.expr_lazy(&args[0])?, self.expr_lazy(&args[1])?, self.expr_lazy(&args[2])?];
                if xs.iter().any(is_array) {
                    let (leaves, mut b, ndim, dtypes) = self.join_maps(xs.to_vec());
                    let (hi, lo, x) = (b.pop(), b.pop(), b.pop());
                    let (Some(x), Some(lo), Some(hi)) = (x, lo, hi) else {
                        return Err(self.err(ErrorKind::Internal, span, "clip"));
                    };
                    let low = self.nan_min_max(true, x, lo, span)?;
                    let body = self.nan_min_max(false, low, hi, span)?;
                    return Ok(Some(self.make_map(leaves, body, ndim, &dtypes, pos)));
                }
                let [x, lo, hi] = xs;
                let low = self.nan_min_max(true, x, lo, span)?;
                self.nan_min_max(false, low, hi, span)?
            }
            "diff" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let a = self.expr(&args[0])?;
                self.diff(a, span)?
            }
            _ => return Ok(None),
        }))
    }

    /// A shape argument: an int or a tuple of ints.
    fn shape_arg(&mut self, e: &Expr) -> LResult<Vec<TExpr>> {
        let s = self.expr(e)?;
        match (&s.ty, s.kind.clone()) {
            (t, _) if t.is_int_like() => Ok(vec![self.cast(s, &Ty::Int, e.span)?]),
            (Ty::Tuple(ts), TK::Tuple(items)) if !ts.is_empty() && ts.iter().all(Ty::is_int_like) => {
                items.into_iter().map(|it| self.cast(it, &Ty::Int, e.span)).collect()
            }
            (Ty::Tuple(ts), _) if !ts.is_empty() && ts.iter().all(Ty::is_int_like) => {
                let n = ts.len();
                let s = self.hoist_scalar(s);
                (0..n).map(|k| Ok(TExpr::new(Ty::Int, TK::TupleGet(Box::new(s.clone()), k), s.pos))).collect()
            }
            _ => Err(self.err(
                ErrorKind::Type,
                e.span,
                format!("the shape must be an int or a tuple of ints, found {}", s.ty.name()),
            )),
        }
    }

    /// `np.arange(stop)`, `(start, stop)`, `(start, stop, step)`: int64 when all are ints,
    /// else float64 with NumPy's values `start + i * (start + step - start)`.
    fn arange(&mut self, args: &[Expr], span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let mut xs = Vec::new();
        for a in args {
            let t = self.expr(a)?;
            self.numeric(&t, a.span, "np.arange")?;
            xs.push(t);
        }
        let float = xs.iter().any(|x| x.ty.repr() == Ty::Float);
        let ty = if float { Ty::Float } else { Ty::Int };
        let mut v = Vec::new();
        for (x, a) in xs.into_iter().zip(args) {
            let c = self.cast(x, &ty, a.span)?;
            v.push(self.hoist_scalar(c));
        }
        let lit = |k: i64| {
            if float {
                TExpr::new(Ty::Float, TK::Float(k as f64), pos)
            } else {
                TExpr::new(Ty::Int, TK::Int(k), pos)
            }
        };
        let (start, stop, step) = match v.len() {
            1 => (lit(0), v[0].clone(), lit(1)),
            2 => (v[0].clone(), v[1].clone(), lit(1)),
            _ => (v[0].clone(), v[1].clone(), v[2].clone()),
        };
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let bin = |op, t: &Ty, x: TExpr, y: TExpr| {
            TExpr::new(t.clone(), TK::Bin(op, Box::new(x), Box::new(y)), pos)
        };
        let zero_step =
            TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Eq, Box::new(step.clone()), Box::new(lit(0))), pos);
        self.pre.push(TStmt::If(zero_step, vec![TStmt::Raise(RtError::RangeStep, pos)], Vec::new()));
        // The length: ceil((stop - start) / step), at least 0.
        let n = if float {
            let q =
                bin(BinOp::Div, &Ty::Float, bin(BinOp::Sub, &Ty::Float, stop, start.clone()), step.clone());
            TExpr::new(
                Ty::Int,
                TK::Cast(Box::new(TExpr::new(Ty::Float, TK::Math(MathFn::Ceil, vec![q]), pos))),
                pos,
            )
        } else {
            // -((start - stop) // step) is the ceiling of (stop - start) / step.
            let d = bin(BinOp::Sub, &Ty::Int, start.clone(), stop);
            TExpr::new(Ty::Int, TK::Neg(Box::new(bin(BinOp::FloorDiv, &Ty::Int, d, step.clone()))), pos)
        };
        let n = int(TK::Bin(BinOp::Max, Box::new(n), Box::new(int(TK::Int(0)))));
        let n = self.hoist_scalar(n);
        let delta = if float {
            bin(BinOp::Sub, &Ty::Float, bin(BinOp::Add, &Ty::Float, start.clone(), step), start.clone())
        } else {
            step
        };
        let delta = self.hoist_scalar(delta);
        let dtype = if float { DType::F64 } else { DType::I64 };
        let out_ty = Ty::Array { dtype, ndim: 1 };
        let out = self.hoist_array(TExpr::new(
            out_ty.clone(),
            TK::NewArray { dtype, shape: vec![n.clone()], fill: Fill::Empty },
            pos,
        ));
        if self.strict {
            let i = self.hidden(Ty::Int);
            let iv = TExpr::new(Ty::Int, TK::Local(i), pos);
            let ic = self.cast(iv.clone(), &ty, span)?;
            let value = bin(BinOp::Add, &ty, start, bin(BinOp::Mul, &ty, ic, delta));
            let body = vec![TStmt::Store { arr: out.clone(), idx: vec![iv], value, check: false }];
            let nest = self.loop_nest(&[0], &[i], &move |_| n.clone(), body, pos);
            self.pre.extend(nest);
        }
        Ok(out)
    }

    /// `np.linspace(start, stop, num=50)`: `start + i * step` with the last element `stop`.
    fn linspace(&mut self, args: &[Expr], span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let mut f = Vec::new();
        for a in &args[..2] {
            let t = self.expr(a)?;
            self.numeric(&t, a.span, "np.linspace")?;
            let c = self.cast(t, &Ty::Float, a.span)?;
            f.push(self.hoist_scalar(c));
        }
        let num = match args.get(2) {
            Some(a) => {
                let t = self.expr(a)?;
                if !t.ty.is_int_like() {
                    return Err(self.err(ErrorKind::Type, a.span, "np.linspace's num must be an int"));
                }
                self.cast(t, &Ty::Int, a.span)?
            }
            None => TExpr::new(Ty::Int, TK::Int(50), pos),
        };
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let num = self.hoist_scalar(num);
        let negative =
            TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Lt, Box::new(num.clone()), Box::new(int(TK::Int(0)))), pos);
        self.pre.push(TStmt::If(negative, vec![TStmt::Raise(RtError::NegativeDimension, pos)], Vec::new()));
        let fl = |k: TK| TExpr::new(Ty::Float, k, pos);
        let div = int(TK::Bin(
            BinOp::Max,
            Box::new(int(TK::Bin(BinOp::Sub, Box::new(num.clone()), Box::new(int(TK::Int(1)))))),
            Box::new(int(TK::Int(1))),
        ));
        let delta = fl(TK::Bin(BinOp::Sub, Box::new(f[1].clone()), Box::new(f[0].clone())));
        let step = fl(TK::Bin(BinOp::Div, Box::new(delta), Box::new(fl(TK::Cast(Box::new(div))))));
        let step = self.hoist_scalar(step);
        let out_ty = Ty::Array { dtype: DType::F64, ndim: 1 };
        let out = self.hoist_array(TExpr::new(
            out_ty,
            TK::NewArray { dtype: DType::F64, shape: vec![num.clone()], fill: Fill::Empty },
            pos,
        ));
        if self.strict {
            let i = self.hidden(Ty::Int);
            let iv = int(TK::Local(i));
            let value = fl(TK::Bin(
                BinOp::Add,
                Box::new(fl(TK::Bin(
                    BinOp::Mul,
                    Box::new(fl(TK::Cast(Box::new(iv.clone())))),
                    Box::new(step),
                ))),
                Box::new(f[0].clone()),
            ));
            let body = vec![TStmt::Store { arr: out.clone(), idx: vec![iv], value, check: false }];
            let n2 = num.clone();
            let nest = self.loop_nest(&[0], &[i], &move |_| n2.clone(), body, pos);
            self.pre.extend(nest);
            let several = TExpr::new(
                Ty::Bool,
                TK::Cmp(CmpOp::Gt, Box::new(num.clone()), Box::new(int(TK::Int(1)))),
                pos,
            );
            let last = int(TK::Bin(BinOp::Sub, Box::new(num), Box::new(int(TK::Int(1)))));
            self.pre.push(TStmt::If(
                several,
                vec![TStmt::Store { arr: out.clone(), idx: vec![last], value: f[1].clone(), check: false }],
                Vec::new(),
            ));
        }
        Ok(out)
    }

    /// `np.diff(a)` of a 1-d array: `a[1:] - a[:-1]`.
    fn diff(&mut self, a: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let Ty::Array { ndim: 1, .. } = a.ty else {
            return Err(self.err(ErrorKind::Unsupported, span, "np.diff is supported for 1-d arrays"));
        };
        let a = self.hoist_array(a);
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let n = int(TK::Shape(Box::new(a.clone()), 0));
        let m = int(TK::Bin(
            BinOp::Max,
            Box::new(int(TK::Bin(BinOp::Sub, Box::new(n), Box::new(int(TK::Int(1)))))),
            Box::new(int(TK::Int(0))),
        ));
        let stride = int(TK::Stride(Box::new(a.clone()), 0));
        let view = |off: TExpr| {
            TExpr::new(
                a.ty.clone(),
                TK::View {
                    base: Box::new(a.clone()),
                    offset: Box::new(off),
                    shape: vec![m.clone()],
                    strides: vec![stride.clone()],
                },
                pos,
            )
        };
        let hi = view(stride.clone());
        let lo = view(int(TK::Int(0)));
        self.pair_map(hi, lo, span, |cx, x, y| {
            cx.binary(fastsci_expr::ast::BinOp::Sub, x, y, span, span, span)
        })
    }

    /// `np.where(c, x, y)` with an array among them: element by element.
    pub(super) fn array_where(&mut self, c: TExpr, x: TExpr, y: TExpr, span: Span) -> LResult<TExpr> {
        let cond_counts = matches!(c.ty, Ty::Array { .. } | Ty::Num(_));
        let (leaves, mut bodies, ndim, dtypes) = self.join_maps(vec![c, x, y]);
        let yb = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "where"))?;
        let xb = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "where"))?;
        let cb = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "where"))?;
        let cb = self.truthy(cb, span)?;
        let (xb, yb, ty) = self.join_pair(xb, yb, span)?;
        let body = TExpr::new(ty, TK::Select(Box::new(cb), Box::new(xb), Box::new(yb)), span.start);
        // The condition's dtype takes no part in the result's.
        let dtypes: Vec<DType> = dtypes.into_iter().skip(usize::from(cond_counts)).collect();
        Ok(self.make_map(leaves, body, ndim, &dtypes, span.start))
    }

    /// NumPy's `minimum`/`maximum` of two numbers: NaN if either is NaN (Python's `min`/`max`
    /// keep the first operand instead).
    pub(super) fn nan_min_max(&mut self, maximum: bool, a: TExpr, b: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let (a, b, ty) = self.join_pair(a, b, span)?;
        let ty = if ty == Ty::Bool { Ty::Int } else { ty };
        let a = self.cast(a, &ty, span)?;
        let b = self.cast(b, &ty, span)?;
        self.no_uint64(&ty, span, if maximum { "np.maximum" } else { "np.minimum" })?;
        let op = if maximum { BinOp::Max } else { BinOp::Min };
        let plain = TExpr::new(ty.clone(), TK::Bin(op, Box::new(a.clone()), Box::new(b.clone())), pos);
        if ty.repr() != Ty::Float {
            return Ok(plain);
        }
        // The first NaN operand, else the larger (smaller) one.
        let fa = self.cast(a.clone(), &Ty::Float, span)?;
        let fb = self.cast(b.clone(), &Ty::Float, span)?;
        let a_nan = TExpr::new(Ty::Bool, TK::IsNan(Box::new(fa)), pos);
        let b_nan = TExpr::new(Ty::Bool, TK::IsNan(Box::new(fb)), pos);
        let inner = TExpr::new(ty.clone(), TK::Select(Box::new(b_nan), Box::new(b), Box::new(plain)), pos);
        Ok(TExpr::new(ty, TK::Select(Box::new(a_nan), Box::new(a), Box::new(inner)), pos))
    }
}
