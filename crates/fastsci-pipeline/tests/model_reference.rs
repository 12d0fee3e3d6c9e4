//! The heat model against references that do not come from its own `simulate`: the closed
//! form of backward Euler on a sine source, the continuous steady state, and the Python job's
//! SciPy model (splu per step, the heater compiled by Numba) stored by
//! tests/fixtures/make_scipy_model.py.

use std::f64::consts::PI;

use fastsci_pipeline::model::Model;
use fastsci_pipeline::physics::{NODES, Params, node_position, sensor_nodes, time_step};

/// With the source s(x) = sin(πx), constant in time, every state is a multiple c_n of the
/// Laplacian's eigenvector v_j = sin(π x_j), whose eigenvalue is λ = 4 sin²(π dx / 2) / dx².
/// Backward Euler gives μ c_n = c_{n-1} + dt with μ = 1 + dt (h + D λ), so
/// c_n = (1 − μ⁻ⁿ) / (h + D λ): the model must follow it to rounding at every step.
#[test]
fn a_sine_source_follows_backward_eulers_closed_form_at_every_step() {
    let (steps, sensors) = (400, 10);
    let model = Model::new(steps, sensors, |x, _t| (PI * x).sin());
    let dt = time_step(steps);
    let dx = 1.0 / (NODES + 1) as f64;
    let lambda = 4.0 * (PI * dx / 2.0).sin().powi(2) / (dx * dx);
    for params in [Params { diffusivity: 0.05, loss: 0.3 }, Params { diffusivity: 0.2, loss: 0.0 }] {
        let readings = model.simulate(params).unwrap();
        let rate = params.loss + params.diffusivity * lambda;
        let mu = 1.0 + dt * rate;
        for (n, row) in readings.chunks_exact(sensors).enumerate() {
            let c = (1.0 - mu.powi(-(n as i32 + 1))) / rate;
            for (reading, &node) in row.iter().zip(&sensor_nodes(sensors)) {
                let want = c * (PI * node_position(node)).sin();
                assert!(
                    (reading - want).abs() <= 1e-12 * (1.0 + want.abs()),
                    "{params:?} step {n}: {reading} vs {want}"
                );
            }
        }
        // After 10 time units at these rates the run has reached the steady state
        // D u'' − h u + sin(πx) = 0, u = sin(πx) / (D π² + h), up to the grid's O(dx²).
        let last = &readings[(steps - 1) * sensors..];
        for (reading, &node) in last.iter().zip(&sensor_nodes(sensors)) {
            let steady = (PI * node_position(node)).sin() / (params.diffusivity * PI * PI + params.loss);
            assert!(
                (reading - steady).abs() <= 2e-3 * steady.abs() + 1e-6,
                "{params:?}: {reading} vs {steady}"
            );
        }
    }
}

/// The job's model (the heater compiled by fastsci-jit, a Cholesky factor per run) equals the
/// Python job's (the heater compiled by Numba, splu), on the same parameters.
#[test]
fn the_model_matches_the_python_jobs_scipy_model() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scipy_model.json");
    let fx: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let steps = fx["steps"].as_u64().unwrap() as usize;
    let sensors = fx["sensors"].as_u64().unwrap() as usize;
    let nodes: Vec<usize> =
        fx["sensor_nodes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as usize).collect();
    assert_eq!(nodes, sensor_nodes(sensors));
    let model = fastsci_pipeline::build_model(steps, sensors).unwrap();
    let runs = fx["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    for run in runs {
        let params =
            Params { diffusivity: run["diffusivity"].as_f64().unwrap(), loss: run["loss"].as_f64().unwrap() };
        let want: Vec<f64> =
            run["readings"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let got = model.simulate(params).unwrap();
        assert_eq!(got.len(), want.len());
        let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(scale > 0.1, "the fixture's run is not trivial");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((g - w).abs() <= 1e-11 * scale, "{params:?} reading {i}: {g} vs SciPy {w}");
        }
    }
}
