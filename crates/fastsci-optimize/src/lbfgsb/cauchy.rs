//! The generalized Cauchy point: the first local minimizer of the quadratic model along the
//! projected steepest-descent path, breakpoint by breakpoint (`cauchy` of the reference code).

use super::{Bounds, Memory};
use crate::scalar_fn::dot;

/// `cauchy`: the generalized Cauchy point. Returns (xcp, c = Wᵀ(xcp − x)).
pub(super) fn cauchy(
    b: &Bounds,
    mem: &Memory,
    x: &[f64],
    g: &[f64],
    iwhere: &mut [i8],
    sbgnrm: f64,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = x.len();
    let col = mem.col();
    let theta = mem.theta;
    let mut xcp = x.to_vec();
    if sbgnrm <= 0.0 {
        return Some((xcp, vec![0.0; 2 * col]));
    }
    let mut bnded = true;
    let mut nfree_count = 0usize;
    let mut breaks: Vec<(f64, usize)> = Vec::new();
    let mut d = vec![0.0; n];
    let mut p = vec![0.0; 2 * col];
    let mut f1 = 0.0;
    for i in 0..n {
        let neggi = -g[i];
        let (mut tl, mut tu) = (0.0, 0.0);
        if iwhere[i] != 3 && iwhere[i] != -1 {
            if b.nbd[i] <= 2 {
                tl = x[i] - b.l[i];
            }
            if b.nbd[i] >= 2 {
                tu = b.u[i] - x[i];
            }
            let xlower = b.nbd[i] <= 2 && tl <= 0.0;
            let xupper = b.nbd[i] >= 2 && tu <= 0.0;
            iwhere[i] = 0;
            if xlower {
                if neggi <= 0.0 {
                    iwhere[i] = 1;
                }
            } else if xupper {
                if neggi >= 0.0 {
                    iwhere[i] = 2;
                }
            } else if neggi.abs() <= 0.0 {
                iwhere[i] = -3;
            }
        }
        if iwhere[i] != 0 && iwhere[i] != -1 {
            d[i] = 0.0;
        } else {
            d[i] = neggi;
            f1 -= neggi * neggi;
            for j in 0..col {
                p[j] += mem.y[j][i] * neggi;
                p[col + j] += mem.s[j][i] * neggi;
            }
            if b.nbd[i] <= 2 && b.nbd[i] != 0 && neggi < 0.0 {
                breaks.push((tl / (-neggi), i));
            } else if b.nbd[i] >= 2 && neggi > 0.0 {
                breaks.push((tu / neggi, i));
            } else {
                nfree_count += 1;
                if neggi.abs() > 0.0 {
                    bnded = false;
                }
            }
        }
    }
    if theta != 1.0 {
        for v in &mut p[col..] {
            *v *= theta;
        }
    }
    let mut c = vec![0.0; 2 * col];
    if breaks.is_empty() && nfree_count == 0 {
        return Some((xcp, c));
    }
    let nbreak = breaks.len();
    let mut f2 = -theta * f1;
    let f2_org = f2;
    if col > 0 {
        let v = mem.bmv(&p)?;
        f2 -= dot(&v, &p);
    }
    let mut dtm = -f1 / f2;
    let mut tsum = 0.0;
    breaks.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    let mut wbp = vec![0.0; 2 * col];
    if nbreak > 0 {
        let mut nleft = nbreak;
        let mut tj = 0.0;
        let mut k = 0;
        loop {
            let tj0 = tj;
            let (t, ibp) = breaks[k];
            tj = t;
            k += 1;
            let dt = tj - tj0;
            if dtm < dt {
                break;
            }
            tsum += dt;
            nleft -= 1;
            let dibp = d[ibp];
            d[ibp] = 0.0;
            let zibp;
            if dibp > 0.0 {
                zibp = b.u[ibp] - x[ibp];
                xcp[ibp] = b.u[ibp];
                iwhere[ibp] = 2;
            } else {
                zibp = b.l[ibp] - x[ibp];
                xcp[ibp] = b.l[ibp];
                iwhere[ibp] = 1;
            }
            if nleft == 0 && nbreak == n {
                dtm = dt;
                if col > 0 {
                    for j in 0..2 * col {
                        c[j] += dtm * p[j];
                    }
                }
                return Some((xcp, c));
            }
            let dibp2 = dibp * dibp;
            f1 = f1 + dt * f2 + dibp2 - theta * dibp * zibp;
            f2 -= theta * dibp2;
            if col > 0 {
                for j in 0..2 * col {
                    c[j] += dt * p[j];
                }
                for j in 0..col {
                    wbp[j] = mem.y[j][ibp];
                    wbp[col + j] = theta * mem.s[j][ibp];
                }
                let v = mem.bmv(&wbp)?;
                let wmc = dot(&c, &v);
                let wmp = dot(&p, &v);
                let wmw = dot(&wbp, &v);
                for j in 0..2 * col {
                    p[j] -= dibp * wbp[j];
                }
                f1 += dibp * wmc;
                f2 += 2.0 * dibp * wmp - dibp2 * wmw;
            }
            f2 = f2.max(f64::EPSILON * f2_org);
            if nleft > 0 {
                dtm = -f1 / f2;
                continue;
            } else if bnded {
                dtm = 0.0;
            } else {
                dtm = -f1 / f2;
            }
            break;
        }
    }
    if dtm <= 0.0 {
        dtm = 0.0;
    }
    tsum += dtm;
    for i in 0..n {
        xcp[i] += tsum * d[i];
    }
    if col > 0 {
        for j in 0..2 * col {
            c[j] += dtm * p[j];
        }
    }
    Some((xcp, c))
}
