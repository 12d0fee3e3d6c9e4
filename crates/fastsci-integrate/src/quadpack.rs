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

    /// Stores the two halves of interval `maxerr` at `maxerr` and `last - 1` (larger error
    /// first), as QUADPACK does.
    #[allow(clippy::too_many_arguments)]
    fn split(
        &mut self,
        maxerr: usize,
        last: usize,
        a1: f64,
        b1: f64,
        a2: f64,
        b2: f64,
        r1: RuleOut,
        r2: RuleOut,
    ) {
        let l = last - 1;
        self.rlist[maxerr] = r1.result;
        self.rlist[l] = r2.result;
        if r2.abserr > r1.abserr {
            self.alist[maxerr] = a2;
            self.alist[l] = a1;
            self.blist[l] = b1;
            self.rlist[maxerr] = r2.result;
            self.rlist[l] = r1.result;
            self.elist[maxerr] = r2.abserr;
            self.elist[l] = r1.abserr;
        } else {
            self.alist[l] = a2;
            self.blist[maxerr] = b1;
            self.blist[l] = b2;
            self.elist[maxerr] = r1.abserr;
            self.elist[l] = r2.abserr;
        }
    }

    fn sum(&self, last: usize) -> f64 {
        self.rlist[..last].iter().sum()
    }
}

/// The final bookkeeping common to QAGS and QAGP (labels 100-140 of QAGSE).
#[allow(clippy::too_many_arguments)]
fn finish(
    mut ier: i32,
    ierro: i32,
    result: f64,
    mut abserr: f64,
    area: f64,
    errsum: f64,
    correc: f64,
    ksgn: i32,
    defabs: f64,
    lists: &Lists,
    last: usize,
) -> (f64, f64, i32) {
    let sum_all = |ier: i32| {
        let ier = if ier > 2 { ier - 1 } else { ier };
        (lists.sum(last), errsum, ier)
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
            return (result, abserr, ier);
        }
    }
    // Test on divergence.
    if !(ksgn == -1 && result.abs().max(area.abs()) <= defabs * 0.01)
        && (0.01 > result / area || result / area > 100.0 || errsum > area.abs())
    {
        ier = 6;
    }
    let ier = if ier > 2 { ier - 1 } else { ier };
    (result, abserr, ier)
}

/// QAGSE: global adaptive bisection with extrapolation over `rule` on [a, b].
///
/// `small0` is the initial width below which an interval counts as "small"
/// (`0.375 |b - a|` in QAGS and QAGI).
pub(crate) fn qagse<R: FnMut(f64, f64) -> RuleOut>(
    rule: &mut R,
    a: f64,
    b: f64,
    epsabs: f64,
    epsrel: f64,
    limit: usize,
) -> Raw {
    let mut lists = Lists::new(limit);
    let mut neval = 0;
    let first = rule(a, b);
    neval += first.neval;
    if let Some(x) = first.bad {
        return Raw::bad(x, neval, 1);
    }
    let mut result = first.result;
    let mut abserr = first.abserr;
    let defabs = first.resabs;
    let resabs0 = first.resasc;
    lists.alist[0] = a;
    lists.blist[0] = b;
    let dres = result.abs();
    let mut errbnd = epsabs.max(epsrel * dres);
    let mut last = 1;
    lists.rlist[0] = result;
    lists.elist[0] = abserr;
    lists.iord[0] = 0;
    let mut ier = 0;
    if abserr <= 100.0 * EPMACH * defabs && abserr > errbnd {
        ier = 2;
    }
    if limit == 1 {
        ier = 1;
    }
    if ier != 0 || (abserr <= errbnd && abserr != resabs0) || abserr == 0.0 {
        return Raw { result, abserr, neval, last, ier, bad: None };
    }
    let mut eps = Epsilon::new();
    eps.store(result);
    let mut errmax = abserr;
    let mut maxerr = 0usize;
    let mut area = result;
    let mut errsum = abserr;
    abserr = OFLOW;
    let mut nrmax = 1usize;
    let mut ktmin = 0;
    let mut extrap = false;
    let mut noext = false;
    let mut ierro = 0;
    let (mut iroff1, mut iroff2, mut iroff3) = (0, 0, 0);
    let ksgn = if dres >= (1.0 - 50.0 * EPMACH) * defabs { 1 } else { -1 };
    let mut small = 0.0;
    let mut erlarg = 0.0;
    let mut ertest = 0.0;
    let mut correc = 0.0;
    for l in 2..=limit {
        last = l;
        let a1 = lists.alist[maxerr];
        let b1 = 0.5 * (lists.alist[maxerr] + lists.blist[maxerr]);
        let a2 = b1;
        let b2 = lists.blist[maxerr];
        let erlast = errmax;
        let r1 = rule(a1, b1);
        let r2 = rule(a2, b2);
        neval += r1.neval + r2.neval;
        if let Some(x) = r1.bad.or(r2.bad) {
            return Raw::bad(x, neval, last);
        }
        let area12 = r1.result + r2.result;
        let erro12 = r1.abserr + r2.abserr;
        errsum = errsum + erro12 - errmax;
        area = area + area12 - lists.rlist[maxerr];
        if r1.resasc != r1.abserr && r2.resasc != r2.abserr {
            if (lists.rlist[maxerr] - area12).abs() <= 1e-5 * area12.abs() && erro12 >= 0.99 * errmax {
                if extrap {
                    iroff2 += 1;
                } else {
                    iroff1 += 1;
                }
            }
            if last > 10 && erro12 > errmax {
                iroff3 += 1;
            }
        }
        errbnd = epsabs.max(epsrel * area.abs());
        if iroff1 + iroff2 >= 10 || iroff3 >= 20 {
            ier = 2;
        }
        if iroff2 >= 5 {
            ierro = 3;
        }
        if last == limit {
            ier = 1;
        }
        if a1.abs().max(b2.abs()) <= (1.0 + 100.0 * EPMACH) * (a2.abs() + 1000.0 * UFLOW) {
            ier = 4;
        }
        lists.ensure(last);
        lists.split(maxerr, last, a1, b1, a2, b2, r1, r2);
        qpsrt(limit, last, &mut maxerr, &mut errmax, &lists.elist, &mut lists.iord, &mut nrmax);
        if errsum <= errbnd {
            let result = lists.sum(last);
            let ier = if ier > 2 { ier - 1 } else { ier };
            return Raw { result, abserr: errsum, neval, last, ier, bad: None };
        }
        if ier != 0 {
            break;
        }
        if last == 2 {
            small = (b - a).abs() * 0.375;
            erlarg = errsum;
            ertest = errbnd;
            // QUADPACK stores rlist2(2) = area without extrapolating yet.
            eps.store(area);
            continue;
        }
        if noext {
            continue;
        }
        erlarg -= erlast;
        if (b1 - a1).abs() > small {
            erlarg += erro12;
        }
        if !extrap {
            if (lists.blist[maxerr] - lists.alist[maxerr]).abs() > small {
                continue;
            }
            extrap = true;
            nrmax = 2;
        }
        let mut go_on = false;
        if ierro != 3 && erlarg > ertest {
            let id = nrmax;
            let jupbnd = if last > 2 + limit / 2 { limit + 3 - last } else { last };
            for _ in id..=jupbnd {
                maxerr = lists.iord[nrmax - 1];
                errmax = lists.elist[maxerr];
                if (lists.blist[maxerr] - lists.alist[maxerr]).abs() > small {
                    go_on = true;
                    break;
                }
                nrmax += 1;
            }
        }
        if go_on {
            continue;
        }
        let (reseps, abseps) = eps.push(area);
        ktmin += 1;
        if ktmin > 5 && abserr < 1e-3 * errsum {
            ier = 5;
        }
        if abseps < abserr {
            ktmin = 0;
            abserr = abseps;
            result = reseps;
            correc = erlarg;
            ertest = epsabs.max(epsrel * reseps.abs());
            if abserr <= ertest {
                break;
            }
        }
        if eps.n == 1 {
            noext = true;
        }
        if ier == 5 {
            break;
        }
        maxerr = lists.iord[0];
        errmax = lists.elist[maxerr];
        nrmax = 1;
        extrap = false;
        small *= 0.5;
        erlarg = errsum;
    }
    let (result, abserr, ier) =
        finish(ier, ierro, result, abserr, area, errsum, correc, ksgn, defabs, &lists, last);
    Raw { result, abserr, neval, last, ier, bad: None }
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
        lists.level[i] = 0;
        lists.elist[i] = r.abserr;
        lists.alist[i] = a1;
        lists.blist[i] = b1;
        lists.rlist[i] = r.result;
        lists.iord[i] = i;
    }
    let mut errsum = 0.0;
    for i in 0..nint {
        if ndin[i] {
            lists.elist[i] = abserr;
        }
        errsum += lists.elist[i];
    }
    let mut last = nint;
    let dres = result.abs();
    let mut errbnd = epsabs.max(epsrel * dres);
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
    let mut eps = Epsilon::new();
    eps.store(result);
    let mut maxerr = lists.iord[0];
    let mut errmax = lists.elist[maxerr];
    let mut area = result;
    let mut nrmax = 1usize;
    let mut ktmin = 0;
    let mut extrap = false;
    let mut noext = false;
    let mut erlarg = errsum;
    let mut ertest = errbnd;
    let mut levmax = 1u32;
    let (mut iroff1, mut iroff2, mut iroff3) = (0, 0, 0);
    let mut ierro = 0;
    abserr = OFLOW;
    let ksgn = if dres >= (1.0 - 50.0 * EPMACH) * resabs { 1 } else { -1 };
    let mut correc = 0.0;
    for l in npts2..=limit {
        last = l;
        let levcur = lists.level[maxerr] + 1;
        let a1 = lists.alist[maxerr];
        let b1 = 0.5 * (lists.alist[maxerr] + lists.blist[maxerr]);
        let a2 = b1;
        let b2 = lists.blist[maxerr];
        let erlast = errmax;
        let r1 = rule(a1, b1);
        let r2 = rule(a2, b2);
        neval += r1.neval + r2.neval;
        if let Some(x) = r1.bad.or(r2.bad) {
            return Raw::bad(x, neval, last);
        }
        let area12 = r1.result + r2.result;
        let erro12 = r1.abserr + r2.abserr;
        errsum = errsum + erro12 - errmax;
        area = area + area12 - lists.rlist[maxerr];
        if r1.resasc != r1.abserr && r2.resasc != r2.abserr {
            if (lists.rlist[maxerr] - area12).abs() <= 1e-5 * area12.abs() && erro12 >= 0.99 * errmax {
                if extrap {
                    iroff2 += 1;
                } else {
                    iroff1 += 1;
                }
            }
            if last > 10 && erro12 > errmax {
                iroff3 += 1;
            }
        }
        lists.level[maxerr] = levcur;
        lists.level[last - 1] = levcur;
        errbnd = epsabs.max(epsrel * area.abs());
        if iroff1 + iroff2 >= 10 || iroff3 >= 20 {
            ier = 2;
        }
        if iroff2 >= 5 {
            ierro = 3;
        }
        if last == limit {
            ier = 1;
        }
        if a1.abs().max(b2.abs()) <= (1.0 + 100.0 * EPMACH) * (a2.abs() + 1000.0 * UFLOW) {
            ier = 4;
        }
        lists.ensure(last);
        lists.split(maxerr, last, a1, b1, a2, b2, r1, r2);
        qpsrt(limit, last, &mut maxerr, &mut errmax, &lists.elist, &mut lists.iord, &mut nrmax);
        if errsum <= errbnd {
            let result = lists.sum(last);
            let ier = if ier > 2 { ier - 1 } else { ier };
            return Raw { result, abserr: errsum, neval, last, ier, bad: None };
        }
        if ier != 0 {
            break;
        }
        if noext {
            continue;
        }
        erlarg -= erlast;
        if levcur < levmax {
            erlarg += erro12;
        }
        if !extrap {
            if lists.level[maxerr] < levmax {
                continue;
            }
            extrap = true;
            nrmax = 2;
        }
        let mut go_on = false;
        if ierro != 3 && erlarg > ertest {
            let id = nrmax;
            let jupbnd = if last > 2 + limit / 2 { limit + 3 - last } else { last };
            for _ in id..=jupbnd {
                maxerr = lists.iord[nrmax - 1];
                errmax = lists.elist[maxerr];
                if lists.level[maxerr] < levmax {
                    go_on = true;
                    break;
                }
                nrmax += 1;
            }
        }
        if go_on {
            continue;
        }
        let numrl2 = eps.n + 1;
        if numrl2 <= 2 {
            eps.store(area);
        } else {
            let (reseps, abseps) = eps.push(area);
            ktmin += 1;
            if ktmin > 5 && abserr < 1e-3 * errsum {
                ier = 5;
            }
            if abseps < abserr {
                ktmin = 0;
                abserr = abseps;
                result = reseps;
                correc = erlarg;
                ertest = epsabs.max(epsrel * reseps.abs());
                if abserr < ertest {
                    break;
                }
            }
            if eps.n == 1 {
                noext = true;
            }
            if ier >= 5 {
                break;
            }
        }
        maxerr = lists.iord[0];
        errmax = lists.elist[maxerr];
        nrmax = 1;
        extrap = false;
        levmax += 1;
        erlarg = errsum;
    }
    let (result, abserr, ier) =
        finish(ier, ierro, result, abserr, area, errsum, correc, ksgn, resabs, &lists, last);
    Raw { result, abserr, neval, last, ier, bad: None }
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
        lists.alist[i] = lo;
        lists.blist[i] = hi;
        lists.rlist[i] = r.result;
        lists.elist[i] = r.abserr;
        result += r.result;
        abserr += r.abserr;
    }
    let mut last = initial.len();
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
    let mut maxerr = lists.iord[0];
    let mut errmax = lists.elist[maxerr];
    let mut nrmax = 1;
    let mut area = result;
    let mut errsum = abserr;
    let (mut iroff1, mut iroff2) = (0, 0);
    for l in last + 1..=limit {
        last = l;
        let a1 = lists.alist[maxerr];
        let b2 = lists.blist[maxerr];
        let b1 = split(a1, b2);
        let a2 = b1;
        let r1 = rule(a1, b1);
        let r2 = rule(a2, b2);
        neval += r1.neval + r2.neval;
        if let Some(x) = r1.bad.or(r2.bad) {
            return Raw::bad(x, neval, last);
        }
        let area12 = r1.result + r2.result;
        let erro12 = r1.abserr + r2.abserr;
        errsum = errsum + erro12 - errmax;
        area = area + area12 - lists.rlist[maxerr];
        if !touches_singular_end(a1, b2) && r1.resasc != r1.abserr && r2.resasc != r2.abserr {
            if (lists.rlist[maxerr] - area12).abs() < 1e-5 * area12.abs() && erro12 >= 0.99 * errmax {
                iroff1 += 1;
            }
            if last > 10 && erro12 > errmax {
                iroff2 += 1;
            }
        }
        let errbnd = epsabs.max(epsrel * area.abs());
        if errsum > errbnd {
            if last == limit {
                ier = 1;
            }
            if iroff1 >= 6 || iroff2 >= 20 {
                ier = 2;
            }
            if a1.abs().max(b2.abs()) <= (1.0 + 100.0 * EPMACH) * (a2.abs() + 1000.0 * UFLOW) {
                ier = 3;
            }
        }
        lists.ensure(last);
        lists.split(maxerr, last, a1, b1, a2, b2, r1, r2);
        qpsrt(limit, last, &mut maxerr, &mut errmax, &lists.elist, &mut lists.iord, &mut nrmax);
        if ier != 0 || errsum <= errbnd {
            break;
        }
    }
    Raw { result: lists.sum(last), abserr: errsum, neval, last, ier, bad: None }
}
