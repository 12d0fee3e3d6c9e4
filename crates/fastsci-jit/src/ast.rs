//! The kernel AST: statements and function definitions, built by the front end from the
//! parser's tree. Expressions are the public [`crate::expr::Expr`].

use crate::expr::{BinOp, Expr, Span};

/// One `def`.
#[derive(Debug, Clone)]
pub(crate) struct FuncDef {
    pub name: String,
    pub span: Span,
    pub params: Vec<(String, Span)>,
    pub body: Vec<Stmt>,
    /// Why the function cannot be compiled (construct outside the subset): reported when it
    /// is called, so that one such function does not stop the others in its file.
    pub error: Option<crate::error::JitError>,
}

/// A module-level name assignment `NAME = value`, in source order (later ones win).
#[derive(Debug, Clone)]
pub(crate) struct Global {
    pub name: String,
    /// The value, when it is a compile-time constant expression (numbers, bools, tuples,
    /// arithmetic, math functions and scalar conversions of those, earlier constants);
    /// `None` when it is something else (a kernel that reads it gets an error).
    pub value: Option<Expr>,
}

/// What the front end gives for a module.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleAst {
    pub defs: Vec<FuncDef>,
    pub globals: Vec<Global>,
}

/// A statement with its position.
#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum StmtKind {
    /// `t1 = t2 = value`; each target a name, an index or a tuple of those.
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Return(Option<Expr>),
    Expr(Expr),
}
