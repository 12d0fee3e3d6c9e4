//! The front end: Python source -> our AST. The only module that sees `ruff_python_*` types.

use ruff_python_ast as py;
use ruff_text_size::Ranged;

use crate::ast::{BinOp, BoolOp, CmpOp, Expr, ExprKind, KEYWORD_PREFIX, METHOD_PREFIX, Span, UnaryOp};
use crate::ast::{FuncDef, Global, ModuleAst, PrintItem, Stmt, StmtKind};
use crate::error::{ErrorKind, SourceError};
use crate::functions::{canonical_function, lookup, named_constant, scalar_type};

fn span_of<T: Ranged>(node: &T) -> Span {
    let r = node.range();
    Span { start: r.start().to_usize(), end: r.end().to_usize() }
}

/// Deepest expression nesting accepted (keeps every later recursive stage far from the stack limit).
pub(crate) const MAX_DEPTH: usize = 200;

/// The most nesting the pre-scan lets through to the parser (see [`prescan`]).
pub(crate) const PRESCAN_LIMIT: usize = 1000;

/// Stack of the thread that parses: the parser recurses once per nesting level (several
/// frames each, large in debug builds), and dropping its tree recurses too. Only the pages
/// used are committed.
const PARSE_STACK_BYTES: usize = 64 << 20;

/// The message for sources nested deeper than the limits.
fn too_deep() -> String {
    format!(
        "expression too deeply nested (more than {MAX_DEPTH} levels); split it with intermediate variables"
    )
}

struct Lower<'s> {
    src: &'s str,
    depth: std::cell::Cell<usize>,
    /// Formula mode: bare `pi`, `e`, `inf`, `nan` are constants.
    formula: bool,
}

impl Lower<'_> {
    fn err(&self, kind: ErrorKind, span: Span, msg: impl Into<String>) -> SourceError {
        SourceError::at(kind, self.src, span.start, msg)
    }

    fn unsupported(&self, span: Span, msg: impl Into<String>) -> SourceError {
        self.err(ErrorKind::Unsupported, span, msg)
    }

    fn expr(&self, e: &py::Expr) -> Result<Expr, SourceError> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(self.unsupported(span_of(e), too_deep()));
        }
        self.depth.set(depth + 1);
        let r = self.expr_inner(e);
        self.depth.set(depth);
        r
    }

    fn expr_inner(&self, e: &py::Expr) -> Result<Expr, SourceError> {
        let span = span_of(e);
        let kind = match e {
            py::Expr::NumberLiteral(n) => match &n.value {
                py::Number::Int(i) => match i.as_i64() {
                    Some(v) => ExprKind::Int(v),
                    None => return Err(self.unsupported(span, "integer literal does not fit in 64 bits")),
                },
                py::Number::Float(f) => ExprKind::Float(*f),
                py::Number::Complex { .. } => {
                    return Err(self.unsupported(span, "complex numbers are not supported; use floats"));
                }
            },
            py::Expr::BooleanLiteral(b) => ExprKind::Bool(b.value),
            py::Expr::Name(n) => {
                let id = n.id.as_str();
                match named_constant(id) {
                    Some(v) if self.formula => ExprKind::Float(v),
                    _ => ExprKind::Name(id.to_string()),
                }
            }
            py::Expr::UnaryOp(u) => {
                let op = match u.op {
                    py::UnaryOp::USub => UnaryOp::Neg,
                    py::UnaryOp::UAdd => UnaryOp::Plus,
                    py::UnaryOp::Not => UnaryOp::Not,
                    py::UnaryOp::Invert => UnaryOp::Invert,
                };
                let operand = self.expr(&u.operand)?;
                // Fold `-5` into a literal so that `x[-1]`-style checks and i64::MIN work.
                match (op, &operand.kind) {
                    (UnaryOp::Neg, ExprKind::Int(v)) => ExprKind::Int(v.wrapping_neg()),
                    (UnaryOp::Neg, ExprKind::Float(v)) => ExprKind::Float(-v),
                    _ => ExprKind::Unary { op, operand: Box::new(operand) },
                }
            }
            py::Expr::BinOp(b) => {
                let op = match b.op {
                    py::Operator::Add => BinOp::Add,
                    py::Operator::Sub => BinOp::Sub,
                    py::Operator::Mult => BinOp::Mul,
                    py::Operator::Div => BinOp::Div,
                    py::Operator::FloorDiv => BinOp::FloorDiv,
                    py::Operator::Mod => BinOp::Mod,
                    py::Operator::Pow => BinOp::Pow,
                    py::Operator::BitAnd => BinOp::BitAnd,
                    py::Operator::BitOr => BinOp::BitOr,
                    py::Operator::BitXor => BinOp::BitXor,
                    py::Operator::LShift => BinOp::LShift,
                    py::Operator::RShift => BinOp::RShift,
                    py::Operator::MatMult if !self.formula => {
                        // `a @ b` is `np.matmul(a, b)`.
                        let args = vec![self.expr(&b.left)?, self.expr(&b.right)?];
                        let func_span = span_of(b);
                        return Ok(Expr {
                            kind: ExprKind::Call { func: "matmul".into(), func_span, args },
                            span,
                        });
                    }
                    py::Operator::MatMult => {
                        return Err(
                            self.unsupported(span, "matrix multiplication `@` is not supported in a formula")
                        );
                    }
                };
                if self.formula
                    && matches!(
                        op,
                        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::LShift | BinOp::RShift
                    )
                {
                    return Err(self.unsupported(
                        span,
                        format!(
                            "bitwise operator `{}` is not supported in formulas; use `and`, `or`",
                            b.op.as_str()
                        ),
                    ));
                }
                ExprKind::Binary {
                    op,
                    left: Box::new(self.expr(&b.left)?),
                    right: Box::new(self.expr(&b.right)?),
                }
            }
            py::Expr::BoolOp(b) => ExprKind::BoolOp {
                op: match b.op {
                    py::BoolOp::And => BoolOp::And,
                    py::BoolOp::Or => BoolOp::Or,
                },
                values: b.values.iter().map(|v| self.expr(v)).collect::<Result<_, _>>()?,
            },
            py::Expr::Compare(c) => {
                let mut rest = Vec::new();
                for (op, x) in c.ops.iter().zip(c.comparators.iter()) {
                    let op = match op {
                        py::CmpOp::Eq => CmpOp::Eq,
                        py::CmpOp::NotEq => CmpOp::Ne,
                        py::CmpOp::Lt => CmpOp::Lt,
                        py::CmpOp::LtE => CmpOp::Le,
                        py::CmpOp::Gt => CmpOp::Gt,
                        py::CmpOp::GtE => CmpOp::Ge,
                        other => {
                            return Err(self.unsupported(
                                span,
                                format!(
                                    "comparison `{}` is not supported; use ==, !=, <, <=, >, >=",
                                    other.as_str()
                                ),
                            ));
                        }
                    };
                    rest.push((op, self.expr(x)?));
                }
                ExprKind::Compare { left: Box::new(self.expr(&c.left)?), rest }
            }
            py::Expr::If(i) => ExprKind::IfElse {
                test: Box::new(self.expr(&i.test)?),
                body: Box::new(self.expr(&i.body)?),
                orelse: Box::new(self.expr(&i.orelse)?),
            },
            py::Expr::Call(c) => {
                let func_span = span_of(c.func.as_ref());
                // `x.sum()` on anything but a module (`np.`, `math.`, `np.random.`, ...) is a
                // method call: the object becomes the first argument.
                let method = match c.func.as_ref() {
                    py::Expr::Attribute(a)
                        if !self.formula && !dotted_name(&a.value).is_some_and(|m| is_module(&m)) =>
                    {
                        Some((a.attr.id.as_str().to_string(), self.expr(&a.value)?))
                    }
                    _ => None,
                };
                let mut args = Vec::new();
                let func = match method {
                    Some((name, object)) => {
                        args.push(object);
                        format!("{METHOD_PREFIX}{name}")
                    }
                    None => {
                        let Some(dotted) = dotted_name(&c.func) else {
                            return Err(self.unsupported(
                                func_span,
                                "only functions called by name can be called, as in sqrt(x) or np.zeros(n)",
                            ));
                        };
                        let stripped = strip_module(&dotted);
                        if stripped.contains('.') {
                            stripped.to_string()
                        } else {
                            canonical_function(stripped).to_string()
                        }
                    }
                };
                for a in c.arguments.args.iter() {
                    if let py::Expr::Starred(s) = a {
                        return Err(self
                            .unsupported(span_of(s), "`*args` is not supported; pass arguments one by one"));
                    }
                    args.push(self.expr(a)?);
                }
                if self.formula
                    && let Some(k) = c.arguments.keywords.first()
                {
                    return Err(self.unsupported(
                        span_of(k),
                        "keyword arguments are not supported; pass arguments by position",
                    ));
                }
                for k in c.arguments.keywords.iter() {
                    let Some(name) = &k.arg else {
                        return Err(self
                            .unsupported(span_of(k), "`**kwargs` is not supported; pass arguments by name"));
                    };
                    let value = self.expr(&k.value)?;
                    let kspan = span_of(k);
                    args.push(Expr {
                        kind: ExprKind::Call {
                            func: format!("{KEYWORD_PREFIX}{}", name.id.as_str()),
                            func_span: kspan,
                            args: vec![value],
                        },
                        span: kspan,
                    });
                }
                ExprKind::Call { func, func_span, args }
            }
            py::Expr::Attribute(a) => {
                if let Some(dotted) = dotted_name(e) {
                    let (module, name) = dotted.rsplit_once('.').unwrap_or(("", &dotted));
                    if matches!(module, "math" | "np" | "numpy")
                        && let Some(v) = named_constant(name)
                    {
                        return Ok(Expr { kind: ExprKind::Float(v), span });
                    }
                }
                ExprKind::Attribute {
                    value: Box::new(self.expr(&a.value)?),
                    attr: a.attr.id.as_str().to_string(),
                }
            }
            py::Expr::Subscript(s) => {
                let indices = match s.slice.as_ref() {
                    py::Expr::Tuple(t) => t.elts.iter().map(|x| self.index(x)).collect::<Result<_, _>>()?,
                    other => vec![self.index(other)?],
                };
                ExprKind::Index { value: Box::new(self.expr(&s.value)?), indices }
            }
            py::Expr::Tuple(t) => {
                ExprKind::Tuple(t.elts.iter().map(|x| self.expr(x)).collect::<Result<_, _>>()?)
            }
            py::Expr::List(_) => {
                return Err(
                    self.unsupported(span, "lists are not supported; use np.empty(n) arrays or tuples")
                );
            }
            py::Expr::StringLiteral(_)
            | py::Expr::FString(_)
            | py::Expr::BytesLiteral(_)
            | py::Expr::TString(_) => {
                return Err(self.unsupported(span, "strings are not supported; kernels compute numbers"));
            }
            py::Expr::NoneLiteral(_) => {
                return Err(
                    self.unsupported(span, "`None` is not supported; return a number, array or tuple")
                );
            }
            py::Expr::Lambda(_) => return Err(self.unsupported(span, "lambda is not supported; use def")),
            py::Expr::ListComp(_) | py::Expr::SetComp(_) | py::Expr::DictComp(_) | py::Expr::Generator(_) => {
                return Err(self.unsupported(span, "comprehensions are not supported; write a for loop"));
            }
            py::Expr::Dict(_) | py::Expr::Set(_) => {
                return Err(self.unsupported(span, "dicts and sets are not supported; use arrays"));
            }
            py::Expr::Named(_) => {
                return Err(self.unsupported(span, "`:=` is not supported; assign in a statement"));
            }
            py::Expr::Slice(_) => {
                return Err(
                    self.unsupported(span, "slices are not supported; index single elements in a loop")
                );
            }
            py::Expr::Starred(_) => return Err(self.unsupported(span, "`*` unpacking is not supported")),
            py::Expr::Await(_) | py::Expr::Yield(_) | py::Expr::YieldFrom(_) => {
                return Err(self.unsupported(span, "generators and async are not supported"));
            }
            py::Expr::EllipsisLiteral(_) | py::Expr::IpyEscapeCommand(_) => {
                return Err(self.unsupported(span, "this expression is not supported"));
            }
        };
        Ok(Expr { kind, span })
    }

    /// One index of a subscript. In kernels a slice `start:stop:step` becomes the call
    /// `slice(start, stop, step)` (what Python makes of it too) with the name `None` for a
    /// missing part, and `...` the name `...`: neither name can be written in source.
    fn index(&self, e: &py::Expr) -> Result<Expr, SourceError> {
        let span = span_of(e);
        match e {
            py::Expr::Slice(_) | py::Expr::EllipsisLiteral(_) if self.formula => {
                Err(self.unsupported(span, "slices are not supported in formulas; index single elements"))
            }
            py::Expr::Slice(sl) => {
                let part = |p: &Option<Box<py::Expr>>| match p {
                    Some(x) => self.expr(x),
                    None => Ok(Expr { kind: ExprKind::Name("None".into()), span }),
                };
                let args = vec![part(&sl.lower)?, part(&sl.upper)?, part(&sl.step)?];
                Ok(Expr { kind: ExprKind::Call { func: "slice".into(), func_span: span, args }, span })
            }
            py::Expr::EllipsisLiteral(_) => Ok(Expr { kind: ExprKind::Name("...".into()), span }),
            _ => self.expr(e),
        }
    }

    fn block(&self, body: &[py::Stmt]) -> Result<Vec<Stmt>, SourceError> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            let span = body.first().map_or(Span::default(), span_of);
            return Err(self.unsupported(span, "blocks nested too deeply"));
        }
        self.depth.set(depth + 1);
        let r = self.block_inner(body);
        self.depth.set(depth);
        r
    }

    fn block_inner(&self, body: &[py::Stmt]) -> Result<Vec<Stmt>, SourceError> {
        let mut out = Vec::new();
        for s in body {
            if let Some(st) = self.stmt(s)? {
                out.push(st);
            }
        }
        Ok(out)
    }

    /// A constant string (the message of `raise` or `assert`, an argument of `print`).
    fn constant_text(&self, e: &py::Expr, what: &str) -> Result<String, SourceError> {
        match e {
            py::Expr::StringLiteral(s) => Ok(s.value.to_str().to_string()),
            other => Err(self.unsupported(
                span_of(other),
                format!("{what} must be a constant string, as in \"x must be positive\""),
            )),
        }
    }

    /// `raise Name` or `raise Name("constant message")`.
    fn raise(&self, r: &py::StmtRaise, span: Span) -> Result<StmtKind, SourceError> {
        let hint = "write `raise ValueError(\"message\")` with a built-in exception and a constant message";
        let Some(exc) = &r.exc else {
            return Err(self.unsupported(span, format!("a bare `raise` is not supported; {hint}")));
        };
        if r.cause.is_some() {
            return Err(self.unsupported(span, format!("`raise ... from ...` is not supported; {hint}")));
        }
        let (name, message) = match exc.as_ref() {
            py::Expr::Name(n) => (n.id.as_str().to_string(), String::new()),
            py::Expr::Call(c)
                if matches!(c.func.as_ref(), py::Expr::Name(_)) && c.arguments.keywords.is_empty() =>
            {
                let py::Expr::Name(n) = c.func.as_ref() else { unreachable!("matched above") };
                let message = match &c.arguments.args[..] {
                    [] => String::new(),
                    [m] => self.constant_text(m, "the exception's message")?,
                    _ => {
                        return Err(
                            self.unsupported(span_of(exc.as_ref()), format!("one message only; {hint}"))
                        );
                    }
                };
                (n.id.as_str().to_string(), message)
            }
            other => return Err(self.unsupported(span_of(other), hint)),
        };
        Ok(StmtKind::Raise { exception: name, message })
    }

    /// `print(...)` of numbers and constant strings.
    fn print(&self, c: &py::ExprCall) -> Result<StmtKind, SourceError> {
        if let Some(k) = c.arguments.keywords.first() {
            return Err(
                self.unsupported(span_of(k), "print() takes no keyword arguments here (sep=, end=, file=)")
            );
        }
        let mut items = Vec::new();
        for a in c.arguments.args.iter() {
            items.push(match a {
                py::Expr::StringLiteral(s) => PrintItem::Text(s.value.to_str().to_string()),
                other => PrintItem::Value(self.expr(other)?),
            });
        }
        Ok(StmtKind::Print(items))
    }

    fn stmt(&self, s: &py::Stmt) -> Result<Option<Stmt>, SourceError> {
        let span = span_of(s);
        let kind = match s {
            py::Stmt::Assign(a) => StmtKind::Assign {
                targets: a.targets.iter().map(|t| self.expr(t)).collect::<Result<_, _>>()?,
                value: self.expr(&a.value)?,
            },
            py::Stmt::AnnAssign(a) => match &a.value {
                Some(v) => StmtKind::Assign { targets: vec![self.expr(&a.target)?], value: self.expr(v)? },
                None => return Ok(None),
            },
            py::Stmt::AugAssign(a) => {
                let op = match self
                    .expr(&py::Expr::BinOp(py::ExprBinOp {
                        node_index: Default::default(),
                        range: a.range,
                        left: a.target.clone(),
                        op: a.op,
                        right: a.value.clone(),
                    }))?
                    .kind
                {
                    ExprKind::Binary { op, .. } => op,
                    _ => return Err(self.unsupported(span, "unsupported augmented assignment")),
                };
                StmtKind::AugAssign { target: self.expr(&a.target)?, op, value: self.expr(&a.value)? }
            }
            py::Stmt::If(i) => {
                let test = self.expr(&i.test)?;
                let body = self.block(&i.body)?;
                // Build elif/else chain from the back.
                let mut orelse: Vec<Stmt> = Vec::new();
                for clause in i.elif_else_clauses.iter().rev() {
                    let cbody = self.block(&clause.body)?;
                    match &clause.test {
                        None => orelse = cbody,
                        Some(t) => {
                            let cspan = span_of(clause);
                            orelse = vec![Stmt {
                                kind: StmtKind::If { test: self.expr(t)?, body: cbody, orelse },
                                span: cspan,
                            }];
                        }
                    }
                }
                StmtKind::If { test, body, orelse }
            }
            py::Stmt::While(w) => {
                if !w.orelse.is_empty() {
                    return Err(
                        self.unsupported(span, "`while ... else` is not supported; use a flag variable")
                    );
                }
                StmtKind::While { test: self.expr(&w.test)?, body: self.block(&w.body)? }
            }
            py::Stmt::For(f) => {
                if !f.orelse.is_empty() {
                    return Err(
                        self.unsupported(span, "`for ... else` is not supported; use a flag variable")
                    );
                }
                if f.is_async {
                    return Err(self.unsupported(span, "async for is not supported"));
                }
                let (target, iter, body) = (self.expr(&f.target)?, self.expr(&f.iter)?, self.block(&f.body)?);
                if self.formula {
                    StmtKind::For { target, iter, body }
                } else {
                    desugar_for(target, iter, body, span)
                }
            }
            py::Stmt::Break(_) => StmtKind::Break,
            py::Stmt::Continue(_) => StmtKind::Continue,
            py::Stmt::Pass(_) => StmtKind::Pass,
            py::Stmt::Return(r) => StmtKind::Return(match &r.value {
                Some(v) => Some(self.expr(v)?),
                None => None,
            }),
            py::Stmt::Expr(e) => {
                if matches!(e.value.as_ref(), py::Expr::StringLiteral(_)) {
                    return Ok(None); // docstring or comment string
                }
                if let py::Expr::Call(c) = e.value.as_ref()
                    && matches!(c.func.as_ref(), py::Expr::Name(n) if n.id.as_str() == "print")
                {
                    return Ok(Some(Stmt { kind: self.print(c)?, span }));
                }
                StmtKind::Expr(self.expr(&e.value)?)
            }
            py::Stmt::Import(_) | py::Stmt::ImportFrom(_) => return Ok(None),
            py::Stmt::FunctionDef(_) => {
                return Err(self.unsupported(
                    span,
                    "nested functions are not supported; define functions at module level",
                ));
            }
            py::Stmt::ClassDef(_) => return Err(self.unsupported(span, "classes are not supported")),
            py::Stmt::Delete(_) => return Err(self.unsupported(span, "`del` is not supported")),
            py::Stmt::With(_) => return Err(self.unsupported(span, "`with` is not supported")),
            py::Stmt::Raise(r) => self.raise(r, span)?,
            py::Stmt::Try(_) => return Err(self.unsupported(span, "`try` is not supported")),
            py::Stmt::Assert(a) => StmtKind::Assert {
                test: self.expr(&a.test)?,
                message: match &a.msg {
                    Some(m) => self.constant_text(m, "the message of `assert`")?,
                    None => String::new(),
                },
            },
            py::Stmt::Global(_) | py::Stmt::Nonlocal(_) => {
                return Err(
                    self.unsupported(span, "`global`/`nonlocal` are not supported; pass values as arguments")
                );
            }
            py::Stmt::Match(_) => return Err(self.unsupported(span, "`match` is not supported; use if/elif")),
            py::Stmt::TypeAlias(_) | py::Stmt::IpyEscapeCommand(_) => {
                return Err(self.unsupported(span, "this statement is not supported"));
            }
        };
        Ok(Some(Stmt { kind, span }))
    }
}

/// `a.b.c` as a string when `e` is a chain of names.
fn dotted_name(e: &py::Expr) -> Option<String> {
    match e {
        py::Expr::Name(n) => Some(n.id.as_str().to_string()),
        py::Expr::Attribute(a) => Some(format!("{}.{}", dotted_name(&a.value)?, a.attr.id.as_str())),
        _ => None,
    }
}

/// Whether a dotted name is a module whose functions kernels call (`np`, `math`,
/// `np.random`, ...), rather than an object whose method is called.
fn is_module(dotted: &str) -> bool {
    matches!(dotted, "np" | "numpy" | "math" | "cmath" | "random")
        || ["np.", "numpy."].iter().any(|p| dotted.starts_with(p))
}

fn strip_module(dotted: &str) -> &str {
    for prefix in ["math.", "np.", "numpy.", "cmath."] {
        if let Some(rest) = dotted.strip_prefix(prefix) {
            return rest;
        }
    }
    dotted
}

fn syntax_error(src: &str, e: &ruff_python_parser::ParseError) -> SourceError {
    SourceError::at(
        ErrorKind::Syntax,
        src,
        e.location.start().to_usize(),
        format!("syntax error: {}", e.error),
    )
}

/// An upper bound of how deeply the parser would nest (and recurse on) the expressions of
/// `src`, checked against [`PRESCAN_LIMIT`] before the parser runs, so that 130,000 unary
/// minus signs or a sum of 150,000 terms give an error rather than a stack overflow.
///
/// A light tokenizer (strings, comments and numbers skipped) counts, per logical line and
/// bracket level, the operators and keywords that can nest a tree one level deeper; a comma
/// starts a new item of the level and an opening bracket a new level. The sum over the open
/// levels bounds the tree's depth (it over-counts flat operator chains, at most by the number
/// of operators per term).
pub(crate) fn prescan(src: &str) -> Result<(), SourceError> {
    match too_deep_at(src) {
        Some(at) => Err(SourceError::at(ErrorKind::Unsupported, src, at, too_deep())),
        None => Ok(()),
    }
}

/// Where [`prescan`] finds the nesting bound above [`PRESCAN_LIMIT`], if it does.
fn too_deep_at(src: &str) -> Option<usize> {
    let b = src.as_bytes();
    let mut levels: Vec<usize> = vec![0];
    let mut total = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'0'..=b'9' => {
                // A number, with its `.`, exponent sign and suffixes.
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'.'
                        || (matches!(b[i], b'+' | b'-') && matches!(b[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                continue;
            }
            b'\n' if levels.len() == 1 => {
                total = total.saturating_sub(levels[0]);
                levels[0] = 0;
            }
            b'\\' => i += 1, // line continuation: the next newline does not end the line
            b',' | b';' => {
                if let Some(top) = levels.last_mut() {
                    total = total.saturating_sub(*top);
                    *top = 0;
                }
            }
            b'(' | b'[' | b'{' => {
                if let Some(top) = levels.last_mut() {
                    *top += 1;
                }
                levels.push(0);
                total += 2;
            }
            b')' | b']' | b'}' if levels.len() > 1 => {
                let top = levels.pop().unwrap_or(0);
                total = total.saturating_sub(top + 1);
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<' | b'>' | b'='
            | b'!' | b'.' => {
                if let Some(top) = levels.last_mut() {
                    *top += 1;
                }
                total += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                    i += 1;
                }
                // A string prefix (r"", b'', f"") belongs to the string.
                if i < b.len() && matches!(b[i], b'\'' | b'"') && i - start <= 2 {
                    i = skip_string(b, i);
                    continue;
                }
                if matches!(
                    &b[start..i],
                    b"and" | b"or" | b"not" | b"if" | b"else" | b"lambda" | b"await" | b"in" | b"is"
                ) {
                    if let Some(top) = levels.last_mut() {
                        *top += 1;
                    }
                    total += 1;
                }
                if total > PRESCAN_LIMIT {
                    return Some(start);
                }
                continue;
            }
            _ => {}
        }
        if total > PRESCAN_LIMIT {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The index just past the string literal starting at `b[i]` (a quote), triple-quoted or
/// not; backslash escapes are skipped (also in raw strings, where `\"` does not end them
/// either). An unterminated string ends the scan (the parser reports it).
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let triple = b.len() >= i + 3 && b[i + 1] == q && b[i + 2] == q;
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < b.len() {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q && (!triple || (b.len() >= j + 3 && b[j + 1] == q && b[j + 2] == q)) {
            return j + if triple { 3 } else { 1 };
        }
        if b[j] == b'\n' && !triple {
            return j;
        }
        j += 1;
    }
    b.len()
}

/// Runs `work` (the parser and the conversion of its tree) on a thread with a stack of
/// [`PARSE_STACK_BYTES`], or here if no thread can be started.
fn on_parse_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let mut work = Some(work);
    let spawned = std::thread::scope(|scope| {
        let w = &mut work;
        std::thread::Builder::new()
            .name("fastsci-jit-parse".into())
            .stack_size(PARSE_STACK_BYTES)
            .spawn_scoped(scope, move || w.take().map(|f| f()))
            .map(|h| h.join())
    });
    match spawned {
        Ok(Ok(Some(v))) => v,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        // No thread: run on this stack (the pre-scan has bounded the depth).
        _ => match work.take() {
            Some(f) => f(),
            None => unreachable!("the parse thread ran the work and returned it"),
        },
    }
}

/// Parses a formula (one expression, constants folded).
pub(crate) fn parse_formula(src: &str) -> Result<Expr, SourceError> {
    if src.trim().is_empty() {
        return Err(SourceError::at(ErrorKind::Syntax, src, 0, "empty expression"));
    }
    prescan(src)?;
    on_parse_stack(|| {
        let parsed = ruff_python_parser::parse_expression(src).map_err(|e| syntax_error(src, &e))?;
        let lower = Lower { src, depth: Default::default(), formula: true };
        lower.expr(&parsed.syntax().body)
    })
}

/// Checks that `src` alone is valid Python and not nested too deeply: the byte offset, kind
/// and message of the first error otherwise (so that an error in one snippet of a module is not reported in the next).
pub fn check_syntax(src: &str) -> Result<(), (usize, ErrorKind, String)> {
    if let Some(at) = too_deep_at(src) {
        return Err((at, ErrorKind::Unsupported, too_deep()));
    }
    on_parse_stack(|| match ruff_python_parser::parse_module(src) {
        Ok(_) => Ok(()),
        Err(e) => {
            Err((e.location.start().to_usize(), ErrorKind::Syntax, format!("syntax error: {}", e.error)))
        }
    })
}

/// Parses a module: its `def`s and its module-level constants. Other module-level
/// statements (code a kernel does not need: prints, loops, classes, calls) are ignored, as a
/// kernel file is often also a script; a `def` outside the subset is kept with its error,
/// reported when it is called, so the file's other functions still compile. Only a syntax
/// error fails the whole module (as it stops CPython).
pub fn parse_module(src: &str) -> Result<ModuleAst, SourceError> {
    prescan(src)?;
    on_parse_stack(|| parse_module_inner(src))
}

fn parse_module_inner(src: &str) -> Result<ModuleAst, SourceError> {
    let parsed = ruff_python_parser::parse_module(src).map_err(|e| syntax_error(src, &e))?;
    let lower = Lower { src, depth: Default::default(), formula: false };
    let mut out = ModuleAst::default();
    for s in parsed.syntax().body.iter() {
        match s {
            py::Stmt::FunctionDef(f) => {
                let def = lower.def(f);
                // A later `def` of the same name replaces the earlier one, as in Python.
                out.defs.retain(|g| g.name != def.name);
                out.defs.push(def);
            }
            py::Stmt::Assign(a) => {
                for t in &a.targets {
                    lower.global(t, Some(&a.value), &mut out.globals);
                }
            }
            // A bare annotation `N: int` assigns nothing.
            py::Stmt::AnnAssign(a) if a.value.is_some() => {
                lower.global(&a.target, a.value.as_deref(), &mut out.globals);
            }
            py::Stmt::AugAssign(a) => {
                // `N += 1` at module level: the new value is `N + 1` of the constant so far.
                let value = py::Expr::BinOp(py::ExprBinOp {
                    node_index: Default::default(),
                    range: a.range,
                    left: a.target.clone(),
                    op: a.op,
                    right: a.value.clone(),
                });
                lower.global(&a.target, Some(&value), &mut out.globals);
            }
            _ => {}
        }
    }
    Ok(out)
}

impl Lower<'_> {
    /// One `def`; errors are kept in the definition.
    fn def(&self, f: &py::StmtFunctionDef) -> FuncDef {
        let name = f.name.id.as_str().to_string();
        let span = span_of(&f.name);
        let mut params = Vec::new();
        let mut defaults = Vec::new();
        let body = self.def_inner(f, &mut params, &mut defaults);
        defaults.resize(params.len(), None);
        match body {
            Ok(body) => FuncDef { name, span, params, defaults, body, error: None },
            Err(e) => FuncDef { name, span, params, defaults, body: Vec::new(), error: Some(e) },
        }
    }

    fn def_inner(
        &self,
        f: &py::StmtFunctionDef,
        params: &mut Vec<(String, Span)>,
        defaults: &mut Vec<Option<Expr>>,
    ) -> Result<Vec<Stmt>, SourceError> {
        if f.is_async {
            return Err(self.unsupported(span_of(f), "async functions are not supported"));
        }
        // Decorators such as @njit / @numba.jit are accepted and ignored.
        let p = &f.parameters;
        if p.vararg.is_some() || p.kwarg.is_some() || !p.kwonlyargs.is_empty() {
            return Err(
                self.unsupported(span_of(p.as_ref()), "only plain positional parameters are supported")
            );
        }
        for a in p.posonlyargs.iter().chain(p.args.iter()) {
            let default = match &a.default {
                Some(d) => {
                    let e = self.expr(d)?;
                    if !is_constant_expr(&e) {
                        return Err(self.unsupported(
                            span_of(d.as_ref()),
                            "a default parameter value must be a constant (a number, bool or tuple of them)",
                        ));
                    }
                    Some(e)
                }
                None => None,
            };
            params.push((a.parameter.name.id.as_str().to_string(), span_of(&a.parameter)));
            defaults.push(default);
        }
        self.block(&f.body)
    }

    /// Records module-level `target = value`: an unknown value when it is not a constant
    /// expression or `value` is `None` (a target unpacked from something else).
    fn global(&self, target: &py::Expr, value: Option<&py::Expr>, out: &mut Vec<Global>) {
        match (target, value) {
            (py::Expr::Name(n), _) => {
                let value = value.and_then(|v| self.expr(v).ok()).filter(is_constant_expr);
                out.push(Global { name: n.id.as_str().to_string(), value });
            }
            (py::Expr::Tuple(t), Some(py::Expr::Tuple(v))) if t.elts.len() == v.elts.len() => {
                // `A, B = 1, 2`: right-hand sides first refer to the earlier values.
                let values: Vec<Option<Expr>> =
                    v.elts.iter().map(|x| self.expr(x).ok().filter(is_constant_expr)).collect();
                for (t, value) in t.elts.iter().zip(values) {
                    if let py::Expr::Name(n) = t {
                        out.push(Global { name: n.id.as_str().to_string(), value });
                    }
                }
            }
            (py::Expr::Tuple(t), _) => {
                for t in &t.elts {
                    self.global(t, None, out);
                }
            }
            _ => {}
        }
    }
}

/// Whether a module-level value can be frozen: literals, names (earlier constants, `pi`),
/// operators, conditionals, tuples and their items, and calls of math functions and scalar
/// conversions (`float`, `int`, `np.float32`, ...) on those. Not array constructors or
/// random numbers, whose values are not constants of the program.
fn is_constant_expr(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Name(_) => true,
        ExprKind::Unary { operand, .. } => is_constant_expr(operand),
        ExprKind::Binary { left, right, .. } => is_constant_expr(left) && is_constant_expr(right),
        ExprKind::Compare { left, rest } => {
            is_constant_expr(left) && rest.iter().all(|(_, x)| is_constant_expr(x))
        }
        ExprKind::BoolOp { values, .. } | ExprKind::Tuple(values) => values.iter().all(is_constant_expr),
        ExprKind::IfElse { test, body, orelse } => {
            is_constant_expr(test) && is_constant_expr(body) && is_constant_expr(orelse)
        }
        ExprKind::Index { value, indices } => is_constant_expr(value) && indices.iter().all(is_constant_expr),
        ExprKind::Call { func, args, .. } => {
            let scalar = lookup(func).is_some()
                || matches!(func.as_str(), "int" | "float" | "bool" | "round")
                || scalar_type(func).is_some();
            scalar && args.iter().all(is_constant_expr)
        }
        ExprKind::Attribute { .. } => false,
    }
}

/// `for` over `enumerate(...)`, `zip(...)` or `reversed(...)` as a counted loop over
/// `range` (what kernels compile), with the loop target assigned from the sequences at the
/// counter: `for i, x in enumerate(a)` is `for k in range(len(a)): i, x = k, a[k]`. The
/// counter's name (`for#OFFSET`) cannot clash with a Python name.
fn desugar_for(target: Expr, iter: Expr, body: Vec<Stmt>, span: Span) -> StmtKind {
    let ExprKind::Call { func, args, func_span } = &iter.kind else {
        return StmtKind::For { target, iter, body };
    };
    let at = iter.span;
    let mk = |kind: ExprKind| Expr { kind, span: at };
    let call = |f: &str, args: Vec<Expr>| mk(ExprKind::Call { func: f.into(), func_span: *func_span, args });
    let int = |k: i64| mk(ExprKind::Int(k));
    let counter = format!("for#{}", span.start);
    let k = mk(ExprKind::Name(counter.clone()));
    let for_range = |range_args: Vec<Expr>, value: Expr, body: Vec<Stmt>| {
        let assign =
            Stmt { kind: StmtKind::Assign { targets: vec![target.clone()], value }, span: target.span };
        let mut inner = vec![assign];
        inner.extend(body);
        StmtKind::For { target: k.clone(), iter: call("range", range_args), body: inner }
    };
    let plain = args.iter().all(|a| a.as_keyword().is_none());
    match func.as_str() {
        "enumerate" | "zip" if plain && !args.is_empty() && (func != "enumerate" || args.len() <= 2) => {
            let n = length(&iter, &call);
            for_range(vec![n], element(&iter, &k), body)
        }
        "reversed" if plain && args.len() == 1 => match &args[0].kind {
            ExprKind::Call { func: r, args: ra, .. } if r == "range" && (1..=2).contains(&ra.len()) => {
                let (lo, hi) =
                    if ra.len() == 1 { (int(0), ra[0].clone()) } else { (ra[0].clone(), ra[1].clone()) };
                let minus_one = |e: Expr| {
                    mk(ExprKind::Binary { op: BinOp::Sub, left: Box::new(e), right: Box::new(int(1)) })
                };
                StmtKind::For {
                    target,
                    iter: call("range", vec![minus_one(hi), minus_one(lo), int(-1)]),
                    body,
                }
            }
            _ => {
                let n = length(&args[0], &call);
                let last =
                    mk(ExprKind::Binary { op: BinOp::Sub, left: Box::new(n), right: Box::new(int(1)) });
                for_range(vec![last, int(-1), int(-1)], element(&args[0], &k), body)
            }
        },
        _ => StmtKind::For { target, iter, body },
    }
}

/// How many items `for` gets from `seq` (`len`, the shortest of `zip`'s sequences).
fn length(seq: &Expr, call: &dyn Fn(&str, Vec<Expr>) -> Expr) -> Expr {
    match &seq.kind {
        ExprKind::Call { func, args, .. } if func == "enumerate" => length(&args[0], call),
        ExprKind::Call { func, args, .. } if func == "zip" && args.len() == 1 => length(&args[0], call),
        ExprKind::Call { func, args, .. } if func == "zip" => {
            call("min", args.iter().map(|a| length(a, call)).collect())
        }
        _ => call("len", vec![seq.clone()]),
    }
}

/// The item number `k` of `seq` (a tuple for `enumerate` and `zip`).
fn element(seq: &Expr, k: &Expr) -> Expr {
    let mk = |kind: ExprKind| Expr { kind, span: seq.span };
    match &seq.kind {
        ExprKind::Call { func, args, .. } if func == "enumerate" => {
            let i = match args.get(1) {
                Some(start) => mk(ExprKind::Binary {
                    op: BinOp::Add,
                    left: Box::new(k.clone()),
                    right: Box::new(start.clone()),
                }),
                None => k.clone(),
            };
            mk(ExprKind::Tuple(vec![i, element(&args[0], k)]))
        }
        ExprKind::Call { func, args, .. } if func == "zip" => {
            mk(ExprKind::Tuple(args.iter().map(|a| element(a, k)).collect()))
        }
        _ => mk(ExprKind::Index { value: Box::new(seq.clone()), indices: vec![k.clone()] }),
    }
}
