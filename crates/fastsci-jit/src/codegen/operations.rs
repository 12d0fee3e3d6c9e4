//! Operations: element addresses and bounds checks, conversions, comparisons, arithmetic with Python's semantics, and math calls.

use super::*;
use crate::analysis::is_nonneg;

impl Gen<'_, '_> {
    pub(super) fn element_addr(
        &mut self,
        a: &[Value],
        idx: &[TExpr],
        dtype: DType,
        check: bool,
        pos: usize,
    ) -> Result<Value, JitError> {
        let n = idx.len();
        let mut off: Option<Value> = None;
        for (k, ie) in idx.iter().enumerate() {
            let i = self.scalar(ie)?;
            let dim = a[1 + k];
            let stride = a[1 + n + k];
            // Negative indices count from the end, as in Python (unless known non-negative).
            let i = if check {
                self.checked_index(i, dim, pos)
            } else {
                if is_nonneg(ie, &self.nonneg) {
                    i
                } else {
                    let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, i, 0);
                    let wrapped = self.b.ins().iadd(i, dim);
                    self.b.ins().select(neg, wrapped, i)
                }
            };
            let term = self.b.ins().imul(i, stride);
            off = Some(match off {
                None => term,
                Some(o) => self.b.ins().iadd(o, term),
            });
        }
        let off = match off {
            Some(o) => o,
            None => self.b.ins().iconst(types::I64, 0),
        };
        let shift = dtype.size().trailing_zeros() as i64;
        let bytes = if shift == 0 { off } else { self.b.ins().ishl_imm_u(off, shift) };
        Ok(self.b.ins().iadd(a[0], bytes))
    }

    /// Bounds check with Python's negative indices: the hot path is one unsigned compare;
    /// a negative index is wrapped (and checked again) on a cold path.
    pub(super) fn checked_index(&mut self, i: Value, dim: Value, pos: usize) -> Value {
        let slow = self.b.create_block();
        let fail = self.b.create_block();
        let cont = self.b.create_block();
        let idx = self.b.append_block_param(cont, types::I64);
        self.b.set_cold_block(slow);
        self.b.set_cold_block(fail);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, dim);
        self.b.ins().brif(out, slow, &[], cont, &[i.into()]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        let wrapped = self.b.ins().iadd(i, dim);
        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, i, 0);
        let in_range = self.b.ins().icmp(IntCC::UnsignedLessThan, wrapped, dim);
        let ok = self.b.ins().band(neg, in_range);
        self.b.ins().brif(ok, cont, &[wrapped.into()], fail, &[]);
        self.b.seal_block(fail);
        self.b.seal_block(cont);
        self.b.switch_to_block(fail);
        self.rng_store();
        let code = self.b.ins().iconst(types::I64, RtError::IndexOutOfRange as i64);
        self.b.ins().store(MemFlagsData::trusted(), code, self.ctx, CTX_ERR);
        let p = self.b.ins().iconst(types::I64, pos as i64);
        self.b.ins().store(MemFlagsData::trusted(), p, self.ctx, CTX_ERR_POS);
        self.ret_zeros();
        self.b.switch_to_block(cont);
        idx
    }

    pub(super) fn cast(&mut self, v: Value, from: &Ty, to: &Ty) -> Value {
        match (from, to) {
            (Ty::Int, Ty::Float) => self.b.ins().fcvt_from_sint(types::F64, v),
            (Ty::Bool, Ty::Float) => {
                let w = self.b.ins().uextend(types::I64, v);
                self.b.ins().fcvt_from_sint(types::F64, w)
            }
            (Ty::Float, Ty::Int) => self.b.ins().fcvt_to_sint_sat(types::I64, v),
            (Ty::Bool, Ty::Int) => self.b.ins().uextend(types::I64, v),
            (Ty::Int | Ty::Float, Ty::Bool) => self.truth(v, from),
            _ => v,
        }
    }

    pub(super) fn compare(&mut self, op: CmpOp, a: Value, b: Value, ty: &Ty) -> Value {
        if *ty == Ty::Float {
            let cc = match op {
                CmpOp::Eq => FloatCC::Equal,
                CmpOp::Ne => FloatCC::NotEqual,
                CmpOp::Lt => FloatCC::LessThan,
                CmpOp::Le => FloatCC::LessThanOrEqual,
                CmpOp::Gt => FloatCC::GreaterThan,
                CmpOp::Ge => FloatCC::GreaterThanOrEqual,
            };
            self.b.ins().fcmp(cc, a, b)
        } else {
            let cc = match op {
                CmpOp::Eq => IntCC::Equal,
                CmpOp::Ne => IntCC::NotEqual,
                CmpOp::Lt => IntCC::SignedLessThan,
                CmpOp::Le => IntCC::SignedLessThanOrEqual,
                CmpOp::Gt => IntCC::SignedGreaterThan,
                CmpOp::Ge => IntCC::SignedGreaterThanOrEqual,
            };
            self.b.ins().icmp(cc, a, b)
        }
    }

    pub(super) fn binop(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
        ty: &Ty,
        pos: usize,
    ) -> Result<Value, JitError> {
        let float = *ty == Ty::Float;
        Ok(match op {
            BinOp::Add if float => self.b.ins().fadd(a, b),
            BinOp::Sub if float => self.b.ins().fsub(a, b),
            BinOp::Mul if float => self.b.ins().fmul(a, b),
            BinOp::Add => self.b.ins().iadd(a, b),
            BinOp::Sub => self.b.ins().isub(a, b),
            BinOp::Mul => self.b.ins().imul(a, b),
            BinOp::Div => {
                if self.python_errors {
                    let z = self.b.ins().f64const(0.0);
                    let is0 = self.b.ins().fcmp(FloatCC::Equal, b, z);
                    self.raise_if(is0, RtError::ZeroDivision, pos);
                }
                self.b.ins().fdiv(a, b)
            }
            BinOp::FloorDiv | BinOp::Mod if self.int_const(b).is_some_and(|c| c > 0) => {
                // A positive constant divisor (`x // 2`, `i % 8`): no zero check, no
                // `INT_MIN // -1` guard; a power of two is one shift or mask (Python's floor
                // semantics are those of two's complement arithmetic there), any other a
                // division by a constant, which Cranelift turns into a multiplication.
                let c = self.int_const(b).unwrap_or(1);
                if c.count_ones() == 1 {
                    if op == BinOp::FloorDiv {
                        self.b.ins().sshr_imm_u(a, i64::from(c.trailing_zeros()))
                    } else {
                        self.b.ins().band_imm_s(a, c - 1)
                    }
                } else {
                    let q = self.b.ins().sdiv(a, b);
                    let qb = self.b.ins().imul(q, b);
                    let r = self.b.ins().isub(a, qb);
                    // Truncation rounds a negative quotient up: floor is one less, and the
                    // remainder takes the divisor's (positive) sign.
                    let fix = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, r, 0);
                    self.floor_fix(op, fix, q, r, b)
                }
            }
            BinOp::FloorDiv | BinOp::Mod => {
                let is0 = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
                self.raise_if(is0, RtError::ZeroDivision, pos);
                // Avoid the INT_MIN / -1 trap: divide by 1 instead and fix up below.
                let m1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
                let one = self.b.ins().iconst(types::I64, 1);
                let bs = self.b.ins().select(m1, one, b);
                let q0 = self.b.ins().sdiv(a, bs);
                let negq = self.b.ins().ineg(a);
                let q = self.b.ins().select(m1, negq, q0);
                let qb = self.b.ins().imul(q, b);
                let r = self.b.ins().isub(a, qb);
                // Python: if r != 0 and sign(r) != sign(b): q -= 1, r += b.
                let rx = self.b.ins().bxor(r, b);
                let signs_differ = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, rx, 0);
                let nz = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                let fix = self.b.ins().band(signs_differ, nz);
                self.floor_fix(op, fix, q, r, b)
            }
            BinOp::Pow => {
                let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, b, 0);
                self.raise_if(neg, RtError::NegativePower, pos);
                self.call_rt("fs_ipow", &[a, b])?.ok_or_else(|| internal("ipow"))?
            }
            BinOp::Max | BinOp::Min => {
                // Python: max(a, b) is b if b > a else a; min(a, b) is b if b < a else a.
                let c = if float {
                    self.b.ins().fcmp(
                        if op == BinOp::Max { FloatCC::GreaterThan } else { FloatCC::LessThan },
                        b,
                        a,
                    )
                } else {
                    self.b.ins().icmp(
                        if op == BinOp::Max { IntCC::SignedGreaterThan } else { IntCC::SignedLessThan },
                        b,
                        a,
                    )
                };
                self.b.ins().select(c, b, a)
            }
            BinOp::BitAnd => self.b.ins().band(a, b),
            BinOp::BitOr => self.b.ins().bor(a, b),
            BinOp::BitXor => self.b.ins().bxor(a, b),
            BinOp::Shl => self.b.ins().ishl(a, b),
            BinOp::Shr => self.b.ins().sshr(a, b),
        })
    }

    /// Python's floor division or modulo from the truncated quotient `q` and remainder `r`
    /// of a division by `b`: when `fix` (truncation rounded the quotient up), `q - 1` or
    /// `r + b`.
    fn floor_fix(&mut self, op: BinOp, fix: Value, q: Value, r: Value, b: Value) -> Value {
        if op == BinOp::FloorDiv {
            let q1 = self.b.ins().iadd_imm_s(q, -1);
            self.b.ins().select(fix, q1, q)
        } else {
            let r1 = self.b.ins().iadd(r, b);
            self.b.ins().select(fix, r1, r)
        }
    }

    /// The value of `v` when it is an integer constant of this function.
    pub(super) fn int_const(&self, v: Value) -> Option<i64> {
        use cranelift_codegen::ir::{InstructionData, Opcode, ValueDef};
        let ValueDef::Result(inst, 0) = self.b.func.dfg.value_def(v) else {
            return None;
        };
        match self.b.func.dfg.insts[inst] {
            InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => Some(imm.bits()),
            _ => None,
        }
    }

    pub(super) fn math(&mut self, m: MathFn, v: &[Value], pos: usize) -> Result<Value, JitError> {
        Ok(match m {
            MathFn::Sqrt => self.b.ins().sqrt(v[0]),
            MathFn::Fabs => self.b.ins().fabs(v[0]),
            MathFn::Floor => self.b.ins().floor(v[0]),
            MathFn::Ceil => self.b.ins().ceil(v[0]),
            MathFn::Trunc => self.b.ins().trunc(v[0]),
            MathFn::RoundEven => self.b.ins().nearest(v[0]),
            MathFn::RoundF32 => {
                let x = self.b.ins().fdemote(types::F32, v[0]);
                self.b.ins().fpromote(types::F64, x)
            }
            MathFn::Copysign => self.b.ins().fcopysign(v[0], v[1]),
            MathFn::PyMod | MathFn::FFloorDiv => {
                if self.python_errors {
                    let z = self.b.ins().f64const(0.0);
                    let is0 = self.b.ins().fcmp(FloatCC::Equal, v[1], z);
                    self.raise_if(is0, RtError::ZeroDivision, pos);
                }
                self.call_math(m, v)?
            }
            other => self.call_math(other, v)?,
        })
    }

    pub(super) fn call_math(&mut self, m: MathFn, v: &[Value]) -> Result<Value, JitError> {
        let (name, _) = runtime::math_call(m).ok_or_else(|| internal("unmapped math function"))?;
        self.call_rt(name, v)?.ok_or_else(|| internal("math call"))
    }
}
