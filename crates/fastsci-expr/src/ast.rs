//! Our syntax tree: expressions (the tree a formula such as `exp(-x**2)*log(1+x**2)` parses
//! into, also the expressions of kernels) and the statements and definitions of a kernel
//! module. Built by [`crate::parser`] from the Python parser's tree, whose types never leave
//! that module. Every node carries its [`Span`] (byte offsets into the source) for error
//! messages.

/// Byte offsets `start..end` of a node in its source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// An expression node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it is in the source.
    pub span: Span,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-a`
    Neg,
    /// `+a`
    Plus,
    /// `not a`
    Not,
    /// `~a` (integers only; kernels only)
    Invert,
}

/// Binary arithmetic operators, with Python's semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`: always true division.
    Div,
    /// `//`: floors toward negative infinity.
    FloorDiv,
    /// `%`: the result has the sign of the divisor.
    Mod,
    /// `**`
    Pow,
    /// `&` (integers and bools)
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Short-circuit boolean operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    /// `a and b`
    And,
    /// `a or b`
    Or,
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal.
    Int(i64),
    /// Float literal, or one of the constants `pi`, `e`, `inf`, `nan`.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// A variable.
    Name(String),
    /// `value[i]` or `value[i, j, ...]`.
    Index {
        /// The indexed expression (a [`ExprKind::Name`] in formulas).
        value: Box<Expr>,
        /// One expression per dimension.
        indices: Vec<Expr>,
    },
    /// `value.attr` (kernels only: `a.shape`, `a.size`, `a.ndim`).
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute name.
        attr: String,
    },
    /// Unary operation.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// Binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// A comparison, possibly chained: `left op0 c0 op1 c1 ...` means
    /// `left op0 c0 and c0 op1 c1 and ...`, each operand evaluated once.
    Compare {
        /// First operand.
        left: Box<Expr>,
        /// The operators and the operands to their right.
        rest: Vec<(CmpOp, Expr)>,
    },
    /// `a and b and ...` / `a or b or ...`, short-circuit.
    BoolOp {
        /// `and` or `or`.
        op: BoolOp,
        /// Two or more operands.
        values: Vec<Expr>,
    },
    /// `body if test else orelse`.
    IfElse {
        /// The condition.
        test: Box<Expr>,
        /// Value when true.
        body: Box<Expr>,
        /// Value when false.
        orelse: Box<Expr>,
    },
    /// A call `func(args...)`; `func` is the dotted name with a leading `math.`, `np.` or
    /// `numpy.` removed (`np.random.random` becomes `random.random`).
    Call {
        /// Canonical function name; a method call `x.sum(...)` is named `.sum` (see
        /// [`METHOD_PREFIX`]) with the object `x` as its first argument.
        func: String,
        /// Where the function name is.
        func_span: Span,
        /// The arguments: positional ones first, then each keyword argument `name=value`
        /// as a call named `kw:name` (see [`KEYWORD_PREFIX`]) whose one argument is the value.
        args: Vec<Expr>,
    },
    /// `(a, b, ...)` (kernels only).
    Tuple(Vec<Expr>),
}

/// How a method call `x.name(args)` appears: `Call { func: ".name", args: [x, args...] }`.
pub const METHOD_PREFIX: &str = ".";

/// How a keyword argument `name=value` appears among a call's arguments:
/// `Call { func: "kw:name", args: [value] }`, after the positional arguments.
pub const KEYWORD_PREFIX: &str = "kw:";

impl Expr {
    /// The keyword argument this expression stands for (`name`, value), when it is one.
    pub fn as_keyword(&self) -> Option<(&str, &Expr)> {
        match &self.kind {
            ExprKind::Call { func, args, .. } if args.len() == 1 => {
                func.strip_prefix(KEYWORD_PREFIX).map(|name| (name, &args[0]))
            }
            _ => None,
        }
    }
}

/// One `def`.
#[derive(Debug, Clone)]
pub struct FuncDef {
    /// The function's name.
    pub name: String,
    /// Where the `def` is.
    pub span: Span,
    /// Parameter names with their positions.
    pub params: Vec<(String, Span)>,
    /// Each parameter's default value (`def f(x, n=10)`), where it has one.
    pub defaults: Vec<Option<Expr>>,
    /// The statements of the body.
    pub body: Vec<Stmt>,
    /// Why the function cannot be compiled (construct outside the subset): reported when it
    /// is called, so that one such function does not stop the others in its file.
    pub error: Option<crate::error::SourceError>,
}

/// A module-level name assignment `NAME = value`, in source order (later ones win).
#[derive(Debug, Clone)]
pub struct Global {
    /// The assigned name.
    pub name: String,
    /// The value, when it is a compile-time constant expression (numbers, bools, tuples,
    /// arithmetic, math functions and scalar conversions of those, earlier constants);
    /// `None` when it is something else (a kernel that reads it gets an error).
    pub value: Option<Expr>,
}

/// What the front end gives for a module.
#[derive(Debug, Clone, Default)]
pub struct ModuleAst {
    /// The `def`s, in source order.
    pub defs: Vec<FuncDef>,
    /// The module-level assignments, in source order.
    pub globals: Vec<Global>,
}

/// A statement with its position.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What the statement is.
    pub kind: StmtKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of statement a kernel may contain.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// `t1 = t2 = value`; each target a name, an index or a tuple of those.
    Assign {
        /// The targets, left to right.
        targets: Vec<Expr>,
        /// The assigned value.
        value: Expr,
    },
    /// `target op= value`.
    AugAssign {
        /// A name or an index.
        target: Expr,
        /// The operator.
        op: BinOp,
        /// The right-hand side.
        value: Expr,
    },
    /// `if test: body else: orelse` (`elif` nests in `orelse`).
    If {
        /// The condition.
        test: Expr,
        /// Run when true.
        body: Vec<Stmt>,
        /// Run when false (empty without `else`).
        orelse: Vec<Stmt>,
    },
    /// `while test: body`.
    While {
        /// The condition.
        test: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `for target in iter: body`.
    For {
        /// The loop variable (a name or a tuple of names).
        target: Expr,
        /// What is iterated (`range(...)`, an array, ...).
        iter: Expr,
        /// The loop body.
        body: Vec<Stmt>,
    },
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `pass`
    Pass,
    /// `return` or `return value`.
    Return(Option<Expr>),
    /// An expression evaluated for its effect (a call).
    Expr(Expr),
    /// `raise ValueError("message")` (or `raise ValueError`): a built-in exception with a
    /// constant message.
    Raise {
        /// The exception's name (`ValueError`, ...).
        exception: String,
        /// The message (empty when none is given).
        message: String,
    },
    /// `assert test` or `assert test, "message"`: raises `AssertionError` when `test` is
    /// false.
    Assert {
        /// The condition.
        test: Expr,
        /// The message (empty when none is given).
        message: String,
    },
    /// `print(a, "text", b)`: numbers and constant strings, separated by spaces.
    Print(Vec<PrintItem>),
}

/// One argument of `print(...)`.
#[derive(Debug, Clone)]
pub enum PrintItem {
    /// A constant string, printed as is.
    Text(String),
    /// A number (or bool), printed as Python prints it.
    Value(Expr),
}

impl Expr {
    /// Calls `f` on this node and every node below it, parents first.
    ///
    /// ```
    /// let e = fastsci_expr::formula::parse_expression("sin(x) + x * y")?;
    /// let mut names = Vec::new();
    /// e.walk(&mut |n| if let fastsci_expr::ast::ExprKind::Name(v) = &n.kind { names.push(v.clone()) });
    /// assert_eq!(names, ["x", "x", "y"]);
    /// # Ok::<(), fastsci_expr::SourceError>(())
    /// ```
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Index { value, indices } => {
                value.walk(f);
                indices.iter().for_each(|i| i.walk(f));
            }
            ExprKind::Attribute { value, .. } => value.walk(f),
            ExprKind::Unary { operand, .. } => operand.walk(f),
            ExprKind::Binary { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            ExprKind::Compare { left, rest } => {
                left.walk(f);
                rest.iter().for_each(|(_, x)| x.walk(f));
            }
            ExprKind::BoolOp { values, .. } | ExprKind::Tuple(values) => {
                values.iter().for_each(|x| x.walk(f))
            }
            ExprKind::IfElse { test, body, orelse } => {
                test.walk(f);
                body.walk(f);
                orelse.walk(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|x| x.walk(f)),
            _ => {}
        }
    }
}

impl std::fmt::Display for Expr {
    /// Writes the expression as Python source, parenthesizing every compound operand.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn atom(e: &Expr) -> bool {
            matches!(
                e.kind,
                ExprKind::Int(_)
                    | ExprKind::Name(_)
                    | ExprKind::Bool(_)
                    | ExprKind::Call { .. }
                    | ExprKind::Index { .. }
            ) || matches!(e.kind, ExprKind::Float(v) if v >= 0.0 && v.is_finite())
        }
        fn sub(e: &Expr, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            if atom(e) { write!(f, "{e}") } else { write!(f, "({e})") }
        }
        match &self.kind {
            ExprKind::Int(v) => write!(f, "{v}"),
            ExprKind::Float(v) => {
                if v.is_nan() {
                    write!(f, "nan")
                } else if v.is_infinite() {
                    write!(f, "{}inf", if *v < 0.0 { "-" } else { "" })
                } else {
                    write!(f, "{v:?}")
                }
            }
            ExprKind::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Index { value, indices } => {
                sub(value, f)?;
                write!(f, "[")?;
                for (i, x) in indices.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, "]")
            }
            ExprKind::Attribute { value, attr } => {
                sub(value, f)?;
                write!(f, ".{attr}")
            }
            ExprKind::Unary { op, operand } => {
                write!(
                    f,
                    "{}",
                    match op {
                        UnaryOp::Neg => "-",
                        UnaryOp::Plus => "+",
                        UnaryOp::Not => "not ",
                        UnaryOp::Invert => "~",
                    }
                )?;
                sub(operand, f)
            }
            ExprKind::Binary { op, left, right } => {
                let s = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::FloorDiv => "//",
                    BinOp::Mod => "%",
                    BinOp::Pow => "**",
                    BinOp::BitAnd => "&",
                    BinOp::BitOr => "|",
                    BinOp::BitXor => "^",
                    BinOp::LShift => "<<",
                    BinOp::RShift => ">>",
                };
                sub(left, f)?;
                write!(f, " {s} ")?;
                sub(right, f)
            }
            ExprKind::Compare { left, rest } => {
                sub(left, f)?;
                for (op, x) in rest {
                    let s = match op {
                        CmpOp::Eq => "==",
                        CmpOp::Ne => "!=",
                        CmpOp::Lt => "<",
                        CmpOp::Le => "<=",
                        CmpOp::Gt => ">",
                        CmpOp::Ge => ">=",
                    };
                    write!(f, " {s} ")?;
                    sub(x, f)?;
                }
                Ok(())
            }
            ExprKind::BoolOp { op, values } => {
                for (i, x) in values.iter().enumerate() {
                    if i > 0 {
                        write!(f, " {} ", if *op == BoolOp::And { "and" } else { "or" })?;
                    }
                    sub(x, f)?;
                }
                Ok(())
            }
            ExprKind::IfElse { test, body, orelse } => {
                sub(body, f)?;
                write!(f, " if ")?;
                sub(test, f)?;
                write!(f, " else ")?;
                sub(orelse, f)
            }
            ExprKind::Call { func, args, .. } => {
                write!(f, "{func}(")?;
                for (i, x) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, ")")
            }
            ExprKind::Tuple(items) => {
                write!(f, "(")?;
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                if items.len() == 1 {
                    write!(f, ",")?;
                }
                write!(f, ")")
            }
        }
    }
}
