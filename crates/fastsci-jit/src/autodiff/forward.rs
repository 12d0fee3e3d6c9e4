//! Forward mode: a typed-IR function becomes one that also carries, beside every float
//! variable and float64 array, its tangent (the directional derivative along the tangents
//! given for the arguments), and returns `(value, tangent)`: a Jacobian-vector product in
//! one run, without a tape. Control flow is kept as written (`break`, `continue` and
//! `return` included); arrays get a tangent array each.

use std::collections::HashMap;

use super::build::*;
use super::normalize::scalarize_tuples;
use super::partials::{math_partials, picks_second};
use crate::ir::{BinOp, Fill, Func, TExpr, TK, TStmt, Ty};
use crate::value::DType;
use crate::{ErrorKind, JitError};

/// Adds to `funcs` the tangent function of `entry`: its parameters, then one tangent per
/// parameter (of the same type; ignored unless a float or a float64 array), returning
/// `(value, tangent of the value)`. Returns the new function list and its index.
pub(crate) fn jvp(funcs: Vec<Func>, entry: usize, source: &str) -> Result<(Vec<Func>, usize), JitError> {
    let f = &funcs[entry];
    if f.ret != Ty::Float {
        let what = format!("`{}` returns {}; a derivative needs a float result", f.name, f.ret.name());
        return Err(JitError::plain(ErrorKind::Type, what));
    }
    let mut fw = Forward { source, funcs, tangents: HashMap::new() };
    let id = fw.tangent_function(entry)?;
    Ok((fw.funcs, id))
}

struct Forward<'s> {
    source: &'s str,
    funcs: Vec<Func>,
    /// The tangent function of each function that has one.
    tangents: HashMap<usize, usize>,
}

fn tangent_ret(f: &Func) -> Ty {
    Ty::Tuple(vec![f.ret.clone(), Ty::Float])
}

impl Forward<'_> {
    fn tangent_function(&mut self, fid: usize) -> Result<usize, JitError> {
        let ret = tangent_ret(&self.funcs[fid]);
        let id = match derived_index(&mut self.funcs, &mut self.tangents, fid, ret) {
            Ok(made) => return Ok(made),
            Err(reserved) => reserved,
        };
        let f = self.build(fid)?;
        self.funcs[id] = f;
        Ok(id)
    }

    fn build(&mut self, fid: usize) -> Result<Func, JitError> {
        let mut f = self.funcs[fid].clone();
        scalarize_tuples(&mut f);
        let n = f.params;
        // The tangents of the parameters come right after them.
        let shift = |l: usize| if l < n { l } else { l + n };
        let mut body = f.body.clone();
        rename_locals(&mut body, &shift);
        let mut locals: Vec<Ty> = f.locals[..n].to_vec();
        locals.extend(f.locals[..n].iter().cloned());
        locals.extend(f.locals[n..].iter().cloned());
        let original = locals.len();
        let mut t = Tangents { fw: self, locals, tan: Vec::new() };
        for l in 0..original {
            let ty = t.locals[l].clone();
            let carried = ty == Ty::Float || matches!(ty, Ty::Array { dtype: DType::F64, .. });
            let tl = if l < n && carried {
                Some(l + n)
            } else if (n..2 * n).contains(&l) || !carried {
                None
            } else {
                Some(t.fresh(ty))
            };
            t.tan.push(tl);
        }
        let body = t.block(&body)?;
        let names = f.names.iter().map(|(s, l)| (s.clone(), shift(*l))).collect();
        Ok(Func { name: f.name.clone(), params: 2 * n, locals: t.locals, names, ret: tangent_ret(&f), body })
    }
}

struct Tangents<'a, 's> {
    fw: &'a mut Forward<'s>,
    locals: Vec<Ty>,
    /// The tangent local of each original local that carries one.
    tan: Vec<Option<usize>>,
}

impl Tangents<'_, '_> {
    fn fresh(&mut self, ty: Ty) -> usize {
        self.locals.push(ty);
        self.locals.len() - 1
    }

    fn err(&self, pos: usize, what: &str) -> JitError {
        JitError::at(ErrorKind::Unsupported, self.fw.source, pos, format!("cannot differentiate {what}"))
    }

    fn block(&mut self, body: &[TStmt]) -> Result<Vec<TStmt>, JitError> {
        let mut out = Vec::new();
        for s in body {
            self.stmt(s, &mut out)?;
        }
        Ok(out)
    }

    fn stmt(&mut self, s: &TStmt, out: &mut Vec<TStmt>) -> Result<(), JitError> {
        match s {
            TStmt::Assign(l, e) => match (&self.locals[*l].clone(), self.tan[*l]) {
                (Ty::Float, Some(tl)) => {
                    // The tangent first: `e` may read the variable's old value.
                    out.push(assign(tl, self.tangent(e)?));
                    out.push(s.clone());
                }
                (Ty::Array { .. }, Some(tl)) => {
                    out.push(s.clone());
                    let ta = match &e.kind {
                        TK::NewArray { shape: dims, .. } => {
                            let t = &self.locals[*l];
                            let dims = (0..dims.len()).map(|k| shape(local(*l, t), k)).collect();
                            TExpr::new(
                                t.clone(),
                                TK::NewArray { dtype: DType::F64, shape: dims, fill: Fill::Zeros },
                                0,
                            )
                        }
                        _ => self.array_tangent(e).ok_or_else(|| {
                            self.err(
                                e.pos,
                                "an array that is not created with np.zeros/ones/empty or a view of one",
                            )
                        })?,
                    };
                    out.push(assign(tl, ta));
                }
                _ => {
                    self.check(e)?;
                    out.push(s.clone());
                }
            },
            TStmt::Store { arr, idx, value, check } => {
                if let Some(ta) = self.array_tangent(arr) {
                    let tv = self.tangent(value)?;
                    out.push(TStmt::Store { arr: ta, idx: idx.clone(), value: tv, check: *check });
                } else {
                    self.check(value)?;
                }
                out.push(s.clone());
            }
            TStmt::Eval(e) => {
                self.check(e)?;
                out.push(s.clone());
            }
            TStmt::If(c, a, b) => {
                self.check(c)?;
                out.push(TStmt::If(c.clone(), self.block(a)?, self.block(b)?));
            }
            TStmt::While(c, body) => {
                self.check(c)?;
                out.push(TStmt::While(c.clone(), self.block(body)?));
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } => {
                out.push(TStmt::ForRange {
                    var: *var,
                    start: start.clone(),
                    stop: stop.clone(),
                    step: step.clone(),
                    stop_local: *stop_local,
                    step_local: *step_local,
                    counter: *counter,
                    body: self.block(body)?,
                    pos: *pos,
                });
            }
            // Printing and raising do not change any value's derivative.
            TStmt::Break | TStmt::Continue | TStmt::Raise(..) | TStmt::Print(_) => out.push(s.clone()),
            TStmt::Return(e) => {
                let te = self.tangent(e)?;
                let ty = Ty::Tuple(vec![e.ty.clone(), Ty::Float]);
                out.push(TStmt::Return(TExpr::new(ty, TK::Tuple(vec![e.clone(), te]), e.pos)));
            }
        }
        Ok(())
    }

    /// Rejects what the tangent code would evaluate differently from the kernel.
    fn check(&self, e: &TExpr) -> Result<(), JitError> {
        if any_node(e, &|n| matches!(n.kind, TK::Random(..))) {
            return Err(self.err(e.pos, "random numbers"));
        }
        Ok(())
    }

    fn array_tangent(&self, e: &TExpr) -> Option<TExpr> {
        same_view_of(e, &|l| self.tan.get(l).copied().flatten())
    }

    /// The tangent of a float expression (zero for others).
    fn tangent(&mut self, e: &TExpr) -> Result<TExpr, JitError> {
        self.check(e)?;
        if e.ty != Ty::Float {
            return Ok(float(0.0));
        }
        let sum = |terms: Vec<TExpr>| terms.into_iter().fold(float(0.0), add);
        Ok(match &e.kind {
            TK::Float(_) => float(0.0),
            TK::Local(l) => {
                self.tan.get(*l).copied().flatten().map_or_else(|| float(0.0), |t| local(t, &Ty::Float))
            }
            TK::Index { arr, idx, check } => match self.array_tangent(arr) {
                Some(ta) if matches!(arr.ty, Ty::Array { dtype: DType::F64, .. }) => {
                    index(ta, idx.clone(), *check)
                }
                _ => float(0.0),
            },
            TK::Cast(x) if x.ty != Ty::Float => float(0.0),
            TK::Cast(x) => self.tangent(x)?,
            TK::Neg(x) => neg(self.tangent(x)?),
            TK::Bin(op, a, b) => {
                let (ta, tb) = (self.tangent(a)?, self.tangent(b)?);
                let (a, b) = (a.as_ref().clone(), b.as_ref().clone());
                match op {
                    BinOp::Add => add(ta, tb),
                    BinOp::Sub => sub(ta, tb),
                    BinOp::Mul => {
                        let left = if is_zero(&ta) { float(0.0) } else { mul(ta, b) };
                        let right = if is_zero(&tb) { float(0.0) } else { mul(a, tb) };
                        add(left, right)
                    }
                    BinOp::Div => {
                        // (ta - (a/b) tb) / b, dividing where the kernel does (same error).
                        let q = TExpr { pos: e.pos, ..div(a, b.clone()) };
                        TExpr { pos: e.pos, ..div(sub(ta, mul(q, tb)), b) }
                    }
                    BinOp::Max | BinOp::Min => if_else(picks_second(*op, a, b), tb, ta),
                    _ => return Err(self.err(e.pos, "this operator on floats")),
                }
            }
            TK::PowConst(x, k) => {
                if *k == 0 {
                    float(0.0)
                } else {
                    let slope = mul(float(f64::from(*k)), pow_const(x.as_ref().clone(), k - 1));
                    mul(slope, self.tangent(x)?)
                }
            }
            TK::IfElse(c, a, b) => if_else(c.as_ref().clone(), self.tangent(a)?, self.tangent(b)?),
            TK::Select(c, a, b) => {
                let (ta, tb) = (self.tangent(a)?, self.tangent(b)?);
                TExpr::new(Ty::Float, TK::Select(c.clone(), Box::new(ta), Box::new(tb)), 0)
            }
            TK::Math(f, args) => {
                let partials = math_partials(*f, args, e).map_err(|what| self.err(e.pos, what))?;
                let mut terms = Vec::new();
                for (p, a) in partials.into_iter().zip(args) {
                    let ta = self.tangent(a)?;
                    // A constant operand (an int converted) adds nothing, even where its
                    // partial is not finite (d/db a^b at a < 0).
                    if let Some(p) = p.filter(|_| !is_zero(&ta)) {
                        terms.push(mul(p, ta));
                    }
                }
                sum(terms)
            }
            TK::Call(fid, args) => {
                let callee_params: Vec<Ty> = {
                    let c = &self.fw.funcs[*fid];
                    c.locals[..c.params].to_vec()
                };
                let tid = self.fw.tangent_function(*fid)?;
                let mut call_args = args.clone();
                for (a, ty) in args.iter().zip(&callee_params) {
                    call_args.push(match ty {
                        Ty::Float => self.tangent(a)?,
                        Ty::Array { dtype: DType::F64, .. } => self
                            .array_tangent(a)
                            .ok_or_else(|| self.err(a.pos, "an array argument without a derivative"))?,
                        _ => a.clone(),
                    });
                }
                let ret = Ty::Tuple(vec![Ty::Float, Ty::Float]);
                tuple_get(TExpr::new(ret, TK::Call(tid, call_args), e.pos), 1)
            }
            _ => return Err(self.err(e.pos, "this expression")),
        })
    }
}

/// Whether a tangent is the constant zero (of something not differentiated).
fn is_zero(t: &TExpr) -> bool {
    matches!(t.kind, TK::Float(z) if z == 0.0)
}
