//! The forward model: the heat equation stepped implicitly, one sparse Cholesky factorization
//! per parameter set, one solve per time step.

use fastsci_sparse::CsrMatrix;
use fastsci_sparse::direct::Cholesky;

use crate::PipelineError;
use crate::physics::{NODES, Params, sensor_nodes, step_matrix_diagonals, time_step};

/// Everything about a run that does not depend on the parameters: the source term sampled on
/// the grid at every step (computed once by the compiled heater kernel) and the sensor nodes.
#[derive(Debug, Clone)]
pub struct Model {
    /// `dt * s(x_j, t_n)`, row-major `(steps, NODES)`.
    scaled_source: Vec<f64>,
    steps: usize,
    sensors: Vec<usize>,
}

impl Model {
    /// A model with `steps` time steps and `sensors` sensors, the source sampled by `heater`.
    pub fn new(steps: usize, sensors: usize, mut heater: impl FnMut(f64, f64) -> f64) -> Model {
        let dt = time_step(steps);
        let mut scaled_source = Vec::with_capacity(steps * NODES);
        for n in 0..steps {
            let t = (n + 1) as f64 * dt;
            scaled_source.extend((0..NODES).map(|j| dt * heater(crate::physics::node_position(j), t)));
        }
        Model { scaled_source, steps, sensors: sensor_nodes(sensors) }
    }

    /// Time steps per run.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Number of sensors.
    pub fn sensors(&self) -> usize {
        self.sensors.len()
    }

    /// The sparse matrix of one implicit step.
    pub fn step_matrix(&self, params: Params) -> Result<CsrMatrix, PipelineError> {
        let (off, main) = step_matrix_diagonals(params, self.steps);
        Ok(fastsci_sparse::diags(
            &[vec![off; NODES - 1], vec![main; NODES], vec![off; NODES - 1]],
            &[-1, 0, 1],
            NODES,
            NODES,
        )?)
    }

    /// Simulates the rod and writes the sensor temperatures, row-major `(steps, sensors)`, into
    /// `out`.
    ///
    /// # Errors
    /// [`PipelineError::Model`] when the step matrix is not positive definite (negative
    /// diffusivity or loss far below zero).
    pub fn simulate_into(&self, params: Params, out: &mut [f64]) -> Result<(), PipelineError> {
        let factor = Cholesky::factorize(&self.step_matrix(params)?)?;
        let mut u = vec![0.0; NODES];
        for (source, readings) in
            self.scaled_source.chunks_exact(NODES).zip(out.chunks_exact_mut(self.sensors.len()))
        {
            for (u, s) in u.iter_mut().zip(source) {
                *u += s;
            }
            factor.solve_in_place(&mut u, 1)?;
            for (reading, &node) in readings.iter_mut().zip(&self.sensors) {
                *reading = u[node];
            }
        }
        Ok(())
    }

    /// [`Model::simulate_into`] into a new vector.
    ///
    /// # Errors
    /// As [`Model::simulate_into`].
    pub fn simulate(&self, params: Params) -> Result<Vec<f64>, PipelineError> {
        let mut out = vec![0.0; self.steps * self.sensors.len()];
        self.simulate_into(params, &mut out)?;
        Ok(out)
    }
}
