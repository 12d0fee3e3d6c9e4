//! Type inference and lowering: AST -> typed IR, one specialization per argument signature.
//!
//! Types are inferred by iterating each function body to a fixpoint: every assignment joins
//! the variable's type with the assigned type (`bool < int < float`; arrays and tuples must
//! agree); statements whose types are not yet known are skipped until they are. Then a final,
//! strict pass produces the typed IR, inserting conversions at assignments and returns.

use std::collections::HashMap;

mod array_api;
mod array_expr;
mod builtins;
mod expressions;
mod fancy_index;
mod reductions;
mod scalars;
mod statements;
mod views;
use array_expr::is_array;
use scalars::{convert, is_weak, narrowed, result_type};
use views::is_view_index;

use crate::ir::{BinOp, Fill, Func, MathFn, PrintArg, PrintAs, RandomFn, RtError, TExpr, TK, TStmt, Ty};
use crate::value::{DType, ScalarType, Value, scalar_type};
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::{self as expr, BoolOp, CmpOp, Expr, ExprKind, Span, UnaryOp};
use fastsci_expr::ast::{FuncDef, Global, PrintItem, Stmt, StmtKind};
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
    /// Run `prange` loops on several threads.
    pub parallel: bool,
}

enum SpecState {
    Pending {
        ret: Option<Ty>,
    },
    /// The function, and its return type before typed scalars were erased (what its
    /// callers compute with).
    Done(Func, Ty),
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
        let r = r.and_then(|mut f| {
            let typed_ret = f.ret.clone();
            crate::ir::erase_typed_scalars(&mut f);
            let writes: Vec<bool> = self
                .specs
                .iter()
                .map(|s| match s {
                    SpecState::Done(g, _) => crate::parallel::may_write_arguments(g),
                    SpecState::Pending { .. } => true,
                })
                .collect();
            let (src, specs) = (self.src, &mut self.specs);
            let mut add = |g: Func| {
                specs.push(SpecState::Done(g, Ty::None));
                specs.len() - 1
            };
            crate::parallel::outline(&mut f, src, &mut add, &|k| writes.get(k).copied().unwrap_or(true))?;
            Ok((f, typed_ret))
        });
        match r {
            Ok((f, typed_ret)) => {
                self.specs[id] = SpecState::Done(f, typed_ret);
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
                SpecState::Done(f, _) => Ok(f),
                SpecState::Pending { .. } => {
                    Err(JitError::plain(ErrorKind::Internal, "unfinished specialization"))
                }
            })
            .collect()
    }

    fn ret_of(&self, id: usize) -> Option<Ty> {
        match &self.specs[id] {
            SpecState::Pending { ret } => ret.clone(),
            SpecState::Done(_, ret) => Some(ret.clone()),
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
        // `//` and `%` by a positive constant cannot fail and cost a shift, a mask or a
        // multiplication (see the code generator's `binop`).
        TK::Bin(BinOp::FloorDiv | BinOp::Mod, _, d) => matches!(d.kind, TK::Int(c) if c > 0),
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
        (Ty::Num(_), _) | (_, Ty::Num(_)) if a.is_numeric() && b.is_numeric() => {
            Some(Ty::of_scalar_dtype(a.scalar_dtype()?.promote(b.scalar_dtype()?)))
        }
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
    let mut prog = Program::new(src, &[], Options { boundscheck: false, parallel: false });
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
            (Ty::Num(_), b) | (b, Ty::Num(_)) if e.ty.is_numeric() && b.is_numeric() => Ok(convert(e, ty)),
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
        let typed = matches!(a, Ty::Num(_)) || matches!(b, Ty::Num(_));
        if let (true, Some(x), Some(y)) = (typed, a.scalar_dtype(), b.scalar_dtype()) {
            return Ty::of_scalar_dtype(x.promote(y));
        }
        match (a, b) {
            (Ty::Float, _) | (_, Ty::Float) => Ty::Float,
            (Ty::Bool, Ty::Bool) => Ty::Bool,
            _ => Ty::Int,
        }
    }
}

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}
