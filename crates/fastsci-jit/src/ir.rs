//! The typed intermediate representation: a tree of typed expressions and structured
//! statements, produced by [`crate::lower`] for one signature of one function and turned into
//! machine code by [`crate::codegen`] (or run by [`crate::interp`]).

use crate::value::DType;
use fastsci_expr::ast::CmpOp;
use fastsci_expr::functions::{self, Arity, MathFunction};

/// A static type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Ty {
    Int,
    Float,
    Bool,
    /// Strided n-d array; `ndim >= 1`.
    Array {
        dtype: DType,
        ndim: usize,
    },
    Tuple(Vec<Ty>),
    /// The value of a function that returns nothing.
    None,
    /// A NumPy scalar of a dtype that is neither Python's int (int64), float (float64) nor
    /// bool: `np.float32(x)`, `np.int8(x)`, an element of an int16 array. Lowering only:
    /// it is held as an `Int` (integers, normalized into the dtype's range; uint64 as its
    /// 64 bits) or a `Float` (float32 values, exact in a float64), each operation followed
    /// by a `Narrow` back into the dtype, and [`erase_typed_scalars`] turns it into that
    /// representation before code generation.
    Num(DType),
}

impl Ty {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float | Ty::Bool | Ty::Num(_))
    }

    /// An int, a bool or an integer NumPy scalar (usable as an index or a count).
    pub fn is_int_like(&self) -> bool {
        matches!(self, Ty::Int | Ty::Bool) || matches!(self, Ty::Num(d) if !d.is_float())
    }

    /// How a value of this type is held in the IR that code generation sees: a typed
    /// scalar as the `Int` or `Float` that carries it (tuples item by item).
    pub fn repr(&self) -> Ty {
        match self {
            Ty::Num(d) if d.is_float() => Ty::Float,
            Ty::Num(_) => Ty::Int,
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(Ty::repr).collect()),
            other => other.clone(),
        }
    }

    /// The dtype NumPy gives a scalar of this type (`None` for arrays, tuples, None).
    pub fn scalar_dtype(&self) -> Option<DType> {
        match self {
            Ty::Int => Some(DType::I64),
            Ty::Float => Some(DType::F64),
            Ty::Bool => Some(DType::Bool),
            Ty::Num(d) => Some(*d),
            _ => None,
        }
    }

    /// The scalar type of dtype `d`: Python's int, float and bool for int64, float64 and
    /// bool, else the typed scalar.
    pub fn of_scalar_dtype(d: DType) -> Ty {
        match d {
            DType::I64 => Ty::Int,
            DType::F64 => Ty::Float,
            DType::Bool => Ty::Bool,
            other => Ty::Num(other),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Ty::Int => "int".into(),
            Ty::Float => "float".into(),
            Ty::Bool => "bool".into(),
            Ty::Array { dtype, ndim } => format!("{ndim}-d array of {}", dtype.name()),
            Ty::Tuple(ts) => format!("tuple[{}]", ts.iter().map(Ty::name).collect::<Vec<_>>().join(", ")),
            Ty::None => "None".into(),
            Ty::Num(d) => d.name().into(),
        }
    }

    /// The type as Numba prints it (`int64`, `float64`, `array(float64, 2d)`, ...), for
    /// signatures shown to users.
    pub fn numba_name(&self) -> String {
        match self {
            Ty::Int => "int64".into(),
            Ty::Float => "float64".into(),
            Ty::Bool => "bool".into(),
            Ty::Array { dtype, ndim } => format!("array({}, {ndim}d)", dtype.name()),
            Ty::Tuple(ts) => {
                format!("Tuple({})", ts.iter().map(Ty::numba_name).collect::<Vec<_>>().join(", "))
            }
            Ty::None => "none".into(),
            Ty::Num(d) => d.name().into(),
        }
    }

    /// How an array element is held in the IR (`Int`, `Float` or `Bool`; see
    /// [`Ty::element`] for its NumPy scalar type).
    pub fn of_dtype(d: DType) -> Ty {
        Ty::element(d).repr()
    }

    /// The NumPy scalar type of an element of a `d` array (`a[i]`): float32 stays float32.
    pub fn element(d: DType) -> Ty {
        Ty::of_scalar_dtype(d)
    }
}

/// Math functions compiled to instructions or calls into the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MathFn {
    Sqrt,
    Exp,
    Expm1,
    Log,
    Log1p,
    Log2,
    Log10,
    Pow,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Hypot,
    Floor,
    Ceil,
    Trunc,
    Fabs,
    Copysign,
    /// C's `fmod` (`math.fmod`, `np.fmod`): the sign of the dividend.
    Fmod,
    /// `np.fmin`: ignores a NaN operand.
    Fmin,
    /// `np.fmax`: ignores a NaN operand.
    Fmax,
    Erf,
    Erfc,
    Gamma,
    Lgamma,
    Digamma,
    /// Python float `%`: the sign of the divisor.
    PyMod,
    /// Python float `//`.
    FFloorDiv,
    /// Round half to even.
    RoundEven,
    /// Round to the nearest float32 (`np.float32(x)`), kept as a float64.
    RoundF32,
}

/// The operation of each function of the shared table ([`fastsci_expr::functions`]) that
/// compiles to one math operation, by its canonical name. (`abs`, `min`, `max`, `isnan`,
/// ... have their own lowering.)
const NAMED_MATH: [(&str, MathFn); 35] = {
    use MathFn::*;
    [
        ("sqrt", Sqrt),
        ("exp", Exp),
        ("expm1", Expm1),
        ("log", Log),
        ("log1p", Log1p),
        ("log2", Log2),
        ("log10", Log10),
        ("pow", Pow),
        ("sin", Sin),
        ("cos", Cos),
        ("tan", Tan),
        ("asin", Asin),
        ("acos", Acos),
        ("atan", Atan),
        ("atan2", Atan2),
        ("sinh", Sinh),
        ("cosh", Cosh),
        ("tanh", Tanh),
        ("asinh", Asinh),
        ("acosh", Acosh),
        ("atanh", Atanh),
        ("hypot", Hypot),
        ("floor", Floor),
        ("ceil", Ceil),
        ("trunc", Trunc),
        ("fabs", Fabs),
        ("copysign", Copysign),
        ("fmod", Fmod),
        ("fmin", Fmin),
        ("fmax", Fmax),
        ("erf", Erf),
        ("erfc", Erfc),
        ("gamma", Gamma),
        ("lgamma", Lgamma),
        ("digamma", Digamma),
    ]
};

impl MathFn {
    pub fn from_name(name: &str) -> Option<MathFn> {
        NAMED_MATH.iter().find(|(n, _)| *n == name).map(|&(_, m)| m)
    }

    /// The function's entry in the shared table, for those a user names.
    pub fn table_entry(self) -> Option<&'static MathFunction> {
        NAMED_MATH.iter().find(|(_, m)| *m == self).and_then(|(n, _)| functions::lookup(n))
    }

    pub fn arity(self) -> usize {
        match self.table_entry().map(|f| f.arity) {
            Some(Arity::Exactly(k) | Arity::AtLeast(k)) => k,
            None => match self {
                MathFn::PyMod | MathFn::FFloorDiv => 2,
                _ => 1,
            },
        }
    }
}

/// Binary operators after type checking: both operands have the result's type (`Int` or
/// `Float`, or `Bool` for the bitwise ones), except `PowFI` (float ** int).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    /// Float division.
    Div,
    /// Python `//` on ints (floors).
    FloorDiv,
    /// Python `%` on ints (sign of divisor).
    Mod,
    /// int ** int (non-negative exponent, else a runtime error).
    Pow,
    /// Python `max(a, b)` / `min(a, b)` (select, NaN-propagation as Python).
    Max,
    Min,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

/// Random number draws (state in the call context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RandomFn {
    /// `[0, 1)`, inline xoshiro256++.
    Random,
    /// Standard normal.
    Normal,
    /// `randint(lo, hi)`: `lo <= k < hi`.
    RandInt,
    /// `seed(s)`.
    Seed,
}

/// How a new array is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fill {
    Zeros,
    Ones,
    /// Left as zeros too (memory is always initialised; `np.empty` promises nothing).
    Empty,
}

/// Runtime error codes stored into the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i64)]
pub(crate) enum RtError {
    ZeroDivision = 1,
    IndexOutOfRange = 2,
    NegativePower = 3,
    NegativeDimension = 4,
    OutOfMemory = 5,
    RandIntRange = 6,
    RecursionDepth = 7,
    RangeStep = 8,
    /// The caller's cancel flag was set (checked at loop back-edges).
    Interrupted = 9,
    /// Array shapes that do not broadcast together.
    Broadcast = 10,
    /// A `raise` statement or a failed `assert`: the exception and its message are the
    /// statement's at the error position.
    Raised = 11,
    /// `min`, `max`, `argmin`, `argmax` of an empty array.
    EmptyReduction = 12,
    /// `reshape` to a shape of another size.
    Reshape = 13,
    /// `a @ b` / `np.dot` of arrays whose inner lengths differ.
    MatmulShapes = 14,
    /// `a[mask] = values` / `a[idx] = values` with another number of values than selected.
    FancyAssignCount = 15,
}

impl RtError {
    pub fn from_code(c: i64) -> Option<RtError> {
        use RtError::*;
        Some(match c {
            1 => ZeroDivision,
            2 => IndexOutOfRange,
            3 => NegativePower,
            4 => NegativeDimension,
            5 => OutOfMemory,
            6 => RandIntRange,
            7 => RecursionDepth,
            8 => RangeStep,
            9 => Interrupted,
            10 => Broadcast,
            11 => Raised,
            12 => EmptyReduction,
            13 => Reshape,
            14 => MatmulShapes,
            15 => FancyAssignCount,
            _ => return None,
        })
    }

    pub fn message(self) -> &'static str {
        match self {
            RtError::ZeroDivision => "ZeroDivisionError: division by zero",
            RtError::IndexOutOfRange => "IndexError: index out of range",
            RtError::NegativePower => {
                "ValueError: int ** negative int gives a float in Python; write float(a) ** b"
            }
            RtError::NegativeDimension => "ValueError: negative dimensions are not allowed",
            RtError::OutOfMemory => "MemoryError: cannot allocate the array",
            RtError::RandIntRange => "ValueError: randint needs low < high",
            RtError::RecursionDepth => "RecursionError: maximum recursion depth exceeded",
            RtError::RangeStep => "ValueError: range() arg 3 must not be zero",
            RtError::Interrupted => "KeyboardInterrupt: the call was cancelled",
            RtError::Broadcast => "ValueError: operands could not be broadcast together",
            RtError::Raised => "RuntimeError: exception raised by the kernel",
            RtError::Reshape => "ValueError: cannot reshape the array into a shape of another size",
            RtError::MatmulShapes => "ValueError: matmul/dot: the arrays' inner lengths differ",
            RtError::FancyAssignCount => {
                "ValueError: the number of values assigned differs from the number of elements selected"
            }
            RtError::EmptyReduction => {
                "ValueError: zero-size array to a reduction operation (min, max, argmin, argmax) which has no identity"
            }
        }
    }
}

/// A typed expression. `pos` is the byte offset used for runtime error messages.
#[derive(Debug, Clone)]
pub(crate) struct TExpr {
    pub ty: Ty,
    pub kind: TK,
    pub pos: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum TK {
    Int(i64),
    Float(f64),
    Bool(bool),
    Local(usize),
    /// Load an f64 from `*(addr + offset)` (the expression ABI; `addr` is an Int pointer).
    LoadF64 {
        addr: Box<TExpr>,
        offset: i32,
    },
    /// Load a pointer-sized Int from `*(addr + offset)`.
    LoadPtr {
        addr: Box<TExpr>,
        offset: i32,
    },
    /// Numeric negation (Int or Float).
    Neg(Box<TExpr>),
    /// Boolean not of a Bool.
    Not(Box<TExpr>),
    /// Bitwise not of an Int.
    Invert(Box<TExpr>),
    Bin(BinOp, Box<TExpr>, Box<TExpr>),
    /// Float ** small constant integer, by multiplication.
    PowConst(Box<TExpr>, i32),
    /// Both operands of one type (Int, Float or Bool); result Bool.
    Cmp(CmpOp, Box<TExpr>, Box<TExpr>),
    /// Python `a and b` / `a or b` (operands of the result type).
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    IfElse(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// Evaluate both, then select.
    Select(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// Convert a numeric to `ty` (Int<->Float truncating, to Bool by truthiness).
    Cast(Box<TExpr>),
    /// Float -> Bool tests.
    IsNan(Box<TExpr>),
    IsInf(Box<TExpr>),
    IsFinite(Box<TExpr>),
    Math(MathFn, Vec<TExpr>),
    /// Call a user function specialization.
    Call(usize, Vec<TExpr>),
    /// Element of an array (arr is an array-typed expression, usually a Local).
    Index {
        arr: Box<TExpr>,
        idx: Vec<TExpr>,
        check: bool,
    },
    /// `a.shape[k]`.
    Shape(Box<TExpr>, usize),
    NewArray {
        dtype: DType,
        shape: Vec<TExpr>,
        fill: Fill,
    },
    Random(RandomFn, Vec<TExpr>),
    Tuple(Vec<TExpr>),
    TupleGet(Box<TExpr>, usize),
    /// The size of one dimension of two operands broadcast together: `a` when `b` is 1 or
    /// equal, `b` when `a` is 1; else a `Broadcast` error. With `into` (an in-place
    /// `a += b`), `a` is the output's size: `b` must be 1 or equal.
    BroadcastDim {
        a: Box<TExpr>,
        b: Box<TExpr>,
        into: bool,
    },
    /// `a.strides[k]`, in elements.
    Stride(Box<TExpr>, usize),
    /// An index into a dimension of length `dim`: negative counts from the end; out of
    /// range raises `IndexError` when `check` (else it is only wrapped).
    NormIndex {
        i: Box<TExpr>,
        dim: Box<TExpr>,
        check: bool,
    },
    /// A view of `base`'s memory (`a[1:-1]`, `a[i, :]`): first element `offset` elements
    /// from `base`'s, with these shape and (element) strides.
    View {
        base: Box<TExpr>,
        offset: Box<TExpr>,
        shape: Vec<TExpr>,
        strides: Vec<TExpr>,
    },
    /// Lowering only (expanded into loops before code generation): an elementwise array
    /// expression, `body` computing one element from the current elements of `leaves`.
    ArrayMap {
        leaves: Vec<TExpr>,
        body: Box<TExpr>,
    },
    /// Lowering only: the current element of leaf `k` of the enclosing `ArrayMap`.
    Leaf(usize),
    /// An `Int` or `Float` brought back into the range of dtype `.0` after an operation:
    /// integers wrap (two's complement: keep the low bits, sign- or zero-extend them),
    /// float32 rounds to nearest even. The operand and result are held as `.1`'s type.
    Narrow(DType, Box<TExpr>),
    /// `for var in prange(start, stop, step)` (type `None`, evaluated as a statement): its
    /// iterations run in blocks, possibly on several threads, and it updates the reduction
    /// locals of [`Outlined`] ([`crate::parallel`]).
    ParFor(Box<ParLoop>),
    /// An array value from its flat parts (data pointer, then the shape, then the element
    /// strides, all Ints), as an outlined loop body receives the arrays it reads.
    ArrayParts(Vec<TExpr>),
}

/// A `prange` loop: as lowered, in the enclosing function's locals (what the interpreter
/// runs, block by block), and its body outlined into a function of its own
/// ([`crate::parallel::outline`]), which the compiled code runs.
#[derive(Debug, Clone)]
pub(crate) struct ParLoop {
    pub var: usize,
    pub start: TExpr,
    pub stop: TExpr,
    pub step: TExpr,
    pub body: Vec<TStmt>,
    pub pos: usize,
    /// Run the blocks on rayon's pool (`CompileOptions::parallel`); else one after the other
    /// on the calling thread, with the same blocks and so the same results.
    pub parallel: bool,
    /// Set by [`crate::parallel::outline`] before code generation.
    pub outlined: Option<Outlined>,
}

/// The outlined body of a [`ParLoop`].
#[derive(Debug, Clone)]
pub(crate) struct Outlined {
    /// The function `(args, lo, hi, partials)` that runs iterations `lo..hi`.
    pub func: usize,
    /// The enclosing function's locals the body reads, in the order of their slots in
    /// `args` (after `start` and `step`).
    pub captured: Vec<usize>,
    /// The reduction variables, floats first then ints (the order of the partials).
    pub reductions: Vec<Reduction>,
}

/// A scalar of the enclosing function updated by the loop with one associative operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reduction {
    pub local: usize,
    pub op: ReduceOp,
    pub float: bool,
}

/// How the partial results of the blocks of a `prange` loop combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReduceOp {
    /// `s += e`, `s -= e`, `s = s + e`, `s = s - e`.
    Add = 0,
    /// `s *= e`, `s = s * e`.
    Mul = 1,
    /// `s = min(s, e)`.
    Min = 2,
    /// `s = max(s, e)`.
    Max = 3,
}

/// The direct subexpressions of a `TK`, by shared or mutable reference (one list of the
/// variants for both).
macro_rules! children_of {
    ($kind:expr, $($m:ident)?) => {
        match $kind {
            TK::Int(_) | TK::Float(_) | TK::Bool(_) | TK::Local(_) | TK::Leaf(_) => Vec::new(),
            TK::LoadF64 { addr, .. } | TK::LoadPtr { addr, .. } => vec![&$($m)? **addr],
            TK::Neg(x)
            | TK::Not(x)
            | TK::Invert(x)
            | TK::PowConst(x, _)
            | TK::Cast(x)
            | TK::IsNan(x)
            | TK::IsInf(x)
            | TK::IsFinite(x)
            | TK::Shape(x, _)
            | TK::Stride(x, _)
            | TK::TupleGet(x, _)
            | TK::Narrow(_, x) => vec![&$($m)? **x],
            TK::NormIndex { i, dim, .. } => vec![&$($m)? **i, &$($m)? **dim],
            TK::View { base, offset, shape, strides } => std::iter::once(&$($m)? **base)
                .chain(std::iter::once(&$($m)? **offset))
                .chain(shape)
                .chain(strides)
                .collect(),
            TK::Bin(_, a, b)
            | TK::Cmp(_, a, b)
            | TK::And(a, b)
            | TK::Or(a, b)
            | TK::BroadcastDim { a, b, .. } => vec![&$($m)? **a, &$($m)? **b],
            TK::IfElse(c, a, b) | TK::Select(c, a, b) => vec![&$($m)? **c, &$($m)? **a, &$($m)? **b],
            TK::Math(_, xs) | TK::Call(_, xs) | TK::Random(_, xs) | TK::Tuple(xs) | TK::ArrayParts(xs) => {
                xs.into_iter().collect()
            }
            TK::ParFor(p) => vec![&$($m)? p.start, &$($m)? p.stop, &$($m)? p.step],
            TK::Index { arr, idx, .. } => std::iter::once(&$($m)? **arr).chain(idx).collect(),
            TK::NewArray { shape, .. } => shape.into_iter().collect(),
            TK::ArrayMap { leaves, body } => leaves.into_iter().chain(std::iter::once(&$($m)? **body)).collect(),
        }
    };
}

impl TExpr {
    pub fn new(ty: Ty, kind: TK, pos: usize) -> TExpr {
        TExpr { ty, kind, pos }
    }

    /// The direct subexpressions.
    pub fn children(&self) -> Vec<&TExpr> {
        children_of!(&self.kind,)
    }

    /// The direct subexpressions, for rewriting passes.
    pub fn children_mut(&mut self) -> Vec<&mut TExpr> {
        children_of!(&mut self.kind, mut)
    }
}

/// A typed statement.
#[derive(Debug, Clone)]
pub(crate) enum TStmt {
    Assign(usize, TExpr),
    Store {
        arr: TExpr,
        idx: Vec<TExpr>,
        value: TExpr,
        check: bool,
    },
    Eval(TExpr),
    If(TExpr, Vec<TStmt>, Vec<TStmt>),
    While(TExpr, Vec<TStmt>),
    /// `for var in range(start, stop, step)`; `stop` and `step` are evaluated once, into
    /// hidden locals `stop_local`, `step_local`; a zero step raises at `pos`.
    ForRange {
        var: usize,
        start: TExpr,
        stop: TExpr,
        step: TExpr,
        stop_local: usize,
        step_local: usize,
        counter: usize,
        body: Vec<TStmt>,
        pos: usize,
    },
    Break,
    Continue,
    Return(TExpr),
    /// Stops with this error at this byte offset: [`RtError::Raised`] for `raise
    /// E("message")` or a failed `assert` (the statement at the offset names the exception
    /// and message), or an error of an operation (an empty reduction, ...).
    Raise(RtError, usize),
    /// `print(...)`: the items in order (separators and the final newline included).
    Print(Vec<PrintArg>),
    /// Sorts the 1-d array `arr` in place (NaN last, as NumPy), or, with `order`, writes
    /// into that 1-d int64 array the indices that would sort `arr` (stable) and leaves
    /// `arr` as it is.
    Sort {
        arr: TExpr,
        order: Option<TExpr>,
    },
}

/// One piece of a `print` statement's output.
#[derive(Debug, Clone)]
pub(crate) enum PrintArg {
    /// Constant text.
    Text(String),
    /// A number, printed as Python prints a value of this kind.
    Value(TExpr, PrintAs),
}

/// How a printed number is shown (the IR type alone no longer says, once typed scalars are
/// erased).
/// The discriminants are the `kind` codes of `runtime::rt_print_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i64)]
pub(crate) enum PrintAs {
    Int = 0,
    /// uint64: the 64 bits as an unsigned number.
    UInt64 = 1,
    Float = 2,
    /// float32: the shortest digits that give the float32 back, as NumPy prints it.
    Float32 = 3,
    Bool = 4,
}

/// One compiled specialization.
#[derive(Debug, Clone)]
pub(crate) struct Func {
    pub name: String,
    /// Locals `0..params` are the parameters.
    pub params: usize,
    pub locals: Vec<Ty>,
    /// The named locals (source variables and parameters), by local index; for
    /// `Function::inspect_types`.
    pub names: Vec<(String, usize)>,
    pub ret: Ty,
    pub body: Vec<TStmt>,
}

/// Wraps `x`, held as an i64, into dtype `d`'s range as NumPy's fixed-width integers wrap
/// (the identity for 64-bit types and bools); for float32, rounds to nearest even. One
/// definition for the machine code's meaning, used by the interpreter and constant folding.
pub(crate) fn narrow_int(d: DType, x: i64) -> i64 {
    match d {
        DType::I8 => i64::from(x as i8),
        DType::I16 => i64::from(x as i16),
        DType::I32 => i64::from(x as i32),
        DType::U8 => i64::from(x as u8),
        DType::U16 => i64::from(x as u16),
        DType::U32 => i64::from(x as u32),
        _ => x,
    }
}

/// Replaces every typed scalar ([`Ty::Num`]) in `f` by the `Int` or `Float` that holds it,
/// so that code generation and the interpreter see only the types they know.
pub(crate) fn erase_typed_scalars(f: &mut Func) {
    fn expr(e: &mut TExpr) {
        e.ty = e.ty.repr();
        if let TK::ParFor(p) = &mut e.kind {
            stmts(&mut p.body);
        }
        for c in e.children_mut() {
            expr(c);
        }
    }
    fn stmts(body: &mut [TStmt]) {
        for s in body {
            match s {
                TStmt::Assign(_, e) | TStmt::Eval(e) | TStmt::Return(e) => expr(e),
                TStmt::Store { arr, idx, value, .. } => {
                    expr(arr);
                    idx.iter_mut().for_each(expr);
                    expr(value);
                }
                TStmt::If(c, a, b) => {
                    expr(c);
                    stmts(a);
                    stmts(b);
                }
                TStmt::While(c, b) => {
                    expr(c);
                    stmts(b);
                }
                TStmt::ForRange { start, stop, step, body, .. } => {
                    expr(start);
                    expr(stop);
                    expr(step);
                    stmts(body);
                }
                TStmt::Print(items) => {
                    for it in items {
                        if let PrintArg::Value(e, _) = it {
                            expr(e);
                        }
                    }
                }
                TStmt::Sort { arr, order } => {
                    expr(arr);
                    if let Some(o) = order {
                        expr(o);
                    }
                }
                TStmt::Break | TStmt::Continue | TStmt::Raise(..) => {}
            }
        }
    }
    f.locals.iter_mut().for_each(|t| *t = t.repr());
    f.ret = f.ret.repr();
    stmts(&mut f.body);
}
