//! NumPy's typed scalars (`np.float32(x)`, `np.int8(x)`, elements of int16 or uint32
//! arrays): which type an operation gives (NumPy 2's promotion, with Python literals weak
//! as NEP 50 has them) and how values convert between types.
//!
//! A typed scalar is held as an `Int` (integers normalized into their dtype's range; uint64
//! as its 64 bits) or a `Float` (a float32 value, exact in a float64). Each operation is
//! computed on that representation and followed by a `Narrow` into the result's dtype:
//! integer `+ - * << & | ^ ~` and powers are exact modulo 2^64, so keeping the low bits
//! gives NumPy's wrapped result; float32 `+ - * /` and `sqrt` rounded once from float64
//! equal float32 arithmetic (float64 has more than twice float32's precision).
//!
//! Promotion: a Python literal (`2`, `0.5`, `-1`, a module-level constant) is weak, as in
//! NumPy 2, and takes the typed operand's type (`np.float32(x) * 2.0` stays float32; a
//! float literal with a typed integer gives float64). Variables and arguments holding
//! Python ints and floats are int64 and float64, as Numba types them, so
//! `s = 0.0; s += a[i]` sums a float32 array in float64 (NumPy 2 would let the float32
//! pull `s` down to float32).

use super::*;

/// Whether `e` is a Python literal (a number or bool written in the source, possibly
/// negated, or a module-level constant of one), which NumPy 2 treats as weak.
pub(super) fn is_weak(e: &TExpr) -> bool {
    if matches!(e.ty, Ty::Num(_)) {
        return false;
    }
    match &e.kind {
        TK::Int(_) | TK::Float(_) | TK::Bool(_) => true,
        TK::Neg(x) => is_weak(x),
        _ => false,
    }
}

/// The type of a binary operation's operands, NumPy's way, for two numeric operands.
pub(super) fn result_type(a: &TExpr, b: &TExpr) -> Ty {
    let (Some(da), Some(db)) = (a.ty.scalar_dtype(), b.ty.scalar_dtype()) else {
        return Ty::Float;
    };
    if !matches!(a.ty, Ty::Num(_)) && !matches!(b.ty, Ty::Num(_)) {
        return Ty::of_scalar_dtype(da.promote(db));
    }
    let weak_with = |weak: &TExpr, typed: DType| {
        if weak.ty == Ty::Float && !typed.is_float() { Ty::Float } else { Ty::of_scalar_dtype(typed) }
    };
    match (is_weak(a), is_weak(b)) {
        (true, false) => weak_with(a, db),
        (false, true) => weak_with(b, da),
        _ => Ty::of_scalar_dtype(da.promote(db)),
    }
}

/// The same expression, said to have type `ty` (its representation is unchanged).
fn retype(mut e: TExpr, ty: Ty) -> TExpr {
    e.ty = ty;
    e
}

/// `e` brought back into the range of its typed-scalar type after an operation.
pub(super) fn narrowed(e: TExpr) -> TExpr {
    match e.ty {
        Ty::Num(d) if d != DType::U64 => {
            let pos = e.pos;
            TExpr::new(e.ty.clone(), TK::Narrow(d, Box::new(e)), pos)
        }
        _ => e,
    }
}

/// Whether every value of `from` is a value of `to` (so converting needs no wrapping or
/// rounding).
fn fits(from: DType, to: DType) -> bool {
    if from == to || from == DType::Bool {
        return true;
    }
    let (fb, tb) = (8 * from.size(), 8 * to.size());
    match (from.kind(), to.kind()) {
        ('i', 'i') | ('u', 'u') => fb <= tb,
        ('u', 'i') => fb < tb,
        ('i' | 'u', 'f') => fb <= 16 || to == DType::F64 && fb <= 32,
        ('f', 'f') => fb <= tb,
        _ => false,
    }
}

/// Converts a number to another numeric type as NumPy's `astype` does (ints wrap, floats
/// truncate toward zero, float32 rounds to nearest even).
pub(super) fn convert(e: TExpr, to: &Ty) -> TExpr {
    let pos = e.pos;
    let (Some(from_d), Some(to_d)) = (e.ty.scalar_dtype(), to.scalar_dtype()) else {
        return e;
    };
    let (from_r, to_r) = (e.ty.repr(), to.repr());
    let int = |k: i64| TExpr::new(Ty::Int, TK::Int(k), pos);
    let float = |x: f64| TExpr::new(Ty::Float, TK::Float(x), pos);
    let bin = |op, a: TExpr, b: TExpr| TExpr::new(a.ty.clone(), TK::Bin(op, Box::new(a), Box::new(b)), pos);
    let cast = |x: TExpr, t: &Ty| TExpr::new(t.clone(), TK::Cast(Box::new(x)), pos);
    let held = if from_d == DType::U64 && to_r == Ty::Float {
        // The 64 bits as an unsigned number: above 2^63, halve (keeping the lowest bit so
        // that rounding is unchanged), convert, double.
        let bits = retype(e, Ty::Int);
        let negative =
            TExpr::new(Ty::Bool, TK::Cmp(CmpOp::Lt, Box::new(bits.clone()), Box::new(int(0))), pos);
        let half = bin(BinOp::BitAnd, bin(BinOp::Shr, bits.clone(), int(1)), int(i64::MAX));
        let half = bin(BinOp::BitOr, half, bin(BinOp::BitAnd, bits.clone(), int(1)));
        let big = bin(BinOp::Mul, cast(half, &Ty::Float), float(2.0));
        TExpr::new(
            Ty::Float,
            TK::Select(Box::new(negative), Box::new(big), Box::new(cast(bits, &Ty::Float))),
            pos,
        )
    } else if to_d == DType::U64 && from_r == Ty::Float {
        // At or above 2^63, subtract 2^64 first: the same 64 bits.
        let x = retype(e, Ty::Float);
        let big = TExpr::new(
            Ty::Bool,
            TK::Cmp(CmpOp::Ge, Box::new(x.clone()), Box::new(float(9_223_372_036_854_775_808.0))),
            pos,
        );
        let wrapped = cast(bin(BinOp::Sub, x.clone(), float(18_446_744_073_709_551_616.0)), &Ty::Int);
        TExpr::new(Ty::Int, TK::Select(Box::new(big), Box::new(wrapped), Box::new(cast(x, &Ty::Int))), pos)
    } else {
        let e = retype(e, from_r.clone());
        if from_r == to_r { e } else { cast(e, &to_r) }
    };
    let held = retype(held, to.clone());
    if fits(from_d, to_d) { held } else { narrowed(held) }
}

impl FnCx<'_, '_> {
    /// Refuses an operation that uint64 scalars do not have here (their values above 2^63
    /// would need unsigned machine operations).
    pub(super) fn no_uint64(&self, ty: &Ty, span: Span, what: &str) -> LResult<()> {
        if *ty == Ty::Num(DType::U64) {
            return Err(self.err(
                ErrorKind::Unsupported,
                span,
                format!("{what} on uint64 scalars is not supported; convert with int(x) first"),
            ));
        }
        Ok(())
    }

    /// The type NumPy gives a math function (`np.sqrt`, `np.exp`, ...) of these operands:
    /// float32 for float32 (and 16-bit integers), float64 otherwise; `None` when NumPy
    /// would give float16 (8-bit integers).
    pub(super) fn math_result(&self, args: &[TExpr]) -> Option<Ty> {
        let mut t = args.first()?.clone();
        for a in &args[1..] {
            let ty = result_type(&t, a);
            t = TExpr::new(ty, TK::Local(usize::MAX), 0);
        }
        Some(match t.ty {
            Ty::Num(DType::F32 | DType::I16 | DType::U16) => Ty::Num(DType::F32),
            Ty::Num(DType::I8 | DType::U8) => return None,
            _ => Ty::Float,
        })
    }
}
