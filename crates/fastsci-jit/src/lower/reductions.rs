//! Reductions of arrays (`a.sum()`, `np.mean(a, axis=0)`, `a.argmax()`, ...), lowered to
//! loop nests before the statement that uses them, as NumPy computes them: `min`, `max`
//! and their `arg` forms propagate NaN (the first NaN wins) and raise `ValueError` on an
//! empty array; integer sums are int64 (uint64 for unsigned arrays), float32 ones float32;
//! `mean`, `var` and `std` are float64 (float32 for float32 arrays), `var` by two passes
//! (the mean, then the squared deviations), with `ddof = 0`.
//!
//! Float sums accumulate in float64 from the first element to the last; NumPy sums by
//! pairwise blocks, so the last bits of a long float sum may differ (float32 sums are more
//! accurate here than NumPy's).

use super::*;

/// Which reduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reduce {
    Sum,
    Prod,
    Min,
    Max,
    ArgMin,
    ArgMax,
    Mean,
    Var,
    Std,
    Any,
    All,
}

impl Reduce {
    pub(super) fn from_name(name: &str) -> Option<Reduce> {
        Some(match name {
            "sum" => Reduce::Sum,
            "prod" => Reduce::Prod,
            "min" | "amin" => Reduce::Min,
            "max" | "amax" => Reduce::Max,
            "argmin" => Reduce::ArgMin,
            "argmax" => Reduce::ArgMax,
            "mean" => Reduce::Mean,
            "var" => Reduce::Var,
            "std" => Reduce::Std,
            "any" => Reduce::Any,
            "all" => Reduce::All,
            _ => return None,
        })
    }

    fn needs_elements(self) -> bool {
        matches!(self, Reduce::Min | Reduce::Max | Reduce::ArgMin | Reduce::ArgMax)
    }
}

/// The type of a reduction's result for an array of `dtype`.
fn result_type(kind: Reduce, dtype: DType) -> Ty {
    let floating = |d: DType| if d == DType::F32 { Ty::Num(DType::F32) } else { Ty::Float };
    match kind {
        Reduce::Sum | Reduce::Prod => match dtype.kind() {
            'f' => floating(dtype),
            'u' => Ty::Num(DType::U64),
            _ => Ty::Int,
        },
        Reduce::Min | Reduce::Max => Ty::element(dtype),
        Reduce::ArgMin | Reduce::ArgMax => Ty::Int,
        Reduce::Mean | Reduce::Var | Reduce::Std => floating(dtype),
        Reduce::Any | Reduce::All => Ty::Bool,
    }
}

impl FnCx<'_, '_> {
    /// `kind` of the array `arr` over all its elements (`axis` `None`) or along one axis (a
    /// new array of the other axes).
    pub(super) fn reduce(
        &mut self,
        kind: Reduce,
        arr: TExpr,
        axis: Option<&Expr>,
        span: Span,
    ) -> LResult<TExpr> {
        let pos = span.start;
        let Ty::Array { dtype, ndim } = arr.ty else {
            return Err(self.err(
                ErrorKind::Type,
                span,
                format!("this reduction needs an array, found {}", arr.ty.name()),
            ));
        };
        let axis = match axis {
            None => None,
            Some(e) => {
                let k = match self.expr(e)?.kind {
                    TK::Int(k) => k,
                    TK::Neg(x) => match x.kind {
                        TK::Int(k) => -k,
                        _ => i64::MAX,
                    },
                    _ => i64::MAX,
                };
                let k = if k < 0 { k + ndim as i64 } else { k };
                if !(0..ndim as i64).contains(&k) {
                    return Err(self.err(
                        ErrorKind::Type,
                        e.span,
                        format!(
                            "axis must be an integer constant from {} to {} for a {ndim}-d array",
                            -(ndim as i64),
                            ndim - 1
                        ),
                    ));
                }
                Some(k as usize)
            }
        };
        let rty = result_type(kind, dtype);
        let out_ty = match axis {
            Some(_) if ndim > 1 => {
                let d = rty.scalar_dtype().unwrap_or(DType::F64);
                Ty::Array { dtype: d, ndim: ndim - 1 }
            }
            _ => rty.clone(),
        };
        let arr = self.force(arr)?;
        if !self.strict {
            return Ok(TExpr::new(out_ty, TK::Local(usize::MAX), pos));
        }
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let a = self.hidden(arr.ty.clone());
        let aty = arr.ty.clone();
        self.pre.push(TStmt::Assign(a, arr));
        let a_expr = TExpr::new(aty, TK::Local(a), pos);
        let dim = |k: usize| int(TK::Shape(Box::new(a_expr.clone()), k));
        let (outer, inner): (Vec<usize>, Vec<usize>) = match axis {
            Some(k) if ndim > 1 => ((0..ndim).filter(|&d| d != k).collect(), vec![k]),
            _ => (Vec::new(), (0..ndim).collect()),
        };
        let ivars: Vec<usize> = (0..ndim).map(|_| self.hidden(Ty::Int)).collect();
        let elem = element_at(&a_expr, &ivars, Ty::element(dtype));
        let count =
            inner.iter().map(|&d| dim(d)).reduce(|x, y| int(TK::Bin(BinOp::Mul, Box::new(x), Box::new(y))));
        let count = count.unwrap_or(int(TK::Int(1)));
        let mut body = Vec::new();
        if kind.needs_elements() {
            let empty = TExpr::new(
                Ty::Bool,
                TK::Cmp(CmpOp::Eq, Box::new(count.clone()), Box::new(int(TK::Int(0)))),
                pos,
            );
            body.push(TStmt::If(empty, vec![TStmt::Raise(RtError::EmptyReduction, pos)], Vec::new()));
        }
        let result = self.reduction_body(kind, &elem, &count, &inner, &ivars, &dim, &mut body, span)?;
        let result = self.cast(result, &rty, span)?;
        match (axis, out_ty.clone()) {
            (Some(_), Ty::Array { dtype: odt, ndim: ond }) => {
                let out = self.hidden(out_ty.clone());
                let shape = outer.iter().map(|&d| dim(d)).collect();
                self.pre.push(TStmt::Assign(
                    out,
                    TExpr::new(out_ty.clone(), TK::NewArray { dtype: odt, shape, fill: Fill::Empty }, pos),
                ));
                let _ = ond;
                let value = self.cast(result, &Ty::of_dtype(odt), span)?;
                body.push(TStmt::Store {
                    arr: TExpr::new(out_ty.clone(), TK::Local(out), pos),
                    idx: outer.iter().map(|&d| int(TK::Local(ivars[d]))).collect(),
                    value,
                    check: false,
                });
                let nest = self.loop_nest(&outer, &ivars, &dim, body, pos);
                self.pre.extend(nest);
                Ok(TExpr::new(out_ty, TK::Local(out), pos))
            }
            _ => {
                let res = self.hidden(rty.clone());
                body.push(TStmt::Assign(res, result));
                self.pre.extend(body);
                Ok(TExpr::new(rty, TK::Local(res), pos))
            }
        }
    }

    /// `for` loops over dimensions `dims` (outermost first) of the array whose sizes `dim`
    /// gives, with loop variables `ivars[d]`, around `body`.
    pub(super) fn loop_nest(
        &mut self,
        dims: &[usize],
        ivars: &[usize],
        dim: &dyn Fn(usize) -> TExpr,
        body: Vec<TStmt>,
        pos: usize,
    ) -> Vec<TStmt> {
        let int = |k: TK| TExpr::new(Ty::Int, k, pos);
        let mut stmts = body;
        for &d in dims.iter().rev() {
            stmts = vec![TStmt::ForRange {
                var: ivars[d],
                start: int(TK::Int(0)),
                stop: dim(d),
                step: int(TK::Int(1)),
                stop_local: self.hidden(Ty::Int),
                step_local: self.hidden(Ty::Int),
                counter: self.hidden(Ty::Int),
                body: stmts,
                pos,
            }];
        }
        stmts
    }

    /// Appends to `out` the statements computing one reduction over the `inner` dimensions
    /// (accumulators set, the loop nest); gives the result's expression.
    #[allow(clippy::too_many_arguments)]
    fn reduction_body(
        &mut self,
        kind: Reduce,
        elem: &TExpr,
        count: &TExpr,
        inner: &[usize],
        ivars: &[usize],
        dim: &dyn Fn(usize) -> TExpr,
        out: &mut Vec<TStmt>,
        span: Span,
    ) -> LResult<TExpr> {
        let pos = span.start;
        let local = |l: usize, t: &Ty| TExpr::new(t.clone(), TK::Local(l), pos);
        let float = |x: f64| TExpr::new(Ty::Float, TK::Float(x), pos);
        let elem_ty = elem.ty.clone();
        let is_float = elem_ty.repr() == Ty::Float;
        Ok(match kind {
            Reduce::Sum | Reduce::Prod | Reduce::Mean | Reduce::Var | Reduce::Std => {
                let acc_ty = if is_float || matches!(kind, Reduce::Mean | Reduce::Var | Reduce::Std) {
                    Ty::Float
                } else {
                    Ty::Int
                };
                let acc = self.hidden(acc_ty.clone());
                let init: i32 = if kind == Reduce::Prod { 1 } else { 0 };
                let init = if acc_ty == Ty::Float {
                    float(f64::from(init))
                } else {
                    TExpr::new(Ty::Int, TK::Int(i64::from(init)), pos)
                };
                out.push(TStmt::Assign(acc, init));
                let x = self.cast(elem.clone(), &acc_ty, span)?;
                let op = if kind == Reduce::Prod { BinOp::Mul } else { BinOp::Add };
                let step =
                    TExpr::new(acc_ty.clone(), TK::Bin(op, Box::new(local(acc, &acc_ty)), Box::new(x)), pos);
                let nest = self.loop_nest(inner, ivars, dim, vec![TStmt::Assign(acc, step)], pos);
                out.extend(nest);
                if matches!(kind, Reduce::Sum | Reduce::Prod) {
                    return Ok(local(acc, &acc_ty));
                }
                let n = self.cast(count.clone(), &Ty::Float, span)?;
                let mean = TExpr::new(
                    Ty::Float,
                    TK::Bin(BinOp::Div, Box::new(local(acc, &Ty::Float)), Box::new(n.clone())),
                    pos,
                );
                if kind == Reduce::Mean {
                    return Ok(mean);
                }
                let m = self.hidden(Ty::Float);
                out.push(TStmt::Assign(m, mean));
                let sq = self.hidden(Ty::Float);
                out.push(TStmt::Assign(sq, float(0.0)));
                let x = self.cast(elem.clone(), &Ty::Float, span)?;
                let d = TExpr::new(
                    Ty::Float,
                    TK::Bin(BinOp::Sub, Box::new(x), Box::new(local(m, &Ty::Float))),
                    pos,
                );
                let d2 = TExpr::new(Ty::Float, TK::Bin(BinOp::Mul, Box::new(d.clone()), Box::new(d)), pos);
                let step = TExpr::new(
                    Ty::Float,
                    TK::Bin(BinOp::Add, Box::new(local(sq, &Ty::Float)), Box::new(d2)),
                    pos,
                );
                let nest = self.loop_nest(inner, ivars, dim, vec![TStmt::Assign(sq, step)], pos);
                out.extend(nest);
                let var = TExpr::new(
                    Ty::Float,
                    TK::Bin(BinOp::Div, Box::new(local(sq, &Ty::Float)), Box::new(n)),
                    pos,
                );
                if kind == Reduce::Var {
                    var
                } else {
                    TExpr::new(Ty::Float, TK::Math(MathFn::Sqrt, vec![var]), pos)
                }
            }
            Reduce::Any | Reduce::All => {
                let acc = self.hidden(Ty::Bool);
                out.push(TStmt::Assign(acc, TExpr::new(Ty::Bool, TK::Bool(kind == Reduce::All), pos)));
                let x = self.truthy(elem.clone(), span)?;
                let a = Box::new(local(acc, &Ty::Bool));
                let step = if kind == Reduce::Any {
                    TExpr::new(Ty::Bool, TK::Or(a, Box::new(x)), pos)
                } else {
                    TExpr::new(Ty::Bool, TK::And(a, Box::new(x)), pos)
                };
                let nest = self.loop_nest(inner, ivars, dim, vec![TStmt::Assign(acc, step)], pos);
                out.extend(nest);
                local(acc, &Ty::Bool)
            }
            Reduce::Min | Reduce::Max | Reduce::ArgMin | Reduce::ArgMax => {
                let lower = matches!(kind, Reduce::Min | Reduce::ArgMin);
                // The start is passed by every element (or equal to it, then the first
                // element's index stays): +-inf, or the type's extreme integer.
                let start = match (&elem_ty, lower) {
                    (_, _) if is_float => float(if lower { f64::INFINITY } else { f64::NEG_INFINITY }),
                    (Ty::Bool, _) => TExpr::new(Ty::Bool, TK::Bool(lower), pos),
                    (Ty::Num(DType::U64), _) => {
                        TExpr::new(elem_ty.clone(), TK::Int(if lower { -1 } else { 0 }), pos)
                    }
                    (_, true) => TExpr::new(elem_ty.clone(), TK::Int(i64::MAX), pos),
                    (_, false) => TExpr::new(elem_ty.clone(), TK::Int(i64::MIN), pos),
                };
                let acc_ty = if is_float { elem_ty.clone() } else { start.ty.clone() };
                let acc = self.hidden(acc_ty.clone());
                out.push(TStmt::Assign(acc, retyped(start, &acc_ty)));
                let k = self.hidden(Ty::Int);
                let at = self.hidden(Ty::Int);
                out.push(TStmt::Assign(k, TExpr::new(Ty::Int, TK::Int(0), pos)));
                out.push(TStmt::Assign(at, TExpr::new(Ty::Int, TK::Int(0), pos)));
                let cur = local(acc, &acc_ty);
                let op = if lower { CmpOp::Lt } else { CmpOp::Gt };
                let better = self.compare(op, elem.clone(), cur.clone(), span, span)?;
                // NaN wins once and stays: a NaN element replaces a number, nothing replaces NaN.
                let take = if is_float {
                    let cur_f = self.cast(cur, &Ty::Float, span)?;
                    let x_f = self.cast(elem.clone(), &Ty::Float, span)?;
                    let acc_nan = TExpr::new(Ty::Bool, TK::IsNan(Box::new(cur_f)), pos);
                    let x_nan = TExpr::new(Ty::Bool, TK::IsNan(Box::new(x_f)), pos);
                    let either = TExpr::new(Ty::Bool, TK::Or(Box::new(better), Box::new(x_nan)), pos);
                    let not_nan = TExpr::new(Ty::Bool, TK::Not(Box::new(acc_nan)), pos);
                    TExpr::new(Ty::Bool, TK::And(Box::new(not_nan), Box::new(either)), pos)
                } else {
                    better
                };
                let x = self.cast(elem.clone(), &acc_ty, span)?;
                let kk = TExpr::new(Ty::Int, TK::Local(k), pos);
                let body = vec![
                    TStmt::If(take, vec![TStmt::Assign(acc, x), TStmt::Assign(at, kk.clone())], Vec::new()),
                    TStmt::Assign(
                        k,
                        TExpr::new(
                            Ty::Int,
                            TK::Bin(BinOp::Add, Box::new(kk), Box::new(TExpr::new(Ty::Int, TK::Int(1), pos))),
                            pos,
                        ),
                    ),
                ];
                let nest = self.loop_nest(inner, ivars, dim, body, pos);
                out.extend(nest);
                if matches!(kind, Reduce::ArgMin | Reduce::ArgMax) {
                    local(at, &Ty::Int)
                } else {
                    local(acc, &acc_ty)
                }
            }
        })
    }
}

/// The same constant, said to have type `ty`.
fn retyped(mut e: TExpr, ty: &Ty) -> TExpr {
    e.ty = ty.clone();
    e
}

/// The element of array `a` at the loop variables `ivars` (one per dimension), unchecked
/// (the loops stay inside the shape), said to be of type `ty`.
pub(super) fn element_at(a: &TExpr, ivars: &[usize], ty: Ty) -> TExpr {
    let pos = a.pos;
    let idx = ivars.iter().map(|&v| TExpr::new(Ty::Int, TK::Local(v), pos)).collect();
    TExpr::new(ty, TK::Index { arr: Box::new(a.clone()), idx, check: false }, pos)
}
