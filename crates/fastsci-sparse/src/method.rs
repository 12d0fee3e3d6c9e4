//! The choice among the solvers, apart from [`crate::solve()`] so that the direct solvers can
//! name the method they are without depending on the dispatcher.

use std::str::FromStr;

use crate::error::{Result, SparseError};

/// Which solver [`crate::solve()`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SolveMethod {
    /// Direct: Cholesky for symmetric positive definite matrices, LU otherwise.
    #[default]
    Auto,
    /// Conjugate gradients.
    Cg,
    /// BiCGSTAB.
    Bicgstab,
    /// Restarted GMRES.
    Gmres,
    /// MINRES.
    Minres,
    /// Sparse LU.
    Lu,
    /// Sparse Cholesky.
    Cholesky,
}

impl SolveMethod {
    /// The name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            SolveMethod::Auto => "auto",
            SolveMethod::Cg => "cg",
            SolveMethod::Bicgstab => "bicgstab",
            SolveMethod::Gmres => "gmres",
            SolveMethod::Minres => "minres",
            SolveMethod::Lu => "lu",
            SolveMethod::Cholesky => "cholesky",
        }
    }
}

impl FromStr for SolveMethod {
    type Err = SparseError;

    fn from_str(s: &str) -> Result<SolveMethod> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => SolveMethod::Auto,
            "cg" => SolveMethod::Cg,
            "bicgstab" => SolveMethod::Bicgstab,
            "gmres" => SolveMethod::Gmres,
            "minres" => SolveMethod::Minres,
            "lu" => SolveMethod::Lu,
            "cholesky" | "chol" => SolveMethod::Cholesky,
            other => {
                return Err(SparseError::InvalidArgument(format!(
                    "unknown method '{other}' (expected auto, cg, bicgstab, gmres, minres, lu or cholesky)"
                )));
            }
        })
    }
}
