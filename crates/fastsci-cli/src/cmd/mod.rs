//! One module per subcommand, each with its clap `Args` and a `run` returning a `CliResult`.

pub mod diff;
pub mod eval;
pub mod fit;
pub mod minimize;
pub mod pipeline;
pub mod quad;
pub mod random;
pub mod root;
pub mod run;
pub mod solve;
pub mod sparse;
pub mod spmv;
pub mod stats;
pub mod sweep;
