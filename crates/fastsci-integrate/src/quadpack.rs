//! The adaptive drivers of QUADPACK (Piessens, de Doncker-Kapenga, Überhuber, Kahaner, 1983),
//! written after the published algorithms: global adaptive bisection with the error list kept
//! partly sorted (`qpsrt`), and Wynn's epsilon algorithm (`qelg`) for extrapolation.
//!
//! - [`qagse`]: QAGS/QAGI/QAWO driver, bisection plus extrapolation, over any rule on a
//!   finite interval (QAGI runs it on (0, 1] with the transformed rule).
//! - [`qagpe`]: QAGP, the same with user break points and level-based extrapolation.
//! - [`qage_plain`]: the driver without extrapolation used by QAWC and QAWS.
//!
//! Every driver stops at once when a rule reports a non-finite integrand value, handing the
//! abscissa back so the caller can restart with it as a break point.

// Index loops mirror the published algorithms step by step, which keeps them checkable.
#![allow(clippy::needless_range_loop, clippy::explicit_counter_loop)]

use crate::kronrod::{EPMACH, OFLOW, RuleOut, UFLOW};

/// What a driver returns. `ier` is QUADPACK's final error code (0 to 6).
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub result: f64,
    pub abserr: f64,
    pub neval: usize,
    pub last: usize,
    pub ier: i32,
    /// Set when the integrand was not finite at this abscissa; the other fields then only
    /// count the work done.
    pub bad: Option<f64>,
}

impl Raw {
    pub(crate) fn bad(x: f64, neval: usize, last: usize) -> Raw {
        Raw { result: f64::NAN, abserr: f64::INFINITY, neval, last, ier: 0, bad: Some(x) }
    }
}

/// True when tolerances are invalid in QUADPACK's sense (ier = 6).
pub(crate) fn invalid_tolerance(epsabs: f64, epsrel: f64) -> bool {
    epsabs <= 0.0 && epsrel < (50.0 * EPMACH).max(0.5e-28)
}

/// QPSRT: keeps `iord` a descending ordering of the error estimates of the first `jupbn`
/// intervals and picks the `nrmax`-th largest as the next to bisect.
pub(crate) fn qpsrt(
    limit: usize,
    last: usize,
    maxerr: &mut usize,
    ermax: &mut f64,
    elist: &[f64],
    iord: &mut [usize],
    nrmax: &mut usize,
) {
    // All indices here are 1-based as in the published algorithm; iord stores 0-based ids.
    if last <= 2 {
        iord[0] = 0;
        iord[1] = 1;
    } else {
        let errmax = elist[*maxerr];
        if *nrmax != 1 {
            let ido = *nrmax - 1;
            for _ in 0..ido {
                let isucc = iord[*nrmax - 2];
                if errmax <= elist[isucc] {
                    break;
                }
                iord[*nrmax - 1] = isucc;
                *nrmax -= 1;
            }
        }
        let jupbn = if last > limit / 2 + 2 { limit + 3 - last } else { last };
        let errmin = elist[last - 1];
        let jbnd = jupbn - 1;
        let ibeg = *nrmax + 1;
        let mut inserted_at = None;
        if ibeg <= jbnd {
            for i in ibeg..=jbnd {
                let isucc = iord[i - 1];
                if errmax >= elist[isucc] {
                    inserted_at = Some(i);
                    break;
                }
                iord[i - 2] = isucc;
            }
        }
        match inserted_at {
            None => {
                iord[jbnd - 1] = *maxerr;
                iord[jupbn - 1] = last - 1;
            }
            Some(i) => {
                iord[i - 2] = *maxerr;
                let mut k = jbnd;
                let mut placed = false;
                for _ in i..=jbnd {
                    let isucc = iord[k - 1];
                    if errmin < elist[isucc] {
                        iord[k] = last - 1;
                        placed = true;
                        break;
                    }
                    iord[k] = isucc;
                    k -= 1;
                }
                if !placed {
                    iord[i - 1] = last - 1;
                }
            }
        }
    }
    *maxerr = iord[*nrmax - 1];
    *ermax = elist[*maxerr];
}

/// State of Wynn's epsilon algorithm (QELG): the table and the last three results.
pub(crate) struct Epsilon {
    pub epstab: [f64; 52],
    pub n: usize,
    res3la: [f64; 3],
    nres: usize,
}

impl Epsilon {
    pub(crate) fn new() -> Epsilon {
        Epsilon { epstab: [0.0; 52], n: 0, res3la: [0.0; 3], nres: 0 }
    }

    /// Appends `value` to the table without extrapolating.
    pub(crate) fn store(&mut self, value: f64) {
        self.n += 1;
        self.epstab[self.n - 1] = value;
    }

    /// Appends `value` to the sequence and returns the extrapolated limit and its error.
    pub(crate) fn push(&mut self, value: f64) -> (f64, f64) {
        self.n += 1;
        self.epstab[self.n - 1] = value;
        self.extrapolate()
    }

    /// QELG on the current table (1-based indices as published).
    fn extrapolate(&mut self) -> (f64, f64) {
        let e = &mut self.epstab;
        let mut n = self.n;
        self.nres += 1;
        let mut abserr = OFLOW;
        let mut result = e[n - 1];
        if n < 3 {
            abserr = abserr.max(5.0 * EPMACH * result.abs());
            return (result, abserr);
        }
        let limexp = 50;
        e[n + 1] = e[n - 1];
        let newelm = (n - 1) / 2;
        e[n - 1] = OFLOW;
        let num = n;
        let mut k1 = n;
        let mut converged = false;
        for i in 1..=newelm {
            let k2 = k1 - 1;
            let k3 = k1 - 2;
            let res = e[k1 + 1];
            let e0 = e[k3 - 1];
            let e1 = e[k2 - 1];
            let e2 = res;
            let e1abs = e1.abs();
            let delta2 = e2 - e1;
            let err2 = delta2.abs();
            let tol2 = e2.abs().max(e1abs) * EPMACH;
            let delta3 = e1 - e0;
            let err3 = delta3.abs();
            let tol3 = e1abs.max(e0.abs()) * EPMACH;
            if err2 <= tol2 && err3 <= tol3 {
                result = res;
                abserr = err2 + err3;
                converged = true;
                break;
            }
            let e3 = e[k1 - 1];
            e[k1 - 1] = e1;
            let delta1 = e1 - e3;
            let err1 = delta1.abs();
            let tol1 = e1abs.max(e3.abs()) * EPMACH;
            let mut irregular = err1 <= tol1 || err2 <= tol2 || err3 <= tol3;
            let mut ss = 0.0;
            if !irregular {
                ss = 1.0 / delta1 + 1.0 / delta2 - 1.0 / delta3;
                let epsinf = (ss * e1).abs();
                irregular = epsinf <= 1e-4;
            }
            if irregular {
                n = i + i - 1;
                break;
            }
            let res = e1 + 1.0 / ss;
            e[k1 - 1] = res;
            k1 -= 2;
            let error = err2 + (res - e2).abs() + err3;
            if error <= abserr {
                abserr = error;
                result = res;
            }
        }
        if converged {
            self.n = n;
            return (result, abserr.max(5.0 * EPMACH * result.abs()));
        }
        if n == limexp {
            n = 2 * (limexp / 2) - 1;
        }
        let mut ib = if num.is_multiple_of(2) { 2 } else { 1 };
        let ie = newelm + 1;
        for _ in 1..=ie {
            let ib2 = ib + 2;
            e[ib - 1] = e[ib2 - 1];
            ib = ib2;
        }
        if num != n {
            let mut indx = num - n + 1;
            for i in 1..=n {
                e[i - 1] = e[indx - 1];
                indx += 1;
            }
        }
        if self.nres < 4 {
            self.res3la[self.nres - 1] = result;
            abserr = OFLOW;
        } else {
            abserr = (result - self.res3la[2]).abs()
                + (result - self.res3la[1]).abs()
                + (result - self.res3la[0]).abs();
            self.res3la[0] = self.res3la[1];
            self.res3la[1] = self.res3la[2];
            self.res3la[2] = result;
        }
        self.n = n;
        (result, abserr.max(5.0 * EPMACH * result.abs()))
    }
}

/// The interval lists shared by the drivers.
struct Lists {
    alist: Vec<f64>,
    blist: Vec<f64>,
    rlist: Vec<f64>,
    elist: Vec<f64>,
    iord: Vec<usize>,
    /// Bisection level of each interval; only QAGP consults it.
    level: Vec<u32>,
}

impl Lists {
    /// Lists for at least `n` intervals; they grow on demand, so a huge `limit` from a user
    /// costs nothing until it is used.
    fn new(n: usize) -> Lists {
        let n = n.clamp(2, 256) + 1;
        Lists {
            alist: vec![0.0; n],
            blist: vec![0.0; n],
            rlist: vec![0.0; n],
            elist: vec![0.0; n],
            iord: vec![0; n],
            level: vec![0; n],
        }
    }

    /// Makes room for interval number `last` (1-based) and the sort's look-ahead.
    fn ensure(&mut self, last: usize) {
        if self.alist.len() <= last + 1 {
            let n = (2 * last).max(last + 2);
            self.alist.resize(n, 0.0);
            self.blist.resize(n, 0.0);
            self.rlist.resize(n, 0.0);
            self.elist.resize(n, 0.0);
            self.iord.resize(n, 0);
            self.level.resize(n, 0);
        }
    }

    /// Stores interval `i` with the rule's estimate and error on it.
    fn set(&mut self, i: usize, a: f64, b: f64, r: &RuleOut) {
        self.alist[i] = a;
        self.blist[i] = b;
        self.rlist[i] = r.result;
        self.elist[i] = r.abserr;
    }

    /// Stores the two halves of interval `maxerr` at `maxerr` and `last - 1` (larger error
    /// first), as QUADPACK does.
    fn split(&mut self, maxerr: usize, last: usize, h: &Bisected) {
        let l = last - 1;
        self.rlist[maxerr] = h.r1.result;
        self.rlist[l] = h.r2.result;
        if h.r2.abserr > h.r1.abserr {
            self.alist[maxerr] = h.a2;
            self.alist[l] = h.a1;
            self.blist[l] = h.b1;
            self.rlist[maxerr] = h.r2.result;
            self.rlist[l] = h.r1.result;
            self.elist[maxerr] = h.r2.abserr;
            self.elist[l] = h.r1.abserr;
        } else {
            self.alist[l] = h.a2;
            self.blist[maxerr] = h.b1;
            self.blist[l] = h.b2;
            self.elist[maxerr] = h.r1.abserr;
            self.elist[l] = h.r2.abserr;
        }
        self.level[maxerr] = h.level;
        self.level[l] = h.level;
    }

    fn sum(&self, last: usize) -> f64 {
        self.rlist[..last].iter().sum()
    }
}

/// One cut of the interval with the largest error, before the halves are stored.
struct Bisected {
    a1: f64,
    b1: f64,
    a2: f64,
    b2: f64,
    r1: RuleOut,
    r2: RuleOut,
    area12: f64,
    erro12: f64,
    /// Error estimate and estimate of the interval that was cut.
    erlast: f64,
    rold: f64,
    /// Bisection level of the halves.
    level: u32,
}

impl Bisected {
    /// QUADPACK's round-off tests only count cuts where neither half's error estimate is
    /// saturated at `resasc` (where it is, the rule saw no convergence to judge).
    fn errors_unsaturated(&self) -> bool {
        self.r1.resasc != self.r1.abserr && self.r2.resasc != self.r2.abserr
    }

    /// The cut interval is too narrow for floating point to cut again (ier 3 or 4).
    fn too_narrow(&self) -> bool {
        self.a1.abs().max(self.b2.abs()) <= (1.0 + 100.0 * EPMACH) * (self.a2.abs() + 1000.0 * UFLOW)
    }
}

/// The running state of a global adaptive driver: the intervals, the one to cut next
/// (`maxerr`, via the partial ordering `iord` up to `nrmax`), the sums over all of them and
/// the work done.
struct Adaptive {
    lists: Lists,
    limit: usize,
    /// Intervals in use (QUADPACK's 1-based `last`).
    last: usize,
    maxerr: usize,
    errmax: f64,
    nrmax: usize,
    area: f64,
    errsum: f64,
    neval: usize,
}

impl Adaptive {
    /// The state once the first `last` intervals are in `lists` with `iord` sorted.
    fn new(lists: Lists, limit: usize, last: usize, neval: usize, area: f64, errsum: f64) -> Adaptive {
        let maxerr = lists.iord[0];
        let errmax = lists.elist[maxerr];
        Adaptive { lists, limit, last, maxerr, errmax, nrmax: 1, area, errsum, neval }
    }

    /// Cuts interval `maxerr` at `cut(a, b)`, applies `rule` to both halves and updates the
    /// sums; `Err` carries the driver's answer when the integrand was not finite.
    fn bisect<R: FnMut(f64, f64) -> RuleOut>(
        &mut self,
        rule: &mut R,
        cut: impl Fn(f64, f64) -> f64,
    ) -> Result<Bisected, Raw> {
        self.last += 1;
        self.lists.ensure(self.last);
        let m = self.maxerr;
        let a1 = self.lists.alist[m];
        let b2 = self.lists.blist[m];
        let b1 = cut(a1, b2);
        let a2 = b1;
        let r1 = rule(a1, b1);
        let r2 = rule(a2, b2);
        self.neval += r1.neval + r2.neval;
        if let Some(x) = r1.bad.or(r2.bad) {
            return Err(Raw::bad(x, self.neval, self.last));
        }
        let area12 = r1.result + r2.result;
        let erro12 = r1.abserr + r2.abserr;
        let (erlast, rold) = (self.errmax, self.lists.rlist[m]);
        self.errsum = self.errsum + erro12 - erlast;
        self.area = self.area + area12 - rold;
        let level = self.lists.level[m] + 1;
        Ok(Bisected { a1, b1, a2, b2, r1, r2, area12, erro12, erlast, rold, level })
    }

    /// Stores the halves and picks the next interval to cut (QPSRT).
    fn store(&mut self, h: &Bisected) {
        self.lists.split(self.maxerr, self.last, h);
        qpsrt(
            self.limit,
            self.last,
            &mut self.maxerr,
            &mut self.errmax,
            &self.lists.elist,
            &mut self.lists.iord,
            &mut self.nrmax,
        );
    }

    fn raw(&self, result: f64, abserr: f64, ier: i32) -> Raw {
        Raw { result, abserr, neval: self.neval, last: self.last, ier, bad: None }
    }

    /// Looks down the ordering from `nrmax` for a large interval to cut before extrapolating
    /// again, making it `maxerr`; false when there is none.
    fn next_large(&mut self, variant: &Variant) -> bool {
        let (last, limit) = (self.last, self.limit);
        let jupbnd = if last > 2 + limit / 2 { limit + 3 - last } else { last };
        for _ in self.nrmax..=jupbnd {
            self.maxerr = self.lists.iord[self.nrmax - 1];
            self.errmax = self.lists.elist[self.maxerr];
            if self.is_large(variant, self.maxerr) {
                return true;
            }
            self.nrmax += 1;
        }
        false
    }

    fn is_large(&self, variant: &Variant, i: usize) -> bool {
        variant.is_large(self.lists.alist[i], self.lists.blist[i], self.lists.level[i])
    }
}

/// What sets QAGS and QAGP apart inside their common loop: how an interval still "large"
/// (to be cut before the next extrapolation) is told from a small one.
enum Variant {
    /// QAGS: wider than `small`, which halves after every extrapolation.
    Width { small: f64 },
    /// QAGP: cut fewer than `levmax` times, which rises by one after every extrapolation.
    Level { levmax: u32 },
}

impl Variant {
    fn is_large(&self, a: f64, b: f64, level: u32) -> bool {
        match *self {
            Variant::Width { small } => (b - a).abs() > small,
            Variant::Level { levmax } => level < levmax,
        }
    }

    fn refine(&mut self) {
        match self {
            Variant::Width { small } => *small *= 0.5,
            Variant::Level { levmax } => *levmax += 1,
        }
    }

    /// The extrapolated result is accepted as final: the published QAGS compares with `<=`,
    /// QAGP with `<`; both are kept so the evaluation counts stay SciPy's.
    fn converged(&self, abserr: f64, ertest: f64) -> bool {
        match self {
            Variant::Width { .. } => abserr <= ertest,
            Variant::Level { .. } => abserr < ertest,
        }
    }
}

/// The final bookkeeping common to QAGS and QAGP (labels 100-140 of QAGSE).
#[allow(clippy::too_many_arguments)]
fn finish(
    mut ier: i32,
    ierro: i32,
    result: f64,
    mut abserr: f64,
    correc: f64,
    ksgn: i32,
    defabs: f64,
    s: &Adaptive,
) -> Raw {
    let (area, errsum) = (s.area, s.errsum);
    let sum_all = |ier: i32| {
        let ier = if ier > 2 { ier - 1 } else { ier };
        s.raw(s.lists.sum(s.last), errsum, ier)
    };
    if abserr == OFLOW {
        return sum_all(ier);
    }
    if ier + ierro != 0 {
        if ierro == 3 {
            abserr += correc;
        }
        if ier == 0 {
            ier = 3;
        }
        if result != 0.0 && area != 0.0 {
            if abserr / result.abs() > errsum / area.abs() {
                return sum_all(ier);
            }
        } else if abserr > errsum {
            return sum_all(ier);
        } else if area == 0.0 {
            let ier = if ier > 2 { ier - 1 } else { ier };
            return s.raw(result, abserr, ier);
        }
    }
    // Test on divergence.
    if !(ksgn == -1 && result.abs().max(area.abs()) <= defabs * 0.01)
        && (0.01 > result / area || result / area > 100.0 || errsum > area.abs())
    {
        ier = 6;
    }
    let ier = if ier > 2 { ier - 1 } else { ier };
    s.raw(result, abserr, ier)
}

/// The loop QAGS and QAGP share: cut the interval with the largest error; once only small
/// intervals carry the error, extrapolate the sequence of areas with QELG. `result` and
/// `defabs` are the sum of the estimates and of `|f|` over the initial intervals in `s`.
fn bisect_and_extrapolate<R: FnMut(f64, f64) -> RuleOut>(
    rule: &mut R,
    mut s: Adaptive,
    mut result: f64,
    defabs: f64,
    epsabs: f64,
    epsrel: f64,
    mut variant: Variant,
) -> Raw {
    let dres = result.abs();
    let ksgn = if dres >= (1.0 - 50.0 * EPMACH) * defabs { 1 } else { -1 };
    let mut errbnd = epsabs.max(epsrel * dres);
    let mut eps = Epsilon::new();
    eps.store(result);
    let mut abserr = OFLOW;
    let mut ier = 0;
    let mut ierro = 0;
    let (mut iroff1, mut iroff2, mut iroff3) = (0, 0, 0);
    let mut ktmin = 0;
    let mut extrap = false;
    let mut noext = false;
    // QAGS sets these again after its first cut.
    let mut erlarg = s.errsum;
    let mut ertest = errbnd;
    let mut correc = 0.0;
    while s.last < s.limit {
        let h = match s.bisect(rule, |a, b| 0.5 * (a + b)) {
            Ok(h) => h,
            Err(bad) => return bad,
        };
        if h.errors_unsaturated() {
            if (h.rold - h.area12).abs() <= 1e-5 * h.area12.abs() && h.erro12 >= 0.99 * h.erlast {
                if extrap {
                    iroff2 += 1;
                } else {
                    iroff1 += 1;
                }
            }
            if s.last > 10 && h.erro12 > h.erlast {
                iroff3 += 1;
            }
        }
        errbnd = epsabs.max(epsrel * s.area.abs());
        if iroff1 + iroff2 >= 10 || iroff3 >= 20 {
            ier = 2;
        }
        if iroff2 >= 5 {
            ierro = 3;
        }
        if s.last == s.limit {
            ier = 1;
        }
        if h.too_narrow() {
            ier = 4;
        }
        s.store(&h);
        if s.errsum <= errbnd {
            let ier = if ier > 2 { ier - 1 } else { ier };
            return s.raw(s.lists.sum(s.last), s.errsum, ier);
        }
        if ier != 0 {
            break;
        }
        if matches!(variant, Variant::Width { .. }) && s.last == 2 {
            // QAGS's first cut only sets the references and stores the area as the table's
            // second entry (label 80 of DQAGSE); QAGP stores it at its first extrapolation.
            erlarg = s.errsum;
            ertest = errbnd;
            eps.store(s.area);
            continue;
        }
        if noext {
            continue;
        }
        erlarg -= h.erlast;
        if variant.is_large(h.a1, h.b1, h.level) {
            erlarg += h.erro12;
        }
        if !extrap {
            if s.is_large(&variant, s.maxerr) {
                continue;
            }
            extrap = true;
            s.nrmax = 2;
        }
        if ierro != 3 && erlarg > ertest && s.next_large(&variant) {
            continue;
        }
        if eps.n < 2 {
            eps.store(s.area);
        } else {
            let (reseps, abseps) = eps.push(s.area);
            ktmin += 1;
            if ktmin > 5 && abserr < 1e-3 * s.errsum {
                ier = 5;
            }
            if abseps < abserr {
                ktmin = 0;
                abserr = abseps;
                result = reseps;
                correc = erlarg;
                ertest = epsabs.max(epsrel * reseps.abs());
                if variant.converged(abserr, ertest) {
                    break;
                }
            }
            if eps.n == 1 {
                noext = true;
            }
            if ier == 5 {
                break;
            }
        }
        s.maxerr = s.lists.iord[0];
        s.errmax = s.lists.elist[s.maxerr];
        s.nrmax = 1;
        extrap = false;
        variant.refine();
        erlarg = s.errsum;
    }
    finish(ier, ierro, result, abserr, correc, ksgn, defabs, &s)
}

/// QAGSE: global adaptive bisection with extrapolation over `rule` on [a, b].
///
/// An interval counts as "small" below `0.375 |b - a|` at first (QAGS and QAGI).
pub(crate) fn qagse<R: FnMut(f64, f64) -> RuleOut>(
    rule: &mut R,
    a: f64,
    b: f64,
    epsabs: f64,
    epsrel: f64,
    limit: usize,
) -> Raw {
    let mut lists = Lists::new(limit);
    let first = rule(a, b);
    let neval = first.neval;
    if let Some(x) = first.bad {
        return Raw::bad(x, neval, 1);
    }
    let (result, abserr) = (first.result, first.abserr);
    lists.set(0, a, b, &first);
    lists.iord[0] = 0;
    let errbnd = epsabs.max(epsrel * result.abs());
    let mut ier = 0;
    if abserr <= 100.0 * EPMACH * first.resabs && abserr > errbnd {
        ier = 2;
    }
    if limit == 1 {
        ier = 1;
    }
    if ier != 0 || (abserr <= errbnd && abserr != first.resasc) || abserr == 0.0 {
        return Raw { result, abserr, neval, last: 1, ier, bad: None };
    }
    let s = Adaptive::new(lists, limit, 1, neval, result, abserr);
    let variant = Variant::Width { small: (b - a).abs() * 0.375 };
    bisect_and_extrapolate(rule, s, result, first.resabs, epsabs, epsrel, variant)
}

/// QAGPE: like [`qagse`] but starting from the intervals between sorted break points
/// `pts` (ends included), with extrapolation decided by bisection level.
pub(crate) fn qagpe<R: FnMut(f64, f64) -> RuleOut>(
    rule: &mut R,
    pts: &[f64],
    epsabs: f64,
    epsrel: f64,
    limit: usize,
) -> Raw {
    let nint = pts.len() - 1;
    let npts2 = pts.len();
    let npts = npts2 - 2;
    let mut lists = Lists::new(nint);
    lists.ensure(nint);
    let mut neval = 0;
    let mut result = 0.0;
    let mut abserr = 0.0;
    let mut resabs = 0.0;
    let mut ndin = vec![false; nint];
    for i in 0..nint {
        let (a1, b1) = (pts[i], pts[i + 1]);
        let r = rule(a1, b1);
        neval += r.neval;
        if let Some(x) = r.bad {
            return Raw::bad(x, neval, nint);
        }
        abserr += r.abserr;
        result += r.result;
        ndin[i] = r.abserr == r.resasc && r.abserr != 0.0;
        resabs += r.resabs;
        lists.set(i, a1, b1, &r);
        lists.iord[i] = i;
    }
    let mut errsum = 0.0;
    for i in 0..nint {
        if ndin[i] {
            lists.elist[i] = abserr;
        }
        errsum += lists.elist[i];
    }
    let last = nint;
    let errbnd = epsabs.max(epsrel * result.abs());
    let mut ier = 0;
    if abserr <= 100.0 * EPMACH * resabs && abserr > errbnd {
        ier = 2;
    }
    if nint > 1 {
        for i in 0..npts {
            let mut ind1 = lists.iord[i];
            let mut k = i;
            for j in i + 1..nint {
                let ind2 = lists.iord[j];
                if lists.elist[ind1] <= lists.elist[ind2] {
                    ind1 = ind2;
                    k = j;
                }
            }
            if ind1 != lists.iord[i] {
                lists.iord[k] = lists.iord[i];
                lists.iord[i] = ind1;
            }
        }
        if limit < npts2 {
            ier = 1;
        }
    }
    if ier != 0 || abserr <= errbnd {
        let ier = if ier > 2 { ier - 1 } else { ier };
        return Raw { result, abserr, neval, last, ier, bad: None };
    }
    let s = Adaptive::new(lists, limit, last, neval, result, errsum);
    bisect_and_extrapolate(rule, s, result, resabs, epsabs, epsrel, Variant::Level { levmax: 1 })
}

/// The adaptive driver without extrapolation (QAWCE, QAWSE): start from `initial`
/// intervals, bisect the worst one with `split` choosing the cut, stop on tolerance.
pub(crate) fn qage_plain<R, S>(
    rule: &mut R,
    split: S,
    initial: &[(f64, f64)],
    epsabs: f64,
    epsrel: f64,
    limit: usize,
    touches_singular_end: impl Fn(f64, f64) -> bool,
) -> Raw
where
    R: FnMut(f64, f64) -> RuleOut,
    S: Fn(f64, f64) -> f64,
{
    let mut lists = Lists::new(initial.len());
    lists.ensure(initial.len());
    let mut neval = 0;
    let mut result = 0.0;
    let mut abserr = 0.0;
    for (i, &(lo, hi)) in initial.iter().enumerate() {
        let r = rule(lo, hi);
        neval += r.neval;
        if let Some(x) = r.bad {
            return Raw::bad(x, neval, initial.len());
        }
        lists.set(i, lo, hi, &r);
        result += r.result;
        abserr += r.abserr;
    }
    let last = initial.len();
    // Order the initial intervals by error, largest first.
    let mut order: Vec<usize> = (0..last).collect();
    order.sort_by(|&i, &j| lists.elist[j].total_cmp(&lists.elist[i]));
    lists.iord[..last].copy_from_slice(&order);
    let mut ier = 0;
    if limit <= last {
        ier = 1;
    }
    let errbnd = epsabs.max(epsrel * result.abs());
    if abserr <= errbnd || ier == 1 {
        return Raw { result, abserr, neval, last, ier, bad: None };
    }
    let mut s = Adaptive::new(lists, limit, last, neval, result, abserr);
    let (mut iroff1, mut iroff2) = (0, 0);
    while s.last < s.limit {
        let h = match s.bisect(rule, &split) {
            Ok(h) => h,
            Err(bad) => return bad,
        };
        if !touches_singular_end(h.a1, h.b2) && h.errors_unsaturated() {
            if (h.rold - h.area12).abs() < 1e-5 * h.area12.abs() && h.erro12 >= 0.99 * h.erlast {
                iroff1 += 1;
            }
            if s.last > 10 && h.erro12 > h.erlast {
                iroff2 += 1;
            }
        }
        let errbnd = epsabs.max(epsrel * s.area.abs());
        if s.errsum > errbnd {
            if s.last == s.limit {
                ier = 1;
            }
            if iroff1 >= 6 || iroff2 >= 20 {
                ier = 2;
            }
            if h.too_narrow() {
                ier = 3;
            }
        }
        s.store(&h);
        if ier != 0 || s.errsum <= errbnd {
            break;
        }
    }
    s.raw(s.lists.sum(s.last), s.errsum, ier)
}
