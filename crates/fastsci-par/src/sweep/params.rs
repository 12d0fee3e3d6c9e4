//! Parameter sets: a Cartesian grid of axes or an explicit list of rows.

use crate::error::ParError;

/// Evenly spaced numbers over `[start, stop]`, both ends included, like `numpy.linspace`:
/// point `i` is `start + i * (stop - start) / (num - 1)` and the last point is exactly `stop`.
///
/// # Examples
///
/// ```
/// use fastsci_par::linspace;
///
/// assert_eq!(linspace(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
/// assert_eq!(linspace(2.0, 3.0, 1), vec![2.0]);
/// assert!(linspace(0.0, 1.0, 0).is_empty());
/// ```
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    match num {
        0 => Vec::new(),
        1 => vec![start],
        _ => {
            let step = (stop - start) / (num - 1) as f64;
            let mut points: Vec<f64> = (0..num).map(|i| start + i as f64 * step).collect();
            points[num - 1] = stop;
            points
        }
    }
}

/// The most tasks (grid points) a sweep accepts: 2^30, about 10^9. The grid's values are held
/// in memory (8 bytes per parameter per task) and the journal grows by a line per task, so a
/// larger sweep is better split into several.
pub const MAX_TASKS: usize = 1 << 30;

/// One named parameter and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    name: String,
    values: Vec<f64>,
}

impl Axis {
    /// An axis with the given values.
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Axis {
        Axis { name: name.into(), values }
    }

    /// An axis of `num` evenly spaced values from `start` to `stop` ([`linspace`]).
    pub fn linspace(name: impl Into<String>, start: f64, stop: f64, num: usize) -> Axis {
        Axis::new(name, linspace(start, stop, num))
    }

    /// The parameter's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The values it takes.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

/// Checks that `name` can be a CSV column: an identifier other than `index`.
pub(crate) fn check_name(name: &str, what: &str) -> Result<(), ParError> {
    let mut chars = name.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !identifier {
        return Err(ParError::BadParams(format!(
            "{what} name '{name}' is not an identifier (letters, digits and '_', not starting with a digit)"
        )));
    }
    if name == "index" {
        return Err(ParError::BadParams(format!(
            "'index' is reserved for the task column; rename the {what}"
        )));
    }
    Ok(())
}

/// Checks that `names` are identifiers and distinct.
pub(crate) fn check_names(names: &[String], what: &str) -> Result<(), ParError> {
    for (i, name) in names.iter().enumerate() {
        check_name(name, what)?;
        if names[..i].contains(name) {
            return Err(ParError::BadParams(format!("{what} '{name}' is given twice")));
        }
    }
    Ok(())
}

/// The parameter sets of a sweep: task `i` runs with row `i`.
///
/// # Examples
///
/// ```
/// use fastsci_par::{Axis, ParamSets};
///
/// let grid = ParamSets::grid([Axis::new("a", vec![1.0, 2.0]), Axis::linspace("b", 0.0, 1.0, 3)])?;
/// assert_eq!(grid.len(), 6);
/// assert_eq!(grid.names(), &["a", "b"]);
/// assert_eq!(grid.get(0), &[1.0, 0.0]);
/// assert_eq!(grid.get(1), &[1.0, 0.5]); // the last axis varies fastest
/// assert_eq!(grid.get(5), &[2.0, 1.0]);
/// # Ok::<(), fastsci_par::ParError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSets {
    names: Vec<String>,
    values: Vec<f64>,
    len: usize,
}

impl ParamSets {
    /// The Cartesian product of the axes, in row-major order (the last axis varies fastest,
    /// as `itertools.product` and `numpy.meshgrid(..., indexing="ij")`). No axes give one
    /// empty parameter set.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::{Axis, ParamSets};
    /// let grid = ParamSets::grid([Axis::linspace("a", 0.0, 1.0, 3), Axis::linspace("b", 10.0, 20.0, 2)])?;
    /// assert_eq!(grid.len(), 6);
    /// assert_eq!(grid.get(1), &[0.0, 20.0]); // the last axis varies fastest
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ParError::BadParams`] when an axis has no values, a name is not an identifier or
    /// repeats, or the grid has more than [`MAX_TASKS`] points (the product is computed without
    /// overflow), or its values do not fit in memory.
    pub fn grid(axes: impl IntoIterator<Item = Axis>) -> Result<ParamSets, ParError> {
        let axes: Vec<Axis> = axes.into_iter().collect();
        let names: Vec<String> = axes.iter().map(|a| a.name.clone()).collect();
        check_names(&names, "parameter")?;
        let mut len = 1usize;
        for axis in &axes {
            if axis.values.is_empty() {
                return Err(ParError::BadParams(format!("parameter '{}' has no values", axis.name)));
            }
            len = len.checked_mul(axis.values.len()).filter(|&n| n <= MAX_TASKS).ok_or_else(|| {
                let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
                ParError::BadParams(format!(
                    "the grid of {} points has more than the {MAX_TASKS} tasks a sweep accepts",
                    sizes.join(" x ")
                ))
            })?;
        }
        let width = axes.len();
        let mut values = Vec::new();
        values.try_reserve_exact(len * width).map_err(|_| {
            ParError::BadParams(format!(
                "not enough memory for the {len} x {width} parameter values of the grid"
            ))
        })?;
        let mut digits = vec![0usize; width];
        for _ in 0..len {
            values.extend(axes.iter().zip(&digits).map(|(axis, &d)| axis.values[d]));
            for k in (0..width).rev() {
                digits[k] += 1;
                if digits[k] < axes[k].values.len() {
                    break;
                }
                digits[k] = 0;
            }
        }
        Ok(ParamSets { names, values, len })
    }

    /// An explicit list of parameter sets, one row per task.
    ///
    /// # Examples
    ///
    /// ```
    /// use fastsci_par::ParamSets;
    /// let sets = ParamSets::list(vec!["x".into(), "y".into()], vec![vec![1.0, 2.0], vec![3.0, 4.0]])?;
    /// assert_eq!((sets.len(), sets.get(1)), (2, &[3.0, 4.0][..]));
    /// assert!(ParamSets::list(vec!["x".into()], vec![vec![1.0, 2.0]]).is_err());
    /// # Ok::<(), fastsci_par::ParError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ParError::BadParams`] when a row's length differs from the number of names, or a
    /// name is not an identifier or repeats.
    pub fn list(names: Vec<String>, rows: Vec<Vec<f64>>) -> Result<ParamSets, ParError> {
        check_names(&names, "parameter")?;
        let width = names.len();
        let mut values = Vec::with_capacity(rows.len() * width);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != width {
                return Err(ParError::BadParams(format!(
                    "parameter set {i} has {} values for {width} names",
                    row.len()
                )));
            }
            values.extend_from_slice(row);
        }
        Ok(ParamSets { names, values, len: rows.len() })
    }

    /// The number of parameter sets (tasks).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no parameter sets.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The parameter names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values of parameter set `index`, in the order of [`names`](ParamSets::names).
    ///
    /// # Panics
    ///
    /// When `index >= len()`.
    pub fn get(&self, index: usize) -> &[f64] {
        let width = self.names.len();
        assert!(index < self.len, "parameter set {index} of {}", self.len);
        &self.values[index * width..(index + 1) * width]
    }
}
