//! Differential fuzzing of the code generator against the reference interpreter: the input
//! bytes choose a small kernel that always terminates (statements, branches, conditional
//! values and loops of at most 5 trips over ints, floats and bools, with the arithmetic
//! operators and math functions), which is then called on edge-case arguments both ways. The
//! two must agree to the bit, or raise the same error at the same place.
#![no_main]

use fastsci_jit::{Module, Value};
use libfuzzer_sys::fuzz_target;

/// Reads choices from the fuzzer's bytes; zeros once they run out, so every input is a kernel.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let Some((&b, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        b as usize % n
    }
}

const FLOAT_CONSTANTS: [&str; 8] = ["0.5", "-0.0", "1e308", "3.0", "1e-310", "2.5", "-7.25", "0.1"];
const INT_CONSTANTS: [&str; 8] = ["0", "1", "-1", "3", "7", "-9223372036854775807", "64", "1000003"];
const BINARY: [&str; 7] = ["+", "-", "*", "/", "//", "%", "**"];
const COMPARE: [&str; 6] = ["<", "<=", ">", ">=", "==", "!="];
const FUNCTIONS: [&str; 12] =
    ["sqrt", "exp", "log", "sin", "cos", "tanh", "floor", "fabs", "atan", "log1p", "expm1", "erf"];

fn expression(c: &mut Choices, depth: usize, out: &mut String) {
    let leaf = depth == 0 || c.pick(3) == 0;
    if leaf {
        match c.pick(6) {
            0 => out.push('a'),
            1 => out.push('b'),
            2 => out.push('t'),
            3 => out.push_str(FLOAT_CONSTANTS[c.pick(8)]),
            4 => out.push_str(INT_CONSTANTS[c.pick(8)]),
            _ => out.push_str(if c.pick(2) == 0 { "True" } else { "False" }),
        }
        return;
    }
    out.push('(');
    match c.pick(5) {
        0 | 1 => {
            expression(c, depth - 1, out);
            out.push_str(&format!(" {} ", BINARY[c.pick(BINARY.len())]));
            expression(c, depth - 1, out);
        }
        2 => {
            out.push_str("math.");
            out.push_str(FUNCTIONS[c.pick(FUNCTIONS.len())]);
            out.push('(');
            expression(c, depth - 1, out);
            out.push(')');
        }
        3 => {
            expression(c, depth - 1, out);
            out.push_str(" if ");
            condition(c, depth - 1, out);
            out.push_str(" else ");
            expression(c, depth - 1, out);
        }
        _ => {
            out.push('-');
            expression(c, depth - 1, out);
        }
    }
    out.push(')');
}

fn condition(c: &mut Choices, depth: usize, out: &mut String) {
    expression(c, depth, out);
    out.push_str(&format!(" {} ", COMPARE[c.pick(COMPARE.len())]));
    expression(c, depth, out);
}

fn statements(c: &mut Choices, indent: usize, budget: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for _ in 0..=c.pick(budget.max(1)) {
        match c.pick(4) {
            0 if indent < 12 => {
                out.push_str(&format!("{pad}if "));
                condition(c, 2, out);
                out.push_str(":\n");
                statements(c, indent + 4, budget / 2, out);
                out.push_str(&format!("{pad}else:\n"));
                statements(c, indent + 4, budget / 2, out);
            }
            1 if indent < 12 => {
                out.push_str(&format!("{pad}for i in range({}):\n", c.pick(6)));
                out.push_str(&format!("{pad}    t = t + i\n"));
                statements(c, indent + 4, budget / 2, out);
            }
            _ => {
                out.push_str(&format!("{pad}t = "));
                expression(c, 3, out);
                out.push('\n');
            }
        }
    }
}

fn kernel(c: &mut Choices) -> String {
    let mut src = String::from("import math\n\ndef f(a, b):\n    t = 0.0\n");
    statements(c, 4, 4, &mut src);
    src.push_str("    return ");
    expression(c, 2, &mut src);
    src.push('\n');
    src
}

fn same(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Float(p), Value::Float(q)) => p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()),
        _ => x == y,
    }
}

fuzz_target!(|data: &[u8]| {
    let src = kernel(&mut Choices(data));
    let Ok(module) = Module::compile(&src, "fuzz.py") else { return };
    let Ok(f) = module.function("f") else { return };
    let ints = [0, -1, 5, i64::MAX, i64::MIN];
    let floats = [0.0, -0.0, 1.5, -2.75, f64::INFINITY, f64::NAN, 1e-320];
    for &a in &ints {
        for &b in &floats {
            for args in [[Value::Int(a), Value::Float(b)], [Value::Float(b), Value::Int(a)]] {
                let compiled = f.call(&args);
                let interpreted = f.call_interpreted(&args);
                match (&compiled, &interpreted) {
                    (Ok(x), Ok(y)) => assert!(same(x, y), "{src}\nargs {args:?}: compiled {x:?}, interpreted {y:?}"),
                    (Err(x), Err(y)) => {
                        assert_eq!(x.to_string(), y.to_string(), "{src}\nargs {args:?}")
                    }
                    _ => panic!("{src}\nargs {args:?}: compiled {compiled:?}, interpreted {interpreted:?}"),
                }
            }
        }
    }
});
