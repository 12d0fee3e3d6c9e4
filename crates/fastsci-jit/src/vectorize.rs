//! Ufuncs from scalar kernels (Numba's `@vectorize`): [`Module::vectorize`] turns a kernel of
//! `k` scalar arguments into an elementwise function over `k` arrays broadcast together.
//!
//! The elementwise loop is itself a kernel, generated as source next to the user's and
//! compiled by the same pipeline, one specialization per combination of element types (the
//! per-dtype loops of a NumPy ufunc): `out[i0, i1] = f(a0[i0, i1], a1[i0, i1])` over the
//! output's shape, whose outer loop is a `prange` (the blocks of [`crate::parallel`]) when the
//! output is large. Broadcasting costs nothing: an argument is passed with stride 0 along the
//! dimensions it is repeated in, and a scalar as a one-element array with all strides 0.

use std::sync::atomic::AtomicBool;

use ndarray::{ArrayD, IxDyn};

use crate::ir::Ty;
use crate::kernel::{CompileOptions, Function, Module, Source};
use crate::value::{ArrayValue, DType, RawArg, RawArray, Value, each_array};
use crate::{ErrorKind, JitError};

/// Outputs of at least this many elements run their loop on rayon's pool: below it, handing
/// blocks to other threads costs more than it saves for cheap kernels.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 15;

/// Outputs of up to this many dimensions are supported (NumPy allows 64; kernels rarely see
/// more than 4).
const MAX_DIMS: usize = 8;

/// A scalar kernel applied elementwise to broadcast arrays, from [`Module::vectorize`].
#[derive(Clone, Debug)]
pub struct Ufunc {
    name: String,
    scalar: Function,
    /// The elementwise loop for each output rank (index `d - 1`): serial and parallel.
    loops: Vec<(Function, Function)>,
}

impl Module {
    /// The kernel `name`, of scalar arguments returning a number, as an elementwise function
    /// over arrays (Numba's `@vectorize`, NumPy's ufuncs): arguments broadcast together
    /// (scalars, size-1 dimensions, fewer dimensions), one compiled loop per combination of
    /// element types, the output's dtype from the kernel's result (float64, int64 or bool),
    /// large outputs computed on rayon's pool.
    ///
    /// # Errors
    ///
    /// No function `name`, or one without parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_jit::{ArrayValue, Module, Value};
    /// use ndarray::{ArrayD, IxDyn};
    /// let m = Module::compile("def hyp(x, y):\n    return (x * x + y * y) ** 0.5\n", "h.py")?;
    /// let hyp = m.vectorize("hyp")?;
    /// let x = ArrayD::from_shape_vec(IxDyn(&[2, 1]), vec![3.0, 5.0]).unwrap();
    /// let y = ArrayD::from_shape_vec(IxDyn(&[2]), vec![4.0, 12.0]).unwrap();
    /// let r = hyp.call(&[Value::Array(ArrayValue::F64(x)), Value::Array(ArrayValue::F64(y))])?;
    /// let want = ArrayD::from_shape_vec(IxDyn(&[2, 2]), vec![5.0, 12.369316876852981, 6.4031242374328485, 13.0]).unwrap();
    /// assert_eq!(r, Value::Array(ArrayValue::F64(want)));
    /// assert_eq!(hyp.call(&[Value::Float(6.0), Value::Int(8)])?, Value::Float(10.0));
    /// # Ok::<(), fastsci_jit::JitError>(())
    /// ```
    pub fn vectorize(&self, name: &str) -> Result<Ufunc, JitError> {
        let scalar = self.function(name)?;
        let k = scalar.param_names().len();
        if k == 0 {
            return Err(JitError::plain(
                ErrorKind::Argument,
                format!("vectorize: `{name}` has no parameters, so there is nothing to apply elementwise"),
            ));
        }
        let text = (1..=MAX_DIMS)
            .map(|d| loop_source(name, k, d, false) + &loop_source(name, k, d, true))
            .collect::<String>();
        let options = CompileOptions { parallel: true, ..self.options() };
        let with_loops =
            self.with_source(Source { text: &text, filename: "<vectorize>", first_line: 1 }, options)?;
        let loops = (1..=MAX_DIMS)
            .map(|d| {
                Ok((with_loops.function(&loop_name(d, false))?, with_loops.function(&loop_name(d, true))?))
            })
            .collect::<Result<_, JitError>>()?;
        Ok(Ufunc { name: name.to_string(), scalar, loops })
    }
}

fn loop_name(d: usize, parallel: bool) -> String {
    format!("__fastsci_vectorized_{d}{}", if parallel { "_parallel" } else { "" })
}

/// `def loop(out, a0, ..): for i0 in prange(out.shape[0]): ... out[i..] = f(a0[i..], ..)`.
fn loop_source(name: &str, k: usize, d: usize, parallel: bool) -> String {
    let args: Vec<String> = (0..k).map(|j| format!("a{j}")).collect();
    let idx = (0..d).map(|i| format!("i{i}")).collect::<Vec<_>>().join(", ");
    let mut s = format!("def {}(out, {}):\n", loop_name(d, parallel), args.join(", "));
    for i in 0..d {
        let range = if i == 0 && parallel { "prange" } else { "range" };
        s += &format!("{}for i{i} in {range}(out.shape[{i}]):\n", "    ".repeat(i + 1));
    }
    let call = args.iter().map(|a| format!("{a}[{idx}]")).collect::<Vec<_>>().join(", ");
    s += &format!("{}out[{idx}] = {name}({call})\n", "    ".repeat(d + 1));
    s
}

/// Scalars to keep alive while a call reads them as one-element arrays.
enum Held {
    F64(f64),
    I64(i64),
    Bool(bool),
}

impl Ufunc {
    /// The scalar kernel's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Applies the kernel elementwise: numbers and arrays in, broadcast together; a new array
    /// out (a number when every argument is a number).
    ///
    /// # Errors
    ///
    /// Wrong argument count, shapes that do not broadcast, compile errors of the kernel for
    /// these element types, a result that is not a number, runtime errors of the kernel.
    pub fn call(&self, args: &[Value]) -> Result<Value, JitError> {
        self.check_count(args.len())?;
        if args.iter().all(|a| !matches!(a, Value::Array(_))) {
            return self.scalar.call(args);
        }
        let shapes: Vec<&[usize]> = args.iter().map(shape_of).collect();
        let shape = broadcast_shapes(&shapes)?;
        let elements: Vec<Ty> = args.iter().map(element_type).collect::<Result<_, _>>()?;
        let mut out = match self.scalar.result_type(&elements)? {
            Ty::Float => ArrayValue::F64(ArrayD::zeros(IxDyn(&shape))),
            Ty::Int => ArrayValue::I64(ArrayD::zeros(IxDyn(&shape))),
            Ty::Bool => ArrayValue::Bool(ArrayD::from_elem(IxDyn(&shape), false)),
            other => {
                return Err(JitError::plain(
                    ErrorKind::Type,
                    format!("vectorize: `{}` returns a {}; it must return a number", self.name, other.name()),
                ));
            }
        };
        self.call_into(args, &mut out)?;
        Ok(Value::Array(out))
    }

    /// As [`Ufunc::call`], into `out` (NumPy's `out=`): the arguments must broadcast to its
    /// shape; results are converted to its dtype as an element store in a kernel does.
    ///
    /// # Errors
    ///
    /// As [`Ufunc::call`], and arguments that do not broadcast to `out`'s shape.
    pub fn call_into(&self, args: &[Value], out: &mut ArrayValue) -> Result<(), JitError> {
        self.check_count(args.len())?;
        let mut raw = Vec::with_capacity(args.len());
        for a in args {
            raw.push(match a {
                Value::Array(a) => RawArg::Array(raw_of(a)),
                other => RawArg::Value(other.clone()),
            });
        }
        let out = raw_of_mut(out);
        // SAFETY: every RawArray points into an array borrowed for the whole call, with its
        // own shape and strides; `out` is borrowed mutably.
        unsafe { self.call_raw(&raw, &out, None) }
    }

    /// As [`Ufunc::call_into`], on borrowed memory (NumPy arrays, say): numbers and arrays
    /// in, results written into `out`. `cancel` as in [`Function::call_raw`].
    ///
    /// # Errors
    ///
    /// As [`Ufunc::call_into`].
    ///
    /// # Safety
    ///
    /// As [`Function::call_raw`]: each array's pointer, shape and strides describe live memory
    /// of its dtype for the whole call, and `out` is not read or written by anyone else
    /// meanwhile. `out` may be one of the inputs (elementwise, each element is read before it
    /// is written) but must not overlap one otherwise.
    pub unsafe fn call_raw(
        &self,
        args: &[RawArg],
        out: &RawArray,
        cancel: Option<&AtomicBool>,
    ) -> Result<(), JitError> {
        self.check_count(args.len())?;
        let d = out.shape.len();
        if d > MAX_DIMS {
            return Err(JitError::plain(
                ErrorKind::Argument,
                format!("vectorize: at most {MAX_DIMS} dimensions are supported, the output has {d}"),
            ));
        }
        // A 0-d output is a 1-d one of one element.
        let out = if d == 0 {
            RawArray { dtype: out.dtype, data: out.data, shape: vec![1], strides: vec![0] }
        } else {
            out.clone()
        };
        let d = out.shape.len();
        let mut held: Vec<Option<Held>> = Vec::with_capacity(args.len());
        let mut arrays: Vec<Option<RawArray>> = Vec::with_capacity(args.len());
        for a in args {
            let (h, arr) = match a {
                RawArg::Value(Value::Float(x)) => (Some(Held::F64(*x)), None),
                RawArg::Value(Value::Int(i)) => (Some(Held::I64(*i)), None),
                RawArg::Value(Value::Bool(b)) => (Some(Held::Bool(*b)), None),
                RawArg::Array(a) => (None, Some(a.clone())),
                RawArg::ArrayRef(r) => {
                    // SAFETY: the caller's contract: `shape` and `strides` hold `ndim` items.
                    let (shape, strides) = unsafe {
                        (
                            std::slice::from_raw_parts(r.shape, r.ndim),
                            std::slice::from_raw_parts(r.strides, r.ndim),
                        )
                    };
                    (
                        None,
                        Some(RawArray {
                            dtype: r.dtype,
                            data: r.data,
                            shape: shape.to_vec(),
                            strides: strides.to_vec(),
                        }),
                    )
                }
                other => {
                    return Err(JitError::plain(
                        ErrorKind::Argument,
                        format!("vectorize: arguments must be numbers or arrays, not {other:?}"),
                    ));
                }
            };
            held.push(h);
            arrays.push(arr);
        }
        let mut call_args = vec![RawArg::Array(out.clone())];
        for (arr, h) in arrays.iter().zip(&held) {
            let view = match (arr, h) {
                (Some(a), _) => broadcast_to(a, &out.shape)?,
                (None, Some(h)) => {
                    let (dtype, data) = match h {
                        Held::F64(x) => (DType::F64, x as *const f64 as *mut u8),
                        Held::I64(i) => (DType::I64, i as *const i64 as *mut u8),
                        Held::Bool(b) => (DType::Bool, b as *const bool as *mut u8),
                    };
                    RawArray { dtype, data, shape: out.shape.clone(), strides: vec![0; d] }
                }
                (None, None) => {
                    return Err(JitError::plain(ErrorKind::Internal, "vectorize: an argument lost"));
                }
            };
            call_args.push(RawArg::Array(view));
        }
        let size: usize = out.shape.iter().product();
        let (serial, parallel) = &self.loops[d - 1];
        let f = if size >= PARALLEL_MIN_ELEMENTS { parallel } else { serial };
        // SAFETY: the caller's arrays are live (the contract above); the scalars' memory is
        // `held`, alive until the end of this function, and only read (stride 0).
        unsafe { f.call_raw(&call_args, cancel) }.map(|_| ())
    }

    fn check_count(&self, n: usize) -> Result<(), JitError> {
        let k = self.scalar.param_names().len();
        if n == k {
            Ok(())
        } else {
            Err(JitError::plain(
                ErrorKind::Argument,
                format!("`{}` takes {k} argument(s), got {n}", self.name),
            ))
        }
    }
}

fn shape_of(v: &Value) -> &[usize] {
    match v {
        Value::Array(a) => a.shape(),
        _ => &[],
    }
}

fn element_type(v: &Value) -> Result<Ty, JitError> {
    match v {
        Value::Array(a) => Ok(Ty::of_dtype(a.dtype())),
        Value::Float(_) => Ok(Ty::Float),
        Value::Int(_) => Ok(Ty::Int),
        Value::Bool(_) => Ok(Ty::Bool),
        other => Err(JitError::plain(
            ErrorKind::Argument,
            format!("vectorize: arguments must be numbers or arrays, not {other:?}"),
        )),
    }
}

/// NumPy's broadcast shape of `shapes`.
fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Vec<usize>, JitError> {
    let d = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; d];
    for s in shapes {
        for (k, &n) in s.iter().enumerate() {
            let o = &mut out[d - s.len() + k];
            if *o == 1 {
                *o = n;
            } else if n != 1 && n != *o {
                return Err(shape_error(shapes));
            }
        }
    }
    Ok(out)
}

fn shape_error(shapes: &[&[usize]]) -> JitError {
    let shown: Vec<String> = shapes.iter().map(|s| format!("{s:?}")).collect();
    JitError::plain(
        ErrorKind::Runtime,
        format!("ValueError: operands could not be broadcast together with shapes {}", shown.join(" ")),
    )
}

/// `a` seen with `shape` (NumPy broadcasting: stride 0 where `a` is repeated).
fn broadcast_to(a: &RawArray, shape: &[usize]) -> Result<RawArray, JitError> {
    let d = shape.len();
    if a.shape.len() > d {
        return Err(shape_error(&[&a.shape, shape]));
    }
    let lead = d - a.shape.len();
    let mut strides = vec![0isize; d];
    for (k, (&n, &s)) in a.shape.iter().zip(&a.strides).enumerate() {
        if n == shape[lead + k] {
            strides[lead + k] = s;
        } else if n != 1 {
            return Err(shape_error(&[&a.shape, shape]));
        }
    }
    Ok(RawArray { dtype: a.dtype, data: a.data, shape: shape.to_vec(), strides })
}

fn raw_of(a: &ArrayValue) -> RawArray {
    let dtype = a.dtype();
    let bytes = dtype.size() as isize;
    each_array!(a, x => RawArray {
        dtype,
        data: x.as_ptr() as *mut u8,
        shape: x.shape().to_vec(),
        strides: x.strides().iter().map(|s| s * bytes).collect(),
    })
}

fn raw_of_mut(a: &mut ArrayValue) -> RawArray {
    let mut r = raw_of(a);
    r.data = each_array!(a, x => x.as_mut_ptr().cast::<u8>());
    r
}
