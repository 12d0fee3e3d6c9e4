//! The rod: grid, sensors, and implicit time stepping of the heat equation with heat loss.
//!
//! `u_t = D u_xx - h u + s(x, t)` on `0 < x < 1`, `u = 0` at both ends and at `t = 0`,
//! discretized with `NODES` interior nodes and backward Euler over `[0, DURATION]`:
//! `((1 + dt h) I - dt D L) u^n = u^{n-1} + dt s(x, t_n)` with `L` the 3-point Laplacian.

/// Interior grid nodes of the rod.
pub const NODES: usize = 100;

/// Length of the simulated time span.
pub const DURATION: f64 = 10.0;

/// Position of interior node `j` (0-based) on the unit rod.
pub fn node_position(j: usize) -> f64 {
    (j + 1) as f64 / (NODES + 1) as f64
}

/// The node each of `sensors` evenly spaced sensors reads.
pub fn sensor_nodes(sensors: usize) -> Vec<usize> {
    (0..sensors).map(|k| ((2 * k + 1) * NODES) / (2 * sensors)).collect()
}

/// Time step of a run with `steps` steps.
pub fn time_step(steps: usize) -> f64 {
    DURATION / steps as f64
}

/// The physical parameters the job recovers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Thermal diffusivity `D`.
    pub diffusivity: f64,
    /// Surface heat-loss coefficient `h`.
    pub loss: f64,
}

/// The three diagonals of the implicit step's matrix: (sub = super, main).
pub fn step_matrix_diagonals(params: Params, steps: usize) -> (f64, f64) {
    let dt = time_step(steps);
    let dx = 1.0 / (NODES + 1) as f64;
    let r = dt * params.diffusivity / (dx * dx);
    (-r, 1.0 + dt * params.loss + 2.0 * r)
}
