//! Algebraic multigrid against PyAMG on the gallery problems: the same matrices (checked by
//! fingerprint), the same options, PyAMG's hierarchy and iteration counts from
//! `fixtures/amg/pyamg.json` (made by `fixtures/amg/make_fixtures.py`).

use std::f64::consts::PI;

use fastsci_sparse::amg::{Accel, AmgMethod, AmgOptions, AmgSolveOptions, Cycle, Hierarchy, Smoother};
use fastsci_sparse::{CsrMatrix, gallery};
use serde_json::Value;

fn fixtures() -> Value {
    let text = include_str!("fixtures/amg/pyamg.json");
    serde_json::from_str(text).expect("pyamg.json parses")
}

fn case<'a>(all: &'a Value, name: &str) -> &'a Value {
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn u(v: &Value) -> usize {
    v.as_u64().unwrap() as usize
}

/// The matrix is PyAMG's: `A v` for `v_i = sin(i + 1)` and the Frobenius norm agree.
fn check_fingerprint(a: &CsrMatrix, expected: &Value) {
    let n = a.nrows();
    assert_eq!(n, u(&expected["n"]));
    let v: Vec<f64> = (1..=n).map(|i| (i as f64).sin()).collect();
    let y = a.mul_vec(&v).unwrap();
    let sum: f64 = y.iter().sum();
    let norm = y.iter().map(|x| x * x).sum::<f64>().sqrt();
    let frobenius = a.data().iter().map(|x| x * x).sum::<f64>().sqrt();
    let close = |mine: f64, theirs: f64, scale: f64| (mine - theirs).abs() <= 1e-11 * scale;
    assert!(close(norm, f(&expected["norm"]), f(&expected["norm"])), "norm {norm} vs {}", expected["norm"]);
    assert!(close(sum, f(&expected["sum"]), f(&expected["norm"])), "sum {sum} vs {}", expected["sum"]);
    assert!(close(frobenius, f(&expected["frobenius"]), f(&expected["frobenius"])));
}

fn rhs(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64).cos()).collect()
}

/// Within 25% of PyAMG's count (and at least within 1 for counts below 4).
fn near(mine: usize, theirs: usize) -> bool {
    (mine as f64 - theirs as f64).abs() <= (0.25 * theirs as f64).max(1.0)
}

struct Outcome {
    levels: Vec<usize>,
    cycles: usize,
    accel_iterations: Option<usize>,
}

fn run(a: &CsrMatrix, c: &Value, mut opts: AmgOptions) -> Outcome {
    opts.strength_threshold = c["theta"].as_f64();
    opts.improve_candidates = 0; // the fixtures ask PyAMG for improve_candidates=None
    opts.smoother = match c["smoother"].as_str().unwrap() {
        "jacobi" => Smoother::Jacobi { omega: 2.0 / 3.0 },
        _ => Smoother::SymmetricGaussSeidel,
    };
    opts.cycle = if c["cycle"] == "W" { Cycle::W } else { Cycle::V };
    opts.method = if c["method"] == "rs" { AmgMethod::RugeStuben } else { AmgMethod::SmoothedAggregation };
    let amg = Hierarchy::new(a, &opts).unwrap();
    let b = rhs(a.nrows());
    let rtol = 1e-8;
    let stand_alone =
        amg.solve_with(&b, &AmgSolveOptions { rtol, maxiter: 200, ..Default::default() }).unwrap();
    let accel_iterations = c["accel"].as_str().map(|name| {
        let accel = if name == "gmres" { Accel::Gmres } else { Accel::Cg };
        let result =
            amg.solve_with(&b, &AmgSolveOptions { rtol, maxiter: 200, accel, ..Default::default() }).unwrap();
        assert!(result.success(), "{} with {name}: {result:?}", c["name"]);
        assert!(result.residual_norm <= rtol * b.iter().map(|x| x * x).sum::<f64>().sqrt());
        result.iterations
    });
    let report = amg.report();
    let outcome = Outcome {
        levels: report.levels.iter().map(|l| l.rows).collect(),
        cycles: stand_alone.iterations,
        accel_iterations,
    };
    eprintln!(
        "{:<22} levels {:?} (PyAMG {}) complexity {:.3} (PyAMG {:.3}) cycles {} (PyAMG {}) factor {:.3} (PyAMG {:.3}) accel {:?} (PyAMG {})",
        c["name"].as_str().unwrap(),
        outcome.levels,
        c["levels"],
        report.operator_complexity,
        f(&c["operator_complexity"]),
        outcome.cycles,
        c["cycles"],
        stand_alone.convergence_factor,
        f(&c["cycle_factor"]),
        outcome.accel_iterations,
        c["accel_iterations"],
    );
    outcome
}

fn compare(a: &CsrMatrix, name: &str, opts: AmgOptions) {
    let all = fixtures();
    let c = case(&all, name);
    check_fingerprint(a, &c["matrix"]);
    let outcome = run(a, c, opts);
    let theirs_cycles = u(&c["cycles"]);
    assert!(
        near(outcome.cycles, theirs_cycles),
        "{name}: {} cycles against PyAMG's {theirs_cycles}",
        outcome.cycles
    );
    if let Some(mine) = outcome.accel_iterations {
        let theirs = u(&c["accel_iterations"]);
        assert!(near(mine, theirs), "{name}: {mine} Krylov iterations against PyAMG's {theirs}");
    }
}

#[test]
fn poisson_2d_matches_pyamg() {
    let a = gallery::poisson_2d(100).unwrap();
    compare(&a, "poisson2d", AmgOptions::default());
    compare(&a, "poisson2d-jacobi", AmgOptions::default());
    compare(&a, "poisson2d-w", AmgOptions::default());
}

#[test]
fn poisson_3d_matches_pyamg() {
    compare(&gallery::poisson_3d(20).unwrap(), "poisson3d", AmgOptions::default());
}

#[test]
fn rotated_anisotropic_diffusion_matches_pyamg() {
    let a = gallery::anisotropic_diffusion_2d(100, 0.001, PI / 8.0).unwrap();
    compare(&a, "anisotropic", AmgOptions::default());
    compare(&a, "anisotropic-theta", AmgOptions::default());
}

#[test]
fn jumping_coefficients_match_pyamg() {
    compare(&gallery::jumping_coefficients_2d(64, 1e3).unwrap(), "jumping", AmgOptions::default());
}

#[test]
fn elasticity_with_rigid_body_modes_matches_pyamg() {
    let (a, modes) = gallery::linear_elasticity_2d(40, 1e5, 0.3).unwrap();
    compare(&a, "elasticity", AmgOptions { candidates: Some(modes), block_size: 2, ..AmgOptions::default() });
}

#[test]
fn ruge_stuben_matches_pyamg() {
    compare(&gallery::poisson_2d(100).unwrap(), "poisson2d-rs", AmgOptions::default());
    let a = gallery::convection_diffusion_2d(64, 100.0, PI / 6.0).unwrap();
    compare(&a, "convection-diffusion", AmgOptions::default());
}

/// The parallel SpGEMM against a dense triple loop, on random matrices large enough to run
/// on several threads and with empty rows and columns.
#[test]
fn spgemm_equals_the_dense_product() {
    use fastsci_sparse::spgemm::spgemm;
    for (m, k, n, density, seed) in [(300, 200, 250, 0.05, 1), (1, 7, 3, 0.5, 2), (400, 400, 400, 0.02, 3)] {
        let a = fastsci_sparse::random(m, k, density, seed).unwrap();
        let b = fastsci_sparse::random(k, n, density, seed + 10).unwrap();
        let c = spgemm(&a, &b).unwrap();
        let (da, db, dc) = (a.to_dense(), b.to_dense(), c.to_dense());
        for i in 0..m {
            for j in 0..n {
                let expected: f64 = (0..k).map(|l| da[i * k + l] * db[l * n + j]).sum();
                assert!((dc[i * n + j] - expected).abs() <= 1e-13 * (1.0 + expected.abs()));
            }
        }
    }
    // A product big enough for every thread: the 2-D Laplacian squared, against its own
    // stencil (the 13-point biharmonic-like operator: 20 on the diagonal inside the grid).
    let l = gallery::poisson_2d(300).unwrap();
    let l2 = spgemm(&l, &l).unwrap();
    let inner = 150 * 300 + 150;
    assert_eq!(l2.get(inner, inner), 20.0);
    assert_eq!(l2.get(inner, inner + 1), -8.0);
    assert_eq!(l2.get(inner, inner + 2), 1.0);
    assert_eq!(l2.get(inner, inner + 301), 2.0);
    assert!(spgemm(&l, &fastsci_sparse::eye(3)).is_err());
}

/// The hierarchy as the preconditioner of every Krylov method of the crate, and the
/// Chebyshev smoother (the parallel one) on 3-D Poisson.
#[test]
fn hierarchy_preconditions_every_krylov_method() {
    let a = gallery::poisson_3d(24).unwrap();
    let b = rhs(a.nrows());
    let bnorm = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    for smoother in
        [Smoother::SymmetricGaussSeidel, Smoother::Chebyshev { degree: 2 }, Smoother::Jacobi { omega: 0.6 }]
    {
        let amg = Hierarchy::new(&a, &AmgOptions { smoother, ..AmgOptions::default() }).unwrap();
        for accel in [Accel::Cg, Accel::Gmres, Accel::Bicgstab, Accel::Minres, Accel::None] {
            let result = amg
                .solve_with(&b, &AmgSolveOptions { rtol: 1e-8, accel, ..AmgSolveOptions::default() })
                .unwrap();
            let r = a.mul_vec(&result.x).unwrap();
            let true_residual = r.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
            assert!(result.success(), "{smoother:?} {accel:?}: {:?}", result.status);
            assert!(true_residual <= 1e-8 * bnorm * 1.0001, "{smoother:?} {accel:?}: {true_residual}");
            assert!(result.iterations <= 40, "{smoother:?} {accel:?}: {} iterations", result.iterations);
        }
    }
    // And through the crate's own Krylov entry points, with the hierarchy as `M`.
    let amg = Hierarchy::new(&a, &AmgOptions::default()).unwrap();
    let opts = fastsci_sparse::krylov::IterativeOptions::with_rtol(1e-10);
    let result = fastsci_sparse::krylov::cg(&a, &b, &amg, &opts).unwrap();
    assert!(result.success() && result.iterations < 15, "{} iterations", result.iterations);
}

/// W-cycles and Ruge–Stüben under GMRES on the nonsymmetric problem, at a size where plain
/// GMRES needs many times more iterations.
#[test]
fn ruge_stuben_preconditions_gmres_on_convection_diffusion() {
    let a = gallery::convection_diffusion_2d(128, 200.0, PI / 6.0).unwrap();
    let b = rhs(a.nrows());
    let opts = AmgOptions { method: AmgMethod::RugeStuben, ..AmgOptions::default() };
    let amg = Hierarchy::new(&a, &opts).unwrap();
    let solve = AmgSolveOptions { rtol: 1e-8, accel: Accel::Gmres, ..AmgSolveOptions::default() };
    let with_amg = amg.solve_with(&b, &solve).unwrap();
    assert!(with_amg.success() && with_amg.iterations <= 12, "{} iterations", with_amg.iterations);
    let plain = fastsci_sparse::krylov::gmres(
        &a,
        &b,
        &fastsci_sparse::precond::Identity,
        &fastsci_sparse::krylov::IterativeOptions { rtol: 1e-8, maxiter: Some(2000), ..Default::default() },
    )
    .unwrap();
    assert!(plain.iterations > 10 * with_amg.iterations, "plain GMRES took {}", plain.iterations);
    let w = Hierarchy::new(&a, &AmgOptions { cycle: Cycle::W, ..opts }).unwrap();
    assert!(w.solve(&b, 1e-8).unwrap().success());
}

/// Bad input is an error that says what is wrong, never a panic.
#[test]
fn bad_input_is_a_clear_error() {
    let a = gallery::poisson_2d(10).unwrap();
    let message = |r: Result<Hierarchy, fastsci_sparse::SparseError>| r.unwrap_err().to_string();
    let rect = CsrMatrix::from_dense(2, 3, &[1.0; 6]).unwrap();
    assert!(message(Hierarchy::new(&rect, &AmgOptions::default())).contains("square"));
    let bad_candidates = AmgOptions { candidates: Some(vec![1.0; 7]), ..AmgOptions::default() };
    assert!(message(Hierarchy::new(&a, &bad_candidates)).contains("candidates"));
    let bad_block = AmgOptions { block_size: 3, ..AmgOptions::default() };
    assert!(message(Hierarchy::new(&a, &bad_block)).contains("block_size"));
    let bad_theta = AmgOptions { strength_threshold: Some(2.0), ..AmgOptions::default() };
    assert!(message(Hierarchy::new(&a, &bad_theta)).contains("strength_threshold"));
    let bad_jacobi = AmgOptions { smoother: Smoother::Jacobi { omega: 0.0 }, ..AmgOptions::default() };
    assert!(message(Hierarchy::new(&a, &bad_jacobi)).contains("Jacobi"));
    // A zero on the diagonal: Gauss-Seidel cannot divide by it.
    let mut dense = a.to_dense();
    dense[5 * 100 + 5] = 0.0;
    let holed = CsrMatrix::from_dense(100, 100, &dense).unwrap();
    assert!(message(Hierarchy::new(&holed, &AmgOptions::default())).contains("row 5"));
    let mut nan = a.clone();
    nan.data_mut()[0] = f64::NAN;
    assert!(message(Hierarchy::new(&nan, &AmgOptions::default())).contains("non-finite"));
    let amg = Hierarchy::new(&a, &AmgOptions::default()).unwrap();
    assert!(amg.solve(&[1.0; 3], 1e-8).is_err());
    assert!(amg.solve(&vec![1.0; 100], f64::NAN).is_err());
    // A zero right-hand side is solved by zero, at once.
    let zero = amg.solve(&vec![0.0; 100], 1e-8).unwrap();
    assert!(zero.success() && zero.iterations == 0 && zero.x.iter().all(|v| *v == 0.0));
    // A matrix already small enough: one level, the direct solve.
    let small = gallery::poisson_2d(3).unwrap();
    let one = Hierarchy::new(&small, &AmgOptions::default()).unwrap();
    assert_eq!(one.report().levels.len(), 1);
    assert!(one.solve(&[1.0; 9], 1e-12).unwrap().iterations == 1);
}
