//! `prange` loops: the enclosing function's side of [`crate::parallel`] (the captured values
//! and the reductions go to the runtime in stack slots; the outlined body runs the blocks).

use super::*;
use crate::ir::ParLoop;
use crate::parallel::blocks::encode;

impl Gen<'_, '_> {
    pub(super) fn par_for(&mut self, p: &ParLoop) -> Result<(), JitError> {
        let o = p.outlined.as_ref().ok_or_else(|| internal("a prange loop was not outlined"))?;
        let start = self.scalar(&p.start)?;
        let stop = self.scalar(&p.stop)?;
        let step = self.scalar(&p.step)?;
        let mut slots = vec![start, step];
        for &c in &o.captured {
            let vars = self.vars[c].clone();
            slots.extend(vars.iter().map(|v| self.b.use_var(*v)));
        }
        let args = self.slot_array(&slots);
        let current: Vec<Value> =
            o.reductions.iter().map(|r| self.b.use_var(self.vars[r.local][0])).collect();
        let acc = self.slot_array(&current);
        let body = self.func_ref(self.ids[o.func]);
        let body = self.b.ins().func_addr(types::I64, body);
        let code = self.b.ins().iconst(types::I64, encode(&o.reductions, p.parallel));
        let pos = self.b.ins().iconst(types::I64, p.pos as i64);
        // The blocks' streams derive from the state in the context: write it back first.
        self.rng_store();
        self.call_rt("fs_parfor", &[self.ctx, body, args, start, stop, step, acc, code, pos])?;
        self.rng_load();
        self.check_err();
        for (k, r) in o.reductions.iter().enumerate() {
            let ty = if r.float { types::F64 } else { types::I64 };
            let v = self.b.ins().load(ty, MemFlagsData::trusted(), acc, (8 * k) as i32);
            self.b.def_var(self.vars[r.local][0], v);
        }
        Ok(())
    }

    /// The address of a new stack array holding `values`, one 64-bit slot each.
    fn slot_array(&mut self, values: &[Value]) -> Value {
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (8 * values.len().max(1)) as u32,
            3,
        ));
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        for (k, &v) in values.iter().enumerate() {
            let v = if self.b.func.dfg.value_type(v) == types::I8 {
                self.b.ins().uextend(types::I64, v)
            } else {
                v
            };
            self.b.ins().store(MemFlagsData::trusted(), v, addr, (8 * k) as i32);
        }
        addr
    }
}
