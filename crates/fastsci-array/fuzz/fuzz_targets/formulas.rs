//! Fuzz target for formulas: any bytes, read as a formula, give a value or an error, never a
//! panic, abort or stack overflow. Both formula paths are driven: array expressions (`fastsci
//! eval`: parse, lower, compile to a register program, evaluate over small arrays) and scalar
//! formulas compiled to machine code (`quad`, `diff`, `root`, `minimize`, `fit`).
#![no_main]

use fastsci_array::RawData;
use fastsci_array::eval::{ArrayInput, Program};
use fastsci_jit::{Expression, VarKind};
use libfuzzer_sys::fuzz_target;

/// Values that exercise every argument class: zeros of both signs, infinities, NaN, tiny,
/// huge, negative, integers.
const VALUES: [f64; 8] = [0.0, -0.0, f64::INFINITY, f64::NAN, 5e-324, 1e308, -2.5, 3.0];

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(expr) = fastsci_array::parse::parse(source)
        && let Ok(program) = Program::compile(&expr)
    {
        let shape = [VALUES.len()];
        let input = || ArrayInput::new(RawData::from_slice(&VALUES), &shape, false).expect("a 1-D input");
        let inputs = [("a", input()), ("b", input()), ("x", input())];
        // An unknown name or a shape problem is an error; anything else a value.
        if let Ok(out) = program.eval(&inputs) {
            assert!(out.len() == VALUES.len() || out.len() == 1);
        }
    }
    if let Ok(f) = Expression::compile(source, &[("x", VarKind::Scalar), ("p", VarKind::Vector)]) {
        for x in VALUES {
            let _ = f.eval(&[x], &[&VALUES[..3]]);
        }
    }
});
