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
