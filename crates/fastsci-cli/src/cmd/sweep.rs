//! `fastsci sweep`: a kernel from `FILE.py:FUNC` over a grid of parameters on all cores,
//! streamed to a CSV or `.npy` file and resumable.

use std::path::{Path, PathBuf};

use fastsci_jit::{Function, Value};
use fastsci_par::{Axis, Executor, ParamSets, Progress, Sweep, SweepResult};
use serde_json::json;

use crate::args::{parse_number, parse_number_list};
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};
use crate::tour::format_seconds;

/// Arguments of `fastsci sweep`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The kernel to run: a Python function in a file, called with the named parameters; it
    /// returns a number or a tuple of numbers.
    #[arg(value_name = "FILE.py:FUNC")]
    kernel: String,

    /// A swept parameter: NUM values from START to STOP, both included (numpy.linspace), or an
    /// explicit list NAME=V1,V2,...; several --grid options sweep their Cartesian product, the
    /// last varying fastest. Integers (`n=10:100:10`) are passed to the kernel as ints.
    #[arg(long = "grid", value_name = "NAME=START:STOP:NUM", allow_hyphen_values = true)]
    grid: Vec<String>,

    /// A parameter fixed for every task.
    #[arg(long = "set", value_name = "NAME=VALUE", allow_hyphen_values = true)]
    set: Vec<String>,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,

    /// Where the results go: RESULTS.csv (index, parameters, results) or RESULTS.npy (a 2-D
    /// array, one row per task: parameters then results).
    #[arg(long, value_name = "RESULTS.csv|RESULTS.npy")]
    out: PathBuf,

    /// Continue the sweep already in --out: run only its missing or failed tasks.
    #[arg(long)]
    resume: bool,

    /// Base seed of the kernel's random numbers: task i draws from a stream of (SEED, i), the
    /// same for any --jobs and across --resume.
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    seed: u64,

    /// Do not draw the progress bar.
    #[arg(long)]
    no_progress: bool,
}

/// How a parameter is passed to the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
}

/// A parameter given on the command line: its name, values and kind.
#[derive(Debug)]
struct Param {
    name: String,
    values: Vec<f64>,
    kind: Kind,
}

/// Whether `text` is an integer as typed (`10`, `-3`), which makes the parameter an int.
fn is_integer(text: &str) -> bool {
    text.trim().parse::<i64>().is_ok()
}

fn split_assignment<'a>(text: &'a str, option: &str, form: &str) -> Result<(&'a str, &'a str), CliError> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| CliError::bad_input(format!("{option} '{text}': expected {form}")))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(CliError::bad_input(format!(
            "{option} '{text}': the parameter name is missing ({form})"
        )));
    }
    Ok((name, value))
}

/// Parses `--grid NAME=START:STOP:NUM` or `--grid NAME=V1,V2,...`.
fn parse_grid(text: &str) -> Result<Param, CliError> {
    let form = "NAME=START:STOP:NUM or NAME=V1,V2,...";
    let (name, spec) = split_assignment(text, "--grid", form)?;
    let bad = |why: String| CliError::bad_input(format!("--grid '{text}': {why}"));
    let parts: Vec<&str> = spec.split(':').collect();
    let (values, integers) = match parts[..] {
        [start, stop, num] => {
            let a = parse_number(start).map_err(bad)?;
            let b = parse_number(stop).map_err(bad)?;
            let num: usize = num
                .trim()
                .parse()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| bad(format!("NUM '{num}' must be a whole number >= 1")))?;
            if !a.is_finite() || !b.is_finite() {
                return Err(bad("START and STOP must be finite".into()));
            }
            let values = fastsci_par::linspace(a, b, num);
            let integers = is_integer(start) && is_integer(stop) && values.iter().all(|v| v.fract() == 0.0);
            (values, integers)
        }
        [list] => {
            let values = parse_number_list(list).map_err(bad)?;
            (values, list.split(',').all(is_integer))
        }
        _ => return Err(bad(format!("expected {form}"))),
    };
    Ok(Param { name: name.to_string(), values, kind: if integers { Kind::Int } else { Kind::Float } })
}

/// Parses `--set NAME=VALUE`.
fn parse_set(text: &str) -> Result<Param, CliError> {
    let (name, value) = split_assignment(text, "--set", "NAME=VALUE")?;
    let number = parse_number(value).map_err(|why| CliError::bad_input(format!("--set '{text}': {why}")))?;
    let kind = if is_integer(value) { Kind::Int } else { Kind::Float };
    Ok(Param { name: name.to_string(), values: vec![number], kind })
}

/// Orders the parameters as the kernel takes them, checking every one is given exactly once.
fn match_params(function: &Function, mut given: Vec<Param>) -> Result<Vec<Param>, CliError> {
    let wanted = function.param_names();
    for (i, p) in given.iter().enumerate() {
        if given[..i].iter().any(|q| q.name == p.name) {
            return Err(CliError::bad_input(format!("parameter '{}' is given twice", p.name)));
        }
        if !wanted.contains(&p.name) {
            return Err(CliError::bad_input(format!(
                "{} has no parameter '{}'; its parameters are: {}",
                function.name(),
                p.name,
                wanted.join(", ")
            )));
        }
    }
    let mut ordered = Vec::with_capacity(wanted.len());
    for name in wanted {
        let at = given.iter().position(|p| &p.name == name).ok_or_else(|| {
            CliError::bad_input(format!(
                "parameter '{name}' of {} is not given; add --grid {name}=START:STOP:NUM or --set {name}=VALUE",
                function.name()
            ))
        })?;
        ordered.push(given.swap_remove(at));
    }
    Ok(ordered)
}

/// The kernel's arguments for one parameter set.
fn arguments(params: &[Param], values: &[f64]) -> Vec<Value> {
    params
        .iter()
        .zip(values)
        .map(|(p, &v)| match p.kind {
            Kind::Int => Value::Int(v as i64),
            Kind::Float => Value::Float(v),
        })
        .collect()
}

/// The numbers a kernel returned: one number, or a tuple of numbers.
fn results(value: Value) -> Result<Vec<f64>, String> {
    let number = |v: &Value| v.as_f64();
    match value {
        Value::Tuple(items) if !items.is_empty() => items
            .iter()
            .map(|v| {
                number(v).ok_or_else(|| "returned a tuple holding something other than numbers".to_string())
            })
            .collect(),
        Value::Tuple(_) => Err("returned an empty tuple; return a number or a tuple of numbers".into()),
        Value::None => Err("returned None; return a number or a tuple of numbers".into()),
        Value::Array(_) => Err("returned an array; return a number or a tuple of numbers".into()),
        other => {
            number(&other).map(|x| vec![x]).ok_or_else(|| "returned something other than a number".into())
        }
    }
}

fn print_report(report: &SweepResult, threads: usize, out: &Path, json: bool) {
    let failed = report.failures.len();
    if json {
        print_json(&json!({
            "tasks": report.tasks,
            "done": report.done(),
            "failed": failed,
            "seconds": json_f64(report.elapsed.as_secs_f64()),
            "out": out.display().to_string(),
            "already_done": report.already_done,
            "interrupted": report.cancelled,
        }));
        return;
    }
    let before = if report.already_done > 0 {
        format!(" ({} from before)", report.already_done)
    } else {
        String::new()
    };
    println!(
        "{} tasks on {threads} thread{}: {} done{before}, {failed} failed in {} -> {}",
        report.tasks,
        if threads == 1 { "" } else { "s" },
        report.done(),
        format_seconds(report.elapsed.as_secs_f64()),
        out.display()
    );
}

/// Runs `fastsci sweep`.
pub fn run(args: &Args, json: bool) -> CliResult {
    // Checked before anything else: starting 100,000 threads takes seconds before failing.
    match args.jobs {
        Some(0) => return Err(CliError::bad_input("--jobs must be at least 1")),
        Some(n) if n > fastsci_par::MAX_THREADS => {
            return Err(CliError::bad_input(format!(
                "--jobs {n}: at most {} worker threads (this machine has {} cores)",
                fastsci_par::MAX_THREADS,
                std::thread::available_parallelism().map_or(1, |c| c.get())
            )));
        }
        _ => {}
    }
    let mut given: Vec<Param> = args.grid.iter().map(|g| parse_grid(g)).collect::<Result<_, _>>()?;
    for s in &args.set {
        given.push(parse_set(s)?);
    }
    let function = crate::args::load_kernel(&args.kernel)?;
    let params = match_params(&function, given)?;
    let grid = ParamSets::grid(params.iter().map(|p| Axis::new(p.name.clone(), p.values.clone())))
        .map_err(CliError::from)?;
    // Type errors show up once, as bad input, before any task runs.
    function.compile_for(&arguments(&params, grid.get(0)))?;

    let exec = Executor::with_threads(args.jobs.unwrap_or(0))
        .map_err(CliError::from)?
        .progress(if args.no_progress { Progress::Never } else { Progress::Auto })
        .label("sweep")
        .seed(args.seed)
        .ctrl_c(true);
    let report = Sweep::new(grid)
        .resume(args.resume)
        .run_tasks(&exec, &args.out, |task, values| {
            fastsci_jit::seed(task.seed());
            let value = function.call(&arguments(&params, values)).map_err(|e| e.to_string())?;
            results(value)
        })
        .map_err(CliError::from)?;

    print_report(&report, exec.threads(), &args.out, json);
    for failure in &report.failures {
        eprintln!("fastsci: {failure}");
    }
    if report.cancelled {
        eprintln!(
            "fastsci: interrupted with {} of {} tasks done; run the same command with --resume to finish",
            report.done(),
            report.tasks
        );
    } else if !report.failures.is_empty() {
        eprintln!(
            "fastsci: {} of {} tasks failed; fix the kernel and run with --resume to rerun only those",
            report.failures.len(),
            report.tasks
        );
    }
    Ok(Outcome::from_converged(report.failures.is_empty() && !report.cancelled))
}
