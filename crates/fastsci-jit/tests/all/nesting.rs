//! Deeply nested or very long sources give "expression too deeply nested" with the
//! position, never a stack overflow (issue 18): the front end bounds the nesting before the
//! parser recurses, parses on a thread with a large stack, and lowering has its own limit.
//! Each case runs on a thread with a 1 MiB stack, smaller than any caller's.

use fastsci_jit::{CompileOptions, ErrorKind, Expression, JitError, Module, Source, VarKind, expr};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).unwrap().join().unwrap()
}

fn kernel_error(src: String) -> JitError {
    on_small_stack(move || match Module::compile(&src, "k.py") {
        Err(e) => e,
        Ok(m) => m.function("f").unwrap().call(&[fastsci_jit::Value::Int(1)]).unwrap_err(),
    })
}

fn assert_too_deep(e: &JitError, line: usize) {
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(e.message().starts_with("expression too deeply nested"), "{e}");
    assert_eq!(e.line(), line, "{e}");
    assert!(e.column() >= 1);
    assert!(e.to_string().starts_with(&format!("k.py:{line}:")), "{e}");
}

#[test]
fn unary_minus_bomb_in_a_kernel() {
    let e = kernel_error(format!("def f(x):\n    return {}x\n", "-".repeat(130_000)));
    assert_too_deep(&e, 2);
}

#[test]
fn long_sum_in_a_kernel() {
    let terms = vec!["n"; 150_000].join("+");
    let e = kernel_error(format!("def f(n):\n    return {terms}\n"));
    assert_too_deep(&e, 2);
    // Brackets, right-associative powers and `not` chains.
    let e = kernel_error(format!("def f(n):\n    return {}n{}\n", "(".repeat(50_000), ")".repeat(50_000)));
    assert_too_deep(&e, 2);
    let e = kernel_error(format!("def f(n):\n    x = 1\n    return {}\n", vec!["n"; 20_000].join("**")));
    assert_too_deep(&e, 3);
    let e = kernel_error(format!("def f(n):\n    return {}n\n", "not ".repeat(20_000)));
    assert_too_deep(&e, 2);
}

#[test]
fn just_below_the_limits_still_compiles() {
    // 150 terms (the lowering limit is 200 levels) and 150 nested brackets.
    let terms = vec!["n"; 150].join(" + ");
    let m = Module::compile(&format!("def f(n):\n    return {terms}\n"), "k.py").unwrap();
    assert_eq!(
        m.function("f").unwrap().call(&[fastsci_jit::Value::Int(2)]).unwrap(),
        fastsci_jit::Value::Int(300)
    );
    let src = format!("def f(n):\n    return {}n{}\n", "(".repeat(150), ")".repeat(150));
    let m = Module::compile(&src, "k.py").unwrap();
    assert_eq!(
        m.function("f").unwrap().call(&[fastsci_jit::Value::Int(2)]).unwrap(),
        fastsci_jit::Value::Int(2)
    );
    // Long flat statements are not nested: a call with 3,000 arguments' worth of commas
    // and strings full of operators.
    let args = vec!["n + 1"; 3000].join(", ");
    let src = format!(
        "def g(*a):\n    pass\n\ndef f(n):\n    s = \"{}\"\n    return max({args})\n",
        "-".repeat(10_000)
    );
    assert!(Module::compile(&src, "k.py").is_ok());
}

#[test]
fn formulas_and_snippets() {
    let e = on_small_stack(|| {
        Expression::compile(&format!("{}x", "-".repeat(130_000)), &[("x", VarKind::Scalar)]).unwrap_err()
    });
    assert!(e.message().starts_with("expression too deeply nested"), "{e}");
    assert_eq!(e.line(), 1);
    let e = on_small_stack(|| expr::parse_expression(&vec!["x"; 150_000].join("+")).unwrap_err());
    assert!(e.message().starts_with("expression too deeply nested"), "{e}");
    let sum = format!("def f(n):\n    return {}\n", vec!["n"; 150_000].join("+"));
    let e = on_small_stack(move || {
        let parts = [Source { text: &sum, filename: "big.py", first_line: 30 }];
        Module::compile_parts(&parts, &[], CompileOptions::default()).unwrap_err()
    });
    assert_eq!((e.filename(), e.line()), (Some("big.py"), 31), "{e}");
    assert!(e.message().starts_with("expression too deeply nested"), "{e}");
}

#[test]
fn chained_module_constants_are_bounded() {
    // Each constant defined from the previous one: the lowering depth limit catches the
    // chain before the code generator recurses over it.
    let mut src = String::from("C0 = 1\n");
    for k in 1..400 {
        src.push_str(&format!("C{k} = C{} + 1\n", k - 1));
    }
    src.push_str("def f(n):\n    return C399 + n\n");
    let e = kernel_error(src);
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(e.line() >= 1);
    // Three constants of 150 levels each, one read inside the other.
    let sum = |name: &str| vec![name; 150].join(" + ");
    let src = format!("A = {}\nB = {}\nC = {}\ndef f(n):\n    return C + n\n", sum("1"), sum("A"), sum("B"));
    let e = kernel_error(src);
    assert!(e.message().starts_with("expression too deeply nested"), "{e}");
}
