//! Expressions: every typed-IR expression to Cranelift values (a tuple is several), with inline random draws.

use super::*;

impl Gen<'_, '_> {
    pub(super) fn scalar(&mut self, e: &TExpr) -> Result<Value, JitError> {
        let v = self.expr(e)?;
        v.first().copied().ok_or_else(|| internal("expected a scalar value"))
    }

    pub(super) fn truth(&mut self, v: Value, ty: &Ty) -> Value {
        match ty {
            Ty::Float => {
                let z = self.b.ins().f64const(0.0);
                self.b.ins().fcmp(FloatCC::NotEqual, v, z)
            }
            _ => self.b.ins().icmp_imm_s(IntCC::NotEqual, v, 0),
        }
    }

    /// A value brought into dtype `d`'s range (`TK::Narrow`): the low bits of an integer,
    /// sign- or zero-extended back to 64; a float64 rounded to float32 and back.
    fn narrow(&mut self, d: DType, v: Value) -> Value {
        let ins = |g: &mut Self, narrow: types::Type, signed: bool| {
            let low = g.b.ins().ireduce(narrow, v);
            if signed { g.b.ins().sextend(types::I64, low) } else { g.b.ins().uextend(types::I64, low) }
        };
        match d {
            DType::F32 => {
                let f = self.b.ins().fdemote(types::F32, v);
                self.b.ins().fpromote(types::F64, f)
            }
            DType::I8 => ins(self, types::I8, true),
            DType::I16 => ins(self, types::I16, true),
            DType::I32 => ins(self, types::I32, true),
            DType::U8 => ins(self, types::I8, false),
            DType::U16 => ins(self, types::I16, false),
            DType::U32 => ins(self, types::I32, false),
            _ => v,
        }
    }

    pub(super) fn expr(&mut self, e: &TExpr) -> Result<Vec<Value>, JitError> {
        let one = |v: Value| Ok(vec![v]);
        match &e.kind {
            TK::Int(v) => one(self.b.ins().iconst(types::I64, *v)),
            TK::Float(v) => one(self.b.ins().f64const(*v)),
            TK::Bool(v) => one(self.b.ins().iconst(types::I8, i64::from(*v))),
            TK::Local(l) => {
                let vars = self.vars[*l].clone();
                Ok(vars.iter().map(|v| self.b.use_var(*v)).collect())
            }
            TK::LoadF64 { addr, offset } => {
                let a = self.scalar(addr)?;
                one(self.b.ins().load(types::F64, MemFlagsData::trusted().with_readonly(), a, *offset))
            }
            TK::LoadPtr { addr, offset } => {
                let a = self.scalar(addr)?;
                one(self.b.ins().load(types::I64, MemFlagsData::trusted().with_readonly(), a, *offset))
            }
            TK::Narrow(d, x) => {
                let v = self.scalar(x)?;
                one(self.narrow(*d, v))
            }
            TK::Neg(x) => {
                let v = self.scalar(x)?;
                one(if x.ty == Ty::Float { self.b.ins().fneg(v) } else { self.b.ins().ineg(v) })
            }
            TK::Not(x) => {
                let v = self.scalar(x)?;
                one(self.b.ins().bxor_imm_s(v, 1))
            }
            TK::Invert(x) => {
                let v = self.scalar(x)?;
                one(self.b.ins().bnot(v))
            }
            TK::Bin(op, l, r) => {
                let a = self.scalar(l)?;
                let b = self.scalar(r)?;
                one(self.binop(*op, a, b, &e.ty, e.pos)?)
            }
            TK::PowConst(x, k) => {
                let v = self.scalar(x)?;
                one(match k {
                    0 => self.b.ins().f64const(1.0),
                    1 => v,
                    2 => self.b.ins().fmul(v, v),
                    3 => {
                        let s = self.b.ins().fmul(v, v);
                        self.b.ins().fmul(s, v)
                    }
                    _ => {
                        let s = self.b.ins().fmul(v, v);
                        self.b.ins().fmul(s, s)
                    }
                })
            }
            TK::Cmp(op, l, r) => {
                let a = self.scalar(l)?;
                let b = self.scalar(r)?;
                one(self.compare(*op, a, b, &l.ty))
            }
            TK::And(l, r) | TK::Or(l, r) => {
                let is_and = matches!(e.kind, TK::And(..));
                let a = self.scalar(l)?;
                let t = self.truth(a, &l.ty);
                let rb = self.b.create_block();
                let merge = self.b.create_block();
                let ty = self.b.func.dfg.value_type(a);
                let res = self.b.append_block_param(merge, ty);
                if is_and {
                    self.b.ins().brif(t, rb, &[], merge, &[a.into()]);
                } else {
                    self.b.ins().brif(t, merge, &[a.into()], rb, &[]);
                }
                self.b.seal_block(rb);
                self.b.switch_to_block(rb);
                let bv = self.scalar(r)?;
                self.b.ins().jump(merge, &[bv.into()]);
                self.b.seal_block(merge);
                self.b.switch_to_block(merge);
                one(res)
            }
            TK::IfElse(c, a, b) => {
                let cv = self.scalar(c)?;
                let ab = self.b.create_block();
                let bb = self.b.create_block();
                let merge = self.b.create_block();
                let mut tys = Vec::new();
                flat(&e.ty, &mut tys);
                let res: Vec<Value> = tys.iter().map(|t| self.b.append_block_param(merge, *t)).collect();
                self.b.ins().brif(cv, ab, &[], bb, &[]);
                self.b.seal_block(ab);
                self.b.seal_block(bb);
                self.b.switch_to_block(ab);
                let av = self.expr(a)?;
                let args: Vec<_> = av.iter().map(|v| (*v).into()).collect();
                self.b.ins().jump(merge, &args);
                self.b.switch_to_block(bb);
                let bv = self.expr(b)?;
                let args: Vec<_> = bv.iter().map(|v| (*v).into()).collect();
                self.b.ins().jump(merge, &args);
                self.b.seal_block(merge);
                self.b.switch_to_block(merge);
                Ok(res)
            }
            TK::Select(c, a, b) => {
                let cv = self.scalar(c)?;
                let av = self.expr(a)?;
                let bv = self.expr(b)?;
                Ok(av.iter().zip(bv).map(|(x, y)| self.b.ins().select(cv, *x, y)).collect())
            }
            TK::Cast(x) => {
                let v = self.scalar(x)?;
                one(self.cast(v, &x.ty, &e.ty))
            }
            TK::IsNan(x) => {
                let v = self.scalar(x)?;
                one(self.b.ins().fcmp(FloatCC::Unordered, v, v))
            }
            TK::IsInf(x) | TK::IsFinite(x) => {
                let v = self.scalar(x)?;
                let a = self.b.ins().fabs(v);
                let inf = self.b.ins().f64const(f64::INFINITY);
                let cc = if matches!(e.kind, TK::IsInf(_)) { FloatCC::Equal } else { FloatCC::LessThan };
                one(self.b.ins().fcmp(cc, a, inf))
            }
            TK::Math(m, args) => {
                let mut vs = Vec::new();
                for a in args {
                    vs.push(self.scalar(a)?);
                }
                one(self.math(*m, &vs, e.pos)?)
            }
            TK::Call(id, args) => {
                let mut vs = vec![self.ctx];
                for a in args {
                    vs.extend(self.expr(a)?);
                }
                // Recursion depth guard.
                let d = self.b.ins().load(types::I64, MemFlagsData::trusted(), self.ctx, CTX_DEPTH);
                let d1 = self.b.ins().iadd_imm_s(d, 1);
                let over = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, d1, MAX_DEPTH);
                self.raise_if(over, RtError::RecursionDepth, e.pos);
                self.b.ins().store(MemFlagsData::trusted(), d1, self.ctx, CTX_DEPTH);
                let fid = self.ids[*id];
                let fr = self.func_ref(fid);
                self.rng_store();
                let call = self.b.ins().call(fr, &vs);
                let res = self.b.inst_results(call).to_vec();
                self.rng_load();
                self.b.ins().store(MemFlagsData::trusted(), d, self.ctx, CTX_DEPTH);
                self.check_err();
                Ok(res)
            }
            TK::Index { arr, idx, check } => {
                let Ty::Array { dtype, .. } = arr.ty else {
                    return Err(internal("index of a non-array"));
                };
                let a = self.expr(arr)?;
                let addr = self.element_addr(&a, idx, dtype, *check, e.pos)?;
                let fl = MemFlagsData::trusted();
                one(match dtype {
                    DType::F64 => self.b.ins().load(types::F64, fl, addr, 0),
                    DType::F32 => {
                        let x = self.b.ins().load(types::F32, fl, addr, 0);
                        self.b.ins().fpromote(types::F64, x)
                    }
                    DType::I64 => self.b.ins().load(types::I64, fl, addr, 0),
                    DType::I32 => self.b.ins().sload32(fl, addr, 0),
                    DType::U8 => self.b.ins().uload8(types::I64, fl, addr, 0),
                    DType::Bool => self.b.ins().load(types::I8, fl, addr, 0),
                    DType::I8 => self.b.ins().sload8(types::I64, fl, addr, 0),
                    DType::I16 => self.b.ins().sload16(types::I64, fl, addr, 0),
                    DType::U16 => self.b.ins().uload16(types::I64, fl, addr, 0),
                    DType::U32 => self.b.ins().uload32(fl, addr, 0),
                    DType::U64 => self.b.ins().load(types::I64, fl, addr, 0),
                    DType::C64 | DType::C128 => return Err(internal("complex element read")),
                })
            }
            TK::Shape(a, k) => {
                let v = self.expr(a)?;
                one(v[1 + k])
            }
            TK::NewArray { dtype, shape, fill } => {
                let n = shape.len();
                let mut dims = Vec::new();
                for s in shape {
                    dims.push(self.scalar(s)?);
                }
                let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    (8 * n) as u32,
                    3,
                ));
                for (k, d) in dims.iter().enumerate() {
                    self.b.ins().stack_store(types::I64, *d, slot, (8 * k) as i32);
                }
                let sp = self.b.ins().stack_addr(types::I64, slot, 0);
                let dt = self.b.ins().iconst(types::I64, runtime::dtype_code(*dtype));
                let fl = self.b.ins().iconst(types::I64, *fill as i64);
                let nd = self.b.ins().iconst(types::I64, n as i64);
                let pos = self.b.ins().iconst(types::I64, e.pos as i64);
                let ptr = self
                    .call_rt("fs_alloc", &[self.ctx, dt, fl, nd, sp, pos])?
                    .ok_or_else(|| internal("alloc"))?;
                self.check_err();
                // C-order strides in elements.
                let mut strides = vec![self.b.ins().iconst(types::I64, 1); n];
                for k in (0..n.saturating_sub(1)).rev() {
                    strides[k] = self.b.ins().imul(strides[k + 1], dims[k + 1]);
                }
                let mut out = vec![ptr];
                out.extend(dims);
                out.extend(strides);
                Ok(out)
            }
            TK::Random(kind, args) => {
                let mut vs = Vec::new();
                for a in args {
                    vs.push(self.scalar(a)?);
                }
                if *kind != RandomFn::Random {
                    self.rng_store();
                }
                let r = match kind {
                    RandomFn::Random => one(self.inline_random()),
                    RandomFn::Normal => {
                        one(self.call_rt("fs_randn", &[self.ctx])?.ok_or_else(|| internal("randn"))?)
                    }
                    RandomFn::RandInt => {
                        let pos = self.b.ins().iconst(types::I64, e.pos as i64);
                        let r = self
                            .call_rt("fs_randint", &[self.ctx, vs[0], vs[1], pos])?
                            .ok_or_else(|| internal("randint"))?;
                        self.check_err();
                        one(r)
                    }
                    RandomFn::Seed => {
                        self.call_rt("fs_seed", &[self.ctx, vs[0]])?;
                        Ok(vec![])
                    }
                };
                if *kind != RandomFn::Random {
                    self.rng_load();
                }
                r
            }
            TK::ParFor(p) => {
                self.par_for(p)?;
                Ok(vec![])
            }
            TK::Tuple(items) | TK::ArrayParts(items) => {
                let mut out = Vec::new();
                for it in items {
                    out.extend(self.expr(it)?);
                }
                Ok(out)
            }
            TK::TupleGet(t, k) => {
                let vals = self.expr(t)?;
                let Ty::Tuple(ts) = &t.ty else {
                    return Err(internal("tuple get on non-tuple"));
                };
                let start: usize = ts[..*k].iter().map(slot_count).sum();
                let len = slot_count(&ts[*k]);
                Ok(vals[start..start + len].to_vec())
            }
            TK::BroadcastDim { a, b, into } => {
                let a = self.scalar(a)?;
                let b = self.scalar(b)?;
                let same = self.b.ins().icmp(IntCC::Equal, a, b);
                let b1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, 1);
                let mut ok = self.b.ins().bor(same, b1);
                if !*into {
                    let a1 = self.b.ins().icmp_imm_s(IntCC::Equal, a, 1);
                    ok = self.b.ins().bor(ok, a1);
                }
                let bad = self.b.ins().bxor_imm_s(ok, 1);
                self.raise_if(bad, RtError::Broadcast, e.pos);
                if *into {
                    one(a)
                } else {
                    let a1 = self.b.ins().icmp_imm_s(IntCC::Equal, a, 1);
                    one(self.b.ins().select(a1, b, a))
                }
            }
            TK::Stride(a, k) => {
                let v = self.expr(a)?;
                let Ty::Array { ndim, .. } = a.ty else {
                    return Err(internal("stride of a non-array"));
                };
                one(v[1 + ndim + k])
            }
            TK::NormIndex { i, dim, check } => {
                let i = self.scalar(i)?;
                let dim = self.scalar(dim)?;
                if *check {
                    one(self.checked_index(i, dim, e.pos))
                } else {
                    let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, i, 0);
                    let wrapped = self.b.ins().iadd(i, dim);
                    one(self.b.ins().select(neg, wrapped, i))
                }
            }
            TK::View { base, offset, shape, strides } => {
                let Ty::Array { dtype, .. } = base.ty else {
                    return Err(internal("view of a non-array"));
                };
                let b = self.expr(base)?;
                let off = self.scalar(offset)?;
                let shift = dtype.size().trailing_zeros() as i64;
                let bytes = if shift == 0 { off } else { self.b.ins().ishl_imm_u(off, shift) };
                let mut out = vec![self.b.ins().iadd(b[0], bytes)];
                for x in shape.iter().chain(strides) {
                    out.push(self.scalar(x)?);
                }
                Ok(out)
            }
            TK::ArrayMap { .. } | TK::Leaf(_) => Err(internal("unexpanded array expression")),
        }
    }

    /// xoshiro256++ on the state in the context; returns a float in [0, 1).
    pub(super) fn inline_random(&mut self) -> Value {
        let fl = MemFlagsData::trusted();
        let s: Vec<Value> = match self.rng {
            Some(vars) => vars.iter().map(|v| self.b.use_var(*v)).collect(),
            None => (0..4).map(|k| self.b.ins().load(types::I64, fl, self.ctx, CTX_RNG + 8 * k)).collect(),
        };
        let sum = self.b.ins().iadd(s[0], s[3]);
        let rot = self.b.ins().rotl_imm_u(sum, 23);
        let result = self.b.ins().iadd(rot, s[0]);
        let t = self.b.ins().ishl_imm_u(s[1], 17);
        let s2 = self.b.ins().bxor(s[2], s[0]);
        let s3 = self.b.ins().bxor(s[3], s[1]);
        let s1 = self.b.ins().bxor(s[1], s2);
        let s0 = self.b.ins().bxor(s[0], s3);
        let s2 = self.b.ins().bxor(s2, t);
        let s3 = self.b.ins().rotl_imm_u(s3, 45);
        for (k, v) in [s0, s1, s2, s3].into_iter().enumerate() {
            match self.rng {
                Some(vars) => self.b.def_var(vars[k], v),
                None => {
                    self.b.ins().store(fl, v, self.ctx, CTX_RNG + 8 * k as i32);
                }
            }
        }
        let bits = self.b.ins().ushr_imm_u(result, 11);
        let f = self.b.ins().fcvt_from_uint(types::F64, bits);
        let scale = self.b.ins().f64const(1.0 / (1u64 << 53) as f64);
        self.b.ins().fmul(f, scale)
    }
}
