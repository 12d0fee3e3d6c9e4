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

use crate::analysis::{draws_random, has_loop, nonneg_locals};

mod expressions;
mod operations;
mod par_for;
mod statements;
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
        // Erased by lowering; held as its representation if it ever gets here.
        Ty::Num(_) => flat(&ty.repr(), out),
    }
}

/// Compiles `funcs` (calls between them by index) and a trampoline
/// `extern "C" fn(ctx, args: *const u64, rets: *mut u64)` for each function in `entries`.
pub(crate) fn compile(funcs: &[Func], entries: &[usize], python_errors: bool) -> Result<Code, JitError> {
    // The reference interpreter keeps running the IR as lowered; the machine code is made
    // from its loop-optimized copy (same meaning, to the bit).
    let funcs: Vec<Func> = funcs
        .iter()
        .map(|f| {
            let mut f = f.clone();
            crate::optimize_loops::optimize(&mut f);
            f
        })
        .collect();
    let funcs = funcs.as_slice();
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
        self.b.seal_block(entry);
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
        // Every block but the shared error exit was sealed as soon as its predecessors were
        // known: sealing late makes the SSA builder pass every variable through loop headers
        // as block parameters (array pointers and strides of nested loops then look
        // loop-variant to Cranelift, and their arithmetic is neither hoisted nor shared).
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
        self.b.seal_block(blk);
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
        self.b.seal_block(fail);
        self.b.seal_block(cont);
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

    /// Seals a loop's latch and exit once its body is emitted: every `continue` and `break`
    /// (their only predecessors besides the body's end and the loop test) is known then.
    fn seal_loop_blocks(&mut self, latch: Block, exit: Block) {
        self.b.seal_block(latch);
        self.b.seal_block(exit);
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
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
    }

    // ---------------- statements ----------------
}
