//! Rows for fastsci-integrate: the reference integral of workload 6.

use std::hint::black_box;
use std::path::Path;

use fastsci::integrate::{QuadOptions, quad};
use fastsci::jit::{Expression, VarKind};

use crate::timing::median_seconds_per_call;
use crate::{Measurement, Row};

/// This area's rows.
pub fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "quad-ref",
            what: "∫_0^5 exp(-x²) log(1+x²) dx, QAGS to 1.49e-8",
            anchor: "scipy.integrate.quad (math callback)",
            target: ">= 10x faster",
            run: reference_integral,
        },
        Row {
            name: "quad-lowlevel",
            what: "the same integral",
            anchor: "quad + LowLevelCallable(numba.cfunc)",
            target: "the fastest SciPy path",
            run: reference_integral,
        },
        Row {
            name: "quad-cli",
            what: "`fastsci quad` path in-process: compile the formula, then integrate",
            anchor: "Python eval of the formula + scipy quad",
            target: "< 1 ms",
            run: compile_and_integrate,
        },
    ]
}

use fastsci::workloads::integration::{FORMULA, RANGE, integral, integrand};

fn reference_integral(_data: &Path) -> anyhow::Result<Measurement> {
    let options = QuadOptions::default();
    let r = integral(&options)?;
    let seconds = median_seconds_per_call(7, 0.2, || {
        black_box(quad(|x| integrand(black_box(x)), black_box(RANGE.0), black_box(RANGE.1), &options).ok());
    });
    let answer = serde_json::json!({"value": r.value, "abserr": r.abserr, "neval": r.neval});
    Ok(Measurement::seconds(seconds).with("note", format!("{} evaluations", r.neval)).answer(answer, 1))
}

/// What `fastsci quad FORMULA 0 5` does in-process: JIT-compile the formula, integrate it.
fn compile_and_integrate(_data: &Path) -> anyhow::Result<Measurement> {
    let options = QuadOptions::default();
    let run = || -> anyhow::Result<f64> {
        let f = Expression::compile(black_box(FORMULA), &[("x", VarKind::Scalar)])?.to_fn1();
        Ok(quad(f, 0.0, 5.0, &options)?.value)
    };
    let value = run()?;
    let seconds = median_seconds_per_call(7, 0.3, || {
        black_box(run().ok());
    });
    let compile = median_seconds_per_call(7, 0.3, || {
        black_box(Expression::compile(black_box(FORMULA), &[("x", VarKind::Scalar)]).ok());
    });
    Ok(Measurement::seconds(seconds)
        .answer(serde_json::json!({ "value": value }), 1)
        .with("compile_seconds", compile)
        .with("note", format!("compile alone {:.0} us (timed separately)", compile * 1e6)))
}
