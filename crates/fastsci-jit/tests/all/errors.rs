//! Error test files (`tests/errors/*.py`), cranelift-filetests style: each file starts with
//! `# expect: LINE:COL FRAGMENT` and optionally `# call: FUNC ARG ...` (then the error is a
//! runtime error of that call; otherwise compiling the module, or specializing `f` for the
//! call's argument types, must fail). Set `FASTSCI_BLESS=1` to rewrite the positions.
//! Runtime errors are raised identically by the reference interpreter.

use std::path::Path;

use fastsci_jit::{Module, Value};

fn literal(t: &str) -> Value {
    match t {
        "True" => Value::Bool(true),
        "False" => Value::Bool(false),
        _ => t.parse::<i64>().map(Value::Int).unwrap_or_else(|_| Value::Float(t.parse().unwrap())),
    }
}

/// Compiles and (if asked) calls the file's kernel; returns the error.
fn error_of(src: &str, name: &str) -> Option<fastsci_jit::JitError> {
    let m = match Module::compile(src, name) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    let call = src.lines().find_map(|l| l.strip_prefix("# call: ")).unwrap_or("f 1");
    let mut parts = call.split_whitespace();
    let func = parts.next().unwrap();
    let args: Vec<Value> = parts.map(literal).collect();
    let f = match m.function(func) {
        Ok(f) => f,
        Err(e) => return Some(e),
    };
    if src.contains("# call: ") {
        // A runtime error: the interpreter must raise the same one (or both compile-fail).
        if let Err(d) = crate::interp::same_outcome(&f, &args, 0) {
            panic!("{name}: interpreter and compiled code differ: {d}");
        }
    }
    f.call(&args).err()
}

#[test]
fn error_files_give_line_column_and_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let bless = std::env::var_os("FASTSCI_BLESS").is_some();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut failures = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let first = src.lines().next().unwrap();
        let spec = first.strip_prefix("# expect: ").unwrap_or_else(|| panic!("{name}: no # expect line"));
        let (pos, fragment) = spec.split_once(' ').unwrap();
        let Some(e) = error_of(&src, &name) else {
            failures.push(format!("{name}: no error"));
            continue;
        };
        let got = format!("{}:{}", e.line(), e.column());
        if bless && got != pos {
            let rest = src.split_once('\n').unwrap().1;
            std::fs::write(path, format!("# expect: {got} {fragment}\n{rest}")).unwrap();
            continue;
        }
        if got != pos || !e.message().contains(fragment) || e.line() == 0 {
            failures.push(format!("{name}: want {pos} '{fragment}', got {got}: {e}"));
        }
        // The rendered error names the file and shows a caret.
        let text = e.to_string();
        if !text.starts_with(&format!("{name}:{got}: ")) || !text.contains('^') {
            failures.push(format!("{name}: badly rendered: {text}"));
        }
    }
    assert!(files.len() >= 30, "only {} error files", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
