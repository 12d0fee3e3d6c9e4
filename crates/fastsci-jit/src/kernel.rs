//! Kernels: a module of `def`s, functions specialized per argument signature on first call.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock, RwLock};

use crate::analysis::{runs_briefly, writes_non_fresh};
use crate::autodiff;
use crate::calling_convention::{
    Slots, flatten_raw_arg, flatten_value, flatten_value_mut, raw_arg_has_type, raw_arg_type, slot_count,
    to_standard, type_of, unflatten, value_has_type,
};
use crate::codegen::{self, Code};
use crate::interp::{self, Stop};
use crate::ir::{Func, RtError, Ty};
use crate::lower::{LErr, Options, Program};
use crate::runtime::{self, Arena, Ctx};
use crate::value::{DType, RawArg, Value};
use crate::{ErrorKind, JitError};
use fastsci_expr::ast::{FuncDef, Global, Stmt, StmtKind};

/// Options for compiling kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileOptions {
    /// Check every array index against the shape (default `true`). With `false`, an
    /// out-of-range index reads or writes arbitrary memory: use only on tested kernels.
    pub boundscheck: bool,
    /// Run the iterations of `prange` loops on rayon's pool (default `false`, as Numba's
    /// `parallel=False`: the same blocks one after the other on the calling thread, so the
    /// same results to the bit). Races in `prange` loops are compile errors either way.
    pub parallel: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions { boundscheck: true, parallel: false }
    }
}

struct ModuleInner {
    /// All snippets, one after the other (each starts on a new line).
    source: String,
    /// The file name(s), for messages that name the module.
    filename: String,
    /// Where each snippet starts in `source`, to report errors at the snippet's own line.
    parts: Vec<PartLines>,
    defs: Vec<FuncDef>,
    globals: Vec<Global>,
    options: CompileOptions,
    /// Globals frozen at compile time.
    consts: Vec<(String, Value)>,
}

/// One snippet's place: its lines start at line `start_line` (1-based) of the joined source
/// and are line `first_line` onwards of `filename`.
struct PartLines {
    filename: String,
    start_line: usize,
    first_line: usize,
}

impl ModuleInner {
    /// Names the file and real line of an error positioned in the joined source.
    fn locate(&self, e: JitError) -> JitError {
        if e.line() == 0 {
            return e.with_filename(&self.filename);
        }
        match self.parts.iter().rev().find(|p| p.start_line <= e.line()) {
            Some(p) => {
                let line = e.line() - p.start_line + p.first_line;
                e.relocated(&p.filename, line)
            }
            None => e.with_filename(&self.filename),
        }
    }
}

/// One snippet of kernel source for [`Module::compile_parts`]: its text, the file it comes
/// from and the line of that file where the text starts (1-based), so errors point there.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The source text (complete top-level statements, e.g. one `def` with its decorators).
    pub text: &'a str,
    /// File name used in error messages.
    pub filename: &'a str,
    /// Line of `filename` where `text` starts (1-based; `0` is taken as `1`).
    pub first_line: usize,
}

/// A parsed source of kernel functions.
///
/// # Examples
///
/// ```
/// use fastsci_jit::{Module, Value};
/// let m = Module::compile("def fib(n):\n    a, b = 0, 1\n    for i in range(n):\n        a, b = b, a + b\n    return a\n", "fib.py")?;
/// let fib = m.function("fib")?;
/// assert_eq!(fib.call(&[Value::Int(50)])?, Value::Int(12586269025));
/// # Ok::<(), fastsci_jit::JitError>(())
/// ```
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("filename", &self.inner.filename)
            .field("functions", &self.function_names())
            .finish()
    }
}

impl Module {
    /// Parses `source` with bounds checks on: its `def`s and its module-level constants
    /// (frozen; other module-level code is ignored). `filename` is used in error messages.
    ///
    /// # Errors
    ///
    /// Syntax errors, with `file:line:column`. A function outside the subset fails when
    /// called (see [`Function::call`]), so the others can still be used.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let m = Module::compile("def sq(x):\n    return x * x\n", "sq.py")?;
    /// assert_eq!(m.function("sq")?.call(&[Value::Int(7)])?, Value::Int(49));
    /// assert!(Module::compile("def f(:\n", "bad.py").is_err());
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn compile(source: &str, filename: &str) -> Result<Module, JitError> {
        Self::compile_with(source, filename, CompileOptions::default())
    }

    /// Like [`Module::compile`], with options.
    ///
    /// # Errors
    ///
    /// As [`Module::compile`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{CompileOptions, Module, Value};
    /// let opts = CompileOptions { boundscheck: false, ..Default::default() };
    /// let m = Module::compile_with("def first(a):\n    return a[0]\n", "f.py", opts)?;
    /// let a = Value::Array(ndarray::arr1(&[2.5, 1.0]).into_dyn().into());
    /// assert_eq!(m.function("first")?.call(&[a])?, Value::Float(2.5));
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn compile_with(source: &str, filename: &str, options: CompileOptions) -> Result<Module, JitError> {
        Self::compile_parts(&[Source { text: source, filename, first_line: 1 }], &[], options)
    }

    /// Compiles several snippets into one namespace of functions: each Python `@jit`
    /// function's source as `inspect` gives it, with its own file and first line. Errors
    /// name the snippet's file and its real line. `globals` (the values of the module-level
    /// names the kernels read: ints, floats, bools and tuples of them) are frozen as
    /// compile-time constants, as Numba freezes globals; a parameter or local variable of
    /// the same name hides a global.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{CompileOptions, Module, Source, Value};
    /// let parts = [
    ///     Source { text: "def area(r):\n    return SCALE * r * r\n", filename: "geo.py", first_line: 10 },
    ///     Source { text: "def twice(r):\n    return 2 * area(r)\n", filename: "geo.py", first_line: 20 },
    /// ];
    /// let globals = [("SCALE".to_string(), Value::Float(3.0))];
    /// let m = Module::compile_parts(&parts, &globals, CompileOptions::default())?;
    /// assert_eq!(m.function("twice")?.call(&[Value::Float(2.0)])?, Value::Float(24.0));
    ///
    /// let bad = [Source { text: "def f(x):\n    return x +* 1\n", filename: "k.py", first_line: 41 }];
    /// let err = Module::compile_parts(&bad, &[], CompileOptions::default()).unwrap_err();
    /// assert_eq!((err.filename(), err.line()), (Some("k.py"), 42));
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Module::compile`], positioned in the snippet; a global that is not a number,
    /// bool or tuple of them; no snippets.
    pub fn compile_parts(
        parts: &[Source<'_>],
        globals: &[(String, Value)],
        options: CompileOptions,
    ) -> Result<Module, JitError> {
        if parts.is_empty() {
            return Err(JitError::plain(ErrorKind::Argument, "no source given"));
        }
        let mut source = String::new();
        let mut lines = Vec::new();
        let mut filenames: Vec<&str> = Vec::new();
        for p in parts {
            lines.push(PartLines {
                filename: p.filename.to_string(),
                start_line: source.matches('\n').count() + 1,
                first_line: p.first_line.max(1),
            });
            if !filenames.contains(&p.filename) {
                filenames.push(p.filename);
            }
            source.push_str(p.text);
            if !source.ends_with('\n') {
                source.push('\n');
            }
        }
        let mut inner = ModuleInner {
            source,
            filename: filenames.join(", "),
            parts: lines,
            defs: Vec::new(),
            globals: Vec::new(),
            options,
            consts: Vec::new(),
        };
        for (name, v) in globals {
            if !is_constant(v) {
                return Err(JitError::plain(
                    ErrorKind::Argument,
                    format!(
                        "global `{name}`: only ints, floats, bools and tuples of them can be frozen into a kernel"
                    ),
                ));
            }
        }
        inner.consts = globals.to_vec();
        // Each snippet alone first, so a syntax error is reported in the snippet that has it
        // (one snippet: the parse below reports it there already).
        let mut base = 0;
        for p in parts.iter().filter(|_| parts.len() > 1) {
            if let Err((offset, kind, msg)) = fastsci_expr::parser::check_syntax(p.text) {
                // "Unexpected end of input" points past the snippet: keep it on its last line.
                let offset = offset.min(p.text.trim_end().len());
                return Err(inner.locate(JitError::at(kind, &inner.source, base + offset, msg)));
            }
            base += p.text.len() + usize::from(!p.text.ends_with('\n'));
        }
        let ast = fastsci_expr::parser::parse_module(&inner.source).map_err(|e| inner.locate(e))?;
        inner.defs = ast.defs;
        inner.globals = ast.globals;
        Ok(Module { inner: Arc::new(inner) })
    }

    /// The options the module was compiled with.
    pub(crate) fn options(&self) -> CompileOptions {
        self.inner.options
    }

    /// This module's sources and frozen globals with `extra` after them (generated kernels
    /// that call the module's own), compiled with `options`.
    pub(crate) fn with_source(&self, extra: Source<'_>, options: CompileOptions) -> Result<Module, JitError> {
        let m = &*self.inner;
        let line_start = |line: usize| -> usize {
            if line <= 1 {
                return 0;
            }
            m.source.match_indices('\n').nth(line - 2).map_or(m.source.len(), |(i, _)| i + 1)
        };
        let mut sources = Vec::with_capacity(m.parts.len() + 1);
        for (k, p) in m.parts.iter().enumerate() {
            let end = m.parts.get(k + 1).map_or(m.source.len(), |q| line_start(q.start_line));
            let text = &m.source[line_start(p.start_line)..end];
            sources.push(Source { text, filename: &p.filename, first_line: p.first_line });
        }
        sources.push(extra);
        Module::compile_parts(&sources, &m.consts, options)
    }

    /// Names of the functions defined, in source order.
    pub fn function_names(&self) -> Vec<&str> {
        self.inner.defs.iter().map(|d| d.name.as_str()).collect()
    }

    /// The function `name`, ready to be called (compiled per signature on first call).
    ///
    /// # Errors
    ///
    /// When no function has that name.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::Module;
    /// let m = Module::compile("def a(x):\n    return x\n\ndef b(x):\n    return a(x) + 1\n", "m.py")?;
    /// assert_eq!(m.function_names(), ["a", "b"]);
    /// assert_eq!(m.function("b")?.param_names(), ["x"]);
    /// assert!(m.function("c").is_err());
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn function(&self, name: &str) -> Result<Function, JitError> {
        let def = self.inner.defs.iter().find(|d| d.name == name).ok_or_else(|| {
            JitError::plain(
                ErrorKind::Name,
                format!(
                    "no function `{name}` in {}; defined: {}",
                    self.inner.filename,
                    self.function_names().join(", ")
                ),
            )
        })?;
        Ok(Function {
            module: self.inner.clone(),
            def_error: def.error.clone().map(|e| self.inner.locate(e)),
            name: name.to_string(),
            params: def.params.iter().map(|p| p.0.clone()).collect(),
            cache: Arc::default(),
            derivative: Derivative::None,
        })
    }
}

type Entry = unsafe extern "C" fn(*mut Ctx, *const u64, *mut u64);

/// One compiled specialization.
struct Compiled {
    code: Code,
    /// The IR it was compiled from (all functions it calls), for the reference interpreter.
    funcs: Vec<Func>,
    entry: usize,
    ret: Ty,
    /// How many slots the result takes.
    ret_slots: usize,
    /// Whether the code may write into arrays it did not create (then `call` copies inputs).
    writes_inputs: bool,
    /// Whether it runs without loops, calls or new arrays ([`runs_briefly`]).
    brief: bool,
}

/// Signatures a call finds without taking a lock.
const LOCK_FREE_SIGNATURES: usize = 8;

/// One compiled signature: the argument types and the code.
type Specialization = (Vec<Ty>, Arc<Compiled>);

/// The compiled specializations of one function with their argument types. A call finds its
/// own by comparing its arguments' types in place, without allocating or hashing (kernels
/// have few signatures): the first few are set once and read without a lock, the rest sit
/// behind a read-write lock, whose write side also makes compiling one signature at a time.
#[derive(Default)]
struct Specializations {
    first: [OnceLock<Specialization>; LOCK_FREE_SIGNATURES],
    rest: RwLock<Vec<Specialization>>,
}

impl Specializations {
    fn find(&self, matches: impl Fn(&[Ty]) -> bool) -> Option<Arc<Compiled>> {
        self.with_found(matches, |c| c.clone())
    }

    /// Runs `then` on the specialization `matches` picks (under the read lock if it is one of
    /// the rest, so `then` must be short).
    fn with_found<R>(
        &self,
        matches: impl Fn(&[Ty]) -> bool,
        then: impl FnOnce(&Arc<Compiled>) -> R,
    ) -> Option<R> {
        for slot in &self.first {
            // Slots fill in order: an empty one means there are no more signatures (one being
            // added now is found again under the write lock by the caller that misses it).
            let (tys, c) = slot.get()?;
            if matches(tys) {
                return Some(then(c));
            }
        }
        let rest = self.rest.read().unwrap_or_else(|p| p.into_inner());
        rest.iter().find(|(tys, _)| matches(tys)).map(|(_, c)| then(c))
    }

    /// The specialization `matches` picks among the first few (set once, read without a
    /// lock); `None` when it is not one of them.
    #[inline]
    fn find_lock_free(&self, matches: impl Fn(&[Ty]) -> bool) -> Option<&Compiled> {
        self.first.iter().map_while(OnceLock::get).find(|(tys, _)| matches(tys)).map(|(_, c)| &**c)
    }

    /// Adds a signature; the caller holds `rest`'s write lock (`rest` is that guard's list).
    fn add(&self, rest: &mut Vec<Specialization>, entry: Specialization) {
        match self.first.iter().find(|slot| slot.get().is_none()) {
            Some(slot) => {
                let _ = slot.set(entry);
            }
            None => rest.push(entry),
        }
    }

    /// Every signature with its code, for listing (the rest under the read lock).
    fn for_each(&self, mut each: impl FnMut(&[Ty], &Compiled)) {
        self.first.iter().filter_map(OnceLock::get).for_each(|(tys, c)| each(tys, c));
        let rest = self.rest.read().unwrap_or_else(|p| p.into_inner());
        rest.iter().for_each(|(tys, c)| each(tys, c));
    }
}

/// A kernel function; cheap to clone, `Send + Sync`. Each distinct signature of argument
/// types is compiled once and cached.
#[derive(Clone)]
pub struct Function {
    module: Arc<ModuleInner>,
    /// Why the `def` is outside the subset, reported by every call.
    def_error: Option<JitError>,
    name: String,
    params: Vec<String>,
    cache: Arc<Specializations>,
    /// What the compiled code computes from the kernel: itself or a derivative.
    derivative: Derivative,
}

/// The code a [`Function`] compiles from its kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Derivative {
    /// The kernel as written.
    None,
    /// Its value and gradient ([`Function::gradient`]).
    Gradient,
    /// Its value and directional derivative ([`Function::jvp`]).
    Jvp,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function").field("name", &self.name).field("params", &self.params).finish()
    }
}

thread_local! {
    static RNG: std::cell::Cell<[u64; 4]> = std::cell::Cell::new(runtime::seed_state({
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x5eed);
        h.finish()
    }));
}

/// Seeds this thread's kernel random generator (as `np.random.seed(seed)` inside a kernel).
///
/// # Examples
///
/// ```
/// use fastsci_jit::{Module, seed};
/// let f = Module::compile("import numpy as np\ndef r():\n    return np.random.random()\n", "r.py")?.function("r")?;
/// seed(42);
/// let x = f.call(&[])?;
/// seed(42);
/// assert_eq!(f.call(&[])?, x);
/// # Ok::<(), fastsci_jit::JitError>(())
/// ```
pub fn seed(seed: u64) {
    RNG.with(|r| r.set(runtime::seed_state(seed)));
}

impl Function {
    /// The function's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Parameter names, in order.
    pub fn param_names(&self) -> &[String] {
        &self.params
    }

    fn compiled(&self, tys: Vec<Ty>) -> Result<Arc<Compiled>, JitError> {
        if let Some(c) = self.cache.find(|t| t == tys) {
            return Ok(c);
        }
        // Compiling under the write lock: two threads that call with a new signature at once
        // compile it once.
        let mut rest = self.cache.rest.write().unwrap_or_else(|p| p.into_inner());
        let known = self.cache.first.iter().filter_map(OnceLock::get).chain(rest.iter());
        if let Some((_, c)) = known.into_iter().find(|(t, _)| *t == tys) {
            return Ok(c.clone());
        }
        let m = &*self.module;
        let opts = Options { boundscheck: m.options.boundscheck, parallel: m.options.parallel };
        let mut prog = Program::new(&m.source, &m.defs, opts).with_consts(&m.consts).with_globals(&m.globals);
        let id = match prog.specialize(&self.name, self.primal_types(&tys)?, 0) {
            Ok(id) => id,
            Err(LErr::Err(e)) => return Err(m.locate(e)),
            Err(LErr::Unknown) => {
                return Err(m.locate(JitError::plain(ErrorKind::Type, "could not infer types")));
            }
        };
        let funcs = prog.into_funcs()?;
        let (funcs, id) = self.derive(funcs, id)?;
        let ret = funcs[id].ret.clone();
        let writes_inputs = funcs.iter().any(writes_non_fresh);
        let brief = runs_briefly(&funcs[id]);
        let code = codegen::compile(&funcs, &[id], true)?;
        let ret_slots = slot_count(&ret);
        let c = Arc::new(Compiled { code, funcs, entry: id, ret, ret_slots, writes_inputs, brief });
        self.cache.add(&mut rest, (tys, c.clone()));
        Ok(c)
    }

    /// The result type of the specialization for arguments of types `tys` (compiled now).
    pub(crate) fn result_type(&self, tys: &[Ty]) -> Result<Ty, JitError> {
        self.compiled(tys.to_vec()).map(|c| c.ret.clone())
    }

    /// The functions to compile for this function's `derivative`, and the entry's index.
    fn derive(&self, mut funcs: Vec<Func>, id: usize) -> Result<(Vec<Func>, usize), JitError> {
        let m = &*self.module;
        if self.derivative != Derivative::None {
            // Derivatives run `prange` loops serially: the differentiation sees ordinary loops.
            funcs.iter_mut().for_each(crate::parallel::serialize);
        }
        match self.derivative {
            Derivative::None => Ok((funcs, id)),
            Derivative::Gradient => autodiff::gradient(funcs, id, &m.source).map_err(|e| m.locate(e)),
            Derivative::Jvp => autodiff::jvp(funcs, id, &m.source).map_err(|e| m.locate(e)),
        }
    }

    /// The kernel's argument types among `tys` (a [`Function::jvp`] is also given tangents,
    /// each of its argument's type).
    fn primal_types<'t>(&self, tys: &'t [Ty]) -> Result<&'t [Ty], JitError> {
        if self.derivative != Derivative::Jvp {
            return Ok(tys);
        }
        let (args, tangents) = tys.split_at(tys.len() / 2);
        match args.iter().zip(tangents).position(|(a, t)| a != t) {
            None => Ok(args),
            Some(k) => Err(JitError::plain(
                ErrorKind::Argument,
                format!(
                    "`{}`: the tangent of `{}` must have its type ({}), got {}",
                    self.name,
                    self.params[k],
                    args[k].name(),
                    tangents[k].name()
                ),
            )),
        }
    }

    /// The kernel's forward-mode derivative (a Jacobian-vector product): a function of the
    /// kernel's arguments followed by one tangent per argument (of the argument's type: a
    /// float, or a float64 array of its shape; for other arguments it is ignored), returning
    /// `(value, directional derivative)`: the derivative of the float result along the
    /// tangents. One run, no tape: the code carries a tangent beside every float variable
    /// and array. Through the same constructs as [`Function::gradient`], arrays reassigned
    /// in loops too.
    ///
    /// # Errors
    ///
    /// When called: those of [`Function::call`]; a tangent whose type is not its argument's;
    /// a result that is not a float; random numbers in the kernel.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let src = "def f(x, y):\n    return x * x * y\n";
    /// let jvp = Module::compile(src, "f.py")?.function("f")?.jvp();
    /// assert_eq!(jvp.param_names(), ["x", "y", "d_x", "d_y"]);
    /// // Along (1, 0): df/dx = 2xy.
    /// let r = jvp.call(&[Value::Float(3.0), Value::Float(2.0), Value::Float(1.0), Value::Float(0.0)])?;
    /// assert_eq!(r, Value::Tuple(vec![Value::Float(18.0), Value::Float(12.0)]));
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn jvp(&self) -> Function {
        let mut params = self.params.clone();
        params.extend(self.params.iter().map(|p| format!("d_{p}")));
        Function { cache: Arc::default(), derivative: Derivative::Jvp, params, ..self.clone() }
    }

    /// The kernel's gradient, by reverse-mode automatic differentiation: a function of the
    /// same arguments returning the tuple `(value, d0, d1, ...)` with one entry per parameter:
    /// the derivative of the (float) result with respect to a float parameter, an array of
    /// the same shape for a float64 array (the derivative with respect to each element), and
    /// `None` for parameters that are not differentiated (ints, bools, other dtypes).
    ///
    /// The derivative is exact (up to rounding), through loops (also with data-dependent
    /// trip counts), branches, `break`/`continue`/`return`, calls to other kernels, math
    /// functions and array reads and writes. It is compiled per signature like the kernel
    /// (on first call) into one function that runs the kernel forward, recording on a tape
    /// what it overwrites (8 bytes per reassignment, element store, branch and loop
    /// iteration, in buffers that double when full and are freed when the call returns),
    /// then backward. At a kink (`abs`, `max`, a branch) it takes the derivative of the side
    /// the code took.
    ///
    /// # Errors
    ///
    /// When called: those of [`Function::call`]; a kernel whose result is not a float; code
    /// that is not differentiated (random numbers, arrays created in loops or reassigned
    /// other than as views of one array, calls to kernels that write into their arguments,
    /// tuples, `digamma`), named with its line.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let src = "import math\ndef f(x, a, n):\n    s = 0.0\n    for i in range(n):\n        s += math.sin(a[i] * x)\n    return s\n";
    /// let grad = Module::compile(src, "f.py")?.function("f")?.gradient();
    /// let a = Value::Array(ndarray::arr1(&[1.0, 2.0]).into_dyn().into());
    /// let Value::Tuple(r) = grad.call(&[Value::Float(0.5), a, Value::Int(2)])? else { unreachable!() };
    /// let dx = 1.0 * (0.5f64).cos() + 2.0 * (1.0f64).cos();
    /// assert!((r[1].as_f64().unwrap() - dx).abs() < 1e-15);
    /// assert_eq!(r[3], Value::None);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn gradient(&self) -> Function {
        Function { cache: Arc::default(), derivative: Derivative::Gradient, ..self.clone() }
    }

    /// Compiles the specialization for these argument types without running it (to time
    /// compilation apart, or to report type errors early).
    ///
    /// # Errors
    ///
    /// Type errors in the kernel, wrong number of arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let f = Module::compile("def half(x):\n    return x / 2\n", "h.py")?.function("half")?;
    /// f.compile_for(&[Value::Int(0)])?;
    /// assert_eq!(f.signatures(), ["(int64) -> float64"]);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn compile_for(&self, args: &[Value]) -> Result<(), JitError> {
        self.specialization(args).map(|_| ())
    }

    /// The compiled specialization for these arguments, compiling it on first use.
    fn specialization(&self, args: &[Value]) -> Result<Arc<Compiled>, JitError> {
        self.check_count(args.len())?;
        let cached = self.cache.find(|tys| tys.iter().zip(args).all(|(t, a)| value_has_type(a, t)));
        match cached {
            Some(c) => Ok(c),
            None => self.compiled(args.iter().map(type_of).collect::<Result<_, _>>()?),
        }
    }

    /// The compiled specialization for these raw arguments, compiling it on first use.
    fn raw_specialization(&self, args: &[RawArg]) -> Result<Arc<Compiled>, JitError> {
        self.check_count(args.len())?;
        match self.cached_raw(args) {
            Some(c) => Ok(c),
            None => self.compiled(args.iter().map(raw_arg_type).collect::<Result<_, _>>()?),
        }
    }

    /// The compiled specialization for these raw arguments, if there is one already.
    fn cached_raw(&self, args: &[RawArg]) -> Option<Arc<Compiled>> {
        self.cache.find(|tys| raw_args_match(tys, args))
    }

    fn check_count(&self, n: usize) -> Result<(), JitError> {
        if let Some(e) = &self.def_error {
            return Err(e.clone());
        }
        if n != self.params.len() {
            return Err(JitError::plain(
                ErrorKind::Argument,
                format!(
                    "`{}` takes {} argument(s) ({}), got {}",
                    self.name,
                    self.params.len(),
                    self.params.join(", "),
                    n
                ),
            ));
        }
        Ok(())
    }

    /// Calls the function. Arrays are read in place; if the kernel may write into arrays it
    /// did not create, they are copied first, so `args` never change (see
    /// [`Function::call_mut`] to write in place).
    ///
    /// # Errors
    ///
    /// Compile errors for this signature, and runtime errors (`IndexError`,
    /// `ZeroDivisionError`, ...) with the source line.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let src = "def norm2(a):\n    s = 0.0\n    for x in a:\n        s += x * x\n    return s\n";
    /// let f = Module::compile(src, "n.py")?.function("norm2")?;
    /// let a = Value::Array(ndarray::arr1(&[3.0, 4.0]).into_dyn().into());
    /// assert_eq!(f.call(&[a])?, Value::Float(25.0));
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn call(&self, args: &[Value]) -> Result<Value, JitError> {
        let c = self.specialization(args)?;
        if c.writes_inputs && args.iter().any(|a| matches!(a, Value::Array(_) | Value::Tuple(_))) {
            let mut owned: Vec<Value> = args.iter().map(to_standard).collect();
            return self.run(&c, &mut owned);
        }
        // SAFETY of the const-to-mut cast inside `run`: the code does not write to inputs.
        let mut slots = Slots::new();
        for a in args {
            flatten_value(a, &mut slots);
        }
        self.run_slots(&c, slots.as_slice(), None)
    }

    /// Calls the function on borrowed arrays: the kernel reads and writes the caller's
    /// memory directly (no copy, as Numba does with NumPy arrays), so arrays it writes into
    /// change. Scalars and tuples are given as [`RawArg::Value`]. When `cancel` becomes
    /// `true` (from another thread, e.g. on Ctrl-C), the kernel stops at its next loop
    /// back-edge with [`ErrorKind::Interrupted`]. Arrays the kernel creates and returns
    /// come back as [`Value::Array`] without a copy; an argument array returned as is comes
    /// back as a copy.
    ///
    /// # Safety
    ///
    /// Each [`RawArray`](crate::RawArray) must describe memory that is valid for reads and writes of its
    /// `dtype` at every index its `shape` and byte `strides` reach from `data`, for the whole
    /// call, and that nothing else accesses during the call (arrays given twice, or views
    /// of one another, may alias: the kernel sees the writes, as in NumPy). The same holds
    /// for each [`RawArrayRef`](crate::RawArrayRef), whose `shape` and `strides` must point to
    /// `ndim` values each, unchanged for the whole call, and for arrays inside
    /// [`RawArg::Tuple`]s. Memory that is only readable is fine when
    /// [`Function::may_write_arguments`] says the code does not write arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{DType, Module, RawArg, RawArray, Value};
    /// let f = Module::compile("def scale(a, k):\n    for i in range(a.shape[0]):\n        a[i] *= k\n", "s.py")?
    ///     .function("scale")?;
    /// let mut data = [1.0f64, 2.0, 3.0];
    /// let a = RawArray { dtype: DType::F64, data: data.as_mut_ptr().cast(), shape: vec![3], strides: vec![8] };
    /// // SAFETY: `data` is a live array of 3 f64 with stride 8 bytes, used by nothing else.
    /// unsafe { f.call_raw(&[RawArg::Array(a), RawArg::Value(Value::Float(10.0))], None)? };
    /// assert_eq!(data, [10.0, 20.0, 30.0]);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Function::call`]; byte strides that are not a multiple of the element size;
    /// [`ErrorKind::Interrupted`] when cancelled.
    pub unsafe fn call_raw(&self, args: &[RawArg], cancel: Option<&AtomicBool>) -> Result<Value, JitError> {
        let c = self.raw_specialization(args)?;
        let mut slots = Slots::new();
        raw_slots(args, &mut slots)?;
        self.run_slots(&c, slots.as_slice(), cancel)
    }

    /// Whether the code compiled for these arguments may write into arrays it did not create
    /// (its arguments): if not, [`Function::call_raw`] may be given read-only memory (a
    /// read-only memory map, a broadcast view) without a copy. Compiles the specialization on
    /// first use. The answer is conservative: `true` when any store could reach an argument.
    ///
    /// # Errors
    ///
    /// As [`Function::compile_for`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{DType, Module, RawArg, RawArray};
    /// let m = Module::compile("def total(a):\n    s = 0.0\n    for x in a:\n        s += x\n    return s\n\ndef zero(a):\n    a[0] = 0.0\n", "k.py")?;
    /// let a = RawArg::Array(RawArray { dtype: DType::F64, data: std::ptr::null_mut(), shape: vec![0], strides: vec![8] });
    /// assert!(!m.function("total")?.may_write_arguments(std::slice::from_ref(&a))?);
    /// assert!(m.function("zero")?.may_write_arguments(&[a])?);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn may_write_arguments(&self, args: &[RawArg]) -> Result<bool, JitError> {
        Ok(self.raw_specialization(args)?.writes_inputs)
    }

    /// Calls the function as [`Function::call_raw`] does, but only if the specialization
    /// for these arguments is compiled already and runs briefly: no loops, no calls to other
    /// kernels, no arrays created. Otherwise returns `None` and does nothing, and the caller
    /// makes the call with [`Function::call_raw`].
    ///
    /// Such a call takes about as long as a function call: a binding that releases a lock
    /// (Python's GIL) around long calls can call these with the lock held, as releasing it
    /// would cost more than the call.
    ///
    /// # Safety
    ///
    /// As [`Function::call_raw`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, RawArg, Value};
    /// let m = Module::compile("def add(a, b):\n    return a + b\n\ndef total(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n", "k.py")?;
    /// let add = m.function("add")?;
    /// let args = [RawArg::Value(Value::Float(1.5)), RawArg::Value(Value::Float(2.0))];
    /// // SAFETY: no arrays.
    /// assert!(unsafe { add.call_raw_if_brief(&args) }.is_none(), "not compiled yet");
    /// assert_eq!(unsafe { add.call_raw(&args, None)? }, Value::Float(3.5));
    /// assert_eq!(unsafe { add.call_raw_if_brief(&args) }.transpose()?, Some(Value::Float(3.5)));
    /// let total = m.function("total")?;
    /// let n = [RawArg::Value(Value::Int(10))];
    /// assert_eq!(unsafe { total.call_raw(&n, None)? }, Value::Int(45));
    /// assert!(unsafe { total.call_raw_if_brief(&n) }.is_none(), "it loops");
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub unsafe fn call_raw_if_brief(&self, args: &[RawArg]) -> Option<Result<Value, JitError>> {
        if args.len() != self.params.len() || self.def_error.is_some() {
            return None;
        }
        let mut slots = Slots::new();
        let run = |c: &Compiled, slots: &mut Slots| {
            raw_slots(args, slots)?;
            self.run_slots(c, slots.as_slice(), None)
        };
        // The usual case, a signature among the first few, without a lock or nested options
        // (each layer moved the large result once more: a measurable share of a brief call).
        if let Some(c) = self.cache.find_lock_free(|tys| raw_args_match(tys, args)) {
            return if c.brief { Some(run(c, &mut slots)) } else { None };
        }
        self.cache
            .with_found(|tys| raw_args_match(tys, args), |c| c.brief.then(|| run(c, &mut slots)))
            .flatten()
    }

    /// The argument signatures compiled so far, as Numba prints them, with the return
    /// type: `(array(float64, 1d), int64) -> float64`. Sorted.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let f = Module::compile("def id(x):\n    return x\n", "i.py")?.function("id")?;
    /// f.call(&[Value::Float(1.0)])?;
    /// f.call(&[Value::Bool(true)])?;
    /// assert_eq!(f.signatures(), ["(bool) -> bool", "(float64) -> float64"]);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn signatures(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.cache.for_each(|tys, c| out.push(signature_text(tys, &c.ret)));
        out.sort();
        out
    }

    /// The types inferred for every compiled signature, like Numba's `inspect_types()`: per
    /// signature, each parameter and local variable with its type.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let f = Module::compile("def f(n):\n    s = 0.0\n    for i in range(n):\n        s += i\n    return s\n", "f.py")?
    ///     .function("f")?;
    /// f.call(&[Value::Int(3)])?;
    /// assert_eq!(f.signatures(), ["(int64) -> float64"]);
    /// assert!(f.inspect_types().contains("s: float64"));
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn inspect_types(&self) -> String {
        let mut entries = Vec::new();
        self.cache.for_each(|tys, c| {
            let f = &c.funcs[c.entry];
            let locals: Vec<(String, String)> =
                f.names.iter().map(|(name, l)| (name.clone(), f.locals[*l].numba_name())).collect();
            entries.push((signature_text(tys, &c.ret), locals));
        });
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::new();
        for (sig, locals) in entries {
            out.push_str(&format!("{} {sig}\n", self.name));
            for (name, ty) in locals {
                out.push_str(&format!("    {name}: {ty}\n"));
            }
        }
        out
    }

    /// Calls the function letting it write into the given arrays (NumPy/Numba semantics).
    ///
    /// # Errors
    ///
    /// As [`Function::call`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{ArrayValue, Module, Value};
    /// let f = Module::compile("def fill(a, v):\n    for i in range(a.shape[0]):\n        a[i] = v\n", "f.py")?.function("fill")?;
    /// let mut args = [Value::Array(ndarray::arr1(&[0.0, 0.0]).into_dyn().into()), Value::Float(3.0)];
    /// f.call_mut(&mut args)?;
    /// let Value::Array(ArrayValue::F64(a)) = &args[0] else { unreachable!() };
    /// assert_eq!(a.as_slice().unwrap(), [3.0, 3.0]);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn call_mut(&self, args: &mut [Value]) -> Result<Value, JitError> {
        let c = self.specialization(args)?;
        self.run(&c, args)
    }

    fn run(&self, c: &Compiled, args: &mut [Value]) -> Result<Value, JitError> {
        let mut slots = Slots::new();
        for a in args.iter_mut() {
            flatten_value_mut(a, &mut slots);
        }
        self.run_slots(c, slots.as_slice(), None)
    }

    fn run_slots(&self, c: &Compiled, slots: &[u64], cancel: Option<&AtomicBool>) -> Result<Value, JitError> {
        let mut arena = Arena::default();
        let mut rets = Slots::zeroed(c.ret_slots.max(1));
        self.enter(c, slots, rets.as_mut_slice(), &mut arena, cancel)?;
        let mut it = rets.as_slice().iter().copied();
        Ok(unflatten(&c.ret, &mut it, &mut arena))
    }

    /// Runs the code on argument slots, writing its result slots into `rets` (at least
    /// `c.ret_slots` long); arrays it makes live in `arena`.
    fn enter(
        &self,
        c: &Compiled,
        slots: &[u64],
        rets: &mut [u64],
        arena: &mut Arena,
        cancel: Option<&AtomicBool>,
    ) -> Result<(), JitError> {
        debug_assert!(rets.len() >= c.ret_slots);
        let flag: *const AtomicBool = cancel.unwrap_or(&runtime::NEVER_CANCELLED);
        let mut ctx = Ctx {
            err: 0,
            err_pos: 0,
            rng: RNG.with(|r| r.get()),
            depth: 0,
            arena,
            // An AtomicBool is one byte with bool's layout; the code reads that byte.
            cancel: flag.cast::<u8>(),
        };
        // SAFETY: the entry trampoline reads exactly the flattened argument slots of this
        // signature and writes the flattened results; array pointers come from live arrays.
        unsafe {
            let f: Entry = std::mem::transmute::<*const u8, Entry>(c.code.entries[0]);
            f(&mut ctx, slots.as_ptr(), rets.as_mut_ptr());
        }
        RNG.with(|r| r.set(ctx.rng));
        if ctx.err != 0 {
            return Err(self.runtime_error(RtError::from_code(ctx.err), ctx.err_pos as usize));
        }
        Ok(())
    }

    /// A runtime error (`None`: an unknown code) at byte offset `pos` of the source.
    fn runtime_error(&self, err: Option<RtError>, pos: usize) -> JitError {
        let m = &*self.module;
        if err == Some(RtError::Raised)
            && let Some(msg) = raised_message(&m.defs, pos)
        {
            return m.locate(JitError::at(ErrorKind::Runtime, &m.source, pos, msg));
        }
        let msg = err.map_or("runtime error", RtError::message);
        let kind =
            if err == Some(RtError::Interrupted) { ErrorKind::Interrupted } else { ErrorKind::Runtime };
        m.locate(JitError::at(kind, &m.source, pos, msg))
    }

    /// Runs the function in the reference interpreter instead of machine code: the same
    /// type inference, lowering and cached specialization as [`Function::call`], then a
    /// tree-walking interpreter of the typed IR with the compiled code's semantics (results
    /// to the bit, the same runtime errors at the same lines, the same random stream).
    ///
    /// It is slow (40 to 70 times slower than [`Function::call`] on a simple float loop, in
    /// a release build) and meant for checking the compiler, e.g. in differential tests; it
    /// never changes `args`. Where code compiled with `boundscheck: false` would read or
    /// write outside an array's memory, the interpreter raises `IndexError` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{Module, Value};
    /// let src = "def f(n):\n    s = 0.0\n    for i in range(n):\n        s += 1.0 / (i + 1) ** 2\n    return s\n";
    /// let f = Module::compile(src, "f.py")?.function("f")?;
    /// let args = [Value::Int(1000)];
    /// assert_eq!(f.call_interpreted(&args)?, f.call(&args)?);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Function::call`].
    pub fn call_interpreted(&self, args: &[Value]) -> Result<Value, JitError> {
        let c = self.specialization(args)?;
        let (result, rng) = interp::run(&c.funcs, c.entry, args, RNG.with(|r| r.get()));
        RNG.with(|r| r.set(rng));
        result.map_err(|stop| match stop {
            Stop::Raise(err, pos) => self.runtime_error(Some(err), pos),
            Stop::Fail(e) => self.module.locate(e),
        })
    }

    /// A closure `f(x)` for a function of one float argument returning a number; runtime
    /// errors give NaN. Compiles the `(float)` specialization now.
    ///
    /// # Errors
    ///
    /// Compile errors, or a function that does not take one argument or return a number.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::Module;
    /// let f = Module::compile("def g(x):\n    return x * x + 1.0\n", "g.py")?.function("g")?.to_fn1()?;
    /// assert_eq!(f(3.0), 10.0);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn to_fn1(&self) -> Result<impl Fn(f64) -> f64 + Send + Sync + Clone + 'static + use<>, JitError> {
        let f = self.clone();
        let c = f.compiled(vec![Ty::Float])?;
        if !c.ret.is_numeric() {
            return Err(JitError::plain(ErrorKind::Type, format!("`{}` must return a number", f.name)));
        }
        // Called once per point by integrators and root finders: the one result slot is read
        // as the number it is, without building a `Value`.
        Ok(move |x: f64| {
            let mut arena = Arena::default();
            let mut ret = [0u64];
            match f.enter(&c, &[x.to_bits()], &mut ret, &mut arena, None) {
                Ok(()) => match c.ret {
                    Ty::Float => f64::from_bits(ret[0]),
                    Ty::Int => ret[0] as i64 as f64,
                    Ty::Bool => f64::from(u8::from(ret[0] & 0xff != 0)),
                    _ => f64::NAN,
                },
                Err(_) => f64::NAN,
            }
        })
    }

    /// A closure `f(xs)` for a function of one 1-d float64 array returning a number; runtime
    /// errors give NaN.
    ///
    /// # Errors
    ///
    /// As [`Function::to_fn1`].
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::Module;
    /// let src = "def total(v):\n    s = 0.0\n    for x in v:\n        s += x\n    return s\n";
    /// let f = Module::compile(src, "t.py")?.function("total")?.to_fn_slice()?;
    /// assert_eq!(f(&[1.0, 2.0, 3.5]), 6.5);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn to_fn_slice(
        &self,
    ) -> Result<impl Fn(&[f64]) -> f64 + Send + Sync + Clone + 'static + use<>, JitError> {
        let f = self.clone();
        let c = f.compiled(vec![Ty::Array { dtype: DType::F64, ndim: 1 }])?;
        if !c.ret.is_numeric() {
            return Err(JitError::plain(ErrorKind::Type, format!("`{}` must return a number", f.name)));
        }
        Ok(move |xs: &[f64]| {
            let run = |xs: &[f64]| {
                let slots = [xs.as_ptr() as u64, xs.len() as u64, 1];
                f.run_slots(&c, &slots, None)
            };
            // The kernel may write into its argument: give it a private copy.
            let copy: Vec<f64>;
            let xs = if c.writes_inputs {
                copy = xs.to_vec();
                &copy[..]
            } else {
                xs
            };
            let r = run(xs);
            r.ok().and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
        })
    }
}

impl Function {
    /// A closure `fg(xs, grad) -> f(xs)` for a kernel of one 1-d float64 array returning a
    /// float: the value, with the exact gradient written into `grad` (by
    /// [`Function::gradient`]), for optimizers (`fastsci_optimize::Problem::with_gradient`).
    /// Runtime errors give NaN (value and gradient). Compiles the gradient now.
    ///
    /// # Errors
    ///
    /// Compile errors, and code that is not differentiated (see [`Function::gradient`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::Module;
    /// let src = "def rosen(x):\n    s = 0.0\n    for i in range(x.shape[0] - 1):\n        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2\n    return s\n";
    /// let fg = Module::compile(src, "r.py")?.function("rosen")?.to_value_and_gradient_slice()?;
    /// let mut g = [0.0; 2];
    /// assert_eq!(fg(&[1.0, 2.0], &mut g), 100.0);
    /// assert_eq!(g, [-400.0, 200.0]);
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn to_value_and_gradient_slice(
        &self,
    ) -> Result<impl Fn(&[f64], &mut [f64]) -> f64 + Send + Sync + Clone + 'static + use<>, JitError> {
        let grad = self.gradient();
        let c = grad.compiled(vec![Ty::Array { dtype: DType::F64, ndim: 1 }])?;
        Ok(move |xs: &[f64], out: &mut [f64]| {
            // The forward sweep may write into its argument (and restore it): a private copy.
            let copy: Vec<f64>;
            let xs = if c.writes_inputs {
                copy = xs.to_vec();
                &copy[..]
            } else {
                xs
            };
            let slots = [xs.as_ptr() as u64, xs.len() as u64, 1];
            let parts = match grad.run_slots(&c, &slots, None) {
                Ok(Value::Tuple(parts)) => parts,
                _ => Vec::new(),
            };
            match parts.as_slice() {
                [Value::Float(v), Value::Array(crate::ArrayValue::F64(g))] if g.len() == out.len() => {
                    out.iter_mut().zip(g.iter()).for_each(|(o, d)| *o = *d);
                    *v
                }
                _ => {
                    out.fill(f64::NAN);
                    f64::NAN
                }
            }
        })
    }
}

fn signature_text(tys: &[Ty], ret: &Ty) -> String {
    let args: Vec<String> = tys.iter().map(Ty::numba_name).collect();
    format!("({}) -> {}", args.join(", "), ret.numba_name())
}

/// Whether `v` can be frozen into a kernel as a constant.
fn is_constant(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => true,
        Value::Tuple(items) => items.iter().all(is_constant),
        Value::Array(_) | Value::None => false,
    }
}

/// The slots of a raw call's arguments.
fn raw_slots(args: &[RawArg], slots: &mut Slots) -> Result<(), JitError> {
    for a in args {
        // SAFETY: `call_raw`'s contract: every borrowed array's shape and strides are readable.
        unsafe { flatten_raw_arg(a, slots)? };
    }
    Ok(())
}

/// Whether raw arguments have the types `tys`, one by one.
fn raw_args_match(tys: &[Ty], args: &[RawArg]) -> bool {
    tys.iter().zip(args).all(|(t, a)| raw_arg_has_type(a, t))
}

/// The exception a `raise` or `assert` statement at byte offset `pos` raises, as Python
/// shows it (`ValueError: message`, or the bare name without a message).
fn raised_message(defs: &[FuncDef], pos: usize) -> Option<String> {
    fn find(body: &[Stmt], pos: usize) -> Option<String> {
        body.iter().find_map(|s| match &s.kind {
            StmtKind::Raise { exception, message } if s.span.start == pos => Some(shown(exception, message)),
            StmtKind::Assert { message, .. } if s.span.start == pos => Some(shown("AssertionError", message)),
            StmtKind::If { body, orelse, .. } => find(body, pos).or_else(|| find(orelse, pos)),
            StmtKind::While { body, .. } | StmtKind::For { body, .. } => find(body, pos),
            _ => None,
        })
    }
    fn shown(exception: &str, message: &str) -> String {
        if message.is_empty() { exception.to_string() } else { format!("{exception}: {message}") }
    }
    defs.iter().find_map(|d| find(&d.body, pos))
}
