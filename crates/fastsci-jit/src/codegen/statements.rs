//! Statements: assignments, element stores, branches, loops (with the cancel check on every back-edge) and returns.

use super::*;
use crate::ir::PrintArg;

impl Gen<'_, '_> {
    pub(super) fn stmt(&mut self, s: &TStmt) -> Result<(), JitError> {
        match s {
            TStmt::Assign(l, e) => {
                let vals = self.expr(e)?;
                let vars = self.vars[*l].clone();
                for (v, x) in vars.iter().zip(vals) {
                    self.b.def_var(*v, x);
                }
            }
            TStmt::Store { arr, idx, value, check } => {
                let Ty::Array { dtype, .. } = arr.ty else {
                    return Err(internal("store into a non-array"));
                };
                let a = self.expr(arr)?;
                let addr = self.element_addr(&a, idx, dtype, *check, arr.pos)?;
                let v = self.scalar(value)?;
                let flags = MemFlagsData::trusted();
                match dtype {
                    DType::F64 | DType::I64 | DType::U64 | DType::Bool => {
                        self.b.ins().store(flags, v, addr, 0);
                    }
                    DType::F32 => {
                        let x = self.b.ins().fdemote(types::F32, v);
                        self.b.ins().store(flags, x, addr, 0);
                    }
                    DType::I32 | DType::U32 => {
                        self.b.ins().istore32(flags, v, addr, 0);
                    }
                    DType::I16 | DType::U16 => {
                        self.b.ins().istore16(flags, v, addr, 0);
                    }
                    DType::U8 | DType::I8 => {
                        self.b.ins().istore8(flags, v, addr, 0);
                    }
                    DType::C64 | DType::C128 => return Err(internal("complex element store")),
                }
            }
            TStmt::Eval(e) => {
                self.expr(e)?;
            }
            TStmt::If(c, t, e) => {
                let cv = self.scalar(c)?;
                let tb = self.b.create_block();
                let eb = self.b.create_block();
                let merge = self.b.create_block();
                self.b.ins().brif(cv, tb, &[], eb, &[]);
                self.b.seal_block(tb);
                self.b.seal_block(eb);
                self.b.switch_to_block(tb);
                for s in t {
                    self.stmt(s)?;
                }
                self.b.ins().jump(merge, &[]);
                self.b.switch_to_block(eb);
                for s in e {
                    self.stmt(s)?;
                }
                self.b.ins().jump(merge, &[]);
                self.b.seal_block(merge);
                self.b.switch_to_block(merge);
            }
            TStmt::While(c, body) => {
                let header = self.b.create_block();
                let bodyb = self.b.create_block();
                let latch = self.b.create_block();
                let exit = self.b.create_block();
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(header);
                let cv = self.scalar(c)?;
                self.b.ins().brif(cv, bodyb, &[], exit, &[]);
                self.b.seal_block(bodyb);
                self.b.switch_to_block(bodyb);
                self.loop_body(body, latch, exit, c.pos)?;
                self.b.ins().jump(header, &[]);
                self.b.seal_block(header);
                self.b.switch_to_block(exit);
            }
            TStmt::ForRange { var, start, stop, step, stop_local, step_local, counter, body, pos } => {
                let st = self.scalar(start)?;
                let sp = self.scalar(stop)?;
                let stp = self.scalar(step)?;
                let const_step = match step.kind {
                    TK::Int(k) => Some(k),
                    _ => None,
                };
                if const_step.is_none() {
                    let z = self.b.ins().icmp_imm_s(IntCC::Equal, stp, 0);
                    self.raise_if(z, RtError::RangeStep, *pos);
                }
                let cvar = self.vars[*counter][0];
                let stopv = self.vars[*stop_local][0];
                let stepv = self.vars[*step_local][0];
                self.b.def_var(cvar, st);
                self.b.def_var(stopv, sp);
                self.b.def_var(stepv, stp);
                let header = self.b.create_block();
                let bodyb = self.b.create_block();
                let latch = self.b.create_block();
                let exit = self.b.create_block();
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(header);
                let c = self.b.use_var(cvar);
                let e = self.b.use_var(stopv);
                let cond = match const_step {
                    Some(k) if k > 0 => self.b.ins().icmp(IntCC::SignedLessThan, c, e),
                    Some(_) => self.b.ins().icmp(IntCC::SignedGreaterThan, c, e),
                    None => {
                        let s = self.b.use_var(stepv);
                        let up = self.b.ins().icmp(IntCC::SignedLessThan, c, e);
                        let down = self.b.ins().icmp(IntCC::SignedGreaterThan, c, e);
                        let pos_step = self.b.ins().icmp_imm_s(IntCC::SignedGreaterThan, s, 0);
                        self.b.ins().select(pos_step, up, down)
                    }
                };
                self.b.ins().brif(cond, bodyb, &[], exit, &[]);
                self.b.seal_block(bodyb);
                self.b.switch_to_block(bodyb);
                let c = self.b.use_var(cvar);
                let v = self.vars[*var][0];
                self.b.def_var(v, c);
                self.loop_body(body, latch, exit, *pos)?;
                let c = self.b.use_var(cvar);
                // A constant step stays an immediate (not a loop-carried variable).
                let n = match const_step {
                    Some(k) => self.b.ins().iadd_imm_s(c, k),
                    None => {
                        let s = self.b.use_var(stepv);
                        self.b.ins().iadd(c, s)
                    }
                };
                self.b.def_var(cvar, n);
                self.b.ins().jump(header, &[]);
                self.b.seal_block(header);
                self.b.switch_to_block(exit);
            }
            TStmt::Break | TStmt::Continue => {
                let &(cont, brk) = self.loops.last().ok_or_else(|| internal("break outside loop"))?;
                let target = if matches!(s, TStmt::Break) { brk } else { cont };
                self.b.ins().jump(target, &[]);
                self.fresh();
            }
            TStmt::Return(e) => {
                let v = self.expr(e)?;
                self.rng_store();
                self.b.ins().return_(&v);
                self.fresh();
            }
            TStmt::Raise(err, pos) => self.raise_now(*err, *pos),
            TStmt::Print(items) => self.print(items)?,
            TStmt::Sort { arr, order } => {
                let Ty::Array { dtype, .. } = arr.ty else {
                    return Err(internal("sort of a non-array"));
                };
                let a = self.expr(arr)?;
                let out = match order {
                    Some(o) => self.expr(o)?[0],
                    None => self.b.ins().iconst(types::I64, 0),
                };
                let code = self.b.ins().iconst(types::I64, runtime::dtype_code(dtype));
                self.call_rt("fs_sort", &[code, a[0], a[1], a[2], out])?;
            }
        }
        Ok(())
    }

    /// `raise`: records the error at `pos` and returns (the code after it is unreachable).
    fn raise_now(&mut self, err: RtError, pos: usize) {
        let always = self.b.ins().iconst(types::I8, 1);
        self.raise_if(always, err, pos);
    }

    /// `print(...)`: one runtime call per piece, in order.
    fn print(&mut self, items: &[PrintArg]) -> Result<(), JitError> {
        for it in items {
            match it {
                PrintArg::Text(t) => {
                    let t = runtime::interned(t);
                    let p = self.b.ins().iconst(types::I64, t.as_ptr() as i64);
                    let n = self.b.ins().iconst(types::I64, t.len() as i64);
                    self.call_rt("fs_print_text", &[p, n])?;
                }
                PrintArg::Value(e, how) => {
                    let v = self.scalar(e)?;
                    let bits = match e.ty {
                        Ty::Float => self.b.ins().bitcast(types::I64, MemFlagsData::new(), v),
                        Ty::Bool => self.b.ins().uextend(types::I64, v),
                        _ => v,
                    };
                    let kind = self.b.ins().iconst(types::I64, *how as i64);
                    self.call_rt("fs_print_value", &[kind, bits])?;
                }
            }
        }
        Ok(())
    }

    // ---------------- expressions ----------------

    /// A loop's body, then its latch: `break` jumps to `exit`, `continue` to `latch`, and the
    /// latch checks the cancel flag before the caller's back-edge.
    fn loop_body(&mut self, body: &[TStmt], latch: Block, exit: Block, pos: usize) -> Result<(), JitError> {
        self.loops.push((latch, exit));
        for s in body {
            self.stmt(s)?;
        }
        self.loops.pop();
        self.b.ins().jump(latch, &[]);
        self.seal_loop_blocks(latch, exit);
        self.b.switch_to_block(latch);
        self.check_cancel(pos);
        Ok(())
    }
}
