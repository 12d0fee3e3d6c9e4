//! Partial derivatives of the math functions, as typed IR in terms of the arguments' values
//! `x` and the result's value `y` (both plain locals or constants, so nothing is computed
//! twice). Shared by the reverse and the forward mode.

use super::build::*;
use crate::ir::{BinOp, MathFn, TExpr};
use fastsci_expr::ast::CmpOp;

/// `d f / d x_k` for each argument (`None`: zero, as for `floor`), or the reason it is not
/// differentiated.
pub(super) fn math_partials(f: MathFn, x: &[TExpr], y: &TExpr) -> Result<Vec<Option<TExpr>>, &'static str> {
    use MathFn::*;
    let a = || x[0].clone();
    let b = || x[1].clone();
    let one = |p: TExpr| Ok(vec![Some(p)]);
    let sq = |e: TExpr| pow_const(e, 2);
    match f {
        Sqrt => one(ieee_div(float(0.5), y.clone())),
        Exp => one(y.clone()),
        Expm1 => one(add(y.clone(), float(1.0))),
        Log => one(ieee_div(float(1.0), a())),
        Log1p => one(ieee_div(float(1.0), add(a(), float(1.0)))),
        Log2 => one(ieee_div(float(1.0), mul(a(), float(std::f64::consts::LN_2)))),
        Log10 => one(ieee_div(float(1.0), mul(a(), float(std::f64::consts::LN_10)))),
        Pow => {
            // d/da a^b = b a^(b-1); d/db a^b = ln(a) a^b, taken as 0 where a == 0 (the limit
            // for b > 0, and what JAX gives).
            let da = mul(b(), math(Pow, vec![a(), sub(b(), float(1.0))]));
            let db =
                if_else(cmp(CmpOp::Eq, a(), float(0.0)), float(0.0), mul(math(Log, vec![a()]), y.clone()));
            Ok(vec![Some(da), Some(db)])
        }
        Sin => one(math(Cos, vec![a()])),
        Cos => one(neg(math(Sin, vec![a()]))),
        Tan => one(add(float(1.0), sq(y.clone()))),
        Asin => one(ieee_div(float(1.0), math(Sqrt, vec![sub(float(1.0), sq(a()))]))),
        Acos => one(ieee_div(float(-1.0), math(Sqrt, vec![sub(float(1.0), sq(a()))]))),
        Atan => one(div(float(1.0), add(float(1.0), sq(a())))),
        Atan2 => {
            // atan2(a, b): d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2).
            let r2 = add(sq(a()), sq(b()));
            Ok(vec![Some(ieee_div(b(), r2.clone())), Some(ieee_div(neg(a()), r2))])
        }
        Sinh => one(math(Cosh, vec![a()])),
        Cosh => one(math(Sinh, vec![a()])),
        Tanh => one(sub(float(1.0), sq(y.clone()))),
        Asinh => one(div(float(1.0), math(Sqrt, vec![add(sq(a()), float(1.0))]))),
        Acosh => one(ieee_div(float(1.0), math(Sqrt, vec![sub(sq(a()), float(1.0))]))),
        Atanh => one(ieee_div(float(1.0), sub(float(1.0), sq(a())))),
        Hypot => Ok(vec![Some(ieee_div(a(), y.clone())), Some(ieee_div(b(), y.clone()))]),
        Floor | Ceil | Trunc | RoundEven | FFloorDiv => Ok(vec![None; f.arity()]),
        // The slope of |a| is the sign of a, taken as +1 at 0 (as JAX does).
        Fabs => one(if_else(cmp(CmpOp::Lt, a(), float(0.0)), float(-1.0), float(1.0))),
        Copysign => {
            let sign = |e: TExpr| math(Copysign, vec![float(1.0), e]);
            Ok(vec![Some(mul(sign(a()), sign(b()))), None])
        }
        // fmod(a, b) = a - trunc(a / b) b; Python's a % b = a - floor(a / b) b.
        Fmod => Ok(vec![Some(float(1.0)), Some(neg(math(Trunc, vec![ieee_div(a(), b())])))]),
        PyMod => Ok(vec![Some(float(1.0)), Some(neg(math(MathFn::Floor, vec![ieee_div(a(), b())])))]),
        // The slope follows the operand that was chosen (the result equals it).
        Fmin | Fmax => {
            let picked_a = cmp(CmpOp::Eq, y.clone(), a());
            Ok(vec![
                Some(if_else(picked_a.clone(), float(1.0), float(0.0))),
                Some(if_else(picked_a, float(0.0), float(1.0))),
            ])
        }
        Erf | Erfc => {
            let slope = mul(float(2.0 / std::f64::consts::PI.sqrt()), math(Exp, vec![neg(sq(a()))]));
            one(if f == Erf { slope } else { neg(slope) })
        }
        Gamma => one(mul(y.clone(), math(Digamma, vec![a()]))),
        Lgamma => one(math(Digamma, vec![a()])),
        Digamma => Err("digamma (its derivative, trigamma, is not available)"),
        // Rounding to float32 keeps the slope of the identity (as a cast does in JAX).
        RoundF32 => one(float(1.0)),
    }
}

/// The operand a Python `max(a, b)` / `min(a, b)` returned is `b` exactly when this holds
/// (the code generator's selection, see `BinOp::Max`).
pub(super) fn picks_second(op: BinOp, a: TExpr, b: TExpr) -> TExpr {
    let test = if op == BinOp::Max { CmpOp::Gt } else { CmpOp::Lt };
    cmp(test, b, a)
}
