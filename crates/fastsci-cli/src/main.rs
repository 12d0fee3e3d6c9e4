//! The `fastsci` command: a thin binary over the technique crates.
//!
//! Every subcommand lives in its own module under `cmd/` and returns a [`CliResult`];
//! this file only parses arguments, dispatches, and turns the outcome into an exit code and
//! at most one line on stderr.

// The doc comments of the argument types are clap's `--help` text, written for the terminal:
// `x[0]` there is an index, not a link.
#![allow(rustdoc::broken_intra_doc_links)]

mod args;
mod cmd;
mod error;
mod output;
mod tour;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{CliError, CliResult};

/// Fast numerical computing: JIT-compiled kernels, fused arrays, parallel sweeps, sparse
/// solvers, quadrature and optimization.
///
/// Exit codes: 0 done, 3 done but not converged, 2 bad input, 1 internal failure.
#[derive(Parser, Debug)]
#[command(name = "fastsci", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Print exactly one JSON object on stdout instead of text for people.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the eight reference workloads at full size beside their naive baselines.
    Tour(tour::Args),
    /// Compile a kernel from FILE.py:FUNC and run it on the given arguments.
    Run(cmd::run::Args),
    /// Integrate a formula in x over [A, B] with an error estimate (QUADPACK).
    Quad(cmd::quad::Args),
    /// Differentiate a formula in x at a point, with an error estimate.
    Diff(cmd::diff::Args),
    /// Minimize a formula in x[0], x[1], ... from a starting point.
    Minimize(cmd::minimize::Args),
    /// Fit a model in x and p[0], p[1], ... to data by least squares.
    Fit(cmd::fit::Args),
    /// Find a root of a formula in x inside a bracket.
    Root(cmd::root::Args),
    /// Evaluate an array expression over .npy files in one fused, multi-threaded pass.
    Eval(cmd::eval::Args),
    /// Summary statistics of a .npy file of any size, memory-mapped.
    Stats(cmd::stats::Args),
    /// Write a .npy file of random numbers, generated in parallel and out of core.
    Random(cmd::random::Args),
    /// Inspect a sparse matrix in Matrix Market format.
    Sparse(cmd::sparse::Args),
    /// Multiply a Matrix Market sparse matrix by a vector from a .npy file.
    Spmv(cmd::spmv::Args),
    /// Solve a sparse linear system, iteratively or directly.
    Solve(cmd::solve::Args),
    /// Run a compiled kernel over a grid of parameters on all cores, resumably.
    Sweep(cmd::sweep::Args),
    /// Fit a heat-conduction model to a measured dataset: every technique in one job.
    Pipeline(cmd::pipeline::Args),
}

fn dispatch(cli: &Cli) -> CliResult {
    let json = cli.json;
    match &cli.command {
        Command::Tour(args) => tour::run(args, json),
        Command::Run(args) => cmd::run::run(args, json),
        Command::Quad(args) => cmd::quad::run(args, json),
        Command::Diff(args) => cmd::diff::run(args, json),
        Command::Minimize(args) => cmd::minimize::run(args, json),
        Command::Fit(args) => cmd::fit::run(args, json),
        Command::Root(args) => cmd::root::run(args, json),
        Command::Eval(args) => cmd::eval::run(args, json),
        Command::Stats(args) => cmd::stats::run(args, json),
        Command::Random(args) => cmd::random::run(args, json),
        Command::Sparse(args) => cmd::sparse::run(args, json),
        Command::Spmv(args) => cmd::spmv::run(args, json),
        Command::Solve(args) => cmd::solve::run(args, json),
        Command::Sweep(args) => cmd::sweep::run(args, json),
        Command::Pipeline(args) => cmd::pipeline::run(args, json),
    }
}

/// One line for a clap error: its first line without the `error: ` prefix, with the names a
/// list-style message puts on the lines after it ("the following required arguments were not
/// provided: `--out <OUT>`"), an unknown option called one, and a pointer to help.
fn usage_error_line(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind as K};
    if err.kind() == K::UnknownArgument
        && let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg)
        && arg.starts_with('-')
    {
        let hint = match err.get(ContextKind::SuggestedArg) {
            Some(ContextValue::String(s)) => format!("; did you mean '{s}'?"),
            _ => String::new(),
        };
        return format!("unknown option '{arg}'{hint} (see 'fastsci --help')");
    }
    let rendered = err.to_string();
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or("invalid arguments");
    let mut first = first.strip_prefix("error: ").unwrap_or(first).to_string();
    if first.ends_with(':') {
        let items: Vec<&str> =
            lines.take_while(|l| l.starts_with("  ")).map(str::trim).filter(|l| !l.is_empty()).collect();
        first = format!("{first} {}", items.join(", "));
    }
    format!("{first} (see 'fastsci --help')")
}

/// Makes the signals a careless environment sends end the process cleanly: SIGBUS (an input
/// truncated while mapped, a mapped write meeting a full disk) is reported on one line with exit
/// 1 instead of a core dump; Ctrl-C and SIGTERM remove the `.partial` temporaries of outputs
/// being written before exiting with 130.
fn install_signal_handlers() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
        fn write(fd: i32, buf: *const u8, count: usize) -> isize;
        fn _exit(status: i32) -> !;
    }
    const SIGBUS: i32 = 7;
    extern "C" fn on_sigbus(_: i32) {
        const MESSAGE: &[u8] =
            b"fastsci: a memory-mapped file was truncated or could not be read or written \
(SIGBUS: was an input changed while in use, or is the disk full?); no output was replaced\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe; nothing else is touched.
        unsafe {
            write(2, MESSAGE.as_ptr(), MESSAGE.len());
            _exit(1);
        }
    }
    // SAFETY: installs a handler that only calls async-signal-safe functions.
    unsafe {
        signal(SIGBUS, on_sigbus as extern "C" fn(i32) as usize);
    }
    fastsci_par::on_interrupt_exit(fastsci_array::atomic::remove_temporaries);
    fastsci_par::install_interrupt_handler();
}

/// Whether a panic is `println!` meeting a closed pipe (`fastsci ... | head`).
fn is_broken_pipe(message: &str) -> bool {
    message.contains("failed printing to stdout") && message.contains("Broken pipe")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind as K;
            return match err.kind() {
                K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = err.print();
                    if err.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
                        ExitCode::from(2)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                _ => {
                    eprintln!("fastsci: {}", usage_error_line(&err));
                    ExitCode::from(2)
                }
            };
        }
    };
    install_signal_handlers();
    // A panic is a bug: report it on one line and exit 1, never with a backtrace dump.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        if is_broken_pipe(&message) {
            // The reader went away (`| head`): not an error, as for other Unix tools.
            fastsci_array::atomic::remove_temporaries();
            std::process::exit(0);
        }
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("fastsci: internal error (please report): {message}{location}");
    }));
    match std::panic::catch_unwind(|| dispatch(&cli)) {
        Ok(Ok(outcome)) => outcome.exit_code(),
        Ok(Err(err)) => {
            eprintln!("fastsci: {err}");
            err.exit_code()
        }
        Err(_) => CliError::internal("panic").exit_code(),
    }
}
