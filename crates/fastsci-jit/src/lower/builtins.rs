//! Calls: the math and NumPy functions, conversions, random draws and array constructors; calls of the file's own functions specialize them.

use super::reductions::Reduce;
use super::*;

impl FnCx<'_, '_> {
    pub(super) fn float_args(&mut self, args: &[Expr]) -> LResult<Vec<TExpr>> {
        let mut out = Vec::new();
        for a in args {
            let t = self.expr(a)?;
            self.numeric(&t, a.span, "a math function")?;
            out.push(self.cast(t, &Ty::Float, a.span)?);
        }
        Ok(out)
    }

    /// Python's `abs` of a number (an int stays an int).
    pub(super) fn abs_scalar(&mut self, x: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let x = if x.ty == Ty::Bool { self.cast(x, &Ty::Int, span)? } else { x };
        let ty = x.ty.clone();
        if ty.repr() == Ty::Float {
            return Ok(TExpr::new(ty, TK::Math(MathFn::Fabs, vec![x]), pos));
        }
        if matches!(ty, Ty::Num(d) if d.kind() == 'u') {
            return Ok(x);
        }
        let zero = TExpr::new(Ty::Int, TK::Int(0), pos);
        // abs of the most negative int8 wraps to itself, as in NumPy.
        let neg = narrowed(TExpr::new(ty.clone(), TK::Neg(Box::new(x.clone())), pos));
        let c = TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Lt, Box::new(x.clone()), Box::new(zero)), pos);
        Ok(TExpr::new(ty, TK::Select(Box::new(c), Box::new(neg), Box::new(x)), pos))
    }

    pub(super) fn expect_args(
        &self,
        name: &str,
        args: &[Expr],
        range: std::ops::RangeInclusive<usize>,
        span: Span,
    ) -> LResult<()> {
        if range.contains(&args.len()) {
            Ok(())
        } else {
            let want = if range.start() == range.end() {
                format!("{}", range.start())
            } else {
                format!("{} to {}", range.start(), range.end())
            };
            Err(self.err(
                ErrorKind::Type,
                span,
                format!("`{name}` takes {want} argument(s), got {}", args.len()),
            ))
        }
    }

    /// A call: keyword arguments (`dtype=`, or a parameter of the file's own function by
    /// name) are put in their positional place first; other keywords are refused.
    pub(super) fn call(&mut self, func: &str, fspan: Span, args: &[Expr], span: Span) -> LResult<TExpr> {
        let star = |a: &Expr| matches!(&a.kind, ExprKind::Call { func, .. } if func == fastsci_expr::ast::STAR_PREFIX);
        if args.iter().any(star) {
            // `f(*t)`: the items of the tuple `t`, one argument each.
            let mut expanded = Vec::new();
            for a in args {
                let ExprKind::Call { args: inner, .. } = &a.kind else {
                    expanded.push(a.clone());
                    continue;
                };
                if !star(a) {
                    expanded.push(a.clone());
                    continue;
                }
                let t = self.expr(&inner[0])?;
                let Ty::Tuple(items) = &t.ty else {
                    return Err(self.err(
                        ErrorKind::Type,
                        a.span,
                        format!("`*` unpacks a tuple into arguments, found {}", t.ty.name()),
                    ));
                };
                match &inner[0].kind {
                    ExprKind::Tuple(xs) => expanded.extend(xs.iter().cloned()),
                    _ => expanded.extend((0..items.len()).map(|k| Expr {
                        kind: ExprKind::Index {
                            value: Box::new(inner[0].clone()),
                            indices: vec![Expr { kind: ExprKind::Int(k as i64), span: a.span }],
                        },
                        span: a.span,
                    })),
                }
            }
            return self.call(func, fspan, &expanded, span);
        }
        let npos = args.iter().position(|a| a.as_keyword().is_some()).unwrap_or(args.len());
        let qualified = self.src.get(fspan.start..fspan.end).is_some_and(|t| t.contains('.'));
        let own = (!qualified && self.formula.is_none())
            .then(|| self.prog.defs.iter().find(|d| d.name == func))
            .flatten();
        let short = own.is_some_and(|d| args.len() < d.params.len());
        if npos == args.len() && !short {
            return self.call_positional(func, fspan, args, span);
        }
        let (positional, keywords) = args.split_at(npos);
        // The parameter names each keyword may fill, in order.
        let params: Vec<String> =
            if !qualified && self.formula.is_none() && self.funcs_names.iter().any(|f| f == func) {
                let defs = self.prog.defs;
                defs.iter()
                    .find(|d| d.name == func)
                    .map(|d| d.params.iter().map(|p| p.0.clone()).collect())
                    .unwrap_or_default()
            } else {
                let reduction = |f: &str| Reduce::from_name(f.trim_start_matches('.')).is_some();
                match func {
                    f if reduction(f) => vec!["a".into(), "axis".into()],
                    "full" => vec!["shape".into(), "fill_value".into(), "dtype".into()],
                    "linspace" => vec!["start".into(), "stop".into(), "num".into()],
                    ".astype" => vec!["self".into(), "dtype".into()],
                    "empty" | "zeros" | "ones" => vec!["shape".into(), "dtype".into()],
                    "empty_like" | "zeros_like" | "ones_like" => vec!["a".into(), "dtype".into()],
                    _ => Vec::new(),
                }
            };
        let mut slots: Vec<Option<Expr>> = positional.iter().cloned().map(Some).collect();
        for k in keywords {
            let Some((name, value)) = k.as_keyword() else {
                return Err(self.err(
                    ErrorKind::Syntax,
                    k.span,
                    "a positional argument after keyword arguments",
                ));
            };
            let Some(i) = params.iter().position(|p| p == name) else {
                let takes = if params.is_empty() {
                    "takes no keyword arguments here; pass arguments by position".to_string()
                } else {
                    format!("takes the keyword arguments {}", params.join(", "))
                };
                return Err(self.err(
                    ErrorKind::Unsupported,
                    k.span,
                    format!("keyword arguments are not supported as `{name}=`: `{func}` {takes}"),
                ));
            };
            if slots.len() <= i {
                slots.resize(i + 1, None);
            }
            if slots[i].is_some() {
                return Err(self.err(ErrorKind::Type, k.span, format!("`{func}` got `{name}` twice")));
            }
            slots[i] = Some(value.clone());
        }
        // The file's own function: parameters not given take their default values.
        if let Some(def) = own {
            slots.resize(def.params.len(), None);
            for (slot, default) in slots.iter_mut().zip(&def.defaults) {
                if slot.is_none()
                    && let Some(d) = default
                {
                    // A default is evaluated where the def is (module level): a name it reads
                    // must not be one of the caller's variables.
                    let mut clash = None;
                    d.walk(&mut |n| {
                        if let ExprKind::Name(v) = &n.kind
                            && self.assigned.contains(v)
                        {
                            clash = Some(v.clone());
                        }
                    });
                    if let Some(v) = clash {
                        return Err(self.err(
                            ErrorKind::Unsupported,
                            fspan,
                            format!("the default value of a parameter of `{func}` reads `{v}`, a variable here too; pass the argument"),
                        ));
                    }
                    *slot = Some(d.clone());
                }
            }
        }
        let Some(ordered) = slots.into_iter().collect::<Option<Vec<Expr>>>() else {
            return Err(self.err(
                ErrorKind::Type,
                fspan,
                format!(
                    "`{func}` takes {} argument(s), got {}",
                    params.len().max(positional.len()),
                    args.len()
                ),
            ));
        };
        self.call_positional(func, fspan, &ordered, span)
    }

    fn call_positional(&mut self, func: &str, fspan: Span, args: &[Expr], span: Span) -> LResult<TExpr> {
        let pos = span.start;
        if let Some(name) = func.strip_prefix(fastsci_expr::ast::METHOD_PREFIX) {
            return self.method(name, fspan, args, span);
        }
        // A bare name calls the file's own function first (it shadows built-ins, as Python
        // looks names up); `math.sqrt` / `np.sqrt` always mean the library's. The front end
        // strips the module from `func`, so whether the call was qualified is read from the
        // source text of the called name.
        let qualified = self.src.get(fspan.start..fspan.end).is_some_and(|t| t.contains('.'));
        if self.formula.is_none() && !qualified && self.funcs_names.iter().any(|f| f == func) {
            let mut targs = Vec::new();
            for a in args {
                targs.push(self.expr(a)?);
            }
            let tys: Vec<Ty> = targs.iter().map(|t| t.ty.clone()).collect();
            let id = self.prog.specialize(func, &tys, fspan.start)?;
            let Some(ret) = self.prog.ret_of(id) else {
                if self.strict {
                    return Err(self.err(
                        ErrorKind::Type,
                        fspan,
                        format!("cannot infer the return type of `{func}`; give it a non-recursive `return`"),
                    ));
                }
                return Err(LErr::Unknown);
            };
            return Ok(TExpr::new(ret, TK::Call(id, targs), pos));
        }
        if self.formula.is_none() {
            // `np.max(a, 0)` reduces along axis 0; Python's `max(a, b)` compares two numbers.
            let text = self.src.get(fspan.start..fspan.end).unwrap_or("");
            let numpy_named = text.contains('.') && !text.ends_with("minimum") && !text.ends_with("maximum");
            if let Some(kind) = Reduce::from_name(func)
                && (args.len() == 1 || !matches!(func, "min" | "max") || numpy_named)
                && !args.is_empty()
            {
                let a = self.expr_lazy(&args[0])?;
                if !is_array(&a) {
                    return Err(self.err(
                        ErrorKind::Type,
                        args[0].span,
                        format!("`{func}` of one value needs an array, found {}", a.ty.name()),
                    ));
                }
                self.expect_args(func, args, 1..=2, fspan)?;
                return self.reduce(kind, a, args.get(1), span);
            }
            if let Some(t) = self.array_function(func, fspan, args, span)? {
                return Ok(t);
            }
        }
        if let Some(m) = MathFn::from_name(func) {
            self.expect_args(func, args, m.arity()..=m.arity(), fspan)?;
            let mut xs = Vec::new();
            for a in args {
                xs.push(self.expr_lazy(a)?);
            }
            if xs.iter().any(is_array) {
                return self.array_math(m, xs, args, span);
            }
            for (t, x) in xs.iter().zip(args) {
                self.numeric(t, x.span, "a math function")?;
            }
            // `math.f` gives a Python float; `np.f` keeps float32 (NumPy's loops by type).
            let numpy = self
                .src
                .get(fspan.start..fspan.end)
                .is_some_and(|t| t.starts_with("np.") || t.starts_with("numpy."));
            let ty = if numpy {
                self.math_result(&xs).ok_or_else(|| {
                    self.err(
                        ErrorKind::Unsupported,
                        span,
                        format!("np.{func} of an 8-bit integer gives float16, which kernels do not have; convert with float(x) first"),
                    )
                })?
            } else {
                Ty::Float
            };
            let mut a = Vec::new();
            for (t, x) in xs.into_iter().zip(args) {
                a.push(self.cast(t, &Ty::Float, x.span)?);
            }
            return Ok(narrowed(TExpr::new(ty, TK::Math(m, a), pos)));
        }
        match func {
            "abs" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let x = self.expr_lazy(&args[0])?;
                if is_array(&x) {
                    return self.array_abs(x, span);
                }
                self.numeric(&x, args[0].span, "abs")?;
                self.abs_scalar(x, span)
            }
            "min" | "max" => {
                if args.len() < 2 {
                    return Err(self.err(
                        ErrorKind::Type,
                        fspan,
                        format!("`{func}` takes two or more numbers"),
                    ));
                }
                // `np.minimum`/`np.maximum` (NaN wins, arrays elementwise) are not Python's.
                let text = self.src.get(fspan.start..fspan.end).unwrap_or("");
                if text.ends_with("minimum") || text.ends_with("maximum") {
                    self.expect_args(func, args, 2..=2, fspan)?;
                    let a = self.expr_lazy(&args[0])?;
                    let b = self.expr_lazy(&args[1])?;
                    let maximum = func == "max";
                    if is_array(&a) || is_array(&b) {
                        return self.pair_map(a, b, span, |cx, x, y| cx.nan_min_max(maximum, x, y, span));
                    }
                    return self.nan_min_max(maximum, a, b, span);
                }
                let mut items = Vec::new();
                for a in args {
                    let t = self.expr(a)?;
                    self.numeric(&t, a.span, func)?;
                    items.push(t);
                }
                let mut ty = items.iter().skip(1).fold(items[0].ty.clone(), |a, b| self.common(&a, &b.ty));
                if ty == Ty::Bool {
                    ty = Ty::Int;
                }
                self.no_uint64(&ty, fspan, func)?;
                let op = if func == "min" { BinOp::Min } else { BinOp::Max };
                let mut it = items.into_iter();
                let first = it.next().ok_or_else(|| self.err(ErrorKind::Type, fspan, "no arguments"))?;
                let mut acc = self.cast(first, &ty, span)?;
                for x in it {
                    let x = self.cast(x, &ty, span)?;
                    acc = TExpr::new(ty.clone(), TK::Bin(op, Box::new(acc), Box::new(x)), pos);
                }
                Ok(acc)
            }
            "isnan" | "isinf" | "isfinite" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let x = self.expr_lazy(&args[0])?;
                if is_array(&x) {
                    let (leaves, mut bodies, ndim, _) = self.join_maps(vec![x]);
                    let b = bodies.pop().ok_or_else(|| self.err(ErrorKind::Internal, span, "operand"))?;
                    let b = self.cast(b, &Ty::Float, span)?;
                    let body = TExpr::new(
                        Ty::Bool,
                        match func {
                            "isnan" => TK::IsNan(Box::new(b)),
                            "isinf" => TK::IsInf(Box::new(b)),
                            _ => TK::IsFinite(Box::new(b)),
                        },
                        pos,
                    );
                    return Ok(self.make_map(leaves, body, ndim, &[], pos));
                }
                let mut a = self.float_args(args)?;
                let x = Box::new(a.remove(0));
                let k = match func {
                    "isnan" => TK::IsNan(x),
                    "isinf" => TK::IsInf(x),
                    _ => TK::IsFinite(x),
                };
                Ok(TExpr::new(Ty::Bool, k, pos))
            }
            "where" => {
                self.expect_args(func, args, 3..=3, fspan)?;
                let (c, x, y) =
                    (self.expr_lazy(&args[0])?, self.expr_lazy(&args[1])?, self.expr_lazy(&args[2])?);
                if is_array(&c) || is_array(&x) || is_array(&y) {
                    return self.array_where(c, x, y, span);
                }
                let c = self.truthy(c, args[0].span)?;
                let (a, b, ty) = self.join_pair(x, y, span)?;
                Ok(TExpr::new(ty, TK::Select(Box::new(c), Box::new(a), Box::new(b)), pos))
            }
            _ if self.formula.is_some() => {
                check_call_arity(func, fspan, args.len(), self.src)?;
                Err(self.err(ErrorKind::Name, fspan, format!("unknown function `{func}`")))
            }
            _ if scalar_type(func).is_some() => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let x = self.expr(&args[0])?;
                self.numeric(&x, args[0].span, func)?;
                let st =
                    scalar_type(func).ok_or_else(|| self.err(ErrorKind::Internal, fspan, "scalar type"))?;
                let x = self.scalar_conversion(st, x, span)?;
                // `np.float32(x)` of a literal is still a typed value, never a weak one.
                Ok(if is_weak(&x) { narrowed(x) } else { x })
            }
            "int" | "float" | "bool" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let x = self.expr(&args[0])?;
                self.numeric(&x, args[0].span, func)?;
                let ty = match func {
                    "int" => Ty::Int,
                    "float" => Ty::Float,
                    _ => Ty::Bool,
                };
                self.cast(x, &ty, span)
            }
            "round" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let x = self.expr(&args[0])?;
                self.numeric(&x, args[0].span, func)?;
                if x.ty.repr() != Ty::Float {
                    return self.cast(x, &Ty::Int, span);
                }
                let x = self.cast(x, &Ty::Float, span)?;
                let r = TExpr::new(Ty::Float, TK::Math(MathFn::RoundEven, vec![x]), pos);
                self.cast(r, &Ty::Int, span)
            }
            "len" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let a = self.expr(&args[0])?;
                match a.ty {
                    Ty::Array { .. } => Ok(TExpr::new(Ty::Int, TK::Shape(Box::new(a), 0), pos)),
                    Ty::Tuple(ref ts) => Ok(TExpr::new(Ty::Int, TK::Int(ts.len() as i64), pos)),
                    _ => Err(self.err(
                        ErrorKind::Type,
                        args[0].span,
                        format!("len() needs an array, found {}", a.ty.name()),
                    )),
                }
            }
            "empty" | "zeros" | "ones" => {
                self.expect_args(func, args, 1..=2, fspan)?;
                let dtype = match args.get(1) {
                    Some(d) => self.dtype_arg(d)?,
                    None => DType::F64,
                };
                let s = self.expr(&args[0])?;
                let shape = match s.ty {
                    ref t if t.is_int_like() => vec![self.cast(s, &Ty::Int, span)?],
                    Ty::Tuple(ref ts) if !ts.is_empty() && ts.iter().all(Ty::is_int_like) => match s.kind {
                        TK::Tuple(items) => {
                            let mut v = Vec::new();
                            for it in items {
                                v.push(self.cast(it, &Ty::Int, span)?);
                            }
                            v
                        }
                        _ => {
                            let n = ts.len();
                            (0..n)
                                .map(|k| TExpr::new(Ty::Int, TK::TupleGet(Box::new(s.clone()), k), pos))
                                .collect()
                        }
                    },
                    _ => {
                        return Err(self.err(
                            ErrorKind::Type,
                            args[0].span,
                            format!("the shape must be an int or a tuple of ints, found {}", s.ty.name()),
                        ));
                    }
                };
                let fill = match func {
                    "zeros" => Fill::Zeros,
                    "ones" => Fill::Ones,
                    _ => Fill::Empty,
                };
                let ndim = shape.len();
                Ok(TExpr::new(Ty::Array { dtype, ndim }, TK::NewArray { dtype, shape, fill }, pos))
            }
            "empty_like" | "zeros_like" | "ones_like" => {
                self.expect_args(func, args, 1..=2, fspan)?;
                let a = self.expr(&args[0])?;
                let Ty::Array { dtype, ndim } = a.ty else {
                    return Err(self.err(
                        ErrorKind::Type,
                        args[0].span,
                        format!("{func} needs an array, found {}", a.ty.name()),
                    ));
                };
                let dtype = match args.get(1) {
                    Some(d) => self.dtype_arg(d)?,
                    None => dtype,
                };
                let shape =
                    (0..ndim).map(|k| TExpr::new(Ty::Int, TK::Shape(Box::new(a.clone()), k), pos)).collect();
                let fill = match func {
                    "zeros_like" => Fill::Zeros,
                    "ones_like" => Fill::Ones,
                    _ => Fill::Empty,
                };
                Ok(TExpr::new(Ty::Array { dtype, ndim }, TK::NewArray { dtype, shape, fill }, pos))
            }
            "random.random" | "random.rand" | "random.random_sample" | "random.sample" | "random.ranf" => {
                self.no_array_args(func, args, 0, fspan)?;
                Ok(TExpr::new(Ty::Float, TK::Random(RandomFn::Random, vec![]), pos))
            }
            "random.randn" | "random.standard_normal" => {
                self.no_array_args(func, args, 0, fspan)?;
                Ok(TExpr::new(Ty::Float, TK::Random(RandomFn::Normal, vec![]), pos))
            }
            "random.normal" | "random.gauss" | "random.uniform" => {
                self.expect_args(func, args, 0..=2, fspan)?;
                let is_uniform = func == "random.uniform";
                let defaults = [0.0, 1.0];
                let mut a = self.float_args(args)?;
                while a.len() < 2 {
                    let d = defaults[a.len()];
                    a.push(TExpr::new(Ty::Float, TK::Float(d), pos));
                }
                let (p, q) = (a.remove(0), a.remove(0));
                let f = |k| TExpr::new(Ty::Float, k, pos);
                if is_uniform {
                    // p + (q - p) * U
                    let u = f(TK::Random(RandomFn::Random, vec![]));
                    let w = f(TK::Bin(BinOp::Sub, Box::new(q), Box::new(p.clone())));
                    let m = f(TK::Bin(BinOp::Mul, Box::new(w), Box::new(u)));
                    Ok(f(TK::Bin(BinOp::Add, Box::new(p), Box::new(m))))
                } else {
                    let z = f(TK::Random(RandomFn::Normal, vec![]));
                    let m = f(TK::Bin(BinOp::Mul, Box::new(q), Box::new(z)));
                    Ok(f(TK::Bin(BinOp::Add, Box::new(p), Box::new(m))))
                }
            }
            "random.randint" => {
                self.expect_args(func, args, 1..=2, fspan)?;
                let mut a = self.int_args("randint", args)?;
                if a.len() == 1 {
                    a.insert(0, TExpr::new(Ty::Int, TK::Int(0), pos));
                }
                Ok(TExpr::new(Ty::Int, TK::Random(RandomFn::RandInt, a), pos))
            }
            "random.seed" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let t = self.expr(&args[0])?;
                if !t.ty.is_int_like() {
                    return Err(self.err(ErrorKind::Type, args[0].span, "seed needs an int"));
                }
                let t = self.cast(t, &Ty::Int, span)?;
                Ok(TExpr::new(Ty::None, TK::Random(RandomFn::Seed, vec![t]), pos))
            }
            "range" => Err(self.err(
                ErrorKind::Unsupported,
                fspan,
                "range() can only be used in a for loop: for i in range(n)",
            )),
            _ => {
                let known = "math functions, abs, min, max, int, float, bool, round, len, np.empty/zeros/ones(_like), np.random.*";
                Err(self.err(
                    ErrorKind::Name,
                    fspan,
                    format!("unknown function `{func}`; supported: your own defs, {known}"),
                ))
            }
        }
    }

    pub(super) fn no_array_args(&self, func: &str, args: &[Expr], n: usize, fspan: Span) -> LResult<()> {
        if args.len() > n {
            return Err(self.err(
                ErrorKind::Unsupported,
                fspan,
                format!("`np.{func}` with a size is not supported; draw one number at a time in a loop"),
            ));
        }
        Ok(())
    }

    pub(super) fn dtype_arg(&self, e: &Expr) -> LResult<DType> {
        let name = match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(m) => format!("{m}.{attr}"),
                _ => String::new(),
            },
            _ => String::new(),
        };
        DType::from_name(&name).filter(|d| d.is_real()).ok_or_else(|| {
            self.err(
                ErrorKind::Type,
                e.span,
                "unsupported dtype; use np.float64, np.float32, np.int8 ... np.int64, np.uint8 ... np.uint64 or np.bool_",
            )
        })
    }

    /// Lowers arguments that must be ints (bools and typed integers convert), as `int`s.
    pub(super) fn int_args(&mut self, what: &str, args: &[Expr]) -> LResult<Vec<TExpr>> {
        let mut out = Vec::with_capacity(args.len());
        for x in args {
            let t = self.expr(x)?;
            if !t.ty.is_int_like() {
                return Err(self.err(
                    ErrorKind::Type,
                    x.span,
                    format!("{what} needs ints, found {}", t.ty.name()),
                ));
            }
            out.push(self.cast(t, &Ty::Int, x.span)?);
        }
        Ok(out)
    }
}
