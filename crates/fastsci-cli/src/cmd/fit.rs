//! `fastsci fit`: fit a model formula to data by least squares, as `scipy.optimize.curve_fit`.

use std::path::Path;

use fastsci_jit::{Expression, VarKind};
use fastsci_optimize::lsq::{CurveFitOptions, curve_fit};
use ndarray::Array2;
use serde_json::json;

use crate::args::{numbers, parse_bounds};
use crate::error::{CliError, CliResult, Outcome};
use crate::output::{json_f64, print_json};

/// Arguments of `fastsci fit`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model: a Python expression in x and p[0], p[1], ... (e.g. "p[0]*exp(-p[1]*x) + p[2]").
    #[arg(allow_hyphen_values = true)]
    pub model: String,
    /// The data: a CSV file with a header naming columns x and y (and the sigma column), or a
    /// .npy array with columns x, y (and sigma).
    pub data: String,
    /// Starting parameters, comma-separated.
    #[arg(long, value_name = "V1,V2,...", allow_hyphen_values = true)]
    pub p0: String,
    /// The column of the uncertainties of y: a CSV header name, or a column number (0-based).
    #[arg(long, value_name = "COL")]
    pub sigma: Option<String>,
    /// Treat sigma as absolute: pcov is not rescaled by the residual variance.
    #[arg(long)]
    pub absolute_sigma: bool,
    /// Bounds per parameter, LO:HI,LO:HI,... (then the trust-region reflective method is used).
    #[arg(long, value_name = "LO:HI,...", allow_hyphen_values = true)]
    pub bounds: Option<String>,
}

/// Columns x, y and optionally sigma read from the data file.
struct Data {
    x: Vec<f64>,
    y: Vec<f64>,
    sigma: Option<Vec<f64>>,
}

fn column_index(names: &[String], want: &str) -> Option<usize> {
    if let Ok(i) = want.parse::<usize>() {
        return (i < names.len().max(1) || names.is_empty()).then_some(i);
    }
    names.iter().position(|n| n.eq_ignore_ascii_case(want))
}

fn read_csv(path: &Path, sigma: Option<&str>) -> Result<Data, CliError> {
    let text = crate::output::read_text(path, crate::output::MAX_CSV_BYTES)?;
    let mut lines =
        text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let (_, header) =
        lines.next().ok_or_else(|| CliError::bad_input(format!("{}: the file is empty", path.display())))?;
    let names: Vec<String> = header.split(',').map(|s| s.trim().trim_matches('"').to_string()).collect();
    let has_header = names.iter().any(|n| crate::args::parse_number(n).is_err());
    let (ix, iy) = if has_header {
        match (column_index(&names, "x"), column_index(&names, "y")) {
            (Some(a), Some(b)) => (a, b),
            _ if names.len() == 2 => (0, 1),
            _ => {
                return Err(CliError::bad_input(format!(
                    "{}: the header must name columns x and y (it has: {})",
                    path.display(),
                    names.join(", ")
                )));
            }
        }
    } else {
        (0, 1)
    };
    let is = match sigma {
        Some(s) => Some(column_index(if has_header { &names } else { &[] }, s).ok_or_else(|| {
            CliError::bad_input(format!(
                "{}: no column '{s}' for --sigma (columns: {})",
                path.display(),
                names.join(", ")
            ))
        })?),
        None => None,
    };
    let mut data = Data { x: vec![], y: vec![], sigma: is.map(|_| vec![]) };
    let rows: Vec<(usize, &str)> =
        if has_header { lines.collect() } else { std::iter::once((0, header)).chain(lines).collect() };
    for (lineno, line) in rows {
        let cells: Vec<&str> = line.split(',').collect();
        let get = |i: usize| -> Result<f64, CliError> {
            let cell = cells.get(i).ok_or_else(|| {
                CliError::bad_input(format!(
                    "{}:{}: expected at least {} columns",
                    path.display(),
                    lineno + 1,
                    i + 1
                ))
            })?;
            crate::args::parse_number(cell)
                .map_err(|e| CliError::bad_input(format!("{}:{}: {e}", path.display(), lineno + 1)))
        };
        data.x.push(get(ix)?);
        data.y.push(get(iy)?);
        if let (Some(i), Some(s)) = (is, data.sigma.as_mut()) {
            s.push(get(i)?);
        }
    }
    Ok(data)
}

fn read_npy(path: &Path, sigma: Option<&str>) -> Result<Data, CliError> {
    let a = crate::output::read_npy_f64(path, "a 2-D float64 array with columns x, y")?;
    let a: Array2<f64> = a.into_dimensionality().map_err(|_| {
        CliError::bad_input(format!("{}: expected a 2-D float64 array with columns x, y", path.display()))
    })?;
    if a.ncols() < 2 {
        return Err(CliError::bad_input(format!(
            "{}: needs at least two columns (x, y), has {}",
            path.display(),
            a.ncols()
        )));
    }
    let is = match sigma {
        Some(s) => {
            let i: usize =
                s.parse().map_err(|_| CliError::bad_input("--sigma for a .npy file is a column number"))?;
            if i >= a.ncols() {
                return Err(CliError::bad_input(format!("--sigma {i}: the array has {} columns", a.ncols())));
            }
            Some(i)
        }
        None => None,
    };
    Ok(Data { x: a.column(0).to_vec(), y: a.column(1).to_vec(), sigma: is.map(|i| a.column(i).to_vec()) })
}

/// Runs `fastsci fit`.
pub fn run(args: &Args, json: bool) -> CliResult {
    let p0 = numbers(&args.p0, "--p0")?;
    if p0.is_empty() || p0.iter().any(|v| !v.is_finite()) {
        return Err(CliError::bad_input("--p0 needs finite numbers, e.g. --p0 1,0.5"));
    }
    let n = p0.len();
    let model = Expression::compile(&args.model, &[("x", VarKind::Scalar), ("p", VarKind::Vector)])
        .map_err(|e| CliError::from(e).context("in the model"))?;
    if let Some(m) = model.max_index("p")
        && m >= n
    {
        return Err(CliError::bad_input(format!("the model uses p[{m}] but --p0 has {n} values")));
    }
    let path = Path::new(&args.data);
    let data = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy")) {
        read_npy(path, args.sigma.as_deref())?
    } else {
        read_csv(path, args.sigma.as_deref())?
    };
    if data.x.len() < n {
        return Err(CliError::bad_input(format!(
            "{} data points are too few for {n} parameters",
            data.x.len()
        )));
    }
    if data.x.iter().chain(&data.y).any(|v| !v.is_finite()) {
        return Err(CliError::bad_input(format!("{}: x and y must be finite", path.display())));
    }
    let bounds = args.bounds.as_deref().map(|b| parse_bounds(b, n)).transpose()?;
    let opts = CurveFitOptions {
        sigma: data.sigma.as_deref(),
        absolute_sigma: args.absolute_sigma,
        bounds: bounds.as_deref(),
    };
    let f = |x: f64, p: &[f64]| model.eval(&[x], &[p]);
    let fit = curve_fit(f, &data.x, &data.y, &p0, &opts)?;
    if json {
        let pcov: Vec<Vec<serde_json::Value>> =
            (0..n).map(|i| (0..n).map(|j| json_f64(fit.pcov[[i, j]])).collect()).collect();
        print_json(&json!({
            "popt": fit.popt.iter().map(|v| json_f64(*v)).collect::<Vec<_>>(),
            "perr": fit.perr.iter().map(|v| json_f64(*v)).collect::<Vec<_>>(),
            "pcov": pcov,
            "cost": json_f64(fit.cost),
            "nfev": fit.nfev,
            "success": fit.success(),
            "message": fit.message,
        }));
    } else {
        println!("{:<8} {:>22} {:>14}", "param", "value", "std error");
        for i in 0..n {
            println!("{:<8} {:>22.12e} {:>14.6e}", format!("p[{i}]"), fit.popt[i], fit.perr[i]);
        }
        println!("cost (sum of squared weighted residuals)  {:.6e}", fit.cost);
        println!(
            "points {}, evaluations {}, success {}: {}",
            data.x.len(),
            fit.nfev,
            fit.success(),
            fit.message
        );
    }
    Ok(Outcome::from_converged(fit.success()))
}
