//! Statements: assignments (plain, augmented, tuple, element and slice), branches, loops and returns.

use super::*;

/// The exceptions a kernel can raise: those the Python package raises as the same class.
const RAISABLE: [&str; 6] =
    ["ValueError", "IndexError", "ZeroDivisionError", "RuntimeError", "AssertionError", "MemoryError"];

impl FnCx<'_, '_> {
    fn raisable(&self, exception: &str, span: Span) -> LResult<()> {
        if RAISABLE.contains(&exception) {
            return Ok(());
        }
        Err(self.err(
            ErrorKind::Unsupported,
            span,
            format!("kernels can raise {} (with a constant message), not `{exception}`", RAISABLE.join(", ")),
        ))
    }

    /// `print(...)`: numbers and constant strings, separated by spaces, then a newline.
    fn print(&mut self, items: &[PrintItem], out: &mut Vec<TStmt>) -> LResult<()> {
        let mut args: Vec<PrintArg> = Vec::new();
        let text = |args: &mut Vec<PrintArg>, t: &str| match args.last_mut() {
            Some(PrintArg::Text(prev)) => prev.push_str(t),
            _ => args.push(PrintArg::Text(t.to_string())),
        };
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                text(&mut args, " ");
            }
            match item {
                PrintItem::Text(t) => text(&mut args, t),
                PrintItem::Value(e) => {
                    let v = self.expr(e)?;
                    let how = match v.ty {
                        Ty::Int => PrintAs::Int,
                        Ty::Bool => PrintAs::Bool,
                        Ty::Float => PrintAs::Float,
                        Ty::Num(DType::F32) => PrintAs::Float32,
                        Ty::Num(DType::U64) => PrintAs::UInt64,
                        Ty::Num(_) => PrintAs::Int,
                        _ => {
                            return Err(self.err(
                                ErrorKind::Unsupported,
                                e.span,
                                format!(
                                    "print() shows numbers and strings, not a {}; print its elements",
                                    v.ty.name()
                                ),
                            ));
                        }
                    };
                    args.push(PrintArg::Value(v, how));
                }
            }
        }
        text(&mut args, "\n");
        out.push(TStmt::Print(args));
        Ok(())
    }

    pub(super) fn block(&mut self, body: &[Stmt]) -> LResult<Vec<TStmt>> {
        let mut out = Vec::new();
        let outer = std::mem::take(&mut self.pre);
        for s in body {
            let mut own = Vec::new();
            let r = self.stmt(s, &mut own);
            // The loops of the statement's array expressions run first.
            out.append(&mut self.pre);
            out.append(&mut own);
            match r {
                Ok(()) => {}
                Err(LErr::Unknown) if !self.strict => {}
                Err(e) => {
                    self.pre = outer;
                    return Err(e);
                }
            }
        }
        self.pre = outer;
        Ok(out)
    }

    /// Records that `name` gets a value of type `ty`.
    pub(super) fn assign_type(&mut self, name: &str, ty: &Ty, span: Span) -> LResult<()> {
        if matches!(ty, Ty::None) {
            return Err(self.err(
                ErrorKind::Type,
                span,
                "this function returns nothing, so it has no value to assign",
            ));
        }
        match self.var_types.get(name) {
            None => {
                self.var_types.insert(name.to_string(), ty.clone());
                self.changed = true;
            }
            Some(old) => match unify(old, ty) {
                Some(u) => {
                    if &u != old {
                        self.var_types.insert(name.to_string(), u);
                        self.changed = true;
                    }
                }
                None => {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!(
                            "`{name}` is {} here but {} elsewhere; use a new variable",
                            ty.name(),
                            old.name()
                        ),
                    ));
                }
            },
        }
        Ok(())
    }

    pub(super) fn assign(&mut self, target: &Expr, value: TExpr, out: &mut Vec<TStmt>) -> LResult<()> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.assign_type(n, &value.ty, target.span)?;
                if self.strict {
                    let t = self.var_types[n].clone();
                    let l = self.local_for(n, t.clone());
                    let v = self.cast(value, &t, target.span)?;
                    out.push(TStmt::Assign(l, v));
                }
                Ok(())
            }
            ExprKind::Index { value: arr, indices } => {
                let a = self.expr(arr)?;
                let Ty::Array { dtype, ndim } = a.ty else {
                    return Err(self.err(
                        ErrorKind::Type,
                        arr.span,
                        format!("cannot assign into a {}", a.ty.name()),
                    ));
                };
                if is_view_index(indices) || indices.len() < ndim {
                    // Into a view (the value computed already: a copy guards overlaps).
                    let view = self.view(a, indices, target.span)?;
                    if !is_array(&value) {
                        self.numeric(&value, target.span, "assigning to a slice")?;
                    }
                    let copy = if is_array(&value) { self.copy_array(value, target.span)? } else { value };
                    let map = self.as_map(copy, target.span);
                    return self.store_map_into(view, map, target.span, false);
                }
                if indices.len() != ndim {
                    return Err(self.err(
                        ErrorKind::Type,
                        target.span,
                        format!("too many indices for a {ndim}-d array: {} were given", indices.len()),
                    ));
                }
                let idx = self.indices(indices)?;
                self.numeric(&value, target.span, "storing into an array")?;
                let v = self.cast(value, &Ty::of_dtype(dtype), target.span)?;
                out.push(TStmt::Store { arr: a, idx, value: v, check: self.prog.opts.boundscheck });
                Ok(())
            }
            ExprKind::Tuple(targets) => {
                let Ty::Tuple(ts) = value.ty.clone() else {
                    return Err(self.err(
                        ErrorKind::Type,
                        target.span,
                        format!("cannot unpack a {}", value.ty.name()),
                    ));
                };
                if ts.len() != targets.len() {
                    return Err(self.err(
                        ErrorKind::Type,
                        target.span,
                        format!("cannot unpack {} values into {} targets", ts.len(), targets.len()),
                    ));
                }
                let tmp = self.hidden(value.ty.clone());
                let pos = value.pos;
                let tty = value.ty.clone();
                out.push(TStmt::Assign(tmp, value));
                for (k, (t, ty)) in targets.iter().zip(ts).enumerate() {
                    let get = TExpr::new(
                        ty,
                        TK::TupleGet(Box::new(TExpr::new(tty.clone(), TK::Local(tmp), pos)), k),
                        pos,
                    );
                    self.assign(t, get, out)?;
                }
                Ok(())
            }
            _ => Err(self.err(
                ErrorKind::Unsupported,
                target.span,
                "can only assign to names, array elements a[i] and tuples of them",
            )),
        }
    }

    pub(super) fn stmt(&mut self, s: &Stmt, out: &mut Vec<TStmt>) -> LResult<()> {
        let span = s.span;
        match &s.kind {
            StmtKind::Pass => Ok(()),
            StmtKind::Raise { exception, .. } => {
                self.raisable(exception, span)?;
                out.push(TStmt::Raise(RtError::Raised, span.start));
                Ok(())
            }
            StmtKind::Assert { test, .. } => {
                let t = self.expr(test)?;
                let t = self.truthy(t, test.span)?;
                let failed = TExpr::new(Ty::Bool, TK::Not(Box::new(t)), span.start);
                out.push(TStmt::If(failed, vec![TStmt::Raise(RtError::Raised, span.start)], Vec::new()));
                Ok(())
            }
            StmtKind::Print(items) => self.print(items, out),
            StmtKind::Expr(e) => {
                let t = self.expr(e)?;
                out.push(TStmt::Eval(t));
                Ok(())
            }
            StmtKind::Assign { targets, value } => {
                if let [Expr { kind: ExprKind::Index { value: base, indices }, .. }] = targets.as_slice()
                    && let [ix] = indices.as_slice()
                    && super::fancy_index::may_be_array_index(self, ix)
                {
                    let t = self.expr_lazy(ix)?;
                    if is_array(&t) {
                        let a = self.expr(base)?;
                        let v = self.expr_lazy(value)?;
                        return self.fancy_store(a, t, v, span);
                    }
                }
                if let [t @ Expr { kind: ExprKind::Index { indices, .. }, .. }] = targets.as_slice()
                    && is_view_index(indices)
                {
                    return self.slice_assign(t, value, span);
                }
                let v = self.expr(value)?;
                if targets.len() == 1 {
                    return self.assign(&targets[0], v, out);
                }
                let tmp = self.hidden(v.ty.clone());
                let (ty, pos) = (v.ty.clone(), v.pos);
                out.push(TStmt::Assign(tmp, v));
                for t in targets {
                    self.assign(t, TExpr::new(ty.clone(), TK::Local(tmp), pos), out)?;
                }
                Ok(())
            }
            StmtKind::AugAssign { target, op, value } => {
                let cur = self.expr(target)?;
                if is_array(&cur) {
                    // `a += b` on an array writes into it, as NumPy does.
                    let v = self.value_for_update(target, value)?;
                    let (ts, vs) = (target.span, value.span);
                    let r =
                        self.pair_map(cur.clone(), v, span, |cx, a, b| cx.binary(*op, a, b, ts, vs, span))?;
                    return self.store_map_into(cur, r, span, true);
                }
                let v = self.expr(value)?;
                let r = self.binary(*op, cur, v, target.span, value.span, span)?;
                self.assign(target, r, out)
            }
            StmtKind::If { test, body, orelse } => {
                let t = match self.expr(test) {
                    Ok(t) => Some(self.truthy(t, test.span)?),
                    Err(LErr::Unknown) if !self.strict => None,
                    Err(e) => return Err(e),
                };
                let b = self.block(body)?;
                let o = self.block(orelse)?;
                if let Some(t) = t {
                    out.push(TStmt::If(t, b, o));
                }
                Ok(())
            }
            StmtKind::While { test, body } => {
                let t = match self.expr(test) {
                    Ok(t) => Some(self.truthy(t, test.span)?),
                    Err(LErr::Unknown) if !self.strict => None,
                    Err(e) => return Err(e),
                };
                if !self.pre.is_empty() {
                    // Its loops would run once, before the `while`, not at every test.
                    return Err(self.err(
                        ErrorKind::Unsupported,
                        test.span,
                        "a whole-array expression in a `while` condition is not supported; compute it in the loop",
                    ));
                }
                self.loop_depth += 1;
                let b = self.block(body);
                self.loop_depth -= 1;
                let b = b?;
                if let Some(t) = t {
                    out.push(TStmt::While(t, b));
                }
                Ok(())
            }
            StmtKind::For { target, iter, body } => self.for_loop(target, iter, body, span, out),
            StmtKind::Break | StmtKind::Continue => {
                if self.loop_depth == 0 {
                    return Err(self.err(ErrorKind::Syntax, span, "`break`/`continue` outside a loop"));
                }
                out.push(if matches!(s.kind, StmtKind::Break) { TStmt::Break } else { TStmt::Continue });
                Ok(())
            }
            StmtKind::Return(v) => {
                let t = match v {
                    Some(e) => self.expr(e)?,
                    None => TExpr::new(Ty::None, TK::Tuple(vec![]), span.start),
                };
                if self.strict {
                    let ret = self.ret.clone().unwrap_or(Ty::None);
                    let t = if ret == Ty::None {
                        t
                    } else {
                        self.cast(t, &ret, v.as_ref().map_or(span, |e| e.span))?
                    };
                    out.push(TStmt::Return(t));
                    return Ok(());
                }
                if t.ty == Ty::None {
                    self.ret_none = true;
                    return Ok(());
                }
                let before = self.ret.clone();
                let r = self.join_ret(&t.ty, v.as_ref().map_or(span, |e| e.span));
                if let (Some(id), true) = (self.spec_id, self.ret != before) {
                    // Let (mutually) recursive calls see the return type at once.
                    if let SpecState::Pending { ret } = &mut self.prog.specs[id] {
                        *ret = self.ret.clone();
                    }
                }
                r
            }
        }
    }

    pub(super) fn join_ret(&mut self, ty: &Ty, span: Span) -> LResult<()> {
        let joined = match &self.ret {
            None => ty.clone(),
            Some(r) => unify(r, ty).ok_or_else(|| {
                self.err(
                    ErrorKind::Type,
                    span,
                    format!("returns {} here but {} elsewhere", ty.name(), r.name()),
                )
            })?,
        };
        self.ret = Some(joined);
        Ok(())
    }

    pub(super) fn for_loop(
        &mut self,
        target: &Expr,
        iter: &Expr,
        body: &[Stmt],
        span: Span,
        out: &mut Vec<TStmt>,
    ) -> LResult<()> {
        let ExprKind::Name(var) = &target.kind else {
            return Err(self.err(
                ErrorKind::Unsupported,
                target.span,
                "the loop variable must be a single name",
            ));
        };
        let pos = iter.span.start;
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        if let ExprKind::Call { func, func_span, args } = &iter.kind {
            // `numba.prange(n)` reaches here as the method call `.prange` on `numba`.
            let (prange, args) = match crate::parallel::prange_args(func, args) {
                Some(rest) => (true, rest),
                None => (false, args.as_slice()),
            };
            if func == "range" || prange {
                self.expect_args(if prange { "prange" } else { "range" }, args, 1..=3, *func_span)?;
                let mut a = self.int_args("range()", args)?;
                let (start, stop, step) = match a.len() {
                    1 => (int(TK::Int(0)), a.remove(0), int(TK::Int(1))),
                    2 => {
                        let s = a.remove(0);
                        (s, a.remove(0), int(TK::Int(1)))
                    }
                    _ => {
                        let s = a.remove(0);
                        let e = a.remove(0);
                        (s, e, a.remove(0))
                    }
                };
                if let TK::Int(0) = step.kind {
                    return Err(self.err(ErrorKind::Type, args[2].span, "range() step must not be zero"));
                }
                self.assign_type(var, &Ty::Int, target.span)?;
                self.loop_depth += 1;
                let b = self.block(body);
                self.loop_depth -= 1;
                let b = b?;
                if self.strict && prange {
                    // Checked and outlined once the whole function is lowered (`crate::parallel`).
                    let t = self.var_types[var.as_str()].clone();
                    let var = self.local_for(var, t);
                    let p = crate::ir::ParLoop {
                        var,
                        start,
                        stop,
                        step,
                        body: b,
                        pos: span.start,
                        parallel: self.prog.opts.parallel,
                        outlined: None,
                    };
                    out.push(TStmt::Eval(TExpr::new(Ty::None, TK::ParFor(Box::new(p)), span.start)));
                } else if self.strict {
                    let t = self.var_types[var.as_str()].clone();
                    let v = self.local_for(var, t);
                    let stop_local = self.hidden(Ty::Int);
                    let step_local = self.hidden(Ty::Int);
                    let counter = self.hidden(Ty::Int);
                    out.push(TStmt::ForRange {
                        var: v,
                        start,
                        stop,
                        step,
                        stop_local,
                        step_local,
                        counter,
                        body: b,
                        pos: span.start,
                    });
                }
                return Ok(());
            }
            if matches!(func.as_str(), "enumerate" | "zip" | "reversed") {
                return Err(self.err(
                    ErrorKind::Unsupported,
                    *func_span,
                    format!("`{func}` is not supported; loop over range(len(a)) and index"),
                ));
            }
        }
        let a = self.expr(iter)?;
        let Ty::Array { dtype, ndim } = a.ty else {
            return Err(self.err(
                ErrorKind::Unsupported,
                iter.span,
                format!("can only loop over range(...) or an array, not a {}", a.ty.name()),
            ));
        };
        // A 1-d array gives its elements, a deeper one its rows (views).
        let ety = if ndim == 1 { Ty::element(dtype) } else { Ty::Array { dtype, ndim: ndim - 1 } };
        self.assign_type(var, &ety, target.span)?;
        self.loop_depth += 1;
        let b = self.block(body);
        self.loop_depth -= 1;
        let b = b?;
        if self.strict {
            let arr = self.hidden(a.ty.clone());
            let aty = a.ty.clone();
            out.push(TStmt::Assign(arr, a));
            let k = self.hidden(Ty::Int);
            let t = self.var_types[var.as_str()].clone();
            let v = self.local_for(var, t.clone());
            let arr_e = TExpr::new(aty, TK::Local(arr), pos);
            let elem = if ndim == 1 {
                TExpr::new(
                    ety,
                    TK::Index { arr: Box::new(arr_e.clone()), idx: vec![int(TK::Local(k))], check: false },
                    pos,
                )
            } else {
                self.row_view(arr_e.clone(), int(TK::Local(k)), pos)
            };
            let elem = self.cast(elem, &t, iter.span)?;
            let mut body2 = vec![TStmt::Assign(v, elem)];
            body2.extend(b);
            let stop_local = self.hidden(Ty::Int);
            let step_local = self.hidden(Ty::Int);
            let counter = self.hidden(Ty::Int);
            out.push(TStmt::ForRange {
                var: k,
                start: int(TK::Int(0)),
                stop: int(TK::Shape(Box::new(arr_e), 0)),
                step: int(TK::Int(1)),
                stop_local,
                step_local,
                counter,
                body: body2,
                pos: span.start,
            });
        }
        Ok(())
    }
}
