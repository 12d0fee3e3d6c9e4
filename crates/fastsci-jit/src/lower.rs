//! Type inference and lowering: AST -> typed IR, one specialization per argument signature.
//!
//! Types are inferred by iterating each function body to a fixpoint: every assignment joins
//! the variable's type with the assigned type (`bool < int < float`; arrays and tuples must
//! agree); statements whose types are not yet known are skipped until they are. Then a final,
//! strict pass produces the typed IR, inserting conversions at assignments and returns.

use std::collections::HashMap;

mod array_expr;
mod views;
use array_expr::is_array;
use views::is_view_index;

use crate::ir::{BinOp, Fill, Func, MathFn, RandomFn, TExpr, TK, TStmt, Ty};
use crate::value::{DType, ScalarType, Value, scalar_type};
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::{self as expr, BoolOp, CmpOp, Expr, ExprKind, Span, UnaryOp};
use fastsci_expr::ast::{FuncDef, Global, Stmt, StmtKind};
use fastsci_expr::formula::check_call_arity;
use fastsci_expr::functions::named_constant;

/// Lowering failure: a real error, or (during inference) a type not known yet.
pub(crate) enum LErr {
    Unknown,
    Err(JitError),
}

impl From<JitError> for LErr {
    fn from(e: JitError) -> Self {
        LErr::Err(e)
    }
}

type LResult<T> = Result<T, LErr>;

/// How names resolve in a formula.
#[derive(Clone)]
pub(crate) enum FormulaVar {
    /// The i-th scalar.
    Scalar(usize),
    /// The i-th vector.
    Vector(usize),
}

/// Options of a compilation.
#[derive(Clone, Copy)]
pub(crate) struct Options {
    /// Check array indices against the shape.
    pub boundscheck: bool,
}

enum SpecState {
    Pending { ret: Option<Ty> },
    Done(Func),
}

/// All specializations made while compiling calls from one entry point.
pub(crate) struct Program<'a> {
    src: &'a str,
    defs: &'a [FuncDef],
    opts: Options,
    keys: HashMap<(String, Vec<Ty>), usize>,
    specs: Vec<SpecState>,
    depth: usize,
    /// Names frozen at compile time given by the caller (numbers, bools, tuples of them).
    consts: &'a [(String, Value)],
    /// The module's own module-level assignments, in source order.
    globals: &'a [Global],
}

impl<'a> Program<'a> {
    pub fn new(src: &'a str, defs: &'a [FuncDef], opts: Options) -> Self {
        Program {
            src,
            defs,
            opts,
            keys: HashMap::new(),
            specs: Vec::new(),
            depth: 0,
            consts: &[],
            globals: &[],
        }
    }

    /// Gives the kernels the module's own module-level assignments.
    pub fn with_globals(mut self, globals: &'a [Global]) -> Self {
        self.globals = globals;
        self
    }

    /// Gives the kernels these frozen module-level constants (a local variable or parameter
    /// of the same name hides one, as in Python).
    pub fn with_consts(mut self, consts: &'a [(String, Value)]) -> Self {
        self.consts = consts;
        self
    }

    /// Specializes `name` for `args`, returning its index.
    pub fn specialize(&mut self, name: &str, args: &[Ty], call_pos: usize) -> Result<usize, LErr> {
        let key = (name.to_string(), args.to_vec());
        if let Some(&i) = self.keys.get(&key) {
            return Ok(i);
        }
        let Some(def) = self.defs.iter().find(|d| d.name == name) else {
            return Err(JitError::at(
                ErrorKind::Name,
                self.src,
                call_pos,
                format!("no function named `{name}`"),
            )
            .into());
        };
        if let Some(e) = &def.error {
            return Err(e.clone().into());
        }
        if def.params.len() != args.len() {
            return Err(JitError::at(
                ErrorKind::Type,
                self.src,
                call_pos,
                format!("`{name}` takes {} argument(s), got {}", def.params.len(), args.len()),
            )
            .into());
        }
        if self.depth > 200 {
            return Err(
                JitError::at(ErrorKind::Type, self.src, call_pos, "too many nested specializations").into()
            );
        }
        let id = self.specs.len();
        self.specs.push(SpecState::Pending { ret: None });
        self.keys.insert(key, id);
        self.depth += 1;
        let r = FnCx::lower_def(self, def, args, id);
        self.depth -= 1;
        match r {
            Ok(f) => {
                self.specs[id] = SpecState::Done(f);
                Ok(id)
            }
            Err(e) => {
                self.keys.remove(&(name.to_string(), args.to_vec()));
                Err(e)
            }
        }
    }

    /// The finished functions, indexed by specialization id.
    pub fn into_funcs(self) -> Result<Vec<Func>, JitError> {
        self.specs
            .into_iter()
            .map(|s| match s {
                SpecState::Done(f) => Ok(f),
                SpecState::Pending { .. } => {
                    Err(JitError::plain(ErrorKind::Internal, "unfinished specialization"))
                }
            })
            .collect()
    }

    fn ret_of(&self, id: usize) -> Option<Ty> {
        match &self.specs[id] {
            SpecState::Pending { ret } => ret.clone(),
            SpecState::Done(f) => Some(f.ret.clone()),
        }
    }
}

/// Deepest expression nesting after module-level constants are substituted (the front end
/// allows 200 levels per expression as written).
const MAX_LOWER_DEPTH: usize = 250;

/// Deepest chain of module-level constants defined from one another (`B = A + 1`, ...).
const MAX_GLOBAL_DEPTH: usize = 64;

/// A frozen constant as a typed expression (`None` for values that cannot be constants).
fn constant(v: &Value, pos: usize) -> Option<TExpr> {
    Some(match v {
        Value::Int(i) => TExpr::new(Ty::Int, TK::Int(*i), pos),
        Value::Float(f) => TExpr::new(Ty::Float, TK::Float(*f), pos),
        Value::Bool(b) => TExpr::new(Ty::Bool, TK::Bool(*b), pos),
        Value::Tuple(items) => {
            let items = items.iter().map(|x| constant(x, pos)).collect::<Option<Vec<_>>>()?;
            TExpr::new(Ty::Tuple(items.iter().map(|x| x.ty.clone()).collect()), TK::Tuple(items), pos)
        }
        Value::Array(_) | Value::None => return None,
    })
}

/// Whether evaluating `e` costs a few instructions and can neither fail, nor read memory,
/// nor change anything (so computing it when its value is not used is harmless).
fn cheap_and_total(e: &TExpr) -> bool {
    let own = match &e.kind {
        TK::Int(_) | TK::Float(_) | TK::Bool(_) | TK::Local(_) => true,
        TK::Neg(_) | TK::Not(_) | TK::Invert(_) | TK::Cast(_) | TK::PowConst(..) | TK::Cmp(..) => true,
        TK::IsNan(_) | TK::IsInf(_) | TK::IsFinite(_) | TK::Select(..) => true,
        TK::Bin(op, ..) => {
            matches!(
                op,
                BinOp::Add
                    | BinOp::Sub
                    | BinOp::Mul
                    | BinOp::Max
                    | BinOp::Min
                    | BinOp::BitAnd
                    | BinOp::BitOr
                    | BinOp::BitXor
            )
        }
        TK::Math(m, _) => matches!(
            m,
            MathFn::Sqrt | MathFn::Fabs | MathFn::Floor | MathFn::Ceil | MathFn::Trunc | MathFn::Copysign
        ),
        _ => false,
    };
    own && e.children().into_iter().all(cheap_and_total)
}

/// Joins two types, if they can be joined.
fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Ty::Float, Ty::Int | Ty::Bool) | (Ty::Int | Ty::Bool, Ty::Float) => Some(Ty::Float),
        (Ty::Int, Ty::Bool) | (Ty::Bool, Ty::Int) => Some(Ty::Int),
        (Ty::Tuple(x), Ty::Tuple(y)) if x.len() == y.len() => {
            Some(Ty::Tuple(x.iter().zip(y).map(|(p, q)| unify(p, q)).collect::<Option<_>>()?))
        }
        _ => None,
    }
}

/// Lowers one formula into a function `(scalars_ptr, vectors_ptr) -> float`.
pub(crate) fn lower_formula(
    src: &str,
    e: &Expr,
    vars: &HashMap<String, FormulaVar>,
) -> Result<Func, JitError> {
    let mut prog = Program::new(src, &[], Options { boundscheck: false });
    let mut cx = FnCx::new(&mut prog, true);
    cx.formula = Some(vars.clone());
    cx.locals = vec![Ty::Int, Ty::Int];
    let body = match cx.expr(e) {
        Ok(t) => t,
        Err(LErr::Err(e)) => return Err(e),
        Err(LErr::Unknown) => {
            return Err(JitError::at(ErrorKind::Internal, src, e.span.start, "type not inferred"));
        }
    };
    let pos = body.pos;
    let body = cx.cast(body, &Ty::Float, e.span).map_err(|e| match e {
        LErr::Err(e) => e,
        LErr::Unknown => JitError::plain(ErrorKind::Internal, "type not inferred"),
    })?;
    let _ = pos;
    Ok(Func {
        name: "<formula>".into(),
        params: 2,
        locals: cx.locals,
        names: Vec::new(),
        ret: Ty::Float,
        body: vec![TStmt::Return(body)],
    })
}

struct FnCx<'p, 'a> {
    prog: &'p mut Program<'a>,
    src: &'a str,
    strict: bool,
    formula: Option<HashMap<String, FormulaVar>>,
    /// Inferred variable types (persist across iterations).
    var_types: HashMap<String, Ty>,
    /// Names assigned somewhere in the body (plus parameters).
    assigned: Vec<String>,
    /// Final locals (strict pass): name -> local.
    names: HashMap<String, usize>,
    locals: Vec<Ty>,
    ret: Option<Ty>,
    ret_none: bool,
    changed: bool,
    loop_depth: usize,
    spec_id: Option<usize>,
    funcs_names: Vec<String>,
    /// While lowering a module-level constant's value: the number of module-level
    /// assignments before it (the ones its names can refer to); locals are out of scope.
    global_scope: Option<usize>,
    /// Module-level constants being lowered inside one another.
    global_depth: usize,
    /// Expressions being lowered inside one another.
    expr_depth: usize,
    /// Statements the current statement needs first (strict pass): the loops that compute
    /// its whole-array expressions.
    pre: Vec<TStmt>,
}

fn collect_assigned(body: &[Stmt], out: &mut Vec<String>) {
    fn target(e: &Expr, out: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Name(n) if !out.contains(n) => {
                out.push(n.clone());
            }
            ExprKind::Tuple(ts) => ts.iter().for_each(|t| target(t, out)),
            _ => {}
        }
    }
    for s in body {
        match &s.kind {
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target(t, out)),
            StmtKind::AugAssign { target: t, .. } => target(t, out),
            StmtKind::For { target: t, body, .. } => {
                target(t, out);
                collect_assigned(body, out);
            }
            StmtKind::If { body, orelse, .. } => {
                collect_assigned(body, out);
                collect_assigned(orelse, out);
            }
            StmtKind::While { body, .. } => collect_assigned(body, out),
            _ => {}
        }
    }
}

impl<'p, 'a> FnCx<'p, 'a> {
    fn new(prog: &'p mut Program<'a>, strict: bool) -> Self {
        let src = prog.src;
        let funcs_names = prog.defs.iter().map(|d| d.name.clone()).collect();
        FnCx {
            prog,
            src,
            strict,
            formula: None,
            var_types: HashMap::new(),
            assigned: Vec::new(),
            names: HashMap::new(),
            locals: Vec::new(),
            ret: None,
            ret_none: false,
            changed: false,
            loop_depth: 0,
            spec_id: None,
            funcs_names,
            global_scope: None,
            global_depth: 0,
            expr_depth: 0,
            pre: Vec::new(),
        }
    }

    fn lower_def(prog: &'p mut Program<'a>, def: &FuncDef, args: &[Ty], id: usize) -> Result<Func, LErr> {
        let mut var_types: HashMap<String, Ty> = HashMap::new();
        for ((p, _), t) in def.params.iter().zip(args) {
            var_types.insert(p.clone(), t.clone());
        }
        let mut assigned: Vec<String> = def.params.iter().map(|p| p.0.clone()).collect();
        collect_assigned(&def.body, &mut assigned);
        let mut ret: Option<Ty> = None;
        let mut ret_none = false;
        // Inference iterations.
        for _ in 0..50 {
            let mut cx = FnCx::new(prog, false);
            cx.var_types = var_types.clone();
            cx.assigned = assigned.clone();
            cx.ret = ret.clone();
            cx.ret_none = ret_none;
            cx.spec_id = Some(id);
            cx.block(&def.body)?;
            let changed = cx.changed || cx.ret != ret || cx.ret_none != ret_none;
            var_types = cx.var_types;
            ret = cx.ret;
            ret_none = cx.ret_none;
            if let SpecState::Pending { ret: r } = &mut prog.specs[id] {
                *r = ret.clone().or(if ret_none { Some(Ty::None) } else { None });
            }
            if !changed {
                break;
            }
        }
        let src = prog.src;
        if ret.is_some() && ret_none {
            return Err(JitError::at(
                ErrorKind::Type,
                src,
                def.span.start,
                format!("`{}` returns a value on some paths and nothing on others", def.name),
            )
            .into());
        }
        // Strict pass.
        let mut cx = FnCx::new(prog, true);
        cx.var_types = var_types.clone();
        cx.assigned = assigned;
        cx.ret = Some(ret.clone().unwrap_or(Ty::None));
        cx.spec_id = Some(id);
        for (p, _) in &def.params {
            let t = var_types[p].clone();
            cx.local_for(p, t);
        }
        let body = cx.block(&def.body)?;
        let mut names: Vec<(String, usize)> = cx.names.into_iter().collect();
        names.sort_by_key(|n| n.1);
        Ok(Func {
            name: def.name.clone(),
            params: def.params.len(),
            locals: cx.locals,
            names,
            ret: ret.unwrap_or(Ty::None),
            body,
        })
    }

    fn err(&self, kind: ErrorKind, span: Span, msg: impl Into<String>) -> LErr {
        LErr::Err(JitError::at(kind, self.src, span.start, msg))
    }

    fn local_for(&mut self, name: &str, ty: Ty) -> usize {
        if let Some(&l) = self.names.get(name) {
            return l;
        }
        let l = self.locals.len();
        self.locals.push(ty);
        self.names.insert(name.to_string(), l);
        l
    }

    fn hidden(&mut self, ty: Ty) -> usize {
        self.locals.push(ty);
        self.locals.len() - 1
    }

    // ---------- expressions ----------

    fn cast(&mut self, e: TExpr, ty: &Ty, span: Span) -> LResult<TExpr> {
        if &e.ty == ty {
            return Ok(e);
        }
        let pos = e.pos;
        match (&e.ty, ty) {
            (a, b) if a.is_numeric() && b.is_numeric() => {
                Ok(TExpr::new(ty.clone(), TK::Cast(Box::new(e)), pos))
            }
            (Ty::Tuple(_), Ty::Tuple(ts)) => {
                let TK::Tuple(items) = e.kind else {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!("cannot convert {} to {}", e.ty.name(), ty.name()),
                    ));
                };
                let mut out = Vec::new();
                for (it, t) in items.into_iter().zip(ts) {
                    out.push(self.cast(it, t, span)?);
                }
                Ok(TExpr::new(ty.clone(), TK::Tuple(out), pos))
            }
            _ => {
                Err(self.err(ErrorKind::Type, span, format!("expected {}, found {}", ty.name(), e.ty.name())))
            }
        }
    }

    fn truthy(&mut self, e: TExpr, span: Span) -> LResult<TExpr> {
        if !e.ty.is_numeric() {
            return Err(self.err(
                ErrorKind::Type,
                span,
                format!("a {} has no truth value here; compare numbers, e.g. a[i] > 0", e.ty.name()),
            ));
        }
        self.cast(e, &Ty::Bool, span)
    }

    fn numeric(&self, e: &TExpr, span: Span, what: &str) -> LResult<()> {
        if e.ty.is_numeric() {
            Ok(())
        } else {
            let hint = if matches!(e.ty, Ty::Array { .. }) {
                "; index the array, as in a[i], and write the loop"
            } else {
                ""
            };
            Err(self.err(ErrorKind::Type, span, format!("{what} needs numbers, found {}{hint}", e.ty.name())))
        }
    }

    fn common(&self, a: &Ty, b: &Ty) -> Ty {
        match (a, b) {
            (Ty::Float, _) | (_, Ty::Float) => Ty::Float,
            (Ty::Bool, Ty::Bool) => Ty::Bool,
            _ => Ty::Int,
        }
    }

    /// Lowers one expression. Nesting is bounded here as well as in the front end: module
    /// constants are lowered inside the expressions that read them, and the code generator
    /// and interpreter recurse over the result.
    fn expr(&mut self, e: &Expr) -> LResult<TExpr> {
        let t = self.expr_lazy(e)?;
        self.force(t)
    }

    /// Like [`FnCx::expr`], but a whole-array expression stays an `ArrayMap`, to be fused
    /// with the operation that uses it.
    fn expr_lazy(&mut self, e: &Expr) -> LResult<TExpr> {
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

    fn expr_inner(&mut self, e: &Expr) -> LResult<TExpr> {
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
                        Ok(TExpr::new(x.ty.clone(), TK::Neg(Box::new(x)), pos))
                    }
                    UnaryOp::Invert => {
                        if !matches!(x.ty, Ty::Int | Ty::Bool) {
                            return Err(self.err(
                                ErrorKind::Type,
                                span,
                                format!("`~` needs an int, found {}", x.ty.name()),
                            ));
                        }
                        let x = self.cast(x, &Ty::Int, span)?;
                        Ok(TExpr::new(Ty::Int, TK::Invert(Box::new(x)), pos))
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
                    _ => Err(self.err(
                        ErrorKind::Unsupported,
                        span,
                        format!("array attribute `.{attr}` is not supported; use .shape, .size or .ndim"),
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

    fn join_pair(&mut self, a: TExpr, b: TExpr, span: Span) -> LResult<(TExpr, TExpr, Ty)> {
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

    fn name(&mut self, n: &str, span: Span) -> LResult<TExpr> {
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
    fn module_global(&mut self, n: &str, span: Span) -> LResult<Option<TExpr>> {
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

    /// `np.float32(x)`, `np.int8(x)`, ...: the value converted as NumPy converts it, held
    /// as a float, int or bool.
    fn scalar_conversion(&mut self, st: ScalarType, x: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        Ok(match st {
            ScalarType::F64 => self.cast(x, &Ty::Float, span)?,
            ScalarType::F32 => {
                let f = self.cast(x, &Ty::Float, span)?;
                TExpr::new(Ty::Float, TK::Math(MathFn::RoundF32, vec![f]), pos)
            }
            ScalarType::Bool => self.cast(x, &Ty::Bool, span)?,
            ScalarType::Int { bits, signed } => {
                let v = self.cast(x, &Ty::Int, span)?;
                if bits == 64 {
                    return Ok(v);
                }
                let int = |k: i64| TExpr::new(Ty::Int, TK::Int(k), pos);
                let bin = |op, a, b| TExpr::new(Ty::Int, TK::Bin(op, Box::new(a), Box::new(b)), pos);
                let mask = int((1i64 << bits) - 1);
                if signed {
                    // Two's-complement wrap: ((v + 2^(b-1)) & (2^b - 1)) - 2^(b-1).
                    let half = 1i64 << (bits - 1);
                    bin(BinOp::Sub, bin(BinOp::BitAnd, bin(BinOp::Add, v, int(half)), mask), int(half))
                } else {
                    bin(BinOp::BitAnd, v, mask)
                }
            }
        })
    }

    fn binary(
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
        let ty = self.common(&l.ty, &r.ty);
        let arith = if ty == Ty::Bool { Ty::Int } else { ty.clone() };
        let bin =
            |o: BinOp, a: TExpr, b: TExpr, t: Ty| TExpr::new(t, TK::Bin(o, Box::new(a), Box::new(b)), pos);
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
                let l = self.cast(l, &Ty::Float, span)?;
                let r = self.cast(r, &Ty::Float, span)?;
                bin(BinOp::Div, l, r, Ty::Float)
            }
            B::FloorDiv | B::Mod => {
                let l = self.cast(l, &arith, span)?;
                let r = self.cast(r, &arith, span)?;
                if arith == Ty::Int {
                    bin(if op == B::Mod { BinOp::Mod } else { BinOp::FloorDiv }, l, r, Ty::Int)
                } else {
                    let f = if op == B::Mod { MathFn::PyMod } else { MathFn::FFloorDiv };
                    TExpr::new(Ty::Float, TK::Math(f, vec![l, r]), pos)
                }
            }
            B::Pow => {
                let const_exp = match r.kind {
                    TK::Int(k) if r.ty == Ty::Int => Some(k),
                    _ => None,
                };
                if arith == Ty::Int {
                    if let Some(k) = const_exp
                        && k < 0
                    {
                        let l = self.cast(l, &Ty::Float, span)?;
                        let r = self.cast(r, &Ty::Float, span)?;
                        return Ok(TExpr::new(Ty::Float, TK::Math(MathFn::Pow, vec![l, r]), pos));
                    }
                    let l = self.cast(l, &Ty::Int, span)?;
                    let r = self.cast(r, &Ty::Int, span)?;
                    bin(BinOp::Pow, l, r, Ty::Int)
                } else {
                    let l = self.cast(l, &Ty::Float, span)?;
                    if let Some(k) = const_exp
                        && (0..=4).contains(&k)
                    {
                        return Ok(TExpr::new(Ty::Float, TK::PowConst(Box::new(l), k as i32), pos));
                    }
                    if let TK::Float(k) = r.kind {
                        if k == 2.0 {
                            return Ok(TExpr::new(Ty::Float, TK::PowConst(Box::new(l), 2), pos));
                        }
                        if k == 0.5 {
                            return Ok(TExpr::new(Ty::Float, TK::Math(MathFn::Sqrt, vec![l]), pos));
                        }
                    }
                    let r = self.cast(r, &Ty::Float, span)?;
                    TExpr::new(Ty::Float, TK::Math(MathFn::Pow, vec![l, r]), pos)
                }
            }
            B::BitAnd | B::BitOr | B::BitXor | B::LShift | B::RShift => {
                if ty == Ty::Float {
                    return Err(self.err(
                        ErrorKind::Type,
                        span,
                        format!("`{sym}` needs ints or bools, found float"),
                    ));
                }
                let shift = matches!(op, B::LShift | B::RShift);
                let t = if shift { Ty::Int } else { ty };
                let l = self.cast(l, &t, span)?;
                let r = self.cast(r, &t, span)?;
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

    fn compare(&mut self, op: CmpOp, l: TExpr, r: TExpr, ls: Span, rs: Span) -> LResult<TExpr> {
        self.numeric(&l, ls, "comparison")?;
        self.numeric(&r, rs, "comparison")?;
        let ty = self.common(&l.ty, &r.ty);
        let pos = ls.start;
        let span = Span { start: ls.start, end: rs.end };
        let l = self.cast(l, &ty, span)?;
        let r = self.cast(r, &ty, span)?;
        Ok(TExpr::new(Ty::Bool, TK::Cmp(op, Box::new(l), Box::new(r)), pos))
    }

    fn float_args(&mut self, args: &[Expr]) -> LResult<Vec<TExpr>> {
        let mut out = Vec::new();
        for a in args {
            let t = self.expr(a)?;
            self.numeric(&t, a.span, "a math function")?;
            out.push(self.cast(t, &Ty::Float, a.span)?);
        }
        Ok(out)
    }

    /// Python's `abs` of a number (an int stays an int).
    fn abs_scalar(&mut self, x: TExpr, span: Span) -> LResult<TExpr> {
        let pos = span.start;
        let x = if x.ty == Ty::Bool { self.cast(x, &Ty::Int, span)? } else { x };
        if x.ty == Ty::Float {
            return Ok(TExpr::new(Ty::Float, TK::Math(MathFn::Fabs, vec![x]), pos));
        }
        let zero = TExpr::new(Ty::Int, TK::Int(0), pos);
        let neg = TExpr::new(Ty::Int, TK::Neg(Box::new(x.clone())), pos);
        let c = TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Lt, Box::new(x.clone()), Box::new(zero)), pos);
        Ok(TExpr::new(Ty::Int, TK::Select(Box::new(c), Box::new(neg), Box::new(x)), pos))
    }

    fn expect_args(
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

    fn call(&mut self, func: &str, fspan: Span, args: &[Expr], span: Span) -> LResult<TExpr> {
        let pos = span.start;
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
        if let Some(m) = MathFn::from_name(func) {
            self.expect_args(func, args, m.arity()..=m.arity(), fspan)?;
            let mut xs = Vec::new();
            for a in args {
                xs.push(self.expr_lazy(a)?);
            }
            if xs.iter().any(is_array) {
                return self.array_math(m, xs, args, span);
            }
            let mut a = Vec::new();
            for (t, x) in xs.into_iter().zip(args) {
                self.numeric(&t, x.span, "a math function")?;
                a.push(self.cast(t, &Ty::Float, x.span)?);
            }
            return Ok(TExpr::new(Ty::Float, TK::Math(m, a), pos));
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
                let c = self.expr(&args[0])?;
                let c = self.truthy(c, args[0].span)?;
                let a = self.expr(&args[1])?;
                let b = self.expr(&args[2])?;
                let (a, b, ty) = self.join_pair(a, b, span)?;
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
                self.scalar_conversion(st, x, span)
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
                if x.ty != Ty::Float {
                    return self.cast(x, &Ty::Int, span);
                }
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
                    Ty::Int | Ty::Bool => vec![self.cast(s, &Ty::Int, span)?],
                    Ty::Tuple(ref ts)
                        if !ts.is_empty() && ts.iter().all(|t| matches!(t, Ty::Int | Ty::Bool)) =>
                    {
                        match s.kind {
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
                        }
                    }
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
                let mut a = Vec::new();
                for x in args {
                    let t = self.expr(x)?;
                    if !matches!(t.ty, Ty::Int | Ty::Bool) {
                        return Err(self.err(
                            ErrorKind::Type,
                            x.span,
                            format!("randint needs ints, found {}", t.ty.name()),
                        ));
                    }
                    a.push(self.cast(t, &Ty::Int, x.span)?);
                }
                if a.len() == 1 {
                    a.insert(0, TExpr::new(Ty::Int, TK::Int(0), pos));
                }
                Ok(TExpr::new(Ty::Int, TK::Random(RandomFn::RandInt, a), pos))
            }
            "random.seed" => {
                self.expect_args(func, args, 1..=1, fspan)?;
                let t = self.expr(&args[0])?;
                if !matches!(t.ty, Ty::Int | Ty::Bool) {
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

    fn no_array_args(&self, func: &str, args: &[Expr], n: usize, fspan: Span) -> LResult<()> {
        if args.len() > n {
            return Err(self.err(
                ErrorKind::Unsupported,
                fspan,
                format!("`np.{func}` with a size is not supported; draw one number at a time in a loop"),
            ));
        }
        Ok(())
    }

    fn dtype_arg(&self, e: &Expr) -> LResult<DType> {
        let name = match &e.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Attribute { value, attr } => match &value.kind {
                ExprKind::Name(m) => format!("{m}.{attr}"),
                _ => String::new(),
            },
            _ => String::new(),
        };
        DType::from_name(&name).ok_or_else(|| {
            self.err(
                ErrorKind::Type,
                e.span,
                "unsupported dtype; use np.float64, np.float32, np.int64, np.int32, np.uint8 or np.bool_",
            )
        })
    }

    fn index(&mut self, value: &Expr, indices: &[Expr], span: Span) -> LResult<TExpr> {
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
                    Ty::of_dtype(dtype),
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

    fn indices(&mut self, indices: &[Expr]) -> LResult<Vec<TExpr>> {
        let mut idx = Vec::new();
        for i in indices {
            let t = self.expr(i)?;
            if !matches!(t.ty, Ty::Int | Ty::Bool) {
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

    fn block(&mut self, body: &[Stmt]) -> LResult<Vec<TStmt>> {
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
    fn assign_type(&mut self, name: &str, ty: &Ty, span: Span) -> LResult<()> {
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

    fn assign(&mut self, target: &Expr, value: TExpr, out: &mut Vec<TStmt>) -> LResult<()> {
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

    fn stmt(&mut self, s: &Stmt, out: &mut Vec<TStmt>) -> LResult<()> {
        let span = s.span;
        match &s.kind {
            StmtKind::Pass => Ok(()),
            StmtKind::Expr(e) => {
                let t = self.expr(e)?;
                out.push(TStmt::Eval(t));
                Ok(())
            }
            StmtKind::Assign { targets, value } => {
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

    fn join_ret(&mut self, ty: &Ty, span: Span) -> LResult<()> {
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

    fn for_loop(
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
            if func == "range" {
                self.expect_args("range", args, 1..=3, *func_span)?;
                let mut a = Vec::new();
                for x in args {
                    let t = self.expr(x)?;
                    if !matches!(t.ty, Ty::Int | Ty::Bool) {
                        return Err(self.err(
                            ErrorKind::Type,
                            x.span,
                            format!("range() needs ints, found {}", t.ty.name()),
                        ));
                    }
                    a.push(self.cast(t, &Ty::Int, x.span)?);
                }
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
                if self.strict {
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
        let ety = if ndim == 1 { Ty::of_dtype(dtype) } else { Ty::Array { dtype, ndim: ndim - 1 } };
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

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}
