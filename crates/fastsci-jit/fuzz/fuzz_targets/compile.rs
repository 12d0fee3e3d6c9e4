//! Fuzz the parser, type inference and code generator: any input must give a module or a
//! positioned error, never a panic. Kernels are specialized (compiled) for a few argument
//! types but not run (a fuzzed `while True:` would never end); formulas are compiled and
//! evaluated (they have no loops).
#![no_main]

use fastsci_jit::{Expression, Module, Value, VarKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Ok(m) = Module::compile(src, "fuzz.py") {
        for name in m.function_names() {
            let Ok(f) = m.function(name) else { continue };
            let n = f.param_names().len();
            for arg in [Value::Int(3), Value::Float(0.5), Value::Bool(true)] {
                let _ = f.compile_for(&vec![arg; n]);
            }
        }
    }
    let vars = [("x", VarKind::Scalar), ("v", VarKind::Vector)];
    if let Ok(e) = Expression::compile(src, &vars) {
        let _ = e.eval(&[0.5], &[&[1.0, 2.0, 3.0]]);
        let _ = e.derivative("x", None);
    }
});
