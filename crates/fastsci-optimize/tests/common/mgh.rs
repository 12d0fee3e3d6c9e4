//! The Moré–Garbow–Hillstrom test problems as residual vectors over any `Float`, the same
//! formulas as `fixtures/mgh.py`.

use fastsci_optimize::float::{Float, Objective};

fn c<T: Float>(v: f64) -> T {
    T::from_f64(v)
}

fn helical<T: Float>(x: &[T]) -> Vec<T> {
    let mut th = (x[1] / x[0]).atan() / (2.0 * std::f64::consts::PI);
    if x[0].value() < 0.0 {
        th = th + 0.5;
    }
    vec![(x[2] - th * 10.0) * 10.0, ((x[0] * x[0] + x[1] * x[1]).sqrt() - 1.0) * 10.0, x[2]]
}

fn biggs<T: Float>(x: &[T]) -> Vec<T> {
    (1..14)
        .map(|i| {
            let t = 0.1 * i as f64;
            let y = (-t).exp() - 5.0 * (-10.0 * t).exp() + 3.0 * (-4.0 * t).exp();
            x[2] * (x[0] * -t).exp() - x[3] * (x[1] * -t).exp() + x[5] * (x[4] * -t).exp() - y
        })
        .collect()
}

const GAUSS_Y: [f64; 15] = [
    0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295, 0.0540, 0.0175,
    0.0044, 0.0009,
];

fn gaussian<T: Float>(x: &[T]) -> Vec<T> {
    (1..16)
        .map(|i| {
            let t = (8.0 - i as f64) / 2.0;
            let d = -x[2] + t;
            x[0] * (x[1] * -0.5 * d * d).exp() - GAUSS_Y[i - 1]
        })
        .collect()
}

fn powell_bs<T: Float>(x: &[T]) -> Vec<T> {
    vec![x[0] * 1e4 * x[1] - 1.0, (-x[0]).exp() + (-x[1]).exp() - 1.0001]
}

fn box3d<T: Float>(x: &[T]) -> Vec<T> {
    (1..11)
        .map(|i| {
            let t = 0.1 * i as f64;
            (x[0] * -t).exp() - (x[1] * -t).exp() - x[2] * ((-t).exp() - (-10.0 * t).exp())
        })
        .collect()
}

fn vardim<T: Float>(x: &[T]) -> Vec<T> {
    let mut r: Vec<T> = x.iter().map(|&v| v - 1.0).collect();
    let mut s = c::<T>(0.0);
    for (j, &v) in x.iter().enumerate() {
        s += (v - 1.0) * (j + 1) as f64;
    }
    r.push(s);
    r.push(s * s);
    r
}

fn watson<T: Float>(x: &[T]) -> Vec<T> {
    let n = x.len();
    let mut r = Vec::new();
    for i in 1..30 {
        let t = i as f64 / 29.0;
        let mut s1 = c::<T>(0.0);
        for j in 2..=n {
            s1 += x[j - 1] * (j - 1) as f64 * t.powi(j as i32 - 2);
        }
        let mut s2 = c::<T>(0.0);
        for j in 1..=n {
            s2 += x[j - 1] * t.powi(j as i32 - 1);
        }
        r.push(s1 - s2 * s2 - 1.0);
    }
    r.push(x[0]);
    r.push(x[1] - x[0] * x[0] - 1.0);
    r
}

fn penalty1<T: Float>(x: &[T]) -> Vec<T> {
    let a = 1e-5f64.sqrt();
    let mut r: Vec<T> = x.iter().map(|&v| (v - 1.0) * a).collect();
    let mut s = c::<T>(0.0);
    for &v in x {
        s += v * v;
    }
    r.push(s - 0.25);
    r
}

fn penalty2<T: Float>(x: &[T]) -> Vec<T> {
    let n = x.len();
    let a = 1e-5f64.sqrt();
    let mut r = vec![x[0] - 0.2];
    for i in 2..=n {
        let y = (i as f64 / 10.0).exp() + ((i - 1) as f64 / 10.0).exp();
        r.push(((x[i - 1] / 10.0).exp() + (x[i - 2] / 10.0).exp() - y) * a);
    }
    for i in n + 1..2 * n {
        r.push(((x[i - n] / 10.0).exp() - (-0.1f64).exp()) * a);
    }
    let mut s = c::<T>(0.0);
    for j in 1..=n {
        s += x[j - 1] * (n - j + 1) as f64 * x[j - 1];
    }
    r.push(s - 1.0);
    r
}

fn brown_bs<T: Float>(x: &[T]) -> Vec<T> {
    vec![x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2.0]
}

fn brown_dennis<T: Float>(x: &[T]) -> Vec<T> {
    (1..21)
        .map(|i| {
            let t = i as f64 / 5.0;
            let a = x[0] + x[1] * t - t.exp();
            let b = x[2] + x[3] * t.sin() - t.cos();
            a * a + b * b
        })
        .collect()
}

fn gulf<T: Float>(x: &[T]) -> Vec<T> {
    (1..100)
        .map(|i| {
            let t = i as f64 / 100.0;
            let y = 25.0 + (-50.0 * t.ln()).powf(2.0 / 3.0);
            let d = (-x[1] + y).abs();
            (-(d.pow(x[2])) / x[0]).exp() - t
        })
        .collect()
}

fn trig<T: Float>(x: &[T]) -> Vec<T> {
    let n = x.len();
    let mut s = c::<T>(0.0);
    for &v in x {
        s += v.cos();
    }
    (0..n).map(|i| -s + n as f64 + (-x[i].cos() + 1.0) * (i + 1) as f64 - x[i].sin()).collect()
}

fn ext_rosen<T: Float>(x: &[T]) -> Vec<T> {
    let mut r = Vec::new();
    for i in (0..x.len()).step_by(2) {
        r.push((x[i + 1] - x[i] * x[i]) * 10.0);
        r.push(-x[i] + 1.0);
    }
    r
}

fn ext_powell<T: Float>(x: &[T]) -> Vec<T> {
    let mut r = Vec::new();
    for i in (0..x.len()).step_by(4) {
        r.push(x[i] + x[i + 1] * 10.0);
        r.push((x[i + 2] - x[i + 3]) * 5f64.sqrt());
        let a = x[i + 1] - x[i + 2] * 2.0;
        r.push(a * a);
        let b = x[i] - x[i + 3];
        r.push(b * b * 10f64.sqrt());
    }
    r
}

fn beale<T: Float>(x: &[T]) -> Vec<T> {
    let y = [1.5, 2.25, 2.625];
    (0..3).map(|i| -(x[0] * (-x[1].powi(i as i32 + 1) + 1.0)) + y[i]).collect()
}

fn wood<T: Float>(x: &[T]) -> Vec<T> {
    vec![
        (x[1] - x[0] * x[0]) * 10.0,
        -x[0] + 1.0,
        (x[3] - x[2] * x[2]) * 90f64.sqrt(),
        -x[2] + 1.0,
        (x[1] + x[3] - 2.0) * 10f64.sqrt(),
        (x[1] - x[3]) / 10f64.sqrt(),
    ]
}

fn chebyquad<T: Float>(x: &[T]) -> Vec<T> {
    let n = x.len();
    let m = n;
    let ts: Vec<Vec<T>> = x
        .iter()
        .map(|&xj| {
            let y = xj * 2.0 - 1.0;
            let mut t = vec![c::<T>(1.0), y];
            for k in 2..=m {
                let v = y * 2.0 * t[k - 1] - t[k - 2];
                t.push(v);
            }
            t
        })
        .collect();
    (1..=m)
        .map(|i| {
            let mut s = c::<T>(0.0);
            for t in &ts {
                s += t[i];
            }
            s = s / n as f64;
            if i % 2 == 0 {
                s = s + 1.0 / ((i * i) as f64 - 1.0);
            }
            s
        })
        .collect()
}

fn freudenstein<T: Float>(x: &[T]) -> Vec<T> {
    vec![x[0] - 13.0 + ((-x[1] + 5.0) * x[1] - 2.0) * x[1], x[0] - 29.0 + ((x[1] + 1.0) * x[1] - 14.0) * x[1]]
}

fn jennrich<T: Float>(x: &[T]) -> Vec<T> {
    (1..11).map(|i| -((x[0] * i as f64).exp() + (x[1] * i as f64).exp()) + (2.0 + 2.0 * i as f64)).collect()
}

const BARD_Y: [f64; 15] =
    [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39];

fn bard<T: Float>(x: &[T]) -> Vec<T> {
    (1..16)
        .map(|i| {
            let u = i as f64;
            let v = 16.0 - u;
            let w = u.min(v);
            -(x[0] + c::<T>(u) / (x[1] * v + x[2] * w)) + BARD_Y[i - 1]
        })
        .collect()
}

const KO_Y: [f64; 11] =
    [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246];
const KO_U: [f64; 11] = [4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625];

fn kowalik<T: Float>(x: &[T]) -> Vec<T> {
    (0..11)
        .map(|i| {
            let u = KO_U[i];
            -(x[0] * (x[1] * u + u * u) / (x[2] * u + x[3] + u * u)) + KO_Y[i]
        })
        .collect()
}

/// One test problem: its name, residuals and standard start.
#[derive(Clone, Copy)]
pub struct Mgh {
    pub name: &'static str,
    pub index: usize,
}

/// Names in the order of `fixtures/mgh.py`.
pub const NAMES: [&str; 22] = [
    "helical_valley",
    "biggs_exp6",
    "gaussian",
    "powell_badly_scaled",
    "box_3d",
    "variably_dimensioned",
    "watson",
    "penalty_1",
    "penalty_2",
    "brown_badly_scaled",
    "brown_dennis",
    "gulf",
    "trigonometric",
    "extended_rosenbrock",
    "extended_powell",
    "beale",
    "wood",
    "chebyquad",
    "freudenstein_roth",
    "jennrich_sampson",
    "bard",
    "kowalik_osborne",
];

impl Mgh {
    /// The problem called `name`.
    pub fn by_name(name: &str) -> Mgh {
        let index = NAMES.iter().position(|n| *n == name).expect("known MGH problem");
        Mgh { name: NAMES[index], index }
    }

    /// The residual vector at x.
    pub fn residuals<T: Float>(&self, x: &[T]) -> Vec<T> {
        match self.index {
            0 => helical(x),
            1 => biggs(x),
            2 => gaussian(x),
            3 => powell_bs(x),
            4 => box3d(x),
            5 => vardim(x),
            6 => watson(x),
            7 => penalty1(x),
            8 => penalty2(x),
            9 => brown_bs(x),
            10 => brown_dennis(x),
            11 => gulf(x),
            12 => trig(x),
            13 => ext_rosen(x),
            14 => ext_powell(x),
            15 => beale(x),
            16 => wood(x),
            17 => chebyquad(x),
            18 => freudenstein(x),
            19 => jennrich(x),
            20 => bard(x),
            _ => kowalik(x),
        }
    }
}

impl Objective for Mgh {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let mut s = T::from_f64(0.0);
        for r in self.residuals(x) {
            s += r * r;
        }
        s
    }
}
