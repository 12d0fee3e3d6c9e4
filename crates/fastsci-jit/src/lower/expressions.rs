//! Expressions: names, operators, comparisons and element reads, each typed and checked.

use super::*;

impl FnCx<'_, '_> {
    /// Lowers one expression. Nesting is bounded here as well as in the front end: module
    /// constants are lowered inside the expressions that read them, and the code generator
    /// and interpreter recurse over the result.
    pub(super) fn expr(&mut self, e: &Expr) -> LResult<TExpr> {
        let t = self.expr_lazy(e)?;
        self.force(t)
    }

    /// Like [`FnCx::expr`], but a whole-array expression stays an `ArrayMap`, to be fused
    /// with the operation that uses it.
    pub(super) fn expr_lazy(&mut self, e: &Expr) -> LResult<TExpr> {
        if self.expr_depth >= MAX_LOWER_DEPTH {
            return Err(self.err(
                ErrorKind::Unsupported,
                e.span,
                format!(
                    "expression too deeply nested (more than {MAX_LOWER_DEPTH} levels, counting the \
                     module-level constants it reads); split it with intermediate variables"
                ),
            ));
        }
        self.expr_depth += 1;
        let r = self.expr_inner(e);
        self.expr_depth -= 1;
        r
    }

    pub(super) fn expr_inner(&mut self, e: &Expr) -> LResult<TExpr> {
        let pos = e.span.start;
        let span = e.span;
        match &e.kind {
            ExprKind::Int(v) => Ok(TExpr::new(Ty::Int, TK::Int(*v), pos)),
            ExprKind::Float(v) => Ok(TExpr::new(Ty::Float, TK::Float(*v), pos)),
            ExprKind::Bool(v) => Ok(TExpr::new(Ty::Bool, TK::Bool(*v), pos)),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::Unary { op, operand } => {
                let x = self.expr_lazy(operand)?;
                if is_array(&x) {
                    return self.array_unary(*op, x, span);
                }
                match op {
                    UnaryOp::Not => {
                        let b = self.truthy(x, operand.span)?;
                        Ok(TExpr::new(Ty::Bool, TK::Not(Box::new(b)), pos))
                    }
                    UnaryOp::Neg | UnaryOp::Plus => {
                        self.numeric(&x, operand.span, "unary minus")?;
                        let x = if x.ty == Ty::Bool { self.cast(x, &Ty::Int, span)? } else { x };
                        if *op == UnaryOp::Plus {
                            return Ok(x);
                        }
                        Ok(narrowed(TExpr::new(x.ty.clone(), TK::Neg(Box::new(x)), pos)))
                    }
                    UnaryOp::Invert => {
                        if !x.ty.is_int_like() {
                            return Err(self.err(
                                ErrorKind::Type,
                                span,
                                format!("`~` needs an int, found {}", x.ty.name()),
                            ));
                        }
                        let ty = if matches!(x.ty, Ty::Num(_)) { x.ty.clone() } else { Ty::Int };
                        let x = self.cast(x, &ty, span)?;
                        Ok(narrowed(TExpr::new(ty, TK::Invert(Box::new(x)), pos)))
                    }
                }
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.expr_lazy(left)?;
                let r = self.expr_lazy(right)?;
                if is_array(&l) || is_array(&r) {
                    let (ls, rs) = (left.span, right.span);
                    return self.pair_map(l, r, span, |cx, a, b| cx.binary(*op, a, b, ls, rs, span));
                }
                self.binary(*op, l, r, left.span, right.span, span)
            }
            ExprKind::Compare { left, rest } if rest.len() == 1 => {
                let l = self.expr_lazy(left)?;
                let r = self.expr_lazy(&rest[0].1)?;
                if is_array(&l) || is_array(&r) {
                    let (op, ls, rs) = (rest[0].0, left.span, rest[0].1.span);
                    return self.pair_map(l, r, span, |cx, a, b| cx.compare(op, a, b, ls, rs));
                }
                self.compare(rest[0].0, l, r, left.span, rest[0].1.span)
            }
            ExprKind::Compare { left, rest } => {
                let mut prev = self.expr(left)?;
                let mut prev_span = left.span;
                let mut acc: Option<TExpr> = None;
                for (op, x) in rest {
                    let r = self.expr(x)?;
                    let c = self.compare(*op, prev, r.clone(), prev_span, x.span)?;
                    acc = Some(match acc {
                        None => c,
                        Some(a) => TExpr::new(Ty::Bool, TK::And(Box::new(a), Box::new(c)), pos),
                    });
                    prev = r;
                    prev_span = x.span;
                }
                acc.ok_or_else(|| self.err(ErrorKind::Syntax, span, "empty comparison"))
            }
            ExprKind::BoolOp { op, values } => {
                let mut items = Vec::new();
                for v in values {
                    let t = self.expr(v)?;
                    self.numeric(&t, v.span, if *op == BoolOp::And { "`and`" } else { "`or`" })?;
                    items.push(t);
                }
                let ty = items.iter().skip(1).fold(items[0].ty.clone(), |a, b| self.common(&a, &b.ty));
                let mut it = items.into_iter();
                let first =
                    it.next().ok_or_else(|| self.err(ErrorKind::Syntax, span, "empty boolean operation"))?;
                let mut acc = self.cast(first, &ty, span)?;
                for x in it {
                    let x = self.cast(x, &ty, span)?;
                    acc = TExpr::new(
                        ty.clone(),
                        if *op == BoolOp::And {
                            TK::And(Box::new(acc), Box::new(x))
                        } else {
                            TK::Or(Box::new(acc), Box::new(x))
                        },
                        pos,
                    );
                }
                Ok(acc)
            }
            ExprKind::IfElse { test, body, orelse } => {
                let t = self.expr(test)?;
                let t = self.truthy(t, test.span)?;
                let a = self.expr(body)?;
                let b = self.expr(orelse)?;
                let (a, b, ty) = self.join_pair(a, b, span)?;
                // Both arms cheap and unable to fail: compute both and select (no branch to
                // mispredict on data-dependent conditions); else branch, as Python does.
                if ty.is_numeric() && cheap_and_total(&a) && cheap_and_total(&b) {
                    return Ok(TExpr::new(ty, TK::Select(Box::new(t), Box::new(a), Box::new(b)), pos));
                }
                Ok(TExpr::new(ty, TK::IfElse(Box::new(t), Box::new(a), Box::new(b)), pos))
            }
            ExprKind::Call { func, func_span, args } => self.call(func, *func_span, args, span),
            ExprKind::Index { value, indices } => self.index(value, indices, span),
            ExprKind::Attribute { value, attr } => {
                if let ExprKind::Name(m) = &value.kind
                    && matches!(m.as_str(), "math" | "np" | "numpy")
                {
                    return Err(self.err(ErrorKind::Name, span, format!("`{m}.{attr}` is not supported")));
                }
                let a = self.expr(value)?;
                let Ty::Array { ndim, .. } = a.ty else {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!("`.{attr}` needs an array, found {}", a.ty.name()),
                    ));
                };
                match attr.as_str() {
                    "shape" => {
                        let items = (0..ndim)
                            .map(|k| TExpr::new(Ty::Int, TK::Shape(Box::new(a.clone()), k), pos))
                            .collect();
                        Ok(TExpr::new(Ty::Tuple(vec![Ty::Int; ndim]), TK::Tuple(items), pos))
                    }
                    "size" => {
                        let mut acc = TExpr::new(Ty::Int, TK::Shape(Box::new(a.clone()), 0), pos);
                        for k in 1..ndim {
                            let s = TExpr::new(Ty::Int, TK::Shape(Box::new(a.clone()), k), pos);
                            acc = TExpr::new(Ty::Int, TK::Bin(BinOp::Mul, Box::new(acc), Box::new(s)), pos);
                        }
                        Ok(acc)
                    }
                    "ndim" => Ok(TExpr::new(Ty::Int, TK::Int(ndim as i64), pos)),
                    "T" => self.transposed(a, span),
                    _ => Err(self.err(
                        ErrorKind::Unsupported,
                        span,
                        format!("array attribute `.{attr}` is not supported; use .shape, .size, .ndim or .T"),
                    )),
                }
            }
            ExprKind::Tuple(items) => {
                let mut out = Vec::new();
                for x in items {
                    out.push(self.expr(x)?);
                }
                let ty = Ty::Tuple(out.iter().map(|x| x.ty.clone()).collect());
                Ok(TExpr::new(ty, TK::Tuple(out), pos))
            }
        }
    }

    pub(super) fn join_pair(&mut self, a: TExpr, b: TExpr, span: Span) -> LResult<(TExpr, TExpr, Ty)> {
        let ty = if a.ty.is_numeric() && b.ty.is_numeric() {
            self.common(&a.ty, &b.ty)
        } else {
            unify(&a.ty, &b.ty).ok_or_else(|| {
                self.err(
                    ErrorKind::Type,
                    span,
                    format!("branches have different types: {} and {}", a.ty.name(), b.ty.name()),
                )
            })?
        };
        let a = self.cast(a, &ty, span)?;
        let b = self.cast(b, &ty, span)?;
        Ok((a, b, ty))
    }

    pub(super) fn name(&mut self, n: &str, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        if let Some(vars) = &self.formula {
            return match vars.get(n) {
                Some(FormulaVar::Scalar(i)) => Ok(TExpr::new(
                    Ty::Float,
                    TK::LoadF64 {
                        addr: Box::new(TExpr::new(Ty::Int, TK::Local(0), pos)),
                        offset: (*i * 8) as i32,
                    },
                    pos,
                )),
                Some(FormulaVar::Vector(_)) => Err(self.err(
                    ErrorKind::Type,
                    span,
                    format!("`{n}` is a vector; use its components, as in {n}[0]"),
                )),
                None => match named_constant(n) {
                    Some(v) => Ok(TExpr::new(Ty::Float, TK::Float(v), pos)),
                    None => {
                        let known: Vec<&str> = vars.keys().map(String::as_str).collect();
                        Err(self.err(
                            ErrorKind::Name,
                            span,
                            format!("unknown name `{n}`; the variables are: {}", sorted(known).join(", ")),
                        ))
                    }
                },
            };
        }
        if self.global_scope.is_none() && self.assigned.iter().any(|a| a == n) {
            let Some(t) = self.var_types.get(n).cloned() else {
                if self.strict {
                    return Err(self.err(ErrorKind::Type, span, format!("cannot infer the type of `{n}`")));
                }
                return Err(LErr::Unknown);
            };
            if self.strict {
                let l = self.local_for(n, t.clone());
                return Ok(TExpr::new(t, TK::Local(l), pos));
            }
            return Ok(TExpr::new(t, TK::Local(usize::MAX), pos));
        }
        let consts = self.prog.consts;
        if let Some((_, v)) = consts.iter().find(|(k, _)| k == n) {
            return constant(v, pos).ok_or_else(|| {
                self.err(
                    ErrorKind::Unsupported,
                    span,
                    format!("the global `{n}` is not a number, bool or tuple of them"),
                )
            });
        }
        if let Some(t) = self.module_global(n, span)? {
            return Ok(t);
        }
        if let Some(v) = named_constant(n) {
            return Ok(TExpr::new(Ty::Float, TK::Float(v), pos));
        }
        if self.funcs_names.iter().any(|f| f == n) {
            return Err(self.err(
                ErrorKind::Type,
                span,
                format!("function `{n}` can only be called, not used as a value"),
            ));
        }
        Err(self.err(ErrorKind::Name, span, format!("name `{n}` is not defined")))
    }

    /// The value of the module-level name `n` (its last assignment before the current
    /// scope), lowered as a constant expression; `None` when the module does not assign it.
    pub(super) fn module_global(&mut self, n: &str, span: Span) -> LResult<Option<TExpr>> {
        let globals = self.prog.globals;
        let limit = self.global_scope.unwrap_or(globals.len());
        let Some(i) = globals[..limit].iter().rposition(|g| g.name == n) else {
            return Ok(None);
        };
        let Some(value) = &globals[i].value else {
            return Err(self.err(
                ErrorKind::Unsupported,
                span,
                format!(
                    "`{n}` is assigned at module level from something that is not a compile-time \
                     constant (numbers, bools, tuples of them, arithmetic and math functions on \
                     those, np.float32(...)-style scalars); pass it as an argument"
                ),
            ));
        };
        if self.global_depth >= MAX_GLOBAL_DEPTH {
            return Err(self.err(
                ErrorKind::Unsupported,
                span,
                format!("module-level constants defined from one another more than {MAX_GLOBAL_DEPTH} deep"),
            ));
        }
        let saved = self.global_scope.replace(i);
        self.global_depth += 1;
        let r = self.expr(value);
        self.global_depth -= 1;
        self.global_scope = saved;
        r.map(Some)
    }

    /// `np.float32(x)`, `np.int8(x)`, ...: the value converted as NumPy converts it, a
    /// typed scalar of that dtype (Python's int, float or bool for int64, float64, bool).
    pub(super) fn scalar_conversion(&mut self, st: ScalarType, x: TExpr, span: Span) -> LResult<TExpr> {
        let dtype = match st {
            ScalarType::F64 => DType::F64,
            ScalarType::F32 => DType::F32,
            ScalarType::Bool => DType::Bool,
            ScalarType::Int { bits, signed } => match (bits, signed) {
                (8, true) => DType::I8,
                (16, true) => DType::I16,
                (32, true) => DType::I32,
                (8, false) => DType::U8,
                (16, false) => DType::U16,
                (32, false) => DType::U32,
                (64, false) => DType::U64,
                _ => DType::I64,
            },
        };
        self.cast(x, &Ty::of_scalar_dtype(dtype), span)
    }

    pub(super) fn binary(
        &mut self,
        op: expr::BinOp,
        l: TExpr,
        r: TExpr,
        ls: Span,
        rs: Span,
        span: Span,
    ) -> LResult<TExpr> {
        use expr::BinOp as B;
        let pos = span.start;
        let sym = match op {
            B::Add => "+",
            B::Sub => "-",
            B::Mul => "*",
            B::Div => "/",
            B::FloorDiv => "//",
            B::Mod => "%",
            B::Pow => "**",
            B::BitAnd => "&",
            B::BitOr => "|",
            B::BitXor => "^",
            B::LShift => "<<",
            B::RShift => ">>",
        };
        let what = format!("`{sym}`");
        self.numeric(&l, ls, &what)?;
        self.numeric(&r, rs, &what)?;
        let ty = result_type(&l, &r);
        let arith = if ty == Ty::Bool { Ty::Int } else { ty.clone() };
        let is_float = arith.repr() == Ty::Float;
        let bin = |o: BinOp, a: TExpr, b: TExpr, t: Ty| {
            narrowed(TExpr::new(t, TK::Bin(o, Box::new(a), Box::new(b)), pos))
        };
        let math = |f: MathFn, args: Vec<TExpr>, t: Ty| narrowed(TExpr::new(t, TK::Math(f, args), pos));
        Ok(match op {
            B::Add | B::Sub | B::Mul => {
                let l = self.cast(l, &arith, span)?;
                let r = self.cast(r, &arith, span)?;
                let o = match op {
                    B::Add => BinOp::Add,
                    B::Sub => BinOp::Sub,
                    _ => BinOp::Mul,
                };
                bin(o, l, r, arith)
            }
            B::Div => {
                // Integers divide to float64; float32 stays float32.
                let t = if is_float { arith } else { Ty::Float };
                let l = self.cast(l, &t, span)?;
                let r = self.cast(r, &t, span)?;
                bin(BinOp::Div, l, r, t)
            }
            B::FloorDiv | B::Mod => {
                self.no_uint64(&arith, span, &what)?;
                let l = self.cast(l, &arith, span)?;
                let r = self.cast(r, &arith, span)?;
                if !is_float {
                    bin(if op == B::Mod { BinOp::Mod } else { BinOp::FloorDiv }, l, r, arith)
                } else {
                    let f = if op == B::Mod { MathFn::PyMod } else { MathFn::FFloorDiv };
                    math(f, vec![l, r], arith)
                }
            }
            B::Pow => {
                let const_exp = match r.kind {
                    TK::Int(k) if r.ty == Ty::Int => Some(k),
                    _ => None,
                };
                if !is_float {
                    if let Some(k) = const_exp
                        && k < 0
                        && arith == Ty::Int
                    {
                        let l = self.cast(l, &Ty::Float, span)?;
                        let r = self.cast(r, &Ty::Float, span)?;
                        return Ok(TExpr::new(Ty::Float, TK::Math(MathFn::Pow, vec![l, r]), pos));
                    }
                    // Typed integers compute the power modulo 2^64 and keep the low bits
                    // (the exponent as an int64: NumPy's exponent has the base's type, whose
                    // values an int64 holds).
                    let l = self.cast(l, &arith, span)?;
                    let r = self.cast(r, &arith, span)?;
                    let r = self.cast(r, &Ty::Int, span)?;
                    bin(BinOp::Pow, l, r, arith)
                } else {
                    let l = self.cast(l, &arith, span)?;
                    if let Some(k) = const_exp
                        && (0..=4).contains(&k)
                    {
                        return Ok(narrowed(TExpr::new(arith, TK::PowConst(Box::new(l), k as i32), pos)));
                    }
                    if let TK::Float(k) = r.kind {
                        if k == 2.0 {
                            return Ok(narrowed(TExpr::new(arith, TK::PowConst(Box::new(l), 2), pos)));
                        }
                        if k == 0.5 {
                            return Ok(math(MathFn::Sqrt, vec![l], arith));
                        }
                    }
                    let r = self.cast(r, &arith, span)?;
                    math(MathFn::Pow, vec![l, r], arith)
                }
            }
            B::BitAnd | B::BitOr | B::BitXor | B::LShift | B::RShift => {
                if is_float {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!("`{sym}` needs ints or bools, found {}", arith.name()),
                    ));
                }
                let shift = matches!(op, B::LShift | B::RShift);
                if op == B::RShift {
                    self.no_uint64(&arith, span, &what)?;
                }
                let t = if shift { arith } else { ty };
                let l = self.cast(l, &t, span)?;
                let r = self.cast(r, &t, span)?;
                let r = if shift { self.cast(r, &Ty::Int, span)? } else { r };
                let o = match op {
                    B::BitAnd => BinOp::BitAnd,
                    B::BitOr => BinOp::BitOr,
                    B::BitXor => BinOp::BitXor,
                    B::LShift => BinOp::Shl,
                    _ => BinOp::Shr,
                };
                bin(o, l, r, t)
            }
        })
    }

    pub(super) fn compare(&mut self, op: CmpOp, l: TExpr, r: TExpr, ls: Span, rs: Span) -> LResult<TExpr> {
        self.numeric(&l, ls, "comparison")?;
        self.numeric(&r, rs, "comparison")?;
        let ty = result_type(&l, &r);
        let pos = ls.start;
        let span = Span { start: ls.start, end: rs.end };
        let mut l = self.cast(l, &ty, span)?;
        let mut r = self.cast(r, &ty, span)?;
        if ty == Ty::Num(DType::U64) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            // Unsigned order is the signed order of the bits with the top one flipped.
            let flip = |x: TExpr| {
                let min = TExpr::new(Ty::Int, TK::Int(i64::MIN), pos);
                TExpr::new(Ty::Int, TK::Bin(BinOp::BitXor, Box::new(x), Box::new(min)), pos)
            };
            l = flip(l);
            r = flip(r);
        }
        Ok(TExpr::new(Ty::Bool, TK::Cmp(op, Box::new(l), Box::new(r)), pos))
    }

    pub(super) fn index(&mut self, value: &Expr, indices: &[Expr], span: Span) -> LResult<TExpr> {
        let pos = span.start;
        if let Some(vars) = &self.formula {
            let ExprKind::Name(n) = &value.kind else {
                return Err(self.err(ErrorKind::Unsupported, value.span, "only a variable can be indexed"));
            };
            return match vars.get(n) {
                Some(FormulaVar::Vector(v)) => {
                    let v = *v;
                    let k = match indices {
                        [Expr { kind: ExprKind::Int(k), .. }] if *k >= 0 && *k < (i32::MAX / 8) as i64 => *k,
                        _ => {
                            return Err(self.err(
                                ErrorKind::Unsupported,
                                indices.first().map_or(span, |i| i.span),
                                "a vector component needs one non-negative integer constant index, as in x[0]",
                            ));
                        }
                    };
                    let base = TExpr::new(
                        Ty::Int,
                        TK::LoadPtr {
                            addr: Box::new(TExpr::new(Ty::Int, TK::Local(1), pos)),
                            offset: (v * 8) as i32,
                        },
                        pos,
                    );
                    Ok(TExpr::new(
                        Ty::Float,
                        TK::LoadF64 { addr: Box::new(base), offset: (k * 8) as i32 },
                        pos,
                    ))
                }
                Some(FormulaVar::Scalar(_)) => Err(self.err(
                    ErrorKind::Type,
                    value.span,
                    format!("`{n}` is a scalar and cannot be indexed"),
                )),
                None => self.name(n, value.span),
            };
        }
        // a.shape[k]
        if let (ExprKind::Attribute { value: inner, attr }, [Expr { kind: ExprKind::Int(k), .. }]) =
            (&value.kind, indices)
            && attr == "shape"
        {
            let a = self.expr(inner)?;
            if let Ty::Array { ndim, .. } = a.ty {
                let k = if *k < 0 { *k + ndim as i64 } else { *k };
                if k < 0 || k >= ndim as i64 {
                    return Err(self.err(
                        ErrorKind::Type,
                        indices[0].span,
                        format!("shape index out of range for a {ndim}-d array"),
                    ));
                }
                return Ok(TExpr::new(Ty::Int, TK::Shape(Box::new(a), k as usize), pos));
            }
        }
        let a = self.expr(value)?;
        match &a.ty {
            Ty::Array { dtype, ndim } => {
                let (dtype, ndim) = (*dtype, *ndim);
                if is_view_index(indices) || indices.len() < ndim {
                    return self.view(a, indices, span);
                }
                if indices.len() != ndim {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!("too many indices for a {ndim}-d array: {} were given", indices.len()),
                    ));
                }
                let idx = self.indices(indices)?;
                Ok(TExpr::new(
                    Ty::element(dtype),
                    TK::Index { arr: Box::new(a), idx, check: self.prog.opts.boundscheck },
                    pos,
                ))
            }
            Ty::Tuple(ts) => {
                let n = ts.len() as i64;
                match indices {
                    [Expr { kind: ExprKind::Int(k), span: ks }] => {
                        let k = if *k < 0 { *k + n } else { *k };
                        if k < 0 || k >= n {
                            return Err(self.err(ErrorKind::Type, *ks, "tuple index out of range"));
                        }
                        let t = ts[k as usize].clone();
                        Ok(TExpr::new(t, TK::TupleGet(Box::new(a), k as usize), pos))
                    }
                    _ => Err(self.err(
                        ErrorKind::Unsupported,
                        span,
                        "tuples can only be indexed with an integer constant",
                    )),
                }
            }
            other => Err(self.err(
                ErrorKind::Type,
                value.span,
                format!("cannot index a value of type {}", other.name()),
            )),
        }
    }

    pub(super) fn indices(&mut self, indices: &[Expr]) -> LResult<Vec<TExpr>> {
        let mut idx = Vec::new();
        for i in indices {
            let t = self.expr(i)?;
            if !t.ty.is_int_like() {
                return Err(self.err(
                    ErrorKind::Type,
                    i.span,
                    format!("array indices must be ints, found {}; use int(...)", t.ty.name()),
                ));
            }
            idx.push(self.cast(t, &Ty::Int, i.span)?);
        }
        Ok(idx)
    }

    // ---------- statements ----------
}
