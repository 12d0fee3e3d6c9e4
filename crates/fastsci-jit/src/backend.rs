//! The Cranelift backend: typed IR -> machine code. Every Cranelift call lives in this module
//! (Cranelift changes its API often; nothing else needs to follow).

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    AbiParam, Block, FuncRef, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, Type,
    UserFuncName, Value, types,
};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};

use crate::analysis::{draws_random, has_loop};
use crate::calling_convention::slot_count;
use crate::ir::{BinOp, Func, MathFn, RandomFn, RtError, TExpr, TK, TStmt, Ty};
use crate::runtime::{self, CTX_CANCEL, CTX_DEPTH, CTX_ERR, CTX_ERR_POS, CTX_RNG, MAX_DEPTH};
use crate::value::DType;
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::CmpOp;

/// Machine code that stays alive as long as this handle.
pub(crate) struct Code {
    module: Option<JITModule>,
    /// Address of each function (same order as the IR functions).
    pub funcs: Vec<*const u8>,
    /// Address of the entry trampoline of each requested entry function.
    pub entries: Vec<*const u8>,
}

// SAFETY: after `finalize_definitions` the module's code is immutable; the handle only frees
// it on drop. Calling the code from several threads is safe: it only touches the per-call
// context passed to it.
unsafe impl Send for Code {}
// SAFETY: see above.
unsafe impl Sync for Code {}

impl Drop for Code {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: no function pointer into this module outlives the `Code` (users hold an
            // `Arc<Code>` next to each pointer they call).
            unsafe { m.free_memory() };
        }
    }
}

fn internal(msg: impl std::fmt::Display) -> JitError {
    JitError::plain(ErrorKind::Internal, format!("code generation failed: {msg}"))
}

/// Flattened machine types of a value of type `ty`.
pub(crate) fn flat(ty: &Ty, out: &mut Vec<Type>) {
    match ty {
        Ty::Int => out.push(types::I64),
        Ty::Float => out.push(types::F64),
        Ty::Bool => out.push(types::I8),
        Ty::Array { ndim, .. } => out.extend(std::iter::repeat_n(types::I64, 1 + 2 * ndim)),
        Ty::Tuple(ts) => ts.iter().for_each(|t| flat(t, out)),
        Ty::None => {}
    }
}

/// Compiles `funcs` (calls between them by index) and a trampoline
/// `extern "C" fn(ctx, args: *const u64, rets: *mut u64)` for each function in `entries`.
pub(crate) fn compile(funcs: &[Func], entries: &[usize], python_errors: bool) -> Result<Code, JitError> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(internal);
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "is_pic", "false")?;
    set(&mut flags, "opt_level", "speed")?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
    let isa_builder = cranelift_native::builder().map_err(internal)?;
    let isa = isa_builder.finish(settings::Flags::new(flags)).map_err(internal)?;
    if isa.pointer_type() != types::I64 {
        return Err(internal("only 64-bit targets are supported"));
    }
    let mut jb = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
    let rts = runtime::runtime_functions();
    for r in &rts {
        jb.symbol(r.name, r.addr);
    }
    let mut module = JITModule::new(jb);

    // Declarations.
    let mut rt_ids: HashMap<&'static str, FuncId> = HashMap::new();
    for r in &rts {
        let mut sig = module.make_signature();
        for c in r.params.chars() {
            sig.params.push(AbiParam::new(if c == 'f' { types::F64 } else { types::I64 }));
        }
        for c in r.ret.chars() {
            sig.returns.push(AbiParam::new(if c == 'f' { types::F64 } else { types::I64 }));
        }
        let id = module.declare_function(r.name, Linkage::Import, &sig).map_err(internal)?;
        rt_ids.insert(r.name, id);
    }
    let mut ids = Vec::new();
    let mut sigs = Vec::new();
    for (i, f) in funcs.iter().enumerate() {
        let sig = func_signature(&module, f);
        let id =
            module.declare_function(&format!("k{i}_{}", f.name), Linkage::Local, &sig).map_err(internal)?;
        ids.push(id);
        sigs.push(sig);
    }
    let mut tramp_ids = Vec::new();
    for (k, &e) in entries.iter().enumerate() {
        let mut sig = module.make_signature();
        for _ in 0..3 {
            sig.params.push(AbiParam::new(types::I64));
        }
        let id = module.declare_function(&format!("entry{k}_{e}"), Linkage::Local, &sig).map_err(internal)?;
        tramp_ids.push((id, sig));
    }

    let mut ctx = module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let dump = std::env::var_os("FASTSCI_JIT_DUMP").is_some();
    for (i, f) in funcs.iter().enumerate() {
        ctx.func.signature = sigs[i].clone();
        ctx.func.name = UserFuncName::user(0, ids[i].as_u32());
        {
            let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let cfg = module.target_config();
            let mut g = Gen::new(b, &mut module, f, &ids, &rt_ids, python_errors);
            g.function()?;
            g.b.finalize(cfg);
        }
        if dump {
            // A diagnostic for tuning the generated code: the Cranelift IR of each function.
            eprintln!("{}", ctx.func.display());
        }
        module.define_function(ids[i], &mut ctx).map_err(|e| internal(format!("{e:?}")))?;
        module.clear_context(&mut ctx);
    }
    for (k, &e) in entries.iter().enumerate() {
        let (tid, sig) = &tramp_ids[k];
        ctx.func.signature = sig.clone();
        ctx.func.name = UserFuncName::user(1, tid.as_u32());
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let blk = b.create_block();
            b.append_block_params_for_function_params(blk);
            b.switch_to_block(blk);
            let p = b.block_params(blk).to_vec();
            let (cx, args, rets) = (p[0], p[1], p[2]);
            let f = &funcs[e];
            let mut ptys = Vec::new();
            for t in &f.locals[..f.params] {
                flat(t, &mut ptys);
            }
            let mut vals = vec![cx];
            for (j, t) in ptys.iter().enumerate() {
                vals.push(b.ins().load(*t, MemFlagsData::trusted(), args, (8 * j) as i32));
            }
            let fref = module.declare_func_in_func(ids[e], b.func);
            let call = b.ins().call(fref, &vals);
            let results = b.inst_results(call).to_vec();
            for (j, v) in results.into_iter().enumerate() {
                let v =
                    if b.func.dfg.value_type(v) == types::I8 { b.ins().uextend(types::I64, v) } else { v };
                b.ins().store(MemFlagsData::trusted(), v, rets, (8 * j) as i32);
            }
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(module.target_config());
        }
        module.define_function(*tid, &mut ctx).map_err(|e| internal(format!("{e:?}")))?;
        module.clear_context(&mut ctx);
    }
    module.finalize_definitions().map_err(internal)?;
    let fptrs = ids.iter().map(|id| module.get_finalized_function(*id)).collect();
    let eptrs = tramp_ids.iter().map(|(id, _)| module.get_finalized_function(*id)).collect();
    Ok(Code { module: Some(module), funcs: fptrs, entries: eptrs })
}

fn func_signature(module: &JITModule, f: &Func) -> Signature {
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(types::I64));
    let mut v = Vec::new();
    for t in &f.locals[..f.params] {
        flat(t, &mut v);
    }
    sig.params.extend(v.iter().map(|t| AbiParam::new(*t)));
    let mut r = Vec::new();
    flat(&f.ret, &mut r);
    sig.returns.extend(r.iter().map(|t| AbiParam::new(*t)));
    sig
}

struct Gen<'a, 'b> {
    b: FunctionBuilder<'b>,
    module: &'a mut JITModule,
    f: &'a Func,
    ids: &'a [FuncId],
    rt: &'a HashMap<&'static str, FuncId>,
    fref_cache: HashMap<FuncId, FuncRef>,
    vars: Vec<Vec<Variable>>,
    ctx: Value,
    loops: Vec<(Block, Block)>,
    ret_tys: Vec<Type>,
    python_errors: bool,
    propagate: Option<Block>,
    /// The xoshiro state held in variables while the function runs (when it draws numbers
    /// inline); written back to the context around calls and at returns.
    rng: Option<[Variable; 4]>,
    /// The address of the caller's cancel flag, loaded once at entry in functions with loops.
    cancel: Option<Value>,
    /// Locals that never hold a negative value (counters of `for i in range(c, n, k)` with
    /// constants `c >= 0`, `k > 0`, assigned nowhere else): as indices they need no
    /// wrap-around from the end.
    nonneg: Vec<bool>,
}

impl<'a, 'b> Gen<'a, 'b> {
    fn new(
        b: FunctionBuilder<'b>,
        module: &'a mut JITModule,
        f: &'a Func,
        ids: &'a [FuncId],
        rt: &'a HashMap<&'static str, FuncId>,
        python_errors: bool,
    ) -> Self {
        let mut ret_tys = Vec::new();
        flat(&f.ret, &mut ret_tys);
        Gen {
            b,
            module,
            f,
            ids,
            rt,
            fref_cache: HashMap::new(),
            vars: Vec::new(),
            ctx: Value::from_u32(0),
            loops: Vec::new(),
            ret_tys,
            python_errors,
            propagate: None,
            rng: None,
            cancel: None,
            nonneg: nonneg_locals(f),
        }
    }

    fn function(&mut self) -> Result<(), JitError> {
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let params = self.b.block_params(entry).to_vec();
        self.ctx = params[0];
        // Declare all locals; parameters get their values, others zero.
        let mut k = 1;
        for (i, t) in self.f.locals.iter().enumerate() {
            let mut tys = Vec::new();
            flat(t, &mut tys);
            let mut vs = Vec::new();
            for ty in tys {
                let v = self.b.declare_var(ty);
                let init = if i < self.f.params {
                    k += 1;
                    params[k - 1]
                } else {
                    self.zero(ty)
                };
                self.b.def_var(v, init);
                vs.push(v);
            }
            self.vars.push(vs);
        }
        if has_loop(&self.f.body) {
            let p = self.b.ins().load(types::I64, MemFlagsData::trusted(), self.ctx, CTX_CANCEL);
            self.cancel = Some(p);
        }
        if draws_random(&self.f.body) {
            let vars = [0; 4].map(|_| self.b.declare_var(types::I64));
            self.rng = Some(vars);
            self.rng_load();
        }
        for s in &self.f.body {
            self.stmt(s)?;
        }
        // Falling off the end returns zeros (None for functions without a value).
        self.rng_store();
        self.ret_zeros();
        if let Some(p) = self.propagate {
            self.b.switch_to_block(p);
            self.rng_store();
            self.ret_zeros();
        }
        self.b.seal_all_blocks();
        Ok(())
    }

    fn rng_load(&mut self) {
        if let Some(vars) = self.rng {
            for (k, v) in vars.iter().enumerate() {
                let x =
                    self.b.ins().load(types::I64, MemFlagsData::trusted(), self.ctx, CTX_RNG + 8 * k as i32);
                self.b.def_var(*v, x);
            }
        }
    }

    fn rng_store(&mut self) {
        if let Some(vars) = self.rng {
            for (k, v) in vars.iter().enumerate() {
                let x = self.b.use_var(*v);
                self.b.ins().store(MemFlagsData::trusted(), x, self.ctx, CTX_RNG + 8 * k as i32);
            }
        }
    }

    fn zero(&mut self, ty: Type) -> Value {
        if ty == types::F64 { self.b.ins().f64const(0.0) } else { self.b.ins().iconst(ty, 0) }
    }

    fn ret_zeros(&mut self) {
        let tys = self.ret_tys.clone();
        let vals: Vec<Value> = tys.iter().map(|t| self.zero(*t)).collect();
        self.b.ins().return_(&vals);
    }

    /// Starts a fresh block after a terminator (the code that follows is unreachable).
    fn fresh(&mut self) {
        let blk = self.b.create_block();
        self.b.switch_to_block(blk);
    }

    fn rt_ref(&mut self, name: &str) -> Result<FuncRef, JitError> {
        let id = *self.rt.get(name).ok_or_else(|| internal(format!("missing runtime function {name}")))?;
        Ok(self.func_ref(id))
    }

    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(r) = self.fref_cache.get(&id) {
            return *r;
        }
        let r = self.module.declare_func_in_func(id, self.b.func);
        self.fref_cache.insert(id, r);
        r
    }

    fn call_rt(&mut self, name: &str, args: &[Value]) -> Result<Option<Value>, JitError> {
        let r = self.rt_ref(name)?;
        let call = self.b.ins().call(r, args);
        Ok(self.b.inst_results(call).first().copied())
    }

    /// Branches to a cold block that records `err` at `pos` and returns, when `cond` holds.
    /// Every error path writes the random state back, so the numbers drawn before an
    /// exception stay drawn (as in NumPy) whether they were drawn inline or by a call.
    fn raise_if(&mut self, cond: Value, err: RtError, pos: usize) {
        let fail = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(fail);
        self.b.ins().brif(cond, fail, &[], cont, &[]);
        self.b.switch_to_block(fail);
        self.rng_store();
        let code = self.b.ins().iconst(types::I64, err as i64);
        self.b.ins().store(MemFlagsData::trusted(), code, self.ctx, CTX_ERR);
        let p = self.b.ins().iconst(types::I64, pos as i64);
        self.b.ins().store(MemFlagsData::trusted(), p, self.ctx, CTX_ERR_POS);
        self.ret_zeros();
        self.b.switch_to_block(cont);
    }

    /// At a loop back-edge: stops with `Interrupted` when the caller's cancel flag is set
    /// (one byte load and a branch; the flag is written by another thread, so the load is
    /// not marked read-only and stays in the loop).
    fn check_cancel(&mut self, pos: usize) {
        if let Some(p) = self.cancel {
            let flag = self.b.ins().load(types::I8, MemFlagsData::new(), p, 0);
            self.raise_if(flag, RtError::Interrupted, pos);
        }
    }

    /// Returns at once when the context carries an error (after calls that may raise).
    fn check_err(&mut self) {
        let e = self.b.ins().load(types::I64, MemFlagsData::trusted(), self.ctx, CTX_ERR);
        let prop = match self.propagate {
            Some(p) => p,
            None => {
                // Filled in at the end of the function.
                let p = self.b.create_block();
                self.b.set_cold_block(p);
                self.propagate = Some(p);
                p
            }
        };
        let cont = self.b.create_block();
        self.b.ins().brif(e, prop, &[], cont, &[]);
        self.b.switch_to_block(cont);
    }

    // ---------------- statements ----------------

    fn stmt(&mut self, s: &TStmt) -> Result<(), JitError> {
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
                    DType::F64 | DType::I64 | DType::Bool => {
                        self.b.ins().store(flags, v, addr, 0);
                    }
                    DType::F32 => {
                        let x = self.b.ins().fdemote(types::F32, v);
                        self.b.ins().store(flags, x, addr, 0);
                    }
                    DType::I32 => {
                        self.b.ins().istore32(flags, v, addr, 0);
                    }
                    DType::U8 => {
                        self.b.ins().istore8(flags, v, addr, 0);
                    }
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
                self.b.switch_to_block(bodyb);
                self.loops.push((latch, exit));
                for s in body {
                    self.stmt(s)?;
                }
                self.loops.pop();
                self.b.ins().jump(latch, &[]);
                self.b.switch_to_block(latch);
                self.check_cancel(c.pos);
                self.b.ins().jump(header, &[]);
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
                self.b.switch_to_block(bodyb);
                let c = self.b.use_var(cvar);
                let v = self.vars[*var][0];
                self.b.def_var(v, c);
                self.loops.push((latch, exit));
                for s in body {
                    self.stmt(s)?;
                }
                self.loops.pop();
                self.b.ins().jump(latch, &[]);
                self.b.switch_to_block(latch);
                self.check_cancel(*pos);
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
        }
        Ok(())
    }

    // ---------------- expressions ----------------

    fn scalar(&mut self, e: &TExpr) -> Result<Value, JitError> {
        let v = self.expr(e)?;
        v.first().copied().ok_or_else(|| internal("expected a scalar value"))
    }

    fn truth(&mut self, v: Value, ty: &Ty) -> Value {
        match ty {
            Ty::Float => {
                let z = self.b.ins().f64const(0.0);
                self.b.ins().fcmp(FloatCC::NotEqual, v, z)
            }
            _ => self.b.ins().icmp_imm_s(IntCC::NotEqual, v, 0),
        }
    }

    fn expr(&mut self, e: &TExpr) -> Result<Vec<Value>, JitError> {
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
                self.b.switch_to_block(rb);
                let bv = self.scalar(r)?;
                self.b.ins().jump(merge, &[bv.into()]);
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
                self.b.switch_to_block(ab);
                let av = self.expr(a)?;
                let args: Vec<_> = av.iter().map(|v| (*v).into()).collect();
                self.b.ins().jump(merge, &args);
                self.b.switch_to_block(bb);
                let bv = self.expr(b)?;
                let args: Vec<_> = bv.iter().map(|v| (*v).into()).collect();
                self.b.ins().jump(merge, &args);
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
            TK::Tuple(items) => {
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
    fn inline_random(&mut self) -> Value {
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

    fn element_addr(
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
                match ie.kind {
                    TK::Int(c) if c >= 0 => i,
                    TK::Local(l) if self.nonneg.get(l).copied().unwrap_or(false) => i,
                    _ => {
                        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, i, 0);
                        let wrapped = self.b.ins().iadd(i, dim);
                        self.b.ins().select(neg, wrapped, i)
                    }
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
    fn checked_index(&mut self, i: Value, dim: Value, pos: usize) -> Value {
        let slow = self.b.create_block();
        let fail = self.b.create_block();
        let cont = self.b.create_block();
        let idx = self.b.append_block_param(cont, types::I64);
        self.b.set_cold_block(slow);
        self.b.set_cold_block(fail);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, dim);
        self.b.ins().brif(out, slow, &[], cont, &[i.into()]);
        self.b.switch_to_block(slow);
        let wrapped = self.b.ins().iadd(i, dim);
        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, i, 0);
        let in_range = self.b.ins().icmp(IntCC::UnsignedLessThan, wrapped, dim);
        let ok = self.b.ins().band(neg, in_range);
        self.b.ins().brif(ok, cont, &[wrapped.into()], fail, &[]);
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

    fn cast(&mut self, v: Value, from: &Ty, to: &Ty) -> Value {
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

    fn compare(&mut self, op: CmpOp, a: Value, b: Value, ty: &Ty) -> Value {
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

    fn binop(&mut self, op: BinOp, a: Value, b: Value, ty: &Ty, pos: usize) -> Result<Value, JitError> {
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
                if op == BinOp::FloorDiv {
                    let q1 = self.b.ins().iadd_imm_s(q, -1);
                    self.b.ins().select(fix, q1, q)
                } else {
                    let r1 = self.b.ins().iadd(r, b);
                    self.b.ins().select(fix, r1, r)
                }
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

    fn math(&mut self, m: MathFn, v: &[Value], pos: usize) -> Result<Value, JitError> {
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

    fn call_math(&mut self, m: MathFn, v: &[Value]) -> Result<Value, JitError> {
        let (name, _) = runtime::math_call(m).ok_or_else(|| internal("unmapped math function"))?;
        self.call_rt(name, v)?.ok_or_else(|| internal("math call"))
    }
}

/// Whether a statement draws random numbers inline (then the state lives in variables).
/// The locals of `f` that are never negative (see `Gen::nonneg`).
fn nonneg_locals(f: &Func) -> Vec<bool> {
    fn scan(s: &[TStmt], ok: &mut [bool], bad: &mut [bool]) {
        for st in s {
            match st {
                TStmt::Assign(l, _) => bad[*l] = true,
                TStmt::ForRange { var, start, step, body, .. } => {
                    let counts_up = matches!(start.kind, TK::Int(c) if c >= 0)
                        && matches!(step.kind, TK::Int(k) if k > 0);
                    if counts_up {
                        ok[*var] = true;
                    } else {
                        bad[*var] = true;
                    }
                    scan(body, ok, bad);
                }
                TStmt::If(_, a, b) => {
                    scan(a, ok, bad);
                    scan(b, ok, bad);
                }
                TStmt::While(_, b) => scan(b, ok, bad),
                _ => {}
            }
        }
    }
    let n = f.locals.len();
    let (mut ok, mut bad) = (vec![false; n], vec![false; n]);
    // Parameters come from the caller: any value.
    bad.iter_mut().take(f.params).for_each(|b| *b = true);
    scan(&f.body, &mut ok, &mut bad);
    ok.iter().zip(&bad).map(|(&o, &b)| o && !b).collect()
}
